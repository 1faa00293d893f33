// sel1/sp_context.h: the PSTATE an S-EL0 context (a partition, a Trusted
// Application) is entered with after it was interrupted.
#include "sel1/sp_context.h"

#include <gtest/gtest.h>

namespace {

TEST(SpContext, ReentryKeepsTheConditionFlagsAndTakesTheMasksGiven) {
  // Left S-EL0 with N and C set, F masked, EL0t: back with the same
  // flags, F unmasked, I masked as asked.
  const uint64_t saved = (0x8ull << 28) | (0x2ull << 28) | (1u << 6);
  EXPECT_EQ(sel1::el0_spsr(saved, 1u << 7), (0xAull << 28) | (1u << 7));
  // Nothing else of what it left with comes back: not the exception
  // level (M[3:0]), not the masks, not other bits.
  EXPECT_EQ(sel1::el0_spsr(0x5u | (1u << 9) | (1u << 21), 0), 0u);
  // A first entry (a zeroed context) has no flags set.
  EXPECT_EQ(sel1::el0_spsr(0, 1u << 6), 1u << 6);
}

}  // namespace
