// Power management messages (FF-A v1.2 section 18.2, the manifest's
// power-management-messages): PSCI CPU_OFF, which the SPMD brings to the
// SPMC as a framework message on the CPU going off, is relayed to each MP
// partition that asked for it, one after the other in boot order, as a
// framework direct request from the SPMC's ID; the CPU goes once every one agreed with a
// framework power management response carrying PSCI SUCCESS. Anything
// else a partition answers keeps the CPU on (DENIED); a partition that
// faults while told is passed over.
#include <gtest/gtest.h>

#include "arch/fake/fake_placement.h"
#include "ffa/hf_interrupt.h"
#include "ffa/notifications.h"
#include "ffa/partition_manifest.h"
#include "spmc/core.h"

namespace {

using ffa::Error;
using ffa::Func;
using ffa::Regs;
using ffa::raw;
using spmc::Outcome;
using spmc::PartitionState;

constexpr uint16_t kSpmc = 0x8000;
// Partition table order: two MP partitions that ask for CPU_OFF (B added
// first, A booting first: A is told first), one MP partition that does
// not, a UP partition that asks (its context migrates: it is never told).
constexpr size_t kB = 0, kA = 1, kQuiet = 2, kUp = 3;
constexpr uint16_t kIds[] = {0x8002, 0x8001, 0x8003, 0x8004};
constexpr uint16_t kBootOrders[] = {3, 1, 2, 4};
constexpr unsigned kCpus = 4;
constexpr uint32_t kFramework = 1u << 31, kPsciRequest = 0, kPowerResponse = 2;
constexpr uint32_t kCpuOff = 0x84000002;
constexpr int32_t kSuccess = 0, kDenied = -3;

class PowerMessages : public ::testing::Test {
 protected:
  PowerMessages() : core_(placement_, spmc::CoreConfig{ffa::EndpointId(kSpmc), ffa::kVersion1_2}) {}

  void SetUp() override {
    add(kB, kCpus, ffa::power_messages::cpu_off | ffa::power_messages::cpu_on);
    add(kA, kCpus, ffa::power_messages::cpu_off);
    add(kQuiet, kCpus, 0);
    add(kUp, 1, ffa::power_messages::cpu_off);
    boot(0);
    boot(2);
  }

  void add(size_t index, uint16_t contexts, uint32_t power_messages) {
    const uint16_t id = kIds[index];
    spmc::Partition p{};
    p.info = ffa::PartitionInfo{ffa::EndpointId(id), contexts,
                                ffa::partition_props::direct_req_recv | ffa::partition_props::direct_req_send |
                                    ffa::partition_props::aarch64,
                                ffa::Uuid{{id, 1, 2, 3}}};
    p.boot_order = kBootOrders[index];
    p.ns_action = ffa::NsInterruptAction::signaled;
    p.power_messages = power_messages;
    ASSERT_TRUE(core_.add_partition(p).ok());
  }
  // CPU `cpu`'s contexts boot in order (on CPU 0 every partition's first,
  // each MP one registering its secondary entry) and wait.
  void boot(unsigned cpu) {
    placement_.cpu = cpu;
    Regs out{};
    Outcome o = core_.boot_next(out);
    while (o == Outcome::run_partition) {
      const size_t index = core_.scheduled();
      if (cpu == 0 && core_.partition(index).mp())
        ASSERT_EQ(call(index, {{raw(Func::secondary_ep_register_64), 0x0E512340}}).x[0], raw(Func::success_32));
      o = core_.handle_sp_call(index, Regs{{raw(Func::msg_wait)}}, out);
    }
    ASSERT_EQ(o, Outcome::boot_done);
  }
  // A call from partition `index` on the current CPU: the SPMC's answer,
  // its outcome in last_.
  Regs call(size_t index, Regs in) {
    Regs out{};
    last_ = core_.handle_sp_call(index, in, out);
    return out;
  }
  // PSCI CPU_OFF on `cpu`, as the SPMD's framework message brings it.
  Regs cpu_off(unsigned cpu) {
    placement_.cpu = cpu;
    Regs out{};
    last_ = core_.handle_nwd_call(
        Regs{{raw(Func::msg_send_direct_req_32), 0xFFFFu << 16 | kSpmc, kFramework | kPsciRequest, kCpuOff}}, out);
    return out;
  }
  // Partition `index`'s framework power management response with `status`.
  Regs respond(size_t index, int32_t status) {
    return call(index, {{raw(Func::msg_send_direct_resp_32), uint64_t{kIds[index]} << 16 | kSpmc,
                         kFramework | kPowerResponse, static_cast<uint32_t>(status)}});
  }
  // The request partition `index` is entered with, on the current CPU.
  void expect_told(size_t index, const Regs& out) {
    ASSERT_EQ(last_, Outcome::run_partition);
    EXPECT_EQ(core_.scheduled(), index);
    EXPECT_EQ(out.x[0], raw(Func::msg_send_direct_req_32));
    EXPECT_EQ(out.x[1], uint64_t{kSpmc} << 16 | kIds[index]);
    EXPECT_EQ(out.x[2], kFramework | kPsciRequest);
    EXPECT_EQ(out.x[3], kCpuOff);
    for (unsigned i = 4; i < 8; ++i) EXPECT_EQ(out.x[i], 0u) << i;
  }
  // The SPMC's answer to the SPMD: a framework power management response.
  void expect_spmd_told(const Regs& out, int32_t status) {
    ASSERT_EQ(last_, Outcome::reply_to_caller);
    EXPECT_EQ(out.x[0], raw(Func::msg_send_direct_resp_32));
    EXPECT_EQ(out.x[1], uint64_t{kSpmc} << 16 | 0xFFFF);
    EXPECT_EQ(out.x[2], kFramework | kPowerResponse);
    EXPECT_EQ(static_cast<int32_t>(out.w(3)), status);
  }
  PartitionState state(size_t index, unsigned context) { return core_.partition(index).contexts[context].state(); }

