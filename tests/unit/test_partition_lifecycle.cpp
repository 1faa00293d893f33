// Partitions in their own execution contexts on spmc::Core: boot order,
// direct requests from the normal world and their answers, the partition's
// own calls, and containment when one faults.
#include <gtest/gtest.h>

#include <string>

#include "arch/fake/fake_placement.h"
#include "spmc/core.h"
#include "core_test_util.h"

namespace {

using ffa::Error;
using ffa::Func;
using ffa::Regs;
using spmc::Outcome;
using spmc::PartitionState;

constexpr uint16_t kSpmcId = 0x8000;
constexpr uint16_t kA = 0x8001, kB = 0x8002;

class LoggingPlacement : public fake::FakePlacement {
 public:
  void partition_log(ffa::EndpointId id, const char* chars, size_t len) override {
    log += std::to_string(id.raw()) + ":" + std::string(chars, len);
  }
  std::string log;
};

class PartitionLifecycle : public ::testing::Test {
 protected:
  PartitionLifecycle() : core_(placement_, spmc::CoreConfig{ffa::EndpointId(kSpmcId), ffa::kVersion1_2}) {}

  void SetUp() override {
    add(kA, 2);  // boots second
    add(kB, 1);  // boots first
  }

  void add(uint16_t id, uint16_t boot_order) {
    spmc::Partition p{};
    // kA may also send direct requests; kB only receives them.
    const uint32_t send = id == kA ? ffa::partition_props::direct_req_send : 0;
    p.info = ffa::PartitionInfo{ffa::EndpointId(id), 1,
                                ffa::partition_props::direct_req_recv | ffa::partition_props::aarch64 | send,
                                ffa::Uuid{{id, 1, 2, 3}}};
    p.boot_order = boot_order;
    // kA has normal-world interrupts signalled; kB queues them.
    p.ns_action = id == kA ? ffa::NsInterruptAction::signaled : ffa::NsInterruptAction::queued;
    ASSERT_TRUE(core_.add_partition(p).ok());
  }

  size_t index_of(uint16_t id) { return test::index_of(core_, id); }

  // Boots every partition: each one calls FFA_MSG_WAIT when started.
  void boot_all() {
    Regs out{};
    Outcome o = core_.boot_next(out);
    while (o == Outcome::run_partition) o = core_.handle_sp_call(core_.scheduled(), Regs{{raw(Func::msg_wait)}}, out);
    ASSERT_EQ(o, Outcome::boot_done);
  }

  static uint32_t raw(Func f) { return ffa::raw(f); }

  LoggingPlacement placement_;
  spmc::Core core_;
};

TEST_F(PartitionLifecycle, BootsInBootOrderUntilEachWaits) {
  Regs out{};
  ASSERT_EQ(core_.boot_next(out), Outcome::run_partition);
  EXPECT_EQ(core_.scheduled(), index_of(kB));
  EXPECT_EQ(core_.partition(index_of(kB)).contexts[0].state(), PartitionState::booting);
  // Calls during boot are answered to the partition itself.
  ASSERT_EQ(core_.handle_sp_call(core_.scheduled(), Regs{{raw(Func::id_get)}}, out), Outcome::run_partition);
  EXPECT_EQ(out.x[0], raw(Func::success_32));
  EXPECT_EQ(out.x[2], kB);
  ASSERT_EQ(core_.handle_sp_call(core_.scheduled(), Regs{{raw(Func::msg_wait)}}, out), Outcome::run_partition);
  EXPECT_EQ(core_.scheduled(), index_of(kA));
  EXPECT_EQ(core_.partition(index_of(kB)).contexts[0].state(), PartitionState::waiting);
  EXPECT_EQ(core_.handle_sp_call(core_.scheduled(), Regs{{raw(Func::msg_wait)}}, out), Outcome::boot_done);
}

TEST_F(PartitionLifecycle, NormalWorldRequestRunsThePartitionAndItsAnswerReturns) {
  boot_all();
  Regs out{};
  const Regs req{{raw(Func::msg_send_direct_req_64), kA, 0, 11, 22, 33, 44, 55}};
  ASSERT_EQ(core_.handle_nwd_call(req, out), Outcome::run_partition);
  EXPECT_EQ(core_.scheduled(), index_of(kA));
  EXPECT_EQ(out.x[0], raw(Func::msg_send_direct_req_64));
  EXPECT_EQ(out.x[1], kA);
  EXPECT_EQ(out.x[3], 11u);
  EXPECT_EQ(out.x[7], 55u);
  EXPECT_EQ(core_.partition(index_of(kA)).contexts[0].state(), PartitionState::running);
  // Busy while it runs.
  Regs busy{};
  ASSERT_EQ(core_.handle_nwd_call(req, busy), Outcome::reply_to_caller);
  EXPECT_EQ(busy.x[0], raw(Func::error));
  EXPECT_EQ(static_cast<int32_t>(busy.x[2]), -4);
  // Its answer goes to the normal world.
  const Regs resp{{raw(Func::msg_send_direct_resp_64), uint64_t{kA} << 16, 0, 66, 77, 88, 99, 111}};
  ASSERT_EQ(core_.handle_sp_call(index_of(kA), resp, out), Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::msg_send_direct_resp_64));
  EXPECT_EQ(out.x[1], uint64_t{kA} << 16);
  EXPECT_EQ(out.x[3], 66u);
  EXPECT_EQ(out.x[7], 111u);
  EXPECT_EQ(core_.partition(index_of(kA)).contexts[0].state(), PartitionState::waiting);
}

