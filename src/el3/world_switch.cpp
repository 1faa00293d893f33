#include "el3/world_switch.h"

#include "arch/aarch64/sysreg.h"
#include "el3/cpu_features.h"
#include "el3/psci.h"
#include "lib/log.h"
#include "plat/qemu_virt/memory_map.h"

namespace el3::world {
namespace {

// SCR_EL3 bits.
constexpr uint64_t kScrSt = 1ull << 11;   // S-EL1 may use the secure physical timer
constexpr uint64_t kScrRes1 = 3ull << 4;
constexpr uint64_t kScrHce = 1ull << 8;
constexpr uint64_t kScrTerr = 1ull << 15;  // RAS error-record registers trap to EL3 (see start_normal_world)
constexpr uint64_t kScrRw = 1ull << 10;
constexpr uint64_t kScrApk = 1ull << 16;
constexpr uint64_t kScrApi = 1ull << 17;
constexpr uint64_t kScrEnScxt = 1ull << 25;
constexpr uint64_t kScrFgtEn = 1ull << 27;
constexpr uint64_t kScrHxEn = 1ull << 38;
constexpr uint64_t kScrEnTp2 = 1ull << 41;  // SME: TPIDR2_EL0 usable below EL3
constexpr uint64_t kScrEel2 = 1ull << 18;  // Secure EL2 enabled (FEAT_SEL2)
// The secure world never fetches instructions from non-secure memory (as
// TF-A sets it).
constexpr uint64_t kScrSif = 1ull << 9;
// CPTR_EL3 bits.
constexpr uint64_t kCptrEz = 1ull << 8;
constexpr uint64_t kCptrEsm = 1ull << 12;  // SME (and streaming SVE) not trapped
constexpr uint64_t kCptrTfp = 1ull << 10;
// The activity monitors (FEAT_AMUv1) are the normal world's: the secure
// world's accesses trap here and become UNDEFs where they were made
// (otherwise an S-EL0 partition could read or stop the normal world's
// counters where the normal world's AMUSERENR_EL0 lets its EL0 at them).
constexpr uint64_t kCptrTam = 1ull << 30;
// SMCR_EL3: LEN (the longest streaming vector length the CPU has), FA64
// (the whole A64 instruction set in streaming mode), EZT0 (SME2's ZT0).
constexpr uint64_t kSmcrLenMax = 0xF;
constexpr uint64_t kSmcrFa64 = 1ull << 31;
constexpr uint64_t kSmcrEzt0 = 1ull << 30;
// SPSR: EL1h / EL2h with D, A, I, F masked.
constexpr uint64_t kSpsrEl1h = 0x3C5;
constexpr uint64_t kSpsrEl2h = 0x3C9;
constexpr uint64_t kSctlrEl1Reset = 0x30D00800;  // RES1 bits, MMU off
constexpr uint64_t kSctlrEl2Reset = 0x30C50830;  // RES1 bits, MMU off
// CPTR_EL2 (HCR_EL2.E2H = 0): its RES1 bits, nothing trapped.
constexpr uint64_t kCptrEl2Clean = 0x32FF;

// The normal world's SVE registers while the secure world holds FP/SIMD
// (only the normal world may use SVE: CPTR_EL3.EZ is clear for secure).
// A save area, written before it is read: not part of the BSS.
[[gnu::section(".noinit")]] SveRegs g_ns_sve[plat::kMaxCpus];
// The normal world's streaming SVE registers while the secure world runs
// (a call made in streaming mode; see park_streaming), and its FPSR.
[[gnu::section(".noinit")]] SveRegs g_ns_streaming[plat::kMaxCpus];
[[gnu::section(".noinit")]] uint64_t g_ns_streaming_fpsr[plat::kMaxCpus];

extern "C" char __stack_top[];


uint64_t scr_common() {
  uint64_t scr = kScrRes1 | kScrRw | kScrApk | kScrApi | kScrEnScxt;
  if (cpu::has_fgt()) scr |= kScrFgtEn;
  if (cpu::has_hcx()) scr |= kScrHxEn;
  return scr;
}

using cpu::has_el2;
using cpu::has_sme;
using cpu::has_sme_fa64;
using cpu::has_sve;
using cpu::sme_level;
// The normal world's CPTR_EL3: SVE and SME enabled where the CPU has them
// (TF-A's ENABLE_SVE_FOR_NS and ENABLE_SME_FOR_NS); FP/SIMD never trapped.
uint64_t ns_cptr() { return (has_sve() ? kCptrEz : 0) | (has_sme() ? kCptrEsm : 0); }

// A normal world that calls in streaming mode (PSTATE.SM, SME): its
// streaming registers are parked and the CPU leaves streaming mode before
// the secure world runs, which may not use SME and must neither see nor
// corrupt that state. ZA (and ZT0) stay live, untouched: PSTATE.ZA is left
// as the normal world set it, and with CPTR_EL3.ESM clear for the secure
// world no instruction there can read or write them. Called with the
// normal world's CPTR_EL3 (ESM set) in force.
void park_streaming(Cpu& cpu) {
  if (!cpu.nonsecure.sme || cpu.ns_streaming) return;
  if ((TESSERA_SYSREG_READ(S3_3_C4_C2_2) & 1) == 0) return;  // SVCR.SM clear
  const unsigned i = arch::cpu_index();
  el3_save_streaming(&g_ns_streaming[i], &g_ns_streaming_fpsr[i], has_sme_fa64());
  cpu.ns_streaming = true;
}
void unpark_streaming(Cpu& cpu) {
  if (!cpu.ns_streaming) return;
  TESSERA_SYSREG_WRITE(cptr_el3, ns_cptr());
  arch::isb();
  const unsigned i = arch::cpu_index();
  el3_restore_streaming(&g_ns_streaming[i], &g_ns_streaming_fpsr[i], has_sme_fa64());
  cpu.ns_streaming = false;
}

void init_context(CpuContext& c, uint64_t entry, uint64_t spsr, uint64_t scr, uint64_t cptr) {
  c = CpuContext{};
  c.elr_el3 = entry;
  c.spsr_el3 = spsr;
  c.scr_el3 = scr;
  c.cptr_el3 = cptr;
  c.runtime_sp = reinterpret_cast<uint64_t>(__stack_top) - arch::cpu_index() * 0x2000;
  c.el1.sctlr_el1 = kSctlrEl1Reset;
}

// A world's EL2 registers as a CPU's EL2 starts: MMU off, no traps, no
// offsets, the GIC's system registers usable, the CPU's own IDs; the
// optional groups this CPU has.
#ifdef TESSERA_SPMC_AT_SEL2
void clean_el2(El2Sysregs& r) {
  r = El2Sysregs{};
  r.features = (cpu::has_ras() ? kEl2HasRas : 0) | (cpu::has_fgt() ? kEl2HasFgt : 0) | (cpu::has_hcx() ? kEl2HasHcx : 0);
  r.sctlr = kSctlrEl2Reset;
  r.cptr = kCptrEl2Clean;
  r.cnthctl = 3;  // EL1 physical timer and counter
  r.vpidr = TESSERA_SYSREG_READ(midr_el1);
  r.vmpidr = TESSERA_SYSREG_READ(mpidr_el1);
  r.icc_sre = 0xF;  // ICC_SRE_EL2: SRE, DFB, DIB, Enable
  // MDCR_EL2.HPMN as at reset: every PMU counter EL1's (0 is CONSTRAINED
  // UNPREDICTABLE without FEAT_HPMN0).
  r.mdcr = arch::pmu_event_counters();
}

// The EL2 registers no world switch moves (context.h: the secure
// hypervisor never writes them), zeroed as a world starts on this CPU.
void zero_unswitched_el2() {
  TESSERA_SYSREG_WRITE(afsr0_el2, 0);
  TESSERA_SYSREG_WRITE(afsr1_el2, 0);
  TESSERA_SYSREG_WRITE(hstr_el2, 0);
  if (cpu::has_vhe()) {
    TESSERA_SYSREG_WRITE(S3_4_C13_C0_1, 0);  // CONTEXTIDR_EL2
    TESSERA_SYSREG_WRITE(S3_4_C2_C0_1, 0);   // TTBR1_EL2
  }
}
#endif

// The secure world held FP/SIMD (and, with an S-EL2 SPMC, SVE): its
// registers go to its context, the normal world's come back, and the
// secure world's next use traps again.
void fp_back_to_normal_world(Cpu& cpu) {
  TESSERA_SYSREG_WRITE(cptr_el3, ns_cptr());
  arch::isb();
  el3_save_fp(&cpu.secure.fp);
  el3_restore_fp(&cpu.nonsecure.fp);
  // Writing a V register clears the rest of its Z register: the full SVE
  // state goes back last.
  if (has_sve()) el3_restore_sve(&g_ns_sve[arch::cpu_index()]);
  cpu.secure.cptr_el3 |= kCptrTfp;
  cpu.secure.cptr_el3 &= ~kCptrEz;
  cpu.secure_owns_fp = false;
}
}  // namespace

CpuContext* switch_to(Cpu& cpu, World to) {
  CpuContext& out = to == World::secure ? cpu.nonsecure : cpu.secure;
  CpuContext& in = to == World::secure ? cpu.secure : cpu.nonsecure;
  if (to == World::secure) park_streaming(cpu);
#ifdef TESSERA_SPMC_AT_SEL2
  // EL2 changes hands; EL1 stays the normal world's: the S-EL2 SPMC
  // switches it around each partition it runs (sel2/cpu_switch.h).
  el3_save_el2_sysregs(&out.el2);
  el3_restore_el2_sysregs(&in.el2);
#else
  el3_save_el1_sysregs(&out.el1);
  el3_restore_el1_sysregs(&in.el1);
#endif
  if (to == World::nonsecure && cpu.secure_owns_fp) fp_back_to_normal_world(cpu);
  // Streaming state last: entering streaming mode zeroes the vector
  // registers that the FP restore above has just written.
  if (to == World::nonsecure) unpark_streaming(cpu);
  return &in;
}

void init_secure(Cpu& cpu, uint64_t entry) {
  // The secure world runs with FP/SIMD trapped until it first uses it.
#ifdef TESSERA_SPMC_AT_SEL2
  // Entered at S-EL2 (SCR_EL3.EEL2), where its S-EL1 partitions may call
  // it by HVC (SCR_EL3.HCE); its EL2 registers start clean. Not SCR_EL3.ST:
  // the secure physical timer is the SPMC's host timer, which the monitor
  // programs for it (kSipSel2HostTimer); the architecture makes CNTPS_*
  // UNDEFINED at S-EL1 once S-EL2 is enabled, but QEMU 7.2 looks at ST
  // alone, and with ST set lets a partition read and rearm it. Clear, a
  // partition's access traps here and becomes UNDEF (el3_sync_from_lower).
  init_context(cpu.secure, entry, kSpsrEl2h, scr_common() | kScrEel2 | kScrHce | kScrSif, kCptrTfp | kCptrTam);
  clean_el2(cpu.secure.el2);
  // Its exception state is never kept across a world switch: it reads it
  // at once, in the exception that set it (context.h).
  cpu.secure.el2.features |= kEl2NoExceptionState;
  zero_unswitched_el2();
#else
  init_context(cpu.secure, entry, kSpsrEl1h, scr_common() | kScrSt | kScrSif, kCptrTfp | kCptrTam);
#endif
}

CpuContext* start_normal_world(Cpu& cpu, uint64_t scr_extra, const char* who, bool secure_was_running) {
  const uint64_t spsr = has_el2() ? kSpsrEl2h : kSpsrEl1h;
  // A secure world that used FP/SIMD (or SVE) while it booted on this CPU
  // gives it back as at any return: the normal world must not start with
  // its registers, nor the secure world's next visit find FP (and SVE)
  // open with the normal world's state not parked.
  if (cpu.secure_owns_fp) fp_back_to_normal_world(cpu);
  // SCR_EL3.TERR (FEAT_RAS): the RAS error records are firmware's, as
  // with TF-A's RAS_TRAP_NS_ERR_REC_ACCESS, and the monitor does not
  // switch them between worlds; the normal world's accesses trap here and
  // become UNDEF (el3_sync_from_lower), as every trap the monitor does not
  // serve. (Not SCR_EL3.TLOR: Linux's EL2 set-up writes LORC_EL1 whenever
  // the CPU has FEAT_LOR, and the secure world never uses LORegions.)
  init_context(cpu.nonsecure, cpu.ns_entry, spsr,
               scr_common() | kScrNs | kScrHce | (cpu::has_ras() ? kScrTerr : 0) | scr_extra |
                   (has_sme() ? kScrEnTp2 : 0),
               ns_cptr());
  cpu.nonsecure.sme = has_sme();
  cpu.ns_streaming = false;
  cpu.nonsecure.x[0] = cpu.ns_arg;
  cpu.nonsecure.other = &cpu.secure;
  cpu.secure.other = &cpu.nonsecure;
#ifdef TESSERA_SPMC_AT_SEL2
  // The live EL2 registers are the secure hypervisor's (a boot): kept;
  // the normal world's start clean, every one of them. (A CPU without EL2
  // never entered a secure hypervisor: boot() refused it.)
  if (has_el2()) {
    if (secure_was_running) {
      // It has booted on this CPU: its settings are final (context.h),
      // saved now once and for all; from here on they are only restored.
      el3_save_el2_sysregs(&cpu.secure.el2);
      cpu.secure.el2.features |= kEl2SettingsSaved;
    }
    clean_el2(cpu.nonsecure.el2);
    el3_restore_el2_sysregs(&cpu.nonsecure.el2);
    zero_unswitched_el2();
  }
#else
  if (has_el2()) {
    // The normal world's EL2 starts clean: MMU off, no traps, no offsets.
    TESSERA_SYSREG_WRITE(sctlr_el2, kSctlrEl2Reset);
    TESSERA_SYSREG_WRITE(hcr_el2, 0);
    TESSERA_SYSREG_WRITE(cptr_el2, kCptrEl2Clean);
    TESSERA_SYSREG_WRITE(cnthctl_el2, 3);  // EL1 physical timer and counter
    TESSERA_SYSREG_WRITE(cntvoff_el2, 0);
    TESSERA_SYSREG_WRITE(vttbr_el2, 0);
    TESSERA_SYSREG_WRITE(hstr_el2, 0);
    TESSERA_SYSREG_WRITE(vpidr_el2, TESSERA_SYSREG_READ(midr_el1));
    TESSERA_SYSREG_WRITE(vmpidr_el2, TESSERA_SYSREG_READ(mpidr_el1));
    TESSERA_SYSREG_WRITE(S3_4_C12_C9_5, 0xF);  // ICC_SRE_EL2: SRE, DFB, DIB, Enable
  }
#endif
  // ZCR_EL3 and SMCR_EL3 are themselves trapped until CPTR_EL3.EZ/ESM are set.
  TESSERA_SYSREG_WRITE(cptr_el3, ns_cptr());
  arch::isb();
  if (has_sve()) TESSERA_SYSREG_WRITE(S3_6_C1_C2_0, 0xF);  // ZCR_EL3: longest vector length
  if (has_sme()) {
    // SMCR_EL3: the longest streaming vector length, FA64 and ZT0 where
    // the CPU has them. Lower ELs narrow these in SMCR_EL2/SMCR_EL1.
    TESSERA_SYSREG_WRITE(S3_6_C1_C2_6, kSmcrLenMax | (has_sme_fa64() ? kSmcrFa64 : 0) |
                                           (sme_level() >= 2 ? kSmcrEzt0 : 0));
    if (has_el2()) TESSERA_SYSREG_WRITE(S3_4_C1_C2_6, kSmcrLenMax);  // SMCR_EL2 starts clean too
  }
#ifndef TESSERA_SPMC_AT_SEL2
  if (secure_was_running) el3_save_el1_sysregs(&cpu.secure.el1);
#endif
  // The normal world's EL1 as it starts (with an S-EL2 SPMC, the only time
  // the monitor writes EL1: from here on it is the normal world's).
  el3_restore_el1_sysregs(&cpu.nonsecure.el1);
  lib::log::info("{}: CPU {} enters the normal world at {:x} (x0 = {:x}, {})", who, arch::cpu_index(),
                 cpu.ns_entry, cpu.ns_arg, has_el2() ? "NS-EL2" : "NS-EL1");
  psci::cpu_is_on();
  return &cpu.nonsecure;
}

void fp_trap(Cpu& cpu) {
  // The secure world touches FP/SIMD for the first time since it last
  // entered: park the normal world's registers and give it its own.
  TESSERA_SYSREG_WRITE(cptr_el3, ns_cptr());
  arch::isb();
  el3_save_fp(&cpu.nonsecure.fp);
  // With SVE the normal world's registers are wider than q0-q31: keep
  // all of Z, P and FFR (the secure world may clobber any of them).
  if (has_sve()) el3_save_sve(&g_ns_sve[arch::cpu_index()]);
  el3_restore_fp(&cpu.secure.fp);
  cpu.secure.cptr_el3 &= ~kCptrTfp;
#ifdef TESSERA_SPMC_AT_SEL2
  // The secure hypervisor may give SVE to its S-EL1 partitions: with the
  // normal world's whole SVE state parked, SVE is let through too (its
  // ZCR_EL2 and ZCR_EL1 uses are the hypervisor's to undo before it
  // answers: sel2/cpu_switch.h).
  if (has_sve()) cpu.secure.cptr_el3 |= kCptrEz;
#endif
  cpu.secure_owns_fp = true;
}

}  // namespace el3::world
