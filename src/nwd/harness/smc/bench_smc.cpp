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
#include "nwd/harness/test.h"

namespace harness::smc {
namespace {

constexpr unsigned kIterations = 2000;

uint64_t ticks_to_instructions(uint64_t ticks) { return ticks * 1000000000ull / arch::cntfrq(); }

template <typename Fn>
uint64_t measure(Fn&& fn, unsigned iterations = kIterations) {
  fn();  // warm up (and make sure the call works)
  const uint64_t t0 = arch::cntpct();
  for (unsigned i = 0; i < iterations; ++i) fn();
  const uint64_t t1 = arch::cntpct();
  return ticks_to_instructions(t1 - t0) / iterations;
}

void report(const char* name, uint64_t instructions) { printf("# bench {} {}\n", name, instructions); }

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
  for (unsigned i = 0; i < 28; ++i) arg[i] = 0;
  // OPEN_SESSION of hello (8aaaf200-2450-11e4-abe2-0002a5d5c51b).
  arg[3] = uint64_t{2} << 32;  // num_params
  arg[4] = 0x101;
  arg[5] = 0xE4115024'00F2AA8Aull;
  arg[6] = 0x1BC5D5A5'0200E2ABull;
  arg[8] = 0x101;
  if (!send() || (arg[2] >> 32) != 0) return;
  const uint64_t session = arg[1] & 0xFFFFFFFF;
  bool ok = true;
  uint64_t value = 0;
  const uint64_t cost = measure([&] {
    arg[0] = 1 | uint64_t{0} << 32;  // INVOKE_COMMAND, func 0 (INC_VALUE)
    arg[1] = session;                // session, cancel_id 0
    arg[2] = 0;                      // pad, ret
    arg[3] = uint64_t{1} << 32;      // num_params
    arg[4] = 3;                      // value in-out
    arg[5] = value;
    ok = ok && send() && (arg[2] >> 32) == 0 && arg[5] == value + 1;  // ret, the new value
    value = arg[5];
  });
  arg[0] = 2;  // CLOSE_SESSION
  arg[2] = 0;
  arg[3] = 0;
  send();
  if (ok) report("optee_invoke_hello_ta_smc", cost);
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
