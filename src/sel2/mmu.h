// The secure hypervisor's own stage-1 translation: the EL2&0 regime (VHE,
// HCR_EL2.E2H set), its TTBR0_EL2 range with ASID 0; the TTBR1 range is
// off. S-EL0 partitions have tables of their own in the same regime, each
// with its ASID (hosted_el0.cpp).
#pragma once

#include "arch/aarch64/pgtable.h"

namespace sel2 {
// Builds the tables for the image, its manifest page, the secure console
// and the GIC, turns the MMU on and returns the tables for later maps.
arch::mmu::PageTable& mmu_init(uint64_t manifest_pa);
// The same tables on a secondary CPU (after mmu_init on the primary).
void mmu_enable_this_cpu();
}  // namespace sel2
