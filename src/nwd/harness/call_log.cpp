#include "nwd/harness/call_log.h"

#include "arch/aarch64/sysreg.h"
#include "lib/bakery_lock.h"
#include "nwd/harness/test.h"

namespace harness {
namespace {

// One bit per FF-A function ID: numbers 0x60-0xFF, SMC32 then SMC64.
constexpr unsigned kFirstNumber = 0x60, kNumbers = 0x100 - kFirstNumber;
constexpr unsigned kWords = (2 * kNumbers + 63) / 64;
constexpr unsigned kCpus = lib::BakeryLock::kSlots;  // plat::kMaxCpus
// Kept small: the image's layout moves the benchmark figures. A group past
// the last slot prints no '# calls' line, and the system test says so.
constexpr unsigned kMaxGroups = 40;

using Log = uint64_t[kWords];

// The harness runs with its MMU off (every access Device-nGnRnE, no
// caches), so what a secondary CPU writes here the primary reads as is.
// Each CPU writes only its own row: no lock needed.
constinit volatile bool g_logging = false;
constinit Log g_per_cpu[kCpus] = {};
constinit Log g_per_group[kMaxGroups] = {};
constinit const char* g_group_name[kMaxGroups] = {};  // a test's "group.name"
constinit unsigned g_groups = 0;

// The bit for an FF-A function ID, or -1 for any other x0.
int bit_of(uint64_t x0) {
  const uint64_t number = x0 & 0xFF;
  if ((x0 & ~uint64_t{0x400000FF}) != 0x84000000 || number < kFirstNumber) return -1;
  return static_cast<int>(number - kFirstNumber + ((x0 & 0x40000000) ? kNumbers : 0));
}

uint32_t id_of(unsigned bit) {
  const uint32_t smc64 = bit >= kNumbers ? 0x40000000 : 0;
  return 0x84000000 | smc64 | (kFirstNumber + bit % kNumbers);
}

// "group.name": the length of "group".
unsigned group_length(const char* name) {
  unsigned n = 0;
  while (name[n] && name[n] != '.') ++n;
  return n;
}

bool same_group(const char* a, const char* b) {
  const unsigned n = group_length(a);
  if (group_length(b) != n) return false;
  for (unsigned i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

// The test's group's slot, taken on its first test; kMaxGroups when full.
unsigned group_slot(const char* test_name) {
  unsigned g = 0;
  while (g < g_groups && !same_group(g_group_name[g], test_name)) ++g;
  if (g == g_groups && g < kMaxGroups) g_group_name[g_groups++] = test_name;
  return g;
}

void start_line(const char* name) {
  print("# calls ");
  for (unsigned i = 0, n = group_length(name); i < n; ++i) console_putc(nullptr, name[i]);
}

void print_group(const char* name, const Log& calls) {
  // At most 16 IDs a line: the console cuts lines at 256 characters.
  constexpr unsigned kPerLine = 16;
  unsigned on_line = 0;
  for (unsigned bit = 0; bit < 2 * kNumbers; ++bit) {
    if (!(calls[bit / 64] >> (bit % 64) & 1)) continue;
    if (on_line == kPerLine) {
      print("\n");
      on_line = 0;
    }
    if (on_line++ == 0) start_line(name);
    printf(" {:08x}", id_of(bit));
  }
  if (on_line == 0) start_line(name);  // a group that made no FF-A call says so too
  print("\n");
}

}  // namespace

void note_call(uint64_t x0) {
  if (!g_logging) return;
  const unsigned cpu = arch::cpu_index();
  const int bit = bit_of(x0);
  if (cpu >= kCpus || bit < 0) return;
  g_per_cpu[cpu][bit / 64] |= uint64_t{1} << (bit % 64);
}

void test_started() {
  for (Log& log : g_per_cpu)
    for (uint64_t& w : log) w = 0;
  g_logging = true;
}

void test_ended(const char* test_name) {
  g_logging = false;
  const unsigned g = group_slot(test_name);
  if (g == kMaxGroups) return;
  for (const Log& log : g_per_cpu)
    for (unsigned w = 0; w < kWords; ++w) g_per_group[g][w] |= log[w];
}

void print_calls_by_group() {
  for (unsigned g = 0; g < g_groups; ++g) print_group(g_group_name[g], g_per_group[g]);
}

}  // namespace harness
