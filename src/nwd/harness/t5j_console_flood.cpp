// A normal world that floods the secure console: from every CPU at once it
// offers FFA_MEM_SHARE a descriptor buffer at its own TX page, which the
// SPMC has mapped since FFA_RXTX_MAP, again and again. Each offer is
// refused; the trusted OS's warning about the page ("cannot map NS pages")
// is rate limited, so these 200 offers leave a handful of lines, not 200
// (tests/system/check_console_lines.py counts them on the secure UART), and
// while the flood goes on the secondaries' own lines stay whole.
#include "nwd/harness/ffa_client.h"
#include "nwd/harness/smp.h"
#include "nwd/harness/test.h"

namespace {
constexpr unsigned kMaxCpus = 8, kOffers = 50;
constexpr int32_t kInvalidParameters = -2;
struct Tally {
  volatile uint32_t refused;
  volatile uint32_t wrong;
};
Tally g_tally[kMaxCpus];

void offer_mapped_page(unsigned cpu) {
  uint32_t refused = 0, wrong = 0;
  for (unsigned i = 0; i < kOffers; ++i) {
    // total = fragment = 64 bytes, in a buffer of one page at TX.
    const ffa::Regs r = harness::call(ffa::Func::mem_share_64, 64, 64, harness::tx_pa(), 1);
    if (harness::error_code(r) == kInvalidParameters) {
      ++refused;
    } else {
      ++wrong;
    }
  }
  g_tally[cpu].refused = refused;
  g_tally[cpu].wrong = wrong;
}
}  // namespace

TEST_ANY_SPMC(console, already_mapped_buffer_offered_from_every_cpu) {
  ASSERT_TRUE(harness::ensure_rxtx_mapped());
  for (auto& t : g_tally) t = Tally{0, 0};
  const unsigned n = harness::run_on_every_cpu(&offer_mapped_page);
  ASSERT_TRUE(n >= 1);
  uint32_t refused = 0, wrong = 0;
  for (unsigned c = 0; c < n; ++c) {
    refused += g_tally[c].refused;
    wrong += g_tally[c].wrong;
  }
  EXPECT_EQ(refused, n * kOffers);
  EXPECT_EQ(wrong, 0);
}
