// Memory sharing, first slice: FFA_MEM_SHARE from the normal world to the
// echo partition, its retrieve and relinquish, FFA_MEM_RECLAIM.
#include "nwd/harness/ffa_client.h"
#include "nwd/harness/test.h"

using ffa::Func;
using harness::call;
using harness::error_code;

namespace {
constexpr uint16_t kEcho = 0x8001;
constexpr int32_t kInvalid = -2, kDenied = -6;

alignas(4096) volatile uint64_t g_shared[2][512];  // two pages of normal-world memory

// A v1.2 share descriptor in our TX buffer: one receiver, one constituent.
uint32_t put_share(uint16_t receiver, uint64_t address, uint32_t pages, uint8_t permissions = 2 | 4) {
  uint8_t* tx = harness::buffers().tx;
  auto put = [&](unsigned off, uint64_t v, unsigned n) {
    for (unsigned i = 0; i < n; ++i) tx[off + i] = static_cast<uint8_t>(v >> (8 * i));
  };
  for (unsigned i = 0; i < 128; ++i) tx[i] = 0;
  put(0, 0, 2);          // sender: us
  put(2, 0x2F, 2);       // normal memory, write-back, inner shareable
  put(24, 32, 4);        // access descriptor size (v1.2)
  put(28, 1, 4);         // receivers
  put(32, 48, 4);        // receivers offset
  put(48, receiver, 2);
  put(50, permissions, 1);
  put(52, 80, 4);        // composite offset
  put(80, pages, 4);     // total pages
  put(84, 1, 4);         // constituents
  put(96, address, 8);
  put(104, pages, 4);
  return 112;
}

uint64_t share(uint32_t length, Func f = Func::mem_share_64) {
  ffa::Regs r = call(f, length, length);
  return ffa::is_success(r) ? (uint64_t{r.w(2)} | uint64_t{r.w(3)} << 32) : 0;
}
}  // namespace

