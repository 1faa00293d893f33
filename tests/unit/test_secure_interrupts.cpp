// Secure interrupts on spmc::Core: FFA_INTERRUPT from the SPMD, an
// interrupt the SPMC's own image owns, a partition's interrupt delivered
// with FFA_INTERRUPT and handled with HF_INTERRUPT_GET/DEACTIVATE, one that
// arrives while its owner is busy, and the refusals.
#include <gtest/gtest.h>

#include "arch/fake/fake_placement.h"
#include "ffa/hf_interrupt.h"
#include "spmc/core.h"
#include "core_test_util.h"

namespace {

using ffa::Func;
using ffa::Regs;
using spmc::Outcome;
using spmc::PartitionState;
using ffa::raw;

constexpr uint16_t kSpmcId = 0x8000;
// kOther lets others' secure interrupts preempt it (the default, signaled);
// kQueued keeps them waiting (other-s-interrupts-action 0).
constexpr uint16_t kDriver = 0x8001, kOther = 0x8002, kQueued = 0x8003;
constexpr uint32_t kDeviceSpi = 39, kSecondSpi = 41, kQueuedSpi = 42;  // kQueued's


class SecureInterrupts : public ::testing::Test {
 protected:
  SecureInterrupts() : core_(placement_, spmc::CoreConfig{ffa::EndpointId(kSpmcId), ffa::kVersion1_2}) {}

  void SetUp() override {
    ASSERT_TRUE(add(kDriver, {kDeviceSpi, kSecondSpi}).ok());
    ASSERT_TRUE(add(kOther, {}).ok());
    ASSERT_TRUE(add(kQueued, {kQueuedSpi}, true).ok());
    Regs out{};
    Outcome o = core_.boot_next(out);
    while (o == Outcome::run_partition) o = core_.handle_sp_call(core_.scheduled(), Regs{{raw(Func::msg_wait)}}, out);
    ASSERT_EQ(o, Outcome::boot_done);
  }

  ffa::Status add(uint16_t id, std::initializer_list<uint32_t> interrupts, bool others_queued = false) {
    spmc::Partition p{};
    p.other_secure_interrupts_queued = others_queued;
    // (kQueued may call the others.)
    const uint32_t send = id == kQueued ? ffa::partition_props::direct_req_send : 0;
    p.info = ffa::PartitionInfo{ffa::EndpointId(id), 1,
                                ffa::partition_props::direct_req_recv | ffa::partition_props::aarch64 | send,
                                ffa::Uuid{{id, 1, 2, 3}}};
    p.ns_action = ffa::NsInterruptAction::signaled;
    for (uint32_t i : interrupts) p.interrupts[p.interrupt_count++].id = i;
    return core_.add_partition(p);
  }

  size_t index_of(uint16_t id) { return test::index_of(core_, id); }
  const spmc::Partition& driver() { return core_.partition(index_of(kDriver)); }

  // A call the driver makes; the answer (to it) in `out`.
  Outcome driver_call(Regs in, Regs& out) { return core_.handle_sp_call(index_of(kDriver), in, out); }
  uint64_t hf(uint32_t fid, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0) {
    Regs out{};
    EXPECT_EQ(driver_call(Regs{{fid, a1, a2, a3}}, out), Outcome::run_partition);
    return out.x[0];
  }
  // The SPMD's FFA_INTERRUPT while the normal world runs.
  Outcome spmd_interrupt(Regs& out) { return core_.handle_nwd_call(Regs{{raw(Func::interrupt)}}, out); }
  // The normal world's request `tag` to partition `id`, which then runs.
  void request(uint16_t id, uint64_t tag, Regs& out) {
    ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_64), id, 0, tag}}, out), Outcome::run_partition);
  }
  // kQueued enables its interrupt.
  void enable_queued_interrupt() {
    Regs got{};
    ASSERT_EQ(core_.handle_sp_call(index_of(kQueued), Regs{{ffa::hf::kInterruptEnable, kQueuedSpi, 1, 0}}, got),
              Outcome::run_partition);
  }
  // The driver's interrupt enabled; the normal world's request 1 to
  // kOther, which the driver's interrupt preempts: the driver's handler
  // runs on top of it.
  void driver_preempts_other(Regs& out) {
    EXPECT_EQ(hf(ffa::hf::kInterruptEnable, kDeviceSpi, 1, 0), 0u);
    ASSERT_NO_FATAL_FAILURE(request(kOther, 1, out));
    placement_.raise_interrupt(kDeviceSpi);
    ASSERT_EQ(core_.sp_secure_interrupted(index_of(kOther), out), Outcome::run_partition);
  }
  // The driver's interrupt, held back meanwhile, comes back for the normal
  // world's next entry, and the driver is run with FFA_INTERRUPT for it.
  void driver_told_at_next_entry(Regs& out) {
    EXPECT_TRUE(placement_.interrupt_pending(kDeviceSpi));
    ASSERT_EQ(spmd_interrupt(out), Outcome::run_partition);
    EXPECT_EQ(out.x[2], kDeviceSpi);
  }
  // Partition `id`'s answer `tag` to the normal world's request.
  Outcome answer(uint16_t id, uint64_t tag, Regs& out) {
    return core_.handle_sp_call(index_of(id), Regs{{raw(Func::msg_send_direct_resp_64), uint32_t{id} << 16, 0, tag}},
                                out);
  }

  fake::FakePlacement placement_;
  spmc::Core core_;
};

