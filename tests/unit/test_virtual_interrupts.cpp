// Virtual interrupts on spmc::Core, for a placement whose partitions take
// them (S-EL1 partitions under an S-EL2 SPMC): a partition's own device
// interrupt raised on its virtual line while it runs, managed exit as a
// virtual IRQ or FIQ that the partition answers early, FFA_FEATURES'
// managed exit ID, and the same calls where partitions take none.
#include <gtest/gtest.h>

#include "arch/fake/fake_placement.h"
#include "ffa/hf_interrupt.h"
#include "ffa/notifications.h"
#include "spmc/core.h"
#include "core_test_util.h"

namespace {

using ffa::Func;
using ffa::raw;
using ffa::Regs;
using spmc::ExecutionContext;
using spmc::Outcome;
using spmc::PartitionState;

constexpr uint16_t kSpmcId = 0x8000;
constexpr uint16_t kDriver = 0x8001, kOther = 0x8002;
constexpr uint32_t kDeviceSpi = 39;

class VirtualInterrupts : public ::testing::Test {
 protected:
  VirtualInterrupts() : core_(placement_, spmc::CoreConfig{ffa::EndpointId(kSpmcId), ffa::kVersion1_2}) {
    placement_.virtual_interrupts = true;
  }

  void SetUp() override {
    ASSERT_TRUE(add(kDriver, {kDeviceSpi}).ok());
    ASSERT_TRUE(add(kOther, {}, ffa::NsInterruptAction::signaled).ok());
    Regs out{};
    Outcome o = core_.boot_next(out);
    while (o == Outcome::run_partition) o = core_.handle_sp_call(core_.scheduled(), Regs{{raw(Func::msg_wait)}}, out);
    ASSERT_EQ(o, Outcome::boot_done);
  }

  // The driver asks for managed exit by a virtual IRQ (managed-exit-virq),
  // as the sel2-spmc configuration's irq-c does; kOther has its normal-
  // world interrupts signalled and others' secure ones queued.
  ffa::Status add(uint16_t id, std::initializer_list<uint32_t> interrupts,
                  ffa::NsInterruptAction action = ffa::NsInterruptAction::managed_exit) {
    spmc::Partition p{};
    p.info = ffa::PartitionInfo{ffa::EndpointId(id), 1,
                                ffa::partition_props::direct_req_recv | ffa::partition_props::aarch64,
                                ffa::Uuid{{id, 1, 2, 3}}};
    p.ns_action = action;
    p.managed_exit_fiq = false;
    p.notifications.created = id == kDriver;  // it takes notifications
    // kOther keeps others' interrupts queued while it runs (its manifest's
    // other-s-interrupts-action 0): the driver's wait behind it.
    p.other_secure_interrupts_queued = id == kOther;
    p.notifications.vcpu_count = 1;
    for (uint32_t i : interrupts) p.interrupts[p.interrupt_count++].id = i;
    return core_.add_partition(p);
  }

  size_t index_of(uint16_t id) { return test::index_of(core_, id); }
  size_t driver() { return index_of(kDriver); }
  const ExecutionContext& context() { return core_.partition(driver()).contexts[0]; }
  Outcome driver_call(Regs in, Regs& out) { return core_.handle_sp_call(driver(), in, out); }
  uint64_t hf(uint32_t fid, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0) {
    Regs out{};
    EXPECT_EQ(driver_call(Regs{{fid, a1, a2, a3}}, out), Outcome::run_partition);
    return out.x[0];
  }
  Outcome request(uint16_t to, uint64_t cmd, Regs& out) {
    return core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_64), to, 0, cmd}}, out);
  }
  Outcome answer(uint16_t from, uint64_t cmd, Regs& out) {
    return core_.handle_sp_call(index_of(from), Regs{{raw(Func::msg_send_direct_resp_64), uint32_t{from} << 16, 0, cmd}},
                                out);
  }
  bool irq_line() { return core_.virtual_lines(driver()).irq; }
  bool fiq_line() { return core_.virtual_lines(driver()).fiq; }
  // The driver takes notification 3 (global) from the normal world, which
  // speaks v1.2 (notifications are v1.1's).
  void bind_notification_from_nwd() {
    Regs out{};
    ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::version), 0x10002}}, out), Outcome::reply_to_caller);
    ASSERT_EQ(driver_call(Regs{{raw(Func::notification_bind), 0u << 16 | kDriver, 0, 1u << 3}}, out),
              Outcome::run_partition);
    ASSERT_TRUE(ffa::is_success(out));
  }
  // The normal world sets it.
  void nwd_sets_notification() {
    Regs r{};
    ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::notification_set), 0u << 16 | kDriver, 0, 1u << 3}}, r),
              Outcome::reply_to_caller);
    ASSERT_TRUE(ffa::is_success(r));
  }
  // `announced` ran the driver with FFA_INTERRUPT for its device's SPI;
  // its handler takes and ends it.
  void handler_takes_device_spi(const Regs& announced) {
    EXPECT_EQ(announced.x[0], raw(Func::interrupt));
    EXPECT_EQ(announced.x[2], kDeviceSpi);
    EXPECT_EQ(hf(ffa::hf::kInterruptGet), kDeviceSpi);
    EXPECT_EQ(hf(ffa::hf::kInterruptDeactivate, kDeviceSpi, kDeviceSpi), 0u);
  }

  fake::FakePlacement placement_;
  spmc::Core core_;
};

