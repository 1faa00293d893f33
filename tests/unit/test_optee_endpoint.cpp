// sel1/optee_endpoint.h: the trusted OS's answers to OP-TEE's FF-A ABI
// messages (optee_ffa.h), directly and through the SPMC core.
#include "sel1/optee_endpoint.h"

#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "arch/fake/fake_placement.h"
#include "arch/fake/fake_threads.h"
#include "lib/lcg.h"
#include "optee/ta_service.h"
#include "sel1/async_signals.h"
#include "spmc/core.h"

namespace {

using sel1::OpteeEndpoint;
namespace msg = sel1::optee_msg;

constexpr uint32_t kBuildId = 0x20240611;

// Sends message `id` (w3) with `args` in w4..w7 and returns w3..w7 of the answer.
struct Answer {
  uint64_t w[5];
};
Answer ask(uint64_t id, bool is64 = false, uint64_t a4 = 0, uint64_t a5 = 0, uint64_t a6 = 0, uint64_t a7 = 0) {
  OpteeEndpoint ep(kBuildId);
  spmc::DirectMessage req{ffa::EndpointId(0), ffa::EndpointId(0x8100), is64, {id, a4, a5, a6, a7}};
  spmc::DirectMessage resp{ffa::EndpointId(0x8100), ffa::EndpointId(0), is64, {}};
  ep.on_direct_request(req, resp);
  // The endpoint fills the payload only; the addressing is the core's.
  EXPECT_EQ(resp.sender.raw(), 0x8100);
  EXPECT_EQ(resp.receiver.raw(), 0);
  return Answer{{resp.payload[0], resp.payload[1], resp.payload[2], resp.payload[3], resp.payload[4]}};
}

TEST(OpteeEndpoint, GetApiVersion) {
  Answer a = ask(msg::get_api_version);
  EXPECT_EQ(a.w[0], 1u);  // OPTEE_FFA_VERSION_MAJOR
  EXPECT_EQ(a.w[1], 0u);  // OPTEE_FFA_VERSION_MINOR
  EXPECT_EQ(a.w[2], 0u);
  EXPECT_EQ(a.w[3], 0u);
  EXPECT_EQ(a.w[4], 0u);
}

TEST(OpteeEndpoint, GetOsVersion) {
  Answer a = ask(msg::get_os_version);
  EXPECT_EQ(a.w[0], sel1::kOsVersionMajor);
  EXPECT_EQ(a.w[1], sel1::kOsVersionMinor);
  EXPECT_EQ(a.w[2], kBuildId);
  EXPECT_EQ(a.w[3], 0u);
  EXPECT_EQ(a.w[4], 0u);
}

TEST(OpteeEndpoint, ExchangeCapabilities) {
  Answer a = ask(msg::exchange_capabilities);
  EXPECT_EQ(a.w[0], 0u);  // success
  EXPECT_EQ(a.w[1], 4u);  // RPC parameters
  EXPECT_EQ(a.w[2], 1u);  // OPTEE_FFA_SEC_CAP_ARG_OFFSET only
  EXPECT_EQ(a.w[3], 0u);
  EXPECT_EQ(a.w[4], 0u);
}

TEST(OpteeEndpoint, CallsNotOfferedYetAreNotSupported) {
  // Without threads, no yielding spin; without notifications, OP-TEE's
  // answer to an ENABLE it did not offer (TEE_ERROR_NOT_IMPLEMENTED).
  const std::pair<uint32_t, uint64_t> cases[] = {{sel1::kTesseraSpin, 0xFFFF000Au},
                                                 {msg::enable_async_notif, 0xFFFF0009u}};
  for (auto [id, want] : cases) {
    Answer a = ask(id, false, 0x1234, 0x5678, 0x9ABC);
    EXPECT_EQ(a.w[0], want) << id;
    EXPECT_EQ(a.w[1], 0u) << id;
    EXPECT_EQ(a.w[2], 0u) << id;
    EXPECT_EQ(a.w[3], 0u) << id;
    EXPECT_EQ(a.w[4], 0u) << id;
  }
}

// Notifications as the SPMC core would set them: only the bound one.
struct BoundNotifications final : spmc::LocalNotifications {
  uint64_t bound = 0, set = 0;
  ffa::EndpointId receiver;
  ffa::Status local_notification_set(ffa::EndpointId me, ffa::EndpointId to, uint64_t ids) override {
    EXPECT_EQ(me.raw(), 0x8100);
    if ((ids & bound) != ids) return ffa::Error::denied;
    set |= ids;
    receiver = to;
    return {};
  }
};

TEST(OpteeEndpoint, EnableAsyncNotifNeedsTheNormalWorldAValueBelow64AndItsBinding) {
  OpteeEndpoint ep(kBuildId);
  BoundNotifications notifications;
  sel1::FfaAsyncSignal signal(notifications, ffa::EndpointId(0x8100));
  optee::AsyncNotif async(signal);
  ep.attach_async(async);
  const auto send = [&](uint16_t sender, uint64_t w4, uint64_t w5 = 0) {
    spmc::DirectMessage req{ffa::EndpointId(sender), ffa::EndpointId(0x8100), false,
                            {msg::enable_async_notif, w4, w5, 0, 0}};
    spmc::DirectMessage resp{ffa::EndpointId(0x8100), ffa::EndpointId(sender), false, {}};
    ep.on_direct_request(req, resp);
    return resp.payload[0];
  };
  spmc::DirectMessage caps_req{ffa::EndpointId(0), ffa::EndpointId(0x8100), false, {msg::exchange_capabilities}};
  spmc::DirectMessage caps{ffa::EndpointId(0x8100), ffa::EndpointId(0), false, {}};
  ep.on_direct_request(caps_req, caps);
  EXPECT_EQ(caps.payload[2], sel1::kSecCapArgOffset | sel1::kSecCapAsyncNotif);
  EXPECT_EQ(send(0x8001, 3), 0xFFFFFFFAu);      // a partition: DENIED
  EXPECT_EQ(send(0, 64), 0xFFFF0006u);          // past OPTEE_FFA_MAX_ASYNC_NOTIF_VALUE
  EXPECT_EQ(send(0, 3, 1), 0xFFFF0006u);        // w5 MBZ
  EXPECT_EQ(send(0, 3), 0xFFFF0006u);           // not bound: could never be delivered
  EXPECT_FALSE(async.enabled());
  notifications.bound = 1ull << 3;
  EXPECT_EQ(send(0, 0xFFFFFFFF00000003ull), 0u);  // SMC32: the upper half is not ours to read
  EXPECT_EQ(notifications.set, 1ull << 3);
  EXPECT_EQ(notifications.receiver.raw(), 0);
  EXPECT_EQ(async.owner(), 0);
  EXPECT_EQ(send(1, 3), 0xFFFF000Du);  // another VM: BUSY
}

// Threads the way a test wants them: run() suspends when told to (the
// work has not run yet), resume() then runs it to the end.
using FakeThreads = fake::FakeThreads<2>;

TEST(OpteeEndpoint, YieldingSpinDoneInterruptedResumedAndBusy) {
  OpteeEndpoint ep(kBuildId);
  FakeThreads threads;
  ep.attach_threads(threads);
  auto send = [&](uint64_t w3, uint64_t w4, uint64_t w5, uint64_t w6, uint64_t w7) {
    spmc::DirectMessage req{ffa::EndpointId(0), ffa::EndpointId(0x8100), true, {w3, w4, w5, w6, w7}};
    spmc::DirectMessage resp{ffa::EndpointId(0x8100), ffa::EndpointId(0), true, {}};
    ep.on_direct_request(req, resp);
    return resp;
  };
  // Done at once: w4 = DONE, the result in w5/w6.
  spmc::DirectMessage r = send(sel1::kTesseraSpin, 1000, 0x89ABCDEF, 0x01234567, 0);
  EXPECT_EQ(r.payload[0], 0u);
  EXPECT_EQ(r.payload[1], sel1::kYieldingReturnDone);
  EXPECT_EQ(r.payload[2] | r.payload[3] << 32, lib::lcg_spin(1000, 0x0123456789ABCDEFull));
  // Interrupted twice: two threads held, a third call is BUSY.
  threads.suspend_next = true;
  r = send(sel1::kTesseraSpin, 7, 1, 0, 0);
  EXPECT_EQ(r.payload[1], sel1::kYieldingReturnInterrupt);
  const uint64_t first = r.payload[4];
  threads.suspend_next = true;
  r = send(sel1::kTesseraSpin, 9, 2, 0, 0);
  EXPECT_EQ(r.payload[1], sel1::kYieldingReturnInterrupt);
  const uint64_t second = r.payload[4];
  EXPECT_NE(first, second);
  EXPECT_EQ(send(sel1::kTesseraSpin, 1, 0, 0, 0).payload[0], sel1::kTeeErrorBusy);
  // Resumed, each answers with its own result; a second resume is refused.
  r = send(msg::yielding_call_resume, 0, 0, 0, second);
  EXPECT_EQ(r.payload[1], sel1::kYieldingReturnDone);
  EXPECT_EQ(r.payload[2], lib::lcg_spin(9, 2) & 0xFFFFFFFF);
  r = send(msg::yielding_call_resume, 0, 0, 0, first);
  EXPECT_EQ(r.payload[2], lib::lcg_spin(7, 1) & 0xFFFFFFFF);
  EXPECT_EQ(send(msg::yielding_call_resume, 0, 0, 0, first).payload[0], sel1::kFfaInvalidParameters);
  // Bad thread IDs, and the upper half of w7 ignored as SMC32 would.
  for (uint64_t t : {2ull, 8ull, 0xFFFFFFFFull})
    EXPECT_EQ(send(msg::yielding_call_resume, 0, 0, 0, t).payload[0], sel1::kFfaInvalidParameters) << t;
}

TEST(OpteeEndpoint, YieldingCallsAreTheNormalWorldsAndThreadsTheirCallers) {
  // (Found by review.) A partition may neither start yielding work (its
  // thread could never be resumed from an interrupt nobody takes) nor
  // resume the normal world's; another VM may not resume ours.
  OpteeEndpoint ep(kBuildId);
  FakeThreads threads;
  ep.attach_threads(threads);
  auto send = [&](uint16_t sender, uint64_t w3, uint64_t w7) {
    spmc::DirectMessage req{ffa::EndpointId(sender), ffa::EndpointId(0x8100), true, {w3, 5, 1, 0, w7}};
    spmc::DirectMessage resp{ffa::EndpointId(0x8100), ffa::EndpointId(sender), true, {}};
    ep.on_direct_request(req, resp);
    return resp;
  };
  EXPECT_EQ(send(0x8001, sel1::kTesseraSpin, 0).payload[0], sel1::kFfaDenied);
  threads.suspend_next = true;
  spmc::DirectMessage r = send(0, sel1::kTesseraSpin, 0);
  ASSERT_EQ(r.payload[1], sel1::kYieldingReturnInterrupt);
  const uint64_t t = r.payload[4];
  EXPECT_EQ(send(0x8001, msg::yielding_call_resume, t).payload[0], sel1::kFfaDenied);
  EXPECT_EQ(send(1, msg::yielding_call_resume, t).payload[0], sel1::kFfaInvalidParameters);
  r = send(0, msg::yielding_call_resume, t);
  EXPECT_EQ(r.payload[0], 0u);
  EXPECT_EQ(r.payload[1], sel1::kYieldingReturnDone);
}

TEST(OpteeEndpoint, ResumeWithoutThreadsIsRefused) {
  EXPECT_EQ(ask(msg::yielding_call_resume, false, 0, 0, 0, 0).w[0], sel1::kFfaInvalidParameters);
}

TEST(OpteeEndpoint, SharedMemoryCallsWithoutAnSpmcAreRefused) {
  EXPECT_EQ(ask(msg::yielding_call_with_arg, false, 0x1234, 0, 0).w[0], sel1::kFfaDenied);
  EXPECT_EQ(ask(msg::unregister_shm, false, 0x1234, 0).w[0], sel1::kFfaInvalidParameters);
}

TEST(OpteeEndpoint, UnknownMessageIsBadParameters) {
  for (uint32_t id : {4u, 6u, 7u, 0x7FFFFFFFu, 0x80000002u, 0xFFFFFFFFu}) {
    Answer a = ask(id);
    EXPECT_EQ(a.w[0], 0xFFFF0006u) << id;  // TEE_ERROR_BAD_PARAMETERS
    EXPECT_EQ(a.w[1], 0u) << id;
    EXPECT_EQ(a.w[2], 0u) << id;
  }
}

TEST(OpteeEndpoint, FpSelfTestWithoutAClobberIsNotSupported) {
  Answer a = ask(sel1::kTesseraFpSelfTest, false, 0x1234);
  EXPECT_EQ(a.w[0], 0xFFFF000Au);
  EXPECT_EQ(a.w[1], 0u);
}

uint64_t g_clobber_arg;
int g_clobber_calls;
void record_clobber(uint64_t v) {
  g_clobber_arg = v;
  ++g_clobber_calls;
}

TEST(OpteeEndpoint, FpSelfTestRunsTheClobberWithW4) {
  g_clobber_calls = 0;
  OpteeEndpoint ep(kBuildId, &record_clobber);
  spmc::DirectMessage req{ffa::EndpointId(0), ffa::EndpointId(0x8100), false,
                          {sel1::kTesseraFpSelfTest, 0xABCD, 0, 0, 0}};
  spmc::DirectMessage resp{ffa::EndpointId(0x8100), ffa::EndpointId(0), false, {}};
  ep.on_direct_request(req, resp);
  EXPECT_EQ(g_clobber_calls, 1);
  EXPECT_EQ(g_clobber_arg, 0xABCDu);
  EXPECT_EQ(resp.payload[0], 0u);
  // Other messages never run it.
  spmc::DirectMessage other{ffa::EndpointId(0), ffa::EndpointId(0x8100), false, {msg::get_api_version, 1}};
  ep.on_direct_request(other, resp);
  EXPECT_EQ(g_clobber_calls, 1);
}

TEST(OpteeEndpoint, MessageIdIsW3) {
  // Only the low 32 bits name the message, even in an SMC64 request.
  Answer a = ask((0xFFFFFFFFull << 32) | msg::get_api_version, true);
  EXPECT_EQ(a.w[0], 1u);
  EXPECT_EQ(a.w[1], 0u);
  // The arguments do not change the identification answers.
  Answer b = ask(msg::get_os_version, false, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF);
  EXPECT_EQ(b.w[2], kBuildId);
  EXPECT_EQ(b.w[3], 0u);
}

TEST(OpteeEndpoint, ThroughTheCoreAsAnSmc32DirectRequest) {
  fake::FakePlacement placement;
  spmc::Core core(placement, spmc::CoreConfig{ffa::EndpointId(0x8000), ffa::kVersion1_2});
  OpteeEndpoint optee(kBuildId);
  spmc::Partition p{};
  p.info = ffa::PartitionInfo{ffa::EndpointId(0x8100), 1,
                              ffa::partition_props::direct_req_recv | ffa::partition_props::aarch64,
                              ffa::kOpteeUuid};
  p.local = &optee;
  ASSERT_TRUE(core.add_partition(p).ok());

  ffa::Regs r{{ffa::raw(ffa::Func::msg_send_direct_req_32), 0x8100, 0, msg::get_os_version}};
  (void)core.handle_nwd_call(r);
  EXPECT_EQ(r.x[0], ffa::raw(ffa::Func::msg_send_direct_resp_32));
  EXPECT_EQ(r.x[1], 0x81000000u);
  EXPECT_EQ(r.x[3], sel1::kOsVersionMajor);
  EXPECT_EQ(r.x[4], sel1::kOsVersionMinor);
  EXPECT_EQ(r.x[5], kBuildId);

  ffa::Regs u{{ffa::raw(ffa::Func::msg_send_direct_req_32), 0x8100, 0, 0x42}};
  (void)core.handle_nwd_call(u);
  EXPECT_EQ(u.x[3], 0xFFFF0006u);
}

// Yielding calls with their argument in memory the normal world shared
// with the trusted OS, through the SPMC core, as Linux's optee driver
// makes them.
class OpteeSharedMemory : public ::testing::Test {
 protected:
  static constexpr uint64_t kNs = 0x40000000, kTx = kNs, kRx = kNs + 0x1000, kArgPage = kNs + 0x10000;
  OpteeSharedMemory() : core_(placement_, spmc::CoreConfig{ffa::EndpointId(0x8000), ffa::kVersion1_2}), optee_(kBuildId) {}
  void SetUp() override {
    spmc::Partition p{};
    p.info = ffa::PartitionInfo{ffa::EndpointId(0x8100), 1, ffa::partition_props::direct_req_recv, ffa::kOpteeUuid};
    p.local = &optee_;
    ASSERT_TRUE(core_.add_partition(p).ok());
    optee_.attach_memory(core_, ffa::EndpointId(0x8100));
    call({{ffa::raw(ffa::Func::version), 0x10002}});
    ASSERT_EQ(call({{ffa::raw(ffa::Func::rxtx_map_64), kTx, kRx, 1}}).x[0], ffa::raw(ffa::Func::success_32));
  }
  ffa::Regs call(ffa::Regs r) {
    (void)core_.handle_nwd_call(r);
    return r;
  }
  void put(uint64_t pa, uint64_t v, unsigned n) {
    for (unsigned i = 0; i < n; ++i) placement_.ns_memory(pa)[i] = static_cast<uint8_t>(v >> (8 * i));
  }
  uint32_t get32(uint64_t pa) {
    uint32_t v = 0;
    for (unsigned i = 0; i < 4; ++i) v |= uint32_t{placement_.ns_memory(pa)[i]} << (8 * i);
    return v;
  }
  // FFA_MEM_SHARE of `pages` pages at `pa` to the trusted OS; the handle.
  uint64_t share(uint64_t pa, uint32_t pages, uint8_t perm = 2) {
    uint8_t* tx = placement_.ns_memory(kTx);
    for (unsigned i = 0; i < 112; ++i) tx[i] = 0;
    put(kTx + 2, 0x2F, 2);
    put(kTx + 24, 32, 4);
    put(kTx + 28, 1, 4);
    put(kTx + 32, 48, 4);
    put(kTx + 48, 0x8100, 2);
    put(kTx + 50, perm, 1);
    put(kTx + 52, 80, 4);
    put(kTx + 80, pages, 4);
    put(kTx + 84, 1, 4);
    put(kTx + 96, pa, 8);
    put(kTx + 104, pages, 4);
    ffa::Regs r = call({{ffa::raw(ffa::Func::mem_share_64), 112, 112}});
    return r.x[0] == ffa::raw(ffa::Func::success_32) ? (r.x[2] | r.x[3] << 32) : 0;
  }
  // An OPEN_SESSION argument at `pa`: two meta value parameters.
  void open_session_arg(uint64_t pa, uint32_t num_params = 2, uint64_t attr = 0x101) {
    for (unsigned i = 0; i < 96; ++i) placement_.ns_memory(pa)[i] = 0;
    put(pa + 0, sel1::optee_cmd::open_session, 4);
    put(pa + 20, 0x12345678, 4);  // ret, to be overwritten
    put(pa + 28, num_params, 4);
    put(pa + 32, attr, 8);
    put(pa + 64, attr, 8);
  }
  ffa::Regs yielding(uint64_t handle, uint64_t offset) {
    return call({{ffa::raw(ffa::Func::msg_send_direct_req_32), 0x8100, 0, msg::yielding_call_with_arg,
                  static_cast<uint32_t>(handle), handle >> 32, offset}});
  }
  ffa::Regs unregister(uint64_t handle) {
    return call({{ffa::raw(ffa::Func::msg_send_direct_req_32), 0x8100, 0, msg::unregister_shm,
                  static_cast<uint32_t>(handle), handle >> 32}});
  }
  ffa::Regs reclaim(uint64_t handle) {
    return call({{ffa::raw(ffa::Func::mem_reclaim), static_cast<uint32_t>(handle), handle >> 32}});
  }

