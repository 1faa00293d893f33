// What the CPU implements, read from its ID registers: one place for the
// monitor's feature checks (field positions from the Arm ARM, D19).
// Each is a register read and a shift, cheap enough to call where needed
// rather than caching (a cache would be per-CPU state to keep right).
#pragma once

#include <cstdint>

#include "arch/aarch64/sysreg.h"

namespace el3::cpu {

inline unsigned field(uint64_t reg, unsigned lsb) { return static_cast<unsigned>((reg >> lsb) & 0xF); }

// ID_AA64PFR0_EL1: EL2 [11:8], RAS [31:28], SVE [35:32], SEL2 [39:36].
inline bool has_el2() { return field(TESSERA_SYSREG_READ(id_aa64pfr0_el1), 8) != 0; }
inline bool has_ras() { return field(TESSERA_SYSREG_READ(id_aa64pfr0_el1), 28) != 0; }
inline bool has_sve() { return field(TESSERA_SYSREG_READ(id_aa64pfr0_el1), 32) != 0; }
// ID_AA64PFR0_EL1.SEL2 [39:36]: Secure EL2 (FEAT_SEL2).
inline bool has_sel2() { return field(TESSERA_SYSREG_READ(id_aa64pfr0_el1), 36) != 0; }
// ID_AA64PFR1_EL1: SSBS [7:4], MTE [11:8] (2: MTE2, the TCO bit exists),
// SME [27:24] (1 SME, 2 SME2).
inline bool has_ssbs() { return field(TESSERA_SYSREG_READ(id_aa64pfr1_el1), 4) != 0; }
inline bool has_mte2() { return field(TESSERA_SYSREG_READ(id_aa64pfr1_el1), 8) >= 2; }
inline unsigned sme_level() { return field(TESSERA_SYSREG_READ(id_aa64pfr1_el1), 24); }
inline bool has_sme() { return sme_level() != 0; }
// ID_AA64SMFR0_EL1.FA64 (bit 63): the full A64 set in streaming mode.
inline bool has_sme_fa64() { return has_sme() && (TESSERA_SYSREG_READ(S3_0_C0_C4_5) >> 63) != 0; }
// ID_AA64MMFR0_EL1.FGT [59:56]; ID_AA64MMFR1_EL1: PAN [23:20], HCX [43:40].
inline bool has_fgt() { return field(TESSERA_SYSREG_READ(id_aa64mmfr0_el1), 56) != 0; }
inline bool has_pan() { return field(TESSERA_SYSREG_READ(id_aa64mmfr1_el1), 20) != 0; }
inline bool has_hcx() { return field(TESSERA_SYSREG_READ(id_aa64mmfr1_el1), 40) != 0; }
// ID_AA64MMFR1_EL1.VH [11:8]: the EL2 host extensions (FEAT_VHE).
inline bool has_vhe() { return field(TESSERA_SYSREG_READ(id_aa64mmfr1_el1), 8) != 0; }

}  // namespace el3::cpu
