// FFA_ID_GET, FFA_SPM_ID_GET, FFA_FEATURES, FFA_PARTITION_INFO_GET.
#include "ffa/partition_info.h"
#include "nwd/harness/ffa_client.h"
#include "nwd/harness/test.h"

using ffa::Func;
using harness::call;
using harness::error_code;

namespace {
constexpr int32_t kNotSupported = -1, kInvalid = -2, kBusy = -4;

uint32_t rx_le32(unsigned off) {
  const uint8_t* b = harness::buffers().rx + off;
  return b[0] | b[1] << 8 | b[2] << 16 | uint32_t{b[3]} << 24;
}
}  // namespace

TEST_ANY_SPMC(discovery, id_get_is_zero) {
  ffa::Regs r = call(Func::id_get);
  EXPECT_EQ(r.w(0), ffa::raw(Func::success_32));
  EXPECT_EQ(r.w(2), 0);
}
TEST_ANY_SPMC(discovery, spm_id_get_is_the_spmc) {
  ffa::Regs r = call(Func::spm_id_get);
  EXPECT_EQ(r.w(0), ffa::raw(Func::success_32));
  EXPECT_EQ(r.w(2), 0x8000);
}
TEST_ANY_SPMC(discovery, features_of_supported_calls) {
  for (Func f : {Func::version, Func::features, Func::id_get, Func::spm_id_get, Func::partition_info_get,
                 Func::rxtx_map_32, Func::rxtx_map_64, Func::rxtx_unmap, Func::rx_release,
                 Func::msg_send_direct_req_32, Func::msg_send_direct_req_64, Func::msg_send2}) {
    ffa::Regs r = call(Func::features, ffa::raw(f));
    EXPECT_EQ(r.w(0), ffa::raw(Func::success_32));
  }
  // RXTX_MAP: minimum buffer size 4 KiB (w2[1:0] = 0); at v1.2, the
  // largest buffer in pages in w2[31:16] (16).
  EXPECT_EQ(call(Func::features, ffa::raw(Func::rxtx_map_64)).w(2), 16u << 16);
}
TEST_ANY_SPMC(discovery, features_of_unsupported_calls) {
  for (uint32_t id : {ffa::raw(Func::mem_frag_rx), ffa::raw(Func::rx_acquire), ffa::raw(Func::msg_wait),
                      0x840000FFu, 0xC4000065u, 0x82000000u}) {
    EXPECT_EQ(error_code(call(Func::features, id)), kNotSupported);
  }
  // Feature IDs (bit 31 clear): the schedule receiver interrupt (2) is the
  // normal world's; NPI and managed exit are partitions' business.
  for (uint32_t id : {1u, 3u, 0x7Fu}) EXPECT_EQ(error_code(call(Func::features, id)), kNotSupported);
  ffa::Regs sri = call(Func::features, 2);
  EXPECT_TRUE(ffa::is_success(sri));
  EXPECT_EQ(sri.w(2), 8);  // SGI 8
}
TEST_ANY_SPMC(discovery, features_with_input_properties_refused) {
  // Input properties are MBZ for every function the normal world may ask
  // about; FFA_FEATURES answers what it cannot answer with NOT_SUPPORTED.
  EXPECT_EQ(error_code(call(Func::features, ffa::raw(Func::version), 1)), -1);
  EXPECT_EQ(error_code(call(Func::features, ffa::raw(Func::mem_share_64), 2)), -1);
  EXPECT_EQ(error_code(call(Func::features, 2, 1)), -1);  // a feature ID has none either
}
TEST(discovery, partition_count_only) {
  ffa::Regs r = call(Func::partition_info_get, 0, 0, 0, 0, ffa::kPartitionInfoCountOnly);
  EXPECT_EQ(r.w(0), ffa::raw(Func::success_32));
  // The trusted OS, echo, hostile-a, hostile-b, foreign-c, keystore,
  // gpio-driver and ported-c, and whatever else the placement hosts: as
  // many as the full listing has (discovery.partition_info_all).
  EXPECT_TRUE(r.w(2) >= 8);
  ASSERT_TRUE(harness::discover());
  const ffa::Regs all = call(Func::partition_info_get);
  ASSERT_TRUE(ffa::is_success(all));
  EXPECT_EQ(all.w(2), r.w(2));
  EXPECT_TRUE(ffa::is_success(call(Func::rx_release)));
  // No descriptors, so no size: w3 is MBZ with the count-only flag (it
  // once carried the descriptor size), and so is everything after it.
  for (unsigned i = 3; i < 8; ++i) EXPECT_EQ(r.x[i], 0);
}
TEST(discovery, partition_info_all) {
  ASSERT_TRUE(harness::discover());
  const uint32_t count = harness::partition_count();
  ffa::Regs r = call(Func::partition_info_get);
  ASSERT_EQ(r.w(0), ffa::raw(Func::success_32));
  EXPECT_EQ(r.w(2), count);
  EXPECT_TRUE(count >= 8);
  EXPECT_EQ(r.w(3), 24);
  // The trusted OS comes first, then the S-EL0 partitions in load order.
  EXPECT_EQ(rx_le32(0) & 0xFFFF, harness::trusted_os_id());
  EXPECT_EQ(rx_le32(24) & 0xFFFF, 0x8001);  // echo
  EXPECT_EQ(rx_le32(24) >> 16, 1);
  EXPECT_EQ(rx_le32(28), ffa::partition_props::direct_req_recv | ffa::partition_props::direct_req_send |
                             ffa::partition_props::aarch64 | ffa::partition_props::direct_req2_recv |
                             ffa::partition_props::indirect_msg | ffa::partition_props::notification_recv);
  EXPECT_EQ(rx_le32(32), 0x3d7bd8f6u);  // its UUID, first word
  EXPECT_EQ(rx_le32(48) & 0xFFFF, 0x8002);
  EXPECT_EQ(rx_le32(72) & 0xFFFF, 0x8003);
  EXPECT_EQ(rx_le32(96) & 0xFFFF, 0x8004);
  EXPECT_EQ(rx_le32(120) & 0xFFFF, 0x8005);
  // Its execution contexts: one in the SPMC's image (sel1-spmc), one per
  // CPU as an MP partition of its own (sel2-spmc).
  EXPECT_TRUE((rx_le32(0) >> 16) >= 1);
  const uint32_t props = rx_le32(4);
  EXPECT_EQ(props & ffa::partition_props::direct_req_recv, ffa::partition_props::direct_req_recv);
  EXPECT_EQ(props & ffa::partition_props::aarch64, ffa::partition_props::aarch64);
  for (unsigned i = 0; i < 4; ++i) EXPECT_EQ(rx_le32(8 + 4 * i), ffa::kOpteeUuid.w[i]);
  EXPECT_TRUE(ffa::is_success(call(Func::rx_release)));
}
TEST_TOS(discovery, partition_info_by_uuid) {
  ASSERT_TRUE(harness::discover());
  const ffa::Uuid& u = ffa::kOpteeUuid;
  ffa::Regs r = call(Func::partition_info_get, u.w[0], u.w[1], u.w[2], u.w[3]);
  ASSERT_EQ(r.w(0), ffa::raw(Func::success_32));
  EXPECT_EQ(r.w(2), 1);
  EXPECT_EQ(rx_le32(0) & 0xFFFF, harness::trusted_os_id());
  // Asked by UUID: the descriptor's UUID field is MBZ.
  for (unsigned i = 0; i < 4; ++i) EXPECT_EQ(rx_le32(8 + 4 * i), 0);
  EXPECT_TRUE(ffa::is_success(call(Func::rx_release)));
}
TEST_ANY_SPMC(discovery, unknown_uuid_is_invalid) {
  EXPECT_EQ(error_code(call(Func::partition_info_get, 1, 2, 3, 4)), kInvalid);
  EXPECT_EQ(error_code(call(Func::partition_info_get, 1, 2, 3, 4, ffa::kPartitionInfoCountOnly)), kInvalid);
}
TEST_ANY_SPMC(discovery, reserved_flags_are_invalid) {
  EXPECT_EQ(error_code(call(Func::partition_info_get, 0, 0, 0, 0, 2)), kInvalid);
  EXPECT_EQ(error_code(call(Func::partition_info_get, 0, 0, 0, 0, 0x80000001)), kInvalid);
}
TEST_TOS(discovery, rx_full_is_busy_until_released) {
  ASSERT_TRUE(ffa::is_success(call(Func::partition_info_get)));
  EXPECT_EQ(error_code(call(Func::partition_info_get)), kBusy);
  EXPECT_TRUE(ffa::is_success(call(Func::rx_release)));
  EXPECT_TRUE(ffa::is_success(call(Func::partition_info_get)));
  EXPECT_TRUE(ffa::is_success(call(Func::rx_release)));
}