TEST(memory, share_retrieve_relinquish_reclaim) {
  ASSERT_TRUE(harness::ensure_rxtx_mapped());
  g_shared[0][0] = 0x5EC0DE;
  const uint64_t handle = share(put_share(kEcho, reinterpret_cast<uint64_t>(&g_shared[0][0]), 1));
  ASSERT_TRUE(handle != 0);
  EXPECT_EQ(handle >> 63, 0);  // allocated by the SPMC
  // Echo retrieves it, reads our word, adds 1, relinquishes.
  ffa::Regs r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x52455452, handle, 1);
  EXPECT_EQ(r.x[3], ffa::raw(Func::mem_retrieve_resp));
  EXPECT_EQ(r.x[4], 0x5EC0DE);
  EXPECT_EQ(r.x[5], ffa::raw(Func::success_32));
  EXPECT_EQ(g_shared[0][0], 0x5EC0DF);  // it wrote through the share
  EXPECT_TRUE(ffa::is_success(call(Func::mem_reclaim, static_cast<uint32_t>(handle), handle >> 32)));
  // Gone: reclaiming or retrieving it again is refused.
  EXPECT_EQ(error_code(call(Func::mem_reclaim, static_cast<uint32_t>(handle), handle >> 32)), kInvalid);
  r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x52455452, handle, 0);
  EXPECT_EQ(r.x[3], 0xE0000000ull | 0xFFFFFFFE);
}
TEST(memory, reclaim_while_retrieved_is_denied) {
  ASSERT_TRUE(harness::ensure_rxtx_mapped());
  const uint64_t handle = share(put_share(kEcho, reinterpret_cast<uint64_t>(&g_shared[1][0]), 1, 1 | 4));
  ASSERT_TRUE(handle != 0);
  // Retrieved read-only and kept (x6 = 1): the word stays as it was.
  g_shared[1][0] = 41;
  ffa::Regs r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x52455452, handle, 1, 1);
  EXPECT_EQ(r.x[4], 41);
  EXPECT_EQ(g_shared[1][0], 41);
  EXPECT_EQ(error_code(call(Func::mem_reclaim, static_cast<uint32_t>(handle), handle >> 32)), kDenied);
  // Retrieving twice is denied too.
  r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x52455452, handle, 0, 1);
  EXPECT_EQ(r.x[3], 0xE0000000ull | 0xFFFFFFFA);
}
TEST(memory, keystore_macs_a_shared_buffer) {
  // The same 24 bytes by value (command 2) and through a share (command 4)
  // give the same MAC with the same key.
  ASSERT_TRUE(harness::ensure_rxtx_mapped());
  constexpr uint16_t kKeystore = 0x8005;
  ASSERT_EQ(call(Func::msg_send_direct_req_64, kKeystore, 0, 1, 6, 0x77).x[3], 0);
  ffa::Regs by_value = call(Func::msg_send_direct_req_64, kKeystore, 0, 2, 6, 11, 22, 33);
  ASSERT_EQ(by_value.x[3], 0);
  alignas(4096) static volatile uint64_t buf[512];
  buf[0] = 11, buf[1] = 22, buf[2] = 33;
  const uint64_t handle = share(put_share(kKeystore, reinterpret_cast<uint64_t>(&buf[0]), 1, 1 | 4));
  ASSERT_TRUE(handle != 0);
  ffa::Regs shared = call(Func::msg_send_direct_req_64, kKeystore, 0, 4, 6, handle, 24);
  ASSERT_EQ(shared.x[3], 0);
  for (unsigned i = 4; i < 8; ++i) EXPECT_EQ(shared.x[i], by_value.x[i]);
  // It relinquished: we can reclaim. A length beyond the share is refused.
  EXPECT_TRUE(ffa::is_success(call(Func::mem_reclaim, static_cast<uint32_t>(handle), handle >> 32)));
  const uint64_t h2 = share(put_share(kKeystore, reinterpret_cast<uint64_t>(&buf[0]), 1, 1 | 4));
  EXPECT_EQ(call(Func::msg_send_direct_req_64, kKeystore, 0, 4, 6, h2, 4097).x[3], 5);
  EXPECT_TRUE(ffa::is_success(call(Func::mem_reclaim, static_cast<uint32_t>(h2), h2 >> 32)));
  EXPECT_EQ(call(Func::msg_send_direct_req_64, kKeystore, 0, 4, 6, h2, 8).x[3], 4);  // reclaimed: no share
}
TEST(memory, lend_with_zeroing_and_donate) {
  ASSERT_TRUE(harness::ensure_rxtx_mapped());
  alignas(4096) static volatile uint64_t lent[512];
  for (auto& w : lent) w = 0xABABABABABABABAB;
  const uint32_t n = put_share(kEcho, reinterpret_cast<uint64_t>(&lent[0]), 1);
  harness::buffers().tx[4] = 1;  // flags: zero the memory first
  const uint64_t h = share(n, Func::mem_lend_64);
  ASSERT_TRUE(h != 0);
  EXPECT_EQ(lent[0], 0);
  EXPECT_EQ(lent[511], 0);
  ffa::Regs r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x52455452, h, 5);
  EXPECT_EQ(r.x[4], 0);  // echo saw the zeroed page
  EXPECT_EQ(lent[0], 5);
  EXPECT_TRUE(ffa::is_success(call(Func::mem_reclaim, static_cast<uint32_t>(h), h >> 32)));
  // Donated memory cannot be reclaimed; a donation has one receiver.
  alignas(4096) static volatile uint64_t given[512];
  const uint64_t d = share(put_share(kEcho, reinterpret_cast<uint64_t>(&given[0]), 1), Func::mem_donate_64);
  ASSERT_TRUE(d != 0);
  EXPECT_EQ(error_code(call(Func::mem_reclaim, static_cast<uint32_t>(d), d >> 32)), kDenied);
}
TEST(memory, share_refusals) {
  ASSERT_TRUE(harness::ensure_rxtx_mapped());
  const uint64_t page = reinterpret_cast<uint64_t>(&g_shared[0][0]);
  uint32_t n = put_share(kEcho, 0x0E000000, 1);  // secure memory
  EXPECT_EQ(error_code(call(Func::mem_share_64, n, n)), kInvalid);
  n = put_share(0x8777, page, 1);  // nobody
  EXPECT_EQ(error_code(call(Func::mem_share_64, n, n)), kInvalid);
  n = put_share(harness::trusted_os_id(), page, 1);  // an endpoint inside the SPMC
  EXPECT_EQ(error_code(call(Func::mem_share_64, n, n)), kInvalid);
  n = put_share(kEcho, page, 1, 2 | 8);  // executable
  EXPECT_EQ(error_code(call(Func::mem_share_64, n, n)), kInvalid);
  n = put_share(kEcho, page + 8, 1);  // unaligned
  EXPECT_EQ(error_code(call(Func::mem_share_64, n, n)), kInvalid);
  n = put_share(kEcho, page, 1);
  EXPECT_EQ(error_code(call(Func::mem_share_64, n, n - 8)), -1);      // fragmented: not yet
  EXPECT_EQ(error_code(call(Func::mem_share_64, n, n, 0x1000)), -1);  // buffer by address: not yet
  EXPECT_EQ(error_code(call(Func::mem_share_64, 8, 8)), kInvalid);    // truncated
  // The page still shared since the previous test: no second transaction.
  n = put_share(kEcho, reinterpret_cast<uint64_t>(&g_shared[1][0]), 1);
  EXPECT_EQ(error_code(call(Func::mem_share_64, n, n)), kDenied);
}