  fake::FakePlacement placement_;
  spmc::Core core_;
  OpteeEndpoint optee_;
};

TEST_F(OpteeSharedMemory, OpenSessionReadsAndAnswersThroughTheShare) {
  const uint64_t h = share(kArgPage, 1);
  ASSERT_NE(h, 0u);
  open_session_arg(kArgPage + 0x100);
  ffa::Regs r = yielding(h, 0x100);
  EXPECT_EQ(r.x[0], ffa::raw(ffa::Func::msg_send_direct_resp_32));
  EXPECT_EQ(r.x[3], 0u);  // FF-A status: fine
  EXPECT_EQ(r.x[4], 0u);  // OPTEE_FFA_YIELDING_CALL_RETURN_DONE
  EXPECT_EQ(get32(kArgPage + 0x100 + 20), sel1::kTeeErrorItemNotFound);  // no such TA
  EXPECT_EQ(get32(kArgPage + 0x100 + 24), sel1::kTeeOriginTee);
  // The trusted OS keeps the memory until it is unregistered.
  EXPECT_EQ(reclaim(h).x[0], ffa::raw(ffa::Func::error));
  put(kArgPage + 0x200, sel1::optee_cmd::invoke_command, 4);
  put(kArgPage + 0x200 + 28, 0, 4);
  EXPECT_EQ(yielding(h, 0x200).x[3], 0u);  // the same share again: no second retrieve
  EXPECT_EQ(get32(kArgPage + 0x200 + 20), sel1::kTeeErrorBadParameters);  // no session
  EXPECT_EQ(unregister(h).x[3], 0u);
  EXPECT_EQ(placement_.pages_mapped(), 2u);  // the RX/TX pair only
  EXPECT_EQ(reclaim(h).x[0], ffa::raw(ffa::Func::success_32));
  EXPECT_EQ(unregister(h).x[3], sel1::kFfaInvalidParameters);  // gone
}

TEST_F(OpteeSharedMemory, MalformedArgumentsAreRefused) {
  const uint64_t h = share(kArgPage, 1);
  open_session_arg(kArgPage, 1);  // one parameter only: bad parameters in the answer
  EXPECT_EQ(yielding(h, 0).x[3], 0u);
  EXPECT_EQ(get32(kArgPage + 20), sel1::kTeeErrorBadParameters);
  open_session_arg(kArgPage, 2, 0x1);  // not meta
  EXPECT_EQ(yielding(h, 0).x[3], 0u);
  EXPECT_EQ(get32(kArgPage + 20), sel1::kTeeErrorBadParameters);
  put(kArgPage + 28, 1000, 4);  // more parameters than fit
  EXPECT_EQ(yielding(h, 0).x[3], sel1::kFfaInvalidParameters);
  open_session_arg(kArgPage + 4064);
  EXPECT_EQ(yielding(h, 4064).x[3], sel1::kFfaInvalidParameters);  // runs past the share
  EXPECT_EQ(yielding(h, 4096).x[3], sel1::kFfaInvalidParameters);  // outside it
  EXPECT_EQ(yielding(h, 12).x[3], sel1::kFfaInvalidParameters);    // misaligned
  EXPECT_EQ(yielding(h ^ 0x10000, 0).x[3], sel1::kFfaInvalidParameters);  // no such share
  // Read-only to us: we could not answer.
  const uint64_t ro = share(kArgPage + 0x1000, 1, 1);
  open_session_arg(kArgPage + 0x1000);
  EXPECT_EQ(yielding(ro, 0).x[3], sel1::kFfaInvalidParameters);
  // Unregistering a share we never used is fine; someone else's is not.
  const uint64_t unused = share(kArgPage + 0x2000, 1);
  EXPECT_EQ(unregister(unused).x[3], 0u);
  EXPECT_EQ(unregister(0x77).x[3], sel1::kFfaInvalidParameters);
}

// The same, with a partition (0x8001) that may send direct requests to
// the trusted OS: it knows the normal world's handles (they are small
// counters) and names them in OP-TEE's messages.
class OpteeSharedMemoryAndAPartition : public OpteeSharedMemory {
 protected:
  static constexpr uint16_t kSp = 0x8001;
  void SetUp() override {
    spmc::Partition p{};
    p.info = ffa::PartitionInfo{ffa::EndpointId(kSp), 1,
                                ffa::partition_props::direct_req_recv | ffa::partition_props::direct_req_send,
                                ffa::Uuid{{1, 2, 3, 4}}};
    p.version = ffa::kVersion1_2;
    ASSERT_TRUE(core_.add_partition(p).ok());
    OpteeSharedMemory::SetUp();
    ffa::Regs out{};
    ASSERT_EQ(core_.boot_next(out), spmc::Outcome::run_partition);
    ASSERT_EQ(core_.handle_sp_call(0, ffa::Regs{{ffa::raw(ffa::Func::msg_wait)}}, out), spmc::Outcome::boot_done);
  }
  // OP-TEE message `msg` with handle `handle` (w4/w5) and w6, from the partition.
  ffa::Regs from_partition(uint32_t msg, uint64_t handle, uint64_t w6 = 0) {
    ffa::Regs out{};
    (void)core_.handle_sp_call(0,
                               ffa::Regs{{ffa::raw(ffa::Func::msg_send_direct_req_32), uint64_t{kSp} << 16 | 0x8100,
                                          0, msg, static_cast<uint32_t>(handle), handle >> 32, w6}},
                               out);
    return out;
  }
  std::vector<uint8_t> page(uint64_t pa) {
    const uint8_t* p = placement_.ns_memory(pa);
    return std::vector<uint8_t>(p, p + 4096);
  }
};

TEST_F(OpteeSharedMemoryAndAPartition, APartitionCannotUseTheNormalWorldsArgument) {
  // (Found by review.) A partition makes no yielding calls at all (DENIED,
  // as for RESUME: a call of its that an interrupt or an RPC stopped could
  // never be resumed); the trusted OS neither retrieves nor writes the
  // normal world's buffer for it, whether or not the normal world has used
  // it yet.
  const uint64_t h = share(kArgPage, 1);
  ASSERT_NE(h, 0u);
  open_session_arg(kArgPage + 0x100);
  const std::vector<uint8_t> before = page(kArgPage);
  ffa::Regs r = from_partition(msg::yielding_call_with_arg, h, 0x100);
  EXPECT_EQ(r.x[0], ffa::raw(ffa::Func::msg_send_direct_resp_32));
  EXPECT_EQ(r.x[1], 0x8100u << 16 | kSp);
  EXPECT_EQ(r.x[3], sel1::kFfaDenied);
  EXPECT_TRUE(page(kArgPage) == before);
  EXPECT_EQ(placement_.pages_mapped(), 2u);  // not retrieved: the RX/TX pair only
  // The normal world's own call works, and registers the memory.
  r = yielding(h, 0x100);
  EXPECT_EQ(r.x[3], 0u);
  EXPECT_EQ(get32(kArgPage + 0x100 + 20), sel1::kTeeErrorItemNotFound);
  EXPECT_EQ(placement_.pages_mapped(), 3u);
  // Now that the trusted OS holds it, the partition still cannot use it.
  open_session_arg(kArgPage + 0x100);
  const std::vector<uint8_t> again = page(kArgPage);
  EXPECT_EQ(from_partition(msg::yielding_call_with_arg, h, 0x100).x[3], sel1::kFfaDenied);
  EXPECT_TRUE(page(kArgPage) == again);
  EXPECT_EQ(get32(kArgPage + 0x100 + 20), 0x12345678u);
  // And the normal world still can.
  EXPECT_EQ(yielding(h, 0x100).x[3], 0u);
  EXPECT_EQ(get32(kArgPage + 0x100 + 20), sel1::kTeeErrorItemNotFound);
}

// (Found by review.) The example secure device (the secure timer) serves
// the normal world's driver alone: a partition can neither arm it (and so
// rearm it under the normal world) nor take its events.
TEST_F(OpteeSharedMemoryAndAPartition, APartitionCannotDriveTheSecureTimer) {
  EXPECT_EQ(from_partition(sel1::kTesseraTimerArm, 1000, 1).x[3], sel1::kFfaDenied);
  EXPECT_EQ(from_partition(sel1::kTesseraTimerBottomHalf, 0).x[3], sel1::kFfaDenied);
}

TEST_F(OpteeSharedMemoryAndAPartition, APartitionCannotUnregisterTheNormalWorldsShare) {
  // (Found by review.) UNREGISTER_SHM of a handle the sender did not lend
  // is refused, and the trusted OS keeps the memory.
  const uint64_t h = share(kArgPage, 1);
  ASSERT_NE(h, 0u);
  open_session_arg(kArgPage);
  ASSERT_EQ(yielding(h, 0).x[3], 0u);
  ASSERT_EQ(placement_.pages_mapped(), 3u);
  ffa::Regs r = from_partition(msg::unregister_shm, h);
  EXPECT_EQ(r.x[0], ffa::raw(ffa::Func::msg_send_direct_resp_32));
  EXPECT_EQ(r.x[3], sel1::kFfaInvalidParameters);
  // The share survives: still mapped, still held (the normal world cannot
  // reclaim it), and the normal world's next call uses it.
  EXPECT_EQ(placement_.pages_mapped(), 3u);
  EXPECT_EQ(reclaim(h).x[0], ffa::raw(ffa::Func::error));
  open_session_arg(kArgPage);
  EXPECT_EQ(yielding(h, 0).x[3], 0u);
  EXPECT_EQ(get32(kArgPage + 20), sel1::kTeeErrorItemNotFound);
  // A share the trusted OS never used: the partition is refused too.
  const uint64_t unused = share(kArgPage + 0x1000, 1);
  ASSERT_NE(unused, 0u);
  EXPECT_EQ(from_partition(msg::unregister_shm, unused).x[3], sel1::kFfaInvalidParameters);
  // The lender's own unregisters work, and then it can reclaim.
  EXPECT_EQ(unregister(h).x[3], 0u);
  EXPECT_EQ(unregister(unused).x[3], 0u);
  EXPECT_EQ(placement_.pages_mapped(), 2u);
  EXPECT_EQ(reclaim(h).x[0], ffa::raw(ffa::Func::success_32));
  EXPECT_EQ(reclaim(unused).x[0], ffa::raw(ffa::Func::success_32));
}

}  // namespace

