// A memory transaction descriptor the way a lender writes one (FF-A v1.2
// layout), for the unit tests of memory sharing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace test {

struct Receiver {
  uint16_t id;
  uint8_t perm;
};
struct Range {
  uint64_t address;
  uint32_t pages;
};

inline void put(uint8_t* b, size_t off, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
}
inline uint64_t get(const uint8_t* b, size_t off, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= uint64_t{b[off + i]} << (8 * i);
  return v;
}

// A v1.2 transaction descriptor; its length.
inline uint32_t build_desc(uint8_t* b, uint16_t sender, const std::vector<Receiver>& to, const std::vector<Range>& ranges,
                    uint32_t flags = 0, uint64_t tag = 0) {
  const uint32_t n = static_cast<uint32_t>(to.size());
  const uint32_t composite = 48 + 32 * n, length = composite + 16 + 16 * static_cast<uint32_t>(ranges.size());
  std::memset(b, 0, length);
  put(b, 0, sender, 2);
  put(b, 2, 0x2F, 2);  // normal memory, write-back, inner shareable
  put(b, 4, flags, 4);
  put(b, 16, tag, 8);
  put(b, 24, 32, 4);
  put(b, 28, n, 4);
  put(b, 32, 48, 4);
  uint32_t total = 0;
  for (const Range& r : ranges) total += r.pages;
  for (uint32_t i = 0; i < n; ++i) {
    put(b, 48 + 32 * i, to[i].id, 2);
    put(b, 50 + 32 * i, to[i].perm, 1);
    put(b, 52 + 32 * i, composite, 4);
  }
  put(b, composite, total, 4);
  put(b, composite + 4, ranges.size(), 4);
  for (size_t i = 0; i < ranges.size(); ++i) {
    put(b, composite + 16 + 16 * i, ranges[i].address, 8);
    put(b, composite + 24 + 16 * i, ranges[i].pages, 4);
  }
  return length;
}

}  // namespace test
