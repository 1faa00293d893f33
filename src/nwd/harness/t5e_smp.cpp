// SMP: PSCI CPU_ON brings the other CPUs up through the monitor and the
// SPMC's cold boot on each; every CPU then makes direct requests to the
// echo partition and the trusted OS at the same time as the others; the
// secondaries power off with CPU_OFF and come back with a second CPU_ON.
// The hostile cases: CPU_ON twice, CPUs that do not exist, an entry point
// outside normal-world memory.
#include "arch/aarch64/sysreg.h"
#include "nwd/harness/ffa_client.h"
#include "nwd/harness/sme.h"
#include "nwd/harness/smp.h"
#include "nwd/harness/test.h"

using ffa::Func;
using harness::call;

namespace {
constexpr uint32_t kCpuOn = 0xC4000003, kCpuOff = 0x84000002, kAffinityInfo = 0xC4000004;
constexpr int64_t kAlreadyOn = -4, kOnPending = -5, kInvalidParameters = -2, kInvalidAddress = -9;
constexpr unsigned kMaxCpus = 8, kRequests = 200;

struct PerCpu {
  volatile uint64_t answered;  // requests answered as expected
  volatile uint64_t wrong;     // anything else
  volatile uint64_t rounds;    // times this CPU ran the workload
  volatile bool done;
};
PerCpu g_cpu[kMaxCpus];
alignas(16) uint8_t g_stacks[kMaxCpus][8192];

// Every CPU's work: requests to echo (SMC64, its own payload) and to the
// trusted OS (OP-TEE GET_API_VERSION), interleaved. Echo has one execution
// context and runs without the core's lock: while it answers another CPU,
// a request gets BUSY, and we try again (counted).
volatile uint64_t g_echo_busy;
void workload(unsigned cpu, uint16_t tos) {
  for (unsigned i = 0; i < kRequests; ++i) {
    const uint64_t tag = uint64_t{cpu} << 32 | i;
    ffa::Regs r;
    for (unsigned attempt = 0;; ++attempt) {
      r = harness::until_answered(call(Func::msg_send_direct_req_64, 0x8001, 0, tag, ~tag));
      if (harness::error_code(r) != -4 || attempt == 1000000) break;
      g_echo_busy = g_echo_busy + 1;
    }
    const bool echo_ok = r.w(0) == ffa::raw(Func::msg_send_direct_resp_64) && r.x[3] == tag && r.x[4] == ~tag;
    r = call(Func::msg_send_direct_req_32, tos, 0, 0);
    const bool tos_ok = r.w(0) == ffa::raw(Func::msg_send_direct_resp_32) && r.w(3) == 1;
    if (echo_ok && tos_ok) {
      g_cpu[cpu].answered = g_cpu[cpu].answered + 1;
    } else {
      g_cpu[cpu].wrong = g_cpu[cpu].wrong + 1;
    }
  }
}

uint16_t g_tos = 0;

int64_t psci(uint32_t fid, uint64_t a = 0, uint64_t b = 0, uint64_t c = 0) {
  return static_cast<int64_t>(call(fid, a, b, c).x[0]);
}

// The CPUs the machine has: AFFINITY_INFO answers ON, OFF or ON_PENDING
// for each, INVALID_PARAMETERS past the last (each test asks for itself:
// the one that starts them all may not run).
unsigned present_cpus() {
  unsigned n = 1;
  while (n < kMaxCpus && psci(kAffinityInfo, n, 0) >= 0) ++n;
  return n;
}
uint64_t stack_top(unsigned cpu) { return reinterpret_cast<uint64_t>(&g_stacks[cpu][8192]); }
// Waits (bounded) until every CPU in [1, n) is done.
bool wait_done(unsigned n, uint64_t seconds = 20) {
  const uint64_t t0 = arch::cntpct();
  for (;;) {
    bool all = true;
    for (unsigned c = 1; c < n; ++c) all = all && g_cpu[c].done;
    if (all) return true;
    if (arch::cntpct() - t0 > arch::cntfrq() * seconds) return false;
  }
}
}  // namespace

extern "C" char harness_secondary_entry[];

constexpr unsigned kFirstNotification = 48;  // bit 48 + CPU: echo's notification for that CPU

// Other tests' work for every CPU (smp.h), instead of the workload here.
void (*volatile g_other_work)(unsigned cpu) = nullptr;

