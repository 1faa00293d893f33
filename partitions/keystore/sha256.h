// SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), allocation-free, for
// the key store partition. Also built on the host for its unit test.
#pragma once

#include <cstddef>
#include <cstdint>

namespace keystore {

class Sha256 {
 public:
  static constexpr size_t kDigestSize = 32;
  static constexpr size_t kBlockSize = 64;

  Sha256();
  void update(const uint8_t* data, size_t len);
  void finish(uint8_t out[kDigestSize]);

 private:
  void block(const uint8_t* p);
  uint32_t h_[8];
  uint8_t buf_[kBlockSize];
  size_t buf_len_ = 0;
  uint64_t total_ = 0;
};

void hmac_sha256(const uint8_t* key, size_t key_len, const uint8_t* msg, size_t msg_len,
                 uint8_t out[Sha256::kDigestSize]);

}  // namespace keystore