TEST_F(PartitionLifecycle, Smc32RequestAndAnswerLoseTheUpperHalves) {
  boot_all();
  Regs out{};
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_32), kA, 0, ~0ull}}, out),
            Outcome::run_partition);
  EXPECT_EQ(out.x[3], 0xFFFFFFFFu);
  ASSERT_EQ(core_.handle_sp_call(index_of(kA),
                                 Regs{{raw(Func::msg_send_direct_resp_32), uint64_t{kA} << 16, 0, ~0ull}}, out),
            Outcome::reply_to_caller);
  EXPECT_EQ(out.x[3], 0xFFFFFFFFu);
}

TEST_F(PartitionLifecycle, WrongAnswersGoBackToThePartition) {
  boot_all();
  Regs out{};
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_32), kA}}, out), Outcome::run_partition);
  const size_t a = index_of(kA);
  // Claims to be another partition.
  ASSERT_EQ(core_.handle_sp_call(a, Regs{{raw(Func::msg_send_direct_resp_32), uint64_t{kB} << 16}}, out),
            Outcome::run_partition);
  EXPECT_EQ(static_cast<int32_t>(out.x[2]), -2);
  // Answers someone who did not ask.
  ASSERT_EQ(core_.handle_sp_call(a, Regs{{raw(Func::msg_send_direct_resp_32), (uint64_t{kA} << 16) | 5}}, out),
            Outcome::run_partition);
  EXPECT_EQ(static_cast<int32_t>(out.x[2]), -2);
  // Walks away from the request.
  ASSERT_EQ(core_.handle_sp_call(a, Regs{{raw(Func::msg_wait)}}, out), Outcome::run_partition);
  EXPECT_EQ(static_cast<int32_t>(out.x[2]), -6);
  // Sends a direct request to the normal world.
  ASSERT_EQ(core_.handle_sp_call(a, Regs{{raw(Func::msg_send_direct_req_32), uint64_t{kA} << 16}}, out),
            Outcome::run_partition);
  EXPECT_EQ(static_cast<int32_t>(out.x[2]), -6);
  // Still running: the right answer is accepted.
  EXPECT_EQ(core_.handle_sp_call(a, Regs{{raw(Func::msg_send_direct_resp_32), uint64_t{kA} << 16}}, out),
            Outcome::reply_to_caller);
}

TEST_F(PartitionLifecycle, AnswerOfEitherWidthIsDeliveredAsSent) {
  boot_all();
  Regs out{};
  const size_t a = index_of(kA);
  // A 32-bit answer to a 64-bit request reaches the caller as a RESP_32.
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_64), kA, 0, ~0ull}}, out),
            Outcome::run_partition);
  ASSERT_EQ(core_.handle_sp_call(a, Regs{{raw(Func::msg_send_direct_resp_32), uint64_t{kA} << 16, 0, ~0ull, 7}}, out),
            Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::msg_send_direct_resp_32));
  EXPECT_EQ(out.x[3], 0xFFFFFFFFu);  // cut to 32 bits: its own width
  EXPECT_EQ(out.x[4], 7u);
  EXPECT_EQ(core_.partition(a).contexts[0].state(), PartitionState::waiting);
  // And a 64-bit answer to a 32-bit request, as a RESP_64.
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_32), kA}}, out), Outcome::run_partition);
  ASSERT_EQ(core_.handle_sp_call(a, Regs{{raw(Func::msg_send_direct_resp_64), uint64_t{kA} << 16, 0, ~0ull}}, out),
            Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::msg_send_direct_resp_64));
  EXPECT_EQ(out.x[3], ~0ull);
}

