#include "nwd/harness/test.h"

#include "plat/qemu_virt/memory_map.h"
#include "plat/qemu_virt/pl011.h"

extern "C" const harness::TestCase __tests_start[], __tests_end[];

namespace harness {
namespace {
constexpr plat::Pl011 kUart(plat::kUart0Base);
unsigned g_failures_in_test = 0;
}  // namespace

void console_putc(void*, char c) {
  if (c == '\n') kUart.putc('\r');
  kUart.putc(c);
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

unsigned run_all_tests() {
  const unsigned total = collect_in_source_order();
  unsigned passed = 0, failed = 0;
  printf("TAP version 13\n1..{}\n", total);
  for (unsigned i = 0; i < total; ++i) {
    g_failures_in_test = 0;
    g_order[i]->fn();
    if (g_failures_in_test == 0) {
      ++passed;
      printf("ok {} - {}\n", i + 1, g_order[i]->name);
    } else {
      ++failed;
      printf("not ok {} - {}\n", i + 1, g_order[i]->name);
    }
  }
  printf("{} passed, {} failed\n", passed, failed);
  return failed;
}

}  // namespace harness