// A TA host that records what the endpoint hands it and answers as told:
// the endpoint's part is reading the message, resolving memory references
// to the lender's pages, and writing back the outputs.
class RecordingTas final : public optee::TaService {
 public:
  uint32_t result = 0, origin_out = 4;
  optee::CallParams seen;
  optee::TaUuid uuid_seen{};
  optee::Client client_seen{};
  uint32_t command_seen = 0, session_seen = 0, cancel_seen = 0;
  unsigned calls = 0;
  // What else happens while the "TA" runs (the normal world's calls while
  // the call is suspended, say).
  std::function<void()> during;
  // What the "TA" writes: value a of param 0 + 1, memref size of param 1 halved.
  void answer(optee::CallParams& p) {
    seen = p;
    ++calls;
    if (during) during();
    if (p.params.p[0].type == 3) p.params.p[0].a += 1;
    if (p.params.p[1].type == 6) p.params.p[1].size /= 2;
  }
  uint32_t open_session(const optee::Client& c, const optee::TaUuid& ta, optee::CallParams& p, uint32_t,
                        uint32_t& session, uint32_t& origin) override {
    client_seen = c;
    uuid_seen = ta;
    answer(p);
    session = 0x51;
    origin = origin_out;
    return result;
  }
  uint32_t invoke(const optee::Client& c, uint32_t session, uint32_t command, optee::CallParams& p, uint32_t,
                  uint32_t& origin) override {
    client_seen = c;
    session_seen = session;
    command_seen = command;
    answer(p);
    origin = origin_out;
    return result;
  }
  uint32_t close_session(const optee::Client&, uint32_t session, uint32_t& origin) override {
    session_seen = session;
    origin = 3;
    return 0;
  }
  void cancel(const optee::CallId& call) override { cancel_seen = call.cancel_id; }
};

