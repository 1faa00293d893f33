// Execution contexts (issue 12, FF-A v1.2 section 5.3) on spmc::Core: an MP
// partition has one context per CPU, each pinned to its CPU, booted there
// at the entry FFA_SECONDARY_EP_REGISTER gave; state, BUSY and preemption
// belong to a context; FFA_RUN names a context and may not name another
// CPU's; a UP partition has one context that runs wherever it is called.
// The fake placement says which CPU each call runs on.
#include <gtest/gtest.h>

#include "arch/fake/fake_placement.h"
#include "spmc/core.h"

namespace {

using ffa::Error;
using ffa::Func;
using ffa::Regs;
using spmc::Outcome;
using spmc::PartitionState;

constexpr uint16_t kMp = 0x8001, kUp = 0x8002;
constexpr unsigned kCpus = 4;
constexpr uint64_t kSecondaryEntry = 0x0E512340;

using ffa::raw;
int32_t err(const Regs& r) { return ffa::is_error(r) ? static_cast<int32_t>(r.w(2)) : 0; }

class ExecutionContexts : public ::testing::Test {
 protected:
  ExecutionContexts() : core_(placement_, spmc::CoreConfig{ffa::EndpointId(0x8000), ffa::kVersion1_2}) {}

  void SetUp() override {
    add(kMp, kCpus, 1);
    add(kUp, 1, 2);
    // CPU 0 boots both: the MP partition registers where its other
    // contexts start while it initialises.
    Regs out{};
    ASSERT_EQ(core_.boot_next(out), Outcome::run_partition);
    ASSERT_EQ(core_.scheduled(), 0u);
    out = sp(0, {{raw(Func::secondary_ep_register_64), kSecondaryEntry}});
    ASSERT_EQ(out.x[0], raw(Func::success_32));
    ASSERT_EQ(core_.handle_sp_call(0, Regs{{raw(Func::msg_wait)}}, out), Outcome::run_partition);
    ASSERT_EQ(core_.scheduled(), 1u);
    // The UP partition has no other context to start: refused, even
    // while it initialises (as Hafnium answers, and Cactus expects).
    up_secondary_ep_ = sp(1, {{raw(Func::secondary_ep_register_64), 0x1234}});
    ASSERT_EQ(core_.handle_sp_call(1, Regs{{raw(Func::msg_wait)}}, out), Outcome::boot_done);
  }
  Regs up_secondary_ep_{};

  void add(uint16_t id, uint16_t contexts, uint16_t boot_order) {
    spmc::Partition p{};
    p.info = ffa::PartitionInfo{ffa::EndpointId(id), contexts,
                                ffa::partition_props::direct_req_recv | ffa::partition_props::aarch64,
                                ffa::Uuid{{id, 1, 2, 3}}};
    p.boot_order = boot_order;
    p.ns_action = ffa::NsInterruptAction::signaled;
    ASSERT_TRUE(core_.add_partition(p).ok());
  }