TEST_F(SecureInterrupts, OwnInterruptRunsItsTopHalfAndTheNormalWorldResumes) {
  placement_.raise_interrupt(29);  // the trusted OS's secure timer (a PPI)
  Regs out{};
  ASSERT_EQ(spmd_interrupt(out), Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::normal_world_resume));
  ASSERT_EQ(placement_.own_interrupts_handled().size(), 1u);
  EXPECT_EQ(placement_.own_interrupts_handled()[0], 29u);
  EXPECT_EQ(placement_.interrupts_ended(29), 1u);
  // Nothing pending: spurious, and still the normal world resumes.
  ASSERT_EQ(spmd_interrupt(out), Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::normal_world_resume));
}

TEST_F(SecureInterrupts, PartitionHandlesItsInterruptWithGetAndDeactivate) {
  // Disabled until the partition enables it.
  placement_.raise_interrupt(kDeviceSpi);
  Regs out{};
  ASSERT_EQ(spmd_interrupt(out), Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::normal_world_resume));
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, kDeviceSpi, 1, ffa::hf::kTypeIrq), 0u);
  EXPECT_TRUE(placement_.interrupt_enabled(kDeviceSpi));

  ASSERT_EQ(spmd_interrupt(out), Outcome::run_partition);
  EXPECT_EQ(core_.scheduled(), index_of(kDriver));
  EXPECT_EQ(out.x[0], raw(Func::interrupt));
  EXPECT_EQ(out.x[2], kDeviceSpi);
  EXPECT_EQ(placement_.interrupts_ended(kDeviceSpi), 1u);
  // Held back at the controller until the handler is done with it.
  EXPECT_FALSE(placement_.interrupt_enabled(kDeviceSpi));
  EXPECT_EQ(driver().contexts[0].state(), PartitionState::running);
  // Normal-world interrupts are queued while it handles a secure one.
  EXPECT_FALSE(core_.ns_interrupts_unmasked(index_of(kDriver)));

  EXPECT_EQ(hf(ffa::hf::kInterruptGet), kDeviceSpi);
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), ffa::hf::kInvalidIntid);
  EXPECT_FALSE(placement_.interrupt_enabled(kDeviceSpi));
  EXPECT_EQ(hf(ffa::hf::kInterruptDeactivate, kDeviceSpi, kDeviceSpi), 0u);
  EXPECT_TRUE(placement_.interrupt_enabled(kDeviceSpi));
  EXPECT_EQ(hf(ffa::hf::kInterruptDeactivate, kDeviceSpi, kDeviceSpi), ffa::hf::kFailed);  // not active now
  // A handler has no request to answer and may not give its CPU away.
  EXPECT_EQ(driver_call(Regs{{raw(Func::msg_send_direct_resp_64), uint32_t{kDriver} << 16}}, out),
            Outcome::run_partition);
  EXPECT_EQ(ffa::error_of(out), ffa::Error::denied);
  EXPECT_EQ(driver_call(Regs{{raw(Func::yield)}}, out), Outcome::run_partition);
  EXPECT_EQ(ffa::error_of(out), ffa::Error::denied);
  // Done: the normal world resumes.
  ASSERT_EQ(driver_call(Regs{{raw(Func::msg_wait)}}, out), Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::normal_world_resume));
  EXPECT_EQ(driver().contexts[0].state(), PartitionState::waiting);
}

