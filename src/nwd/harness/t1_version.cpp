// FFA_VERSION before any other FF-A call (these tests run first).
#include "nwd/harness/ffa_client.h"
#include "nwd/harness/test.h"

using ffa::Func;

namespace {
constexpr uint32_t kNotSupported = 0xFFFFFFFF;
}

TEST(version, answers_spmc_version_for_v1_0) { EXPECT_EQ(harness::call(Func::version, 0x10000).w(0), 0x10002); }
TEST(version, renegotiates_before_other_calls) {
  EXPECT_EQ(harness::call(Func::version, 0x10001).w(0), 0x10002);
  EXPECT_EQ(harness::call(Func::version, 0x10002).w(0), 0x10002);
}
TEST(version, higher_minor_gets_ours) { EXPECT_EQ(harness::call(Func::version, 0x10007).w(0), 0x10002); }
TEST(version, bit31_set_is_not_supported) { EXPECT_EQ(harness::call(Func::version, 0x80010002).w(0), kNotSupported); }
TEST(version, other_major_is_not_supported) {
  EXPECT_EQ(harness::call(Func::version, 0x20000).w(0), kNotSupported);
  EXPECT_EQ(harness::call(Func::version, 0x0).w(0), kNotSupported);
}
TEST(version, settle_on_1_2) { EXPECT_EQ(harness::call(Func::version, 0x10002).w(0), 0x10002); }
