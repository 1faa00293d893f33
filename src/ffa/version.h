// FF-A version word: bit 31 zero, major [30:16], minor [15:0].
#pragma once

#include <cstdint>

namespace ffa {

struct Version {
  uint16_t major;
  uint16_t minor;

  constexpr uint32_t word() const { return (uint32_t{major} << 16) | minor; }
  static constexpr Version from_word(uint32_t w) {
    return Version{static_cast<uint16_t>((w >> 16) & 0x7FFF), static_cast<uint16_t>(w & 0xFFFF)};
  }
  // A version word with bit 31 set is not a version (FFA_VERSION input rule).
  static constexpr bool valid_word(uint32_t w) { return (w & 0x80000000u) == 0; }
  friend constexpr bool operator==(Version a, Version b) = default;
  friend constexpr bool operator<(Version a, Version b) { return a.word() < b.word(); }
  friend constexpr bool operator<=(Version a, Version b) { return a.word() <= b.word(); }
  friend constexpr bool operator>=(Version a, Version b) { return a.word() >= b.word(); }
};

inline constexpr Version kVersion1_0{1, 0};
inline constexpr Version kVersion1_1{1, 1};
inline constexpr Version kVersion1_2{1, 2};
// The version this implementation speaks.
inline constexpr Version kImplementedVersion = kVersion1_2;

// The version both sides use after the caller asked for `requested`: the
// same major version is compatible, and the older minor version wins.
// std::nullopt-like: returns {0,0} when incompatible.
constexpr Version negotiate(Version requested, Version ours) {
  if (requested.major != ours.major) return Version{0, 0};
  return requested.minor < ours.minor ? requested : ours;
}

}  // namespace ffa
