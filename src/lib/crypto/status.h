// Errors of the crypto library, as values: firmware has no exceptions.
#pragma once

#include <cstdint>

namespace crypto {

enum class Status : uint8_t {
  ok = 0,
  bad_key_length,  // AES takes 16, 24 or 32 bytes
  bad_length,      // not a whole number of blocks, or beyond what the mode allows
  bad_iv_length,   // GCM needs at least one byte of IV
  auth_failed,     // GCM tag mismatch: the output has been zeroed
};

}  // namespace crypto