TEST_F(PartitionLifecycle, AnswerOfTheOtherKindEndsTheRequestWithAborted) {
  boot_all();
  Regs out{};
  const size_t a = index_of(kA);
  // RESP2 to a REQ: the caller is not left waiting; it gets ABORTED and
  // the partition waits for its next message.
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_64), kA}}, out), Outcome::run_partition);
  ASSERT_EQ(core_.handle_sp_call(a, Regs{{raw(Func::msg_send_direct_resp2), uint64_t{kA} << 16}}, out),
            Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::error));
  EXPECT_EQ(static_cast<int32_t>(out.x[2]), static_cast<int32_t>(Error::aborted));
  EXPECT_EQ(core_.partition(a).contexts[0].state(), PartitionState::waiting);
  // The next request is served as usual.
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_64), kA, 0, 5}}, out), Outcome::run_partition);
  EXPECT_EQ(out.x[3], 5u);
  EXPECT_EQ(core_.handle_sp_call(a, Regs{{raw(Func::msg_send_direct_resp_64), uint64_t{kA} << 16}}, out),
            Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::msg_send_direct_resp_64));
  // A wrong sender is still refused to the partition, which keeps the request.
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_32), kA}}, out), Outcome::run_partition);
  ASSERT_EQ(core_.handle_sp_call(a, Regs{{raw(Func::msg_send_direct_resp_64), uint64_t{kB} << 16}}, out),
            Outcome::run_partition);
  EXPECT_EQ(static_cast<int32_t>(out.x[2]), -2);
  EXPECT_EQ(core_.partition(a).contexts[0].state(), PartitionState::running);
}

TEST_F(PartitionLifecycle, RunAndYield) {
  boot_all();
  Regs out{};
  const size_t a = index_of(kA);
  // FFA_RUN a waiting partition: its MSG_WAIT returns FFA_RUN; its next
  // MSG_WAIT ends the normal world's call.
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::run), uint64_t{kA} << 16}}, out), Outcome::run_partition);
  EXPECT_EQ(out.x[0], raw(Func::run));
  ASSERT_EQ(core_.handle_sp_call(a, Regs{{raw(Func::msg_wait)}}, out), Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::msg_wait));
  // A request, a yield, a run: the run's answer is the request's answer.
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_32), kA}}, out), Outcome::run_partition);
  ASSERT_EQ(core_.handle_sp_call(a, Regs{{raw(Func::yield)}}, out), Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::yield));
  EXPECT_EQ(core_.partition(a).contexts[0].state(), PartitionState::preempted);
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_32), kA}}, out), Outcome::reply_to_caller);
  EXPECT_EQ(static_cast<int32_t>(out.x[2]), -4);
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::run), uint64_t{kA} << 16}}, out), Outcome::run_partition);
  EXPECT_EQ(out.x[0], raw(Func::success_32));
  EXPECT_EQ(core_.handle_sp_call(a, Regs{{raw(Func::msg_send_direct_resp_32), uint64_t{kA} << 16}}, out),
            Outcome::reply_to_caller);
  // Cycles are not a request: a direct response to them is DENIED.
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::run), uint64_t{kA} << 16}}, out), Outcome::run_partition);
  ASSERT_EQ(core_.handle_sp_call(a, Regs{{raw(Func::msg_send_direct_resp_32), uint64_t{kA} << 16}}, out),
            Outcome::run_partition);
  EXPECT_EQ(static_cast<int32_t>(out.x[2]), -6);
  ASSERT_EQ(core_.handle_sp_call(a, Regs{{raw(Func::msg_wait)}}, out), Outcome::reply_to_caller);
  // Refusals.
  EXPECT_EQ(core_.handle_nwd_call(Regs{{raw(Func::run), uint64_t{kA} << 16 | 1}}, out), Outcome::reply_to_caller);
  EXPECT_EQ(static_cast<int32_t>(out.x[2]), -2);
  EXPECT_EQ(core_.handle_nwd_call(Regs{{raw(Func::run), 0x8777ull << 16}}, out), Outcome::reply_to_caller);
  EXPECT_EQ(static_cast<int32_t>(out.x[2]), -2);
}

