// FFA_RXTX_MAP / FFA_RXTX_UNMAP / FFA_RX_RELEASE, hostile cases first, and
// PARTITION_INFO_GET before any buffer is mapped.
#include "ffa/partition_info.h"
#include "nwd/harness/ffa_client.h"
#include "nwd/harness/test.h"

using ffa::Func;
using harness::call;
using harness::error_code;
using harness::rx_pa;
using harness::tx_pa;

namespace {
constexpr int32_t kInvalid = -2, kBusy = -4, kDenied = -6;
// Two spare pages for the multi-page cases.
alignas(4096) uint8_t g_pages[4][4096];
uint64_t page(unsigned i) { return reinterpret_cast<uint64_t>(g_pages[i]); }
}  // namespace

TEST_ANY_SPMC(rxtx, partition_info_without_rx_is_busy) {
  EXPECT_EQ(error_code(call(Func::partition_info_get)), kBusy);
  // Count-only needs no buffer.
  ffa::Regs r = call(Func::partition_info_get, 0, 0, 0, 0, ffa::kPartitionInfoCountOnly);
  EXPECT_TRUE(ffa::is_success(r));
}
TEST_ANY_SPMC(rxtx, release_when_unmapped_is_denied) { EXPECT_EQ(error_code(call(Func::rx_release)), kDenied); }
TEST_ANY_SPMC(rxtx, unmap_when_unmapped_is_invalid) { EXPECT_EQ(error_code(call(Func::rxtx_unmap)), kInvalid); }
TEST_ANY_SPMC(rxtx, unaligned_buffers_refused) {
  EXPECT_EQ(error_code(call(Func::rxtx_map_64, tx_pa() + 8, rx_pa(), 1)), kInvalid);
  EXPECT_EQ(error_code(call(Func::rxtx_map_64, tx_pa(), rx_pa() + 0x800, 1)), kInvalid);
}
TEST_ANY_SPMC(rxtx, same_or_overlapping_buffers_refused) {
  EXPECT_EQ(error_code(call(Func::rxtx_map_64, tx_pa(), tx_pa(), 1)), kInvalid);
  EXPECT_EQ(error_code(call(Func::rxtx_map_64, page(0), page(1), 2)), kInvalid);
  EXPECT_EQ(error_code(call(Func::rxtx_map_64, page(1), page(0), 2)), kInvalid);
}
TEST_ANY_SPMC(rxtx, bad_page_counts_refused) {
  EXPECT_EQ(error_code(call(Func::rxtx_map_64, tx_pa(), rx_pa(), 0)), kInvalid);
  EXPECT_EQ(error_code(call(Func::rxtx_map_64, tx_pa(), rx_pa(), 63)), kInvalid);
  EXPECT_EQ(error_code(call(Func::rxtx_map_64, tx_pa(), rx_pa(), 0x41)), kInvalid);  // reserved bits
}
TEST_ANY_SPMC(rxtx, secure_memory_refused) {
  EXPECT_EQ(error_code(call(Func::rxtx_map_64, 0x0E000000, rx_pa(), 1)), kInvalid);   // the monitor
  EXPECT_EQ(error_code(call(Func::rxtx_map_64, tx_pa(), 0x0E100000, 1)), kInvalid);   // the trusted OS
  EXPECT_EQ(error_code(call(Func::rxtx_map_64, 0x0EFFF000, rx_pa(), 1)), kInvalid);   // end of secure RAM
}
TEST_ANY_SPMC(rxtx, devices_holes_and_wraparound_refused) {
  EXPECT_EQ(error_code(call(Func::rxtx_map_64, 0x09000000, rx_pa(), 1)), kInvalid);   // the UART
  EXPECT_EQ(error_code(call(Func::rxtx_map_64, tx_pa(), 0x00001000, 1)), kInvalid);   // flash
  EXPECT_EQ(error_code(call(Func::rxtx_map_64, 0xFFFFFFFFFFFFF000, rx_pa(), 1)), kInvalid);
  EXPECT_EQ(error_code(call(Func::rxtx_map_64, tx_pa(), 0x100000000000, 1)), kInvalid);
}
TEST_ANY_SPMC(rxtx, map_32bit_then_twice_is_denied) {
  ASSERT_TRUE(ffa::is_success(call(Func::rxtx_map_32, tx_pa(), rx_pa(), 1)));
  EXPECT_EQ(error_code(call(Func::rxtx_map_32, tx_pa(), rx_pa(), 1)), kDenied);
  EXPECT_EQ(error_code(call(Func::rxtx_map_64, page(0), page(1), 1)), kDenied);
  EXPECT_TRUE(ffa::is_success(call(Func::rxtx_unmap)));
}
TEST_ANY_SPMC(rxtx, unmap_of_another_id_refused) {
  ASSERT_TRUE(ffa::is_success(call(Func::rxtx_map_64, tx_pa(), rx_pa(), 1)));
  EXPECT_EQ(error_code(call(Func::rxtx_unmap, 0x00010000)), kInvalid);
  EXPECT_EQ(error_code(call(Func::rxtx_unmap, 0x80000000)), kInvalid);
  EXPECT_TRUE(ffa::is_success(call(Func::rxtx_unmap)));
  EXPECT_EQ(error_code(call(Func::rxtx_unmap)), kInvalid);
}
TEST_TOS(rxtx, multi_page_pair) {
  ASSERT_TRUE(ffa::is_success(call(Func::rxtx_map_64, page(0), page(2), 2)));
  ffa::Regs r = call(Func::partition_info_get);
  EXPECT_TRUE(ffa::is_success(r));
  // The descriptor landed in the two-page RX buffer: OP-TEE's UUID at 8.
  uint32_t w0 = g_pages[2][8] | g_pages[2][9] << 8 | g_pages[2][10] << 16 | uint32_t{g_pages[2][11]} << 24;
  EXPECT_EQ(w0, ffa::kOpteeUuid.w[0]);
  EXPECT_TRUE(ffa::is_success(call(Func::rx_release)));
  EXPECT_TRUE(ffa::is_success(call(Func::rxtx_unmap)));
}
TEST_ANY_SPMC(rxtx, release_rules) {
  ASSERT_TRUE(ffa::is_success(call(Func::rxtx_map_64, tx_pa(), rx_pa(), 1)));
  EXPECT_EQ(error_code(call(Func::rx_release)), kDenied);  // nothing to release
  ASSERT_TRUE(ffa::is_success(call(Func::partition_info_get)));
  EXPECT_EQ(error_code(call(Func::rx_release, 0x1)), kInvalid);  // someone else's ID
  EXPECT_TRUE(ffa::is_success(call(Func::rx_release)));
  EXPECT_EQ(error_code(call(Func::rx_release)), kDenied);  // twice
  // Leave the pair mapped for the tests that follow.
}
