// The normal-world harness for the optee-smc configuration: no FF-A (the
// monitor is the OP-TEE dispatcher, el3_opteed). Runs group smc (the
// classic OP-TEE SMC ABI as Linux's smc_abi.c speaks it), the SMC
// benchmarks, and powers off.
#include "arch/aarch64/conduit.h"
#include "nwd/harness/smc/optee_smc_client.h"
#include "nwd/harness/test.h"

namespace harness::smc {
void run_benchmarks(uint64_t boot_ticks);
}

extern "C" void harness_main(uint64_t dtb, uint64_t boot_ticks) {
  harness::printf("Tessera normal-world harness over the OP-TEE SMC ABI (device tree at {:x})\n", dtb);
  const unsigned failed = harness::run_all_tests();
  harness::smc::run_benchmarks(boot_ticks);
  harness::printf("# harness done: {}\n", failed ? "FAILED" : "all tests passed");
  ffa::Regs off{{0x84000008}};  // PSCI SYSTEM_OFF
  arch_smc(&off);
}
