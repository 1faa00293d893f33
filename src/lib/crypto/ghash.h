// GHASH, the universal hash of GCM (NIST SP 800-38D section 6.4): the
// running product in GF(2^128) of 16-byte blocks with the hash key H.
#pragma once

#include <cstddef>
#include <cstdint>

namespace crypto {

class Ghash {
 public:
  static constexpr size_t kBlockSize = 16;

  // Wipes H and the running value: both come from the key.
  ~Ghash();

  // H = E_K(0^128). Resets the running value to zero.
  void init(const uint8_t h[kBlockSize]);
  // Absorbs len bytes, the last partial block zero-padded: GCM pads the
  // AAD and the ciphertext each to a block boundary, so one call per field.
  void update_padded(const uint8_t* data, size_t len);
  // Absorbs the final block: the AAD and ciphertext lengths in bits.
  void update_lengths(uint64_t aad_bytes, uint64_t text_bytes);
  void result(uint8_t out[kBlockSize]) const;

 private:
  void absorb(const uint8_t block[kBlockSize]);
  // Big-endian halves: hi holds bytes 0-7, whose first bit is the
  // coefficient of x^0 in GCM's reflected bit order.
  uint64_t h_hi_ = 0, h_lo_ = 0;
  uint64_t y_hi_ = 0, y_lo_ = 0;
};

}  // namespace crypto