TEST_F(SecureInterrupts, TwoPendingAreSignalledOneAfterTheOther) {
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, kDeviceSpi, 1, ffa::hf::kTypeIrq), 0u);
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, kSecondSpi, 1, ffa::hf::kTypeFiq), 0u);
  placement_.raise_interrupt(kDeviceSpi);
  Regs out{};
  ASSERT_EQ(spmd_interrupt(out), Outcome::run_partition);
  EXPECT_EQ(out.x[2], kDeviceSpi);
  // The second one arrives while the first is handled (in the S-EL1
  // placement it waits at the controller; here the SPMD hands it over).
  placement_.raise_interrupt(kSecondSpi);
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), kDeviceSpi);
  EXPECT_EQ(hf(ffa::hf::kInterruptDeactivate, kDeviceSpi, kDeviceSpi), 0u);
  ASSERT_EQ(driver_call(Regs{{raw(Func::msg_wait)}}, out), Outcome::reply_to_caller);
  ASSERT_EQ(spmd_interrupt(out), Outcome::run_partition);
  EXPECT_EQ(out.x[2], kSecondSpi);
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), kSecondSpi);
  EXPECT_EQ(hf(ffa::hf::kInterruptDeactivate, kSecondSpi, kSecondSpi), 0u);
  ASSERT_EQ(driver_call(Regs{{raw(Func::msg_wait)}}, out), Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::normal_world_resume));
}

TEST_F(SecureInterrupts, InterruptForABusyOwnerComesBackWhenItWaits) {
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, kDeviceSpi, 1, ffa::hf::kTypeIrq), 0u);
  // The normal world's request runs the driver, and a normal-world
  // interrupt preempts it.
  Regs out{};
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_64), kDriver, 0, 7}}, out),
            Outcome::run_partition);
  ASSERT_EQ(core_.sp_interrupted(index_of(kDriver), out), Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::interrupt));
  // Its device interrupt arrives meanwhile: it cannot take it now.
  placement_.raise_interrupt(kDeviceSpi);
  ASSERT_EQ(spmd_interrupt(out), Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::normal_world_resume));
  EXPECT_FALSE(placement_.interrupt_enabled(kDeviceSpi));
  EXPECT_EQ(driver().contexts[0].state(), PartitionState::preempted);
  // FFA_RUN resumes it; it answers; the interrupt is retriggered.
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::run), uint32_t{kDriver} << 16}}, out),
            Outcome::resume_partition);
  EXPECT_EQ(placement_.retriggered(), 0u);
  ASSERT_EQ(driver_call(Regs{{raw(Func::msg_send_direct_resp_64), uint32_t{kDriver} << 16, 0, 7}}, out),
            Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::msg_send_direct_resp_64));
  EXPECT_EQ(placement_.retriggered(), 1u);
  EXPECT_TRUE(placement_.interrupt_pending(kDeviceSpi));
  // Once the normal world runs, it arrives again and is signalled.
  ASSERT_EQ(spmd_interrupt(out), Outcome::run_partition);
  EXPECT_EQ(out.x[0], raw(Func::interrupt));
  EXPECT_EQ(out.x[2], kDeviceSpi);
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), kDeviceSpi);
  EXPECT_EQ(hf(ffa::hf::kInterruptDeactivate, kDeviceSpi, kDeviceSpi), 0u);
  ASSERT_EQ(driver_call(Regs{{raw(Func::msg_wait)}}, out), Outcome::reply_to_caller);
  // Nothing left to retrigger on later returns.
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_64), kDriver, 0, 8}}, out),
            Outcome::run_partition);
  ASSERT_EQ(driver_call(Regs{{raw(Func::msg_send_direct_resp_64), uint32_t{kDriver} << 16, 0, 8}}, out),
            Outcome::reply_to_caller);
  EXPECT_EQ(placement_.retriggered(), 1u);
}