  // A call from the normal world on `cpu`.
  Regs nwd(unsigned cpu, Regs in, Outcome* o = nullptr) {
    placement_.cpu = cpu;
    Regs out{};
    const Outcome got = core_.handle_nwd_call(in, out);
    if (o) *o = got;
    return out;
  }
  // A call from partition `index`'s context on `cpu`.
  Regs sp(size_t index, Regs in, unsigned cpu = 0, Outcome* o = nullptr) {
    placement_.cpu = cpu;
    Regs out{};
    const Outcome got = core_.handle_sp_call(index, in, out);
    if (o) *o = got;
    return out;
  }
  Regs request(unsigned cpu, uint16_t to, uint64_t tag, Outcome* o = nullptr) {
    return nwd(cpu, {{raw(Func::msg_send_direct_req_64), to, 0, tag}}, o);
  }
  // A request on `cpu` that the partition takes (its context there runs).
  void start(unsigned cpu, uint16_t to, uint64_t tag) {
    Outcome o;
    request(cpu, to, tag, &o);
    ASSERT_EQ(o, Outcome::run_partition);
  }
  Regs answer(size_t index, unsigned cpu, uint64_t tag, uint16_t to = 0) {
    const uint16_t self = core_.partition(index).info.id.raw();
    return sp(index, {{raw(Func::msg_send_direct_resp_64), uint64_t{self} << 16 | to, 0, tag}}, cpu);
  }
  PartitionState state(size_t index, unsigned context) { return core_.partition(index).contexts[context].state(); }
  // CPU `cpu` comes up: the MP partition's context for it starts at the
  // secondary entry, and waits.
  void bring_up(unsigned cpu) {
    placement_.cpu = cpu;
    Regs out{};
    ASSERT_EQ(core_.boot_next(out), Outcome::run_partition);
    ASSERT_EQ(core_.scheduled(), 0u);
    EXPECT_EQ(state(0, cpu), PartitionState::booting);
    ASSERT_EQ(core_.handle_sp_call(0, Regs{{raw(Func::msg_wait)}}, out), Outcome::boot_done);
    EXPECT_EQ(state(0, cpu), PartitionState::waiting);
  }

