#include "arch/aarch64/sysreg.h"
#include "nwd/harness/ffa_client.h"
#include "nwd/harness/smp.h"
#include "nwd/harness/test.h"

namespace harness {
namespace {

// One run's state, shared by CPU 0 and CPU 1 (run_on_every_cpu takes a
// plain function).
constinit StallProbe g_probe = {};
volatile uint64_t g_rounds;
volatile bool g_spin_started, g_spin_done;
volatile uint64_t g_spin_result;
volatile unsigned g_answered;
volatile bool g_answered_while_spinning;
volatile uint64_t g_micros;
// The further CPUs' discovery calls, each CPU in its own slot (no atomics
// here): it finished them, all answered, and while CPU 1 still spun.
constexpr unsigned kOtherCalls = 20, kMaxCpus = 8;
volatile bool g_other_done[kMaxCpus], g_other_answered[kMaxCpus], g_other_while_spinning[kMaxCpus];

// What each CPU wrote is seen by the others before they go on (the flags
// are plain volatile stores; run_on_every_cpu's own hand-over is no
// barrier for them).
void barrier() { __asm__ volatile("dmb ish" ::: "memory"); }

// CPUs 0, 2, 3, ...: give CPU 1 time to get its call into the secure world
// (a bounded wait for it to start, then 5 ms), so that what they do next
// happens while it spins there.
void let_cpu1_in() {
  const uint64_t t0 = arch::cntpct();
  while (!g_spin_started && arch::cntpct() - t0 < arch::cntfrq()) {
  }
  const uint64_t settle = arch::cntpct();
  while (arch::cntpct() - settle < arch::cntfrq() / 200) {  // 5 ms
  }
}

void work(unsigned cpu) {
  if (cpu == 1) {
    g_spin_started = true;
    barrier();
    g_spin_result = g_probe.spin(g_rounds);
    g_spin_done = true;
    barrier();
    return;
  }
  if (cpu >= 2) {
    if (cpu >= kMaxCpus) return;
    let_cpu1_in();
    bool all = true;
    for (unsigned i = 0; i < kOtherCalls; ++i)
      all = ffa::is_success(call(ffa::Func::partition_info_get_regs, 0, 0, 0)) && all;
    g_other_while_spinning[cpu] = !g_spin_done;
    g_other_answered[cpu] = all;
    g_other_done[cpu] = true;
    barrier();
    return;
  }
  if (cpu != 0) return;
  let_cpu1_in();
  const uint64_t start = arch::cntpct();
  const unsigned answered = g_probe.calls();
  g_micros = (arch::cntpct() - start) * 1000000 / arch::cntfrq();
  g_answered_while_spinning = !g_spin_done;
  g_answered = answered;
}

}  // namespace

bool show_no_stall(const StallProbe& probe) {
  // One CPU (the -icount benchmark run): no other CPU to stall.
  const unsigned cpus = run_on_every_cpu([](unsigned) {});
  EXPECT_TRUE(cpus >= 1);
  if (cpus < 2) {
    printf("# one CPU: nothing to show here\n");
    return true;
  }
  g_probe = probe;
  // Longer each time if the spin ended first (a slow host can start CPU 1
  // late); three tries.
  bool shown = false;
  for (unsigned attempt = 0; attempt < 3 && !shown; ++attempt) {
    g_rounds = 20000000ull << attempt;
    g_spin_started = false;
    g_spin_done = false;
    g_answered_while_spinning = false;
    g_answered = 0;
    for (unsigned c = 0; c < kMaxCpus; ++c) {
      g_other_done[c] = false;
      g_other_answered[c] = false;
      g_other_while_spinning[c] = false;
    }
    const unsigned n = run_on_every_cpu(work);
    barrier();
    EXPECT_TRUE(n >= 2);
    if (n < 2) return false;
    const unsigned others = n - 2;
    unsigned done = 0, answered = 0, while_spinning = 0;
    for (unsigned c = 2; c < n && c < kMaxCpus; ++c) {
      done += g_other_done[c] ? 1 : 0;
      answered += g_other_answered[c] ? 1 : 0;
      while_spinning += g_other_while_spinning[c] ? 1 : 0;
    }
    const StallRun run{g_rounds, g_spin_result, g_spin_done, g_answered, g_answered_while_spinning, g_micros, n,
                       done == others && answered == others, while_spinning == others};
    EXPECT_TRUE(run.others_answered);
    probe.check(run);
    if (others != 0)
      printf("# CPUs 2-{}: {} of {} made their {} discovery calls while CPU 1 spun\n", n - 1, while_spinning,
             others, kOtherCalls);
    shown = run.answered_while_spinning && run.others_while_spinning;
  }
  return shown;
}

}  // namespace harness