extern "C" [[noreturn]] void harness_secondary_main() {
  const unsigned cpu = arch::cpu_index();
  if (g_other_work) {
    g_other_work(cpu);
    g_cpu[cpu].done = true;
    call(kCpuOff);  // does not return
  }
  g_cpu[cpu].rounds = g_cpu[cpu].rounds + 1;
  workload(cpu, g_tos);
  // Echo, running on this CPU, notifies the normal world; the primary
  // CPU gets it.
  ffa::Regs n;
  for (unsigned attempt = 0;; ++attempt) {  // BUSY while echo answers another CPU
    n = harness::until_answered(call(Func::msg_send_direct_req_64, 0x8001, 0, 0x4E534554, 0,
                                     1ull << (kFirstNotification + cpu), 0));
    if (harness::error_code(n) != -4 || attempt == 1000000) break;
    g_echo_busy = g_echo_busy + 1;
  }
  if (n.x[3] != ffa::raw(Func::success_32)) g_cpu[cpu].wrong = g_cpu[cpu].wrong + 1;
  g_cpu[cpu].done = true;
  call(kCpuOff);  // does not return
  for (;;) {
  }
}

TEST(smp, every_cpu_at_once_then_off_and_on_again) {
  ASSERT_TRUE(harness::discover());
  g_tos = harness::trusted_os_id();
  const uint64_t entry = reinterpret_cast<uint64_t>(harness_secondary_entry);
  // Notifications from echo, one ID per CPU, set on that CPU.
  call(Func::notification_bitmap_create, 0, 1);  // unless an earlier test did
  (void)call(Func::notification_get, 0, 1);      // start clean
  ASSERT_TRUE(ffa::is_success(call(Func::notification_bind, 0x8001u << 16, 0, 0, 0xFFu << (kFirstNotification - 32))));
  // How many CPUs: CPU_ON succeeds for each that exists.
  unsigned n = 1;
  for (unsigned c = 1; c < kMaxCpus; ++c) {
    g_cpu[c] = PerCpu{};
    const int64_t r = psci(kCpuOn, c, entry, stack_top(c));
    if (r != 0) {
      EXPECT_EQ(r, kInvalidParameters);  // no such CPU
      break;
    }
    n = c + 1;
  }
  harness::printf("# smp: {} CPU(s)\n", n);
  EXPECT_EQ(n, present_cpus());
  if (n > 1) {  // it is on, or on its way
    const int64_t again = psci(kCpuOn, 1, entry, stack_top(1));
    EXPECT_TRUE(again == kAlreadyOn || again == kOnPending);
  }
  workload(0, g_tos);  // the primary works at the same time
  ASSERT_TRUE(wait_done(n));
  uint64_t total = g_cpu[0].answered, wrong = g_cpu[0].wrong;
  for (unsigned c = 1; c < n; ++c) {
    total += g_cpu[c].answered;
    wrong += g_cpu[c].wrong;
  }
  EXPECT_EQ(total, uint64_t{n} * kRequests);  // every result accounted for
  EXPECT_EQ(wrong, 0);
  harness::printf("# smp: {} BUSY answers from echo retried\n", g_echo_busy);
  // Every secondary's notification, set on its CPU, is here on ours.
  uint64_t want_bits = 0;
  for (unsigned c = 1; c < n; ++c) want_bits |= 1ull << (kFirstNotification + c);
  const ffa::Regs got = call(Func::notification_get, 0, 1);
  EXPECT_EQ(uint64_t{got.w(2)} | uint64_t{got.w(3)} << 32, want_bits);
  // Each secondary powers off after its work: AFFINITY_INFO says OFF (1).
  for (unsigned c = 1; c < n; ++c) {
    const uint64_t t0 = arch::cntpct();
    while (psci(kAffinityInfo, c, 0) != 1 && arch::cntpct() - t0 < arch::cntfrq()) {
    }
    EXPECT_EQ(psci(kAffinityInfo, c, 0), 1);
  }
  EXPECT_EQ(psci(kAffinityInfo, 0, 0), 0);  // we are ON
  // And back: a second CPU_ON of CPU 1 runs the workload again.
  if (n > 1) {
    g_cpu[1].done = false;
    ASSERT_EQ(psci(kCpuOn, 1, entry, stack_top(1)), 0);
    ASSERT_TRUE(wait_done(2));
    EXPECT_EQ(g_cpu[1].rounds, 2);
    EXPECT_EQ(g_cpu[1].answered, 2 * kRequests);
  }
}
TEST_TOS(smp, cpu_on_refusals) {
  const uint64_t entry = reinterpret_cast<uint64_t>(harness_secondary_entry);
  EXPECT_EQ(psci(kCpuOn, 0, entry, 0), kAlreadyOn);              // ourselves
  EXPECT_EQ(psci(kCpuOn, 0x100, entry, 0), kInvalidParameters);  // another cluster
  EXPECT_EQ(psci(kCpuOn, 99, entry, 0), kInvalidParameters);     // no such CPU
  // An entry in secure memory (on a one-CPU machine CPU 1 does not exist).
  EXPECT_EQ(psci(kCpuOn, 1, 0x0E100000, 0), present_cpus() > 1 ? kInvalidAddress : kInvalidParameters);
  EXPECT_EQ(psci(kAffinityInfo, 0, 1), kInvalidParameters);      // level 1
  // CPU_OFF goes through the SPMC first (a PSCI framework message): it
  // keeps the boot CPU, where partitions' interrupts are routed. DENIED.
  EXPECT_EQ(psci(kCpuOff), -3);
  EXPECT_EQ(psci(kAffinityInfo, 0, 0), 0);  // still ON
}