TEST_F(PartitionLifecycle, YieldOnlyWhenWorkingForTheNormalWorld) {
  Regs out{};
  ASSERT_EQ(core_.boot_next(out), Outcome::run_partition);
  ASSERT_EQ(core_.handle_sp_call(core_.scheduled(), Regs{{raw(Func::yield)}}, out), Outcome::run_partition);
  EXPECT_EQ(static_cast<int32_t>(out.x[2]), -6);  // while booting
}

TEST_F(PartitionLifecycle, NormalWorldInterruptPreemptsASignalledPartition) {
  boot_all();
  Regs out{};
  // Only while it works for the normal world, and only if its manifest asks.
  EXPECT_FALSE(core_.ns_interrupts_unmasked(index_of(kA)));  // waiting
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_64), kA, 0, 5}}, out), Outcome::run_partition);
  EXPECT_TRUE(core_.ns_interrupts_unmasked(index_of(kA)));
  ASSERT_EQ(core_.sp_interrupted(index_of(kA), out), Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::interrupt));
  EXPECT_EQ(out.x[1], uint64_t{kA} << 16);
  EXPECT_EQ(core_.partition(index_of(kA)).contexts[0].state(), spmc::PartitionState::preempted);
  // Preempted: new requests are BUSY; FFA_RUN resumes it untouched.
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_64), kA}}, out), Outcome::reply_to_caller);
  EXPECT_EQ(static_cast<int32_t>(out.x[2]), -4);
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::run), uint64_t{kA} << 16}}, out), Outcome::resume_partition);
  EXPECT_EQ(core_.scheduled(), index_of(kA));
  // Its answer answers the normal world.
  ASSERT_EQ(core_.handle_sp_call(index_of(kA), Regs{{raw(Func::msg_send_direct_resp_64), uint64_t{kA} << 16, 0, 6}},
                                 out),
            Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::msg_send_direct_resp_64));
  EXPECT_EQ(out.x[3], 6u);
  // A queued partition never has them unmasked.
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_64), kB}}, out), Outcome::run_partition);
  EXPECT_FALSE(core_.ns_interrupts_unmasked(index_of(kB)));
  EXPECT_EQ(core_.sp_interrupted(index_of(kB), out), Outcome::resume_partition);
}

TEST_F(PartitionLifecycle, AnswerWithoutARequestIsDenied) {
  boot_all();
  Regs out{};
  ASSERT_EQ(core_.handle_sp_call(index_of(kB), Regs{{raw(Func::msg_send_direct_resp_32), uint64_t{kB} << 16}}, out),
            Outcome::run_partition);
  EXPECT_EQ(static_cast<int32_t>(out.x[2]), -6);
}

TEST_F(PartitionLifecycle, FaultDuringARequestAbortsItAndTheRestGoesOn) {
  boot_all();
  Regs out{};
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_32), kA}}, out), Outcome::run_partition);
  ASSERT_EQ(core_.sp_aborted(index_of(kA), out), Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::error));
  EXPECT_EQ(static_cast<int32_t>(out.x[2]), -8);
  // Later requests to it: ABORTED at once; the other partition still works.
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_32), kA}}, out), Outcome::reply_to_caller);
  EXPECT_EQ(static_cast<int32_t>(out.x[2]), -8);
  EXPECT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_32), kB}}, out), Outcome::run_partition);
}

TEST_F(PartitionLifecycle, FaultDuringBootMovesOnToTheNextPartition) {
  Regs out{};
  ASSERT_EQ(core_.boot_next(out), Outcome::run_partition);
  ASSERT_EQ(core_.sp_aborted(core_.scheduled(), out), Outcome::run_partition);
  EXPECT_EQ(core_.scheduled(), index_of(kA));
  EXPECT_EQ(core_.partition(index_of(kB)).contexts[0].state(), PartitionState::aborted);
}

