// FFA_RXTX_MAP/UNMAP from partitions that map their buffers at run time
// (ported partitions, and those whose manifest declares no rx_tx-buffer):
// the pages must be the partition's own writable memory, never memory in
// a transaction, never another's; and what the pair enables afterwards
// (discovery into RX), next to every refusal.
#include <gtest/gtest.h>

#include <cstring>

#include "arch/fake/fake_placement.h"
#include "spmc/core.h"

namespace {

using ffa::EndpointId;
using ffa::Error;
using ffa::Func;
using ffa::Regs;
using fake::FakePlacement;
using spmc::Outcome;

constexpr uint16_t kSp = 0x8001, kSp2 = 0x8002;
constexpr uint64_t kOwn = FakePlacement::kSecureBase;  // kSp: 4 pages read-write, then 1 read-only
constexpr uint64_t kOther = kOwn + 0x10000;            // kSp2's memory
constexpr uint64_t kImage = kOwn + 0x20000;            // kSp's image
constexpr uint64_t kNs = 0x40000000;

class PartitionRxTx : public ::testing::Test {
 protected:
  PartitionRxTx() : placement_(kNs, 1u << 20), core_(placement_, spmc::CoreConfig{EndpointId(0x8000), ffa::kVersion1_2}) {}

  void SetUp() override {
    for (uint16_t id : {kSp, kSp2}) {
      spmc::Partition p{};
      p.info = ffa::PartitionInfo{EndpointId(id), 1, ffa::partition_props::direct_req_recv, ffa::Uuid{{id, 2, 3, 4}}};
      p.version = ffa::kVersion1_2;
      ASSERT_TRUE(core_.add_partition(p).ok());
    }
    placement_.give_partition_memory(EndpointId(kSp), kOwn, 4, true);
    placement_.give_partition_memory(EndpointId(kSp), kOwn + 0x4000, 1, false);
    placement_.give_partition_image(EndpointId(kSp), kImage, 2);
    placement_.give_partition_memory(EndpointId(kSp2), kOther, 2, true);
    Regs out{};
    ASSERT_EQ(core_.boot_next(out), Outcome::run_partition);  // kSp boots first: its calls below
  }

  Regs sp(Regs in) {
    Regs out{};
    EXPECT_EQ(core_.handle_sp_call(0, in, out), Outcome::run_partition);
    return out;
  }
  Regs map(uint64_t tx, uint64_t rx, uint32_t pages, Func f = Func::rxtx_map_64) {
    return sp({{ffa::raw(f), tx, rx, pages}});
  }
  static int32_t err(const Regs& r) { return r.x[0] == ffa::raw(Func::error) ? static_cast<int32_t>(r.x[2]) : 0; }
  static bool ok(const Regs& r) { return r.x[0] == ffa::raw(Func::success_32); }