TEST_F(SecureInterrupts, RetriggeredInterruptTakenEarlyIsWithdrawn) {
  // Deferred while the driver was busy, retriggered when it answered; then
  // (another CPU's request) the driver takes it with HF_INTERRUPT_GET before
  // the controller signals it: the retrigger is withdrawn.
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, kDeviceSpi, 1, 0), 0u);
  Regs out{};
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_64), kDriver, 0, 1}}, out),
            Outcome::run_partition);
  placement_.raise_interrupt(kDeviceSpi);
  // (In the S-EL1 placement, the SPMD hands it over on another CPU once the
  // driver is preempted; the core sees the same.)
  ASSERT_EQ(core_.sp_interrupted(index_of(kDriver), out), Outcome::reply_to_caller);
  ASSERT_EQ(spmd_interrupt(out), Outcome::reply_to_caller);
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::run), uint32_t{kDriver} << 16}}, out), Outcome::resume_partition);
  ASSERT_EQ(driver_call(Regs{{raw(Func::msg_send_direct_resp_64), uint32_t{kDriver} << 16, 0, 1}}, out),
            Outcome::reply_to_caller);
  EXPECT_EQ(core_.deferred_interrupts(), 1u);
  EXPECT_TRUE(placement_.interrupt_pending(kDeviceSpi));
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_64), kDriver, 0, 2}}, out),
            Outcome::run_partition);
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), kDeviceSpi);
  EXPECT_EQ(core_.deferred_interrupts(), 0u);
  EXPECT_FALSE(placement_.interrupt_pending(kDeviceSpi));
  EXPECT_FALSE(placement_.interrupt_enabled(kDeviceSpi));
  EXPECT_EQ(hf(ffa::hf::kInterruptDeactivate, kDeviceSpi, kDeviceSpi), 0u);
  EXPECT_TRUE(placement_.interrupt_enabled(kDeviceSpi));
}

TEST_F(SecureInterrupts, WhileAQueuedPartitionRunsTheTopHalfRunsAndThePartitionCarriesOn) {
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, kDeviceSpi, 1, 0), 0u);
  Regs out{};
  ASSERT_NO_FATAL_FAILURE(request(kQueued, 1, out));
  // The SPMC's own interrupt: handled, and kQueued resumes untouched.
  placement_.raise_interrupt(29);
  ASSERT_EQ(core_.sp_secure_interrupted(index_of(kQueued), out), Outcome::resume_partition);
  EXPECT_EQ(core_.scheduled(), index_of(kQueued));
  ASSERT_EQ(placement_.own_interrupts_handled().size(), 1u);
  // The driver's: it waits behind kQueued (which keeps others' queued),
  // held back.
  placement_.raise_interrupt(kDeviceSpi);
  ASSERT_EQ(core_.sp_secure_interrupted(index_of(kQueued), out), Outcome::resume_partition);
  EXPECT_FALSE(placement_.interrupt_enabled(kDeviceSpi));
  EXPECT_EQ(core_.deferred_interrupts(), 1u);
  EXPECT_EQ(driver().contexts[0].state(), PartitionState::waiting);
  // Nothing pending: spurious, kQueued carries on.
  ASSERT_EQ(core_.sp_secure_interrupted(index_of(kQueued), out), Outcome::resume_partition);
  // kQueued answers; the driver's interrupt comes back for the normal
  // world's next entry, and the driver takes it.
  ASSERT_EQ(answer(kQueued, 1, out), Outcome::reply_to_caller);
  ASSERT_NO_FATAL_FAILURE(driver_told_at_next_entry(out));
}

TEST_F(SecureInterrupts, AnotherPartitionsInterruptPreemptsOneThatLetsIt) {
  // kOther (others' secure interrupts signaled) works for the normal
  // world; the driver's interrupt comes: the driver, waiting, runs its
  // handler on top of kOther, which then carries on where it was.
  Regs out{};
  ASSERT_NO_FATAL_FAILURE(driver_preempts_other(out));
  EXPECT_EQ(core_.scheduled(), index_of(kDriver));
  EXPECT_EQ(out.x[0], raw(Func::interrupt));
  EXPECT_EQ(out.x[2], kDeviceSpi);
  // kOther is still running (no other CPU may enter it meanwhile).
  EXPECT_EQ(core_.partition(index_of(kOther)).contexts[0].state(), PartitionState::running);
  EXPECT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_64), kOther, 0, 2}}, out),
            Outcome::reply_to_caller);
  EXPECT_EQ(out.w(2), static_cast<uint32_t>(ffa::Error::busy));
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), kDeviceSpi);
  EXPECT_EQ(hf(ffa::hf::kInterruptDeactivate, kDeviceSpi, kDeviceSpi), 0u);
  ASSERT_EQ(driver_call(Regs{{raw(Func::msg_wait)}}, out), Outcome::resume_partition);
  EXPECT_EQ(core_.scheduled(), index_of(kOther));
  EXPECT_EQ(core_.deferred_interrupts(), 0u);
  // kOther answers the normal world as if nothing happened.
  ASSERT_EQ(answer(kOther, 7, out), Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::msg_send_direct_resp_64));
  EXPECT_EQ(out.x[3], 7u);
}

