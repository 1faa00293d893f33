#include "nwd/harness/fault.h"

#include "arch/aarch64/conduit.h"
#include "arch/aarch64/sysreg.h"
#include "nwd/harness/gic.h"
#include "nwd/harness/test.h"

extern "C" uint64_t harness_probe_read(uint64_t addr);
extern "C" char harness_probe_insn[];
extern "C" uint64_t harness_probe_erridr();
extern "C" char harness_probe_erridr_insn[];

namespace harness {
namespace {
volatile bool g_expect_fault = false;
volatile bool g_faulted = false;
volatile uint64_t g_esr = 0;

void power_off() {
  ffa::Regs r{{0x84000008}};
  arch_smc(&r);
}
}  // namespace

Probe probe_read(uint64_t addr) {
  g_faulted = false;
  g_expect_fault = true;
  const uint64_t v = harness_probe_read(addr);
  g_expect_fault = false;
  return Probe{g_faulted, v, g_esr};
}

Probe probe_trapped_register() {
  g_faulted = false;
  g_expect_fault = true;
  const uint64_t v = harness_probe_erridr();
  g_expect_fault = false;
  return Probe{g_faulted, v, g_esr};
}

}  // namespace harness

// Called from the vectors: returns how far to advance ELR (4 skips the
// probing load), or never returns for an exception nobody expected.
extern "C" uint64_t harness_exception(uint64_t kind) {
  using namespace harness;
  // IRQ, from the current EL (either stack pointer): the GIC's.
  if (kind == 1 || kind == 5) {
    harness_irq();
    return 0;
  }
  uint64_t esr, elr, far;
  if (arch::current_el() == 2) {
    __asm__ volatile("mrs %0, esr_el2; mrs %1, elr_el2; mrs %2, far_el2" : "=r"(esr), "=r"(elr), "=r"(far));
  } else {
    __asm__ volatile("mrs %0, esr_el1; mrs %1, elr_el1; mrs %2, far_el1" : "=r"(esr), "=r"(elr), "=r"(far));
  }
  const uint64_t ec = esr >> 26;
  // Data abort at the current EL, from the probe instruction, while expected.
  if (g_expect_fault && ec == 0x25 && elr == reinterpret_cast<uint64_t>(harness_probe_insn)) {
    g_faulted = true;
    g_esr = esr;
    return 4;
  }
  // Undefined Instruction (EC 0) at the trapped-register probe.
  if (g_expect_fault && ec == 0 && elr == reinterpret_cast<uint64_t>(harness_probe_erridr_insn)) {
    g_faulted = true;
    g_esr = esr;
    return 4;
  }
  printf("Bail out! unexpected exception: vector {} ESR {:x} ELR {:x} FAR {:x}\n", kind, esr, elr, far);
  power_off();
  for (;;) {
  }
}
