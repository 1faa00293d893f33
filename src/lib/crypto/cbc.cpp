#include "lib/crypto/cbc.h"

namespace crypto {

Status aes_cbc_encrypt(const Aes& aes, const uint8_t iv[Aes::kBlockSize], const uint8_t* in, uint8_t* out,
                       size_t len) {
  if (len % Aes::kBlockSize) return Status::bad_length;
  uint8_t chain[Aes::kBlockSize];
  for (size_t i = 0; i < Aes::kBlockSize; ++i) chain[i] = iv[i];
  for (size_t off = 0; off < len; off += Aes::kBlockSize) {
    for (size_t i = 0; i < Aes::kBlockSize; ++i) chain[i] ^= in[off + i];
    aes.encrypt_block(chain, chain);
    for (size_t i = 0; i < Aes::kBlockSize; ++i) out[off + i] = chain[i];
  }
  return Status::ok;
}

Status aes_cbc_decrypt(const Aes& aes, const uint8_t iv[Aes::kBlockSize], const uint8_t* in, uint8_t* out,
                       size_t len) {
  if (len % Aes::kBlockSize) return Status::bad_length;
  uint8_t chain[Aes::kBlockSize];
  for (size_t i = 0; i < Aes::kBlockSize; ++i) chain[i] = iv[i];
  for (size_t off = 0; off < len; off += Aes::kBlockSize) {
    // Keep this ciphertext block before out (possibly the same memory)
    // is overwritten: it chains into the next block.
    uint8_t c[Aes::kBlockSize], p[Aes::kBlockSize];
    for (size_t i = 0; i < Aes::kBlockSize; ++i) c[i] = in[off + i];
    aes.decrypt_block(c, p);
    for (size_t i = 0; i < Aes::kBlockSize; ++i) {
      out[off + i] = p[i] ^ chain[i];
      chain[i] = c[i];
    }
  }
  return Status::ok;
}

}  // namespace crypto
