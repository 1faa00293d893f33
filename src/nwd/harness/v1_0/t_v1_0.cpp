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
// Partitions an SPMC here holds at most (spmc::kMaxPartitions).
constexpr unsigned kMaxPartitions = 16;
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
  constexpr unsigned kPoisoned = 8 * (kMaxPartitions + 1);
  for (unsigned i = 0; i < kPoisoned; ++i) harness::buffers().rx[i] = 0xA5;
  ffa::Regs r = call(Func::partition_info_get);
  ASSERT_EQ(r.w(0), ffa::raw(Func::success_32));
  // The trusted OS and the seven S-EL0 partitions first, in either
  // placement (the S-EL2 SPMC's S-EL1 partitions after them).
  const unsigned count = r.w(2);
  ASSERT_TRUE(count >= 8 && count <= kMaxPartitions);
  EXPECT_EQ(r.w(3), 0);  // w3 (descriptor size) is a v1.1 field
  EXPECT_EQ(rx_le32(0) & 0xFFFF, 0x8100);
  // Properties: only bits [2:0] exist in v1.0 (the AArch64 bit 8 is hidden).
  EXPECT_EQ(rx_le32(4), ffa::partition_props::direct_req_recv);
  // The next descriptor starts at 8: no UUID in between.
  EXPECT_EQ(rx_le32(8) & 0xFFFF, 0x8001);
  EXPECT_EQ(rx_le32(48) & 0xFFFF, 0x8006);  // the seventh, gpio-driver
  EXPECT_EQ(rx_le32(56) & 0xFFFF, 0x8007);  // the eighth, ported-c
  for (unsigned i = 0; i < count; ++i) EXPECT_TRUE(rx_le32(8 * i) & 0x8000);  // each a secure ID, 8 bytes apart
  EXPECT_EQ(rx_le32(8 * count), 0xA5A5A5A5u);  // nothing written past count x 8 bytes
  EXPECT_TRUE(ffa::is_success(call(Func::rx_release)));
}
TEST(v1_0, direct_request_works) {
  ffa::Regs r = call(Func::msg_send_direct_req_32, 0x8100, 0, 0);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_32));
  EXPECT_EQ(r.w(3), 1);
}
TEST(v1_0, memory_share_in_the_v1_0_layout) {
  // The v1.0 descriptor: a 32-byte header with the 16-byte access
  // descriptor inline at 32, the composite region at 48, one range at 64.
  alignas(4096) static volatile uint64_t page[512];
  page[0] = 40;
  uint8_t* tx = harness::buffers().tx;
  auto put = [&](unsigned off, uint64_t v, unsigned n) {
    for (unsigned i = 0; i < n; ++i) tx[off + i] = static_cast<uint8_t>(v >> (8 * i));
  };
  for (unsigned i = 0; i < 80; ++i) tx[i] = 0;
  put(2, 0x2F, 1);   // normal memory, write-back, inner shareable (8-bit in v1.0)
  put(28, 1, 4);     // one receiver
  put(32, 0x8001, 2);
  put(34, 2, 1);     // read-write (the SPMC makes it not executable)
  put(36, 48, 4);    // composite offset
  put(48, 1, 4);
  put(52, 1, 4);
  put(64, reinterpret_cast<uint64_t>(&page[0]), 8);
  put(72, 1, 4);
  ffa::Regs r = call(Func::mem_share_32, 80, 80);
  ASSERT_TRUE(ffa::is_success(r));
  const uint64_t handle = r.w(2) | uint64_t{r.w(3)} << 32;
  r = call(Func::msg_send_direct_req_64, 0x8001, 0, 0x52455452, handle, 2);
  EXPECT_EQ(r.x[3], ffa::raw(Func::mem_retrieve_resp));
  EXPECT_EQ(r.x[4], 40);
  EXPECT_EQ(page[0], 42);
  EXPECT_TRUE(ffa::is_success(call(Func::mem_reclaim, static_cast<uint32_t>(handle), handle >> 32)));
  // v1.1's access-descriptor size at 24 is a reserved field in the v1.0
  // header: the layout follows the negotiated version.
  put(24, 32, 4);
  EXPECT_EQ(error_code(call(Func::mem_share_32, 80, 80)), kInvalid);
}
TEST(v1_0, cannot_switch_to_1_2_after_other_calls) {
  EXPECT_EQ(call(Func::version, 0x10002).w(0), 0xFFFFFFFF);
  EXPECT_EQ(call(Func::version, 0x10000).w(0), 0x10002);
}
