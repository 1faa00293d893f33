#include "nwd/harness/gic.h"

#include "arch/aarch64/sysreg.h"
#include "plat/qemu_virt/memory_map.h"

namespace harness::gic {
volatile unsigned g_taken[32];  // not static: harness_irq counts here
namespace {
// This CPU's redistributor SGI frame: QEMU lays the redistributors out in
// CPU order, two 64 KiB frames each.
uint64_t sgi_frame() { return plat::kGicrBase + arch::cpu_index() * plat::kGicrFrameSize + 0x10000; }
constexpr uint64_t kIsenabler0 = 0x100, kIpriorityr = 0x400;
}  // namespace

void enable_private(unsigned sgi) {
  // Every time, not once per CPU: a CPU that PSCI turned off and on again
  // starts with a fresh HCR_EL2 (and a CPU whose IRQs stay with EL1
  // would have its partition calls interrupted for ever).
  // At EL2, physical IRQs target EL1 unless HCR_EL2.IMO sends them here.
  if (arch::current_el() == 2) TESSERA_SYSREG_WRITE(hcr_el2, TESSERA_SYSREG_READ(hcr_el2) | (1u << 4));
  TESSERA_SYSREG_WRITE(S3_0_C12_C12_5, TESSERA_SYSREG_READ(S3_0_C12_C12_5) | 1);  // ICC_SRE_EL1.SRE
  arch::isb();
  TESSERA_SYSREG_WRITE(S3_0_C4_C6_0, 0xFF);  // ICC_PMR_EL1
  TESSERA_SYSREG_WRITE(S3_0_C12_C12_7, 1);   // ICC_IGRPEN1_EL1
  arch::isb();
  *reinterpret_cast<volatile uint8_t*>(sgi_frame() + kIpriorityr + sgi) = 0x80;
  *reinterpret_cast<volatile uint32_t*>(sgi_frame() + kIsenabler0) = 1u << sgi;
  arch::dsb_sy();
  __asm__ volatile("msr daifclr, #2" ::: "memory");
}

void arm_physical_timer(uint64_t ticks) {
  TESSERA_SYSREG_WRITE(cntp_cval_el0, arch::cntpct() + ticks);
  TESSERA_SYSREG_WRITE(cntp_ctl_el0, 1);  // enabled, not masked
  arch::isb();
}

namespace {
volatile uint64_t g_timer_period = 0;
}  // namespace

void set_physical_timer_period(uint64_t period) {
  g_timer_period = period;
  if (period == 0) TESSERA_SYSREG_WRITE(cntp_ctl_el0, 0);
}

bool wait_taken(unsigned intid, unsigned before, uint64_t timeout) {
  enable_private(kPhysicalTimerPpi);
  const uint64_t deadline = arch::cntpct() + timeout;
  arm_physical_timer(timeout);  // the watchdog: something always wakes WFI
  __asm__ volatile("msr daifset, #2" ::: "memory");
  while (g_taken[intid] <= before && arch::cntpct() < deadline) {
    arch::wfi();  // a pending interrupt wakes it even while masked
    __asm__ volatile("msr daifclr, #2; isb; msr daifset, #2" ::: "memory");
  }
  __asm__ volatile("msr daifclr, #2" ::: "memory");
  TESSERA_SYSREG_WRITE(cntp_ctl_el0, 0);
  return g_taken[intid] > before;
}

unsigned taken(unsigned intid) { return intid < 32 ? g_taken[intid] : 0; }

}  // namespace harness::gic

extern "C" void harness_irq() {
  const uint64_t iar = TESSERA_SYSREG_READ(S3_0_C12_C12_0);  // ICC_IAR1_EL1
  const uint64_t intid = iar & 0xFFFFFF;
  if (intid >= 1020) return;  // spurious
  if (intid < 32) harness::gic::g_taken[intid] = harness::gic::g_taken[intid] + 1;
  // The timer's interrupt is level: quiet the timer (or move its deadline
  // on, with a period) before ending it.
  if (intid == harness::gic::kPhysicalTimerPpi) {
    if (harness::gic::g_timer_period != 0)
      harness::gic::arm_physical_timer(harness::gic::g_timer_period);
    else
      TESSERA_SYSREG_WRITE(cntp_ctl_el0, 0);
  }
  TESSERA_SYSREG_WRITE(S3_0_C12_C12_1, iar);  // ICC_EOIR1_EL1: priority drop and deactivation
  arch::isb();
}
