// The trusted OS's shared memory as an S-EL1 partition (sel1/ffa_memory_client.h):
// its FF-A calls go to a real SPMC core (the host's, with the fake
// placement), through its own RX/TX pair, as they go to the S-EL2 SPMC on
// the target. The normal world shares and reclaims; the client retrieves,
// maps, gives back, and must never leave a transaction retrieved behind
// the lender's back.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "arch/fake/fake_placement.h"
#include "core_test_util.h"
#include "mem_desc_util.h"
#include "sel1/ffa_memory_client.h"
#include "spmc/core.h"

namespace {

using ffa::EndpointId;
using ffa::Error;
using ffa::Func;
using ffa::Regs;
using test::build_desc;
using test::Range;
using test::Receiver;

constexpr uint16_t kNwd = 0, kTos = 0x8100, kOther = 0x8001;
constexpr uint64_t kNs = 0x40000000, kTx = kNs, kRx = kNs + 0x1000, kPage1 = kNs + 0x10000;
constexpr uint8_t kRw = 2, kRo = 1;

// Where the client's mappings go: one range at its own address in the fake
// normal-world memory; several are recorded and given a window address.
class RecordingMapper final : public sel1::NsWindowMapper {
 public:
  explicit RecordingMapper(fake::FakePlacement& placement) : placement_(placement) {}
  ffa::Result<uint8_t*> map(const ffa::MemConstituent* ranges, unsigned count) override {
    ++maps;
    last_count = count;
    if (refuse) return Error::no_memory;
    return count == 1 ? placement_.ns_memory(ranges[0].address) : window_;
  }
  void unmap(const ffa::MemConstituent*, unsigned, uint8_t*) override { ++unmaps; }
  unsigned maps = 0, unmaps = 0, last_count = 0;
  bool refuse = false;

 private:
  fake::FakePlacement& placement_;
  uint8_t window_[16] = {};
};

class FfaMemoryClientTest : public ::testing::Test {
 protected:
  FfaMemoryClientTest()
      : placement_(kNs, 8u << 20),
        core_(placement_, spmc::CoreConfig{EndpointId(0x8000), ffa::kVersion1_2}),
        mapper_(placement_),
        client_(&conduit, lib::MutableByteView(tx_, sizeof tx_), lib::ByteView(rx_, sizeof rx_), mapper_,
                ffa::kVersion1_2) {}

  void SetUp() override {
    for (uint16_t id : {kTos, kOther}) {
      spmc::Partition p{};
      p.info = ffa::PartitionInfo{EndpointId(id), 1, ffa::partition_props::direct_req_recv, ffa::Uuid{{id, 2, 3, 4}}};
      p.version = ffa::kVersion1_2;
      ASSERT_TRUE(core_.add_partition(p).ok());
    }
    core_.attach_partition_mailbox(0, tx_, rx_, 1);
    Regs out{};
    ASSERT_EQ(core_.boot_next(out), spmc::Outcome::run_partition);
    ASSERT_EQ(core_.handle_sp_call(0, Regs{{ffa::raw(Func::msg_wait)}}, out), spmc::Outcome::run_partition);
    ASSERT_EQ(core_.handle_sp_call(1, Regs{{ffa::raw(Func::msg_wait)}}, out), spmc::Outcome::boot_done);
    ASSERT_EQ(nwd({{ffa::raw(Func::version), 0x10002}}).x[0], 0x10002u);
    ASSERT_EQ(nwd({{ffa::raw(Func::rxtx_map_64), kTx, kRx, 1}}).x[0], ffa::raw(Func::success_32));
    g_self = this;
  }
  void TearDown() override { g_self = nullptr; }

  // The client's SMC: the trusted OS (partition 0) calls the core.
  static void conduit(Regs* r) {
    Regs out{};
    (void)g_self->core_.handle_sp_call(0, *r, out);
    ++g_self->calls_;
    *r = out;
  }
  Regs nwd(Regs in) {
    Regs out{};
    (void)core_.handle_nwd_call(in, out);
    return out;
  }
  uint64_t transfer(Func f, const std::vector<Range>& ranges, uint8_t perm = kRw, uint16_t to = kTos) {
    const uint32_t len = build_desc(placement_.ns_memory(kTx), kNwd, {Receiver{to, perm}}, ranges);
    // A lend to one borrower leaves the memory attributes to it.
    if (f != Func::mem_share_64) test::put(placement_.ns_memory(kTx), 2, 0, 2);
    const Regs r = nwd({{ffa::raw(f), len, len}});
    return ffa::is_success(r) ? r.w64(2) : 0;
  }
  uint64_t share(const std::vector<Range>& ranges, uint8_t perm = kRw) {
    return transfer(Func::mem_share_64, ranges, perm);
  }
  bool retrieved_by_tos(uint64_t handle) {
    const spmc::MemShare* s = core_.share(handle);
    return s && s->retrieved(0);
  }
  bool reclaim(uint64_t h) {
    return ffa::is_success(nwd({{ffa::raw(Func::mem_reclaim), static_cast<uint32_t>(h), h >> 32}}));
  }