  fake::FakePlacement placement_{0x40000000, 1u << 20};
  spmc::Core core_;
};

TEST_F(ExecutionContexts, BootStartsContextZeroOnlyAndEachCpuItsOwn) {
  EXPECT_EQ(state(0, 0), PartitionState::waiting);
  for (unsigned c = 1; c < kCpus; ++c) EXPECT_EQ(state(0, c), PartitionState::created);
  EXPECT_EQ(core_.partition(0).secondary_entry, kSecondaryEntry);
  EXPECT_EQ(state(1, 0), PartitionState::waiting);  // UP: one context
  bring_up(2);
  EXPECT_EQ(state(0, 1), PartitionState::created);
  EXPECT_EQ(state(0, 3), PartitionState::created);
  // Up once: a second start finds nothing to boot on that CPU.
  placement_.cpu = 2;
  Regs out{};
  EXPECT_EQ(core_.boot_next(out), Outcome::boot_done);
}

TEST_F(ExecutionContexts, SecondaryEntryOnlyWhileInitialising) {
  bring_up(1);
  const Regs r = sp(0, {{raw(Func::secondary_ep_register_64), 0x1234}}, 1);
  EXPECT_EQ(err(r), static_cast<int32_t>(Error::denied));
  EXPECT_EQ(core_.partition(0).secondary_entry, kSecondaryEntry);
}

TEST_F(ExecutionContexts, AUpPartitionHasNoSecondaryEntry) {
  // Refused while it initialised (SetUp), and FFA_FEATURES says so too;
  // the MP partition is told yes.
  EXPECT_EQ(err(up_secondary_ep_), static_cast<int32_t>(Error::not_supported));
  EXPECT_EQ(core_.partition(1).secondary_entry, 0u);
  start(0, kUp, 1);
  EXPECT_EQ(err(sp(1, {{raw(Func::features), raw(Func::secondary_ep_register_64)}})),
            static_cast<int32_t>(Error::not_supported));
  start(0, kMp, 2);
  EXPECT_TRUE(ffa::is_success(sp(0, {{raw(Func::features), raw(Func::secondary_ep_register_64)}})));
}

TEST_F(ExecutionContexts, AnMpPartitionTakesARequestOnEveryCpuAtOnce) {
  bring_up(1);
  bring_up(2);
  Outcome o;
  // CPU 1 and CPU 2 each reach the context pinned to them, at once.
  Regs r = request(1, kMp, 0x11, &o);
  ASSERT_EQ(o, Outcome::run_partition);
  EXPECT_EQ(r.x[3], 0x11u);
  r = request(2, kMp, 0x22, &o);
  ASSERT_EQ(o, Outcome::run_partition);
  EXPECT_EQ(r.x[3], 0x22u);
  EXPECT_EQ(state(0, 1), PartitionState::running);
  EXPECT_EQ(state(0, 2), PartitionState::running);
  EXPECT_EQ(state(0, 0), PartitionState::waiting);
  // A second request on CPU 1 finds its context busy; CPU 3's was never
  // started: busy too. CPU 0's is free.
  EXPECT_EQ(err(request(1, kMp, 0x33)), static_cast<int32_t>(Error::busy));
  EXPECT_EQ(err(request(3, kMp, 0x33)), static_cast<int32_t>(Error::busy));
  request(0, kMp, 0x44, &o);
  EXPECT_EQ(o, Outcome::run_partition);
  // Each context answers its own request, in any order.
  r = answer(0, 2, 0x2222);
  EXPECT_EQ(r.x[0], raw(Func::msg_send_direct_resp_64));
  EXPECT_EQ(r.x[3], 0x2222u);
  EXPECT_EQ(state(0, 2), PartitionState::waiting);
  EXPECT_EQ(state(0, 1), PartitionState::running);
  r = answer(0, 1, 0x1111);
  EXPECT_EQ(r.x[3], 0x1111u);
  r = answer(0, 0, 0x4444);
  EXPECT_EQ(r.x[3], 0x4444u);
  for (unsigned c = 0; c < 3; ++c) EXPECT_EQ(state(0, c), PartitionState::waiting);
}

TEST_F(ExecutionContexts, AUpPartitionRunsWhereverItIsCalledButOnceAtATime) {
  start(2, kUp, 0x55);
  EXPECT_EQ(state(1, 0), PartitionState::running);
  // Its one context is busy, whichever CPU asks.
  EXPECT_EQ(err(request(0, kUp, 0x66)), static_cast<int32_t>(Error::busy));
  EXPECT_EQ(err(request(2, kUp, 0x66)), static_cast<int32_t>(Error::busy));
  const Regs r = answer(1, 2, 0x5555);
  EXPECT_EQ(r.x[3], 0x5555u);
  start(3, kUp, 0x77);  // and it migrates to CPU 3
}

TEST_F(ExecutionContexts, RunNamesAContextAndNeverAnotherCpus) {
  bring_up(1);
  auto run = [&](unsigned cpu, uint16_t id, uint16_t vcpu) {
    return nwd(cpu, {{raw(Func::run), uint64_t{id} << 16 | vcpu}});
  };
  // Another CPU's context: that CPU's to run. No such vCPU: the same.
  EXPECT_EQ(err(run(1, kMp, 2)), static_cast<int32_t>(Error::invalid_parameters));
  EXPECT_EQ(err(run(1, kMp, 0)), static_cast<int32_t>(Error::invalid_parameters));
  EXPECT_EQ(err(run(1, kMp, 9)), static_cast<int32_t>(Error::invalid_parameters));
  // A UP partition's only context is vCPU 0, on any CPU.
  EXPECT_EQ(err(run(1, kUp, 1)), static_cast<int32_t>(Error::invalid_parameters));
  // Its own: it runs (its FFA_MSG_WAIT returns FFA_RUN), then waits again.
  Outcome o;
  Regs r = nwd(1, {{raw(Func::run), uint64_t{kMp} << 16 | 1}}, &o);
  ASSERT_EQ(o, Outcome::run_partition);
  EXPECT_EQ(r.x[0], raw(Func::run));
  EXPECT_EQ(state(0, 1), PartitionState::running);
  EXPECT_EQ(state(0, 0), PartitionState::waiting);
  r = sp(0, {{raw(Func::msg_wait)}}, 1, &o);
  EXPECT_EQ(o, Outcome::reply_to_caller);
  EXPECT_EQ(r.x[0], raw(Func::msg_wait));
  EXPECT_EQ(state(0, 1), PartitionState::waiting);
  r = nwd(0, {{raw(Func::run), uint64_t{kUp} << 16}}, &o);
  EXPECT_EQ(o, Outcome::run_partition);
}

TEST_F(ExecutionContexts, PreemptionBelongsToAContext) {
  bring_up(1);
  start(1, kMp, 0x1);
  // A normal-world interrupt stops the context on CPU 1.
  placement_.cpu = 1;
  Regs out{};
  ASSERT_TRUE(core_.ns_interrupts_unmasked(0));
  // Named by the placement, whichever CPU asks: context 1 works for the
  // normal world, context 0 waits.
  EXPECT_TRUE(core_.ns_interrupts_unmasked(0, 1));
  EXPECT_FALSE(core_.ns_interrupts_unmasked(0, 0));
  placement_.cpu = 0;
  EXPECT_FALSE(core_.ns_interrupts_unmasked(0));
  EXPECT_TRUE(core_.ns_interrupts_unmasked(0, 1));
  placement_.cpu = 1;
  ASSERT_EQ(core_.sp_interrupted(0, out), Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::interrupt));
  EXPECT_EQ(state(0, 1), PartitionState::preempted);
  // CPU 0's context is untouched and takes requests; CPU 1's is BUSY
  // until FFA_RUN on CPU 1 resumes it where it was.
  start(0, kMp, 0x2);
  EXPECT_FALSE(core_.partition(0).contexts[0].interrupted());
  EXPECT_EQ(err(request(1, kMp, 0x3)), static_cast<int32_t>(Error::busy));
  Outcome o;
  nwd(1, {{raw(Func::run), uint64_t{kMp} << 16 | 1}}, &o);
  EXPECT_EQ(o, Outcome::resume_partition);
  EXPECT_EQ(state(0, 1), PartitionState::running);
}