class OpteeTaCalls : public OpteeSharedMemory {
 protected:
  void SetUp() override {
    OpteeSharedMemory::SetUp();
    optee_.attach_tas(tas_);
    arg_ = share(kArgPage, 1);
    ASSERT_NE(arg_, 0u);
  }
  // An INVOKE_COMMAND argument at the start of the argument page.
  void invoke_arg(uint32_t num_params) {
    for (unsigned i = 0; i < 32 + 6 * 32; ++i) placement_.ns_memory(kArgPage)[i] = 0;
    put(kArgPage + 0, sel1::optee_cmd::invoke_command, 4);
    put(kArgPage + 4, 0x33, 4);  // command
    put(kArgPage + 8, 0x51, 4);  // session
    put(kArgPage + 28, num_params, 4);
  }
  void param(unsigned i, uint64_t attr, uint64_t a, uint64_t b, uint64_t c) {
    put(kArgPage + 32 + 32 * i, attr, 8);
    put(kArgPage + 40 + 32 * i, a, 8);
    put(kArgPage + 48 + 32 * i, b, 8);
    put(kArgPage + 56 + 32 * i, c, 8);
  }
  uint64_t get64(uint64_t pa) { return get32(pa) | uint64_t{get32(pa + 4)} << 32; }
  RecordingTas tas_;
  uint64_t arg_ = 0;
};

