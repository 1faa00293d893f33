// The monitor's own translation tables and the MMU switch at EL3.
#pragma once

#include <cstdint>

namespace el3 {
// Builds the EL3 tables (image, devices, flash, secure RAM, NS DRAM) and
// turns the MMU and caches on.
void mmu_init();
// The same tables and MMU settings on a secondary CPU.
void mmu_enable_this_cpu();
// Cleans [addr, addr + size) to the point of coherency: images written
// through the cacheable EL3 mapping are fetched by CPUs with MMU off.
void clean_dcache_range(uint64_t addr, uint64_t size);
}  // namespace el3
