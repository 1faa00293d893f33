// SMP: PSCI CPU_ON brings the other CPUs up through the monitor and the
// SPMC's cold boot on each; every CPU then makes direct requests to the
// echo partition and the trusted OS at the same time as the others; the
// secondaries power off with CPU_OFF and come back with a second CPU_ON.
// The hostile cases: CPU_ON twice, CPUs that do not exist, an entry point
// outside normal-world memory.
#include "arch/aarch64/sysreg.h"
#include "nwd/harness/ffa_client.h"
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
// trusted OS (OP-TEE GET_API_VERSION), interleaved.
void workload(unsigned cpu, uint16_t tos) {
  for (unsigned i = 0; i < kRequests; ++i) {
    const uint64_t tag = uint64_t{cpu} << 32 | i;
    ffa::Regs r = harness::until_answered(call(Func::msg_send_direct_req_64, 0x8001, 0, tag, ~tag));
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
unsigned g_present = 1;  // CPUs found by the first test

int64_t psci(uint32_t fid, uint64_t a = 0, uint64_t b = 0, uint64_t c = 0) {
  return static_cast<int64_t>(call(fid, a, b, c).x[0]);
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
  const ffa::Regs n = harness::until_answered(call(Func::msg_send_direct_req_64, 0x8001, 0, 0x4E534554, 0,
                                                   1ull << (kFirstNotification + cpu), 0));
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
  g_present = n;
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
TEST(smp, cpu_on_refusals) {
  const uint64_t entry = reinterpret_cast<uint64_t>(harness_secondary_entry);
  EXPECT_EQ(psci(kCpuOn, 0, entry, 0), kAlreadyOn);              // ourselves
  EXPECT_EQ(psci(kCpuOn, 0x100, entry, 0), kInvalidParameters);  // another cluster
  EXPECT_EQ(psci(kCpuOn, 99, entry, 0), kInvalidParameters);     // no such CPU
  // An entry in secure memory (on a one-CPU machine CPU 1 does not exist).
  EXPECT_EQ(psci(kCpuOn, 1, 0x0E100000, 0), g_present > 1 ? kInvalidAddress : kInvalidParameters);
  EXPECT_EQ(psci(kAffinityInfo, 0, 1), kInvalidParameters);      // level 1
  // CPU_OFF goes through the SPMC first (a PSCI framework message): it
  // keeps the boot CPU, where partitions' interrupts are routed. DENIED.
  EXPECT_EQ(psci(kCpuOff), -3);
  EXPECT_EQ(psci(kAffinityInfo, 0, 0), 0);  // still ON
}

namespace harness {
unsigned run_on_every_cpu(void (*work)(unsigned cpu)) {
  const uint64_t entry = reinterpret_cast<uint64_t>(harness_secondary_entry);
  g_other_work = work;
  unsigned n = 1;
  for (unsigned c = 1; c < kMaxCpus; ++c) {
    g_cpu[c] = PerCpu{};
    // A CPU an earlier test started may still be on its way off.
    const uint64_t t0 = arch::cntpct();
    int64_t r;
    while ((r = psci(kCpuOn, c, entry, stack_top(c))) == kAlreadyOn || r == kOnPending) {
      if (arch::cntpct() - t0 > arch::cntfrq()) break;
    }
    if (r != 0) break;
    n = c + 1;
  }
  work(0);
  const bool finished = wait_done(n, 300);
  // Each secondary powers itself off when done: wait until it is.
  for (unsigned c = 1; c < n; ++c) {
    const uint64_t t0 = arch::cntpct();
    while (psci(kAffinityInfo, c, 0) != 1 && arch::cntpct() - t0 < arch::cntfrq()) {
    }
  }
  g_other_work = nullptr;
  return finished ? n : 0;
}
}  // namespace harness
