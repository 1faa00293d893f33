// Typed access to AArch64 system registers: one inline function per use,
// so a reader sees the register's name, never a magic encoding.
#pragma once

#include <cstdint>

#define TESSERA_SYSREG_READ(name)                        \
  ({                                                     \
    uint64_t v_;                                         \
    __asm__ volatile("mrs %0, " #name : "=r"(v_));      \
    v_;                                                  \
  })
#define TESSERA_SYSREG_WRITE(name, value) \
  __asm__ volatile("msr " #name ", %0" ::"r"(static_cast<uint64_t>(value)) : "memory")

namespace arch {

inline void isb() { __asm__ volatile("isb" ::: "memory"); }
inline void dsb_sy() { __asm__ volatile("dsb sy" ::: "memory"); }
inline void dsb_ish() { __asm__ volatile("dsb ish" ::: "memory"); }
inline void dsb_ishst() { __asm__ volatile("dsb ishst" ::: "memory"); }
inline void wfi() { __asm__ volatile("wfi" ::: "memory"); }
inline void wfe() { __asm__ volatile("wfe" ::: "memory"); }

inline uint64_t mpidr() { return TESSERA_SYSREG_READ(mpidr_el1); }
inline uint64_t cntpct() {
  isb();
  return TESSERA_SYSREG_READ(cntpct_el0);
}
inline uint64_t cntfrq() { return TESSERA_SYSREG_READ(cntfrq_el0); }

// QEMU virt numbers CPUs by Aff0 within cluster 0.
inline unsigned cpu_index() { return static_cast<unsigned>(mpidr() & 0xFF); }
// The exception level this code runs at (CurrentEL [3:2]).
inline unsigned current_el() { return static_cast<unsigned>((TESSERA_SYSREG_READ(CurrentEL) >> 2) & 3); }
// The PMU's event counters (PMCR_EL0.N), 0 without PMUv3
// (ID_AA64DFR0_EL1.PMUVer 0 or IMPLEMENTATION DEFINED): MDCR_EL2.HPMN's
// value that leaves every counter to EL1 and EL0, as at reset.
inline bool pmu_present() {
  const uint64_t pmuver = (TESSERA_SYSREG_READ(id_aa64dfr0_el1) >> 8) & 0xF;
  return pmuver != 0 && pmuver != 0xF;
}
inline uint64_t pmu_event_counters() { return pmu_present() ? (TESSERA_SYSREG_READ(pmcr_el0) >> 11) & 0x1F : 0; }

}  // namespace arch
