// What entering and leaving a partition changes on a CPU, shared by the
// two kinds the secure hypervisor hosts (hosted_vms.cpp: S-EL1 vCPUs;
// hosted_el0.cpp: S-EL0 partitions): the EL2 controls each entry writes,
// where the normal world's EL1 registers wait, whose FP/SIMD registers the
// CPU holds,
// the normal world's interrupts held back, and the SMCCC calls answered
// here rather than by the core.
#pragma once

#include <cstdint>

#include "arch/aarch64/sysreg.h"
#include "plat/qemu_virt/memory_map.h"
#include "sel2/hosted_vms.h"

namespace sel2 {

// HCR_EL2 while a vCPU runs: stage 2 (VM), set/way invalidation as clean
// and invalidate (SWIO), physical IRQ, FIQ and SError to S-EL2 (IMO, FMO,
// AMO), TLB and cache maintenance broadcast inner shareable (FB, BSU),
// SMC trapped (TSC: partitions written for other SPMCs call FF-A by SMC as
// well as by HVC), EL1 AArch64 (RW), and E2H, which the hypervisor itself
// runs with (entry.S) and which must never drop while it runs. Also
// trapped: the LORegion registers (TLOR) and the RAS error records
// (TERR), which neither world switch keeps apart (FEAT_SEL2 implies both
// features): a partition that touches them is stopped, as for the debug
// and PMU registers. The hypervisor runs with this value too once a
// partition exited.
inline constexpr uint64_t kHcrE2h = 1ull << 34;
inline constexpr uint64_t kHcrTlor = 1ull << 35, kHcrTerr = 1ull << 36;
inline constexpr uint64_t kHcrVcpu = (1ull << 0) | (1ull << 1) | (1ull << 3) | (1ull << 4) | (1ull << 5) |
                                     (1ull << 9) | (1ull << 10) | (1ull << 19) | (1ull << 31) | kHcrE2h |
                                     kHcrTlor | kHcrTerr;
// HCR_EL2.VF and VI: the vCPU's virtual FIQ and IRQ lines (with FMO/IMO
// set, taken at EL1 when its PSTATE.F/I allow), raised while the core has
// an interrupt or the managed exit signal for it (Core::virtual_lines).
inline constexpr uint64_t kHcrVf = 1ull << 6, kHcrVi = 1ull << 7;
// HCR_EL2 while an S-EL0 partition runs: TGE with E2H (EL0 in the EL2&0
// regime; its exceptions and every physical interrupt come to S-EL2), RW.
inline constexpr uint64_t kHcrEl0 = (1ull << 27) | (1ull << 31) | kHcrE2h;

// CPTR_EL2 (E2H = 1, CPACR_EL1's layout): FPEN, ZEN and SMEN 0 trap FP/SIMD,
// SVE and SME (at EL0, EL1 and EL2); FPEN 3 lets FP/SIMD through. TTA
// (bit 28) traps the trace registers always: no world switch keeps them.
inline constexpr uint64_t kCptrTta = 1ull << 28;
inline constexpr uint64_t kCptrTrapAll = kCptrTta;
inline constexpr uint64_t kCptrFpAllowed = (3ull << 20) | kCptrTta;

// ESR_EL2 exception classes.
inline constexpr uint64_t kEcFp = 0x07, kEcSvc64 = 0x15, kEcHvc64 = 0x16, kEcSmc64 = 0x17, kEcSysreg = 0x18,
                          kEcSve = 0x19, kEcInstAbortLow = 0x20, kEcDataAbortLow = 0x24, kEcSme = 0x1D;

// EL1 and EL0 registers are the normal world's whenever the normal world
// runs: the monitor switches only EL2 for an S-EL2 SPMC (as TF-A's SPMD
// does), so a call that enters no S-EL1 vCPU leaves them alone. A vCPU's
// come in as it runs (the normal world's parked in g_world_el1) and stay
// in the CPU while the hypervisor serves its calls, so that a partition
// making several calls in one visit of the secure world pays for one
// switch; they go back to its record when another vCPU takes the CPU, and
// the normal world's come back before the answer goes to the monitor
// (HostedVms::run, under the core's lock: between two vCPU runs no other
// CPU can enter the one whose registers this CPU holds). An S-EL0
// partition uses only SP_EL0 and the thread ID registers, swapped around
// its run (run_el0).
extern El1Regs g_world_el1[plat::kMaxCpus];
extern Vcpu* g_el1_holder[plat::kMaxCpus];  // whose EL1 registers the CPU holds; null: the normal world's
// `v`'s EL1 registers into CPU `cpu`. (Inline, as those below: every entry
// runs them.)
inline void load_el1(unsigned cpu, Vcpu& v) {
  Vcpu* holder = g_el1_holder[cpu];
  if (holder == &v) return;
  sel2_swap_el1(holder ? &holder->el1 : &g_world_el1[cpu], &v.el1);
  g_el1_holder[cpu] = &v;
}
// The normal world's EL1 registers back into CPU `cpu`.
inline void give_el1_back(unsigned cpu) {
  Vcpu* holder = g_el1_holder[cpu];
  if (!holder) return;
  sel2_swap_el1(&holder->el1, &g_world_el1[cpu]);
  g_el1_holder[cpu] = nullptr;
}

// FP/SIMD, switched lazily between vCPUs and S-EL0 partitions: each CPU's
// FP registers (the secure world's, which the monitor keeps apart from the
// normal world's) hold this one's; any other runs with FP/SIMD trapped to
// S-EL2 (CPTR_EL2.FPEN) until it first uses them. SVE: below. SME stays
// trapped for partitions (SMEN), and SVE for S-EL0 ones.
extern Vcpu* g_fp_owner[plat::kMaxCpus];
// Hands this CPU's FP/SIMD registers to `to` (null: to nobody, its
// owner's saved): the owner's go to its record, `to`'s come from its.
void take_fp(unsigned cpu, Vcpu* to);

// SVE for S-EL1 vCPUs, at the 128-bit vector length (ZCR_EL2.LEN 0, the
// shortest every SVE CPU has): a vCPU's Z registers are then its V
// registers, which the FP switch above keeps already, so SVE adds only
// P0-P15, FFR and its ZCR_EL1 (SveState). As lazy as FP: a vCPU runs with
// SVE trapped (CPTR_EL2.ZEN) until its first SVE instruction of a visit
// of the secure world, whose trap brings its FP registers and its
// predicates in (take_sve). The monitor lets the secure world use SVE
// once it has parked the normal world's whole SVE state (its first FP or
// SVE instruction of the visit), and puts that state back when the
// normal world runs; ZCR_EL2 and ZCR_EL1, which the monitor does not
// switch, are the normal world's and are parked by the first take_sve of
// a visit. Before the answer goes to the monitor (or a UP vCPU leaves the
// CPU), give_sve_back saves the predicates to their owner's record and
// puts ZCR_EL2 and ZCR_EL1 back.
inline constexpr uint64_t kCptrSveAllowed = 3ull << 16;  // CPTR_EL2.ZEN (E2H layout)
extern Vcpu* g_sve_owner[plat::kMaxCpus];  // whose predicates CPU holds; null: nobody's (ZCR the normal world's)
[[gnu::cold]] void take_sve(unsigned cpu, Vcpu& v);
[[gnu::cold]] void give_sve_back(unsigned cpu);

// ICC_PMR_EL1 while a partition runs whose normal-world interrupts wait
// (ns-interrupts-action queued): in Secure state the normal world's
// priorities read as 0x80 and above, so a mask of 0x80 holds them back
// and lets secure ones through. The register is one for both worlds: the
// normal world's mask stays in force (a partition runs with the stricter
// of the two) and is put back as it was. Returns the mask to put back.
inline constexpr uint64_t kPmrSecureOnly = 0x80;
inline uint64_t hold_ns_interrupts(bool signalled) {
  const uint64_t pmr = TESSERA_SYSREG_READ(S3_0_C4_C6_0);  // ICC_PMR_EL1, as the normal world left it
  if (!signalled && pmr > kPmrSecureOnly) TESSERA_SYSREG_WRITE(S3_0_C4_C6_0, kPmrSecureOnly);
  return pmr;
}
inline void put_back_pmr(uint64_t pmr) { TESSERA_SYSREG_WRITE(S3_0_C4_C6_0, pmr); }

// SMCCC calls that are neither FF-A's nor Hafnium's HF_INTERRUPT_* (a
// partition's device interrupts, as under the S-EL1 SPMC) are answered
// here: PSCI is the SPMD's and the normal world's to drive, so a
// partition is told NOT_SUPPORTED (FF-A v1.2 section 18: partitions take
// part in power management through framework messages, never PSCI).
bool for_the_core(uint32_t fid);
void answer_smccc(Vcpu& v, uint32_t fid);

// An access of the vCPU's EL0 that trapped here (EC 0x18: the debug or
// PMU registers, the GIC's) although its own EL1 would have refused it,
// had the normal world's EL0 controls not been in force (PMUSERENR_EL0,
// which no world switch moves): it becomes the exception that EL1 would
// have taken, an UNDEF (unknown reason) from EL0, at VBAR_EL1 + 0x400,
// for the vCPU's own EL1 (the trusted OS) to deal with, rather than a
// fault that stops the whole partition. Its EL1 registers are in this CPU
// (it just ran here).
[[gnu::cold]] void undef_at_el1_from_el0(Vcpu& v);

// What both kinds of partition do with an exit (hosted_vms.cpp,
// hosted_el0.cpp): an SMCCC call in `v`'s registers goes to the core (or
// is answered here); an FP trap hands the CPU's FP registers over; an IRQ
// is a secure interrupt, an FIQ a normal-world one (let in only while the
// partition's manifest has them signalled: the priority mask holds them
// back otherwise). `call`: the exit was the partition's call (HVC, SVC,
// trapped SMC). False when the exit is none of these (the caller's to
// deal with), `outcome` set otherwise.
bool common_exit(spmc::Core& core, size_t index, Vcpu& v, Exit exit, bool call, spmc::Outcome& outcome,
                 ffa::Regs& out);

}  // namespace sel2