  fake::FakePlacement placement_{0x40000000, 1u << 20};
  spmc::Core core_;
  Outcome last_ = Outcome::reply_to_caller;
};

TEST_F(PowerMessages, EachMpPartitionThatAskedIsToldInTurnThenTheCpuGoes) {
  Regs out = cpu_off(2);
  expect_told(kA, out);
  EXPECT_EQ(state(kA, 2), PartitionState::running);
  EXPECT_EQ(placement_.cpu_off_messages, 0u);  // nothing stopped yet
  out = respond(kA, kSuccess);
  expect_told(kB, out);
  EXPECT_EQ(state(kA, 2), PartitionState::going_off);  // it agreed: no work until decided
  out = respond(kB, kSuccess);
  // Not the partition that did not ask, nor the UP one: the SPMD's answer.
  expect_spmd_told(out, kSuccess);
  EXPECT_EQ(placement_.cpu_off_messages, 1u);
  for (size_t p : {kA, kB, kQuiet}) EXPECT_EQ(state(p, 2), PartitionState::created) << p;
  EXPECT_EQ(state(kUp, 0), PartitionState::waiting);
  // When the CPU comes back, each context boots afresh, and is told again
  // at its next CPU_OFF.
  boot(2);
  out = cpu_off(2);
  expect_told(kA, out);
}

TEST_F(PowerMessages, ARefusalKeepsTheCpuAndTellsNoOneElse) {
  Regs out = cpu_off(2);
  expect_told(kA, out);
  out = respond(kA, kDenied);
  expect_spmd_told(out, kDenied);
  EXPECT_EQ(placement_.cpu_off_messages, 0u);
  for (size_t p : {kA, kB, kQuiet}) EXPECT_EQ(state(p, 2), PartitionState::waiting) << p;
  // Any status but SUCCESS refuses, as a partition message does: it needed
  // the framework response.
  out = cpu_off(2);
  out = respond(kA, 1);
  expect_spmd_told(out, kDenied);
  out = cpu_off(2);
  out = call(kA, {{raw(Func::msg_send_direct_resp_64), uint64_t{kIds[kA]} << 16 | kSpmc, 0, 0}});
  expect_spmd_told(out, kDenied);
  out = cpu_off(2);
  out = call(kA, {{raw(Func::msg_send_direct_resp_32), uint64_t{kIds[kA]} << 16 | kSpmc, kFramework | kPsciRequest, 0}});
  expect_spmd_told(out, kDenied);
  // A agreed, B did not: A's context is not told again, and waits.
  out = cpu_off(2);
  out = respond(kA, kSuccess);
  expect_told(kB, out);
  out = respond(kB, kDenied);
  expect_spmd_told(out, kDenied);
  EXPECT_EQ(state(kA, 2), PartitionState::waiting);
  EXPECT_EQ(state(kB, 2), PartitionState::waiting);
  // Each still takes the normal world's requests on that CPU.
  out = Regs{};
  placement_.cpu = 2;
  last_ = core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_64), kIds[kA], 0, 7}}, out);
  EXPECT_EQ(last_, Outcome::run_partition);
}