  static inline FfaMemoryClientTest* g_self = nullptr;
  alignas(4096) uint8_t tx_[4096] = {};
  alignas(4096) uint8_t rx_[4096] = {};
  fake::FakePlacement placement_;
  spmc::Core core_;
  RecordingMapper mapper_;
  sel1::FfaMemoryClient client_;
  unsigned calls_ = 0;
  const EndpointId tos_{kTos}, nwd_{kNwd};
};

TEST_F(FfaMemoryClientTest, ARetrievedBufferIsMappedWritableAndGivenBack) {
  const uint64_t h = share({{kPage1, 1}});
  ASSERT_NE(h, 0u);
  // shared_with looks and gives it straight back: the lender could reclaim.
  EXPECT_TRUE(client_.shared_with(tos_, h, nwd_));
  EXPECT_FALSE(retrieved_by_tos(h));
  auto buffer = client_.local_retrieve(tos_, nwd_, h);
  ASSERT_TRUE(buffer.ok());
  EXPECT_TRUE(buffer->writable);
  ASSERT_EQ(buffer->bytes.size(), 4096u);
  buffer->bytes.data()[7] = 0x5A;
  EXPECT_EQ(placement_.ns_memory(kPage1)[7], 0x5A);
  EXPECT_TRUE(retrieved_by_tos(h));
  EXPECT_EQ(client_.held(), 1u);
  // Held: the lender cannot take it back, and the client cannot take it twice.
  EXPECT_FALSE(reclaim(h));
  EXPECT_EQ(client_.local_retrieve(tos_, nwd_, h).error(), Error::denied);
  bool writable = false;
  ffa::MemConstituent range{};
  EXPECT_EQ(client_.local_ranges(tos_, nwd_, h, &range, 1, writable).error(), Error::denied);
  EXPECT_TRUE(client_.shared_with(tos_, h, nwd_));  // from what it holds: no call
  ASSERT_TRUE(client_.local_relinquish(tos_, h).ok());
  EXPECT_EQ(mapper_.unmaps, 1u);
  EXPECT_EQ(client_.held(), 0u);
  EXPECT_FALSE(retrieved_by_tos(h));
  EXPECT_EQ(client_.local_relinquish(tos_, h).error(), Error::invalid_parameters);
  EXPECT_TRUE(reclaim(h));
  // Every RX buffer it was given was released: the core can deliver again.
  const uint64_t again = share({{kPage1, 1}});
  EXPECT_TRUE(client_.local_retrieve(tos_, nwd_, again).ok());
}

TEST_F(FfaMemoryClientTest, OnlyTheLenderMayNameItsHandle) {
  const uint64_t h = share({{kPage1, 1}});
  ASSERT_NE(h, 0u);
  EXPECT_FALSE(client_.shared_with(tos_, h, EndpointId(kOther)));
  EXPECT_EQ(client_.local_retrieve(tos_, EndpointId(kOther), h).error(), Error::invalid_parameters);
  bool writable = false;
  ffa::MemConstituent range{};
  EXPECT_EQ(client_.local_ranges(tos_, EndpointId(kOther), h, &range, 1, writable).error(),
            Error::invalid_parameters);
  EXPECT_FALSE(retrieved_by_tos(h));
  EXPECT_EQ(client_.held(), 0u);
  // A handle nobody gave.
  EXPECT_FALSE(client_.shared_with(tos_, h + 0x100, nwd_));
  EXPECT_EQ(client_.local_retrieve(tos_, nwd_, h + 0x100).error(), Error::invalid_parameters);
  EXPECT_TRUE(reclaim(h));
}

TEST_F(FfaMemoryClientTest, ScatteredRangesComeAsTheyWereGiven) {
  const uint64_t h = share({{kPage1, 1}, {kPage1 + 0x3000, 2}, {kPage1 + 0x8000, 1}}, kRo);
  ASSERT_NE(h, 0u);
  ffa::MemConstituent ranges[4] = {};
  bool writable = true;
  auto n = client_.local_ranges(tos_, nwd_, h, ranges, 4, writable);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 3u);
  EXPECT_FALSE(writable);
  EXPECT_EQ(ranges[1].address, kPage1 + 0x3000);
  EXPECT_EQ(ranges[1].pages, 2u);
  // Asked again: from what it holds, no second retrieve.
  const unsigned before = calls_;
  ASSERT_TRUE(client_.local_ranges(tos_, nwd_, h, ranges, 2, writable).ok());
  EXPECT_EQ(calls_, before);
  EXPECT_EQ(mapper_.maps, 0u);  // ranges are not mapped here
  ASSERT_TRUE(client_.local_relinquish(tos_, h).ok());
  EXPECT_EQ(mapper_.unmaps, 0u);
  EXPECT_TRUE(reclaim(h));
  // As one buffer: the mapper gets every range.
  const uint64_t h2 = share({{kPage1, 1}, {kPage1 + 0x3000, 2}});
  ASSERT_TRUE(client_.local_retrieve(tos_, nwd_, h2).ok());
  EXPECT_EQ(mapper_.last_count, 2u);
}