TEST(discovery, partition_info_get_regs_all) {
  const uint32_t count = harness::partition_count();
  ffa::Regs r = call(Func::partition_info_get_regs, 0, 0, 0);
  ASSERT_EQ(r.w(0), ffa::raw(Func::success_64));
  EXPECT_EQ(r.x[2] & 0xFFFF, count - 1);      // last index
  EXPECT_EQ((r.x[2] >> 16) & 0xFFFF, 4);      // five of them in this call
  EXPECT_EQ(r.x[2] >> 48, 24);                // descriptor size
  EXPECT_EQ(r.x[3] & 0xFFFF, harness::trusted_os_id());
  EXPECT_EQ(r.x[4], uint64_t{ffa::kOpteeUuid.w[0]} | uint64_t{ffa::kOpteeUuid.w[1]} << 32);
  EXPECT_EQ(r.x[6] & 0xFFFF, 0x8001);
  EXPECT_EQ(r.x[6] >> 32, ffa::partition_props::direct_req_recv | ffa::partition_props::direct_req_send |
                              ffa::partition_props::aarch64 | ffa::partition_props::direct_req2_recv |
                             ffa::partition_props::indirect_msg | ffa::partition_props::notification_recv);
  EXPECT_EQ(r.x[15] & 0xFFFF, 0x8004);  // the fifth descriptor fills x15-x17
}
TEST(discovery, partition_info_get_regs_from_an_index_and_by_uuid) {
  ffa::Regs r = call(Func::partition_info_get_regs, 0, 0, 2);
  ASSERT_EQ(r.w(0), ffa::raw(Func::success_64));
  EXPECT_EQ(r.x[3] & 0xFFFF, 0x8002);
  r = call(Func::partition_info_get_regs, 0x4b3a0d163d7bd8f6, 0x0bd58a1e9d3a43a8, 0);
  ASSERT_EQ(r.w(0), ffa::raw(Func::success_64));
  EXPECT_EQ(r.x[2] & 0xFFFF, 0);
  EXPECT_EQ(r.x[3] & 0xFFFF, 0x8001);
  EXPECT_EQ(r.x[4], 0);  // asked by UUID: UUID field MBZ
}
TEST(discovery, partition_info_get_regs_refusals) {
  // The sixth on come with the next call, from index 5: five at most.
  const uint32_t count = harness::partition_count();
  ffa::Regs next = call(Func::partition_info_get_regs, 0, 0, 5);
  ASSERT_EQ(next.w(0), ffa::raw(Func::success_64));
  EXPECT_EQ((next.x[2] >> 16) & 0xFFFF, count - 1 < 9 ? count - 1 : 9);
  EXPECT_EQ(next.x[3] & 0xFFFF, 0x8005);
  EXPECT_EQ(next.x[6] & 0xFFFF, 0x8006);
  EXPECT_EQ(next.x[9] & 0xFFFF, 0x8007);
  EXPECT_EQ(error_code(call(Func::partition_info_get_regs, 0, 0, count)), kInvalid);      // past the end
  EXPECT_EQ(error_code(call(Func::partition_info_get_regs, 0, 0, 0x10000)), kInvalid);    // a tag we never gave
  EXPECT_EQ(error_code(call(Func::partition_info_get_regs, 5, 6, 0)), kInvalid);          // unknown UUID
  EXPECT_EQ(error_code(call(0x8400008B)), kNotSupported);                                  // no SMC32 form
}