TEST_F(PartitionLifecycle, ConsoleLog) {
  Regs out{};
  ASSERT_EQ(core_.boot_next(out), Outcome::run_partition);
  const size_t b = core_.scheduled();
  // "hello" over the SMC64 form: 8 characters per register from x2.
  ASSERT_EQ(core_.handle_sp_call(b, Regs{{raw(Func::console_log_64), 5, 0x6f6c6c6568}}, out), Outcome::run_partition);
  EXPECT_EQ(out.x[0], raw(Func::success_32));
  // SMC32: 4 characters per register.
  ASSERT_EQ(core_.handle_sp_call(b, Regs{{raw(Func::console_log_32), 6, 0x2c6c6c65, 0x0a21}}, out),
            Outcome::run_partition);
  EXPECT_EQ(placement_.log, std::to_string(kB) + ":hello" + std::to_string(kB) + ":ell,!\n");
  // Zero characters, or more than the registers hold.
  ASSERT_EQ(core_.handle_sp_call(b, Regs{{raw(Func::console_log_64), 0}}, out), Outcome::run_partition);
  EXPECT_EQ(static_cast<int32_t>(out.x[2]), -2);
  ASSERT_EQ(core_.handle_sp_call(b, Regs{{raw(Func::console_log_32), 25}}, out), Outcome::run_partition);
  EXPECT_EQ(static_cast<int32_t>(out.x[2]), -2);
}

TEST_F(PartitionLifecycle, UnknownCallsAreNotSupported) {
  Regs out{};
  ASSERT_EQ(core_.boot_next(out), Outcome::run_partition);
  ASSERT_EQ(core_.handle_sp_call(core_.scheduled(), Regs{{0x840000FF}}, out), Outcome::run_partition);
  EXPECT_EQ(static_cast<int32_t>(out.x[2]), -1);
}

TEST_F(PartitionLifecycle, MemPermRulesAreTheCoresOwn) {
  Regs out{};
  ASSERT_EQ(core_.boot_next(out), Outcome::run_partition);
  const size_t b = core_.scheduled();
  auto set = [&](uint64_t va, uint64_t pages, uint64_t perm) {
    EXPECT_EQ(core_.handle_sp_call(b, Regs{{raw(Func::mem_perm_set_64), va, pages, perm}}, out),
              Outcome::run_partition);
    return static_cast<int32_t>(out.x[2]);
  };
  EXPECT_EQ(set(0x1000, 1, 1), -2);      // read-write and executable
  EXPECT_EQ(set(0x1000, 1, 0x8 | 5), -2);  // reserved bits
  EXPECT_EQ(set(0x1000, 1, 2 | 4), -2);  // data access 2 is reserved
  EXPECT_EQ(set(0x1000, 0, 5), -2);      // no pages
  EXPECT_EQ(set(0x1001, 1, 5), -2);      // unaligned
  EXPECT_EQ(set(0x1000, 1, 5), -2);      // valid, but nothing of its own is there
  // After initialisation: DENIED.
  ASSERT_EQ(core_.handle_sp_call(b, Regs{{raw(Func::msg_wait)}}, out), Outcome::run_partition);
  ASSERT_EQ(core_.handle_sp_call(core_.scheduled(), Regs{{raw(Func::msg_wait)}}, out), Outcome::boot_done);
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_32), kB}}, out), Outcome::run_partition);
  EXPECT_EQ(set(0x1000, 1, 5), -6);
}

// --- partition to partition ----------------------------------------------

TEST_F(PartitionLifecycle, PartitionToPartitionRequestAndAnswer) {
  boot_all();
  Regs out{};
  const size_t a = index_of(kA), b = index_of(kB);
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_64), kA, 0, 1}}, out), Outcome::run_partition);
  // A asks B; B runs with A's request, A is blocked.
  ASSERT_EQ(core_.handle_sp_call(a, Regs{{raw(Func::msg_send_direct_req_64), (uint64_t{kA} << 16) | kB, 0, 7, 8}}, out),
            Outcome::run_partition);
  EXPECT_EQ(core_.scheduled(), b);
  EXPECT_EQ(out.x[1], (uint64_t{kA} << 16) | kB);
  EXPECT_EQ(out.x[3], 7u);
  EXPECT_EQ(core_.partition(a).contexts[0].state(), PartitionState::blocked);
  EXPECT_EQ(core_.partition(b).contexts[0].state(), PartitionState::running);
  // The normal world cannot reach either meanwhile.
  Regs nwd{};
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_64), kB}}, nwd), Outcome::reply_to_caller);
  EXPECT_EQ(static_cast<int32_t>(nwd.x[2]), -4);
  // B answers A: A resumes with the answer, still handling the NWd request.
  ASSERT_EQ(core_.handle_sp_call(b, Regs{{raw(Func::msg_send_direct_resp_64), (uint64_t{kB} << 16) | kA, 0, 9}}, out),
            Outcome::run_partition);
  EXPECT_EQ(core_.scheduled(), a);
  EXPECT_EQ(out.x[0], raw(Func::msg_send_direct_resp_64));
  EXPECT_EQ(out.x[3], 9u);
  EXPECT_EQ(core_.partition(a).contexts[0].state(), PartitionState::running);
  EXPECT_EQ(core_.partition(b).contexts[0].state(), PartitionState::waiting);
  // And A answers the normal world.
  EXPECT_EQ(core_.handle_sp_call(a, Regs{{raw(Func::msg_send_direct_resp_64), uint64_t{kA} << 16}}, out),
            Outcome::reply_to_caller);
}

