// AES-CBC (NIST SP 800-38A section 6.2) over whole blocks. No padding: the
// caller chooses a scheme (PKCS#7, ciphertext stealing, fixed-size
// records) and hands in a multiple of 16 bytes; anything else is
// bad_length and writes nothing.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lib/crypto/aes.h"
#include "lib/crypto/status.h"

namespace crypto {

// in and out are the same buffer or do not overlap. To continue a message
// in a later call, pass the last ciphertext block as the next iv.
Status aes_cbc_encrypt(const Aes& aes, const uint8_t iv[Aes::kBlockSize], const uint8_t* in, uint8_t* out,
                       size_t len);
Status aes_cbc_decrypt(const Aes& aes, const uint8_t iv[Aes::kBlockSize], const uint8_t* in, uint8_t* out,
                       size_t len);

}  // namespace crypto
