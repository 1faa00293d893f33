// SME in the normal world, for the tests that enter streaming mode
// (t5e_smp.cpp, t7_world_switch.cpp; the assembly is sme_regs.S).
#pragma once

#include <cstdint>

#include "arch/aarch64/sysreg.h"

namespace harness {

// Whether this CPU has SME (ID_AA64PFR1_EL1.SME).
inline bool has_sme() { return ((TESSERA_SYSREG_READ(id_aa64pfr1_el1) >> 24) & 0xF) != 0; }

// Streaming mode usable at the EL the harness runs at, as Linux's
// __finalise_el2 leaves it at NS-EL2 (EL3 enables SME for the normal
// world): not trapped (CPTR_EL2.TSM, or CPACR_EL1.SMEN at EL1), the
// longest streaming vector length, the whole A64 set in streaming mode
// where the CPU has FEAT_SME_FA64.
inline void allow_sme_here() {
  const bool fa64 = (TESSERA_SYSREG_READ(S3_0_C0_C4_5) >> 63) != 0;  // ID_AA64SMFR0_EL1.FA64
  const uint64_t smcr = 0xF | (fa64 ? 1ull << 31 : 0);
  if (arch::current_el() == 2) {
    TESSERA_SYSREG_WRITE(cptr_el2, TESSERA_SYSREG_READ(cptr_el2) & ~(1ull << 12));  // CPTR_EL2.TSM
    __asm__ volatile("isb");
    TESSERA_SYSREG_WRITE(S3_4_C1_C2_6, smcr);  // SMCR_EL2
  } else {
    TESSERA_SYSREG_WRITE(cpacr_el1, TESSERA_SYSREG_READ(cpacr_el1) | (3ull << 24));  // CPACR_EL1.SMEN
    __asm__ volatile("isb");
    TESSERA_SYSREG_WRITE(S3_0_C1_C2_6, smcr);  // SMCR_EL1
  }
  __asm__ volatile("isb");
}

}  // namespace harness
