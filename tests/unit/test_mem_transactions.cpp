// spmc/mem_transactions.h: the memory transactions part of the core on its
// own: handles, the pool of ranges kept packed, and the lenders' quotas.
// (Through FF-A calls, test_memory_sharing.cpp covers the same from the
// callers' side.)
#include "spmc/mem_transactions.h"

#include <gtest/gtest.h>

#include <memory>

namespace {

using spmc::Holder;
using spmc::MemQuota;
using spmc::MemShare;
using spmc::MemTransactions;

constexpr Holder kNwd{true, 0};
constexpr Holder kSp(size_t index) { return Holder{false, index}; }
const ffa::EndpointId kNwdId{0}, kSpId{0x8001};

class MemTransactionsTest : public ::testing::Test {
 protected:
  // As CoreConfig's defaults: the normal world 192 transactions and 3,072
  // ranges, each partition 32 and 512.
  std::unique_ptr<MemTransactions> t_ = std::make_unique<MemTransactions>(MemQuota{192, 3072}, MemQuota{32, 512});
  MemTransactions& t() { return *t_; }

  // A transaction of `n` ranges at `base`, `base` + 1 page, ...
  MemShare* make(Holder h, ffa::EndpointId sender, uint32_t n, uint64_t base) {
    MemShare* s = t().allocate(h, sender);
    if (!s || !t().allocate_ranges(h, *s, n)) return nullptr;
    for (uint32_t i = 0; i < n; ++i) t().ranges(*s)[i] = ffa::MemConstituent{base + i * 0x1000ull, 1};
    s->state = MemShare::State::ready;
    return s;
  }
};

TEST_F(MemTransactionsTest, HandlesAreFoundAndNeverValidAgainOnceReleased) {
  MemShare* a = make(kNwd, kNwdId, 1, 0x40000000);
  ASSERT_NE(a, nullptr);
  const uint64_t handle = a->handle;
  EXPECT_EQ(t().find(handle), a);
  EXPECT_EQ(handle >> 63, 0u);  // allocated by the SPMC
  t().release(kNwd, *a);
  EXPECT_EQ(t().find(handle), nullptr);
  // The same slot again: another handle, and the old one still finds nothing.
  MemShare* b = make(kNwd, kNwdId, 1, 0x40000000);
  ASSERT_EQ(b, a);
  EXPECT_NE(b->handle, handle);
  EXPECT_EQ(t().find(handle), nullptr);
  EXPECT_EQ(t().find(b->handle), b);
}

TEST_F(MemTransactionsTest, MalformedHandlesFindNothing) {
  MemShare* a = make(kNwd, kNwdId, 1, 0x40000000);
  ASSERT_NE(a, nullptr);
  const uint64_t h0 = a->handle;
  const uint64_t kSlotMask = 0xFFFF, kBit63 = uint64_t{1} << 63;
  for (uint64_t h : {uint64_t{0}, h0 & ~kSlotMask, h0 | kBit63, (h0 & ~kSlotMask) | 257, h0 + 0x10000})
    EXPECT_EQ(t().find(h), nullptr) << std::hex << h;
}

TEST_F(MemTransactionsTest, ThePoolStaysPackedAndRangesKeepTheirContents) {
  MemShare* a = make(kNwd, kNwdId, 3, 0x40000000);
  MemShare* b = make(kNwd, kNwdId, 2, 0x50000000);
  MemShare* c = make(kNwd, kNwdId, 4, 0x60000000);
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(t().ranges_in_use(), 9u);
  t().release(kNwd, *a);  // the first slice: the others move down
  EXPECT_EQ(t().ranges_in_use(), 6u);
  EXPECT_EQ(b->first_constituent, 0u);
  EXPECT_EQ(c->first_constituent, 2u);
  for (uint32_t i = 0; i < 2; ++i) EXPECT_EQ(t().ranges(*b)[i].address, 0x50000000 + i * 0x1000ull);
  for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ(t().ranges(*c)[i].address, 0x60000000 + i * 0x1000ull);
  ASSERT_EQ(t().live_ranges().size(), 6u);
  EXPECT_EQ(t().live_ranges()[5].address, 0x60003000u);
  t().release(kNwd, *c);  // the last slice: nothing moves
  EXPECT_EQ(b->first_constituent, 0u);
  EXPECT_EQ(t().ranges_in_use(), 2u);
  EXPECT_EQ(t().in_use(), 1u);
  EXPECT_EQ(t().held(kNwd).transactions, 1u);
  EXPECT_EQ(t().held(kNwd).ranges, 2u);
}

TEST_F(MemTransactionsTest, ATransactionGetsItsRangesOnceAndNothingWhenRefused) {
  MemShare* s = t().allocate(kNwd, kNwdId);
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(t().allocate_ranges(kNwd, *s, 2));
  EXPECT_FALSE(t().allocate_ranges(kNwd, *s, 1));  // it has its ranges
  MemShare* big = t().allocate(kNwd, kNwdId);
  ASSERT_NE(big, nullptr);
  EXPECT_FALSE(t().allocate_ranges(kNwd, *big, 3071));  // 2 + 3071 over the normal world's 3,072
  EXPECT_EQ(big->constituent_count, 0u);
  EXPECT_EQ(t().ranges_in_use(), 2u);
  EXPECT_EQ(t().held(kNwd).ranges, 2u);
  EXPECT_TRUE(t().allocate_ranges(kNwd, *big, 3070));
}

TEST_F(MemTransactionsTest, EachLenderStopsAtItsQuotaAndPartitionsLeaveTheNormalWorldItsShare) {
  // A partition: 32 transactions.
  unsigned n = 0;
  while (t().allocate(kSp(0), kSpId)) ++n;
  EXPECT_EQ(n, 32u);
  EXPECT_EQ(t().held(kSp(0)).transactions, 32u);
  // Another: 32 too; a third finds nothing left of the partitions' 64.
  n = 0;
  while (t().allocate(kSp(1), ffa::EndpointId(0x8002))) ++n;
  EXPECT_EQ(n, 32u);
  EXPECT_EQ(t().allocate(kSp(2), ffa::EndpointId(0x8003)), nullptr);
  // The normal world still gets its 192, and no more (the table is full).
  n = 0;
  while (t().allocate(kNwd, kNwdId)) ++n;
  EXPECT_EQ(n, 192u);
  EXPECT_EQ(t().in_use(), spmc::kMaxShares);
}

TEST_F(MemTransactionsTest, PartitionsRangesAreBoundedTogether) {
  // One partition: 512 ranges at most, in two transactions of 256.
  MemShare* a = make(kSp(0), kSpId, 256, 0x0e500000);
  MemShare* b = make(kSp(0), kSpId, 256, 0x0e600000);
  ASSERT_TRUE(a && b);
  MemShare* c = t().allocate(kSp(0), kSpId);
  ASSERT_NE(c, nullptr);
  EXPECT_FALSE(t().allocate_ranges(kSp(0), *c, 1));
  t().release(kSp(0), *c);
  // Another partition: 512 more would pass its own quota, but the
  // partitions together have 1,024 (4,096 less the normal world's 3,072).
  ASSERT_NE(make(kSp(1), ffa::EndpointId(0x8002), 512, 0x0e700000), nullptr);
  MemShare* d = t().allocate(kSp(2), ffa::EndpointId(0x8003));
  ASSERT_NE(d, nullptr);
  EXPECT_FALSE(t().allocate_ranges(kSp(2), *d, 1));
  // Released, their ranges are counted back.
  t().release(kSp(0), *a);
  EXPECT_EQ(t().held(kSp(0)).ranges, 256u);
  EXPECT_TRUE(t().allocate_ranges(kSp(2), *d, 256));
}

}  // namespace
