// FFA_VERSION from every CPU at once, with two different inputs: the
// SPMD's version cache and the negotiated version are shared by all CPUs,
// and each CPU must get the answer for its own input (it once could get the
// answer for another CPU's input, cached under its own).
#include "nwd/harness/ffa_client.h"
#include "nwd/harness/smp.h"
#include "nwd/harness/test.h"

namespace {
constexpr unsigned kMaxCpus = 8, kRounds = 200;
struct Tally {
  volatile uint32_t wrong;
  volatile uint32_t asked;
};
Tally g_tally[kMaxCpus];

void ask_versions(unsigned cpu) {
  uint32_t wrong = 0, asked = 0;
  for (unsigned i = 0; i < kRounds; ++i) {
    // Even CPUs alternate the order, so that inputs cross on the SPMD.
    const bool v11_first = ((cpu + i) & 1) != 0;
    for (unsigned k = 0; k < 2; ++k) {
      const bool v11 = (k == 0) == v11_first;
      const uint32_t got = harness::call(ffa::Func::version, v11 ? 0x10001 : 0x10002).w(0);
      // The version is fixed by now (the harness made other calls): a
      // different input is NOT_SUPPORTED, the negotiated one answers 1.2.
      wrong += got != (v11 ? 0xFFFFFFFFu : 0x10002u);
      ++asked;
    }
    const ffa::Regs id = harness::call(ffa::Func::spm_id_get);
    wrong += id.w(0) != ffa::raw(ffa::Func::success_32) || id.w(2) != 0x8000;
  }
  g_tally[cpu].wrong = wrong;
  g_tally[cpu].asked = asked;
}
}  // namespace

TEST_TOS(smp, ffa_version_from_every_cpu_at_once) {
  ASSERT_TRUE(harness::discover());
  for (auto& t : g_tally) t = Tally{0, 0};
  const unsigned n = harness::run_on_every_cpu(&ask_versions);
  ASSERT_TRUE(n >= 1);
  uint32_t wrong = 0, asked = 0;
  for (unsigned c = 0; c < n; ++c) {
    wrong += g_tally[c].wrong;
    asked += g_tally[c].asked;
  }
  EXPECT_EQ(asked, n * kRounds * 2);
  EXPECT_EQ(wrong, 0);
}