// Whatever partitions a configuration has, the two discovery interfaces
// list the same ones, in the same order: FFA_PARTITION_INFO_GET's
// descriptors in the RX buffer, and FFA_PARTITION_INFO_GET_REGS's in
// registers, five per call, continued from an index; each partition is
// found again by its UUID (the descriptor's UUID field then MBZ).
TEST_TOS(discovery, both_interfaces_list_the_same_partitions) {
  ASSERT_TRUE(harness::discover());
  const ffa::Regs count = call(Func::partition_info_get, 0, 0, 0, 0, ffa::kPartitionInfoCountOnly);
  ASSERT_EQ(count.w(0), ffa::raw(Func::success_32));
  const unsigned n = count.w(2);
  constexpr unsigned kMax = 16;
  ASSERT_TRUE(n >= 1 && n <= kMax);
  ffa::Regs r = call(Func::partition_info_get);
  ASSERT_EQ(r.w(0), ffa::raw(Func::success_32));
  ASSERT_EQ(r.w(2), n);
  ASSERT_EQ(r.w(3), 24);
  struct Descriptor {
    uint32_t id_and_contexts, props, uuid[4];
  } d[kMax];
  for (unsigned i = 0; i < n; ++i) {
    d[i].id_and_contexts = rx_le32(24 * i);
    d[i].props = rx_le32(24 * i + 4);
    for (unsigned k = 0; k < 4; ++k) d[i].uuid[k] = rx_le32(24 * i + 8 + 4 * k);
  }
  ASSERT_TRUE(ffa::is_success(call(Func::rx_release)));
  EXPECT_EQ(d[0].id_and_contexts & 0xFFFF, harness::trusted_os_id());
  unsigned next = 0, calls = 0;
  uint64_t start = 0;
  while (next < n && calls++ < kMax) {
    const ffa::Regs g = call(Func::partition_info_get_regs, 0, 0, start);
    ASSERT_EQ(g.w(0), ffa::raw(Func::success_64));
    const unsigned last = g.x[2] & 0xFFFF, current = (g.x[2] >> 16) & 0xFFFF;
    const uint64_t tag = (g.x[2] >> 32) & 0xFFFF;
    EXPECT_EQ(last, n - 1);
    EXPECT_EQ(g.x[2] >> 48, 24);
    ASSERT_TRUE(current >= next && current < n && current - next < 5);
    for (unsigned i = next; i <= current; ++i) {
      const unsigned k = i - next;
      EXPECT_EQ(g.x[3 + 3 * k], uint64_t{d[i].props} << 32 | d[i].id_and_contexts);
      EXPECT_EQ(g.x[4 + 3 * k], uint64_t{d[i].uuid[1]} << 32 | d[i].uuid[0]);
      EXPECT_EQ(g.x[5 + 3 * k], uint64_t{d[i].uuid[3]} << 32 | d[i].uuid[2]);
    }
    next = current + 1;
    start = next | tag << 16;
  }
  EXPECT_EQ(next, n);
  for (unsigned i = 0; i < n; ++i) {
    const uint32_t* u = d[i].uuid;
    r = call(Func::partition_info_get, u[0], u[1], u[2], u[3]);
    ASSERT_EQ(r.w(0), ffa::raw(Func::success_32));
    bool listed = false;
    for (unsigned k = 0; k < r.w(2) && k < kMax; ++k) {
      listed = listed || rx_le32(24 * k) == d[i].id_and_contexts;
      for (unsigned w = 0; w < 4; ++w) EXPECT_EQ(rx_le32(24 * k + 8 + 4 * w), 0);
    }
    EXPECT_TRUE(listed);
    ASSERT_TRUE(ffa::is_success(call(Func::rx_release)));
  }
  EXPECT_EQ(error_code(call(Func::partition_info_get_regs, 0, 0, n)), kInvalid);  // past the end
  EXPECT_EQ(error_code(call(0x8400008B)), kNotSupported);                          // no SMC32 form
}