TEST_F(ExecutionContexts, AFaultInOneContextStopsThemAll) {
  bring_up(1);
  bring_up(2);
  start(2, kMp, 0x1);
  placement_.cpu = 2;
  Regs out{};
  EXPECT_EQ(core_.sp_aborted(0, out), Outcome::reply_to_caller);
  EXPECT_EQ(err(out), static_cast<int32_t>(Error::aborted));  // CPU 2's request is never answered
  for (unsigned c = 0; c < kCpus; ++c) EXPECT_EQ(state(0, c), PartitionState::aborted);
  EXPECT_EQ(err(request(1, kMp, 0x2)), static_cast<int32_t>(Error::aborted));
  // Nothing to boot for it on CPU 3 any more.
  placement_.cpu = 3;
  EXPECT_EQ(core_.boot_next(out), Outcome::boot_done);
}

TEST_F(ExecutionContexts, AContextRunningElsewhereStopsAtItsNextCall) {
  bring_up(1);
  bring_up(2);
  start(1, kMp, 0x1);
  start(2, kMp, 0x2);
  // CPU 2's context faults; CPU 1's goes on for now (its CPU is in it).
  placement_.cpu = 2;
  Regs out{};
  EXPECT_EQ(core_.sp_aborted(0, out), Outcome::reply_to_caller);
  EXPECT_EQ(err(out), static_cast<int32_t>(Error::aborted));
  EXPECT_EQ(state(0, 1), PartitionState::running);
  EXPECT_EQ(state(0, 0), PartitionState::aborted);
  EXPECT_EQ(err(request(0, kMp, 0x3)), static_cast<int32_t>(Error::aborted));
  // Its next call (here its answer) stops it, and its requester is told.
  const Regs r = answer(0, 1, 0x1111);
  EXPECT_EQ(err(r), static_cast<int32_t>(Error::aborted));
  EXPECT_EQ(state(0, 1), PartitionState::aborted);
}

// An exit the placement handles itself (an FP trap, a held-back
// interrupt: Core::carry_on) or a secure interrupt stops such a context
// too: one spinning on a lock the faulted one held never makes a call.
TEST_F(ExecutionContexts, AContextRunningElsewhereStopsAtAnyExit) {
  bring_up(1);
  bring_up(2);
  bring_up(3);
  start(1, kMp, 0x1);
  start(2, kMp, 0x2);
  start(3, kMp, 0x3);
  placement_.cpu = 3;
  Regs out{};
  EXPECT_EQ(core_.sp_aborted(0, out), Outcome::reply_to_caller);
  placement_.cpu = 1;
  EXPECT_EQ(core_.carry_on(0, out), Outcome::reply_to_caller);
  EXPECT_EQ(err(out), static_cast<int32_t>(Error::aborted));
  EXPECT_EQ(state(0, 1), PartitionState::aborted);
  placement_.cpu = 2;
  placement_.raise_interrupt(29);  // the SPMC's own: still taken
  EXPECT_EQ(core_.sp_secure_interrupted(0, out), Outcome::reply_to_caller);
  EXPECT_EQ(err(out), static_cast<int32_t>(Error::aborted));
  EXPECT_EQ(state(0, 2), PartitionState::aborted);
  EXPECT_EQ(placement_.own_interrupts_handled().size(), 1u);
}