// Concurrent CPU_ONs of one CPU: the other CPUs, released together, all
// ask to start the last one. PSCI lets exactly one of them succeed; the
// rest get ALREADY_ON or ON_PENDING, and the target starts once. (The
// monitor once checked the target's state and set it in two steps, so
// two CPUs could both succeed and prepare its entry twice.)
namespace {
constexpr unsigned kCpuOnRaces = 40;
constexpr int64_t kNotAsked = 1;  // no PSCI return value is positive here
volatile uint32_t g_race_ready[kMaxCpus];
volatile uint32_t g_race_go;
volatile int64_t g_race_result[kMaxCpus];
volatile uint32_t g_target_runs;
volatile unsigned g_race_target;

void race_for_cpu_on(unsigned cpu) {
  const unsigned target = g_race_target;
  if (cpu == target) {
    g_target_runs = g_target_runs + 1;  // only the target writes it
    // Stay on until every racer has its answer: once this CPU is off
    // again, a late CPU_ON rightly succeeds and starts it a second time.
    const uint64_t t0 = arch::cntpct();
    for (bool all = false; !all && arch::cntpct() - t0 < arch::cntfrq() * 5;) {
      all = true;
      for (unsigned c = 0; c < target; ++c) all = all && g_race_result[c] != kNotAsked;
    }
    return;
  }
  g_race_ready[cpu] = 1;
  const uint64_t t0 = arch::cntpct();
  while (g_race_go == 0 && arch::cntpct() - t0 < arch::cntfrq() * 5) {
  }
  g_race_result[cpu] = psci(kCpuOn, target, reinterpret_cast<uint64_t>(harness_secondary_entry), stack_top(target));
}

// Starts CPU c for g_other_work, waiting out an earlier power-off.
bool start_cpu(unsigned c) {
  const uint64_t t0 = arch::cntpct();
  int64_t r;
  while ((r = psci(kCpuOn, c, reinterpret_cast<uint64_t>(harness_secondary_entry), stack_top(c))) == kAlreadyOn ||
         r == kOnPending) {
    if (arch::cntpct() - t0 > arch::cntfrq()) break;
  }
  return r == 0;
}

// Waits (at most `seconds` for each) until CPUs [from, to) are off.
bool wait_off(unsigned from, unsigned to, uint64_t seconds = 2) {
  bool all = true;
  for (unsigned c = from; c < to; ++c) {
    const uint64_t t0 = arch::cntpct();
    while (psci(kAffinityInfo, c, 0) != 1) {
      if (arch::cntpct() - t0 > arch::cntfrq() * seconds) {
        all = false;
        break;
      }
    }
  }
  return all;
}
}  // namespace