TEST_F(OpteeTaCalls, InvokePassesValuesAndResolvedMemrefs) {
  const uint64_t buf = share(kNs + 0x20000, 4);
  ASSERT_NE(buf, 0u);
  invoke_arg(2);
  param(0, 3, 41, 0, 0);                                         // value inout
  param(1, 6, (uint64_t{0x10} << 48) | 0x1FF0, 0x40, buf);       // fmem output, internal_offs 0x10
  ffa::Regs r = yielding(arg_, 0);
  EXPECT_EQ(r.x[3], 0u);
  ASSERT_EQ(tas_.calls, 1u);
  EXPECT_EQ(tas_.command_seen, 0x33u);
  EXPECT_EQ(tas_.session_seen, 0x51u);
  EXPECT_EQ(tas_.client_seen.endpoint.raw(), 0);
  EXPECT_EQ(tas_.seen.params.p[0].a, 41u);
  // 0x2000 bytes in (0x1FF0 + 0x10), 0x40 long: the share's third page.
  const optee::MemrefPages& m = tas_.seen.pages[1];
  ASSERT_EQ(m.count, 1u);
  EXPECT_EQ(m.ranges[0].address, kNs + 0x22000);
  EXPECT_EQ(m.ranges[0].pages, 1u);
  EXPECT_EQ(m.in_page, 0u);
  EXPECT_TRUE(m.writable);
  // The answer: ret, origin, the inout value, the output's size.
  EXPECT_EQ(get32(kArgPage + 20), 0u);
  EXPECT_EQ(get32(kArgPage + 24), 4u);
  EXPECT_EQ(get64(kArgPage + 40), 42u);
  EXPECT_EQ(get64(kArgPage + 80), 0x20u);
  EXPECT_EQ(get64(kArgPage + 88), buf);  // the handle stays
}

