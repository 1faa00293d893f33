// The plainest spin lock, for the secure world's own locks: an exclusive
// load/store loop to take it, a store-release to let it go. No WFE: QEMU's
// single-threaded -icount mode can leave a CPU in WFE for good, and holders
// keep these locks only for one call.
#pragma once

#include <cstdint>

namespace arch {

inline void spin_acquire(volatile uint32_t* word) {
  uint32_t busy;
  __asm__ volatile(
      "1: ldaxr %w0, [%1]\n"
      "   cbnz  %w0, 1b\n"
      "   stxr  %w0, %w2, [%1]\n"
      "   cbnz  %w0, 1b\n"
      : "=&r"(busy)
      : "r"(word), "r"(1)
      : "memory");
}

inline void spin_release(volatile uint32_t* word) { __asm__ volatile("stlr wzr, [%0]" ::"r"(word) : "memory"); }

}  // namespace arch
