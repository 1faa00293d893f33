// The SMC harness's benchmark: the OP-TEE message round trip to the hello
// TA over the classic SMC ABI, measured as bench.cpp measures it over FF-A
// (optee_invoke_hello_ta_ffa, measure_optee_invoke): INVOKE_COMMAND
// INC_VALUE with a value in-out, the session opened once, 2,000 rounds
// after a warm-up, instructions under -icount. Here each round is one
// OPTEE_SMC_CALL_WITH_RPC_ARG (the monitor's OP-TEE dispatcher, the trusted
// OS's thread, the TA) instead of FFA_MSG_SEND_DIRECT_REQ with a shared
// memory handle.
#include "arch/aarch64/sysreg.h"
#include "nwd/harness/smc/optee_smc_client.h"
#include "nwd/harness/measure.h"
#include "nwd/harness/test.h"

namespace harness::smc {
namespace {

// The same words bench.cpp writes, at the same offsets, through a raw SMC
// and its RPC loop (no RPC comes for hello: a foreign interrupt would).
void measure_optee_invoke_smc() {
  constexpr uint64_t kArg = 0x70B00000;
  auto* arg = reinterpret_cast<volatile uint64_t*>(kArg);
  auto send = [&] {
    ffa::Regs a = raw_smc(kCallWithRpcArg, 0, kArg);
    while (a.x[0] == kRpcForeignIntr) a = raw_smc(kReturnFromRpc, a.x[1], a.x[2], a.x[3]);
    return a.x[0] == kOk;
  };
  measure_hello_invoke(arg, send, "optee_invoke_hello_ta_smc");
}

}  // namespace

void run_benchmarks(uint64_t boot_ticks) {
  report("boot_to_nwd", ticks_to_instructions(boot_ticks));
  // The floor: an SMC the monitor answers by itself, as in bench.cpp.
  report("smccc_version_at_el3", measure([] { raw_smc(0x80000000); }));
  // A fast call the trusted OS answers (no thread): OP-TEE's GET_OS_REVISION.
  report("optee_smc_get_os_revision", measure([] { raw_smc(kGetOsRevision); }));
  measure_optee_invoke_smc();
}

}  // namespace harness::smc
