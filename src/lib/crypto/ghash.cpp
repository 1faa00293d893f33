#include "lib/crypto/ghash.h"

#include "lib/crypto/ct.h"

namespace crypto {
namespace {

uint64_t load_be64(const uint8_t* p) {
  uint64_t v = 0;
  for (unsigned i = 0; i < 8; ++i) v = v << 8 | p[i];
  return v;
}

void store_be64(uint8_t* p, uint64_t v) {
  for (unsigned i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (56 - 8 * i));
}

}  // namespace

Ghash::~Ghash() {
  secure_zero(&h_hi_, sizeof(h_hi_));
  secure_zero(&h_lo_, sizeof(h_lo_));
  secure_zero(&y_hi_, sizeof(y_hi_));
  secure_zero(&y_lo_, sizeof(y_lo_));
}

void Ghash::init(const uint8_t h[kBlockSize]) {
  h_hi_ = load_be64(h);
  h_lo_ = load_be64(h + 8);
  y_hi_ = y_lo_ = 0;
}

// Y = (Y ^ X) * H by SP 800-38D algorithm 1, one bit at a time with masks
// instead of branches: no table indexed by secret data and no data-
// dependent branch, so constant time, at the cost of speed (128 shift-xor
// steps per block). Trusted Applications seal small records; a 4-bit
// table or PMULL would be the next step if that changes.
void Ghash::absorb(const uint8_t block[kBlockSize]) {
  const uint64_t x_hi = y_hi_ ^ load_be64(block);
  const uint64_t x_lo = y_lo_ ^ load_be64(block + 8);
  uint64_t z_hi = 0, z_lo = 0;
  uint64_t v_hi = h_hi_, v_lo = h_lo_;
  for (unsigned i = 0; i < 128; ++i) {
    const uint64_t word = i < 64 ? x_hi : x_lo;  // i is public: no leak
    const uint64_t bit = (word >> (63 - (i & 63))) & 1;
    const uint64_t take = 0 - bit;
    z_hi ^= v_hi & take;
    z_lo ^= v_lo & take;
    // V * x: shift right in GCM's bit order, reducing by R = 0xe1 || 0^120
    // when a bit falls off the end.
    const uint64_t carry = 0 - (v_lo & 1);
    v_lo = (v_lo >> 1) | (v_hi << 63);
    v_hi = (v_hi >> 1) ^ (0xe100000000000000ull & carry);
  }
  y_hi_ = z_hi;
  y_lo_ = z_lo;
}

void Ghash::update_padded(const uint8_t* data, size_t len) {
  while (len >= kBlockSize) {
    absorb(data);
    data += kBlockSize;
    len -= kBlockSize;
  }
  if (len) {
    uint8_t last[kBlockSize] = {};
    for (size_t i = 0; i < len; ++i) last[i] = data[i];
    absorb(last);
    secure_zero(last, sizeof(last));
  }
}

void Ghash::update_lengths(uint64_t aad_bytes, uint64_t text_bytes) {
  uint8_t block[kBlockSize];
  store_be64(block, aad_bytes * 8);
  store_be64(block + 8, text_bytes * 8);
  absorb(block);
}

void Ghash::result(uint8_t out[kBlockSize]) const {
  store_be64(out, y_hi_);
  store_be64(out + 8, y_lo_);
}

}  // namespace crypto
