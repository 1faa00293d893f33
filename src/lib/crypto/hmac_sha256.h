// HMAC-SHA256 (RFC 2104, FIPS 198-1): incremental (init, update, final)
// and one-shot.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lib/crypto/sha256.h"

namespace crypto {

class HmacSha256 {
 public:
  static constexpr size_t kMacSize = Sha256::kDigestSize;

  HmacSha256(const uint8_t* key, size_t key_len) { init(key, key_len); }
  // Wipes the padded key: it is as secret as the key.
  ~HmacSha256();

  // Starts a new MAC under key (any length; longer than a block is hashed
  // first, as RFC 2104 says).
  void init(const uint8_t* key, size_t key_len);
  void update(const uint8_t* data, size_t len);
  // Writes the full 32-byte MAC; a caller that truncates compares a
  // prefix of it (with crypto::equal). Call init() before another MAC.
  void final(uint8_t out[kMacSize]);

 private:
  Sha256 inner_;
  // The key XOR opad, kept so final() need not keep the key itself.
  uint8_t opad_key_[Sha256::kBlockSize];
};

void hmac_sha256(const uint8_t* key, size_t key_len, const uint8_t* msg, size_t msg_len,
                 uint8_t out[HmacSha256::kMacSize]);

}  // namespace crypto
