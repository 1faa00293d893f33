#include "el3/inject.h"

#include "arch/aarch64/sysreg.h"
#include "el3/cpu_features.h"

namespace el3 {
namespace {

// SPSR_ELx fields (AArch64).
constexpr uint64_t kSpsrNzcv = 0xFull << 28;
constexpr uint64_t kSpsrDaif = 0xFull << 6;
constexpr uint64_t kSpsrPan = 1ull << 22;
constexpr uint64_t kSpsrSsbs = 1ull << 12;
constexpr uint64_t kSpsrTco = 1ull << 25;
// SCTLR_ELx: SPAN (bit 23: 0 = set PAN on exception entry), DSSBS (bit 44).
constexpr uint64_t kSctlrSpan = 1ull << 23;
constexpr uint64_t kSctlrDssbs = 1ull << 44;
constexpr uint64_t kHcrTge = 1ull << 27;
constexpr uint64_t kScrNs = 1ull << 0, kScrEel2 = 1ull << 18;
constexpr uint64_t kHcrE2h = 1ull << 34;
constexpr uint64_t kEsrIl = 1ull << 25;  // 32-bit instruction; EC 0 = unknown reason

// Vector offsets (VBAR_ELx + ...): synchronous exception.
constexpr uint64_t kVecCurrentSp0 = 0x000, kVecCurrentSpx = 0x200, kVecLowerA64 = 0x400, kVecLowerA32 = 0x600;

}  // namespace

namespace {
// AArch32 PSTATE (SPSR_EL3 for an AArch32 caller): its mode (M[4:0]),
// Thumb (T, bit 5), the masks, and the modes' ELs.
constexpr uint64_t kA32ModeMask = 0x1F, kA32User = 0x10, kA32Hyp = 0x1A, kA32Undefined = 0x1B;
constexpr uint64_t kA32T = 1ull << 5, kA32I = 1ull << 7, kA32A = 1ull << 8, kA32F = 1ull << 6, kA32E = 1ull << 9;
constexpr uint64_t kA32Nzcvq = 0x1Full << 27, kA32Ge = 0xFull << 16;
// SCTLR (AArch32 view of SCTLR_EL1): V (high vectors), EE, TE.
constexpr uint64_t kSctlrV = 1ull << 13, kSctlrEe = 1ull << 25, kSctlrTe = 1ull << 30;
constexpr uint64_t kHcrRw = 1ull << 31;

unsigned el_of_a32_mode(uint64_t spsr) {
  const uint64_t mode = spsr & kA32ModeMask;
  return mode == kA32User ? 0 : mode == kA32Hyp ? 2 : 1;
}

// An Undefined Instruction exception taken to AArch32 EL1 (Undefined
// mode), as the CPU would take it there (Arm ARM, AArch32.TakeUndefInstrException):
// SPSR_und the trapping PSTATE, LR_und (X22 in AArch64's view) the
// instruction's address + 4 (A32) or + 2 (T32), CPSR Undefined mode with
// IRQs masked, A and F as they were, the Thumb and endianness bits from
// SCTLR.TE and EE, at the vector base (SCTLR.V: 0xFFFF0000, else VBAR) + 4.
void enter_a32_undefined(CpuContext& ctx) {
  const uint64_t old = ctx.spsr_el3;
  const uint64_t sctlr = TESSERA_SYSREG_READ(sctlr_el1);
  TESSERA_SYSREG_WRITE(S3_4_C4_C3_2, old);  // SPSR_und
  ctx.x[22] = (ctx.elr_el3 + ((old & kA32T) ? 2 : 4)) & 0xFFFFFFFF;
  uint64_t cpsr = (old & (kA32Nzcvq | kA32Ge | kA32A | kA32F)) | kA32I | kA32Undefined | 0x10;
  if (sctlr & kSctlrTe) cpsr |= kA32T;
  if (sctlr & kSctlrEe) cpsr |= kA32E;
  const uint64_t base = (sctlr & kSctlrV) ? 0xFFFF0000 : (TESSERA_SYSREG_READ(vbar_el1) & 0xFFFFFFE0);
  ctx.elr_el3 = base + 4;
  ctx.spsr_el3 = cpsr;
}
}  // namespace

unsigned inject_undef(CpuContext& ctx) {
  const uint64_t old_spsr = ctx.spsr_el3;
  const bool from_a32 = (old_spsr & 0x10) != 0;
  const unsigned from_el = from_a32 ? el_of_a32_mode(old_spsr) : static_cast<unsigned>((old_spsr >> 2) & 3);
  // EL2 in the world that trapped: the normal world's where the CPU has
  // one; the secure world's only with Secure EL2 enabled (without it, the
  // EL2 registers are the normal world's and say nothing of the secure
  // world). Its HCR_EL2 is the one in the CPU: the world runs.
  const bool world_has_el2 = (ctx.scr_el3 & kScrNs) != 0 ? cpu::has_el2() : (ctx.scr_el3 & kScrEel2) != 0;
  const uint64_t hcr = world_has_el2 ? TESSERA_SYSREG_READ(hcr_el2) : 0;
  unsigned target = from_el;
  if (from_el == 0) target = (hcr & kHcrTge) ? 2 : 1;
  // EL1 in AArch32 (HCR_EL2.RW clear under an EL2; the monitor runs every
  // world's EL1 without EL2 in AArch64): Undefined mode, its own way.
  if (target == 1 && world_has_el2 && (hcr & kHcrRw) == 0) {
    enter_a32_undefined(ctx);
    return 1;
  }

  uint64_t offset;
  if (from_el == target) {
    offset = (old_spsr & 1) ? kVecCurrentSpx : kVecCurrentSp0;
  } else {
    offset = from_a32 ? kVecLowerA32 : kVecLowerA64;
  }

  uint64_t sctlr, vbar;
  if (target == 2) {
    TESSERA_SYSREG_WRITE(elr_el2, ctx.elr_el3);
    TESSERA_SYSREG_WRITE(spsr_el2, old_spsr);
    TESSERA_SYSREG_WRITE(esr_el2, kEsrIl);
    sctlr = TESSERA_SYSREG_READ(sctlr_el2);
    vbar = TESSERA_SYSREG_READ(vbar_el2);
  } else {
    TESSERA_SYSREG_WRITE(elr_el1, ctx.elr_el3);
    TESSERA_SYSREG_WRITE(spsr_el1, old_spsr);
    TESSERA_SYSREG_WRITE(esr_el1, kEsrIl);
    sctlr = TESSERA_SYSREG_READ(sctlr_el1);
    vbar = TESSERA_SYSREG_READ(vbar_el1);
  }

  // PSTATE on exception entry (Arm ARM, AArch64.TakeException): flags
  // kept; D, A, I, F masked; EL and SP_ELx of the target; PAN set when the
  // target's SCTLR.SPAN is clear (EL1, or EL2 with E2H), else kept; SSBS
  // from SCTLR.DSSBS; TCO set with MTE; everything else (SS, IL, BTYPE,
  // UAO) zero.
  uint64_t spsr = (old_spsr & kSpsrNzcv) | kSpsrDaif | (target == 2 ? 0x9 : 0x5);
  const bool pan_applies = target == 1 || (hcr & kHcrE2h);
  if (cpu::has_pan() && pan_applies) {
    if (!(sctlr & kSctlrSpan)) {
      spsr |= kSpsrPan;
    } else {
      spsr |= old_spsr & kSpsrPan;
    }
  }
  if (cpu::has_ssbs() && (sctlr & kSctlrDssbs)) spsr |= kSpsrSsbs;
  if (cpu::has_mte2()) spsr |= kSpsrTco;

  ctx.elr_el3 = vbar + offset;
  ctx.spsr_el3 = spsr;
  return target;
}

}  // namespace el3
