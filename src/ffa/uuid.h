// UUIDs as FF-A passes them: four 32-bit words in SMCCC register order
// (w1..w4 of PARTITION_INFO_GET, the manifest's `uuid` cells). Word i holds
// bytes 4i..4i+3 of the RFC 4122 byte string, little-endian.
#pragma once

#include <cstdint>

namespace ffa {

struct Uuid {
  uint32_t w[4];

  constexpr bool is_nil() const { return (w[0] | w[1] | w[2] | w[3]) == 0; }
  friend constexpr bool operator==(const Uuid& a, const Uuid& b) = default;

  // Parses "486178e0-e7f8-11e3-bc5e-0002a5d5c51b" at compile time.
  static constexpr Uuid parse(const char* s) {
    uint8_t bytes[16] = {};
    unsigned n = 0;
    int hi = -1;
    for (const char* p = s; *p && n < 16; ++p) {
      int v = (*p >= '0' && *p <= '9')   ? *p - '0'
              : (*p >= 'a' && *p <= 'f') ? *p - 'a' + 10
              : (*p >= 'A' && *p <= 'F') ? *p - 'A' + 10
                                         : -1;
      if (v < 0) continue;
      if (hi < 0) {
        hi = v;
      } else {
        bytes[n++] = static_cast<uint8_t>(hi << 4 | v);
        hi = -1;
      }
    }
    Uuid u{};
    for (unsigned i = 0; i < 4; ++i)
      u.w[i] = uint32_t{bytes[4 * i]} | uint32_t{bytes[4 * i + 1]} << 8 | uint32_t{bytes[4 * i + 2]} << 16 |
               uint32_t{bytes[4 * i + 3]} << 24;
    return u;
  }
};

inline constexpr Uuid kNilUuid{};
// OP-TEE's FF-A partition UUID (optee_ffa.h).
inline constexpr Uuid kOpteeUuid = Uuid::parse("486178e0-e7f8-11e3-bc5e-0002a5d5c51b");
static_assert(kOpteeUuid.w[0] == 0xe0786148 && kOpteeUuid.w[1] == 0xe311f8e7 && kOpteeUuid.w[2] == 0x02005ebc &&
              kOpteeUuid.w[3] == 0x1bc5d5a5);

}  // namespace ffa
