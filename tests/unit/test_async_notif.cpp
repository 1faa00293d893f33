// optee/async_notif.h: OP-TEE's asynchronous notifications, ABI-neutral:
// who may enable, stop and ask for a bottom half, what a request does
// before and after enabling, and the SMC ABI's posted value.
#include "optee/async_notif.h"

#include <gtest/gtest.h>

#include <vector>

namespace {

constexpr uint32_t kBadParameters = 0xFFFF0006, kBadState = 0xFFFF0007, kAccessDenied = 0xFFFF0001,
                   kBusy = 0xFFFF000D;

struct RecordingSignal final : optee::AsyncNotif::Signal {
  struct Raised {
    uint16_t owner;
    uint32_t value;
  };
  std::vector<Raised> raised;
  bool deliverable = true;
  bool raise(uint16_t owner, uint32_t value) override {
    raised.push_back({owner, value});
    return deliverable;
  }
};

int g_runs = 0;
void count_run(void* context) {
  ++g_runs;
  ++*static_cast<int*>(context);
}

class AsyncNotifTest : public ::testing::Test {
 protected:
  RecordingSignal signal_;
  optee::AsyncNotif async_{signal_};
  int driver_runs_ = 0;
  void SetUp() override {
    g_runs = 0;
    ASSERT_TRUE(async_.add_driver(&count_run, &driver_runs_));
  }
};

TEST_F(AsyncNotifTest, EnableSignalsAFirstBottomHalfToTheOwner) {
  EXPECT_FALSE(async_.enabled());
  EXPECT_EQ(async_.enable(3, 40), 0u);
  EXPECT_TRUE(async_.enabled());
  EXPECT_EQ(async_.owner(), 3);
  EXPECT_EQ(async_.value(), 40u);
  ASSERT_EQ(signal_.raised.size(), 1u);
  EXPECT_EQ(signal_.raised[0].owner, 3);
  EXPECT_EQ(signal_.raised[0].value, 40u);
  EXPECT_TRUE(async_.owed());
  EXPECT_EQ(async_.do_bottom_half(3), 0u);
  EXPECT_EQ(driver_runs_, 1);
  EXPECT_FALSE(async_.owed());
  EXPECT_EQ(async_.bottom_halves(), 1u);
}

TEST_F(AsyncNotifTest, ValuesFromSixtyFourAndTheNobodyIdAreBadParameters) {
  EXPECT_EQ(async_.enable(0, 64), kBadParameters);
  EXPECT_EQ(async_.enable(0, 0xFFFFFFFF), kBadParameters);
  EXPECT_EQ(async_.enable(optee::AsyncNotif::kNobody, 1), kBadParameters);
  EXPECT_FALSE(async_.enabled());
  EXPECT_TRUE(signal_.raised.empty());
  EXPECT_EQ(async_.enable(0, 63), 0u);
}

TEST_F(AsyncNotifTest, AnUndeliverableFirstRequestLeavesThemOff) {
  signal_.deliverable = false;
  EXPECT_EQ(async_.enable(0, 5), kBadParameters);
  EXPECT_FALSE(async_.enabled());
  uint32_t v;
  EXPECT_FALSE(async_.take_value(v));
  // Bound now: enabling works, and what was owed is still owed.
  signal_.deliverable = true;
  EXPECT_EQ(async_.enable(0, 5), 0u);
  EXPECT_TRUE(async_.owed());
}

TEST_F(AsyncNotifTest, AnotherEndpointIsBusyUntilTheOwnerStops) {
  ASSERT_EQ(async_.enable(1, 2), 0u);
  EXPECT_EQ(async_.enable(2, 2), kBusy);
  EXPECT_EQ(async_.stop(2), kAccessDenied);
  EXPECT_EQ(async_.do_bottom_half(2), kAccessDenied);
  EXPECT_EQ(driver_runs_, 0);
  EXPECT_EQ(async_.enable(1, 9), 0u);  // the owner again: a new value
  EXPECT_EQ(async_.value(), 9u);
  EXPECT_EQ(async_.stop(1), 0u);
  EXPECT_EQ(async_.stop(1), 0u);  // twice: harmless
  EXPECT_EQ(async_.do_bottom_half(1), kBadState);
  EXPECT_EQ(async_.enable(2, 2), 0u);
  EXPECT_EQ(async_.owner(), 2);
}

TEST_F(AsyncNotifTest, RequestsBeforeEnablingAreKeptAndAfterAreSignalled) {
  EXPECT_TRUE(async_.request());
  EXPECT_TRUE(signal_.raised.empty());  // nobody to tell
  EXPECT_TRUE(async_.owed());
  ASSERT_EQ(async_.enable(0, 1), 0u);
  ASSERT_EQ(async_.do_bottom_half(0), 0u);
  EXPECT_TRUE(async_.request());
  EXPECT_EQ(signal_.raised.size(), 2u);
  signal_.deliverable = false;
  EXPECT_FALSE(async_.request());  // unbound since: the caller logs it
  EXPECT_TRUE(async_.owed());
}

TEST_F(AsyncNotifTest, TheSmcValueIsPostedOncePerRequest) {
  uint32_t v = 7;
  EXPECT_FALSE(async_.take_value(v));
  ASSERT_EQ(async_.enable(0, 0), 0u);
  EXPECT_TRUE(async_.take_value(v));
  EXPECT_EQ(v, 0u);  // OPTEE_SMC_ASYNC_NOTIF_VALUE_DO_BOTTOM_HALF
  EXPECT_FALSE(async_.take_value(v));
  async_.request();
  async_.request();
  EXPECT_TRUE(async_.take_value(v));  // two requests, one value: one bottom half covers both
  EXPECT_FALSE(async_.take_value(v));
  async_.request();
  ASSERT_EQ(async_.stop(0), 0u);
  EXPECT_FALSE(async_.take_value(v));  // stopped: nothing handed out
}

TEST_F(AsyncNotifTest, AtMostFourDrivers) {
  int n = 0;
  EXPECT_TRUE(async_.add_driver(&count_run, &n));
  EXPECT_TRUE(async_.add_driver(&count_run, &n));
  EXPECT_TRUE(async_.add_driver(&count_run, &n));
  EXPECT_FALSE(async_.add_driver(&count_run, &n));
  EXPECT_FALSE(async_.add_driver(nullptr, &n));
  ASSERT_EQ(async_.enable(0, 0), 0u);
  ASSERT_EQ(async_.do_bottom_half(0), 0u);
  EXPECT_EQ(n, 3);
  EXPECT_EQ(g_runs, 4);
}

}  // namespace