TEST_F(PartitionLifecycle, PartitionToPartitionRefusals) {
  boot_all();
  Regs out{};
  const size_t a = index_of(kA), b = index_of(kB);
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_32), kA}}, out), Outcome::run_partition);
  auto from_a = [&](uint64_t w1) {
    EXPECT_EQ(core_.handle_sp_call(a, Regs{{raw(Func::msg_send_direct_req_32), w1}}, out), Outcome::run_partition);
    EXPECT_EQ(core_.scheduled(), a);
    return static_cast<int32_t>(out.x[2]);
  };
  EXPECT_EQ(from_a((uint64_t{kA} << 16) | kA), -2);      // to itself
  EXPECT_EQ(from_a((uint64_t{kB} << 16) | kB), -2);      // posing as B
  EXPECT_EQ(from_a((uint64_t{kA} << 16) | 0x8777), -2);  // nobody
  EXPECT_EQ(from_a((uint64_t{kA} << 16) | 0x0000), -6);  // the normal world
  // B may not send requests at all.
  ASSERT_EQ(core_.handle_sp_call(a, Regs{{raw(Func::msg_send_direct_resp_32), uint64_t{kA} << 16}}, out),
            Outcome::reply_to_caller);
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_32), kB}}, out), Outcome::run_partition);
  ASSERT_EQ(core_.handle_sp_call(b, Regs{{raw(Func::msg_send_direct_req_32), (uint64_t{kB} << 16) | kA}}, out),
            Outcome::run_partition);
  EXPECT_EQ(static_cast<int32_t>(out.x[2]), -6);
}

TEST_F(PartitionLifecycle, PartitionToPartitionReq2) {
  // A new pair: C may send REQ2, D takes it (by UUID).
  spmc::Partition c{}, d{};
  c.info = ffa::PartitionInfo{ffa::EndpointId(0x8010), 1,
                              ffa::partition_props::direct_req_recv | ffa::partition_props::direct_req2_send,
                              ffa::Uuid{{0x10, 1, 2, 3}}};
  d.info = ffa::PartitionInfo{ffa::EndpointId(0x8011), 1, ffa::partition_props::direct_req2_recv,
                              ffa::Uuid{{0x11, 1, 2, 3}}};
  ASSERT_TRUE(core_.add_partition(c).ok());
  ASSERT_TRUE(core_.add_partition(d).ok());
  boot_all();
  Regs out{};
  const size_t ci = index_of(0x8010), di = index_of(0x8011);
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_32), 0x8010}}, out), Outcome::run_partition);
  Regs req{{raw(Func::msg_send_direct_req2), (0x8010ull << 16) | 0x8011, 0x0000000100000011ull, 0x0000000300000002ull,
            44}};
  req.x[17] = 99;
  ASSERT_EQ(core_.handle_sp_call(ci, req, out), Outcome::run_partition);
  EXPECT_EQ(core_.scheduled(), di);
  EXPECT_EQ(out.x[4], 44u);
  EXPECT_EQ(out.x[17], 99u);
  Regs resp{{raw(Func::msg_send_direct_resp2), (0x8011ull << 16) | 0x8010, 0, 0, 55}};
  ASSERT_EQ(core_.handle_sp_call(di, resp, out), Outcome::run_partition);
  EXPECT_EQ(core_.scheduled(), ci);
  EXPECT_EQ(out.x[0], raw(Func::msg_send_direct_resp2));
  EXPECT_EQ(out.x[4], 55u);
  // A wrong UUID, and a sender without the REQ2 send bit.
  req.x[2] = 7;
  ASSERT_EQ(core_.handle_sp_call(ci, req, out), Outcome::run_partition);
  EXPECT_EQ(static_cast<int32_t>(out.x[2]), -2);
  ASSERT_EQ(core_.handle_sp_call(ci, Regs{{raw(Func::msg_send_direct_resp_32), 0x8010ull << 16}}, out),
            Outcome::reply_to_caller);
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_32), kA}}, out), Outcome::run_partition);
  ASSERT_EQ(core_.handle_sp_call(index_of(kA), Regs{{raw(Func::msg_send_direct_req2), (uint64_t{kA} << 16) | 0x8011}},
                                 out),
            Outcome::run_partition);
  EXPECT_EQ(static_cast<int32_t>(out.x[2]), -6);
}

