// A normal world that speaks FF-A v1.0 (as Linux before 6.7 does): the
// SPMC answers it in v1.0 layouts and hides what v1.0 does not have.
#include "ffa/partition_info.h"
#include "nwd/harness/ffa_client.h"
#include "nwd/harness/test.h"

using ffa::Func;
using harness::call;
using harness::error_code;

namespace {
constexpr int32_t kNotSupported = -1, kInvalid = -2;
uint32_t rx_le32(unsigned off) {
  const uint8_t* b = harness::buffers().rx + off;
  return b[0] | b[1] << 8 | b[2] << 16 | uint32_t{b[3]} << 24;
}
}  // namespace

TEST(v1_0, negotiates_1_0) { EXPECT_EQ(call(Func::version, 0x10000).w(0), 0x10002); }
TEST(v1_0, v1_1_calls_are_hidden) {
  EXPECT_EQ(error_code(call(Func::spm_id_get)), kNotSupported);
  EXPECT_EQ(error_code(call(Func::features, ffa::raw(Func::spm_id_get))), kNotSupported);
  EXPECT_TRUE(ffa::is_success(call(Func::features, ffa::raw(Func::partition_info_get))));
}
TEST(v1_0, count_only_flag_is_not_v1_0) {
  EXPECT_EQ(error_code(call(Func::partition_info_get, 0, 0, 0, 0, ffa::kPartitionInfoCountOnly)), kInvalid);
}
TEST(v1_0, partition_info_has_8_byte_descriptors) {
  ASSERT_TRUE(ffa::is_success(call(Func::rxtx_map_64, harness::tx_pa(), harness::rx_pa(), 1)));
  // Poison the buffer so that a 24-byte descriptor would show.
  for (unsigned i = 0; i < 64; ++i) harness::buffers().rx[i] = 0xA5;
  ffa::Regs r = call(Func::partition_info_get);
  ASSERT_EQ(r.w(0), ffa::raw(Func::success_32));
  EXPECT_EQ(r.w(2), 6);   // the trusted OS and five S-EL0 partitions
  EXPECT_EQ(r.w(3), 0);  // w3 (descriptor size) is a v1.1 field
  EXPECT_EQ(rx_le32(0) & 0xFFFF, 0x8100);
  // Properties: only bits [2:0] exist in v1.0 (the AArch64 bit 8 is hidden).
  EXPECT_EQ(rx_le32(4), ffa::partition_props::direct_req_recv);
  // The next descriptor starts at 8: no UUID in between.
  EXPECT_EQ(rx_le32(8) & 0xFFFF, 0x8001);
  EXPECT_EQ(rx_le32(48), 0xA5A5A5A5u);  // nothing written past 6 x 8 bytes
  EXPECT_TRUE(ffa::is_success(call(Func::rx_release)));
}
TEST(v1_0, direct_request_works) {
  ffa::Regs r = call(Func::msg_send_direct_req_32, 0x8100, 0, 0);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_32));
  EXPECT_EQ(r.w(3), 1);
}
TEST(v1_0, cannot_switch_to_1_2_after_other_calls) {
  EXPECT_EQ(call(Func::version, 0x10002).w(0), 0xFFFFFFFF);
  EXPECT_EQ(call(Func::version, 0x10000).w(0), 0x10002);
}
