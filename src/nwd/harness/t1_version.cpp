// FFA_VERSION before any other FF-A call (these tests run first).
#include "nwd/harness/ffa_client.h"
#include "nwd/harness/test.h"

using ffa::Func;

namespace {
constexpr uint32_t kNotSupported = 0xFFFFFFFF;
}

TEST_ANY_SPMC(version, answers_spmc_version_for_v1_0) { EXPECT_EQ(harness::call(Func::version, 0x10000).w(0), 0x10002); }
TEST_ANY_SPMC(version, renegotiates_before_other_calls) {
  EXPECT_EQ(harness::call(Func::version, 0x10001).w(0), 0x10002);
  EXPECT_EQ(harness::call(Func::version, 0x10002).w(0), 0x10002);
}
TEST_ANY_SPMC(version, higher_minor_gets_ours) { EXPECT_EQ(harness::call(Func::version, 0x10007).w(0), 0x10002); }
TEST_ANY_SPMC(version, bit31_set_is_not_supported) { EXPECT_EQ(harness::call(Func::version, 0x80010002).w(0), kNotSupported); }
TEST_ANY_SPMC(version, other_major_is_not_supported) {
  EXPECT_EQ(harness::call(Func::version, 0x20000).w(0), kNotSupported);
  EXPECT_EQ(harness::call(Func::version, 0x0).w(0), kNotSupported);
}
TEST_ANY_SPMC(version, settle_on_1_2) { EXPECT_EQ(harness::call(Func::version, 0x10002).w(0), 0x10002); }
// Every answer register FFA_VERSION does not define is zero (MBZ): the
// input must not come back in w1, whoever answers (the SPMD's assembly
// fast path for a repeated input, its C++ path for a new one or a
// refusal). x8-x17 are the caller's, preserved.
namespace {
uint32_t nonzero_result_regs(uint32_t input) {
  const ffa::Regs r = harness::call(Func::version, input, 0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666);
  uint32_t bad = 0;
  for (unsigned i = 1; i < 8; ++i) bad |= (r.x[i] != 0) << i;
  return bad;
}
}  // namespace
TEST_ANY_SPMC(version, answer_registers_other_than_w0_are_zero) {
  EXPECT_EQ(nonzero_result_regs(0x10002), 0);      // new input: C++ path, the SPMC asked
  EXPECT_EQ(nonzero_result_regs(0x10002), 0);      // the same again: the fast path
  EXPECT_EQ(nonzero_result_regs(0x80010002), 0);   // refused: bit 31
  EXPECT_EQ(nonzero_result_regs(0x20000), 0);      // refused by the SPMC: other major
  EXPECT_EQ(harness::call(Func::version, 0x10002).w(0), 0x10002);  // and settle on v1.2 again
}
