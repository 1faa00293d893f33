// The trusted OS's stage-1 translation regime (EL1&0, TTBR0 only).
#pragma once

#include "arch/aarch64/pgtable.h"

namespace sel1 {
// Builds the tables for the trusted OS image, its manifest page and the
// secure console, turns the MMU on and returns the tables for later maps.
arch::mmu::PageTable& mmu_init(uint64_t manifest_pa);
}  // namespace sel1
