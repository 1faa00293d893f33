// The four functions the compiler may call on its own in freestanding code.
// Word-at-a-time where alignment allows: boot zeroes and copies whole images.
#include <cstddef>
#include <cstdint>

extern "C" {

void* memset(void* dst, int c, size_t n) {
  auto* d = static_cast<uint8_t*>(dst);
  uint64_t pattern = static_cast<uint8_t>(c) * 0x0101010101010101ull;
  while (n && (reinterpret_cast<uintptr_t>(d) & 7)) {
    *d++ = static_cast<uint8_t>(c);
    --n;
  }
  // 64 bytes an iteration: images and partitions are cleared at boot.
  for (; n >= 64; n -= 64, d += 64) {
    auto* w = reinterpret_cast<uint64_t*>(d);
    w[0] = w[1] = w[2] = w[3] = w[4] = w[5] = w[6] = w[7] = pattern;
  }
  for (; n >= 8; n -= 8, d += 8) *reinterpret_cast<uint64_t*>(d) = pattern;
  while (n--) *d++ = static_cast<uint8_t>(c);
  return dst;
}

void* memcpy(void* dst, const void* src, size_t n) {
  auto* d = static_cast<uint8_t*>(dst);
  const auto* s = static_cast<const uint8_t*>(src);
  if (((reinterpret_cast<uintptr_t>(d) | reinterpret_cast<uintptr_t>(s)) & 7) == 0) {
    for (; n >= 32; n -= 32, d += 32, s += 32) {
      auto* w = reinterpret_cast<uint64_t*>(d);
      const auto* r = reinterpret_cast<const uint64_t*>(s);
      const uint64_t a = r[0], b = r[1], c = r[2], e = r[3];
      w[0] = a;
      w[1] = b;
      w[2] = c;
      w[3] = e;
    }
    for (; n >= 8; n -= 8, d += 8, s += 8)
      *reinterpret_cast<uint64_t*>(d) = *reinterpret_cast<const uint64_t*>(s);
  }
  while (n--) *d++ = *s++;
  return dst;
}

void* memmove(void* dst, const void* src, size_t n) {
  auto* d = static_cast<uint8_t*>(dst);
  const auto* s = static_cast<const uint8_t*>(src);
  if (d <= s || d >= s + n) return memcpy(dst, src, n);
  // Overlapping, destination above: copy from the end, four words an
  // iteration once the ends are aligned (device-tree edits move kilobytes
  // this way). Each iteration loads its words before it stores them, and
  // what it stores lies above everything later iterations load.
  if (((reinterpret_cast<uintptr_t>(d) | reinterpret_cast<uintptr_t>(s)) & 3) == 0) {
    while (n & 3) {
      --n;
      d[n] = s[n];
    }
    for (; n >= 16; n -= 16) {
      const auto* r = reinterpret_cast<const uint32_t*>(s + n - 16);
      auto* w = reinterpret_cast<uint32_t*>(d + n - 16);
      const uint32_t a = r[3], b = r[2], c = r[1], e = r[0];
      w[3] = a;
      w[2] = b;
      w[1] = c;
      w[0] = e;
    }
    for (; n >= 4; n -= 4) *reinterpret_cast<uint32_t*>(d + n - 4) = *reinterpret_cast<const uint32_t*>(s + n - 4);
    return dst;
  }
  while (n--) d[n] = s[n];
  return dst;
}

int memcmp(const void* a, const void* b, size_t n) {
  const auto* x = static_cast<const uint8_t*>(a);
  const auto* y = static_cast<const uint8_t*>(b);
  for (size_t i = 0; i < n; ++i)
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

size_t strlen(const char* s) {
  size_t n = 0;
  while (s[n]) ++n;
  return n;
}

int strcmp(const char* a, const char* b) {
  while (*a && *a == *b) ++a, ++b;
  return static_cast<unsigned char>(*a) - static_cast<unsigned char>(*b);
}

// Pure virtual calls are a programming error; there is no runtime to report to.
void __cxa_pure_virtual() {
  for (;;) {
  }
}

}  // extern "C"
