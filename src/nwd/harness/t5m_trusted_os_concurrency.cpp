// Issue 12: neither the trusted OS nor a partition runs under the SPMC
// core's lock. CPU 1 keeps the secure world busy with a long call — a
// trusted-OS thread (Tessera's yielding spin) or the echo partition (its
// spin), tens of millions of steps — while CPU 0 calls other endpoints and
// discovery: their answers must come while CPU 1's call is still in the
// secure world. (While the core's lock covered them, CPU 0 waited for the
// spin to end.)
#include "lib/lcg.h"
#include "nwd/harness/ffa_client.h"
#include "nwd/harness/smp.h"
#include "nwd/harness/test.h"

using ffa::Func;
using harness::call;

namespace {
constexpr uint32_t kTosSpin = 0xFFFF5350, kResume = 0x80000001, kReturnInterrupt = 2, kTosApiVersion = 0;
constexpr uint64_t kEchoSpin = 0x5350494E;
constexpr uint16_t kEcho = 0x8001, kKeystore = 0x8005;
constexpr uint64_t kSeed = 0x5EED0F05;
constexpr unsigned kCalls = 30;

uint16_t g_tos;
bool g_spin_in_echo;  // which endpoint CPU 1 keeps busy: echo, or the trusted OS
// The other endpoints CPU 0 calls while the trusted OS is busy, as
// discovery finds them: echo and keystore (the S-EL0 partitions), echo
// twice where it is the only one (sel1-spmc-1p), or mp-c and up-c (S-EL1
// partitions of the S-EL2 SPMC; their ECHO, command 0, sends x4-x7 back).
constexpr uint16_t kMpC = 0x8010, kUpC = 0x8011;
bool g_sel1_partitions;
bool g_keystore;

uint64_t spin_on_cpu1(uint64_t rounds) {
  if (g_spin_in_echo) {
    // Echo's spin; a normal-world interrupt (none is armed here) would
    // preempt it, and until_answered resumes it.
    const ffa::Regs r = harness::until_answered(call(Func::msg_send_direct_req_64, kEcho, 0, kEchoSpin, rounds, kSeed));
    return r.w(0) == ffa::raw(Func::msg_send_direct_resp_64) ? r.x[3] : ~0ull;
  }
  ffa::Regs r = call(Func::msg_send_direct_req_32, g_tos, 0, kTosSpin, rounds, kSeed & 0xFFFFFFFF, kSeed >> 32);
  while (r.w(3) == 0 && r.w(4) == kReturnInterrupt)
    r = call(Func::msg_send_direct_req_32, g_tos, 0, kResume, 0, 0, 0, r.w(7));
  return r.w(3) == 0 ? (uint64_t{r.w(5)} | uint64_t{r.w(6)} << 32) : ~0ull;
}

// CPU 0's calls: to endpoints other than the busy one, and discovery.
unsigned other_calls() {
  unsigned answered = 0;
  for (unsigned i = 0; i < kCalls; ++i) {
    ffa::Regs r;
    if (g_spin_in_echo) {
      r = call(Func::msg_send_direct_req_32, g_tos, 0, kTosApiVersion);
      answered += r.w(0) == ffa::raw(Func::msg_send_direct_resp_32) && r.w(3) == 1;
    } else if (g_sel1_partitions) {
      r = call(Func::msg_send_direct_req_64, kMpC, 0, 0, i, ~uint64_t{i});
      answered += r.w(0) == ffa::raw(Func::msg_send_direct_resp_64) && r.x[4] == i && r.x[5] == ~uint64_t{i};
    } else {
      r = harness::until_answered(call(Func::msg_send_direct_req_64, kEcho, 0, i, ~uint64_t{i}));
      answered += r.w(0) == ffa::raw(Func::msg_send_direct_resp_64) && r.x[3] == i && r.x[4] == ~uint64_t{i};
    }
    if (g_sel1_partitions) {
      r = call(Func::msg_send_direct_req_64, kUpC, 0, 0, i);
      answered += r.w(0) == ffa::raw(Func::msg_send_direct_resp_64) && r.x[4] == i;
    } else if (g_keystore) {
      r = call(Func::msg_send_direct_req_64, kKeystore, 0, 2, 0, 0x5354);  // a MAC: any answer from it
      answered += r.w(0) == ffa::raw(Func::msg_send_direct_resp_64);
    } else {
      r = harness::until_answered(call(Func::msg_send_direct_req_64, kEcho, 0, ~uint64_t{i}, i));
      answered += r.w(0) == ffa::raw(Func::msg_send_direct_resp_64) && r.x[3] == ~uint64_t{i} && r.x[4] == i;
    }
    r = call(Func::partition_info_get_regs, 0, 0, 0);
    answered += ffa::is_success(r);
  }
  return answered;
}

void check(const harness::StallRun& run) {
  EXPECT_EQ(run.answered, 3 * kCalls);
  EXPECT_TRUE(run.spin_done);
  EXPECT_EQ(run.spin_result, lib::lcg_spin(run.rounds, kSeed));  // the spin itself was not disturbed
  harness::printf("# {} busy on CPU 1 ({} rounds): CPU 0's {} calls took {} us, {} the spin ended\n",
                  g_spin_in_echo ? "echo" : "trusted OS", run.rounds, 3 * kCalls, run.micros,
                  run.answered_while_spinning ? "before" : "after");
}

void show_nothing_stalls(bool in_echo) {
  ASSERT_TRUE(harness::discover());
  g_tos = harness::trusted_os_id();
  g_spin_in_echo = in_echo;
  g_sel1_partitions = !harness::has(harness::Needs::sel0_echo);
  g_keystore = harness::has(harness::Needs::suite_endpoints);
  if (g_sel1_partitions) {
    ASSERT_TRUE(harness::has(harness::Needs::sel1_c_partitions));
  } else if (g_keystore) {
    ASSERT_EQ(call(Func::msg_send_direct_req_64, kKeystore, 0, 1, 0, 0x5354).x[3], 0);  // slot 0 has a key
  }
  EXPECT_TRUE(harness::show_no_stall({&spin_on_cpu1, &other_calls, &check}));
}
}  // namespace

TEST_TOS(smp, a_busy_trusted_os_thread_stalls_no_other_cpu) { show_nothing_stalls(false); }
TEST(smp, a_spinning_partition_stalls_no_other_cpu) { show_nothing_stalls(true); }
