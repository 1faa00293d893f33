#include "sel2/cpu_switch.h"

#include "arch/aarch64/sysreg.h"
#include "ffa/hf_interrupt.h"

namespace sel2 {
namespace {
constexpr uint64_t kPmrSecureOnly = 0x80;
}  // namespace

constinit Vcpu* g_loaded[plat::kMaxCpus] = {};
constinit Vcpu* g_fp_owner[plat::kMaxCpus] = {};

void release_el1(unsigned cpu) {
  if (g_loaded[cpu] && g_loaded[cpu]->pinned) sel2_save_el1(&g_loaded[cpu]->el1);
  g_loaded[cpu] = nullptr;
}

void take_fp(unsigned cpu, Vcpu* to) {
  TESSERA_SYSREG_WRITE(cptr_el2, kCptrFpAllowed);
  arch::isb();
  if (g_fp_owner[cpu]) sel2_save_fp(&g_fp_owner[cpu]->fp);
  if (to) sel2_restore_fp(&to->fp);
  g_fp_owner[cpu] = to;
  TESSERA_SYSREG_WRITE(cptr_el2, kCptrTrapAll);
  arch::isb();
}

uint64_t hold_ns_interrupts(bool signalled) {
  const uint64_t pmr = TESSERA_SYSREG_READ(S3_0_C4_C6_0);  // ICC_PMR_EL1, as the normal world left it
  if (!signalled && pmr > kPmrSecureOnly) TESSERA_SYSREG_WRITE(S3_0_C4_C6_0, kPmrSecureOnly);
  return pmr;
}

void put_back_pmr(uint64_t pmr) { TESSERA_SYSREG_WRITE(S3_0_C4_C6_0, pmr); }

bool for_the_core(uint32_t fid) {
  const uint32_t base = fid & ~0x40000000u;  // SMC64 to SMC32
  return (base >= 0x84000060 && base <= 0x840000FF) || fid == ffa::hf::kInterruptEnable ||
         fid == ffa::hf::kInterruptGet || fid == ffa::hf::kInterruptDeactivate;
}

void answer_smccc(Vcpu& v, uint32_t fid) {
  constexpr uint64_t kNotSupported = static_cast<uint64_t>(-1);
  v.regs.x[0] = fid == 0x80000000u ? 0x10002 : kNotSupported;  // SMCCC_VERSION: 1.2
}

}  // namespace sel2