TEST_F(VirtualInterrupts, ManagedExitIsAVirtualInterruptAndTheAnswerComesEarly) {
  Regs out{};
  ASSERT_EQ(request(kDriver, 1, out), Outcome::run_partition);
  EXPECT_TRUE(core_.ns_interrupts_unmasked(driver()));
  EXPECT_FALSE(irq_line() || fiq_line());
  // The normal world's interrupt: the partition resumes, its signal up
  // (IRQ, as its manifest asks), the normal world's interrupts held back.
  ASSERT_EQ(core_.sp_interrupted(driver(), out), Outcome::resume_partition);
  EXPECT_EQ(core_.scheduled(), driver());
  EXPECT_TRUE(irq_line());
  EXPECT_FALSE(fiq_line());
  EXPECT_FALSE(core_.ns_interrupts_unmasked(driver()));
  EXPECT_EQ(context().state(), PartitionState::running);
  // Its handler takes it: the line goes down; it is purely virtual.
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), ffa::hf::kManagedExitIntid);
  EXPECT_FALSE(irq_line());
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), ffa::hf::kInvalidIntid);
  EXPECT_EQ(hf(ffa::hf::kInterruptDeactivate, ffa::hf::kManagedExitIntid, ffa::hf::kManagedExitIntid),
            ffa::hf::kFailed);
  EXPECT_FALSE(core_.ns_interrupts_unmasked(driver()));
  // It answers early: the normal world gets the answer, not FFA_INTERRUPT.
  ASSERT_EQ(answer(kDriver, 1, out), Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::msg_send_direct_resp_64));
  EXPECT_EQ(context().managed_exit, ExecutionContext::ManagedExit::none);
  // The next request starts afresh.
  ASSERT_EQ(request(kDriver, 2, out), Outcome::run_partition);
  EXPECT_TRUE(core_.ns_interrupts_unmasked(driver()));
  EXPECT_FALSE(irq_line());
}

TEST_F(VirtualInterrupts, ManagedExitPinIsTheManifestsUntilTheHandlerChoosesAnother) {
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, ffa::hf::kManagedExitIntid, 1, ffa::hf::kTypeFiq), 0u);
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, ffa::hf::kManagedExitIntid, 2, ffa::hf::kTypeFiq), ffa::hf::kFailed);
  // Not to be turned off: whether there is one is the manifest's to say.
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, ffa::hf::kManagedExitIntid, 0, ffa::hf::kTypeFiq), ffa::hf::kFailed);
  // A partition without managed exit has no such signal.
  Regs other{};
  ASSERT_EQ(core_.handle_sp_call(index_of(kOther),
                                 Regs{{ffa::hf::kInterruptEnable, ffa::hf::kManagedExitIntid, 1, ffa::hf::kTypeIrq}},
                                 other),
            Outcome::run_partition);
  EXPECT_EQ(other.x[0], ffa::hf::kFailed);
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, ffa::hf::kManagedExitIntid, 1, 7), ffa::hf::kFailed);
  Regs out{};
  ASSERT_EQ(request(kDriver, 1, out), Outcome::run_partition);
  ASSERT_EQ(core_.sp_interrupted(driver(), out), Outcome::resume_partition);
  EXPECT_TRUE(fiq_line());
  EXPECT_FALSE(irq_line());
  // A second normal-world interrupt cannot come (masked), and would change
  // nothing if it did: still one signal.
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), ffa::hf::kManagedExitIntid);
  EXPECT_FALSE(fiq_line());
}

TEST_F(VirtualInterrupts, YieldOrAFaultEndsTheManagedExit) {
  Regs out{};
  ASSERT_EQ(request(kDriver, 1, out), Outcome::run_partition);
  ASSERT_EQ(core_.sp_interrupted(driver(), out), Outcome::resume_partition);
  // FFA_YIELD instead of an answer: the normal world gets its CPU, FFA_RUN
  // resumes the partition with no signal left over.
  ASSERT_EQ(driver_call(Regs{{raw(Func::yield)}}, out), Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::yield));
  EXPECT_EQ(context().managed_exit, ExecutionContext::ManagedExit::none);
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::run), uint32_t{kDriver} << 16}}, out), Outcome::run_partition);
  EXPECT_FALSE(irq_line());
  EXPECT_TRUE(core_.ns_interrupts_unmasked(driver()));
  // Signalled again, then it faults: its requester is told, nothing stays.
  ASSERT_EQ(core_.sp_interrupted(driver(), out), Outcome::resume_partition);
  ASSERT_EQ(core_.sp_aborted(driver(), out), Outcome::reply_to_caller);
  EXPECT_EQ(ffa::error_of(out), ffa::Error::aborted);
  EXPECT_FALSE(irq_line());
}

TEST_F(VirtualInterrupts, APartitionsRequestIsNeverCutShort) {
  // kOther works for kDriver (a partition's request is never cut short by
  // the normal world's interrupts): no managed exit for either.
  Regs out{};
  ASSERT_EQ(request(kOther, 1, out), Outcome::run_partition);
  ASSERT_EQ(answer(kOther, 1, out), Outcome::reply_to_caller);
  ASSERT_EQ(request(kDriver, 1, out), Outcome::run_partition);
  ASSERT_EQ(driver_call(Regs{{raw(Func::msg_send_direct_req_64), uint32_t{kDriver} << 16 | kOther, 0, 5}}, out),
            Outcome::run_partition);
  EXPECT_FALSE(core_.ns_interrupts_unmasked(index_of(kOther)));
  ASSERT_EQ(core_.sp_interrupted(index_of(kOther), out), Outcome::resume_partition);
  EXPECT_FALSE(core_.virtual_lines(index_of(kOther)).irq || core_.virtual_lines(index_of(kOther)).fiq);
}