  FakePlacement placement_;
  spmc::Core core_;
};

TEST_F(PartitionRxTx, OwnPagesMapAndDiscoveryLandsInRx) {
  EXPECT_FALSE(core_.partition(0).mailbox.mapped());
  // Without buffers, discovery into RX is BUSY (as for a full buffer).
  EXPECT_EQ(err(sp({{ffa::raw(Func::partition_info_get)}})), static_cast<int32_t>(Error::busy));
  ASSERT_TRUE(ok(map(kOwn, kOwn + 0x1000, 1)));
  EXPECT_TRUE(core_.partition(0).mailbox.mapped());
  // The descriptors land in its own RX page, where the SPMC reaches it.
  const Regs info = sp({{ffa::raw(Func::partition_info_get)}});
  ASSERT_TRUE(ok(info));
  EXPECT_EQ(info.x[2], 2u);
  EXPECT_EQ(info.x[3], 24u);
  const uint8_t* rx = placement_.secure_memory(kOwn + 0x1000);
  EXPECT_EQ(rx[0] | rx[1] << 8, kSp);
  EXPECT_EQ(rx[24] | rx[25] << 8, kSp2);
  EXPECT_TRUE(ok(sp({{ffa::raw(Func::rx_release)}})));
  // One pair at a time; unmapped, it may map again (the SMC32 form too).
  EXPECT_EQ(err(map(kOwn + 0x2000, kOwn + 0x3000, 1)), static_cast<int32_t>(Error::denied));
  EXPECT_TRUE(ok(sp({{ffa::raw(Func::rxtx_unmap), uint64_t{kSp} << 16}})));
  EXPECT_FALSE(core_.partition(0).mailbox.mapped());
  EXPECT_EQ(err(sp({{ffa::raw(Func::rxtx_unmap)}})), static_cast<int32_t>(Error::invalid_parameters));
  EXPECT_TRUE(ok(map(kOwn + 0x2000, kOwn, 2, Func::rxtx_map_32)));
}

TEST_F(PartitionRxTx, PagesThatAreNotItsOwnWritableMemoryAreRefused) {
  const int32_t invalid = static_cast<int32_t>(Error::invalid_parameters);
  EXPECT_EQ(err(map(kOwn + 0x4000, kOwn, 1)), invalid);    // its read-only page
  EXPECT_EQ(err(map(kImage, kOwn, 1)), invalid);           // its image
  EXPECT_EQ(err(map(kOther, kOwn, 1)), invalid);           // another partition's memory
  EXPECT_EQ(err(map(kNs, kOwn, 1)), invalid);              // the normal world's memory
  EXPECT_EQ(err(map(kOwn, kOwn + 0x3000, 2)), invalid);    // RX runs past its region into the read-only page
  EXPECT_EQ(err(map(kOwn, kOwn + 0x800, 1)), invalid);     // unaligned
  EXPECT_EQ(err(map(kOwn, kOwn + 0x1000, 2)), invalid);    // TX and RX overlap
  EXPECT_EQ(err(map(kOwn, kOwn + 0x1000, 0)), invalid);    // no pages
  EXPECT_EQ(err(map(kOwn, kOwn + 0x1000, 1 | 0x40)), invalid);  // w3 bits [31:6] MBZ
  EXPECT_EQ(err(map(~0ull & ~0xFFFull, kOwn, 1)), invalid);     // wraps
  // Nothing was mapped by any of them.
  EXPECT_FALSE(core_.partition(0).mailbox.mapped());
  // FFA_RXTX_UNMAP names only its own ID (or 0), w1[15:0] MBZ.
  ASSERT_TRUE(ok(map(kOwn, kOwn + 0x1000, 1)));
  EXPECT_EQ(err(sp({{ffa::raw(Func::rxtx_unmap), uint64_t{kSp2} << 16}})), invalid);
  EXPECT_EQ(err(sp({{ffa::raw(Func::rxtx_unmap), 1}})), invalid);
  EXPECT_TRUE(core_.partition(0).mailbox.mapped());
}

TEST_F(PartitionRxTx, MappedBuffersAreNeitherLentNorRepermissioned) {
  ASSERT_TRUE(ok(map(kOwn, kOwn + 0x1000, 1)));
  // MEM_PERM on a buffer page: INVALID_PARAMETERS (the SPMC writes RX).
  EXPECT_EQ(err(sp({{ffa::raw(Func::mem_perm_set_64), kOwn + 0x1000, 1, 3 | 4}})),
            static_cast<int32_t>(Error::invalid_parameters));
  // Lending a buffer page through its own TX buffer: DENIED.
  uint8_t* tx = placement_.secure_memory(kOwn);
  std::memset(tx, 0, 128);
  auto put = [&](size_t off, uint64_t v, size_t n) {
    for (size_t i = 0; i < n; ++i) tx[off + i] = static_cast<uint8_t>(v >> (8 * i));
  };
  put(0, kSp, 2);
  put(2, 0, 2);  // a lend to one borrower leaves the memory attributes to it
  put(24, 32, 4);
  put(28, 1, 4);
  put(32, 48, 4);
  put(48, kSp2, 2);
  put(50, 2, 1);
  put(52, 80, 4);
  put(80, 1, 4);
  put(84, 1, 4);
  put(96, kOwn + 0x1000, 8);
  put(104, 1, 4);
  EXPECT_EQ(err(sp({{ffa::raw(Func::mem_lend_64), 112, 112}})), static_cast<int32_t>(Error::denied));
}

TEST_F(PartitionRxTx, FeaturesAnswerTheMapCallsAndTheirProperties) {
  // v1.2: bits [31:16], the largest buffer in pages (16); [1:0] 0, 4 KiB.
  Regs r = sp({{ffa::raw(Func::features), ffa::raw(Func::rxtx_map_64)}});
  ASSERT_TRUE(ok(r));
  EXPECT_EQ(r.x[2], 16u << 16);
  EXPECT_TRUE(ok(sp({{ffa::raw(Func::features), ffa::raw(Func::rxtx_unmap)}})));
}

}  // namespace
