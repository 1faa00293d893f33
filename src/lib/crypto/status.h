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
  bad_key,         // RSA: modulus not 2048/3072 bits, even or with a zero top byte; exponent not 3 or 65537
  bad_signature,   // RSA: s >= n, or s^e mod n is not the expected PKCS #1 v1.5 encoding
};

}  // namespace crypto