TEST_F(VirtualInterrupts, CyclesGivenByRunEndTheManagedExitWithThem) {
  // (Found by review.) FFA_RUN's cycles are the normal world's too: a
  // managed exit there ends with the partition's FFA_MSG_WAIT, and the
  // next request starts with the normal world's interrupts let through.
  Regs out{};
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::run), uint32_t{kDriver} << 16}}, out), Outcome::run_partition);
  EXPECT_TRUE(core_.ns_interrupts_unmasked(driver()));
  ASSERT_EQ(core_.sp_interrupted(driver(), out), Outcome::resume_partition);
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), ffa::hf::kManagedExitIntid);
  ASSERT_EQ(driver_call(Regs{{raw(Func::msg_wait)}}, out), Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::msg_wait));
  EXPECT_EQ(context().managed_exit, ExecutionContext::ManagedExit::none);
  ASSERT_EQ(request(kDriver, 1, out), Outcome::run_partition);
  EXPECT_TRUE(core_.ns_interrupts_unmasked(driver()));
  EXPECT_FALSE(irq_line() || fiq_line());
  // And one never taken does not come back with the next request.
  ASSERT_EQ(answer(kDriver, 1, out), Outcome::reply_to_caller);
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::run), uint32_t{kDriver} << 16}}, out), Outcome::run_partition);
  ASSERT_EQ(core_.sp_interrupted(driver(), out), Outcome::resume_partition);
  ASSERT_EQ(driver_call(Regs{{raw(Func::msg_wait)}}, out), Outcome::reply_to_caller);
  ASSERT_EQ(request(kDriver, 2, out), Outcome::run_partition);
  EXPECT_FALSE(irq_line() || fiq_line());
}

TEST_F(VirtualInterrupts, AnInterruptSignalledInPlaceButNotTakenComesBackWhenItWaits) {
  // (Found by review.) Its handler never ran (IRQs masked) before it
  // answered: the interrupt is deferred again, retriggered, and announced
  // with FFA_INTERRUPT once the normal world runs.
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, kDeviceSpi, 1, ffa::hf::kTypeIrq), 0u);
  Regs out{};
  ASSERT_EQ(request(kDriver, 1, out), Outcome::run_partition);
  placement_.raise_interrupt(kDeviceSpi);
  ASSERT_EQ(core_.sp_secure_interrupted(driver(), out), Outcome::resume_partition);
  EXPECT_TRUE(irq_line());
  EXPECT_EQ(core_.deferred_interrupts(), 0u);
  ASSERT_EQ(answer(kDriver, 1, out), Outcome::reply_to_caller);
  EXPECT_EQ(placement_.retriggered(), 1u);
  EXPECT_TRUE(placement_.interrupt_pending(kDeviceSpi));
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::interrupt)}}, out), Outcome::run_partition);
  EXPECT_EQ(out.x[0], raw(Func::interrupt));
  EXPECT_EQ(out.x[2], kDeviceSpi);
  EXPECT_TRUE(irq_line());
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), kDeviceSpi);
  EXPECT_EQ(hf(ffa::hf::kInterruptDeactivate, kDeviceSpi, kDeviceSpi), 0u);
  ASSERT_EQ(driver_call(Regs{{raw(Func::msg_wait)}}, out), Outcome::reply_to_caller);
  EXPECT_EQ(core_.deferred_interrupts(), 0u);
}

TEST_F(VirtualInterrupts, FeaturesGiveTheManagedExitIdToPartitions) {
  Regs out{};
  ASSERT_EQ(driver_call(Regs{{raw(Func::features), ffa::notification::kFeatureManagedExit}}, out),
            Outcome::run_partition);
  ASSERT_TRUE(ffa::is_success(out));
  EXPECT_EQ(out.w(2), ffa::hf::kManagedExitIntid);
  ASSERT_EQ(driver_call(Regs{{raw(Func::features), ffa::notification::kFeatureNpi}}, out), Outcome::run_partition);
  ASSERT_TRUE(ffa::is_success(out));
  EXPECT_EQ(out.w(2), ffa::hf::kNpiIntid);
  // Input properties are MBZ; the SRI is the normal world's.
  ASSERT_EQ(driver_call(Regs{{raw(Func::features), ffa::notification::kFeatureManagedExit, 1}}, out),
            Outcome::run_partition);
  EXPECT_EQ(ffa::error_of(out), ffa::Error::not_supported);
  for (uint32_t feature : {ffa::notification::kFeatureSri, 7u}) {
    ASSERT_EQ(driver_call(Regs{{raw(Func::features), feature}}, out), Outcome::run_partition);
    EXPECT_EQ(ffa::error_of(out), ffa::Error::not_supported);
  }
}

TEST_F(VirtualInterrupts, ANotificationRaisesTheNpiUntilTakenOrGot) {
  const size_t d = driver();
  Regs out{};
  bind_notification_from_nwd();
  EXPECT_FALSE(irq_line());
  nwd_sets_notification();
  EXPECT_TRUE(irq_line());  // the line is up for its next run (FFA_RUN)
  EXPECT_TRUE(core_.takes_virtual_interrupts(d));
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), ffa::hf::kNpiIntid);
  EXPECT_FALSE(irq_line());
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), ffa::hf::kInvalidIntid);
  EXPECT_EQ(hf(ffa::hf::kInterruptDeactivate, ffa::hf::kNpiIntid, ffa::hf::kNpiIntid), ffa::hf::kFailed);
  // Or the partition gets its notifications without taking the NPI.
  nwd_sets_notification();
  EXPECT_TRUE(irq_line());
  ASSERT_EQ(driver_call(Regs{{raw(Func::notification_get), kDriver, 2 /* from VMs */}}, out), Outcome::run_partition);
  ASSERT_TRUE(ffa::is_success(out));
  EXPECT_EQ(out.w(4), 1u << 3);
  EXPECT_FALSE(irq_line());
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), ffa::hf::kInvalidIntid);
}