TEST_F(SecureInterrupts, AHandlerThatFaultsGivesTheCpuBackToThePartitionItPreempted) {
  Regs out{};
  ASSERT_NO_FATAL_FAILURE(driver_preempts_other(out));
  ASSERT_EQ(core_.sp_aborted(index_of(kDriver), out), Outcome::resume_partition);
  EXPECT_EQ(core_.scheduled(), index_of(kOther));
  EXPECT_TRUE(driver().aborted());
  ASSERT_EQ(answer(kOther, 7, out), Outcome::reply_to_caller);
  EXPECT_EQ(out.x[3], 7u);
}

TEST_F(SecureInterrupts, AHandlerIsNotPreemptedByAnotherPartitionsInterrupt) {
  // Interrupts do not nest: kQueued's interrupt arrives while the driver's
  // handler runs (for the normal world's side, or on top of kOther): it
  // waits, and kQueued is told once the normal world runs again.
  Regs out{}, got{};
  ASSERT_NO_FATAL_FAILURE(enable_queued_interrupt());
  ASSERT_NO_FATAL_FAILURE(driver_preempts_other(out));
  EXPECT_EQ(core_.scheduled(), index_of(kDriver));
  placement_.raise_interrupt(kQueuedSpi);
  ASSERT_EQ(core_.sp_secure_interrupted(index_of(kDriver), out), Outcome::resume_partition);
  EXPECT_EQ(core_.scheduled(), index_of(kDriver));
  EXPECT_EQ(core_.deferred_interrupts(), 1u);
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), kDeviceSpi);
  EXPECT_EQ(hf(ffa::hf::kInterruptDeactivate, kDeviceSpi, kDeviceSpi), 0u);
  // The driver waits: kOther carries on (kQueued's interrupt does not
  // preempt it now either: it was taken already, and waits to be told).
  ASSERT_EQ(driver_call(Regs{{raw(Func::msg_wait)}}, out), Outcome::resume_partition);
  EXPECT_EQ(core_.scheduled(), index_of(kOther));
  ASSERT_EQ(answer(kOther, 1, out), Outcome::reply_to_caller);
  // Back for the normal world's next entry: kQueued takes it.
  EXPECT_TRUE(placement_.interrupt_pending(kQueuedSpi));
  ASSERT_EQ(spmd_interrupt(out), Outcome::run_partition);
  EXPECT_EQ(core_.scheduled(), index_of(kQueued));
  EXPECT_EQ(out.x[2], kQueuedSpi);
  ASSERT_EQ(core_.handle_sp_call(index_of(kQueued), Regs{{ffa::hf::kInterruptGet}}, got), Outcome::run_partition);
  EXPECT_EQ(got.x[0], kQueuedSpi);
  ASSERT_EQ(core_.handle_sp_call(index_of(kQueued), Regs{{ffa::hf::kInterruptDeactivate, kQueuedSpi, kQueuedSpi}}, got),
            Outcome::run_partition);
  ASSERT_EQ(core_.handle_sp_call(index_of(kQueued), Regs{{raw(Func::msg_wait)}}, out), Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::normal_world_resume));
}

TEST_F(SecureInterrupts, APartitionCalledByAnotherIsNotPreempted) {
  // kQueued, working for the normal world, calls kOther: the driver's
  // interrupt waits until the chain is done, whatever kOther's manifest
  // says (a call chain finishes first).
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, kDeviceSpi, 1, 0), 0u);
  Regs out{};
  ASSERT_NO_FATAL_FAILURE(request(kQueued, 1, out));
  ASSERT_EQ(core_.handle_sp_call(index_of(kQueued), Regs{{raw(Func::msg_send_direct_req_64), uint32_t{kQueued} << 16 | kOther, 0, 2}},
                                 out),
            Outcome::run_partition);
  ASSERT_EQ(core_.scheduled(), index_of(kOther));
  placement_.raise_interrupt(kDeviceSpi);
  ASSERT_EQ(core_.sp_secure_interrupted(index_of(kOther), out), Outcome::resume_partition);
  EXPECT_EQ(core_.scheduled(), index_of(kOther));
  EXPECT_EQ(core_.deferred_interrupts(), 1u);
  ASSERT_EQ(core_.handle_sp_call(index_of(kOther), Regs{{raw(Func::msg_send_direct_resp_64), uint32_t{kOther} << 16 | kQueued, 0, 2}},
                                 out),
            Outcome::run_partition);
  EXPECT_EQ(core_.scheduled(), index_of(kQueued));
  ASSERT_EQ(answer(kQueued, 1, out), Outcome::reply_to_caller);
  // Back for the normal world's next entry.
  ASSERT_NO_FATAL_FAILURE(driver_told_at_next_entry(out));
}

