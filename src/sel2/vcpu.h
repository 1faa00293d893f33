// A vCPU of an S-EL1 partition under the secure hypervisor, or an S-EL0
// partition's context: the registers it runs with, entered by
// sel2_vcpu_run (EL1) or sel2_el0_run (EL0) and left at its next
// exception to S-EL2 (an FF-A call by HVC, SVC or trapped SMC, an
// interrupt, a fault). The assembly (vcpu.S, vectors.S) uses the offsets
// below.
#pragma once

#define VCPU_X0 0
#define VCPU_ELR 248
#define VCPU_SPSR 256
#define VCPU_ESR 264
#define VCPU_FAR 272
#define VCPU_HPFAR 280
#define VCPU_SP_EL0 288
#define VCPU_TTBR0 296

#ifndef __ASSEMBLER__

#include <cstddef>
#include <cstdint>

#include "ffa/regs.h"

namespace sel2 {

// Why sel2_vcpu_run returned: the vector it came through (lower EL,
// AArch64).
enum class Exit : uint64_t { sync = 0, irq = 1, fiq = 2, serror = 3 };

struct VcpuRegs {
  // x0-x30; an FF-A call's x0-x17 are `call`, which the core reads in
  // place (no copy on the way to Core::handle_sp_call). Reading one union
  // member through the other is how GCC, which builds this firmware,
  // documents type punning.
  union {
    uint64_t x[31];
    ffa::Regs call;
  };
  uint64_t elr, spsr;             // where it resumes, its PSTATE
  uint64_t esr, far, hpfar;       // the last exit's syndrome (for faults)
  // An S-EL0 context's stack pointer (saved at every exit; an S-EL1 vCPU
  // has its own in El1Regs) and its tables with its ASID in [63:48].
  uint64_t sp_el0, ttbr0;
};
static_assert(offsetof(VcpuRegs, elr) == VCPU_ELR && offsetof(VcpuRegs, spsr) == VCPU_SPSR);
static_assert(offsetof(VcpuRegs, esr) == VCPU_ESR && offsetof(VcpuRegs, far) == VCPU_FAR &&
              offsetof(VcpuRegs, hpfar) == VCPU_HPFAR);
static_assert(offsetof(VcpuRegs, sp_el0) == VCPU_SP_EL0 && offsetof(VcpuRegs, ttbr0) == VCPU_TTBR0);
static_assert(offsetof(VcpuRegs, call) == offsetof(VcpuRegs, x), "a call's x0-x17 are the vCPU's");

// The EL1/EL0 system registers of a vCPU, in the order of
// arch/aarch64/el1_sysregs.inc.
struct El1Regs {
  uint64_t spsr_el1, elr_el1, sctlr_el1, actlr_el1, cpacr_el1, csselr_el1, sp_el1, esr_el1;
  uint64_t ttbr0_el1, ttbr1_el1, mair_el1, amair_el1, tcr_el1, tpidr_el1, tpidr_el0, tpidrro_el0;
  uint64_t par_el1, far_el1, afsr0_el1, afsr1_el1, contextidr_el1, vbar_el1, cntkctl_el1, sp_el0;
};
static_assert(sizeof(El1Regs) == 24 * 8);

// A vCPU's FP/SIMD registers (arch/aarch64/fp_regs.inc's layout).
struct alignas(16) FpState {
  uint64_t q[64];
  uint64_t fpsr, fpcr;
};
static_assert(sizeof(FpState) == 528);

// What SVE adds to a vCPU's FP/SIMD registers at the 128-bit vector
// length partitions get (cpu_switch.h): its Z registers are then its V
// registers, so only P0-P15 and FFR (two bytes each at that length, in
// the order sel2_save_sve_predicates stores them) and its ZCR_EL1.
struct SveState {
  uint16_t p[17];  // P0-P15, FFR
  uint64_t zcr_el1 = 0;
};

}  // namespace sel2

extern "C" {
// Enters the vCPU whose registers are `regs` (ELR_EL2/SPSR_EL2 from them;
// the EL1 system registers and the EL2 controls are the caller's to set),
// with x0-x17 from `call` (the message it is given, or regs->call), and
// returns when it takes an exception to S-EL2, with all its registers
// saved back into `regs`.
sel2::Exit sel2_vcpu_run(sel2::VcpuRegs* regs, const ffa::Regs* call);
// The same for an S-EL0 partition (EL0t, HCR_EL2.TGE set by the caller):
// its SP_EL0 and its tables (regs->ttbr0) as well.
sel2::Exit sel2_el0_run(sel2::VcpuRegs* regs);
void sel2_swap_el1(sel2::El1Regs* save, const sel2::El1Regs* load);
// P0-P15 and FFR at the vector length in force (with CPTR_EL2.ZEN open).
void sel2_save_sve_predicates(sel2::SveState* out);
void sel2_restore_sve_predicates(const sel2::SveState* in);
// FP/SIMD registers: only with CPTR_EL2.TFP clear (the first use of FP at
// S-EL2 since the secure world was entered traps to the monitor, which
// gives the secure world its FP registers and returns).
void sel2_save_fp(sel2::FpState* out);
void sel2_restore_fp(const sel2::FpState* in);
}

#endif
