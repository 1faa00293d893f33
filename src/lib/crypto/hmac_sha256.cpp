#include "lib/crypto/hmac_sha256.h"

#include "lib/crypto/ct.h"

namespace crypto {

HmacSha256::~HmacSha256() { secure_zero(opad_key_, sizeof(opad_key_)); }

void HmacSha256::init(const uint8_t* key, size_t key_len) {
  uint8_t k[Sha256::kBlockSize] = {};
  if (key_len > Sha256::kBlockSize) {
    sha256(key, key_len, k);
  } else {
    for (size_t i = 0; i < key_len; ++i) k[i] = key[i];
  }
  uint8_t ipad_key[Sha256::kBlockSize];
  for (size_t i = 0; i < Sha256::kBlockSize; ++i) {
    ipad_key[i] = k[i] ^ 0x36;
    opad_key_[i] = k[i] ^ 0x5c;
  }
  inner_.init();
  inner_.update(ipad_key, sizeof(ipad_key));
  // Key material does not outlive the call on the stack.
  secure_zero(k, sizeof(k));
  secure_zero(ipad_key, sizeof(ipad_key));
}

void HmacSha256::update(const uint8_t* data, size_t len) { inner_.update(data, len); }

void HmacSha256::final(uint8_t out[kMacSize]) {
  uint8_t inner_digest[Sha256::kDigestSize];
  inner_.final(inner_digest);
  Sha256 outer;
  outer.update(opad_key_, sizeof(opad_key_));
  outer.update(inner_digest, sizeof(inner_digest));
  outer.final(out);
  secure_zero(inner_digest, sizeof(inner_digest));
}

void hmac_sha256(const uint8_t* key, size_t key_len, const uint8_t* msg, size_t msg_len,
                 uint8_t out[HmacSha256::kMacSize]) {
  HmacSha256 h(key, key_len);
  h.update(msg, msg_len);
  h.final(out);
}

}  // namespace crypto
