// The long, checkable work the tests give a partition or the trusted OS to
// do (the "spin" commands): `rounds` steps of a 64-bit linear congruential
// generator from `seed`. The normal world computes the same to check the
// answer, so every copy of the work must be this one.
#pragma once

#include <cstdint>

namespace lib {

inline uint64_t lcg_spin(uint64_t rounds, uint64_t seed) {
  uint64_t x = seed;
  for (uint64_t i = 0; i < rounds; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    __asm__ volatile("" : "+r"(x));  // one step per round, not folded away
  }
  return x;
}

}  // namespace lib