TEST_F(VirtualInterrupts, WithoutVirtualInterruptsManagedExitIsSignalledAsBefore) {
  placement_.virtual_interrupts = false;
  Regs out{};
  ASSERT_EQ(driver_call(Regs{{raw(Func::features), ffa::notification::kFeatureManagedExit}}, out),
            Outcome::run_partition);
  EXPECT_EQ(ffa::error_of(out), ffa::Error::not_supported);
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, ffa::hf::kManagedExitIntid, 1, ffa::hf::kTypeIrq), ffa::hf::kFailed);
  ASSERT_EQ(request(kDriver, 1, out), Outcome::run_partition);
  ASSERT_EQ(core_.sp_interrupted(driver(), out), Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::interrupt));
  EXPECT_EQ(context().state(), PartitionState::preempted);
  EXPECT_EQ(context().managed_exit, ExecutionContext::ManagedExit::none);
}

TEST_F(VirtualInterrupts, OwnInterruptWhileRunningIsTakenInPlace) {
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, kDeviceSpi, 1, ffa::hf::kTypeIrq), 0u);
  Regs out{};
  ASSERT_EQ(request(kDriver, 1, out), Outcome::run_partition);
  // Its device raises the interrupt while it handles the request.
  placement_.raise_interrupt(kDeviceSpi);
  ASSERT_EQ(core_.sp_secure_interrupted(driver(), out), Outcome::resume_partition);
  EXPECT_EQ(core_.scheduled(), driver());
  EXPECT_TRUE(irq_line());
  EXPECT_EQ(core_.deferred_interrupts(), 0u);
  EXPECT_FALSE(placement_.interrupt_enabled(kDeviceSpi));  // held back until deactivated
  EXPECT_EQ(context().state(), PartitionState::running);     // still the request's
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), kDeviceSpi);
  EXPECT_FALSE(irq_line());
  EXPECT_EQ(hf(ffa::hf::kInterruptDeactivate, kDeviceSpi, kDeviceSpi), 0u);
  EXPECT_TRUE(placement_.interrupt_enabled(kDeviceSpi));
  // Its answer retriggers nothing: nothing was left over.
  ASSERT_EQ(answer(kDriver, 1, out), Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::msg_send_direct_resp_64));
  EXPECT_EQ(placement_.retriggered(), 0u);
}

TEST_F(VirtualInterrupts, AnotherPartitionsInterruptWaitsForItsOwner) {
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, kDeviceSpi, 1, ffa::hf::kTypeFiq), 0u);
  Regs out{};
  ASSERT_EQ(request(kOther, 1, out), Outcome::run_partition);
  placement_.raise_interrupt(kDeviceSpi);
  ASSERT_EQ(core_.sp_secure_interrupted(index_of(kOther), out), Outcome::resume_partition);
  EXPECT_EQ(core_.scheduled(), index_of(kOther));
  EXPECT_FALSE(core_.virtual_lines(index_of(kOther)).irq || core_.virtual_lines(index_of(kOther)).fiq);
  EXPECT_FALSE(irq_line() || fiq_line());  // not signalled to the driver yet
  EXPECT_EQ(core_.deferred_interrupts(), 1u);
  // kOther answers; the interrupt comes back while the normal world runs,
  // and the waiting driver runs with FFA_INTERRUPT and its FIQ line up.
  ASSERT_EQ(answer(kOther, 1, out), Outcome::reply_to_caller);
  EXPECT_TRUE(placement_.interrupt_pending(kDeviceSpi));
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::interrupt)}}, out), Outcome::run_partition);
  EXPECT_EQ(core_.scheduled(), driver());
  EXPECT_EQ(out.x[0], raw(Func::interrupt));
  EXPECT_EQ(out.x[2], kDeviceSpi);
  EXPECT_TRUE(fiq_line());
  EXPECT_FALSE(irq_line());
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), kDeviceSpi);
  EXPECT_FALSE(fiq_line());
  EXPECT_EQ(hf(ffa::hf::kInterruptDeactivate, kDeviceSpi, kDeviceSpi), 0u);
  ASSERT_EQ(driver_call(Regs{{raw(Func::msg_wait)}}, out), Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::normal_world_resume));
}

// The driver (UP) handles a request on another CPU while the normal world
// runs here: what is raised for it meanwhile is told to its running
// context on its lines, and the placement is asked to make that CPU's
// vCPU see them now (lines_raised), not at its next entry.
TEST_F(VirtualInterrupts, ANotificationForAPartitionThatRunsRaisesItsLinesAtOnce) {
  bind_notification_from_nwd();
  Regs out{};
  ASSERT_EQ(request(kDriver, 1, out), Outcome::run_partition);
  placement_.cpu = 1;  // the normal world, on another CPU
  nwd_sets_notification();
  EXPECT_TRUE(irq_line());
  EXPECT_EQ(placement_.lines_raised_for, std::vector<size_t>{driver()});
  // The NPI is the partition's: whichever of its contexts runs.
  EXPECT_EQ(placement_.lines_raised_context, std::vector<unsigned>{spmc::Placement::kEveryContext});
  // Once is enough: a second one finds the line up already.
  nwd_sets_notification();
  EXPECT_EQ(placement_.lines_raised_for.size(), 1u);
  placement_.cpu = 0;
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), ffa::hf::kNpiIntid);
  EXPECT_FALSE(irq_line());
  ASSERT_EQ(answer(kDriver, 1, out), Outcome::reply_to_caller);
  // Where partitions take no virtual interrupts there is no NPI to raise.
  placement_.virtual_interrupts = false;
  ASSERT_EQ(request(kDriver, 1, out), Outcome::run_partition);
  nwd_sets_notification();
  EXPECT_EQ(placement_.lines_raised_for.size(), 1u);
}

