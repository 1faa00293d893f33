// spmc/execution_context.h: one execution context's life on its own (FF-A
// v1.2 section 5.4): which transitions each state allows, what a refused
// one leaves, and what a context remembers across them. (Through FF-A
// calls, with MP partitions on several CPUs, test_execution_contexts.cpp
// covers which context a call concerns.)
#include "spmc/execution_context.h"

#include <gtest/gtest.h>


namespace {

using ffa::Error;
using ffa::Func;
using ffa::raw;
using spmc::ExecutionContext;
using spmc::PartitionState;

const ffa::EndpointId kNwd{0}, kSp{0x8002}, kSpmc{0x8000};
constexpr uint32_t kReq = raw(Func::msg_send_direct_req_64);

ExecutionContext waiting() {
  ExecutionContext c;
  EXPECT_TRUE(c.start_boot());
  EXPECT_TRUE(c.booted());
  return c;
}

TEST(ExecutionContext, BootsOnceThenWaits) {
  ExecutionContext c;
  EXPECT_EQ(c.state(), PartitionState::created);
  EXPECT_FALSE(c.take(kNwd, kReq));
  EXPECT_EQ(c.refusal(), Error::busy);  // not started: no work yet
  EXPECT_FALSE(c.booted());  // it has not booted
  ASSERT_TRUE(c.start_boot());
  EXPECT_TRUE(c.booting());
  EXPECT_FALSE(c.start_boot());  // once
  EXPECT_FALSE(c.done());        // booting is not work someone waits for
  EXPECT_FALSE(c.preempt(false));
  ASSERT_TRUE(c.booted());
  EXPECT_TRUE(c.waiting());
  EXPECT_FALSE(c.start_boot());
  EXPECT_TRUE(c.idle());
}

TEST(ExecutionContext, TakesOneRequestAtATime) {
  ExecutionContext c = waiting();
  ASSERT_TRUE(c.take(kNwd, kReq));
  EXPECT_TRUE(c.running());
  EXPECT_TRUE(c.handles_request());
  EXPECT_TRUE(c.works_for_nwd());
  EXPECT_FALSE(c.idle());
  // A second request, from anyone, is BUSY and changes nothing.
  EXPECT_FALSE(c.take(kSp, raw(Func::msg_send_direct_req_32)));
  EXPECT_EQ(c.refusal(), Error::busy);
  EXPECT_EQ(c.requester(), kNwd);
  EXPECT_EQ(c.request_fid(), kReq);
  ASSERT_TRUE(c.done());
  EXPECT_TRUE(c.waiting());
  EXPECT_FALSE(c.done());  // nothing left to finish
  EXPECT_TRUE(c.take(kSp, kReq));
  EXPECT_FALSE(c.works_for_nwd());  // another partition's request
}

TEST(ExecutionContext, WhatItRunsForDecidesHowItEnds) {
  // FFA_RUN's cycles and an interrupt handler are not requests: no
  // direct response answers them.
  ExecutionContext run = waiting();
  ASSERT_TRUE(run.take(kNwd, raw(Func::run)));
  EXPECT_TRUE(run.spends_cycles());
  EXPECT_FALSE(run.handles_request());
  EXPECT_FALSE(run.handles_interrupt());
  ExecutionContext handler = waiting();
  ASSERT_TRUE(handler.take(kSpmc, raw(Func::interrupt)));
  EXPECT_TRUE(handler.handles_interrupt());
  EXPECT_FALSE(handler.handles_request());
  EXPECT_FALSE(handler.works_for_nwd());      // it works for the SPMC
  EXPECT_FALSE(handler.preempt(false));       // and cannot yield
  EXPECT_TRUE(handler.running());
}

TEST(ExecutionContext, BlockedResumesWhereItBlocked) {
  ExecutionContext booting;
  ASSERT_TRUE(booting.start_boot());
  ASSERT_TRUE(booting.block());  // a request of its own while it initialises
  EXPECT_TRUE(booting.blocked());
  EXPECT_FALSE(booting.take(kNwd, kReq));
  EXPECT_EQ(booting.refusal(), Error::busy);  // a cycle of requests would deadlock
  EXPECT_FALSE(booting.block());
  ASSERT_TRUE(booting.unblock());
  EXPECT_TRUE(booting.booting());
  EXPECT_FALSE(booting.unblock());  // only a blocked context

  ExecutionContext running = waiting();
  ASSERT_TRUE(running.take(kNwd, kReq));
  ASSERT_TRUE(running.block());
  EXPECT_FALSE(running.idle());
  ASSERT_TRUE(running.unblock());
  EXPECT_TRUE(running.handles_request());
  EXPECT_EQ(running.requester(), kNwd);  // still works for whoever asked

  ExecutionContext idle = waiting();
  EXPECT_FALSE(idle.block());  // a waiting context makes no calls
  EXPECT_TRUE(idle.waiting());
}

TEST(ExecutionContext, PreemptedOnlyForTheNormalWorldAndResumedByRun) {
  ExecutionContext c = waiting();
  ASSERT_TRUE(c.take(kSp, kReq));
  EXPECT_FALSE(c.preempt(true));  // a partition's request is never cut short
  ASSERT_TRUE(c.done());
  ASSERT_TRUE(c.take(kNwd, kReq));
  ASSERT_TRUE(c.preempt(true));
  EXPECT_EQ(c.state(), PartitionState::preempted);
  EXPECT_TRUE(c.interrupted());
  EXPECT_FALSE(c.take(kNwd, kReq));
  EXPECT_EQ(c.refusal(), Error::busy);
  EXPECT_FALSE(c.done());
  EXPECT_EQ(c.resume_preempted(), ExecutionContext::Resumed::interrupted);
  EXPECT_FALSE(c.interrupted());
  EXPECT_TRUE(c.handles_request());
  EXPECT_EQ(c.resume_preempted(), ExecutionContext::Resumed::not_preempted);
  ASSERT_TRUE(c.preempt(false));  // FFA_YIELD
  EXPECT_EQ(c.resume_preempted(), ExecutionContext::Resumed::yielded);
  EXPECT_EQ(c.requester(), kNwd);
  EXPECT_EQ(c.request_fid(), kReq);
  EXPECT_EQ(waiting().resume_preempted(), ExecutionContext::Resumed::not_preempted);
}

TEST(ExecutionContext, AbortedNeverRunsAgain) {
  ExecutionContext c = waiting();
  c.managed_exit = ExecutionContext::ManagedExit::signalled;
  c.abort();
  EXPECT_EQ(c.state(), PartitionState::aborted);
  EXPECT_EQ(c.managed_exit, ExecutionContext::ManagedExit::none);
  EXPECT_FALSE(c.take(kNwd, kReq));
  EXPECT_EQ(c.refusal(), Error::aborted);
  EXPECT_FALSE(c.start_boot());
  EXPECT_FALSE(c.booted());
  EXPECT_FALSE(c.done());
  EXPECT_FALSE(c.block());
  EXPECT_FALSE(c.unblock());
  EXPECT_FALSE(c.preempt(false));
  EXPECT_EQ(c.resume_preempted(), ExecutionContext::Resumed::not_preempted);
  EXPECT_FALSE(c.power_off());
  EXPECT_TRUE(c.idle());
  EXPECT_EQ(c.state(), PartitionState::aborted);
}

TEST(ExecutionContext, AnotherContextsFaultStopsOnlyIdleOnes) {
  // Created, waiting and preempted contexts stop at once; one that works
  // or waits for an answer stops at its next call on its own CPU.
  ExecutionContext created, idle = waiting(), preempted = waiting(), busy = waiting(), blocked = waiting();
  ASSERT_TRUE(preempted.take(kNwd, kReq));
  ASSERT_TRUE(preempted.preempt(false));
  ASSERT_TRUE(busy.take(kNwd, kReq));
  ASSERT_TRUE(blocked.take(kNwd, kReq));
  ASSERT_TRUE(blocked.block());
  EXPECT_TRUE(created.abort_if_idle());
  EXPECT_TRUE(idle.abort_if_idle());
  EXPECT_TRUE(preempted.abort_if_idle());
  EXPECT_FALSE(busy.abort_if_idle());
  EXPECT_FALSE(blocked.abort_if_idle());
  EXPECT_EQ(preempted.state(), PartitionState::aborted);
  EXPECT_TRUE(busy.running());
  EXPECT_TRUE(blocked.blocked());
}

TEST(ExecutionContext, PowerOffForgetsAWaitingContext) {
  ExecutionContext c = waiting();
  c.preempted = 3;
  c.managed_exit = ExecutionContext::ManagedExit::taken;
  ASSERT_TRUE(c.power_off());
  EXPECT_EQ(c.state(), PartitionState::created);
  EXPECT_EQ(c.managed_exit, ExecutionContext::ManagedExit::none);
  EXPECT_EQ(c.preempted, ExecutionContext::kNonePreempted);
  EXPECT_TRUE(c.start_boot());  // it boots afresh when its CPU comes back
  // Only a waiting one: work in hand keeps the CPU on.
  ExecutionContext busy = waiting();
  ASSERT_TRUE(busy.take(kNwd, kReq));
  EXPECT_FALSE(busy.power_off());
  EXPECT_TRUE(busy.running());
}

TEST(ExecutionContext, AContextThatAgreedToGoOffTakesNoWorkUntilDecided) {
  // Only a waiting context agrees (it answered the message, and waits).
  ExecutionContext busy = waiting();
  ASSERT_TRUE(busy.take(kNwd, kReq));
  EXPECT_FALSE(busy.agree_to_go_off());
  ExecutionContext c = waiting();
  ASSERT_TRUE(c.agree_to_go_off());
  EXPECT_TRUE(c.going_off());
  EXPECT_TRUE(c.idle());                 // its CPU may go
  EXPECT_FALSE(c.take(kNwd, kReq));      // but it takes no work
  EXPECT_EQ(c.refusal(), Error::busy);
  EXPECT_FALSE(c.agree_to_go_off());
  // The CPU stays: it takes work again.
  ASSERT_TRUE(c.stay_on());
  EXPECT_TRUE(c.waiting());
  EXPECT_FALSE(c.stay_on());
  // Or it goes: forgotten.
  ASSERT_TRUE(c.agree_to_go_off());
  ASSERT_TRUE(c.power_off());
  EXPECT_EQ(c.state(), PartitionState::created);
  // Another of its partition's contexts faulted meanwhile: it stops.
  ExecutionContext d = waiting();
  ASSERT_TRUE(d.agree_to_go_off());
  EXPECT_TRUE(d.abort_if_idle());
  EXPECT_FALSE(d.stay_on());
  EXPECT_EQ(d.state(), PartitionState::aborted);
}

}  // namespace
