// The FF-A v1.0 harness: the v1.0 test group only, then power off.
#include "arch/aarch64/conduit.h"
#include "nwd/harness/test.h"

extern "C" void harness_main(uint64_t dtb, uint64_t) {
  harness::printf("Tessera normal-world harness, FF-A v1.0 client (device tree at {:x})\n", dtb);
  harness::run_all_tests();
  ffa::Regs off{{0x84000008}};  // PSCI SYSTEM_OFF
  arch_smc(&off);
}

// The fault probe's handler lives with the full harness; this one only
// reports and stops.
extern "C" uint64_t harness_exception(uint64_t kind) {
  harness::printf("Bail out! unexpected exception: vector {}\n", kind);
  ffa::Regs off{{0x84000008}};
  arch_smc(&off);
  for (;;) {
  }
}