TEST_F(OpteeTaCalls, MemrefsTheCallerMayNotUseAreBadParameters) {
  const uint64_t ro = share(kNs + 0x30000, 1, 1), rw = share(kNs + 0x31000, 1);
  ASSERT_TRUE(ro != 0 && rw != 0);
  struct Case {
    uint64_t attr, a, b, c;
  } cases[] = {
      {6, 0, 16, ro},             // output to memory shared read-only
      {5, 0xFF8, 16, rw},         // past the end
      {5, 0, 0x1001, rw},         // longer than the share
      {5, 0, 16, 0x12345},        // no such handle
      {5, 0, 16, arg_},           // the argument buffer itself
      {5 | 0x100, 0, 16, rw},     // meta in INVOKE
  };
  for (const Case& c : cases) {
    invoke_arg(1);
    param(0, c.attr, c.a, c.b, c.c);
    tas_.calls = 0;
    EXPECT_EQ(yielding(arg_, 0).x[3], 0u);
    EXPECT_EQ(get32(kArgPage + 20), sel1::kTeeErrorBadParameters) << c.attr << " " << c.a << " " << c.c;
    EXPECT_EQ(get32(kArgPage + 24), sel1::kTeeOriginTee);
    EXPECT_EQ(tas_.calls, 0u);  // the TA never saw it
  }
  // A buffer taken as pages is not then an argument buffer.
  EXPECT_EQ(yielding(rw, 0).x[3], sel1::kFfaInvalidParameters);
  // And the memory the trusted OS took for references goes back on UNREGISTER.
  EXPECT_EQ(unregister(rw).x[3], 0u);
  EXPECT_EQ(reclaim(rw).x[0], ffa::raw(ffa::Func::success_32));
}