TEST_F(VirtualInterrupts, AnInterruptForAnOwnerRunningElsewhereIsToldInPlace) {
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, kDeviceSpi, 1, ffa::hf::kTypeIrq), 0u);
  Regs out{};
  ASSERT_EQ(request(kDriver, 1, out), Outcome::run_partition);
  // Its device's interrupt arrives where the normal world runs.
  placement_.cpu = 1;
  placement_.raise_interrupt(kDeviceSpi);
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::interrupt)}}, out), Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::normal_world_resume));
  EXPECT_TRUE(irq_line());
  EXPECT_EQ(core_.deferred_interrupts(), 0u);
  EXPECT_EQ(placement_.lines_raised_for, std::vector<size_t>{driver()});
  EXPECT_EQ(placement_.lines_raised_context, std::vector<unsigned>{0});  // its one context
  EXPECT_FALSE(placement_.interrupt_enabled(kDeviceSpi));  // held back until deactivated
  // Its handler takes it where it runs, within the request.
  placement_.cpu = 0;
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), kDeviceSpi);
  EXPECT_FALSE(irq_line());
  EXPECT_EQ(hf(ffa::hf::kInterruptDeactivate, kDeviceSpi, kDeviceSpi), 0u);
  ASSERT_EQ(answer(kDriver, 1, out), Outcome::reply_to_caller);
  EXPECT_EQ(placement_.retriggered(), 0u);
  EXPECT_EQ(core_.deferred_interrupts(), 0u);
}

TEST_F(VirtualInterrupts, AnInterruptToldInPlaceElsewhereButNotTakenComesBackWhenItWaits) {
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, kDeviceSpi, 1, ffa::hf::kTypeIrq), 0u);
  Regs out{};
  ASSERT_EQ(request(kDriver, 1, out), Outcome::run_partition);
  // Another partition runs on the CPU where the interrupt arrives, one
  // that keeps others' interrupts queued: the running driver is still
  // told, elsewhere.
  placement_.cpu = 1;
  ASSERT_EQ(request(kOther, 1, out), Outcome::run_partition);
  placement_.raise_interrupt(kDeviceSpi);
  ASSERT_EQ(core_.sp_secure_interrupted(index_of(kOther), out), Outcome::resume_partition);
  EXPECT_EQ(core_.scheduled(), index_of(kOther));
  EXPECT_TRUE(irq_line());
  EXPECT_EQ(placement_.lines_raised_for, std::vector<size_t>{driver()});
  ASSERT_EQ(answer(kOther, 1, out), Outcome::reply_to_caller);
  // It answers without taking it (IRQs masked, or the kick came late):
  // deferred again, retriggered, and announced with FFA_INTERRUPT.
  placement_.cpu = 0;
  ASSERT_EQ(answer(kDriver, 1, out), Outcome::reply_to_caller);
  EXPECT_EQ(core_.deferred_interrupts(), 1u);
  EXPECT_TRUE(placement_.interrupt_pending(kDeviceSpi));
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::interrupt)}}, out), Outcome::run_partition);
  handler_takes_device_spi(out);
  ASSERT_EQ(driver_call(Regs{{raw(Func::msg_wait)}}, out), Outcome::reply_to_caller);
  EXPECT_EQ(core_.deferred_interrupts(), 0u);
}

// Its handler runs (FFA_INTERRUPT) on another CPU when the interrupt
// comes again: it is not told in place, where a handler that waits
// without taking it (one GET per FFA_INTERRUPT, or its IRQs masked) would
// leave it told to nobody; it stays deferred, and the handler's
// FFA_MSG_WAIT announces it.
TEST_F(VirtualInterrupts, AnInterruptForARunningHandlerWaitsForItsMsgWait) {
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, kDeviceSpi, 1, ffa::hf::kTypeIrq), 0u);
  Regs out{};
  placement_.raise_interrupt(kDeviceSpi);
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::interrupt)}}, out), Outcome::run_partition);
  ASSERT_EQ(out.x[0], raw(Func::interrupt));
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), kDeviceSpi);
  EXPECT_EQ(hf(ffa::hf::kInterruptDeactivate, kDeviceSpi, kDeviceSpi), 0u);
  // Again, where the normal world runs, while the handler still runs.
  placement_.cpu = 1;
  placement_.raise_interrupt(kDeviceSpi);
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::interrupt)}}, out), Outcome::reply_to_caller);
  EXPECT_TRUE(placement_.lines_raised_for.empty());
  EXPECT_EQ(core_.deferred_interrupts(), 1u);
  placement_.cpu = 0;
  ASSERT_EQ(driver_call(Regs{{raw(Func::msg_wait)}}, out), Outcome::run_partition);
  handler_takes_device_spi(out);
  ASSERT_EQ(driver_call(Regs{{raw(Func::msg_wait)}}, out), Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::normal_world_resume));
  EXPECT_EQ(core_.deferred_interrupts(), 0u);
}

