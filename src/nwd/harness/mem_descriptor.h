// Memory transaction descriptors the harness builds (FF-A v1.2 layout, the
// normal world as sender).
#pragma once

#include <cstdint>

namespace harness {

inline void put_le(uint8_t* b, unsigned off, uint64_t v, unsigned n) {
  for (unsigned i = 0; i < n; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
}
// The same in memory the secure world shares (an optee_msg_arg, an RPC
// request): every byte read or written once, as it is there now.
inline void put_le(volatile uint8_t* b, unsigned off, uint64_t v, unsigned n) {
  for (unsigned i = 0; i < n; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
}
inline uint64_t get_le(const volatile uint8_t* b, unsigned off, unsigned n) {
  uint64_t v = 0;
  for (unsigned i = 0; i < n; ++i) v |= uint64_t{b[off + i]} << (8 * i);
  return v;
}

// A descriptor with `ranges` single-page ranges, every other page from
// `base`, to one receiver with read-write access (the instruction access
// left to the SPMC, as FF-A wants); its length. `attributes`: normal
// memory, write-back, inner shareable, as a share names them; a lend to
// one borrower or a donation passes 0 (the borrower's to choose).
inline uint32_t put_ranges(uint8_t* b, uint16_t receiver, uint64_t base, uint32_t ranges,
                           uint16_t attributes = 0x2F) {
  const uint32_t composite = 80, length = composite + 16 + 16 * ranges;
  for (uint32_t i = 0; i < length; ++i) b[i] = 0;
  put_le(b, 2, attributes, 2);
  put_le(b, 24, 32, 4);   // access descriptor size
  put_le(b, 28, 1, 4);    // receivers
  put_le(b, 32, 48, 4);   // receivers offset
  put_le(b, 48, receiver, 2);
  put_le(b, 50, 2, 1);
  put_le(b, 52, composite, 4);
  put_le(b, composite, ranges, 4);      // total pages
  put_le(b, composite + 4, ranges, 4);  // ranges
  for (uint32_t i = 0; i < ranges; ++i) {
    put_le(b, composite + 16 + 16 * i, base + 0x2000ull * i, 8);
    put_le(b, composite + 24 + 16 * i, 1, 4);
  }
  return length;
}

}  // namespace harness
