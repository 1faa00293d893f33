// After other FF-A calls the negotiated version is fixed (these run last).
#include "nwd/harness/ffa_client.h"
#include "nwd/harness/test.h"

TEST_ANY_SPMC(version, fixed_after_other_calls) {
  EXPECT_EQ(harness::call(ffa::Func::version, 0x10000).w(0), 0xFFFFFFFF);
  EXPECT_EQ(harness::call(ffa::Func::version, 0x10001).w(0), 0xFFFFFFFF);
  EXPECT_EQ(harness::call(ffa::Func::version, 0x10002).w(0), 0x10002);
}