TEST_F(PartitionLifecycle, TargetFaultReturnsAbortedToTheCallingPartition) {
  boot_all();
  Regs out{};
  const size_t a = index_of(kA), b = index_of(kB);
  ASSERT_EQ(core_.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_32), kA}}, out), Outcome::run_partition);
  ASSERT_EQ(core_.handle_sp_call(a, Regs{{raw(Func::msg_send_direct_req_32), (uint64_t{kA} << 16) | kB}}, out),
            Outcome::run_partition);
  ASSERT_EQ(core_.sp_aborted(b, out), Outcome::run_partition);
  EXPECT_EQ(core_.scheduled(), a);
  EXPECT_EQ(static_cast<int32_t>(out.x[2]), -8);
  EXPECT_EQ(core_.partition(a).contexts[0].state(), PartitionState::running);
  // Asking the aborted partition again: ABORTED at once.
  ASSERT_EQ(core_.handle_sp_call(a, Regs{{raw(Func::msg_send_direct_req_32), (uint64_t{kA} << 16) | kB}}, out),
            Outcome::run_partition);
  EXPECT_EQ(static_cast<int32_t>(out.x[2]), -8);
}

}  // namespace

namespace {
// A call the booting partition makes; its answer.
Regs sp_call(spmc::Core& core, Regs in) {
  Regs out{};
  EXPECT_EQ(core.handle_sp_call(core.scheduled(), in, out), Outcome::run_partition);
  return out;
}
}  // namespace

TEST_F(PartitionLifecycle, PartitionFeaturesAnswerTheSecureInstance) {
  Regs out{};
  ASSERT_EQ(core_.boot_next(out), Outcome::run_partition);
  const uint32_t success = raw(Func::success_32), error = raw(Func::error);
  // Partitions receive FFA_INTERRUPT (their interrupts' top halves).
  EXPECT_EQ(sp_call(core_, Regs{{raw(Func::features), raw(Func::interrupt)}}).x[0], success);
  // Feature IDs: no NPI, SRI or managed exit for S-EL0 partitions.
  for (uint32_t id : {1u, 2u, 3u}) EXPECT_EQ(sp_call(core_, Regs{{raw(Func::features), id}}).x[0], error) << id;
  // Input properties are MBZ except for FFA_MEM_RETRIEVE_REQ.
  Regs r = sp_call(core_, Regs{{raw(Func::features), raw(Func::mem_share_64), 1}});
  EXPECT_EQ(r.x[0], error);
  EXPECT_EQ(static_cast<int32_t>(r.x[2]), static_cast<int32_t>(Error::not_supported));
}

TEST_F(PartitionLifecycle, RetrieveFeaturesFollowTheNsBitInputFromV11) {
  Regs out{};
  ASSERT_EQ(core_.boot_next(out), Outcome::run_partition);
  const uint32_t success = raw(Func::success_32), error = raw(Func::error);
  // At v1.0 (before FFA_VERSION): no input properties, no NS-bit output.
  Regs r = sp_call(core_, Regs{{raw(Func::features), raw(Func::mem_retrieve_req_64)}});
  EXPECT_EQ(r.x[0], success);
  EXPECT_EQ(r.x[2], 0u);
  EXPECT_EQ(sp_call(core_, Regs{{raw(Func::features), raw(Func::mem_retrieve_req_64), 2}}).x[0], error);
  // The next partition negotiates v1.2 first. It must say it handles the
  // NS bit (input bit 1), and is told the responses carry it; other input
  // bits are refused.
  ASSERT_EQ(core_.handle_sp_call(core_.scheduled(), Regs{{raw(Func::msg_wait)}}, out), Outcome::run_partition);
  ASSERT_EQ(sp_call(core_, Regs{{raw(Func::version), 0x10002}}).x[0], 0x10002u);
  r = sp_call(core_, Regs{{raw(Func::features), raw(Func::mem_retrieve_req_32), 2}});
  EXPECT_EQ(r.x[0], success);
  EXPECT_EQ(r.x[2], 2u);
  EXPECT_EQ(sp_call(core_, Regs{{raw(Func::features), raw(Func::mem_retrieve_req_32)}}).x[0], error);
  EXPECT_EQ(sp_call(core_, Regs{{raw(Func::features), raw(Func::mem_retrieve_req_32), 3}}).x[0], error);
  EXPECT_EQ(sp_call(core_, Regs{{raw(Func::features), raw(Func::mem_retrieve_req_32), 6}}).x[0], error);
}

