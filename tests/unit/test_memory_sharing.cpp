// Memory sharing on spmc::Core: FFA_MEM_SHARE from the normal world, a
// partition's retrieve and relinquish, FFA_MEM_RECLAIM, and the refusals.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "arch/fake/fake_placement.h"
#include "spmc/core.h"

namespace {

using ffa::Error;
using ffa::Func;
using ffa::Regs;
using spmc::Outcome;

constexpr uint16_t kSp = 0x8001;
constexpr uint64_t kNs = 0x40000000, kTx = kNs, kRx = kNs + 0x1000, kPage1 = kNs + 0x10000;

// Records what partitions map, so that every map has its unmap.
class MappingPlacement : public fake::FakePlacement {
 public:
  ffa::Status partition_map_ns(ffa::EndpointId, uint64_t pa, uint32_t pages, bool writable) override {
    mapped += pages;
    last_pa = pa;
    last_writable = writable;
    return {};
  }
  void partition_unmap_ns(ffa::EndpointId, uint64_t, uint32_t pages) override { mapped -= pages; }
  int64_t mapped = 0;
  uint64_t last_pa = 0;
  bool last_writable = false;
};

class MemorySharing : public ::testing::Test {
 protected:
  MemorySharing() : core_(placement_, spmc::CoreConfig{ffa::EndpointId(0x8000), ffa::kVersion1_2}) {}

  void SetUp() override {
    spmc::Partition p{};
    p.info = ffa::PartitionInfo{ffa::EndpointId(kSp), 1, ffa::partition_props::direct_req_recv, ffa::Uuid{{1, 2, 3, 4}}};
    p.version = ffa::kVersion1_2;
    ASSERT_TRUE(core_.add_partition(p).ok());
    core_.attach_partition_mailbox(0, sp_tx_, sp_rx_, 1);
    Regs out{};
    ASSERT_EQ(core_.boot_next(out), Outcome::run_partition);
    ASSERT_EQ(core_.handle_sp_call(0, Regs{{ffa::raw(Func::msg_wait)}}, out), Outcome::boot_done);
    ASSERT_TRUE(nwd({{ffa::raw(Func::version), 0x10002}}).x[0] == 0x10002);
    ASSERT_EQ(nwd({{ffa::raw(Func::rxtx_map_64), kTx, kRx, 1}}).x[0], ffa::raw(Func::success_32));
  }

