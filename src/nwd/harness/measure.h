// Measuring in instructions, for both harnesses (FF-A: bench.cpp; the SMC
// ABI: smc/bench_smc.cpp). Under `qemu -icount shift=0` one guest
// instruction takes one nanosecond of virtual time.
#pragma once

#include <cstdint>

#include "arch/aarch64/sysreg.h"
#include "nwd/harness/test.h"

namespace harness {

// Instructions represented by `ticks` of the generic counter.
inline uint64_t ticks_to_instructions(uint64_t ticks) { return ticks * 1000000000ull / arch::cntfrq(); }

inline constexpr unsigned kBenchIterations = 2000;

// Instructions per call of fn(), over `iterations` calls after one warm-up.
template <typename Fn>
uint64_t measure(Fn&& fn, unsigned iterations = kBenchIterations) {
  fn();  // warm up (and make sure the call works)
  const uint64_t t0 = arch::cntpct();
  for (unsigned i = 0; i < iterations; ++i) fn();
  const uint64_t t1 = arch::cntpct();
  return ticks_to_instructions(t1 - t0) / iterations;
}

inline void report(const char* name, uint64_t instructions) { printf("# bench {} {}\n", name, instructions); }

// OP-TEE's message round trip to the hello TA, whatever carries it:
// `send()` hands the struct optee_msg_arg at `arg` to the trusted OS and
// returns whether it answered. Opens a session once, measures
// INVOKE_COMMAND INC_VALUE (a value in-out) and closes; reports `name`
// only when every round gave the right answer.
template <typename Send>
void measure_hello_invoke(volatile uint64_t* arg, Send&& send, const char* name) {
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
  if (ok) report(name, cost);
}

}  // namespace harness
