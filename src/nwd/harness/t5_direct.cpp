// FFA_MSG_SEND_DIRECT_REQ to the trusted OS: OP-TEE's FF-A messages, both
// widths, and every way of addressing it wrongly.
#include "nwd/harness/ffa_client.h"
#include "nwd/harness/test.h"

using ffa::Func;
using harness::call;
using harness::error_code;

namespace {
constexpr int32_t kNotSupported = -1, kInvalid = -2;
uint32_t to_tos() { return harness::trusted_os_id(); }  // sender 0, receiver the trusted OS
}  // namespace

TEST_TOS(direct, optee_get_api_version_32) {
  ASSERT_TRUE(harness::discover());
  ffa::Regs r = call(Func::msg_send_direct_req_32, to_tos(), 0, 0 /* GET_API_VERSION */);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_32));
  EXPECT_EQ(r.w(1), uint32_t{harness::trusted_os_id()} << 16);
  EXPECT_EQ(r.w(2), 0);
  EXPECT_EQ(r.w(3), 1);
  EXPECT_EQ(r.w(4), 0);
  // Nothing of the secure world leaks through the unused result registers.
  for (unsigned i = 5; i < 18; ++i) EXPECT_EQ(r.x[i], 0);
}
TEST_TOS(direct, optee_get_api_version_64) {
  ffa::Regs r = call(Func::msg_send_direct_req_64, to_tos(), 0, 0);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_64));
  EXPECT_EQ(r.x[3], 1);
  EXPECT_EQ(r.x[4], 0);
}
TEST_TOS(direct, optee_get_os_version) {
  ffa::Regs r = call(Func::msg_send_direct_req_32, to_tos(), 0, 1);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_32));
  EXPECT_EQ(r.w(3), 0);
  EXPECT_EQ(r.w(4), 1);
}
TEST_TOS(direct, optee_exchange_capabilities) {
  ffa::Regs r = call(Func::msg_send_direct_req_32, to_tos(), 0, 2);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_32));
  EXPECT_EQ(r.w(3), 0);      // success
  EXPECT_EQ(r.w(4), 4);      // RPC parameters
  EXPECT_EQ(r.w(5) & 1, 1);  // OPTEE_FFA_SEC_CAP_ARG_OFFSET
}
TEST_TOS(direct, optee_unknown_message) {
  ffa::Regs r = call(Func::msg_send_direct_req_32, to_tos(), 0, 0x1234);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_32));
  EXPECT_EQ(r.w(3), 0xFFFF0006);  // TEE_ERROR_BAD_PARAMETERS
}
TEST_TOS(direct, smc32_truncates_upper_halves) {
  ffa::Regs r = call(Func::msg_send_direct_req_32, 0xFFFFFFFF00000000ull | to_tos(), 0, 0xFFFFFFFF00000000ull);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_32));
  EXPECT_EQ(r.x[3], 1);
}
TEST_ANY_SPMC(direct, nonexistent_receivers_are_invalid) {
  for (uint32_t receiver : {0x8FFFu, 0x8000u /* the SPMC */, 0x0001u /* a VM */, 0x0000u, 0xFFFFu}) {
    EXPECT_EQ(error_code(call(Func::msg_send_direct_req_32, receiver, 0, 0)), kInvalid);
  }
}
TEST_ANY_SPMC(direct, wrong_sender_is_invalid) {
  EXPECT_EQ(error_code(call(Func::msg_send_direct_req_32, 0x00050000u | to_tos(), 0, 0)), kInvalid);
  EXPECT_EQ(error_code(call(Func::msg_send_direct_req_64, 0x7FFF0000u | to_tos(), 0, 0)), kInvalid);
}
TEST_ANY_SPMC(direct, secure_sender_forgery_is_invalid) {
  // A normal-world caller posing as a partition, the SPMC or the SPMD.
  EXPECT_EQ(error_code(call(Func::msg_send_direct_req_32, 0x80010000u | to_tos(), 0, 0)), kInvalid);
  EXPECT_EQ(error_code(call(Func::msg_send_direct_req_32, 0xFFFF8000u, 0x80000008u, 0x10002)), kInvalid);
}
TEST_ANY_SPMC(direct, nonzero_flags_are_invalid) {
  EXPECT_EQ(error_code(call(Func::msg_send_direct_req_32, to_tos(), 1, 0)), kInvalid);
  EXPECT_EQ(error_code(call(Func::msg_send_direct_req_32, to_tos(), 0x80000008u, 0x10002)), kInvalid);
}
TEST_ANY_SPMC(direct, responses_from_the_normal_world_refused) {
  EXPECT_EQ(error_code(call(Func::msg_send_direct_resp_32, uint32_t{harness::trusted_os_id()})), kNotSupported);
}