TEST_TOS(smp, concurrent_cpu_on_of_one_cpu_succeeds_once) {
  const unsigned present = present_cpus();
  if (present < 3) {
    harness::printf("# smp: {} CPU(s); the race needs 3 (run at -smp 4)\n", present);
    return;
  }
  const unsigned n = present, target = n - 1;
  ASSERT_TRUE(wait_off(1, n));  // earlier tests' secondaries are off
  g_race_target = target;
  g_other_work = &race_for_cpu_on;
  unsigned pending = 0, already_on = 0, bad_rounds = 0;
  for (unsigned round = 0; round < kCpuOnRaces; ++round) {
    g_race_go = 0;
    for (unsigned c = 0; c < n; ++c) {
      g_race_ready[c] = 0;
      g_race_result[c] = kNotAsked;
      g_cpu[c].done = false;
    }
    const uint32_t runs_before = g_target_runs;
    bool started = true;
    for (unsigned c = 1; c < target; ++c) started = started && start_cpu(c);
    ASSERT_TRUE(started);
    // Release the racers together once all wait at the line, and race too.
    const uint64_t t0 = arch::cntpct();
    for (bool all = false; !all && arch::cntpct() - t0 < arch::cntfrq() * 5;) {
      all = true;
      for (unsigned c = 1; c < target; ++c) all = all && g_race_ready[c] != 0;
    }
    g_race_go = 1;
    g_race_result[0] = psci(kCpuOn, target, reinterpret_cast<uint64_t>(harness_secondary_entry), stack_top(target));
    ASSERT_TRUE(wait_done(n));
    ASSERT_TRUE(wait_off(1, n));
    unsigned won = 0;
    for (unsigned c = 0; c < target; ++c) {
      const int64_t r = g_race_result[c];
      if (r == 0) {
        ++won;
      } else if (r == kOnPending) {
        ++pending;
      } else if (r == kAlreadyOn) {
        ++already_on;
      } else {
        ++bad_rounds;  // any other answer is wrong
      }
    }
    if (won != 1 || g_target_runs != runs_before + 1) ++bad_rounds;
  }
  g_other_work = nullptr;
  harness::printf("# smp: {} CPU_ON races for CPU {}: {} ON_PENDING, {} ALREADY_ON answers to the losers\n",
                  kCpuOnRaces, target, pending, already_on);
  EXPECT_EQ(bad_rounds, 0u);
  EXPECT_EQ(pending + already_on, kCpuOnRaces * (target - 1));
}

// A CPU turned off in streaming mode (SME) comes back out of it, as after
// a reset: CPU 1 calls CPU_OFF with PSTATE.SM and PSTATE.ZA set; at the
// next CPU_ON (which cold-boots the SPMC there first: it must not run in
// the normal world's streaming mode either) its new entry finds SVCR
// clear. (The monitor once gave the streaming state back on the way out
// of the secure world and left it on through the CPU's power-off.)
extern "C" int64_t harness_cpu_off_streaming();
extern "C" uint64_t harness_svcr();
namespace {
volatile unsigned g_streaming_round;
volatile uint64_t g_svcr_after = ~0ull;
void off_in_streaming_mode(unsigned cpu) {
  if (cpu != 1) return;
  harness::allow_sme_here();
  if (g_streaming_round == 0) {
    g_cpu[1].done = true;
    (void)harness_cpu_off_streaming();  // does not return
  } else {
    g_svcr_after = harness_svcr();
  }
}
}  // namespace

TEST_TOS(smp, cpu_off_in_streaming_mode_comes_back_out_of_it) {
  if (!harness::has_sme() || present_cpus() < 2) {
    harness::printf("# smp: no SME or one CPU: nothing to show\n");
    return;
  }
  ASSERT_TRUE(wait_off(1, present_cpus()));
  g_streaming_round = 0;
  ASSERT_EQ(harness::run_on_every_cpu(off_in_streaming_mode), present_cpus());
  g_streaming_round = 1;
  g_svcr_after = ~0ull;
  ASSERT_EQ(harness::run_on_every_cpu(off_in_streaming_mode), present_cpus());
  EXPECT_EQ(g_svcr_after, 0);
  // The secure world still answers, on CPU 0 and (below) everywhere.
  EXPECT_TRUE(ffa::is_success(call(Func::features, ffa::raw(Func::msg_send_direct_req_32))));
}

namespace harness {
unsigned run_on_every_cpu(void (*work)(unsigned cpu)) {
  g_other_work = work;
  unsigned n = 1;
  for (unsigned c = 1; c < kMaxCpus; ++c) {
    g_cpu[c] = PerCpu{};
    if (!start_cpu(c)) break;  // no such CPU
    n = c + 1;
  }
  work(0);
  const bool finished = wait_done(n, 300);
  // Each secondary powers itself off when done: wait until it is.
  (void)wait_off(1, n, 1);
  g_other_work = nullptr;
  return finished ? n : 0;
}
}  // namespace harness