TEST_F(SecureInterrupts, InterruptsThatWaitedForAHandlerComeBackWhenItGivesTheCpuBack) {
  // The driver's handler preempts kOther; kQueued's interrupt arrives
  // meanwhile and waits (handlers do not nest). When the handler waits,
  // kOther resumes and kQueued's interrupt is let through again at once,
  // to preempt kOther in turn, not after kOther's whole request.
  Regs out{}, got{};
  ASSERT_NO_FATAL_FAILURE(enable_queued_interrupt());
  ASSERT_NO_FATAL_FAILURE(driver_preempts_other(out));
  placement_.raise_interrupt(kQueuedSpi);
  ASSERT_EQ(core_.sp_secure_interrupted(index_of(kDriver), out), Outcome::resume_partition);
  EXPECT_FALSE(placement_.interrupt_pending(kQueuedSpi));
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), kDeviceSpi);
  EXPECT_EQ(hf(ffa::hf::kInterruptDeactivate, kDeviceSpi, kDeviceSpi), 0u);
  ASSERT_EQ(driver_call(Regs{{raw(Func::msg_wait)}}, out), Outcome::resume_partition);
  EXPECT_EQ(core_.scheduled(), index_of(kOther));
  EXPECT_TRUE(placement_.interrupt_pending(kQueuedSpi));
  // It comes while kOther runs: kQueued's handler on top of kOther.
  ASSERT_EQ(core_.sp_secure_interrupted(index_of(kOther), out), Outcome::run_partition);
  EXPECT_EQ(core_.scheduled(), index_of(kQueued));
  EXPECT_EQ(out.x[2], kQueuedSpi);
  ASSERT_EQ(core_.handle_sp_call(index_of(kQueued), Regs{{ffa::hf::kInterruptGet}}, got), Outcome::run_partition);
  ASSERT_EQ(core_.handle_sp_call(index_of(kQueued), Regs{{ffa::hf::kInterruptDeactivate, kQueuedSpi, kQueuedSpi}}, got),
            Outcome::run_partition);
  ASSERT_EQ(core_.handle_sp_call(index_of(kQueued), Regs{{raw(Func::msg_wait)}}, out), Outcome::resume_partition);
  EXPECT_EQ(core_.scheduled(), index_of(kOther));
  ASSERT_EQ(answer(kOther, 1, out), Outcome::reply_to_caller);
  EXPECT_EQ(core_.deferred_interrupts(), 0u);
}

TEST_F(SecureInterrupts, GetTakesTheAnnouncedInterruptFirstAndNoneIsLost) {
  // (Found by review.) FFA_INTERRUPT announces the second SPI; the first
  // arrives while the handler runs. A handler that takes one interrupt per
  // FFA_INTERRUPT gets the one it was told of, then the other.
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, kDeviceSpi, 1, 0), 0u);
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, kSecondSpi, 1, 0), 0u);
  placement_.raise_interrupt(kSecondSpi);
  Regs out{};
  ASSERT_EQ(spmd_interrupt(out), Outcome::run_partition);
  EXPECT_EQ(out.x[2], kSecondSpi);
  placement_.raise_interrupt(kDeviceSpi);
  ASSERT_EQ(core_.sp_secure_interrupted(index_of(kDriver), out), Outcome::resume_partition);
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), kSecondSpi);
  EXPECT_EQ(hf(ffa::hf::kInterruptDeactivate, kSecondSpi, kSecondSpi), 0u);
  ASSERT_EQ(driver_call(Regs{{raw(Func::msg_wait)}}, out), Outcome::run_partition);
  EXPECT_EQ(out.x[0], raw(Func::interrupt));
  EXPECT_EQ(out.x[2], kDeviceSpi);
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), kDeviceSpi);
  EXPECT_EQ(hf(ffa::hf::kInterruptDeactivate, kDeviceSpi, kDeviceSpi), 0u);
  ASSERT_EQ(driver_call(Regs{{raw(Func::msg_wait)}}, out), Outcome::reply_to_caller);
  EXPECT_EQ(core_.deferred_interrupts(), 0u);
}

