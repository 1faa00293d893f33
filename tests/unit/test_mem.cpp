// src/lib/mem.cpp: the firmware's own memset/memcpy/memmove, built here
// under other names (the host's C library keeps its own). memmove copies an
// overlapping range with the destination above from the end, several words
// an iteration where both ends are word-aligned: every size, alignment and
// overlap distance of a small range against a byte-by-byte reference.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#define memset tessera_test_memset
#define memcpy tessera_test_memcpy
#define memmove tessera_test_memmove
#define memcmp tessera_test_memcmp
#define strlen tessera_test_strlen
#define strcmp tessera_test_strcmp
#define __cxa_pure_virtual tessera_test_pure_virtual
#include "lib/mem.cpp"
#undef memset
#undef memcpy
#undef memmove
#undef memcmp
#undef strlen
#undef strcmp
#undef __cxa_pure_virtual

namespace {

// What memmove must leave: the bytes of [src, src + n) as they were, at dst.
std::vector<uint8_t> reference(std::vector<uint8_t> buf, size_t dst, size_t src, size_t n) {
  const std::vector<uint8_t> copy(buf.begin() + src, buf.begin() + src + n);
  for (size_t i = 0; i < n; ++i) buf[dst + i] = copy[i];
  return buf;
}

std::vector<uint8_t> pattern(size_t size) {
  std::vector<uint8_t> b(size);
  for (size_t i = 0; i < size; ++i) b[i] = static_cast<uint8_t>(i * 7 + 3);
  return b;
}

TEST(Mem, MemmoveEveryOverlapAndAlignment) {
  constexpr size_t kSize = 160;
  // 8-aligned storage, so that offsets decide the alignment.
  alignas(16) static uint8_t buf[kSize];
  for (size_t n = 0; n <= 80; ++n) {
    for (size_t src = 0; src < 8; ++src) {
      for (size_t dst = 0; dst + n <= kSize && dst < src + n + 8; ++dst) {
        const std::vector<uint8_t> before = pattern(kSize);
        std::memcpy(buf, before.data(), kSize);
        void* r = tessera_test_memmove(buf + dst, buf + src, n);
        ASSERT_EQ(r, buf + dst);
        const std::vector<uint8_t> want = reference(before, dst, src, n);
        ASSERT_EQ(std::vector<uint8_t>(buf, buf + kSize), want) << "n " << n << " src " << src << " dst " << dst;
      }
    }
  }
}

// The device-tree case: kilobytes moved up by a few words.
TEST(Mem, MemmoveLongRangeUpByAFewWords) {
  constexpr size_t kSize = 8192 + 64;
  alignas(16) static uint8_t buf[kSize];
  for (size_t by : {4u, 8u, 12u, 16u, 20u, 24u, 48u, 1u, 3u}) {
    const std::vector<uint8_t> before = pattern(kSize);
    std::memcpy(buf, before.data(), kSize);
    tessera_test_memmove(buf + 4 + by, buf + 4, 8192);
    ASSERT_EQ(std::vector<uint8_t>(buf, buf + kSize), reference(before, 4 + by, 4, 8192)) << "by " << by;
  }
}

}  // namespace