// Partitions' EL1 physical timers, which an S-EL2 SPMC emulates: the
// placement's host timer stands for them, and the core tells the context
// whose deadline passed with Hafnium's HF_VIRTUAL_TIMER_INTID (3).
class VirtualTimer : public VirtualInterrupts {
 protected:
  Outcome spmd_interrupt(Regs& out) { return core_.handle_nwd_call(Regs{{raw(Func::interrupt)}}, out); }
  // The host timer fires on this CPU for partition `id`'s context here.
  void due(uint16_t id) {
    placement_.timers_due.push_back(index_of(id));
    placement_.raise_interrupt(fake::FakePlacement::kHostTimer);
  }
  Outcome wait(Regs& out) { return driver_call(Regs{{raw(Func::msg_wait)}}, out); }
  // `owner`'s timer comes due on this CPU while `running` handles a
  // request (1) from the normal world: the host timer stops `running`,
  // which then carries on.
  void due_while_running(uint16_t running, uint16_t owner, Regs& out) {
    ASSERT_EQ(request(running, 1, out), Outcome::run_partition);
    due(owner);
    ASSERT_EQ(core_.sp_secure_interrupted(index_of(running), out), Outcome::resume_partition);
  }
  void TearDown() override {
    EXPECT_EQ(core_.deferred_interrupts(), 0u);
    EXPECT_EQ(core_.pending_timers(), 0u);
  }
};

TEST_F(VirtualTimer, DueWhileItWaitsItRunsWithFfaInterrupt) {
  Regs out{};
  due(kDriver);
  ASSERT_EQ(spmd_interrupt(out), Outcome::run_partition);
  EXPECT_EQ(core_.scheduled(), driver());
  EXPECT_EQ(out.x[0], raw(Func::interrupt));
  EXPECT_EQ(out.x[2], ffa::hf::kVirtualTimerIntid);
  EXPECT_EQ(placement_.interrupts_ended(fake::FakePlacement::kHostTimer), 1u);
  EXPECT_TRUE(placement_.own_interrupts_handled().empty());  // the partition's, not the SPMC's
  EXPECT_TRUE(irq_line());
  EXPECT_FALSE(core_.ns_interrupts_unmasked(driver()));  // it works for the SPMC
  // Its handler takes it, turns its timer off (the placement's business)
  // and ends it; once only.
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), ffa::hf::kVirtualTimerIntid);
  EXPECT_FALSE(irq_line());
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), ffa::hf::kInvalidIntid);
  EXPECT_EQ(hf(ffa::hf::kInterruptDeactivate, ffa::hf::kVirtualTimerIntid, 4), ffa::hf::kFailed);
  EXPECT_EQ(hf(ffa::hf::kInterruptDeactivate, ffa::hf::kVirtualTimerIntid, ffa::hf::kVirtualTimerIntid), 0u);
  EXPECT_EQ(hf(ffa::hf::kInterruptDeactivate, ffa::hf::kVirtualTimerIntid, ffa::hf::kVirtualTimerIntid),
            ffa::hf::kFailed);
  ASSERT_EQ(wait(out), Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::normal_world_resume));
  EXPECT_TRUE(placement_.timers_retriggered.empty());
}

TEST_F(VirtualTimer, DueWhileItRunsItsLineGoesUpInPlace) {
  Regs out{};
  ASSERT_NO_FATAL_FAILURE(due_while_running(kDriver, kDriver, out));
  EXPECT_EQ(core_.scheduled(), driver());
  EXPECT_TRUE(irq_line());
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), ffa::hf::kVirtualTimerIntid);
  EXPECT_FALSE(irq_line());
  EXPECT_EQ(hf(ffa::hf::kInterruptDeactivate, ffa::hf::kVirtualTimerIntid, ffa::hf::kVirtualTimerIntid), 0u);
  ASSERT_EQ(answer(kDriver, 1, out), Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::msg_send_direct_resp_64));
  EXPECT_TRUE(placement_.timers_retriggered.empty());
}

TEST_F(VirtualTimer, UntakenBeforeItAnswersItComesBackOnceItWaits) {
  // Its IRQs masked, it answers without taking it: the interrupt is not
  // lost. Reported again on its CPU once the normal world runs, it is
  // announced with FFA_INTERRUPT.
  Regs out{};
  ASSERT_NO_FATAL_FAILURE(due_while_running(kDriver, kDriver, out));
  EXPECT_TRUE(irq_line());
  ASSERT_EQ(answer(kDriver, 1, out), Outcome::reply_to_caller);
  EXPECT_EQ(core_.deferred_interrupts(), 1u);
  ASSERT_EQ(placement_.timers_retriggered.size(), 1u);
  EXPECT_EQ(placement_.timers_retriggered[0], std::make_pair(driver(), 0u));
  due(kDriver);
  ASSERT_EQ(spmd_interrupt(out), Outcome::run_partition);
  EXPECT_EQ(out.x[2], ffa::hf::kVirtualTimerIntid);
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), ffa::hf::kVirtualTimerIntid);
  ASSERT_EQ(wait(out), Outcome::reply_to_caller);
}

