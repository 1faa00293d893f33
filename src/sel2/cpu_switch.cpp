#include "sel2/cpu_switch.h"

#include "arch/aarch64/sysreg.h"
#include "ffa/hf_interrupt.h"

namespace sel2 {
[[gnu::section(".noinit")]] El1Regs g_world_el1[plat::kMaxCpus];  // written before read
constinit Vcpu* g_el1_holder[plat::kMaxCpus] = {};
constinit Vcpu* g_fp_owner[plat::kMaxCpus] = {};

void take_fp(unsigned cpu, Vcpu* to) {
  TESSERA_SYSREG_WRITE(cptr_el2, kCptrFpAllowed);
  arch::isb();
  if (g_fp_owner[cpu]) sel2_save_fp(&g_fp_owner[cpu]->fp);
  if (to) sel2_restore_fp(&to->fp);
  g_fp_owner[cpu] = to;
  TESSERA_SYSREG_WRITE(cptr_el2, kCptrTrapAll);
  arch::isb();
}

bool for_the_core(uint32_t fid) {
  const uint32_t base = fid & ~0x40000000u;  // SMC64 to SMC32
  return (base >= 0x84000060 && base <= 0x840000FF) || fid == ffa::hf::kInterruptEnable ||
         fid == ffa::hf::kInterruptGet || fid == ffa::hf::kInterruptDeactivate;
}

void answer_smccc(Vcpu& v, uint32_t fid) {
  constexpr uint64_t kNotSupported = static_cast<uint64_t>(-1);
  v.regs.x[0] = fid == 0x80000000u ? 0x10002 : kNotSupported;  // SMCCC_VERSION: 1.2
}

bool common_exit(spmc::Core& core, size_t index, Vcpu& v, Exit exit, bool call, spmc::Outcome& outcome,
                 ffa::Regs& out) {
  if (call) {
    const uint32_t fid = static_cast<uint32_t>(v.regs.x[0]);
    if (!for_the_core(fid)) {
      answer_smccc(v, fid);
      outcome = core.carry_on(index, out);
      return true;
    }
    outcome = core.handle_sp_call(index, v.regs.call, out);
    return true;
  }
  if (exit == Exit::sync && (v.regs.esr >> 26) == kEcFp) {
    // Its first FP/SIMD instruction since another took this CPU's FP
    // registers: they become its own, and the instruction runs again.
    take_fp(arch::cpu_index(), &v);
    outcome = core.carry_on(index, out);
    return true;
  }
  if (exit == Exit::irq) {
    outcome = core.sp_secure_interrupted(index, out);
    return true;
  }
  if (exit == Exit::fiq) {
    outcome = core.ns_interrupts_unmasked(index) ? core.sp_interrupted(index, out) : core.carry_on(index, out);
    return true;
  }
  return false;
}

}  // namespace sel2
