// The fuzz input read as a stream of bytes and words, for the targets
// that turn it into a sequence of events; past its end it reads zeros.
#pragma once

#include <cstddef>
#include <cstdint>

struct FuzzInput {
  const uint8_t* p;
  size_t n;
  bool empty() const { return n == 0; }
  uint8_t byte() {
    if (!n) return 0;
    --n;
    return *p++;
  }
  // `count` bytes (at most 8), little-endian.
  uint64_t bytes(unsigned count) {
    uint64_t v = 0;
    for (unsigned i = 0; i < count; ++i) v |= uint64_t{byte()} << (8 * i);
    return v;
  }
  uint64_t word() { return bytes(8); }
};
