// src/ffa headers: the ABI as types (versions, IDs, UUIDs, error codes,
// partition info descriptors). No state, so plain value checks.
#include <gtest/gtest.h>

#include "ffa/error.h"
#include "ffa/func.h"
#include "ffa/ids.h"
#include "ffa/partition_info.h"
#include "ffa/regs.h"
#include "ffa/uuid.h"
#include "ffa/version.h"
#include "test_util.h"

namespace {

using ffa::Version;

TEST(FfaVersion, WordRoundTrip) {
  EXPECT_EQ(ffa::kVersion1_0.word(), 0x10000u);
  EXPECT_EQ(ffa::kVersion1_2.word(), 0x10002u);
  EXPECT_EQ(Version::from_word(0x10001), ffa::kVersion1_1);
  // Bit 31 is not part of the major version.
  EXPECT_EQ(Version::from_word(0x80010002).major, 1);
  EXPECT_FALSE(Version::valid_word(0x80010002));
  EXPECT_TRUE(Version::valid_word(0x7FFFFFFF));
}

TEST(FfaVersion, Negotiate) {
  EXPECT_EQ(ffa::negotiate(ffa::kVersion1_0, ffa::kVersion1_2), ffa::kVersion1_0);
  EXPECT_EQ(ffa::negotiate(ffa::kVersion1_1, ffa::kVersion1_2), ffa::kVersion1_1);
  EXPECT_EQ(ffa::negotiate(Version{1, 9}, ffa::kVersion1_2), ffa::kVersion1_2);
  EXPECT_EQ(ffa::negotiate(Version{2, 0}, ffa::kVersion1_2), (Version{0, 0}));
  EXPECT_EQ(ffa::negotiate(Version{0, 9}, ffa::kVersion1_2), (Version{0, 0}));
  EXPECT_TRUE(ffa::kVersion1_0 < ffa::kVersion1_1);
  EXPECT_TRUE((Version{1, 0xFFFF}) < (Version{2, 0}));
}

TEST(FfaFunc, IdRanges) {
  EXPECT_TRUE(ffa::is_ffa_id(0x84000060));
  EXPECT_TRUE(ffa::is_ffa_id(0xC40000FF));
  EXPECT_FALSE(ffa::is_ffa_id(0x8400005F));  // below the FF-A range
  EXPECT_FALSE(ffa::is_ffa_id(0x84000100));
  EXPECT_FALSE(ffa::is_ffa_id(0x84010063));  // not the standard secure service owner layout
  EXPECT_FALSE(ffa::is_ffa_id(0x80000000));  // SMCCC_VERSION
  EXPECT_FALSE(ffa::is_ffa_id(0x04000063));  // not a fast call
  EXPECT_TRUE(ffa::is_smc64(ffa::raw(ffa::Func::rxtx_map_64)));
  EXPECT_FALSE(ffa::is_smc64(ffa::raw(ffa::Func::rxtx_map_32)));
}

TEST(FfaFunc, MinVersionFollowsTheSpecTables) {
  EXPECT_EQ(ffa::min_version(ffa::Func::version), ffa::kVersion1_0);
  EXPECT_EQ(ffa::min_version(ffa::Func::normal_world_resume), ffa::kVersion1_0);
  EXPECT_EQ(ffa::min_version(ffa::Func::notification_bitmap_create), ffa::kVersion1_1);
  EXPECT_EQ(ffa::min_version(ffa::Func::spm_id_get), ffa::kVersion1_1);
  EXPECT_EQ(ffa::min_version(ffa::Func::mem_perm_set_64), ffa::kVersion1_1);
  EXPECT_EQ(ffa::min_version(ffa::Func::console_log_32), ffa::kVersion1_2);
  EXPECT_EQ(ffa::min_version(ffa::Func::msg_send_direct_req2), ffa::kVersion1_2);
}

TEST(FfaFunc, IsKnown) {
  EXPECT_TRUE(ffa::is_known(ffa::raw(ffa::Func::version)));
  EXPECT_TRUE(ffa::is_known(ffa::raw(ffa::Func::mem_share_64)));
  EXPECT_TRUE(ffa::is_known(ffa::raw(ffa::Func::partition_info_get_regs)));
  EXPECT_FALSE(ffa::is_known(0x8400008B));  // PARTITION_INFO_GET_REGS exists only as SMC64
  EXPECT_FALSE(ffa::is_known(0x8400008D));
  EXPECT_FALSE(ffa::is_known(0xC4000063));  // no 64-bit FFA_VERSION
  EXPECT_FALSE(ffa::is_known(0xC4000085));
  EXPECT_FALSE(ffa::is_known(0x8400008F));  // v1.3
  EXPECT_FALSE(ffa::is_known(0x80000000));
}

TEST(FfaRegs, SuccessAndErrorEncodings) {
  ffa::Regs e = ffa::error(ffa::Error::denied);
  EXPECT_EQ(e.x[0], 0x84000060u);
  EXPECT_EQ(e.x[2], 0xFFFFFFFAu);  // zero-extended
  EXPECT_TRUE(ffa::is_error(e));
  EXPECT_EQ(ffa::error_of(e), ffa::Error::denied);
  ffa::Regs s = ffa::success(1, 2, 3, 4, 5, 6);
  EXPECT_TRUE(ffa::is_success(s));
  EXPECT_EQ(s.x[1], 0u);
  EXPECT_EQ(s.x[7], 6u);
  for (unsigned i = 8; i < 18; ++i) EXPECT_EQ(s.x[i], 0u);
  EXPECT_EQ(ffa::success64(9).x[0], 0xC4000061u);
}

TEST(FfaError, Names) {
  EXPECT_STREQ(ffa::to_string(ffa::Error::not_supported), "NOT_SUPPORTED");
  EXPECT_STREQ(ffa::to_string(ffa::Error::not_ready), "NOT_READY");
  EXPECT_STREQ(ffa::to_string(static_cast<ffa::Error>(-99)), "UNKNOWN_ERROR");
}

TEST(FfaIds, EndpointPairAndSecureBit) {
  auto p = ffa::EndpointPair::from_w1(0xFFFFFFFF80000005ull);
  EXPECT_EQ(p.sender.raw(), 0x8000);
  EXPECT_EQ(p.receiver.raw(), 0x0005);
  EXPECT_EQ(p.w1(), 0x80000005u);
  EXPECT_TRUE(ffa::kSpmdId.is_secure());
  EXPECT_FALSE(ffa::kNormalWorldId.is_secure());
}

TEST(FfaUuid, ParseMatchesSmcccWordOrder) {
  EXPECT_EQ(ffa::kOpteeUuid.w[0], 0xe0786148u);
  EXPECT_EQ(ffa::kOpteeUuid.w[3], 0x1bc5d5a5u);
  constexpr auto upper = ffa::Uuid::parse("486178E0-E7F8-11E3-BC5E-0002A5D5C51B");
  EXPECT_EQ(upper, ffa::kOpteeUuid);
  EXPECT_TRUE(ffa::kNilUuid.is_nil());
  EXPECT_FALSE(ffa::kOpteeUuid.is_nil());
  // A short string leaves the missing bytes zero, never reads past its end.
  constexpr auto partial = ffa::Uuid::parse("01020304");
  EXPECT_EQ(partial.w[0], 0x04030201u);
  EXPECT_EQ(partial.w[1], 0u);
}

TEST(FfaPartitionInfo, LayoutPerVersion) {
  ffa::PartitionInfo p{ffa::EndpointId(0x8100), 2, 0x30F, ffa::kOpteeUuid};
  test::Bytes buf(48, 0xEE);
  lib::MutableByteView out(buf.data(), buf.size());
  ASSERT_TRUE(ffa::write_partition_info(out, 1, p, ffa::kVersion1_0));
  EXPECT_EQ(test::get_le16(&buf[8]), 0x8100);
  EXPECT_EQ(test::get_le16(&buf[10]), 2);
  EXPECT_EQ(test::get_le32(&buf[12]), 0x7u);  // bits [2:0] only
  EXPECT_EQ(buf[16], 0xEE);                    // 8 bytes, no UUID

  test::Bytes buf2(48, 0xEE);
  lib::MutableByteView out2(buf2.data(), buf2.size());
  ASSERT_TRUE(ffa::write_partition_info(out2, 1, p, ffa::kVersion1_1));
  EXPECT_EQ(test::get_le16(&buf2[24]), 0x8100);
  EXPECT_EQ(test::get_le32(&buf2[28]), 0x30Fu);
  EXPECT_EQ(test::get_le32(&buf2[32]), ffa::kOpteeUuid.w[0]);
  EXPECT_EQ(test::get_le32(&buf2[44]), ffa::kOpteeUuid.w[3]);
  EXPECT_EQ(buf2[23], 0xEE);  // entry 0 untouched

  // No room for a third descriptor.
  EXPECT_FALSE(ffa::write_partition_info(out2, 2, p, ffa::kVersion1_1));
  EXPECT_FALSE(ffa::write_partition_info(lib::MutableByteView(buf.data(), 7), 0, p, ffa::kVersion1_0));
}

}  // namespace
