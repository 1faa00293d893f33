// The trusted OS's stage-1 translation regime (EL1&0, TTBR0 only).
#pragma once

#include "arch/aarch64/pgtable.h"

namespace sel1 {
// Builds the tables for the trusted OS image, its manifest page and the
// secure console, turns the MMU on and returns the tables for later maps.
arch::mmu::PageTable& mmu_init(uint64_t manifest_pa);
// The trusted OS as an S-EL1 partition (sel1/sp_main.cpp): its image, the
// TA memory and the TA store, nothing of the SPMC's (no console, no GIC).
arch::mmu::PageTable& mmu_init_partition();
// The same tables on a secondary CPU (after mmu_init on the primary).
void mmu_enable_this_cpu();
// Hands out `count` zeroed tables for a partition's translation regime;
// null when the pool is exhausted.
arch::mmu::Table* alloc_partition_tables(size_t count);
// The TLB maintenance callback partition tables use.
void invalidate_va_all_asids(uint64_t va);
}  // namespace sel1