TEST_F(VirtualTimer, APartitionWithoutDevicesKeepsAnUntakenTimerToo) {
  // kOther owns no interrupt: its timer alone makes its answer look for
  // what it left untaken.
  Regs out{};
  ASSERT_NO_FATAL_FAILURE(due_while_running(kOther, kOther, out));
  EXPECT_TRUE(core_.virtual_lines(index_of(kOther)).irq);
  ASSERT_EQ(answer(kOther, 1, out), Outcome::reply_to_caller);
  // Untaken: pending again, to be told once it waits.
  EXPECT_EQ(core_.partition(index_of(kOther)).contexts[0].timer(), ExecutionContext::Timer::pending);
  ASSERT_EQ(placement_.timers_retriggered.size(), 1u);
  EXPECT_EQ(placement_.timers_retriggered[0], std::make_pair(index_of(kOther), 0u));
  due(kOther);
  ASSERT_EQ(spmd_interrupt(out), Outcome::run_partition);
  EXPECT_EQ(out.x[2], ffa::hf::kVirtualTimerIntid);
  Regs got{};
  ASSERT_EQ(core_.handle_sp_call(index_of(kOther), Regs{{ffa::hf::kInterruptGet}}, got), Outcome::run_partition);
  EXPECT_EQ(got.x[0], ffa::hf::kVirtualTimerIntid);
  ASSERT_EQ(core_.handle_sp_call(index_of(kOther), Regs{{raw(Func::msg_wait)}}, out), Outcome::reply_to_caller);
}

TEST_F(VirtualTimer, DueWhileAnotherPartitionRunsItWaitsForTheNormalWorld) {
  Regs out{};
  ASSERT_NO_FATAL_FAILURE(due_while_running(kOther, kDriver, out));
  EXPECT_EQ(core_.scheduled(), index_of(kOther));
  EXPECT_FALSE(core_.virtual_lines(index_of(kOther)).irq);  // not the running one's
  EXPECT_EQ(context().timer(), ExecutionContext::Timer::pending);
  ASSERT_EQ(answer(kOther, 1, out), Outcome::reply_to_caller);
  ASSERT_EQ(placement_.timers_retriggered.size(), 1u);
  due(kDriver);
  ASSERT_EQ(spmd_interrupt(out), Outcome::run_partition);
  EXPECT_EQ(core_.scheduled(), driver());
  // Taken in its handler before anything else.
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), ffa::hf::kVirtualTimerIntid);
  ASSERT_EQ(wait(out), Outcome::reply_to_caller);
}

TEST_F(VirtualTimer, RewrittenBeforeItWasToldItIsWithdrawn) {
  // Due while another partition had the CPU, then (before the normal world
  // ran) the driver turned its timer off: the level went down, nothing
  // is retriggered or told.
  Regs out{};
  ASSERT_NO_FATAL_FAILURE(due_while_running(kOther, kDriver, out));
  EXPECT_EQ(core_.pending_timers(), 1u);
  core_.timer_quiet(driver());
  EXPECT_EQ(core_.pending_timers(), 0u);
  ASSERT_EQ(answer(kOther, 1, out), Outcome::reply_to_caller);
  EXPECT_TRUE(placement_.timers_retriggered.empty());
  // On its line while it ran, then rewritten: the line goes down.
  ASSERT_NO_FATAL_FAILURE(due_while_running(kDriver, kDriver, out));
  EXPECT_TRUE(irq_line());
  core_.timer_quiet(driver());
  EXPECT_FALSE(irq_line());
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), ffa::hf::kInvalidIntid);
  ASSERT_EQ(answer(kDriver, 1, out), Outcome::reply_to_caller);
  EXPECT_TRUE(placement_.timers_retriggered.empty());
}

TEST_F(VirtualTimer, TakenThenRewrittenItStaysActiveUntilEnded) {
  Regs out{};
  due(kDriver);
  ASSERT_EQ(spmd_interrupt(out), Outcome::run_partition);
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), ffa::hf::kVirtualTimerIntid);
  core_.timer_quiet(driver());  // its handler turns the timer off
  EXPECT_EQ(hf(ffa::hf::kInterruptDeactivate, ffa::hf::kVirtualTimerIntid, ffa::hf::kVirtualTimerIntid), 0u);
  ASSERT_EQ(wait(out), Outcome::reply_to_caller);
}

TEST_F(VirtualTimer, RaisedInItsHandlerAndUntakenItIsToldOnceItWaits) {
  // Its handler re-armed a short deadline that passed before it waited
  // (its IRQs masked, as the trusted OS runs): told by FFA_INTERRUPT at
  // once, not stranded.
  Regs out{};
  due(kDriver);
  ASSERT_EQ(spmd_interrupt(out), Outcome::run_partition);
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), ffa::hf::kVirtualTimerIntid);
  due(kDriver);
  ASSERT_EQ(core_.sp_secure_interrupted(driver(), out), Outcome::resume_partition);
  EXPECT_TRUE(irq_line());
  ASSERT_EQ(wait(out), Outcome::run_partition);
  EXPECT_EQ(out.x[0], raw(Func::interrupt));
  EXPECT_EQ(out.x[2], ffa::hf::kVirtualTimerIntid);
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), ffa::hf::kVirtualTimerIntid);
  ASSERT_EQ(wait(out), Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::normal_world_resume));
}

TEST_F(VirtualTimer, AHandlerThatIgnoresItIsToldOnce) {
  // Told by FFA_INTERRUPT, it waits again without taking it: the normal
  // world resumes, and nothing brings it back (no storm).
  Regs out{};
  due(kDriver);
  ASSERT_EQ(spmd_interrupt(out), Outcome::run_partition);
  ASSERT_EQ(wait(out), Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::normal_world_resume));
  EXPECT_TRUE(placement_.timers_retriggered.empty());
  EXPECT_EQ(context().timer(), ExecutionContext::Timer::signalled);
  // Taken later, in its next request.
  ASSERT_EQ(request(kDriver, 1, out), Outcome::run_partition);
  EXPECT_TRUE(irq_line());
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), ffa::hf::kVirtualTimerIntid);
  ASSERT_EQ(answer(kDriver, 1, out), Outcome::reply_to_caller);
}

