// Zeroing Normal memory a cache block at a time (DC ZVA): what the loaders
// do to every partition's memory before they copy its image in, where a
// store loop would cost about ten instructions per 64 bytes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "arch/aarch64/sysreg.h"
#include "lib/mem.h"

namespace arch {

// Zeroes [p, p + size), which must be Normal cacheable memory mapped
// writable with the MMU on (DC ZVA faults on Device memory, and with the
// MMU off all data accesses are Device). Falls back to memset where the
// CPU forbids DC ZVA here (DCZID_EL0.DZP) and for the unaligned ends.
inline void zero_normal_memory(void* p, size_t size) {
  const uint64_t dczid = TESSERA_SYSREG_READ(dczid_el0);
  const uintptr_t start = reinterpret_cast<uintptr_t>(p), end = start + size;
  const uintptr_t block = uintptr_t{4} << (dczid & 0xF);  // BS: log2 of the block in words
  const uintptr_t first = (start + block - 1) & ~(block - 1), last = end & ~(block - 1);
  if ((dczid & (1u << 4)) != 0 || first >= last) {
    memset(p, 0, size);
    return;
  }
  memset(p, 0, first - start);
  for (uintptr_t a = first; a < last; a += block) __asm__ volatile("dc zva, %0" ::"r"(a) : "memory");
  memset(reinterpret_cast<void*>(last), 0, end - last);
}

// Zeroes [p, p + size) as above and cleans it to the point of coherency
// (DC CIVAC each cache line, then DSB): the zeros reach memory, so that an
// observer that maps it non-cacheable, or with its caches off, never reads
// what was there before from memory while the zeros sit dirty in a cache
// (as Hafnium's clear_memory). For memory handed from one owner to another
// with the zero flag.
inline void zero_to_point_of_coherency(void* p, size_t size) {
  zero_normal_memory(p, size);
  const uintptr_t line = uintptr_t{4} << ((TESSERA_SYSREG_READ(ctr_el0) >> 16) & 0xF);  // CTR_EL0.DminLine
  const uintptr_t start = reinterpret_cast<uintptr_t>(p), end = start + size;
  for (uintptr_t a = start & ~(line - 1); a < end; a += line) __asm__ volatile("dc civac, %0" ::"r"(a) : "memory");
  dsb_ish();
}

}  // namespace arch