TEST_F(SecureInterrupts, AnnouncingAnotherRetriggeredInterruptWithdrawsItsRetrigger) {
  // (Found by review.) Both SPIs deferred while the driver was busy, both
  // retriggered; the second one's arrival announces the first, whose own
  // retrigger must then not deliver it again.
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, kDeviceSpi, 1, 0), 0u);
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, kSecondSpi, 1, 0), 0u);
  Regs out{};
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_64), kDriver, 0, 1}}, out),
            Outcome::run_partition);
  placement_.raise_interrupt(kDeviceSpi);
  placement_.raise_interrupt(kSecondSpi);
  ASSERT_EQ(core_.sp_secure_interrupted(index_of(kDriver), out), Outcome::resume_partition);
  ASSERT_EQ(core_.sp_secure_interrupted(index_of(kDriver), out), Outcome::resume_partition);
  EXPECT_EQ(core_.deferred_interrupts(), 2u);
  ASSERT_EQ(driver_call(Regs{{raw(Func::msg_send_direct_resp_64), uint32_t{kDriver} << 16, 0, 1}}, out),
            Outcome::reply_to_caller);
  EXPECT_TRUE(placement_.interrupt_pending(kDeviceSpi));
  EXPECT_TRUE(placement_.interrupt_pending(kSecondSpi));
  // The controller gives back 39 first (the lower ID); announce, take both.
  ASSERT_EQ(spmd_interrupt(out), Outcome::run_partition);
  EXPECT_EQ(out.x[2], kDeviceSpi);
  // 41 is still pending at the controller: no interrupt had announced it.
  EXPECT_TRUE(placement_.interrupt_pending(kSecondSpi));
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), kDeviceSpi);
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), kSecondSpi);
  // Taken: its retrigger is withdrawn, nothing comes back after the handler.
  EXPECT_FALSE(placement_.interrupt_pending(kSecondSpi));
  EXPECT_EQ(hf(ffa::hf::kInterruptDeactivate, kDeviceSpi, kDeviceSpi), 0u);
  EXPECT_EQ(hf(ffa::hf::kInterruptDeactivate, kSecondSpi, kSecondSpi), 0u);
  ASSERT_EQ(driver_call(Regs{{raw(Func::msg_wait)}}, out), Outcome::reply_to_caller);
  ASSERT_EQ(spmd_interrupt(out), Outcome::reply_to_caller);  // spurious: nothing pending
  EXPECT_EQ(out.x[0], raw(Func::normal_world_resume));
  EXPECT_EQ(core_.deferred_interrupts(), 0u);
}

TEST_F(SecureInterrupts, ADisabledInterruptIsNotRetriggered) {
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, kDeviceSpi, 1, 0), 0u);
  Regs out{};
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_64), kDriver, 0, 1}}, out),
            Outcome::run_partition);
  placement_.raise_interrupt(kDeviceSpi);
  ASSERT_EQ(core_.sp_secure_interrupted(index_of(kDriver), out), Outcome::resume_partition);
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, kDeviceSpi, 0, 0), 0u);  // it changes its mind
  ASSERT_EQ(driver_call(Regs{{raw(Func::msg_send_direct_resp_64), uint32_t{kDriver} << 16, 0, 1}}, out),
            Outcome::reply_to_caller);
  EXPECT_EQ(placement_.retriggered(), 0u);
  EXPECT_FALSE(placement_.interrupt_enabled(kDeviceSpi));
  // Enabled again: it comes back at the next return to the normal world.
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_64), kDriver, 0, 2}}, out),
            Outcome::run_partition);
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, kDeviceSpi, 1, 0), 0u);
  ASSERT_EQ(driver_call(Regs{{raw(Func::msg_send_direct_resp_64), uint32_t{kDriver} << 16, 0, 2}}, out),
            Outcome::reply_to_caller);
  EXPECT_EQ(placement_.retriggered(), 1u);
}

TEST(SecureInterruptsAtBoot, AnInterruptThatArrivesWhileBootingComesBackAfterBoot) {
  // (Found by review.) The driver enables its SPI while it initialises and
  // the device asserts it at once: the boot chain ends in boot_done, not
  // in an answer to the normal world, and must still retrigger it.
  fake::FakePlacement placement;
  spmc::Core core(placement, spmc::CoreConfig{ffa::EndpointId(kSpmcId), ffa::kVersion1_2});
  spmc::Partition p{};
  p.info = ffa::PartitionInfo{ffa::EndpointId(kDriver), 1, ffa::partition_props::direct_req_recv,
                              ffa::Uuid{{1, 2, 3, 4}}};
  p.interrupts[p.interrupt_count++].id = kDeviceSpi;
  ASSERT_TRUE(core.add_partition(p).ok());
  Regs out{};
  ASSERT_EQ(core.boot_next(out), Outcome::run_partition);
  ASSERT_EQ(core.handle_sp_call(0, Regs{{ffa::hf::kInterruptEnable, kDeviceSpi, 1, 0}}, out), Outcome::run_partition);
  placement.raise_interrupt(kDeviceSpi);
  ASSERT_EQ(core.sp_secure_interrupted(0, out), Outcome::resume_partition);
  ASSERT_EQ(core.handle_sp_call(0, Regs{{raw(Func::msg_wait)}}, out), Outcome::boot_done);
  EXPECT_EQ(placement.retriggered(), 1u);
  ASSERT_EQ(core.handle_nwd_call(Regs{{raw(Func::interrupt)}}, out), Outcome::run_partition);
  EXPECT_EQ(out.x[2], kDeviceSpi);
}