  Regs nwd(Regs in) {
    Regs out{};
    (void)core_.handle_nwd_call(in, out);
    return out;
  }
  Regs sp(Regs in) {
    Regs out{};
    (void)core_.handle_sp_call(0, in, out);
    return out;
  }
  static void put(uint8_t* b, size_t off, uint64_t v, size_t n) {
    for (size_t i = 0; i < n; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
  }
  // A v1.2 share descriptor in the normal world's TX buffer.
  uint32_t share_desc(uint16_t receiver, uint64_t address, uint32_t pages, uint8_t perm = 2 | 4) {
    uint8_t* tx = placement_.ns_memory(kTx);
    std::memset(tx, 0, 128);
    put(tx, 2, 0x2F, 2);
    put(tx, 24, 32, 4);
    put(tx, 28, 1, 4);
    put(tx, 32, 48, 4);
    put(tx, 48, receiver, 2);
    put(tx, 50, perm, 1);
    put(tx, 52, 80, 4);
    put(tx, 80, pages, 4);
    put(tx, 84, 1, 4);
    put(tx, 96, address, 8);
    put(tx, 104, pages, 4);
    return 112;
  }
  uint64_t share(uint32_t length, Func f = Func::mem_share_64) {
    Regs r = nwd({{ffa::raw(f), length, length}});
    return r.x[0] == ffa::raw(Func::success_32) ? (r.x[2] | r.x[3] << 32) : 0;
  }
  Regs retrieve(uint64_t handle) {
    std::memset(sp_tx_, 0, 128);
    put(sp_tx_, 8, handle, 8);
    put(sp_tx_, 24, 32, 4);
    put(sp_tx_, 28, 1, 4);
    put(sp_tx_, 32, 48, 4);
    put(sp_tx_, 48, kSp, 2);
    return sp({{ffa::raw(Func::mem_retrieve_req_64), 80, 80}});
  }
  Regs relinquish(uint64_t handle) {
    std::memset(sp_tx_, 0, 32);
    put(sp_tx_, 0, handle, 8);
    put(sp_tx_, 12, 1, 4);
    put(sp_tx_, 16, kSp, 2);
    return sp({{ffa::raw(Func::mem_relinquish)}});
  }
  static int32_t err(const Regs& r) { return r.x[0] == ffa::raw(Func::error) ? static_cast<int32_t>(r.x[2]) : 0; }

  MappingPlacement placement_;
  spmc::Core core_;
  uint8_t sp_tx_[4096] = {}, sp_rx_[4096] = {};
};

TEST_F(MemorySharing, WholeLifecycle) {
  const uint64_t h = share(share_desc(kSp, kPage1, 2));
  ASSERT_NE(h, 0u);
  EXPECT_EQ(h >> 63, 0u);
  Regs r = retrieve(h);
  ASSERT_EQ(r.x[0], ffa::raw(Func::mem_retrieve_resp));
  EXPECT_EQ(placement_.mapped, 2);
  EXPECT_EQ(placement_.last_pa, kPage1);
  EXPECT_TRUE(placement_.last_writable);
  // The response in the partition's RX: the handle, NS attribute, the region.
  uint64_t handle_in_rx = 0;
  std::memcpy(&handle_in_rx, sp_rx_ + 8, 8);
  EXPECT_EQ(handle_in_rx, h);
  EXPECT_TRUE(sp_rx_[2] & 0x40);
  uint64_t address = 0;
  std::memcpy(&address, sp_rx_ + 80 + 16, 8);
  EXPECT_EQ(address, kPage1);
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_reclaim), static_cast<uint32_t>(h), h >> 32}})), -6);  // still held
  EXPECT_EQ(err(retrieve(h)), -6);  // retrieved already
  ASSERT_EQ(sp({{ffa::raw(Func::rx_release)}}).x[0], ffa::raw(Func::success_32));
  ASSERT_EQ(relinquish(h).x[0], ffa::raw(Func::success_32));
  EXPECT_EQ(placement_.mapped, 0);
  EXPECT_EQ(err(relinquish(h)), -2);  // not held any more
  ASSERT_EQ(nwd({{ffa::raw(Func::mem_reclaim), static_cast<uint32_t>(h), h >> 32}}).x[0], ffa::raw(Func::success_32));
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_reclaim), static_cast<uint32_t>(h), h >> 32}})), -2);
  EXPECT_EQ(err(retrieve(h)), -2);
  // A new share of the same page gets a different handle.
  const uint64_t h2 = share(share_desc(kSp, kPage1, 2));
  EXPECT_NE(h2, 0u);
  EXPECT_NE(h2, h);
}

TEST_F(MemorySharing, RetrieveWithAFullRxBufferIsBusy) {
  const uint64_t h1 = share(share_desc(kSp, kPage1, 1));
  const uint64_t h2 = share(share_desc(kSp, kPage1 + 0x1000, 1));
  ASSERT_EQ(retrieve(h1).x[0], ffa::raw(Func::mem_retrieve_resp));
  EXPECT_EQ(err(retrieve(h2)), -4);  // the first response still fills the RX buffer
  EXPECT_EQ(placement_.mapped, 1);   // and nothing of h2 was mapped
}

TEST_F(MemorySharing, ReadOnlyShareIsMappedReadOnly) {
  const uint64_t h = share(share_desc(kSp, kPage1, 1, 1 | 4));
  ASSERT_EQ(retrieve(h).x[0], ffa::raw(Func::mem_retrieve_resp));
  EXPECT_FALSE(placement_.last_writable);
}