// A buffer a call's TA has mapped cannot be unregistered until the call is
// over: the memory would go from under the TA (and, where the trusted OS
// is an S-EL1 partition, out of its stage 2, which would stop it).
TEST_F(OpteeTaCalls, AMemrefInUseCannotBeUnregistered) {
  const uint64_t buf = share(kNs + 0x30000, 1);
  ASSERT_NE(buf, 0u);
  invoke_arg(2);
  param(0, 3, 1, 0, 0);
  param(1, 6, 0, 0x40, buf);
  uint64_t during = ~0ull;
  tas_.during = [&] { during = unregister(buf).x[3]; };
  EXPECT_EQ(yielding(arg_, 0).x[3], 0u);
  EXPECT_EQ(tas_.calls, 1u);
  EXPECT_EQ(during, sel1::kFfaDenied);
  tas_.during = nullptr;
  EXPECT_EQ(unregister(buf).x[3], 0u);  // the call is over
  EXPECT_EQ(reclaim(buf).x[0], ffa::raw(ffa::Func::success_32));
}

TEST_F(OpteeTaCalls, OpenSessionPassesUuidAndClientAndClientParams) {
  open_session_arg(kArgPage, 3);
  put(kArgPage + 40, 0x0706050403020100, 8);  // TA UUID bytes 0-7
  put(kArgPage + 48, 0x0F0E0D0C0B0A0908, 8);  // bytes 8-15
  put(kArgPage + 88, 4, 8);                   // login: application
  put(kArgPage + 96, 3, 8);                   // a value inout client parameter
  put(kArgPage + 104, 9, 8);
  EXPECT_EQ(yielding(arg_, 0).x[3], 0u);
  ASSERT_EQ(tas_.calls, 1u);
  for (unsigned i = 0; i < 16; ++i) EXPECT_EQ(tas_.uuid_seen.bytes[i], i);
  EXPECT_EQ(tas_.client_seen.login, 4u);
  EXPECT_EQ(tas_.seen.params.p[0].a, 9u);
  EXPECT_EQ(get32(kArgPage + 8), 0x51u);  // the session
  EXPECT_EQ(get32(kArgPage + 104), 10u);  // its output
}

TEST_F(OpteeTaCalls, CancelReachesTheHost) {
  invoke_arg(0);
  put(kArgPage + 0, sel1::optee_cmd::cancel, 4);
  put(kArgPage + 12, 0x77, 4);
  EXPECT_EQ(yielding(arg_, 0).x[3], 0u);
  EXPECT_EQ(tas_.cancel_seen, 0x77u);
  EXPECT_EQ(get32(kArgPage + 20), 0u);
}
