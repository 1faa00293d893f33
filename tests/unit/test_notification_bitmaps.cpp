// spmc/notification_bitmaps.h: one receiver's notification bitmaps on
// their own: binding, setting, getting and their refusals. (Through FF-A
// calls, test_notifications.cpp covers who may call what on whose.)
#include "spmc/notification_bitmaps.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace {

using ffa::Error;
using spmc::NotificationBitmaps;

const ffa::EndpointId kVm{0}, kSp{0x8001}, kOther{0x8002};

NotificationBitmaps two_vcpus() {
  NotificationBitmaps b;
  b.created = true;
  b.vcpu_count = 2;
  return b;
}
using test::err;

TEST(NotificationBitmaps, EachIdHasOneSender) {
  NotificationBitmaps b = two_vcpus();
  ASSERT_TRUE(b.bind(0b0110, kSp, false));
  EXPECT_EQ(err(b.bind(0b0100, kOther, false)), Error::denied);  // bound already, to anyone
  EXPECT_EQ(err(b.bind(0b1100, kSp, false)), Error::denied);     // one of them is
  EXPECT_EQ(b.bound, 0b0110u);                                   // nothing changed
  EXPECT_EQ(b.sender[1], kSp);
  EXPECT_EQ(err(b.unbind(0b0010, kOther)), Error::denied);  // another sender's
  EXPECT_EQ(err(b.unbind(0b1000, kSp)), Error::denied);     // not bound
  ASSERT_TRUE(b.unbind(0b0010, kSp));
  EXPECT_EQ(b.bound, 0b0100u);
  EXPECT_TRUE(b.bind(0b0010, kOther, false));  // free again
}

TEST(NotificationBitmaps, SetNeedsTheBindingItNames) {
  NotificationBitmaps b = two_vcpus();
  ASSERT_TRUE(b.bind(1u << 0, kSp, false));
  ASSERT_TRUE(b.bind(1u << 1, kSp, true));  // per vCPU
  EXPECT_EQ(err(b.set(1u << 2, kSp, true, false, 0)), Error::denied);              // not bound
  EXPECT_EQ(err(b.set(1u << 0, kOther, true, false, 0)), Error::denied);           // another sender
  EXPECT_EQ(err(b.set(1u << 0, kSp, true, true, 0)), Error::invalid_parameters);   // global, set per vCPU
  EXPECT_EQ(err(b.set(1u << 1, kSp, true, false, 0)), Error::invalid_parameters);  // per vCPU, set globally
  EXPECT_EQ(err(b.set(1u << 1, kSp, true, true, 2)), Error::invalid_parameters);   // no vCPU 2
  EXPECT_FALSE(b.any_pending());  // nothing changed by a refusal
  ASSERT_TRUE(b.set(1u << 0, kSp, true, false, 0));
  ASSERT_TRUE(b.set(1u << 1, kSp, true, true, 1));
  EXPECT_TRUE(b.global_pending());
  EXPECT_FALSE(b.vcpu_pending(0));
  EXPECT_TRUE(b.vcpu_pending(1));
  EXPECT_EQ(b.pending_ids(), 0b11u);
}

TEST(NotificationBitmaps, GetTakesWhatWasAskedForAndClearsIt) {
  NotificationBitmaps b = two_vcpus();
  ASSERT_TRUE(b.bind(1u << 3, kSp, false));
  ASSERT_TRUE(b.bind(1u << 4, kVm, false));
  ASSERT_TRUE(b.bind(1u << 5, kSp, true));
  ASSERT_TRUE(b.set(1u << 3, kSp, true, false, 0));
  ASSERT_TRUE(b.set(1u << 4, kVm, false, false, 0));
  ASSERT_TRUE(b.set(1u << 5, kSp, true, true, 1));
  b.framework = 1;
  // Partitions' only, on vCPU 0: the global one; vCPU 1's stays.
  NotificationBitmaps::Got g = b.get(0, true, false, false);
  EXPECT_EQ(g.from_sp, 1u << 3);
  EXPECT_EQ(g.from_vm, 0u);
  EXPECT_EQ(g.framework, 0u);
  EXPECT_TRUE(b.vcpu_pending(1));
  g = b.get(1, true, true, true);
  EXPECT_EQ(g.from_sp, 1u << 5);
  EXPECT_EQ(g.from_vm, 1u << 4);
  EXPECT_EQ(g.framework, 1u);
  EXPECT_FALSE(b.any_pending());
  g = b.get(1, true, true, true);  // nothing twice
  EXPECT_EQ(g.from_sp | g.from_vm | g.framework, 0u);
}

TEST(NotificationBitmaps, APendingIdIsNotUnboundAndASetIsReportedAnew) {
  NotificationBitmaps b = two_vcpus();
  ASSERT_TRUE(b.bind(1u << 7, kSp, false));
  ASSERT_TRUE(b.bind(1u << 8, kSp, true));
  ASSERT_TRUE(b.set(1u << 7, kSp, true, false, 0));
  EXPECT_EQ(err(b.unbind(1u << 7, kSp)), Error::denied);  // the receiver gets it first
  b.global_reported = true;
  b.vcpus_reported = 0b11;
  ASSERT_TRUE(b.set(1u << 7, kSp, true, false, 0));
  EXPECT_FALSE(b.global_reported);
  ASSERT_TRUE(b.set(1u << 8, kSp, true, true, 1));
  EXPECT_EQ(b.vcpus_reported, 0b01u);
  (void)b.get(0, true, true, true);
  (void)b.get(1, true, true, true);
  EXPECT_TRUE(b.unbind(1u << 7, kSp));
}

}  // namespace