TEST_F(SecureInterrupts, HostileCallsAreRefused) {
  // Another partition's interrupt, an unknown one, bad enable values.
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, 40, 1, 0), ffa::hf::kFailed);
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, kDeviceSpi, 2, 0), ffa::hf::kFailed);
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, kDeviceSpi, 1, 2), ffa::hf::kFailed);
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, uint64_t{1} << 32 | kDeviceSpi, 1, 0), ffa::hf::kFailed);
  Regs out{};
  EXPECT_EQ(core_.handle_sp_call(index_of(kOther), Regs{{ffa::hf::kInterruptEnable, kDeviceSpi, 1, 0}}, out),
            Outcome::run_partition);
  EXPECT_EQ(out.x[0], ffa::hf::kFailed);
  EXPECT_FALSE(placement_.interrupt_enabled(kDeviceSpi));
  // Deactivating what is not active, or with a different virtual ID.
  EXPECT_EQ(hf(ffa::hf::kInterruptDeactivate, kDeviceSpi, kDeviceSpi), ffa::hf::kFailed);
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), ffa::hf::kInvalidIntid);
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, kDeviceSpi, 1, 0), 0u);
  placement_.raise_interrupt(kDeviceSpi);
  ASSERT_EQ(spmd_interrupt(out), Outcome::run_partition);
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), kDeviceSpi);
  EXPECT_EQ(hf(ffa::hf::kInterruptDeactivate, kDeviceSpi, kSecondSpi), ffa::hf::kFailed);
  // Disabling while active keeps it off after the deactivation.
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, kDeviceSpi, 0, 0), 0u);
  EXPECT_EQ(hf(ffa::hf::kInterruptDeactivate, kDeviceSpi, kDeviceSpi), 0u);
  EXPECT_FALSE(placement_.interrupt_enabled(kDeviceSpi));
  ASSERT_EQ(driver_call(Regs{{raw(Func::msg_wait)}}, out), Outcome::reply_to_caller);
  // FFA_INTERRUPT from a partition is not a call it makes.
  EXPECT_EQ(driver_call(Regs{{raw(Func::interrupt)}}, out), Outcome::run_partition);
  EXPECT_EQ(ffa::error_of(out), ffa::Error::not_supported);
}

TEST_F(SecureInterrupts, RegistrationRefusesSharedOrNonSpiInterrupts) {
  EXPECT_EQ(add(0x8004, {kDeviceSpi}).error(), ffa::Error::invalid_parameters);  // kDriver's
  EXPECT_EQ(add(0x8004, {29}).error(), ffa::Error::invalid_parameters);          // a PPI
  EXPECT_EQ(add(0x8004, {1020}).error(), ffa::Error::invalid_parameters);        // special
  EXPECT_EQ(add(0x8004, {50, 50}).error(), ffa::Error::invalid_parameters);      // twice
  EXPECT_TRUE(add(0x8004, {50}).ok());
}

TEST_F(SecureInterrupts, AbortedHandlerResumesTheNormalWorldAndItsInterruptStaysOff) {
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, kDeviceSpi, 1, 0), 0u);
  placement_.raise_interrupt(kDeviceSpi);
  Regs out{};
  ASSERT_EQ(spmd_interrupt(out), Outcome::run_partition);
  ASSERT_EQ(core_.sp_aborted(index_of(kDriver), out), Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::normal_world_resume));
  EXPECT_FALSE(placement_.interrupt_enabled(kDeviceSpi));
  placement_.raise_interrupt(kDeviceSpi);
  ASSERT_EQ(spmd_interrupt(out), Outcome::reply_to_caller);  // held back: nothing acknowledged
  EXPECT_EQ(out.x[0], raw(Func::normal_world_resume));
}

}  // namespace
