// sel1/optee_endpoint.h: the trusted OS's answers to OP-TEE's FF-A ABI
// messages (optee_ffa.h), directly and through the SPMC core.
#include "sel1/optee_endpoint.h"

#include <gtest/gtest.h>

#include "arch/fake/fake_placement.h"
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
  for (uint32_t id : {msg::unregister_shm, msg::enable_async_notif, msg::yielding_call_with_arg,
                      msg::yielding_call_resume}) {
    Answer a = ask(id, false, 0x1234, 0x5678, 0x9ABC);
    EXPECT_EQ(a.w[0], 0xFFFF000Au) << id;  // TEE_ERROR_NOT_SUPPORTED
    EXPECT_EQ(a.w[1], 0u) << id;
    EXPECT_EQ(a.w[2], 0u) << id;
    EXPECT_EQ(a.w[3], 0u) << id;
    EXPECT_EQ(a.w[4], 0u) << id;
  }
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

}  // namespace