// A transaction it cannot keep goes straight back: one the mapper refuses,
// a lend (it takes shares only). (One of more ranges than it maps as one
// buffer: AFragmentedResponseIsReadWhole.)
TEST_F(FfaMemoryClientTest, WhatItCannotKeepGoesStraightBack) {
  const uint64_t h = share({{kPage1, 1}});
  mapper_.refuse = true;
  EXPECT_EQ(client_.local_retrieve(tos_, nwd_, h).error(), Error::no_memory);
  EXPECT_FALSE(retrieved_by_tos(h));
  EXPECT_EQ(client_.held(), 0u);
  EXPECT_TRUE(reclaim(h));
  mapper_.refuse = false;

  const uint64_t lent = transfer(Func::mem_lend_64, {{kPage1, 1}});
  ASSERT_NE(lent, 0u);
  EXPECT_FALSE(client_.shared_with(tos_, lent, nwd_));
  EXPECT_EQ(client_.local_retrieve(tos_, nwd_, lent).error(), Error::invalid_parameters);
  EXPECT_FALSE(retrieved_by_tos(lent));
  EXPECT_TRUE(reclaim(lent));
}

// 256 ranges: the retrieve response is longer than the RX buffer and comes
// in two fragments (FFA_MEM_FRAG_RX), each read and released.
TEST_F(FfaMemoryClientTest, AFragmentedResponseIsReadWhole) {
  std::vector<Range> ranges;
  for (unsigned i = 0; i < 256; ++i) ranges.push_back(Range{kPage1 + 0x2000ull * i, 1});
  // The descriptor does not fit one TX page: given in fragments.
  uint8_t desc[8192];
  const uint32_t len = build_desc(desc, kNwd, {Receiver{kTos, kRw}}, ranges);
  ASSERT_GT(len, 4096u);
  std::memcpy(placement_.ns_memory(kTx), desc, 4096);
  Regs r = nwd({{ffa::raw(Func::mem_share_64), len, 4096}});
  ASSERT_EQ(r.fid(), ffa::raw(Func::mem_frag_rx));
  std::memcpy(placement_.ns_memory(kTx), desc + 4096, len - 4096);
  r = nwd({{ffa::raw(Func::mem_frag_tx), r.w(1), r.w(2), len - 4096}});
  ASSERT_TRUE(ffa::is_success(r));
  const uint64_t h = r.w64(2);
  ffa::MemConstituent got[sel1::FfaMemoryClient::kMaxRanges] = {};
  bool writable = false;
  auto n = client_.local_ranges(tos_, nwd_, h, got, sel1::FfaMemoryClient::kMaxRanges, writable);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 256u);
  EXPECT_EQ(got[63].address, kPage1 + 0x2000ull * 63);
  // One buffer of 256 ranges is more than it maps.
  ASSERT_TRUE(client_.local_relinquish(tos_, h).ok());
  EXPECT_EQ(client_.local_retrieve(tos_, nwd_, h).error(), Error::no_memory);
  EXPECT_FALSE(retrieved_by_tos(h));
  EXPECT_TRUE(reclaim(h));
}

}  // namespace
