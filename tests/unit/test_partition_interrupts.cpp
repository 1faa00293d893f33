// spmc/partition_interrupts.h: partitions' interrupts between the modelled
// controller (arch/fake) and their owners, on their own: what the
// controller lets through at each step, retriggers withdrawn once an
// interrupt is told or taken, and the deferred count the core relies on.
// (Through FF-A calls and Hafnium's HF_INTERRUPT_*, test_secure_interrupts.cpp
// and test_virtual_interrupts.cpp cover who is told of which, and when.)
#include "spmc/partition_interrupts.h"

#include <gtest/gtest.h>

#include "arch/fake/fake_placement.h"

namespace {

using spmc::ExecutionContext;
using spmc::OwnedInterrupt;
using Timer = spmc::ExecutionContext::Timer;

constexpr uint32_t kSpi = 40, kOtherSpi = 41;

class PartitionInterrupts : public ::testing::Test {
 protected:
  // The controller lets `irq` through.
  bool at_controller(const OwnedInterrupt& irq) const { return controller_.interrupt_enabled(irq.id); }
  // It arrives: acknowledged and held back, for a live owner.
  void arrive(OwnedInterrupt& irq) {
    book_.hold_back(controller_, irq);
    book_.arrived(irq);
  }

  fake::FakePlacement controller_;
  spmc::PartitionInterrupts book_;
  ExecutionContext context_, other_context_;
};

TEST_F(PartitionInterrupts, TheControllerLetsItThroughOnlyWhileUnmasked) {
  OwnedInterrupt irq(kSpi);
  EXPECT_FALSE(at_controller(irq));  // until its owner enables it
  book_.enable(controller_, irq, true, false);
  EXPECT_TRUE(at_controller(irq));
  arrive(irq);
  EXPECT_FALSE(at_controller(irq));  // a level still up must not come again
  book_.signal(controller_, irq, context_);
  book_.take(controller_, irq);
  EXPECT_TRUE(irq.active());
  EXPECT_FALSE(at_controller(irq));  // nor while the handler deals with it
  ASSERT_TRUE(book_.deactivate(controller_, irq));
  EXPECT_TRUE(at_controller(irq));
  EXPECT_FALSE(book_.deactivate(controller_, irq));  // once
  // Disabled by its owner while active: it stays off when deactivated.
  arrive(irq);
  book_.take(controller_, irq);
  book_.enable(controller_, irq, false, false);
  ASSERT_TRUE(book_.deactivate(controller_, irq));
  EXPECT_FALSE(at_controller(irq));
  // Enabled while pending: still held back until its handler is done.
  arrive(irq);
  book_.enable(controller_, irq, true, true);
  EXPECT_FALSE(at_controller(irq));
  EXPECT_TRUE(irq.fiq());
}

TEST_F(PartitionInterrupts, DeferredCountsWhatWaitsToBeTold) {
  OwnedInterrupt a(kSpi), b(kOtherSpi);
  book_.enable(controller_, a, true, false);
  book_.enable(controller_, b, true, false);
  arrive(a);
  EXPECT_EQ(book_.deferred(), 1u);
  arrive(a);  // again before it was told: one interrupt to tell
  EXPECT_EQ(book_.deferred(), 1u);
  arrive(b);
  EXPECT_EQ(book_.deferred(), 2u);
  book_.signal(controller_, a, context_);
  EXPECT_EQ(book_.deferred(), 1u);
  EXPECT_EQ(a.signalled_to(), &context_);
  book_.signal(controller_, a, other_context_);  // told already: nothing changes
  EXPECT_EQ(a.signalled_to(), &context_);
  EXPECT_EQ(book_.deferred(), 1u);
  // Arriving anew after it was told: it is to be told again.
  arrive(a);
  EXPECT_FALSE(a.signalled());
  EXPECT_EQ(book_.deferred(), 2u);
  // Taken without being told (HF_INTERRUPT_GET from another request).
  book_.take(controller_, b);
  EXPECT_EQ(book_.deferred(), 1u);
  book_.take(controller_, b);  // nothing pending: nothing changes
  EXPECT_EQ(book_.deferred(), 1u);
  // Told to a context that leaves it untaken: deferred again, once.
  book_.signal(controller_, a, context_);
  EXPECT_FALSE(book_.defer(a, other_context_));  // not told to that one
  EXPECT_TRUE(book_.defer(a, context_));
  EXPECT_FALSE(book_.defer(a, context_));
  EXPECT_EQ(book_.deferred(), 1u);
  book_.take(controller_, a);
  EXPECT_EQ(book_.deferred(), 0u);
}

TEST_F(PartitionInterrupts, ARetriggerIsWithdrawnOnceTheInterruptIsToldOrTaken) {
  OwnedInterrupt irq(kSpi);
  book_.enable(controller_, irq, true, false);
  arrive(irq);
  ASSERT_TRUE(book_.retrigger(controller_, irq));
  EXPECT_TRUE(irq.retriggered());
  EXPECT_TRUE(controller_.interrupt_pending(kSpi));
  EXPECT_TRUE(at_controller(irq));  // it may arrive again
  // Told before the controller brought it back: it must not arrive twice.
  book_.signal(controller_, irq, context_);
  EXPECT_FALSE(irq.retriggered());
  EXPECT_FALSE(controller_.interrupt_pending(kSpi));
  EXPECT_FALSE(at_controller(irq));
  EXPECT_FALSE(book_.retrigger(controller_, irq));  // told: nothing to retrigger
  // Taken while retriggered: withdrawn too.
  ASSERT_TRUE(book_.defer(irq, context_));
  ASSERT_TRUE(book_.retrigger(controller_, irq));
  book_.take(controller_, irq);
  EXPECT_FALSE(controller_.interrupt_pending(kSpi));
  EXPECT_FALSE(at_controller(irq));
  // The retriggered one arriving: no longer outstanding.
  ASSERT_TRUE(book_.deactivate(controller_, irq));
  arrive(irq);
  ASSERT_TRUE(book_.retrigger(controller_, irq));
  arrive(irq);
  EXPECT_FALSE(irq.retriggered());
  EXPECT_EQ(book_.deferred(), 1u);
}

TEST_F(PartitionInterrupts, ADisabledInterruptIsNotRetriggered) {
  OwnedInterrupt irq(kSpi);
  book_.enable(controller_, irq, true, false);
  arrive(irq);
  book_.enable(controller_, irq, false, false);
  EXPECT_FALSE(book_.retrigger(controller_, irq));
  EXPECT_EQ(controller_.retriggered(), 0u);
  EXPECT_EQ(book_.deferred(), 1u);  // it waits, pending, until enabled
  book_.enable(controller_, irq, true, false);
  EXPECT_TRUE(book_.retrigger(controller_, irq));
}

TEST_F(PartitionInterrupts, AStoppedOwnersInterruptIsHeldBackForGood) {
  OwnedInterrupt irq(kSpi), active(kOtherSpi);
  book_.enable(controller_, irq, true, true);
  book_.enable(controller_, active, true, false);
  arrive(irq);
  ASSERT_TRUE(book_.retrigger(controller_, irq));
  arrive(active);
  book_.take(controller_, active);
  EXPECT_EQ(book_.deferred(), 1u);
  book_.forget(controller_, irq);
  book_.forget(controller_, active);
  EXPECT_EQ(book_.deferred(), 0u);
  for (const OwnedInterrupt* i : {&irq, &active}) {
    EXPECT_FALSE(i->enabled() || i->pending() || i->active() || i->retriggered() || i->fiq() || i->signalled());
    EXPECT_FALSE(at_controller(*i));
  }
  EXPECT_EQ(irq.id, kSpi);
  EXPECT_FALSE(book_.deactivate(controller_, active));
}

TEST_F(PartitionInterrupts, PendingTimersAreCountedAmongTheDeferred) {
  book_.set_timer(context_, Timer::pending);
  book_.set_timer(other_context_, Timer::pending);
  EXPECT_EQ(book_.pending_timers(), 2u);
  EXPECT_EQ(book_.deferred(), 2u);
  book_.set_timer(context_, Timer::pending);  // no change, no count
  EXPECT_EQ(book_.pending_timers(), 2u);
  book_.set_timer(context_, Timer::raised);  // told on its line
  EXPECT_EQ(book_.pending_timers(), 1u);
  book_.set_timer(context_, Timer::signalled);
  EXPECT_EQ(book_.deferred(), 1u);
  ASSERT_TRUE(book_.take_timer(context_));
  EXPECT_EQ(context_.timer(), Timer::none);
  EXPECT_TRUE(context_.timer_active());
  EXPECT_FALSE(book_.take_timer(context_));  // nothing more to take
  ASSERT_TRUE(book_.deactivate_timer(context_));
  EXPECT_FALSE(book_.deactivate_timer(context_));
  // Taken while pending: no longer counted.
  ASSERT_TRUE(book_.take_timer(other_context_));
  EXPECT_EQ(book_.pending_timers(), 0u);
  EXPECT_EQ(book_.deferred(), 0u);
  // Dropped (its context stops): forgotten whatever it was.
  book_.set_timer(context_, Timer::pending);
  book_.drop_timer(context_);
  book_.drop_timer(other_context_);
  EXPECT_EQ(book_.deferred(), 0u);
  EXPECT_FALSE(other_context_.timer_active());
  EXPECT_EQ(context_.timer(), Timer::none);
}

}  // namespace