TEST_F(PartitionLifecycle, PartitionVersionIsFixedByItsFirstOtherCall) {
  Regs out{};
  ASSERT_EQ(core_.boot_next(out), Outcome::run_partition);
  const uint64_t not_supported = 0xFFFFFFFFu;
  // Before other calls it may negotiate again.
  EXPECT_EQ(sp_call(core_, Regs{{raw(Func::version), 0x10000}}).x[0], 0x10002u);
  EXPECT_EQ(sp_call(core_, Regs{{raw(Func::version), 0x10001}}).x[0], 0x10002u);
  EXPECT_EQ(sp_call(core_, Regs{{raw(Func::id_get)}}).x[0], raw(Func::success_32));
  // Afterwards only the agreed version answers; another is NOT_SUPPORTED
  // (in w0, as FFA_VERSION answers), and nothing changes.
  const Regs again = sp_call(core_, Regs{{raw(Func::version), 0x10001, 0x55}});
  EXPECT_EQ(again.x[0], 0x10002u);
  for (unsigned i = 1; i < 8; ++i) EXPECT_EQ(again.x[i], 0u) << i;
  EXPECT_EQ(sp_call(core_, Regs{{raw(Func::version), 0x10002}}).x[0], not_supported);
  EXPECT_EQ(sp_call(core_, Regs{{raw(Func::version), 0x10000}}).x[0], not_supported);
  EXPECT_EQ(core_.partition(core_.scheduled()).version, ffa::kVersion1_1);
}

namespace {

// Partitions are found by ID in one look-up (a direct request's cost must
// not grow with the partition count): IDs that share a low byte, IDs
// nobody has, and a full table all answer right.
TEST(PartitionLookup, EveryIdFoundNoneInvented) {
  fake::FakePlacement placement;
  spmc::Core core(placement, spmc::CoreConfig{ffa::EndpointId(0x8000), ffa::kVersion1_2});
  auto add = [&](uint16_t id) {
    spmc::Partition p{};
    p.info = ffa::PartitionInfo{ffa::EndpointId(id), 1, ffa::partition_props::direct_req_recv,
                                ffa::Uuid{{id, 1, 2, 3}}};
    return core.add_partition(p);
  };
  EXPECT_EQ(core.find_partition(ffa::EndpointId(0x8001)), nullptr);  // none yet
  ASSERT_TRUE(add(0x8001).ok());
  ASSERT_TRUE(add(0x9001).ok());  // the same low byte
  ASSERT_TRUE(add(0x8100).ok());
  EXPECT_EQ(add(0x9001).error(), ffa::Error::invalid_parameters);  // a duplicate, found through the shared slot
  for (uint16_t id : {uint16_t{0x8001}, uint16_t{0x9001}, uint16_t{0x8100}}) {
    const spmc::Partition* p = core.find_partition(ffa::EndpointId(id));
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->info.id.raw(), id);
  }
  // Unknown IDs: one whose low byte is free, one that shares a used slot
  // with a single partition, one that shares the slot two partitions do.
  for (uint16_t id : {uint16_t{0x8002}, uint16_t{0x8200}, uint16_t{0xA001}})
    EXPECT_EQ(core.find_partition(ffa::EndpointId(id)), nullptr);
  // Up to the table's size, every one found.
  for (uint16_t id = 0x8010; core.partition_count() < spmc::kMaxPartitions; ++id) ASSERT_TRUE(add(id).ok());
  for (size_t i = 0; i < core.partition_count(); ++i)
    EXPECT_EQ(core.find_partition(core.partition(i).info.id), &core.partition(i));
  EXPECT_EQ(add(0xC000).error(), ffa::Error::no_memory);
}

}  // namespace
