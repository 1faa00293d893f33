// SHA-256 (FIPS 180-4), allocation-free: incremental (init, update,
// final) and one-shot.
#pragma once

#include <cstddef>
#include <cstdint>

namespace crypto {

class Sha256 {
 public:
  static constexpr size_t kDigestSize = 32;
  static constexpr size_t kBlockSize = 64;

  Sha256() { init(); }
  // Wipes the state: it is derived from the message (and, inside HMAC,
  // from the key).
  ~Sha256();

  // Starts a new message (the constructor already has).
  void init();
  void update(const uint8_t* data, size_t len);
  // Writes the digest; call init() before hashing another message.
  void final(uint8_t out[kDigestSize]);

 private:
  void block(const uint8_t* p);
  uint32_t h_[8];
  uint8_t buf_[kBlockSize];
  size_t buf_len_;
  uint64_t total_;
};

void sha256(const uint8_t* data, size_t len, uint8_t out[Sha256::kDigestSize]);

}  // namespace crypto