TEST_F(PowerMessages, AnAnswerToAnotherEndpointIsNoAnswerAtAll) {
  Regs out = cpu_off(2);
  expect_told(kA, out);
  // To the normal world, or from another ID: INVALID_PARAMETERS, and the
  // message is still its to answer.
  out = call(kA, {{raw(Func::msg_send_direct_resp_32), uint64_t{kIds[kA]} << 16, kFramework | kPowerResponse, 0}});
  EXPECT_EQ(static_cast<int32_t>(out.w(2)), static_cast<int32_t>(Error::invalid_parameters));
  EXPECT_EQ(last_, Outcome::run_partition);
  out = call(kA, {{raw(Func::msg_send_direct_resp_32), uint64_t{kIds[kB]} << 16 | kSpmc, kFramework | kPowerResponse,
                   0}});
  EXPECT_EQ(static_cast<int32_t>(out.w(2)), static_cast<int32_t>(Error::invalid_parameters));
  EXPECT_EQ(state(kA, 2), PartitionState::running);
  // It cannot walk away from it, nor give its CPU back: it does not work
  // for the normal world, whose interrupts stay held back meanwhile.
  out = call(kA, {{raw(Func::msg_wait)}});
  EXPECT_EQ(static_cast<int32_t>(out.w(2)), static_cast<int32_t>(Error::denied));
  out = call(kA, {{raw(Func::yield)}});
  EXPECT_TRUE(ffa::is_error(out));
  EXPECT_FALSE(core_.ns_interrupts_unmasked(kA));
  EXPECT_EQ(state(kA, 2), PartitionState::running);
  out = respond(kA, kSuccess);
  expect_told(kB, out);
}

TEST_F(PowerMessages, APartitionToldMayCallAnotherBeforeItAnswers) {
  Regs out = cpu_off(2);
  expect_told(kA, out);
  out = call(kA, {{raw(Func::msg_send_direct_req_64), uint64_t{kIds[kA]} << 16 | kIds[kQuiet], 0, 0x55}});
  ASSERT_EQ(last_, Outcome::run_partition);
  EXPECT_EQ(core_.scheduled(), kQuiet);
  out = call(kQuiet, {{raw(Func::msg_send_direct_resp_64), uint64_t{kIds[kQuiet]} << 16 | kIds[kA], 0, 0x56}});
  ASSERT_EQ(last_, Outcome::run_partition);
  EXPECT_EQ(core_.scheduled(), kA);
  EXPECT_EQ(out.x[3], 0x56u);
  out = respond(kA, kSuccess);
  expect_told(kB, out);
  out = respond(kB, kSuccess);
  expect_spmd_told(out, kSuccess);
}

// A partition that agreed takes no work until the CPU's fate is decided
// (as Hafnium turns its vCPU off then): a partition told after it gets
// BUSY for a request to it. When the CPU stays on, it takes work again.
TEST_F(PowerMessages, AnAgreedPartitionTakesNoWorkUntilItIsDecided) {
  Regs out = cpu_off(2);
  expect_told(kA, out);
  out = respond(kA, kSuccess);
  expect_told(kB, out);
  EXPECT_EQ(state(kA, 2), PartitionState::going_off);
  out = call(kB, {{raw(Func::msg_send_direct_req_64), uint64_t{kIds[kB]} << 16 | kIds[kA], 0, 0x77}});
  EXPECT_EQ(last_, Outcome::run_partition);
  EXPECT_EQ(core_.scheduled(), kB);  // back to B, with its error
  EXPECT_EQ(static_cast<int32_t>(out.w(2)), static_cast<int32_t>(Error::busy));
  out = respond(kB, kDenied);
  expect_spmd_told(out, kDenied);
  EXPECT_EQ(state(kA, 2), PartitionState::waiting);
  EXPECT_EQ(state(kB, 2), PartitionState::waiting);
  placement_.cpu = 2;
  last_ = core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_64), kIds[kA], 0, 7}}, out);
  EXPECT_EQ(last_, Outcome::run_partition);
  EXPECT_EQ(state(kA, 2), PartitionState::running);
}

