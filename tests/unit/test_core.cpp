// spmc::Core on fake::FakePlacement: every call the normal world can make
// (as the SPMD forwards it, see src/sel1/main.cpp), hostile forms included.
#include "spmc/core.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "arch/fake/fake_placement.h"
#include "ffa/partition_info.h"
#include "test_util.h"

namespace ffa {
// Readable gtest messages for Error values.
void PrintTo(Error e, std::ostream* os) { *os << to_string(e); }
}  // namespace ffa

namespace {

using ffa::Error;
using ffa::Func;
using ffa::raw;
using ffa::Regs;
using ffa::Version;
using test::err;
namespace props = ffa::partition_props;

constexpr ffa::EndpointId kSpmcId{0x8000};
constexpr uint16_t kOpteeId = 0x8100;     // receives direct requests, local endpoint
constexpr uint16_t kIndirectId = 0x8001;  // does not receive direct requests; runs in its own context
constexpr uint16_t kRemoteId = 0x8002;    // receives them, but runs in its own context
constexpr ffa::Uuid kUuidIndirect = ffa::Uuid::parse("11111111-2222-3333-4444-555555555555");
constexpr ffa::Uuid kUuidRemote = ffa::Uuid::parse("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
constexpr ffa::Uuid kUuidUnknown = ffa::Uuid::parse("00000000-0000-0000-0000-000000000001");

constexpr uint32_t kOpteeProps = props::direct_req_recv | props::aarch64;
constexpr uint32_t kIndirectProps = props::direct_req_send | props::indirect_msg | props::notification_recv |
                                    props::aarch64;  // 0x10E: v1.0 callers see 0x6
constexpr uint32_t kRemoteProps = props::direct_req_recv | props::direct_req2_recv;

constexpr uint64_t kNsBase = 0x40000000, kNsSize = 1ull << 20;
constexpr uint64_t kTx = kNsBase + 0x10000, kRx = kNsBase + 0x40000;
constexpr uint64_t kPage = 4096;

constexpr uint32_t kVersionNotSupported = 0xFFFFFFFF;  // FFA_VERSION's NOT_SUPPORTED, in w0
constexpr uint32_t kFrameworkVersionReq = 0x80000008, kFrameworkVersionResp = 0x80000009;

// A partition inside the SPMC's image: answers with the bitwise complement
// of each payload word (so SMC32 truncation shows in the upper halves).
class EchoEndpoint final : public spmc::LocalEndpoint {
 public:
  void on_direct_request(const spmc::DirectMessage& req, spmc::DirectMessage& resp) override {
    ++calls;
    last = req;
    response_in = resp;
    for (unsigned i = 0; i < 5; ++i) resp.payload[i] = ~req.payload[i];
  }
  int calls = 0;
  spmc::DirectMessage last{};
  spmc::DirectMessage response_in{};
};

// --- Assertions on answers ------------------------------------------------

std::string hex(uint64_t v) {
  char b[32];
  std::snprintf(b, sizeof(b), "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

::testing::AssertionResult zero_from(const Regs& r, unsigned first) {
  for (unsigned i = first; i < 18; ++i)
    if (r.x[i] != 0) return ::testing::AssertionFailure() << "x" << i << " = " << hex(r.x[i]) << ", must be 0";
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsError(const Regs& r, Error e) {
  if (r.x[0] != raw(Func::error))
    return ::testing::AssertionFailure() << "x0 = " << hex(r.x[0]) << ", expected FFA_ERROR " << ffa::to_string(e);
  if (r.x[2] != static_cast<uint32_t>(static_cast<int32_t>(e)))
    return ::testing::AssertionFailure() << "error " << ffa::to_string(ffa::error_of(r)) << " (x2 = " << hex(r.x[2])
                                         << "), expected " << ffa::to_string(e);
  if (r.x[1] != 0) return ::testing::AssertionFailure() << "x1 = " << hex(r.x[1]);
  return zero_from(r, 3);
}

::testing::AssertionResult IsSuccess(const Regs& r, uint64_t w2 = 0, uint64_t w3 = 0) {
  if (r.x[0] != raw(Func::success_32)) {
    if (r.x[0] == raw(Func::error))
      return ::testing::AssertionFailure() << "FFA_ERROR " << ffa::to_string(ffa::error_of(r));
    return ::testing::AssertionFailure() << "x0 = " << hex(r.x[0]) << ", expected FFA_SUCCESS";
  }
  if (r.x[1] != 0 || r.x[2] != w2 || r.x[3] != w3)
    return ::testing::AssertionFailure() << "x1..x3 = " << hex(r.x[1]) << " " << hex(r.x[2]) << " " << hex(r.x[3])
                                         << ", expected 0 " << hex(w2) << " " << hex(w3);
  return zero_from(r, 4);
}

::testing::AssertionResult IsVersionAnswer(const Regs& r, uint32_t w0) {
  if (r.x[0] != w0) return ::testing::AssertionFailure() << "w0 = " << hex(r.x[0]) << ", expected " << hex(w0);
  return zero_from(r, 1);
}

// --- Fixture ---------------------------------------------------------------

class CoreTest : public ::testing::Test {
 protected:
  CoreTest() : placement_(kNsBase, kNsSize), core_(placement_, spmc::CoreConfig{kSpmcId, ffa::kVersion1_2}) {}

  void SetUp() override {
    ASSERT_TRUE(add(kOpteeId, kOpteeProps, ffa::kOpteeUuid, &echo_).ok());
    ASSERT_TRUE(add(kIndirectId, kIndirectProps, kUuidIndirect, nullptr).ok());
    ASSERT_TRUE(add(kRemoteId, kRemoteProps, kUuidRemote, nullptr).ok());
  }

  ffa::Status add(uint16_t id, uint32_t properties, ffa::Uuid uuid, spmc::LocalEndpoint* local,
                  uint16_t contexts = 1) {
    spmc::Partition p{};
    p.info = ffa::PartitionInfo{ffa::EndpointId(id), contexts, properties, uuid};
    p.local = local;
    return core_.add_partition(p);
  }

  // As the trusted OS does: the answer goes to a register set of its own,
  // here filled with a pattern that must not survive in any register.
  Regs call(const Regs& in) {
    Regs out;
    for (unsigned i = 0; i < 18; ++i) out.x[i] = 0x57A1E00000000000ull | i;
    EXPECT_EQ(core_.handle_nwd_call(in, out), spmc::Outcome::reply_to_caller);
    for (unsigned i = 0; i < 18; ++i)
      EXPECT_NE(out.x[i], 0x57A1E00000000000ull | i) << "x" << i << " not written for fid " << hex(in.x[0]);
    return out;
  }
  Regs call(uint32_t fid, uint64_t x1 = 0, uint64_t x2 = 0, uint64_t x3 = 0, uint64_t x4 = 0, uint64_t x5 = 0,
            uint64_t x6 = 0, uint64_t x7 = 0) {
    return call(Regs{{fid, x1, x2, x3, x4, x5, x6, x7}});
  }
  Regs call(Func f, uint64_t x1 = 0, uint64_t x2 = 0, uint64_t x3 = 0, uint64_t x4 = 0, uint64_t x5 = 0,
            uint64_t x6 = 0, uint64_t x7 = 0) {
    return call(raw(f), x1, x2, x3, x4, x5, x6, x7);
  }

  void negotiate(Version v) { ASSERT_TRUE(IsVersionAnswer(call(Func::version, v.word()), 0x10002)); }
  void map_rxtx(uint32_t pages = 1) {
    ASSERT_TRUE(IsSuccess(call(Func::rxtx_map_64, kTx, kRx, pages)));
    ASSERT_EQ(placement_.pages_mapped(), 2u * pages);
  }
  Regs partition_info(const ffa::Uuid& uuid = ffa::kNilUuid, uint32_t flags = 0) {
    return call(Func::partition_info_get, uuid.w[0], uuid.w[1], uuid.w[2], uuid.w[3], flags);
  }
  uint8_t* ns(uint64_t pa) { return placement_.ns_memory(pa); }
  Regs direct(Func f, uint16_t sender, uint16_t receiver, uint64_t flags = 0) {
    return call(f, (uint64_t{sender} << 16) | receiver, flags, 0x1111, 0x2222, 0x3333, 0x4444, 0x5555);
  }

  fake::FakePlacement placement_;
  spmc::Core core_;
  EchoEndpoint echo_;
};

// --- FFA_VERSION -----------------------------------------------------------

TEST_F(CoreTest, VersionDefaultsTo10UntilNegotiated) {
  EXPECT_EQ(core_.nwd().version, ffa::kVersion1_0);
  EXPECT_FALSE(core_.nwd().version_negotiated);
  EXPECT_EQ(core_.partition_count(), 3u);
}

TEST_F(CoreTest, VersionAnswersOursAndRecordsTheAgreedOne) {
  for (Version v : {ffa::kVersion1_0, ffa::kVersion1_1, ffa::kVersion1_2}) {
    EXPECT_TRUE(IsVersionAnswer(call(Func::version, v.word()), 0x10002));
    EXPECT_EQ(core_.nwd().version, v);
  }
}

TEST_F(CoreTest, VersionHigherMinorAgreesOnOurs) {
  EXPECT_TRUE(IsVersionAnswer(call(Func::version, 0x10007), 0x10002));
  EXPECT_EQ(core_.nwd().version, ffa::kVersion1_2);
  EXPECT_TRUE(IsVersionAnswer(call(Func::version, 0x1FFFF), 0x10002));
  EXPECT_EQ(core_.nwd().version, ffa::kVersion1_2);
}

TEST_F(CoreTest, VersionOtherMajorIsNotSupported) {
  negotiate(ffa::kVersion1_1);
  for (uint32_t w : {0x20000u, 0x20002u, 0x0u, 0x00002u, 0x7FFF0000u}) {
    EXPECT_TRUE(IsVersionAnswer(call(Func::version, w), kVersionNotSupported)) << hex(w);
    EXPECT_EQ(core_.nwd().version, ffa::kVersion1_1);  // unchanged
  }
}

TEST_F(CoreTest, VersionWithBit31IsNotAVersion) {
  EXPECT_TRUE(IsVersionAnswer(call(Func::version, 0x80010002), kVersionNotSupported));
  EXPECT_TRUE(IsVersionAnswer(call(Func::version, 0xFFFFFFFF), kVersionNotSupported));
  EXPECT_EQ(core_.nwd().version, ffa::kVersion1_0);
}

TEST_F(CoreTest, VersionIgnoresTheUpperHalfOfX1) {
  EXPECT_TRUE(IsVersionAnswer(call(Func::version, 0xFFFFFFFF00010001ull), 0x10002));
  EXPECT_EQ(core_.nwd().version, ffa::kVersion1_1);
}

TEST_F(CoreTest, VersionMayChangeUntilAnotherCall) {
  negotiate(ffa::kVersion1_2);
  negotiate(ffa::kVersion1_0);
  negotiate(ffa::kVersion1_1);
  EXPECT_EQ(core_.nwd().version, ffa::kVersion1_1);
  EXPECT_FALSE(core_.nwd().version_negotiated);
}

TEST_F(CoreTest, VersionIsLockedAfterAnotherCall) {
  negotiate(ffa::kVersion1_1);
  EXPECT_TRUE(IsSuccess(call(Func::id_get)));
  EXPECT_TRUE(core_.nwd().version_negotiated);
  EXPECT_TRUE(IsVersionAnswer(call(Func::version, 0x10002), kVersionNotSupported));
  EXPECT_TRUE(IsVersionAnswer(call(Func::version, 0x10000), kVersionNotSupported));
  EXPECT_EQ(core_.nwd().version, ffa::kVersion1_1);
  // Asking again for the locked version is fine.
  EXPECT_TRUE(IsVersionAnswer(call(Func::version, 0x10001), 0x10002));
  EXPECT_EQ(core_.nwd().version, ffa::kVersion1_1);
}

TEST_F(CoreTest, VersionIsLockedAt10ByACallWithoutNegotiation) {
  EXPECT_TRUE(IsSuccess(call(Func::id_get)));
  EXPECT_TRUE(IsVersionAnswer(call(Func::version, 0x10002), kVersionNotSupported));
  EXPECT_TRUE(IsVersionAnswer(call(Func::version, 0x10000), 0x10002));
  EXPECT_EQ(core_.nwd().version, ffa::kVersion1_0);
}

TEST_F(CoreTest, VersionIsLockedEvenByARefusedCall) {
  negotiate(ffa::kVersion1_2);
  EXPECT_TRUE(IsError(call(Func::mem_frag_rx), Error::not_supported));
  EXPECT_TRUE(IsVersionAnswer(call(Func::version, 0x10001), kVersionNotSupported));
  EXPECT_EQ(core_.nwd().version, ffa::kVersion1_2);
}

TEST_F(CoreTest, VersionIsLockedByADirectRequest) {
  negotiate(ffa::kVersion1_1);
  Regs r = direct(Func::msg_send_direct_req_32, 0, kOpteeId);
  ASSERT_EQ(r.x[0], raw(Func::msg_send_direct_resp_32));
  EXPECT_TRUE(core_.nwd().version_negotiated);
  EXPECT_TRUE(IsVersionAnswer(call(Func::version, 0x10002), kVersionNotSupported));
  EXPECT_EQ(core_.nwd().version, ffa::kVersion1_1);
}

TEST_F(CoreTest, VersionIsLockedByARefusedDirectRequest) {
  negotiate(ffa::kVersion1_2);
  EXPECT_TRUE(IsError(direct(Func::msg_send_direct_req_64, 0, 0x8005), Error::invalid_parameters));
  EXPECT_TRUE(IsVersionAnswer(call(Func::version, 0x10000), kVersionNotSupported));
  EXPECT_EQ(core_.nwd().version, ffa::kVersion1_2);
}

// --- FFA_FEATURES ----------------------------------------------------------

TEST_F(CoreTest, FeaturesOfSupportedFunctions) {
  negotiate(ffa::kVersion1_2);
  for (Func f : {Func::version, Func::features, Func::rx_release, Func::rxtx_unmap, Func::partition_info_get,
                 Func::id_get, Func::spm_id_get, Func::msg_send_direct_req_32, Func::msg_send_direct_req_64})
    EXPECT_TRUE(IsSuccess(call(Func::features, raw(f)))) << hex(raw(f));
}

TEST_F(CoreTest, FeaturesOfRxtxMapReportsA4KiBMinimumBuffer) {
  // Before v1.2: w2 = 0, the minimum size and alignment is 4 KiB.
  Regs r = call(Func::features, raw(Func::rxtx_map_64));
  EXPECT_TRUE(IsSuccess(r, 0));
}

TEST_F(CoreTest, FeaturesOfRxtxMapReportsTheLargestBufferFromV12) {
  // v1.2 adds bits [31:16]: the largest buffer in 4 KiB pages (16).
  negotiate(ffa::kVersion1_2);
  EXPECT_TRUE(IsSuccess(call(Func::features, raw(Func::rxtx_map_64)), 16u << 16));
  EXPECT_TRUE(IsSuccess(call(Func::features, raw(Func::rxtx_map_32)), 16u << 16));
}

TEST_F(CoreTest, FeaturesOfUnsupportedFunctions) {
  negotiate(ffa::kVersion1_2);
  for (uint32_t fid : {raw(Func::mem_frag_rx), raw(Func::rx_acquire),
                       raw(Func::msg_wait), raw(Func::normal_world_resume), raw(Func::console_log_32),
                       0xC4000063u /* no SMC64 VERSION */, 0x84000000u /* not FF-A */, 0x840000FFu, 0xFFFFFFFFu})
    EXPECT_TRUE(IsError(call(Func::features, fid), Error::not_supported)) << hex(fid);
}

TEST_F(CoreTest, FeaturesOfFeatureIds) {
  negotiate(ffa::kVersion1_2);
  // The schedule receiver interrupt, where the placement has one (the
  // fake's is SGI 8); the other feature IDs are not the normal world's.
  EXPECT_TRUE(IsSuccess(call(Func::features, 2), 8));
  for (uint32_t id : {0u, 1u, 3u, 0x7FFFFFFFu})
    EXPECT_TRUE(IsError(call(Func::features, id), Error::not_supported)) << id;
}

TEST_F(CoreTest, FeaturesFollowTheNegotiatedVersion) {
  // SPM_ID_GET is a v1.1 call: a v1.0 caller does not see it.
  EXPECT_TRUE(IsError(call(Func::features, raw(Func::spm_id_get)), Error::not_supported));
  EXPECT_TRUE(IsSuccess(call(Func::features, raw(Func::partition_info_get))));
}

TEST_F(CoreTest, FeaturesInputPropertiesMustBeZero) {
  // MBZ for every function the normal world may ask about, and for feature
  // IDs: FFA_FEATURES answers NOT_SUPPORTED (its one error).
  negotiate(ffa::kVersion1_2);
  EXPECT_TRUE(IsError(call(Func::features, raw(Func::rxtx_map_64), 1), Error::not_supported));
  EXPECT_TRUE(IsError(call(Func::features, raw(Func::version), 0x80000000), Error::not_supported));
  EXPECT_TRUE(IsError(call(Func::features, 2, 1), Error::not_supported));
  EXPECT_TRUE(IsSuccess(call(Func::features, 2), 8));
}

// --- Calls answered without the core's lock (Core::answer_without_lock) ----

constexpr uint64_t kUntouched = 0x0DD0000000000000ull;

// What answer_without_lock says for `in`: nullopt when it leaves the call to
// handle_nwd_call, which must leave `out` as it was.
std::optional<Regs> unlocked(spmc::Core& core, const Regs& in) {
  Regs out;
  for (unsigned i = 0; i < 18; ++i) out.x[i] = kUntouched | i;
  if (core.answer_without_lock(in, out)) return out;
  for (unsigned i = 0; i < 18; ++i) EXPECT_EQ(out.x[i], kUntouched | i) << "x" << i << " written, yet not answered";
  return std::nullopt;
}

::testing::AssertionResult SameAnswer(const Regs& a, const Regs& b) {
  for (unsigned i = 0; i < 18; ++i)
    if (a.x[i] != b.x[i]) return ::testing::AssertionFailure() << "x" << i << ": " << hex(a.x[i]) << " vs " << hex(b.x[i]);
  return ::testing::AssertionSuccess();
}

TEST_F(CoreTest, UnlockedAnswersWaitForTheVersionToBeFixed) {
  const Regs features{{raw(Func::features), raw(Func::id_get)}};
  const Regs request{{raw(Func::msg_send_direct_req_32), kOpteeId, 0, 1}};
  // FFA_VERSION may still change the version: both go the locked way.
  EXPECT_FALSE(unlocked(core_, features));
  EXPECT_FALSE(unlocked(core_, request));
  negotiate(ffa::kVersion1_1);
  EXPECT_FALSE(unlocked(core_, features));
  EXPECT_FALSE(unlocked(core_, request));
  EXPECT_EQ(echo_.calls, 0);
  // Any other call fixes it.
  ASSERT_TRUE(IsSuccess(call(Func::id_get), 0));
  EXPECT_TRUE(unlocked(core_, features));
  EXPECT_TRUE(unlocked(core_, request));
  EXPECT_EQ(echo_.calls, 1);
}

TEST_F(CoreTest, UnlockedFeaturesAnswerAsTheLockedOnes) {
  negotiate(ffa::kVersion1_1);
  ASSERT_TRUE(IsSuccess(call(Func::id_get), 0));
  std::vector<Regs> asks;
  for (uint32_t fid : {raw(Func::version), raw(Func::rxtx_map_64), raw(Func::rxtx_map_32), raw(Func::mem_share_64),
                       raw(Func::spm_id_get), raw(Func::msg_wait), raw(Func::partition_info_get_regs),
                       0xC4000063u, 0x84000000u, 0xFFFFFFFFu, 0u, 1u, 2u, 3u}) {
    asks.push_back(Regs{{raw(Func::features), fid}});
    asks.push_back(Regs{{raw(Func::features), fid, 1}});               // input properties: MBZ
    asks.push_back(Regs{{raw(Func::features), fid, 0, 0, 0, 0, 0, 7}});  // w7: reserved
    asks.push_back(Regs{{raw(Func::features), fid | 0xFFFFFFFF00000000ull, 0, 0xAB00000000000000ull}});
  }
  for (const Regs& in : asks) {
    const std::optional<Regs> quick = unlocked(core_, in);
    ASSERT_TRUE(quick) << hex(in.x[1]);
    EXPECT_TRUE(SameAnswer(*quick, call(in))) << hex(in.x[1]) << " w2 " << hex(in.x[2]);
  }
  // The version it reads is the negotiated one: v1.1 sees SPM_ID_GET, and
  // FFA_RXTX_MAP's v1.2 size field is not there.
  EXPECT_TRUE(IsSuccess(*unlocked(core_, Regs{{raw(Func::features), raw(Func::spm_id_get)}}), 0));
  EXPECT_TRUE(IsSuccess(*unlocked(core_, Regs{{raw(Func::features), raw(Func::rxtx_map_64)}}), 0));
}

TEST_F(CoreTest, UnlockedDirectRequestsReachOnlyEndpointsInTheImage) {
  negotiate(ffa::kVersion1_2);
  ASSERT_TRUE(IsSuccess(call(Func::id_get), 0));
  const uint64_t hi = 0xFEDC000000000000ull;
  for (Func f : {Func::msg_send_direct_req_32, Func::msg_send_direct_req_64}) {
    const Regs in{{raw(f), kOpteeId, 0, hi | 1, hi | 2, hi | 3, hi | 4, hi | 5, 0xBAD}};
    const std::optional<Regs> quick = unlocked(core_, in);
    ASSERT_TRUE(quick);
    EXPECT_TRUE(SameAnswer(*quick, call(in)));
  }
  EXPECT_EQ(echo_.calls, 4);
  // What handle_nwd_call must see (and refuse, or run a partition for):
  // a partition with contexts of its own, one that takes no requests, an
  // unknown ID, a secure or foreign sender, flags (a framework message
  // among them), other calls.
  const std::vector<Regs> locked = {
      {{raw(Func::msg_send_direct_req_64), kRemoteId}},
      {{raw(Func::msg_send_direct_req_64), kIndirectId}},
      {{raw(Func::msg_send_direct_req_64), 0x8005}},
      {{raw(Func::msg_send_direct_req_64), 0x8200}},  // the trusted OS's low byte, another ID
      {{raw(Func::msg_send_direct_req_64), (uint64_t{0x8001} << 16) | kOpteeId}},
      {{raw(Func::msg_send_direct_req_64), (uint64_t{0x0001} << 16) | kOpteeId}},
      {{raw(Func::msg_send_direct_req_32), kOpteeId, 1}},
      {{raw(Func::msg_send_direct_req_32), (uint64_t{0xFFFF} << 16) | kSpmcId.raw(), 0x80000008}},
      {{raw(Func::msg_send_direct_req2), kOpteeId}},
      {{raw(Func::id_get)}},
      {{raw(Func::version), 0x10002}},
      {{raw(Func::features) | 0x40000000}},
  };
  for (const Regs& in : locked) EXPECT_FALSE(unlocked(core_, in)) << hex(in.x[0]) << " " << hex(in.x[1]);
  EXPECT_EQ(echo_.calls, 4);
}

TEST_F(CoreTest, UnlockedRequestsLeaveIdsSharingALowByteToTheLockedWay) {
  // 0x8200 shares the trusted OS's low byte: the one look-up cannot tell
  // them apart, so neither is answered without the lock; both still are
  // with it.
  EchoEndpoint other;
  ASSERT_TRUE(add(0x8200, kOpteeProps, kUuidUnknown, &other).ok());
  ASSERT_TRUE(IsSuccess(call(Func::id_get), 0));
  for (uint16_t id : {kOpteeId, uint16_t{0x8200}}) {
    const Regs in{{raw(Func::msg_send_direct_req_64), id, 0, 7}};
    EXPECT_FALSE(unlocked(core_, in));
    EXPECT_EQ(call(in).x[0], raw(Func::msg_send_direct_resp_64));
  }
  EXPECT_EQ(echo_.calls + other.calls, 2);
}

TEST_F(CoreTest, UnlockedRequestsNeedAnEndpointThatTakesThem) {
  // In the image, but without the property: DENIED, from the locked way.
  EchoEndpoint mute;
  ASSERT_TRUE(add(0x8103, props::aarch64, kUuidUnknown, &mute).ok());
  ASSERT_TRUE(IsSuccess(call(Func::id_get), 0));
  const Regs in{{raw(Func::msg_send_direct_req_32), 0x8103, 0, 1}};
  EXPECT_FALSE(unlocked(core_, in));
  EXPECT_TRUE(IsError(call(in), Error::denied));
  EXPECT_EQ(mute.calls, 0);
}

TEST_F(CoreTest, UnlockedAnswersWaitAfterAFrameworkMessage) {
  // The SPMD's messages do not fix the normal world's version.
  const Regs fw{{raw(Func::msg_send_direct_req_32), (uint64_t{0xFFFF} << 16) | kSpmcId.raw(),
                 kFrameworkVersionReq, 0x10002}};
  EXPECT_FALSE(unlocked(core_, fw));
  EXPECT_EQ(call(fw).x[2], kFrameworkVersionResp);
  EXPECT_FALSE(core_.nwd().version_negotiated);
  EXPECT_FALSE(unlocked(core_, Regs{{raw(Func::features), raw(Func::id_get)}}));
  EXPECT_FALSE(unlocked(core_, Regs{{raw(Func::msg_send_direct_req_32), kOpteeId}}));
}

TEST_F(CoreTest, UnlockedAnswersFollowTheVersionADirectRequestFixed) {
  negotiate(ffa::kVersion1_2);
  ASSERT_EQ(direct(Func::msg_send_direct_req_32, 0, kOpteeId).x[0], raw(Func::msg_send_direct_resp_32));
  // v1.2: FFA_RXTX_MAP's largest buffer is there.
  EXPECT_TRUE(IsSuccess(*unlocked(core_, Regs{{raw(Func::features), raw(Func::rxtx_map_64)}}), 16u << 16));
  // And it stays: FFA_VERSION cannot move it now.
  EXPECT_TRUE(IsVersionAnswer(call(Func::version, 0x10001), kVersionNotSupported));
  EXPECT_TRUE(IsSuccess(*unlocked(core_, Regs{{raw(Func::features), raw(Func::rxtx_map_64)}}), 16u << 16));
  EXPECT_EQ(core_.nwd().version, ffa::kVersion1_2);
}

TEST_F(CoreTest, UnlockedFeaturesOfAV10Caller) {
  // Fixed at v1.0 by a call without negotiation: no v1.1 calls, no
  // schedule receiver interrupt.
  ASSERT_TRUE(IsSuccess(call(Func::id_get), 0));
  EXPECT_TRUE(IsError(*unlocked(core_, Regs{{raw(Func::features), raw(Func::spm_id_get)}}), Error::not_supported));
  EXPECT_TRUE(IsError(*unlocked(core_, Regs{{raw(Func::features), 2}}), Error::not_supported));
  EXPECT_TRUE(IsSuccess(*unlocked(core_, Regs{{raw(Func::features), raw(Func::partition_info_get)}}), 0));
}

// --- FFA_ID_GET, FFA_SPM_ID_GET, unsupported calls ------------------------

TEST_F(CoreTest, IdGetIsTheNormalWorldsId) { EXPECT_TRUE(IsSuccess(call(Func::id_get), 0)); }

TEST_F(CoreTest, SpmIdGetForV11Callers) {
  negotiate(ffa::kVersion1_1);
  EXPECT_TRUE(IsSuccess(call(Func::spm_id_get), 0x8000));
}

TEST_F(CoreTest, SpmIdGetIsNotAV10Call) {
  negotiate(ffa::kVersion1_0);
  EXPECT_TRUE(IsError(call(Func::spm_id_get), Error::not_supported));
}

TEST_F(CoreTest, UnsupportedAndUnknownCalls) {
  negotiate(ffa::kVersion1_2);
  for (uint32_t fid :
       {raw(Func::mem_frag_rx), raw(Func::mem_op_pause), raw(Func::mem_retrieve_req_32), raw(Func::msg_wait),
        raw(Func::yield), raw(Func::normal_world_resume), raw(Func::rx_acquire),
        raw(Func::msg_send_direct_resp_32), raw(Func::msg_send_direct_resp_64), raw(Func::msg_send_direct_resp2),
        raw(Func::error), raw(Func::success_32), raw(Func::success_64),
        0xC4000063u, 0xC4000068u, 0x8400008Fu, 0x840000FFu, 0x80000000u /* SMCCC_VERSION */,
        0x84000000u /* PSCI_VERSION */, 0u, 0xFFFFFFFFu})
    EXPECT_TRUE(IsError(call(fid), Error::not_supported)) << hex(fid);
}

TEST_F(CoreTest, AnswersNeverLeakTheCallersRegisters) {
  negotiate(ffa::kVersion1_2);
  Regs in{};
  for (unsigned i = 1; i < 18; ++i) in.x[i] = 0xDEAD000000000000ull | i;
  for (uint32_t fid : {raw(Func::mem_share_64), raw(Func::id_get), raw(Func::spm_id_get), raw(Func::rxtx_unmap),
                       raw(Func::rx_release), raw(Func::partition_info_get), raw(Func::features)}) {
    in.x[0] = fid;
    Regs out = call(in);
    ASSERT_TRUE(out.x[0] == raw(Func::error) || out.x[0] == raw(Func::success_32)) << hex(fid);
    EXPECT_TRUE(zero_from(out, 4)) << hex(fid);
    EXPECT_EQ(out.x[1], 0u) << hex(fid);
  }
}

// --- FFA_PARTITION_INFO_GET ------------------------------------------------

TEST_F(CoreTest, PartitionInfoNilUuidV12) {
  negotiate(ffa::kVersion1_2);
  map_rxtx();
  std::memset(ns(kTx), 0x5A, kPage);
  EXPECT_TRUE(IsSuccess(partition_info(), 3, 24));
  const uint8_t* rx = ns(kRx);
  struct Expected {
    uint16_t id;
    uint32_t props;
    ffa::Uuid uuid;
  } expected[] = {{kOpteeId, kOpteeProps, ffa::kOpteeUuid},
                  {kIndirectId, kIndirectProps, kUuidIndirect},
                  {kRemoteId, kRemoteProps, kUuidRemote}};
  for (size_t i = 0; i < 3; ++i) {
    const uint8_t* d = rx + 24 * i;
    EXPECT_EQ(test::get_le16(d), expected[i].id);
    EXPECT_EQ(test::get_le16(d + 2), 1u);
    EXPECT_EQ(test::get_le32(d + 4), expected[i].props);
    for (unsigned w = 0; w < 4; ++w) EXPECT_EQ(test::get_le32(d + 8 + 4 * w), expected[i].uuid.w[w]);
  }
  // Nothing went to the TX buffer.
  for (size_t i = 0; i < kPage; ++i) ASSERT_EQ(ns(kTx)[i], 0x5A) << i;
}

TEST_F(CoreTest, PartitionInfoV10LayoutIsEightBytesWithMaskedProperties) {
  negotiate(ffa::kVersion1_0);
  map_rxtx();
  std::memset(ns(kRx), 0xEE, kPage);
  EXPECT_TRUE(IsSuccess(partition_info(), 3, 0));
  const uint8_t* rx = ns(kRx);
  EXPECT_EQ(test::get_le16(rx), kOpteeId);
  EXPECT_EQ(test::get_le32(rx + 4), kOpteeProps & 0x7);
  EXPECT_EQ(test::get_le16(rx + 8), kIndirectId);
  EXPECT_EQ(test::get_le32(rx + 12), kIndirectProps & 0x7);
  EXPECT_EQ(test::get_le16(rx + 16), kRemoteId);
  EXPECT_EQ(test::get_le32(rx + 20), kRemoteProps & 0x7);
  EXPECT_EQ(rx[24], 0xEE);  // three 8-byte descriptors, nothing more
}

TEST_F(CoreTest, PartitionInfoCountOnlyNeedsNoRxBuffer) {
  negotiate(ffa::kVersion1_1);
  // Count only: w3 is MBZ (no descriptors, so no descriptor size).
  EXPECT_TRUE(IsSuccess(partition_info(ffa::kNilUuid, 1), 3, 0));
  EXPECT_TRUE(IsSuccess(partition_info(ffa::kOpteeUuid, 1), 1, 0));
  // With a mapped RX buffer, count-only leaves it with the caller... the
  // producer still owns it: a full query works right after.
  map_rxtx();
  EXPECT_TRUE(IsSuccess(partition_info(ffa::kNilUuid, 1), 3, 0));
  EXPECT_TRUE(IsSuccess(partition_info(), 3, 24));
}

TEST_F(CoreTest, PartitionInfoCountOnlyIsNotAV10Flag) {
  negotiate(ffa::kVersion1_0);
  map_rxtx();
  EXPECT_TRUE(IsError(partition_info(ffa::kNilUuid, 1), Error::invalid_parameters));
}

TEST_F(CoreTest, PartitionInfoReservedFlagBits) {
  negotiate(ffa::kVersion1_2);
  map_rxtx();
  for (uint32_t flags : {2u, 3u, 0x80000000u, 0xFFFFFFFEu})
    EXPECT_TRUE(IsError(partition_info(ffa::kNilUuid, flags), Error::invalid_parameters)) << hex(flags);
  EXPECT_TRUE(IsSuccess(partition_info(), 3, 24));  // RX buffer still ours
}

TEST_F(CoreTest, PartitionInfoByUuidHasAnMbzUuidField) {
  negotiate(ffa::kVersion1_2);
  map_rxtx();
  std::memset(ns(kRx), 0xEE, kPage);
  EXPECT_TRUE(IsSuccess(partition_info(kUuidRemote), 1, 24));
  const uint8_t* rx = ns(kRx);
  EXPECT_EQ(test::get_le16(rx), kRemoteId);
  EXPECT_EQ(test::get_le32(rx + 4), kRemoteProps);
  for (unsigned i = 8; i < 24; ++i) EXPECT_EQ(rx[i], 0) << i;
  EXPECT_EQ(rx[24], 0xEE);
}

TEST_F(CoreTest, PartitionInfoUnknownUuid) {
  negotiate(ffa::kVersion1_2);
  map_rxtx();
  EXPECT_TRUE(IsError(partition_info(kUuidUnknown), Error::invalid_parameters));
  // A refused query does not hand the RX buffer over.
  EXPECT_TRUE(IsSuccess(partition_info(), 3, 24));
}

TEST_F(CoreTest, PartitionInfoUuidIsW1ToW4) {
  negotiate(ffa::kVersion1_2);
  map_rxtx();
  const ffa::Uuid& u = ffa::kOpteeUuid;
  Regs r = call(Func::partition_info_get, 0xFFFFFFFF00000000ull | u.w[0], 0x1234567800000000ull | u.w[1], u.w[2],
                0xABCD000000000000ull | u.w[3], 0xFFFFFFFF00000000ull);
  EXPECT_TRUE(IsSuccess(r, 1, 24));
}

TEST_F(CoreTest, PartitionInfoWithoutRxBufferIsBusy) {
  negotiate(ffa::kVersion1_2);
  EXPECT_TRUE(IsError(partition_info(), Error::busy));
  map_rxtx();
  EXPECT_TRUE(IsSuccess(call(Func::rxtx_unmap)));
  EXPECT_TRUE(IsError(partition_info(), Error::busy));
}

TEST_F(CoreTest, PartitionInfoWithFullRxBufferIsBusyUntilReleased) {
  negotiate(ffa::kVersion1_2);
  map_rxtx();
  EXPECT_TRUE(IsSuccess(partition_info(), 3, 24));
  EXPECT_TRUE(IsError(partition_info(), Error::busy));
  EXPECT_TRUE(IsError(partition_info(ffa::kOpteeUuid), Error::busy));
  EXPECT_TRUE(IsSuccess(call(Func::rx_release)));
  EXPECT_TRUE(IsSuccess(partition_info(ffa::kOpteeUuid), 1, 24));
}

TEST_F(CoreTest, PartitionInfoListsAFullTable) {
  for (uint16_t id = 0x8200; core_.partition_count() < spmc::kMaxPartitions; ++id)
    ASSERT_TRUE(add(id, props::direct_req_recv, kUuidRemote, nullptr).ok());
  negotiate(ffa::kVersion1_2);
  map_rxtx();
  EXPECT_TRUE(IsSuccess(partition_info(), spmc::kMaxPartitions, 24));
  EXPECT_EQ(test::get_le16(ns(kRx) + 24 * (spmc::kMaxPartitions - 1)), 0x8200 + spmc::kMaxPartitions - 4);
  EXPECT_TRUE(IsSuccess(call(Func::rx_release)));
  // Several partitions may share a UUID.
  EXPECT_TRUE(IsSuccess(partition_info(kUuidRemote), spmc::kMaxPartitions - 2, 24));
}

// --- FFA_RXTX_MAP / FFA_RXTX_UNMAP / FFA_RX_RELEASE -------------------------

TEST_F(CoreTest, RxtxMap64) {
  EXPECT_TRUE(IsSuccess(call(Func::rxtx_map_64, kTx, kRx, 1)));
  EXPECT_EQ(placement_.pages_mapped(), 2u);
  EXPECT_TRUE(core_.nwd().mailbox.mapped());
  EXPECT_EQ(core_.nwd().mailbox.pages(), 1u);
  EXPECT_EQ(core_.nwd().mailbox.rx().data(), ns(kRx));
  EXPECT_EQ(core_.nwd().mailbox.tx().data(), ns(kTx));
}

TEST_F(CoreTest, RxtxMap32UsesOnlyTheLowerHalves) {
  negotiate(ffa::kVersion1_2);
  EXPECT_TRUE(IsSuccess(call(Func::rxtx_map_32, 0xFFFFFFFF00000000ull | kTx, 0x1234000000000000ull | kRx,
                             0xFFFFFFFF00000001ull)));
  EXPECT_EQ(placement_.pages_mapped(), 2u);
  EXPECT_EQ(core_.nwd().mailbox.rx().data(), ns(kRx));
  // The SPMC writes where the caller meant.
  EXPECT_TRUE(IsSuccess(partition_info(), 3, 24));
  EXPECT_EQ(test::get_le16(ns(kRx)), kOpteeId);
}

TEST_F(CoreTest, RxtxMap64UsesTheWholeAddress) {
  EXPECT_TRUE(IsError(call(Func::rxtx_map_64, (1ull << 32) | kTx, kRx, 1), Error::invalid_parameters));
  EXPECT_TRUE(IsError(call(Func::rxtx_map_64, kTx, (1ull << 40) | kRx, 1), Error::invalid_parameters));
  EXPECT_EQ(placement_.pages_mapped(), 0u);
}

TEST_F(CoreTest, RxtxMapUpToSixteenPages) {
  map_rxtx(16);
  EXPECT_EQ(placement_.pages_mapped(), 32u);
  EXPECT_EQ(core_.nwd().mailbox.rx().size(), 16 * kPage);
}

TEST_F(CoreTest, RxtxMapPageCounts) {
  for (uint32_t pages : {0u, 17u, 63u})
    EXPECT_TRUE(IsError(call(Func::rxtx_map_64, kTx, kRx, pages), Error::invalid_parameters)) << pages;
  EXPECT_EQ(placement_.pages_mapped(), 0u);
}

TEST_F(CoreTest, RxtxMapReservedBitsOfW3) {
  for (uint32_t w3 : {0x41u, 0x80000001u, 0x100u | 1u})
    EXPECT_TRUE(IsError(call(Func::rxtx_map_64, kTx, kRx, w3), Error::invalid_parameters)) << hex(w3);
  EXPECT_EQ(placement_.pages_mapped(), 0u);
}

TEST_F(CoreTest, RxtxMapUnaligned) {
  EXPECT_TRUE(IsError(call(Func::rxtx_map_64, kTx + 0x800, kRx, 1), Error::invalid_parameters));
  EXPECT_TRUE(IsError(call(Func::rxtx_map_64, kTx, kRx + 4, 1), Error::invalid_parameters));
  EXPECT_TRUE(IsError(call(Func::rxtx_map_32, kTx + 1, kRx + 1, 1), Error::invalid_parameters));
  EXPECT_EQ(placement_.pages_mapped(), 0u);
}

TEST_F(CoreTest, RxtxMapOverlapping) {
  EXPECT_TRUE(IsError(call(Func::rxtx_map_64, kTx, kTx, 1), Error::invalid_parameters));
  EXPECT_TRUE(IsError(call(Func::rxtx_map_64, kTx, kTx + kPage, 2), Error::invalid_parameters));
  EXPECT_TRUE(IsError(call(Func::rxtx_map_64, kTx + kPage, kTx, 2), Error::invalid_parameters));
  EXPECT_TRUE(IsError(call(Func::rxtx_map_64, kTx, kTx + 15 * kPage, 16), Error::invalid_parameters));
  EXPECT_EQ(placement_.pages_mapped(), 0u);
  // Adjacent is fine.
  EXPECT_TRUE(IsSuccess(call(Func::rxtx_map_64, kTx, kTx + 2 * kPage, 2)));
}

TEST_F(CoreTest, RxtxMapOnlyNormalWorldMemory) {
  const uint64_t end = kNsBase + kNsSize;
  struct {
    uint64_t tx, rx;
    uint32_t pages;
  } cases[] = {
      {0x0E000000, kRx, 1},          // secure RAM
      {kTx, 0x0E100000, 1},          // secure RAM
      {kNsBase - kPage, kRx, 1},     // just below
      {kTx, end, 1},                 // just above
      {kTx, end - kPage, 2},         // straddles the end
      {0, kRx, 1},                   // address 0
      {kTx, 0xFFFFFFFFFFFFF000, 2},  // wraps around
      {0x09000000, kRx, 1},          // a device (UART)
  };
  for (const auto& c : cases)
    EXPECT_TRUE(IsError(call(Func::rxtx_map_64, c.tx, c.rx, c.pages), Error::invalid_parameters))
        << hex(c.tx) << " " << hex(c.rx);
  EXPECT_EQ(placement_.pages_mapped(), 0u);
  EXPECT_FALSE(core_.nwd().mailbox.mapped());
  // The last pages of normal-world memory are fine.
  EXPECT_TRUE(IsSuccess(call(Func::rxtx_map_64, end - 2 * kPage, end - kPage, 1)));
}

TEST_F(CoreTest, RxtxMapTwiceIsDeniedAndKeepsTheFirstPair) {
  map_rxtx();
  EXPECT_TRUE(IsError(call(Func::rxtx_map_64, kTx + 0x8000, kRx + 0x8000, 1), Error::denied));
  EXPECT_TRUE(IsError(call(Func::rxtx_map_64, kTx, kRx, 1), Error::denied));
  // Checked first: even an invalid second request is DENIED.
  EXPECT_TRUE(IsError(call(Func::rxtx_map_32, kTx + 1, kRx, 0), Error::denied));
  EXPECT_EQ(placement_.pages_mapped(), 2u);
  EXPECT_EQ(core_.nwd().mailbox.rx().data(), ns(kRx));
}

TEST_F(CoreTest, RxtxUnmapWhenNothingIsMapped) {
  EXPECT_TRUE(IsError(call(Func::rxtx_unmap), Error::invalid_parameters));
}

TEST_F(CoreTest, RxtxUnmapReleasesBothBuffers) {
  map_rxtx(4);
  EXPECT_TRUE(IsSuccess(call(Func::rxtx_unmap)));
  EXPECT_EQ(placement_.pages_mapped(), 0u);
  EXPECT_FALSE(core_.nwd().mailbox.mapped());
  EXPECT_TRUE(IsError(call(Func::rxtx_unmap), Error::invalid_parameters));
  // A new pair can be mapped, elsewhere.
  EXPECT_TRUE(IsSuccess(call(Func::rxtx_map_64, kRx, kTx, 2)));
  EXPECT_EQ(placement_.pages_mapped(), 4u);
}

TEST_F(CoreTest, RxtxUnmapOfAnotherEndpointsBuffers) {
  map_rxtx();
  EXPECT_TRUE(IsError(call(Func::rxtx_unmap, 1u << 16), Error::invalid_parameters));
  EXPECT_TRUE(IsError(call(Func::rxtx_unmap, 0x8001u << 16), Error::invalid_parameters));
  EXPECT_TRUE(IsError(call(Func::rxtx_unmap, 1), Error::invalid_parameters));  // w1[15:0] MBZ
  EXPECT_EQ(placement_.pages_mapped(), 2u);
  EXPECT_TRUE(IsSuccess(call(Func::rxtx_unmap)));
}

TEST_F(CoreTest, RxReleaseStates) {
  negotiate(ffa::kVersion1_2);
  EXPECT_TRUE(IsError(call(Func::rx_release), Error::denied));  // nothing mapped
  map_rxtx();
  EXPECT_TRUE(IsError(call(Func::rx_release), Error::denied));  // the SPMC owns it already
  EXPECT_TRUE(IsSuccess(partition_info(), 3, 24));
  EXPECT_TRUE(IsSuccess(call(Func::rx_release)));
  EXPECT_TRUE(IsError(call(Func::rx_release), Error::denied));
}

TEST_F(CoreTest, RxReleaseForAnotherEndpoint) {
  negotiate(ffa::kVersion1_2);
  map_rxtx();
  EXPECT_TRUE(IsSuccess(partition_info(), 3, 24));
  EXPECT_TRUE(IsError(call(Func::rx_release, 5), Error::invalid_parameters));
  EXPECT_TRUE(IsError(call(Func::rx_release, 0x8100), Error::invalid_parameters));
  EXPECT_TRUE(IsError(partition_info(), Error::busy));  // still the caller's
}

TEST_F(CoreTest, RxtxUnmapWhileRxIsFullStartsAfresh) {
  negotiate(ffa::kVersion1_2);
  map_rxtx();
  EXPECT_TRUE(IsSuccess(partition_info(), 3, 24));
  EXPECT_TRUE(IsSuccess(call(Func::rxtx_unmap)));
  map_rxtx();
  EXPECT_TRUE(IsSuccess(partition_info(), 3, 24));
}

TEST_F(CoreTest, RxtxMapFailureLeavesNothingMapped) {
  placement_.fail_next_map();
  EXPECT_TRUE(IsError(call(Func::rxtx_map_64, kTx, kRx, 4), Error::no_memory));
  EXPECT_EQ(placement_.pages_mapped(), 0u);
  EXPECT_FALSE(core_.nwd().mailbox.mapped());
  // Not stuck: the next attempt works.
  map_rxtx(4);
}

// A placement whose second map fails: the TX buffer is mapped by then and
// must be unmapped again.
class SecondMapFails final : public spmc::Placement {
 public:
  ffa::Result<uint8_t*> map_ns_pages(uint64_t pa, uint32_t pages) override {
    if (++maps == 2) return ffa::Error::no_memory;
    return inner.map_ns_pages(pa, pages);
  }
  void unmap_ns_pages(uint64_t pa, uint8_t* va, uint32_t pages) override {
    ++unmaps;
    inner.unmap_ns_pages(pa, va, pages);
  }
  bool is_ns_memory(uint64_t pa, uint64_t size) const override { return inner.is_ns_memory(pa, size); }

  fake::FakePlacement inner;
  int maps = 0;
  int unmaps = 0;
};

TEST(CoreRxtxRollback, RxMapFailureUnmapsTheTxBuffer) {
  SecondMapFails placement;
  spmc::Core core(placement, spmc::CoreConfig{kSpmcId, ffa::kVersion1_2});
  Regs r{{raw(Func::rxtx_map_64), kTx, kRx, 3}};
  (void)core.handle_nwd_call(r);
  EXPECT_TRUE(IsError(r, Error::no_memory));
  EXPECT_EQ(placement.inner.pages_mapped(), 0u);
  EXPECT_EQ(placement.unmaps, 1);
  EXPECT_FALSE(core.nwd().mailbox.mapped());
  Regs again{{raw(Func::rxtx_map_64), kTx, kRx, 3}};
  (void)core.handle_nwd_call(again);
  EXPECT_TRUE(IsSuccess(again));
  EXPECT_EQ(placement.inner.pages_mapped(), 6u);
}

// --- FFA_MSG_SEND_DIRECT_REQ -----------------------------------------------

TEST_F(CoreTest, DirectRequest32) {
  Regs in{{raw(Func::msg_send_direct_req_32), kOpteeId, 0, 0xAAAAAAAA00000001ull, 0xBBBBBBBB00000002ull,
           0xCCCCCCCC00000003ull, 0xDDDDDDDD00000004ull, 0xEEEEEEEE00000005ull}};
  Regs out = call(in);
  ASSERT_EQ(echo_.calls, 1);
  // The partition sees the 32-bit payload only.
  EXPECT_FALSE(echo_.last.is_64bit);
  EXPECT_EQ(echo_.last.sender.raw(), 0);
  EXPECT_EQ(echo_.last.receiver.raw(), kOpteeId);
  for (unsigned i = 0; i < 5; ++i) EXPECT_EQ(echo_.last.payload[i], i + 1);
  // Its response starts empty, addressed back to the sender.
  EXPECT_EQ(echo_.response_in.sender.raw(), kOpteeId);
  EXPECT_EQ(echo_.response_in.receiver.raw(), 0);
  for (unsigned i = 0; i < 5; ++i) EXPECT_EQ(echo_.response_in.payload[i], 0u);

  EXPECT_EQ(out.x[0], raw(Func::msg_send_direct_resp_32));
  EXPECT_EQ(out.x[1], uint64_t{kOpteeId} << 16);
  EXPECT_EQ(out.x[2], 0u);
  // Upper halves of the partition's answer are cut off for SMC32.
  for (unsigned i = 0; i < 5; ++i) EXPECT_EQ(out.x[3 + i], uint64_t{~uint32_t(i + 1)}) << i;
  EXPECT_TRUE(zero_from(out, 8));
}

TEST_F(CoreTest, DirectRequest64) {
  Regs in{{raw(Func::msg_send_direct_req_64), kOpteeId, 0, 0xAAAAAAAA00000001ull, 0xBBBBBBBB00000002ull,
           0xCCCCCCCC00000003ull, 0xDDDDDDDD00000004ull, 0xEEEEEEEE00000005ull}};
  Regs out = call(in);
  ASSERT_EQ(echo_.calls, 1);
  EXPECT_TRUE(echo_.last.is_64bit);
  for (unsigned i = 0; i < 5; ++i) EXPECT_EQ(echo_.last.payload[i], in.x[3 + i]);
  EXPECT_EQ(out.x[0], raw(Func::msg_send_direct_resp_64));
  EXPECT_EQ(out.x[1], uint64_t{kOpteeId} << 16);
  EXPECT_EQ(out.x[2], 0u);
  for (unsigned i = 0; i < 5; ++i) EXPECT_EQ(out.x[3 + i], ~in.x[3 + i]) << i;
  EXPECT_TRUE(zero_from(out, 8));
}

TEST_F(CoreTest, DirectResponseNeverCarriesX8ToX17) {
  for (Func f : {Func::msg_send_direct_req_32, Func::msg_send_direct_req_64}) {
    Regs in{};
    for (unsigned i = 8; i < 18; ++i) in.x[i] = 0x5EC2E7000000000ull + i;
    in.x[0] = raw(f);
    in.x[1] = kOpteeId;
    Regs out = call(in);
    EXPECT_TRUE(zero_from(out, 8)) << hex(raw(f));
  }
}

// spmc::LocalEndpoint's contract (issue 12): while a local endpoint
// answers, other CPUs' calls may run in the core (the S-EL1 placement lets
// go of the core's lock for the trusted OS). Here the endpoint makes such
// calls itself, as another CPU would, including the endpoint's own next
// request; its first answer still comes out whole and right.
class ReenteringEndpoint final : public spmc::LocalEndpoint {
 public:
  spmc::Core* core = nullptr;
  int depth = 0;
  Regs inner_answers[3];
  void on_direct_request(const spmc::DirectMessage& req, spmc::DirectMessage& resp) override {
    if (++depth == 1) {
      const Regs calls[3] = {Regs{{raw(Func::id_get)}}, Regs{{raw(Func::features), raw(Func::mem_share_64)}},
                             Regs{{raw(Func::msg_send_direct_req_64), kOpteeId, 0, 7, 8, 9, 10, 11}}};
      for (unsigned i = 0; i < 3; ++i) (void)core->handle_nwd_call(calls[i], inner_answers[i]);
    }
    for (unsigned i = 0; i < 5; ++i) resp.payload[i] = req.payload[i] + 1;
    --depth;
  }
};

TEST_F(CoreTest, OtherCallsMayRunWhileALocalEndpointAnswers) {
  spmc::Core core(placement_, spmc::CoreConfig{kSpmcId, ffa::kVersion1_2});
  ReenteringEndpoint tos;
  tos.core = &core;
  spmc::Partition p{};
  p.info = ffa::PartitionInfo{ffa::EndpointId(kOpteeId), 1, kOpteeProps, ffa::kOpteeUuid};
  p.local = &tos;
  ASSERT_TRUE(core.add_partition(p).ok());
  Regs out;
  ASSERT_EQ(core.handle_nwd_call(Regs{{raw(Func::msg_send_direct_req_32), kOpteeId, 0, 1, 2, 3, 4, 5}}, out),
            spmc::Outcome::reply_to_caller);
  EXPECT_EQ(out.x[0], raw(Func::msg_send_direct_resp_32));
  EXPECT_EQ(out.x[1], uint64_t{kOpteeId} << 16);
  EXPECT_EQ(out.x[2], 0u);
  for (unsigned i = 3; i < 8; ++i) EXPECT_EQ(out.x[i], i - 1) << "x" << i;
  EXPECT_TRUE(zero_from(out, 8));
  EXPECT_TRUE(IsSuccess(tos.inner_answers[0], 0));
  EXPECT_EQ(tos.inner_answers[1].x[0], raw(Func::success_32));
  EXPECT_EQ(tos.inner_answers[2].x[0], raw(Func::msg_send_direct_resp_64));
  EXPECT_EQ(tos.inner_answers[2].x[3], 8u);
}

TEST_F(CoreTest, DirectRequestFromAWrongSender) {
  for (uint16_t sender : {uint16_t{1}, uint16_t{0x7FFF}, uint16_t{0x8001}, uint16_t{0x8100}, uint16_t{0xFFFF}})
    for (Func f : {Func::msg_send_direct_req_32, Func::msg_send_direct_req_64})
      EXPECT_TRUE(IsError(direct(f, sender, kOpteeId), Error::invalid_parameters)) << hex(sender);
  EXPECT_EQ(echo_.calls, 0);
}

TEST_F(CoreTest, DirectRequestToAnUnknownReceiver) {
  for (uint16_t receiver : {uint16_t{0}, uint16_t{1}, uint16_t{0x8005}, uint16_t{0x8000}, uint16_t{0xFFFF}})
    for (Func f : {Func::msg_send_direct_req_32, Func::msg_send_direct_req_64})
      EXPECT_TRUE(IsError(direct(f, 0, receiver), Error::invalid_parameters)) << hex(receiver);
  EXPECT_EQ(echo_.calls, 0);
}

TEST_F(CoreTest, DirectRequestWithFlags) {
  // w2 is MBZ for partition messages; the normal world sends no framework
  // messages.
  for (uint64_t flags : {1ull, 0x80000000ull, 0x80000008ull, 0x100ull})
    EXPECT_TRUE(IsError(direct(Func::msg_send_direct_req_32, 0, kOpteeId, flags), Error::invalid_parameters))
        << hex(flags);
  EXPECT_EQ(echo_.calls, 0);
}

TEST_F(CoreTest, DirectRequestToAPartitionThatDoesNotReceiveThem) {
  EXPECT_TRUE(IsError(direct(Func::msg_send_direct_req_32, 0, kIndirectId), Error::denied));
  EXPECT_TRUE(IsError(direct(Func::msg_send_direct_req_64, 0, kIndirectId), Error::denied));
  EXPECT_EQ(echo_.calls, 0);
}

TEST_F(CoreTest, DirectRequestToAPartitionNotYetStarted) {
  // A partition in its own context takes requests only once it waits for
  // them (test_partition_lifecycle.cpp covers the rest).
  EXPECT_TRUE(IsError(direct(Func::msg_send_direct_req_32, 0, kRemoteId), Error::busy));
}

// --- SPMD framework messages -------------------------------------------------

Regs framework(uint32_t type_word, uint64_t w3, uint16_t sender = 0xFFFF, uint16_t receiver = 0x8000,
               Func f = Func::msg_send_direct_req_32) {
  return Regs{{raw(f), (uint64_t{sender} << 16) | receiver, type_word, w3}};
}

TEST_F(CoreTest, FrameworkVersionFromTheSpmd) {
  Regs out = call(framework(kFrameworkVersionReq, 0x10001));
  EXPECT_EQ(out.x[0], raw(Func::msg_send_direct_resp_32));
  EXPECT_EQ(out.x[1], 0x8000FFFFu);
  EXPECT_EQ(out.x[2], kFrameworkVersionResp);
  EXPECT_EQ(out.x[3], 0x10002u);
  EXPECT_TRUE(zero_from(out, 4));
  EXPECT_EQ(core_.nwd().version, ffa::kVersion1_1);
  EXPECT_EQ(echo_.calls, 0);
}

TEST_F(CoreTest, FrameworkVersionDoesNotLockTheVersion) {
  call(framework(kFrameworkVersionReq, 0x10001));
  call(framework(kFrameworkVersionReq, 0x10000));
  EXPECT_FALSE(core_.nwd().version_negotiated);
  EXPECT_EQ(core_.nwd().version, ffa::kVersion1_0);
  negotiate(ffa::kVersion1_2);  // the normal world may still choose
  EXPECT_EQ(core_.nwd().version, ffa::kVersion1_2);
}

TEST_F(CoreTest, FrameworkVersionIncompatible) {
  for (uint64_t w3 : {0x20000ull, 0x80010002ull, 0ull}) {
    Regs out = call(framework(kFrameworkVersionReq, w3));
    EXPECT_EQ(out.x[2], kFrameworkVersionResp);
    EXPECT_EQ(out.x[3], kVersionNotSupported) << hex(w3);
  }
  EXPECT_EQ(core_.nwd().version, ffa::kVersion1_0);
}

TEST_F(CoreTest, FrameworkVersionRespectsALockedVersion) {
  negotiate(ffa::kVersion1_1);
  EXPECT_TRUE(IsSuccess(call(Func::id_get)));
  Regs out = call(framework(kFrameworkVersionReq, 0x10002));
  EXPECT_EQ(out.x[3], kVersionNotSupported);
  out = call(framework(kFrameworkVersionReq, 0x10001));
  EXPECT_EQ(out.x[3], 0x10002u);
  EXPECT_EQ(core_.nwd().version, ffa::kVersion1_1);
}

TEST_F(CoreTest, FrameworkPsciCpuOffFromTheSpmd) {
  // Power management request (type 0), w3 = PSCI CPU_OFF: the placement
  // is told; the answer is a power management response (type 2) with
  // PSCI's status in w3.
  Regs out = call(framework(0x80000000, 0x84000002));
  EXPECT_EQ(out.x[0], raw(Func::msg_send_direct_resp_32));
  EXPECT_EQ(out.x[1], 0x8000FFFFu);
  EXPECT_EQ(out.x[2], 0x80000002u);
  EXPECT_EQ(out.x[3], 0u);  // PSCI SUCCESS
  EXPECT_TRUE(zero_from(out, 4));
  EXPECT_EQ(placement_.cpu_off_messages, 1u);
  // The placement needs this CPU: DENIED (-3), and it has nothing to stop.
  placement_.keep_cpu_on = true;
  EXPECT_EQ(call(framework(0x80000000, 0x84000002)).x[3], 0xFFFFFFFDu);
  EXPECT_EQ(placement_.cpu_off_messages, 1u);
  // Other PSCI functions: NOT_SUPPORTED (-1), and the placement is not told.
  for (uint64_t fid : {0x84000001ull, 0xC4000001ull, 0x84000003ull, 0ull}) {
    out = call(framework(0x80000000, fid));
    EXPECT_EQ(out.x[2], 0x80000002u);
    EXPECT_EQ(out.x[3], 0xFFFFFFFFu) << hex(fid);
  }
  EXPECT_EQ(placement_.cpu_off_messages, 1u);
  // Never from the normal world: its framework-looking request is refused.
  EXPECT_TRUE(IsError(call(framework(0x80000000, 0x84000002, 0, 0x8000)), Error::invalid_parameters));
  EXPECT_EQ(placement_.cpu_off_messages, 1u);
  EXPECT_EQ(echo_.calls, 0);
}

TEST_F(CoreTest, FrameworkMessageOfAnotherType) {
  for (uint32_t type : {0x80000001u, 0x80000004u, 0x80000009u, 0x800000FFu})
    EXPECT_TRUE(IsError(call(framework(type, 0x10002)), Error::not_supported)) << hex(type);
}

TEST_F(CoreTest, FrameworkMessagesAreSmc32FromTheSpmdToTheSpmc) {
  // The SMC64 form, another receiver, another sender or no framework bit:
  // not a framework message, and as a direct request it is refused.
  EXPECT_TRUE(IsError(call(framework(kFrameworkVersionReq, 0x10001, 0xFFFF, 0x8000, Func::msg_send_direct_req_64)),
                      Error::invalid_parameters));
  EXPECT_TRUE(IsError(call(framework(kFrameworkVersionReq, 0x10001, 0xFFFF, kOpteeId)), Error::invalid_parameters));
  EXPECT_TRUE(IsError(call(framework(kFrameworkVersionReq, 0x10001, 0, 0x8000)), Error::invalid_parameters));
  EXPECT_TRUE(IsError(call(framework(8, 0x10001)), Error::invalid_parameters));
  EXPECT_EQ(core_.nwd().version, ffa::kVersion1_0);
  EXPECT_EQ(echo_.calls, 0);
}

// --- add_partition ----------------------------------------------------------

TEST_F(CoreTest, AddPartitionRefusesNonSecureIds) {
  for (uint16_t id : {uint16_t{0}, uint16_t{1}, uint16_t{0x7FFF}})
    EXPECT_EQ(err(add(id, 0, kUuidUnknown, nullptr)), Error::invalid_parameters) << hex(id);
  EXPECT_EQ(core_.partition_count(), 3u);
}

TEST_F(CoreTest, AddPartitionRefusesTheSpmcAndSpmdIds) {
  EXPECT_EQ(err(add(0x8000, 0, kUuidUnknown, nullptr)), Error::invalid_parameters);
  EXPECT_EQ(err(add(0xFFFF, 0, kUuidUnknown, nullptr)), Error::invalid_parameters);
  EXPECT_EQ(core_.partition_count(), 3u);
}

TEST_F(CoreTest, AddPartitionRefusesDuplicates) {
  EXPECT_EQ(err(add(kOpteeId, kOpteeProps, kUuidUnknown, nullptr)), Error::invalid_parameters);
  EXPECT_EQ(core_.partition_count(), 3u);
  // The original stays.
  ASSERT_NE(core_.find_partition(ffa::EndpointId(kOpteeId)), nullptr);
  EXPECT_EQ(core_.find_partition(ffa::EndpointId(kOpteeId))->info.uuid, ffa::kOpteeUuid);
}

// An endpoint in the SPMC's image takes direct requests and nothing that
// needs a context of its own: REQ2, indirect messages and sending are
// refused at registration, so those calls never reach it.
TEST_F(CoreTest, AddPartitionRefusesAnInImageEndpointThatWouldNeedContexts) {
  for (uint32_t extra : {props::direct_req2_recv, props::indirect_msg, props::direct_req_send, props::direct_req2_send})
    EXPECT_EQ(err(add(0x8300, props::direct_req_recv | extra, kUuidUnknown, &echo_)), Error::invalid_parameters)
        << hex(extra);
  EXPECT_EQ(core_.partition_count(), 3u);
  // Direct requests and notifications it may take.
  EXPECT_TRUE(add(0x8300, props::direct_req_recv | props::notification_recv | props::aarch64, kUuidUnknown, &echo_).ok());
  // REQ2 to it is DENIED by its properties, as to any partition without them.
  negotiate(ffa::kVersion1_2);
  EXPECT_TRUE(IsError(call(Regs{{raw(Func::msg_send_direct_req2), 0x8300}}), Error::denied));
}

TEST_F(CoreTest, AddPartitionWhenTheTableIsFull) {
  uint16_t id = 0x8200;
  while (core_.partition_count() < spmc::kMaxPartitions) ASSERT_TRUE(add(id++, 0, kUuidUnknown, nullptr).ok());
  EXPECT_EQ(err(add(id, 0, kUuidUnknown, nullptr)), Error::no_memory);
  EXPECT_EQ(core_.partition_count(), spmc::kMaxPartitions);
  EXPECT_EQ(core_.find_partition(ffa::EndpointId(id)), nullptr);
}

TEST_F(CoreTest, InPlaceFormGivesTheSameAnswers) {
  // handle_nwd_call(regs): the answer replaces the call.
  Regs r{{raw(Func::version), 0x10001, 0xFFFF, 0xFFFF}};
  EXPECT_EQ(core_.handle_nwd_call(r), spmc::Outcome::reply_to_caller);
  EXPECT_TRUE(IsVersionAnswer(r, 0x10002));
  Regs d{{raw(Func::msg_send_direct_req_64), kOpteeId, 0, 7, 8, 9, 10, 11, 12, 13}};
  (void)core_.handle_nwd_call(d);
  EXPECT_EQ(d.x[0], raw(Func::msg_send_direct_resp_64));
  EXPECT_EQ(d.x[3], ~7ull);
  EXPECT_EQ(d.x[7], ~11ull);
  EXPECT_TRUE(zero_from(d, 8));
  Regs e{{raw(Func::mem_share_64), 1, 2, 3, 4, 5, 6, 7}};
  (void)core_.handle_nwd_call(e);
  EXPECT_TRUE(IsError(e, Error::invalid_parameters));  // a 2-byte fragment of a 1-byte descriptor
}

// --- A client's whole start-up, as Linux does it ---------------------------

TEST_F(CoreTest, LinuxLikeStartup) {
  negotiate(ffa::kVersion1_1);
  EXPECT_TRUE(IsSuccess(call(Func::id_get), 0));
  EXPECT_TRUE(IsSuccess(call(Func::rxtx_map_64, kTx, kRx, 1)));
  EXPECT_TRUE(IsSuccess(partition_info(), 3, 24));
  EXPECT_TRUE(IsSuccess(call(Func::rx_release)));
  EXPECT_TRUE(IsSuccess(call(Func::features, raw(Func::mem_share_64)), 1));  // descriptors by address too
  Regs r = direct(Func::msg_send_direct_req_32, 0, kOpteeId);
  EXPECT_EQ(r.x[0], raw(Func::msg_send_direct_resp_32));
  EXPECT_EQ(r.x[3], uint32_t{~0x1111u});
  EXPECT_TRUE(IsSuccess(call(Func::rxtx_unmap)));
  EXPECT_EQ(placement_.pages_mapped(), 0u);
}

}  // namespace

// --- Reserved registers (ffa/abi.h) ----------------------------------------

namespace {
TEST_F(CoreTest, AReservedRegisterSetIsInvalidParametersBeforeAnyHandler) {
  negotiate(ffa::kVersion1_2);
  EXPECT_TRUE(IsError(call(Func::id_get, 1), Error::invalid_parameters));
  EXPECT_TRUE(IsError(call(Func::spm_id_get, 0, 0, 0, 0, 0, 0, 7), Error::invalid_parameters));
  EXPECT_TRUE(IsError(call(Func::rx_release, 0, 9), Error::invalid_parameters));
  EXPECT_TRUE(IsError(call(Func::notification_info_get_64, 0, 0, 1), Error::invalid_parameters));
  // The same calls, clean, are answered.
  EXPECT_TRUE(IsSuccess(call(Func::id_get)));
  EXPECT_TRUE(IsSuccess(call(Func::spm_id_get), kSpmcId.raw()));
  // An SMC32 call's upper halves are ignored (SMCCC), reserved ones too.
  EXPECT_TRUE(IsSuccess(call(Func::spm_id_get, 0xFFFFFFFF00000000ull), kSpmcId.raw()));
  // FFA_FEATURES' one error is NOT_SUPPORTED, reserved registers too.
  EXPECT_TRUE(IsError(call(Func::features, raw(Func::id_get), 0, 1), Error::not_supported));
  EXPECT_TRUE(IsSuccess(call(Func::features, raw(Func::id_get))));
  // A call the normal world may not make stays NOT_SUPPORTED, whatever
  // its registers hold.
  EXPECT_TRUE(IsError(call(Func::msg_wait, 1), Error::not_supported));
}
}  // namespace
