// A partition's RX buffer holds what the SPMC last put there: an indirect
// message, partition information, a memory retrieve response. Echo reads an
// indirect message only through the runtime's checked reader (src/sp/rx.h),
// and only while the buffer holds one: asked to read a message when there
// is none, it answers DENIED, whatever the buffer still holds from before.
#include "nwd/harness/ffa_client.h"
#include "nwd/harness/test.h"

using ffa::Func;
using harness::call;
using harness::until_answered;

namespace {
constexpr uint16_t kEcho = 0x8001;
constexpr uint64_t kPartitionInfo = 0x50494E46, kReadMessage = 0x4D534732;
// Echo's status for "no message in my RX buffer": FF-A DENIED as an
// unsigned 32-bit value in x3.
constexpr uint64_t kNoMessage = 0xFFFFFFFA;

ffa::Regs echo(uint64_t command, uint64_t a4 = 0, uint64_t a5 = 0, uint64_t a6 = 0, uint64_t a7 = 0) {
  return until_answered(call(Func::msg_send_direct_req_64, kEcho, 0, command, a4, a5, a6, a7));
}

// Writes a message (v1.2 header, 40 bytes, then the payload) into our TX
// buffer for FFA_MSG_SEND2.
void put_message(uint16_t receiver, uint32_t size, uint64_t w0) {
  uint8_t* tx = harness::buffers().tx;
  auto le32 = [&](unsigned off, uint32_t v) {
    for (unsigned i = 0; i < 4; ++i) tx[off + i] = static_cast<uint8_t>(v >> (8 * i));
  };
  for (unsigned i = 0; i < 64; ++i) tx[i] = 0;
  le32(8, 40);
  le32(12, receiver);  // sender 0 (us) in [31:16]
  le32(16, size);
  for (unsigned i = 0; i < 8; ++i) tx[40 + i] = static_cast<uint8_t>(w0 >> (8 * i));
}
}  // namespace

// The two requests: partition information into echo's RX buffer,
// then "read the message" with none there. Before the runtime's reader,
// echo took the payload offset from RX+8, which after the partition
// information is the trusted OS's UUID, faulted, and was stopped for good
// (the second request came back FFA_ERROR/ABORTED).
TEST(rx_checks, read_message_after_partition_info_is_refused) {
  ffa::Regs r = echo(kPartitionInfo);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_64));
  ASSERT_TRUE(r.x[3] != 0 && r.x[3] < 0xE0000000);  // a count, not an error
  r = echo(kReadMessage);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_64));
  EXPECT_EQ(r.x[3], kNoMessage);
  // Echo is alive and answers as before.
  r = echo(0x1234, 5, 6, 7, 8);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_64));
  EXPECT_EQ(r.x[3], 0x1234);
  EXPECT_EQ(r.x[7], 8);
}
TEST(rx_checks, read_message_twice_and_in_32_bits) {
  // The same refusal however often it is asked, and in a 32-bit answer.
  EXPECT_EQ(echo(kReadMessage).x[3], kNoMessage);
  ffa::Regs r = until_answered(call(Func::msg_send_direct_req_32, kEcho, 0, kReadMessage));
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_32));
  EXPECT_EQ(r.x[3], kNoMessage);
}
TEST(rx_checks, a_real_message_is_still_read_once) {
  // After the refusals, a message that is there is read (and released).
  ASSERT_TRUE(harness::ensure_rxtx_mapped());
  put_message(kEcho, 8, 0x5157);
  ASSERT_TRUE(ffa::is_success(call(Func::msg_send2)));
  ffa::Regs r = echo(kReadMessage);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_64));
  EXPECT_EQ(r.x[3], 8);       // payload size
  EXPECT_EQ(r.x[4], kEcho);   // sender 0, receiver echo
  EXPECT_EQ(r.x[5], 0x5157);  // the payload
  EXPECT_EQ(r.x[6], 0);       // nothing past the payload's 8 bytes
  EXPECT_EQ(echo(kReadMessage).x[3], kNoMessage);
  // Partition information works again once the message is gone.
  r = echo(kPartitionInfo);
  EXPECT_TRUE(r.x[3] != 0 && r.x[3] < 0xE0000000);
  EXPECT_EQ(r.x[6], kEcho);  // the second descriptor: echo itself
}