TEST_F(PowerMessages, APartitionThatFaultsWhileToldIsPassedOver) {
  Regs out = cpu_off(2);
  expect_told(kA, out);
  last_ = core_.sp_aborted(kA, out);
  expect_told(kB, out);
  out = respond(kB, kSuccess);
  expect_spmd_told(out, kSuccess);
  EXPECT_EQ(state(kA, 2), PartitionState::aborted);
  // On another CPU, it is stopped and has nothing to be told.
  boot(1);
  out = cpu_off(1);
  expect_told(kB, out);
}

TEST_F(PowerMessages, NobodyIsToldWhenTheCpuCannotGo) {
  // The placement keeps it (the boot CPU, at S-EL1 and S-EL2).
  placement_.keep_cpu_on = true;
  Regs out = cpu_off(2);
  expect_spmd_told(out, kDenied);
  placement_.keep_cpu_on = false;
  // A context there has work in hand: the quiet partition's.
  placement_.cpu = 2;
  last_ = core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_64), kIds[kQuiet], 0, 1}}, out);
  ASSERT_EQ(last_, Outcome::run_partition);
  out = cpu_off(2);
  expect_spmd_told(out, kDenied);
  EXPECT_EQ(state(kA, 2), PartitionState::waiting);
  EXPECT_EQ(state(kB, 2), PartitionState::waiting);
}

TEST_F(PowerMessages, AContextNotStartedOnTheCpuIsNotTold) {
  // CPU 3 never came up for A and B (the SPMD would not send CPU_OFF
  // there, but the core must not enter a context that never booted).
  Regs out = cpu_off(3);
  expect_spmd_told(out, kSuccess);
  EXPECT_EQ(state(kA, 3), PartitionState::created);
}

// A partition told of a CPU_OFF that notifies the normal world: the
// schedule receiver interrupt goes to the CPU the placement keeps on, not
// to the one going off (whose normal world may never take it), delayed or
// not; once the CPU stays on, or comes back, its own are its own again.
TEST_F(PowerMessages, ScheduleReceiverInterruptsOfAToldPartitionGoWhereTheNormalWorldRuns) {
  placement_.cpu = 0;
  Regs out{};
  const auto nwd = [&](Regs in) {
    (void)core_.handle_nwd_call(in, out);
    return out;
  };
  ASSERT_EQ(nwd({{raw(Func::version), 0x10002}}).x[0], 0x10002u);  // (notifications came with v1.1)
  ASSERT_EQ(nwd({{raw(Func::notification_bitmap_create), 0, kCpus}}).x[0], raw(Func::success_32));
  ASSERT_EQ(nwd({{raw(Func::notification_bind), uint64_t{kIds[kA]} << 16, 0, 0x1F}}).x[0], raw(Func::success_32));
  const auto set = [&](uint64_t bit, uint32_t flags) {
    return call(kA, {{raw(Func::notification_set), uint64_t{kIds[kA]} << 16, flags, bit}});
  };
  constexpr uint32_t kDelay = ffa::notification::kSetFlagDelaySri;
  // Told, then refusing: the SRI raised meanwhile went elsewhere.
  out = cpu_off(2);
  expect_told(kA, out);
  ASSERT_EQ(set(1, 0).x[0], raw(Func::success_32));
  EXPECT_EQ(placement_.sris_raised(), 1u);
  EXPECT_EQ(placement_.sris_sent_elsewhere(), 1u);
  out = respond(kA, kDenied);
  expect_spmd_told(out, kDenied);
  // The CPU stayed on: a request there raises it there.
  last_ = core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_64), kIds[kA], 0, 7}}, out);
  ASSERT_EQ(last_, Outcome::run_partition);
  ASSERT_EQ(set(2, 0).x[0], raw(Func::success_32));
  EXPECT_EQ(placement_.sris_raised(), 2u);
  EXPECT_EQ(placement_.sris_sent_elsewhere(), 1u);
  out = call(kA, {{raw(Func::msg_send_direct_resp_64), uint64_t{kIds[kA]} << 16, 0, 7}});
  ASSERT_EQ(last_, Outcome::reply_to_caller);
  // Told again, with the delay flag: raised when the SPMD is answered,
  // elsewhere; and the CPU goes.
  out = cpu_off(2);
  expect_told(kA, out);
  ASSERT_EQ(set(4, kDelay).x[0], raw(Func::success_32));
  EXPECT_EQ(placement_.sris_raised(), 2u);
  out = respond(kA, kSuccess);
  expect_told(kB, out);
  out = respond(kB, kSuccess);
  expect_spmd_told(out, kSuccess);
  EXPECT_EQ(placement_.sris_raised(), 3u);
  EXPECT_EQ(placement_.sris_sent_elsewhere(), 2u);
  // Another CPU's are its own meanwhile.
  placement_.cpu = 1;
  boot(1);
  last_ = core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_64), kIds[kA], 0, 7}}, out);
  ASSERT_EQ(last_, Outcome::run_partition);
  ASSERT_EQ(set(8, 0).x[0], raw(Func::success_32));
  EXPECT_EQ(placement_.sris_sent_elsewhere(), 2u);
  out = call(kA, {{raw(Func::msg_send_direct_resp_64), uint64_t{kIds[kA]} << 16, 0, 7}});
  // The CPU comes back: its own again.
  boot(2);
  last_ = core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_64), kIds[kA], 0, 7}}, out);
  ASSERT_EQ(last_, Outcome::run_partition);
  ASSERT_EQ(set(16, 0).x[0], raw(Func::success_32));
  EXPECT_EQ(placement_.sris_raised(), 5u);
  EXPECT_EQ(placement_.sris_sent_elsewhere(), 2u);
}