// PSCI CPU_OFF, as the SPMD's framework message brings it to the SPMC on
// the CPU going off.
Regs cpu_off(fake::FakePlacement& placement, spmc::Core& core, unsigned cpu) {
  placement.cpu = cpu;
  Regs out{};
  (void)core.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_32), 0xFFFFu << 16 | 0x8000, 0x80000000, 0x84000002}},
                             out);
  return out;
}

TEST_F(ExecutionContexts, CpuOffWaitsForAContextWithWorkAndColdBootsItOnReturn) {
  bring_up(2);
  start(2, kMp, 0x1);
  // Its context on CPU 2 is handling a request: the CPU stays on.
  Regs r = cpu_off(placement_, core_, 2);
  EXPECT_EQ(r.x[0], raw(Func::msg_send_direct_resp_32));
  EXPECT_EQ(static_cast<int32_t>(r.w(3)), -3);  // PSCI DENIED
  EXPECT_EQ(state(0, 2), PartitionState::running);
  answer(0, 2, 0x1);
  // Idle now: the CPU goes, and the context with it; it starts afresh at
  // the secondary entry when the CPU comes back.
  r = cpu_off(placement_, core_, 2);
  EXPECT_EQ(r.w(3), 0u);  // PSCI SUCCESS
  EXPECT_EQ(state(0, 2), PartitionState::created);
  EXPECT_EQ(err(request(2, kMp, 0x2)), static_cast<int32_t>(Error::busy));
  bring_up(2);
  start(2, kMp, 0x3);
  // A UP partition's context is never the CPU's: it does not keep it on.
  answer(0, 2, 0x3);
  start(1, kUp, 0x4);
  r = cpu_off(placement_, core_, 1);
  EXPECT_EQ(r.w(3), 0u);
  EXPECT_EQ(state(1, 0), PartitionState::running);
}

// The placement may keep the CPU (the S-EL1 and S-EL2 placements keep the
// boot CPU, where partitions' interrupts go): then nothing changes, and
// the idle context there still takes requests.
TEST_F(ExecutionContexts, ACpuOffThePlacementRefusesLeavesContextsAsTheyWere) {
  bring_up(2);
  placement_.keep_cpu_on = true;
  const Regs r = cpu_off(placement_, core_, 2);
  EXPECT_EQ(static_cast<int32_t>(r.w(3)), -3);  // PSCI DENIED
  EXPECT_EQ(placement_.cpu_off_messages, 0u);     // nothing stopped
  EXPECT_EQ(state(0, 2), PartitionState::waiting);
  start(2, kMp, 0x5);
  EXPECT_EQ(state(0, 2), PartitionState::running);
}

TEST_F(ExecutionContexts, ContextCountsAreOneToEight) {
  spmc::Partition p{};
  p.info = ffa::PartitionInfo{ffa::EndpointId(0x8003), 0, ffa::partition_props::direct_req_recv, ffa::Uuid{{3}}};
  EXPECT_EQ(core_.add_partition(p).error(), Error::invalid_parameters);
  p.info.exec_ctx_count = spmc::Partition::kMaxContexts + 1;
  EXPECT_EQ(core_.add_partition(p).error(), Error::invalid_parameters);
  p.info.exec_ctx_count = spmc::Partition::kMaxContexts;
  EXPECT_TRUE(core_.add_partition(p).ok());
}

}  // namespace
