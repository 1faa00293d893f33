// An S-EL0 partition's execution context as the trusted OS keeps it while
// the partition does not run. The trampoline (el0.S) uses the offsets.
#pragma once

#define SPCTX_X0 0
#define SPCTX_X30 240
#define SPCTX_SP_EL0 248
#define SPCTX_ELR 256
#define SPCTX_SPSR 264
#define SPCTX_TTBR0 272
#define SPCTX_ESR 280
#define SPCTX_FAR 288
#define SPCTX_TPIDR_EL0 296

// Kinds of exception that bring the trusted OS back from EL0.
#define EL0_TRAP_SYNC 0
#define EL0_TRAP_IRQ 1
#define EL0_TRAP_FIQ 2
#define EL0_TRAP_SERROR 3

#ifndef __ASSEMBLER__
#include <cstddef>
#include <cstdint>

#include "ffa/regs.h"

namespace sel1 {

struct SpContext {
  // x0-x30; an FF-A call's x0-x17 are `call`, which the core reads in
  // place (no copy on the way to Core::handle_sp_call). Reading one union
  // member through the other is how GCC, which builds this firmware,
  // documents type punning.
  union {
    uint64_t x[31];
    ffa::Regs call;
  };
  uint64_t sp_el0;
  uint64_t elr;
  uint64_t spsr;
  uint64_t ttbr0;  // the partition's tables with its ASID in [63:48]
  uint64_t esr;    // why it last stopped
  uint64_t far;
  // Its thread ID register, writable at EL0 and one for every S-EL0
  // context on a CPU: its own, never what the last partition or TA left.
  uint64_t tpidr_el0;
};
static_assert(offsetof(SpContext, x) == SPCTX_X0);
static_assert(offsetof(SpContext, call) == offsetof(SpContext, x), "a call's x0-x17 are the context's");
static_assert(offsetof(SpContext, x) + 30 * 8 == SPCTX_X30);
static_assert(offsetof(SpContext, sp_el0) == SPCTX_SP_EL0);
static_assert(offsetof(SpContext, elr) == SPCTX_ELR);
static_assert(offsetof(SpContext, spsr) == SPCTX_SPSR);
static_assert(offsetof(SpContext, ttbr0) == SPCTX_TTBR0);
static_assert(offsetof(SpContext, esr) == SPCTX_ESR);
static_assert(offsetof(SpContext, far) == SPCTX_FAR);
static_assert(offsetof(SpContext, tpidr_el0) == SPCTX_TPIDR_EL0);

// PSTATE for an S-EL0 context's next entry: EL0t with the interrupt masks
// `masks`, and its condition flags (NZCV) as they were when it last left
// S-EL0. A partition or Trusted Application an interrupt stopped between
// a compare and its conditional branch must find the flags it set: with
// them zeroed, the branch goes the other way (a TA's dispatch then took a
// default case now and then, TEE_ERROR_NOT_SUPPORTED, once managed exit
// stopped TAs often).
inline constexpr uint64_t kSpsrNzcv = 0xFull << 28;
constexpr uint64_t el0_spsr(uint64_t saved, uint64_t masks) { return (saved & kSpsrNzcv) | masks; }

}  // namespace sel1

// Runs the partition until it traps back; returns EL0_TRAP_*. The context
// holds its registers, ESR and FAR afterwards.
extern "C" uint64_t sel1_el0_run(sel1::SpContext* ctx);
#endif
