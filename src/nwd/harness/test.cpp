#include "nwd/harness/test.h"

#include "arch/aarch64/sysreg.h"
#include "lib/bakery_lock.h"
#include "nwd/harness/call_log.h"
#include "plat/qemu_virt/memory_map.h"
#include "plat/qemu_virt/pl011.h"

extern "C" const harness::TestCase __tests_start[], __tests_end[];

namespace harness {
namespace {
constexpr plat::Pl011 kUart(plat::kUart0Base);
unsigned g_failures_in_test = 0;

// The console: each CPU gathers its characters into its own line buffer
// and writes a line to the UART whole, under a lock, so that secondaries'
// lines never mix with the primary's. The harness runs with its MMU off
// (every access Device-nGnRnE), where exclusives need not work: the lock
// is lib::BakeryLock, which needs only plain loads, stores and barriers.
// A line longer than the buffer goes out in pieces, each a line of its own.
constexpr unsigned kLineMax = 256;
struct LineBuffer {
  char text[kLineMax];
  unsigned len;
};
constinit LineBuffer g_lines[lib::BakeryLock::kSlots] = {};
constinit lib::BakeryLock g_console_lock;

void flush_line(LineBuffer& line, unsigned cpu) {
  // Interrupts masked while the lock is held: a handler that printed on
  // this CPU would find the lock taken by its own CPU.
  const uint64_t daif = TESSERA_SYSREG_READ(daif);
  __asm__ volatile("msr daifset, #3" ::: "memory");
  const bool taken = lib::BakeryLock::must_release(g_console_lock.acquire(cpu));
  kUart.write(line.text, line.len);
  if (taken) g_console_lock.release(cpu);
  TESSERA_SYSREG_WRITE(daif, daif);
  line.len = 0;
}
}  // namespace

void console_putc(void*, char c) {
  const unsigned cpu = arch::cpu_index();
  if (cpu >= lib::BakeryLock::kSlots) {  // no buffer of its own: as it comes
    if (c == '\n') kUart.putc('\r');
    kUart.putc(c);
    return;
  }
  LineBuffer& line = g_lines[cpu];
  if (c == '\n') {
    line.text[line.len++] = '\r';
    line.text[line.len++] = '\n';
    flush_line(line, cpu);
    return;
  }
  line.text[line.len++] = c;
  if (line.len == kLineMax - 2) {  // full: this piece ends a line
    line.text[line.len++] = '\r';
    line.text[line.len++] = '\n';
    flush_line(line, cpu);
  }
}

void print(const char* s) {
  while (*s) console_putc(nullptr, *s++);
}

bool check_failed(const char* file, int line, const char* expr, uint64_t got, uint64_t want) {
  ++g_failures_in_test;
  printf("# {}:{}: expected {}: got {:x}, want {:x}\n", file, line, expr, got, want);
  return false;
}

namespace {
// The linker keeps files in link order but may lay out one file's tests in
// any order; put each file's tests back in source order.
constexpr unsigned kMaxTests = 512;
const TestCase* g_order[kMaxTests];

unsigned collect_in_source_order() {
  unsigned n = 0;
  for (const TestCase* t = __tests_start; t < __tests_end && n < kMaxTests; ++t) g_order[n++] = t;
  for (unsigned i = 1; i < n; ++i) {
    const TestCase* t = g_order[i];
    unsigned j = i;
    while (j > 0 && g_order[j - 1]->file == t->file && g_order[j - 1]->line > t->line) {
      g_order[j] = g_order[j - 1];
      --j;
    }
    g_order[j] = t;
  }
  return n;
}

}  // namespace

[[gnu::weak]] bool has(Needs) { return true; }

const char* skip_reason(Needs needs) {
  switch (needs) {
    case Needs::nothing: return "";
    case Needs::suite_endpoints: return "needs the trusted OS and the S-EL0 partitions (not found)";
    case Needs::sel1_c_partitions: return "needs the S-EL1 partitions mp-c, up-c to up-c6 and irq-c (not found)";
    case Needs::mp_c: return "needs the S-EL1 partition mp-c (not found)";
    case Needs::trusted_os: return "needs the trusted OS (not found)";
    case Needs::sel0_echo: return "needs the S-EL0 partition echo (not found)";
  }
  return "?";
}

unsigned run_all_tests() {
  const unsigned total = collect_in_source_order();
  unsigned passed = 0, failed = 0, skipped = 0;
  // Whether each kind of need is met: asked at the first test that needs
  // it (after the version tests, so that discovery speaks the version
  // they settled on).
  constexpr unsigned kKinds = 6;
  static_assert(static_cast<unsigned>(Needs::sel0_echo) == kKinds - 1, "a Needs kind without a slot in met[]");
  int8_t met[kKinds] = {-1, -1, -1, -1, -1, -1};
  printf("TAP version 13\n1..{}\n", total);
  for (unsigned i = 0; i < total; ++i) {
    const Needs needs = g_order[i]->needs;
    const unsigned kind = static_cast<unsigned>(needs);
    if (needs != Needs::nothing && kind < kKinds) {
      if (met[kind] < 0) met[kind] = has(needs) ? 1 : 0;
      if (!met[kind]) {
        ++skipped;
        printf("ok {} - {} # SKIP {}\n", i + 1, g_order[i]->name, skip_reason(needs));
        continue;
      }
    }
    g_failures_in_test = 0;
    test_started();
    g_order[i]->fn();
    test_ended(g_order[i]->name);
    if (g_failures_in_test == 0) {
      ++passed;
      printf("ok {} - {}\n", i + 1, g_order[i]->name);
    } else {
      ++failed;
      printf("not ok {} - {}\n", i + 1, g_order[i]->name);
    }
  }
  print_calls_by_group();
  if (skipped) printf("# {} skipped\n", skipped);
  printf("{} passed, {} failed\n", passed, failed);
  return failed;
}

}  // namespace harness