TEST_F(VirtualTimer, ARetriggerThatFindsItNoLongerDueForgetsIt) {
  // Pending behind another partition; by the time the normal world runs,
  // the placement finds its deadline gone (its vCPU started afresh, say):
  // the core forgets it rather than retrigger it at every return.
  Regs out{};
  ASSERT_NO_FATAL_FAILURE(due_while_running(kOther, kDriver, out));
  placement_.timers_still_due = false;
  ASSERT_EQ(answer(kOther, 1, out), Outcome::reply_to_caller);
  EXPECT_EQ(placement_.timers_retriggered.size(), 1u);
  EXPECT_EQ(context().timer(), ExecutionContext::Timer::none);
  ASSERT_EQ(request(kOther, 2, out), Outcome::run_partition);
  ASSERT_EQ(answer(kOther, 2, out), Outcome::reply_to_caller);
  EXPECT_EQ(placement_.timers_retriggered.size(), 1u);  // not again
}

TEST_F(VirtualTimer, APendingTimerIsOnTheLineOfTheRequestThatComesNext) {
  // Pending while the driver waited behind another partition: the next
  // request to it finds the line up, and it takes the interrupt there.
  Regs out{};
  ASSERT_NO_FATAL_FAILURE(due_while_running(kOther, kDriver, out));
  ASSERT_EQ(answer(kOther, 1, out), Outcome::reply_to_caller);
  ASSERT_EQ(request(kDriver, 1, out), Outcome::run_partition);
  EXPECT_TRUE(irq_line());
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), ffa::hf::kVirtualTimerIntid);
  EXPECT_FALSE(irq_line());
  ASSERT_EQ(answer(kDriver, 1, out), Outcome::reply_to_caller);
}

TEST_F(VirtualTimer, OnlyAPartitionWhoseTimersCanInterruptPaysForTheCheck) {
  // kOther owns no interrupt: its answers look for an untaken one only
  // from its timer's first report until no timer of its can interrupt.
  const size_t other = index_of(kOther);
  EXPECT_FALSE(core_.partition(other).may_leave_interrupts_untaken);
  Regs out{};
  due(kOther);
  ASSERT_EQ(spmd_interrupt(out), Outcome::run_partition);
  EXPECT_TRUE(core_.partition(other).may_leave_interrupts_untaken);
  Regs got{};
  ASSERT_EQ(core_.handle_sp_call(other, Regs{{ffa::hf::kInterruptGet}}, got), Outcome::run_partition);
  ASSERT_EQ(core_.handle_sp_call(other, Regs{{raw(Func::msg_wait)}}, out), Outcome::reply_to_caller);
  core_.timers_in_use(other, false);
  EXPECT_FALSE(core_.partition(other).may_leave_interrupts_untaken);
  // The driver owns an SPI: it always looks.
  core_.timers_in_use(driver(), false);
  EXPECT_TRUE(core_.partition(driver()).may_leave_interrupts_untaken);
}

TEST_F(VirtualTimer, ItsPinIsChosenAndCannotBeTurnedOff) {
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, ffa::hf::kVirtualTimerIntid, 0, ffa::hf::kTypeIrq), ffa::hf::kFailed);
  EXPECT_EQ(hf(ffa::hf::kInterruptEnable, ffa::hf::kVirtualTimerIntid, 1, ffa::hf::kTypeFiq), 0u);
  Regs out{};
  due(kDriver);
  ASSERT_EQ(spmd_interrupt(out), Outcome::run_partition);
  EXPECT_TRUE(fiq_line());
  EXPECT_FALSE(irq_line());
  EXPECT_EQ(hf(ffa::hf::kInterruptGet), ffa::hf::kVirtualTimerIntid);
  EXPECT_FALSE(fiq_line());
  ASSERT_EQ(wait(out), Outcome::reply_to_caller);
}

TEST_F(VirtualTimer, AHostTimerNobodyIsDueForIsTheSpmcsOwn) {
  Regs out{};
  placement_.raise_interrupt(fake::FakePlacement::kHostTimer);
  ASSERT_EQ(spmd_interrupt(out), Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::normal_world_resume));
  ASSERT_EQ(placement_.own_interrupts_handled().size(), 1u);
  EXPECT_EQ(placement_.interrupts_ended(fake::FakePlacement::kHostTimer), 1u);
}

TEST_F(VirtualTimer, AnAbortedPartitionsTimerIsForgotten) {
  Regs out{};
  ASSERT_NO_FATAL_FAILURE(due_while_running(kOther, kDriver, out));
  EXPECT_EQ(core_.deferred_interrupts(), 1u);
  // The driver faults (in another CPU's request, say): its timer goes with it.
  (void)core_.sp_aborted(driver(), out);
  EXPECT_EQ(core_.deferred_interrupts(), 0u);
  EXPECT_EQ(context().timer(), ExecutionContext::Timer::none);
  // Reported again, it is ignored.
  due(kDriver);
  ASSERT_EQ(core_.sp_secure_interrupted(index_of(kOther), out), Outcome::resume_partition);
  EXPECT_EQ(core_.deferred_interrupts(), 0u);
  ASSERT_EQ(answer(kOther, 1, out), Outcome::reply_to_caller);
  EXPECT_TRUE(placement_.timers_retriggered.empty());
}

}  // namespace