// An interrupt handler runs for the SPMC's ID too (FFA_INTERRUPT): a
// framework-looking answer from it, or its fault, is no answer to a power
// management message; the SPMD is told nothing.
TEST_F(PowerMessages, AnInterruptHandlerIsNotToldOfAnything) {
  spmc::Partition p{};
  p.info = ffa::PartitionInfo{ffa::EndpointId(0x8005), kCpus,
                              ffa::partition_props::direct_req_recv | ffa::partition_props::aarch64,
                              ffa::Uuid{{5, 1, 2, 3}}};
  p.boot_order = 5;
  p.power_messages = ffa::power_messages::cpu_off;
  p.interrupts[p.interrupt_count++].id = 40;
  ASSERT_TRUE(core_.add_partition(p).ok());
  constexpr size_t kIrq = 4;
  boot(0);  // it boots, and waits
  ASSERT_TRUE(core_.partition(kIrq).contexts[0].waiting());
  Regs out{};
  placement_.cpu = 0;
  out = call(kIrq, {{ffa::hf::kInterruptEnable, 40, 1, ffa::hf::kTypeIrq}});
  ASSERT_EQ(out.x[0], 0u);
  // Its interrupt while the normal world runs: its handler runs, with the
  // SPMC's ID as requester.
  placement_.raise_interrupt(40);
  last_ = core_.handle_nwd_call(Regs{{raw(Func::interrupt)}}, out);
  ASSERT_EQ(last_, Outcome::run_partition);
  ASSERT_EQ(core_.scheduled(), kIrq);
  ASSERT_TRUE(core_.partition(kIrq).contexts[0].handles_interrupt());
  EXPECT_FALSE(core_.partition(kIrq).contexts[0].handles_request());
  out = call(kIrq, {{raw(Func::msg_send_direct_resp_32), uint64_t{0x8005} << 16 | kSpmc, kFramework | kPowerResponse, 0}});
  EXPECT_EQ(static_cast<int32_t>(out.w(2)), static_cast<int32_t>(Error::denied));
  EXPECT_EQ(last_, Outcome::run_partition);  // still its handler
  // It faults there: the normal world resumes, as after any handler's fault.
  last_ = core_.sp_aborted(kIrq, out);
  EXPECT_EQ(last_, Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::normal_world_resume));
}

}  // namespace
