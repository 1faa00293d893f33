// AES-GCM authenticated encryption (NIST SP 800-38D) with a 16-byte tag.
//
// seal: plaintext -> ciphertext (same length) and tag.
// open: checks the tag, in constant time, before any plaintext is
// written; on mismatch it returns auth_failed and out holds only zeros,
// so a caller that ignores the status still never sees unauthenticated
// plaintext. Bad parameters (key, IV or lengths) return their status
// before anything is computed and leave out as it was.
//
// IVs: 12 bytes is the fast, recommended case (J0 = IV || 0^31 || 1);
// any other non-zero length goes through GHASH, as the standard allows.
// Never reuse an IV under one key: GCM then leaks the XOR of the
// plaintexts and lets the hash key be recovered.
//
// in and out are the same buffer or do not overlap. When they are the
// same, a failed open zeroes the ciphertext too.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lib/crypto/aes.h"
#include "lib/crypto/ghash.h"
#include "lib/crypto/status.h"

namespace crypto {

class AesGcm {
 public:
  static constexpr size_t kTagSize = 16;
  static constexpr size_t kRecommendedIvSize = 12;

  // Wipes the hash key (Aes and Ghash wipe their own).
  ~AesGcm();

  // Expands the key and derives the hash key H = E_K(0^128).
  Status init(const uint8_t* key, size_t key_len);

  Status seal(const uint8_t* iv, size_t iv_len, const uint8_t* aad, size_t aad_len, const uint8_t* in,
              size_t len, uint8_t* out, uint8_t tag[kTagSize]) const;
  Status open(const uint8_t* iv, size_t iv_len, const uint8_t* aad, size_t aad_len, const uint8_t* in,
              size_t len, const uint8_t tag[kTagSize], uint8_t* out) const;

 private:
  Aes aes_;
  uint8_t h_[Aes::kBlockSize] = {};
  bool ready_ = false;
};

// One-shot forms: expand the key, seal or open, wipe.
Status aes_gcm_seal(const uint8_t* key, size_t key_len, const uint8_t* iv, size_t iv_len, const uint8_t* aad,
                    size_t aad_len, const uint8_t* in, size_t len, uint8_t* out, uint8_t tag[AesGcm::kTagSize]);
Status aes_gcm_open(const uint8_t* key, size_t key_len, const uint8_t* iv, size_t iv_len, const uint8_t* aad,
                    size_t aad_len, const uint8_t* in, size_t len, const uint8_t tag[AesGcm::kTagSize],
                    uint8_t* out);

}  // namespace crypto