TEST_F(MemorySharing, Refusals) {
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_share_64), 112, 100}})), -1);          // fragments
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_share_64), 112, 112, 0x1000}})), -1);  // buffer by address
  EXPECT_EQ(share(share_desc(0x8777, kPage1, 1)), 0u);                            // nobody
  EXPECT_EQ(share(share_desc(kSp, 0x0E000000, 1)), 0u);                           // not normal-world memory
  EXPECT_EQ(share(share_desc(kSp, kPage1, 1, 2 | 8)), 0u);                        // executable
  EXPECT_EQ(share(share_desc(kSp, kPage1, 1, 0 | 4)), 0u);                        // no data access
  const uint64_t h = share(share_desc(kSp, kPage1, 4));
  ASSERT_NE(h, 0u);
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_share_64), share_desc(kSp, kPage1 + 0x2000, 1),
                      share_desc(kSp, kPage1 + 0x2000, 1)}})),
            -6);  // overlaps a live share
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_reclaim), 0x12345, 0}})), -2);           // no such handle
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_reclaim), static_cast<uint32_t>(h), h >> 32, 1}})), -2);  // flags
  Regs r = retrieve(h ^ 0x10000);                                                  // stale generation
  EXPECT_EQ(err(r), -2);
}

TEST_F(MemorySharing, LendZeroesOnRequestAndReclaims) {
  uint8_t* page = placement_.ns_memory(kPage1);
  std::memset(page, 0xAB, 4096);
  const uint32_t n = share_desc(kSp, kPage1, 1);
  placement_.ns_memory(kTx)[4] = 1;  // flags: zero the memory
  const uint64_t h = share(n, Func::mem_lend_64);
  ASSERT_NE(h, 0u);
  EXPECT_EQ(page[0], 0);
  EXPECT_EQ(page[4095], 0);
  ASSERT_EQ(retrieve(h).x[0], ffa::raw(Func::mem_retrieve_resp));
  uint32_t flags = 0;
  std::memcpy(&flags, sp_rx_ + 4, 4);
  EXPECT_EQ((flags >> 3) & 3, 2u);  // the response says lend
  ASSERT_EQ(sp({{ffa::raw(Func::rx_release)}}).x[0], ffa::raw(Func::success_32));
  ASSERT_EQ(relinquish(h).x[0], ffa::raw(Func::success_32));
  EXPECT_EQ(nwd({{ffa::raw(Func::mem_reclaim), static_cast<uint32_t>(h), h >> 32}}).x[0], ffa::raw(Func::success_32));
  // Sharing may not ask for zeroing.
  const uint32_t m = share_desc(kSp, kPage1, 1);
  placement_.ns_memory(kTx)[4] = 1;
  EXPECT_EQ(share(m), 0u);
}

TEST_F(MemorySharing, DonateHasOneOwnerAndCannotBeReclaimed) {
  const uint64_t h = share(share_desc(kSp, kPage1, 1), Func::mem_donate_64);
  ASSERT_NE(h, 0u);
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_reclaim), static_cast<uint32_t>(h), h >> 32}})), -6);
  // A retrieve request naming another transaction type is refused.
  std::memset(sp_tx_, 0, 128);
  put(sp_tx_, 4, 1u << 3, 4);  // "share"
  put(sp_tx_, 8, h, 8);
  put(sp_tx_, 24, 32, 4);
  put(sp_tx_, 28, 1, 4);
  put(sp_tx_, 32, 48, 4);
  put(sp_tx_, 48, kSp, 2);
  EXPECT_EQ(err(sp({{ffa::raw(Func::mem_retrieve_req_64), 80, 80}})), -2);
  EXPECT_EQ(retrieve(h).x[0], ffa::raw(Func::mem_retrieve_resp));
}

TEST_F(MemorySharing, TableFullIsNoMemory) {
  for (unsigned i = 0; i < spmc::kMaxShares; ++i) ASSERT_NE(share(share_desc(kSp, kPage1 + i * 0x1000, 1)), 0u);
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_share_64), share_desc(kSp, kPage1 + 0x20000, 1),
                      share_desc(kSp, kPage1 + 0x20000, 1)}})),
            -3);
}

}  // namespace
