// arch/aarch64/pgtable.h: the VMSAv8-64 stage-1 table builder (4 KiB
// granule, 39-bit VA, lookup from level 1), run on host memory.
#include "arch/aarch64/pgtable.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "test_util.h"

namespace arch::mmu {
// Readable gtest messages for MapError values.
void PrintTo(MapError e, std::ostream* os) { *os << to_string(e); }
}  // namespace arch::mmu

namespace {

using arch::mmu::Attrs;
using arch::mmu::MapError;
using arch::mmu::MemType;
using arch::mmu::PageTable;
using arch::mmu::Regime;
using test::err;

constexpr uint64_t K4 = 4096, M2 = 2ull << 20, G1 = 1ull << 30;

// Descriptor bits, spelled out independently of pgtable.cpp.
constexpr uint64_t kValid = 1ull << 0, kTable = 1ull << 1, kNs = 1ull << 5, kAp1 = 1ull << 6, kAp2 = 1ull << 7,
                   kAf = 1ull << 10, kNg = 1ull << 11, kPxn = 1ull << 53, kXn = 1ull << 54;
constexpr uint64_t kAttrIndx = 7ull << 2, kSh = 3ull << 8;
constexpr uint64_t kOutputAddress = 0x0000FFFFFFFFF000ull;
constexpr uint64_t attr_index(uint64_t d) { return (d & kAttrIndx) >> 2; }
constexpr uint64_t sh(uint64_t d) { return (d & kSh) >> 8; }

std::vector<uint64_t> g_invalidated;
void record_invalidate(uint64_t va) { g_invalidated.push_back(va); }

struct alignas(4096) Pool {
  arch::mmu::Table tables[16];
};

constexpr Attrs kRw{MemType::normal, true, false, false, false};
constexpr Attrs kRo{MemType::normal, false, false, false, false};
constexpr Attrs kRx{MemType::normal, false, true, false, false};

class PgTable : public ::testing::Test {
 protected:
  void SetUp() override { g_invalidated.clear(); }
  PageTable make(size_t tables = 16, Regime regime = Regime::el3) {
    return PageTable(pool_->tables, tables, regime, &record_invalidate);
  }
  // Output address and level of a mapped VA (level 0 when not mapped).
  static std::pair<uint64_t, unsigned> where(const PageTable& pt, uint64_t va) {
    auto r = pt.lookup(va);
    if (!r.ok()) return {0, 0};
    return {r.value().pa, r.value().level};
  }

  std::unique_ptr<Pool> pool_ = std::make_unique<Pool>();
};

TEST_F(PgTable, RootIsTheFirstPoolTable) {
  PageTable pt = make();
  EXPECT_EQ(pt.root_address(), reinterpret_cast<uint64_t>(&pool_->tables[0]));
  EXPECT_EQ(pt.tables_used(), 1u);
  EXPECT_EQ(pt.root_address() % 4096, 0u);
}

TEST_F(PgTable, MapOnePageAndLookItUp) {
  PageTable pt = make();
  ASSERT_TRUE(pt.map(0x1000, 0x0e101000, K4, kRw).ok());
  auto r = pt.lookup(0x1234);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().pa, 0x0e101234u);
  EXPECT_EQ(r.value().level, 3u);
  EXPECT_EQ(r.value().descriptor & 3, kValid | kTable);  // a page descriptor
  EXPECT_EQ(r.value().descriptor & kOutputAddress, 0x0e101000u);
  EXPECT_EQ(pt.tables_used(), 3u);  // root + level 2 + level 3
  // Its neighbours are not mapped.
  EXPECT_EQ(err(pt.lookup(0x0fff)), MapError::not_mapped);
  EXPECT_EQ(err(pt.lookup(0x2000)), MapError::not_mapped);
}

TEST_F(PgTable, LookupOutsideTheVaSpace) {
  PageTable pt = make();
  EXPECT_EQ(err(pt.lookup(1ull << 39)), MapError::out_of_range);
  EXPECT_EQ(err(pt.lookup(~0ull)), MapError::out_of_range);
  EXPECT_EQ(err(pt.lookup((1ull << 39) - 1)), MapError::not_mapped);
}

TEST_F(PgTable, TwoMiBBlockWhenAligned) {
  PageTable pt = make();
  ASSERT_TRUE(pt.map(0x40200000, 0x80200000, M2, kRw).ok());
  auto r = pt.lookup(0x40200000 + 0x12345);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().level, 2u);
  EXPECT_EQ(r.value().pa, 0x80200000u + 0x12345);
  EXPECT_EQ(r.value().descriptor & 3, kValid);  // a block descriptor
  EXPECT_EQ(pt.tables_used(), 2u);               // no level-3 table
}

TEST_F(PgTable, OneGiBBlockWhenAligned) {
  PageTable pt = make();
  ASSERT_TRUE(pt.map(G1, 2 * G1, G1, kRw).ok());
  EXPECT_EQ(where(pt, G1 + 0x3fffffff), std::make_pair(2 * G1 + 0x3fffffff, 1u));
  EXPECT_EQ(pt.tables_used(), 1u);  // the root alone
}

TEST_F(PgTable, MisalignedPhysicalAddressFallsBackToPages) {
  PageTable pt = make();
  // VA 2 MiB aligned, PA only 4 KiB aligned: no block is possible.
  ASSERT_TRUE(pt.map(M2, M2 + K4, M2, kRw).ok());
  EXPECT_EQ(where(pt, M2), std::make_pair(M2 + K4, 3u));
  EXPECT_EQ(where(pt, 2 * M2 - K4), std::make_pair(2 * M2, 3u));
}

TEST_F(PgTable, MixedRangeUsesPagesAtTheEdgesAndABlockInTheMiddle) {
  PageTable pt = make();
  const uint64_t va = M2 - K4, size = K4 + M2 + K4;
  ASSERT_TRUE(pt.map(va, va, size, kRw).ok());
  EXPECT_EQ(where(pt, va).second, 3u);
  EXPECT_EQ(where(pt, M2).second, 2u);
  EXPECT_EQ(where(pt, 2 * M2 + 0x800).second, 3u);
  EXPECT_EQ(where(pt, 2 * M2 + K4).second, 0u);
  EXPECT_EQ(where(pt, va - K4).second, 0u);
}

TEST_F(PgTable, TwoGiBRangeUsesTwoBlocks) {
  PageTable pt = make();
  ASSERT_TRUE(pt.map(0, 0, 2 * G1, kRw).ok());
  EXPECT_EQ(where(pt, 0).second, 1u);
  EXPECT_EQ(where(pt, G1 + 5).second, 1u);
  EXPECT_EQ(pt.tables_used(), 1u);
}

TEST_F(PgTable, UnmapPage) {
  PageTable pt = make();
  ASSERT_TRUE(pt.map(0x10000, 0x10000, 3 * K4, kRw).ok());
  ASSERT_TRUE(pt.unmap(0x11000, K4).ok());
  EXPECT_EQ(where(pt, 0x10000).second, 3u);
  EXPECT_EQ(err(pt.lookup(0x11000)), MapError::not_mapped);
  EXPECT_EQ(where(pt, 0x12000).second, 3u);
  EXPECT_EQ(g_invalidated, std::vector<uint64_t>{0x11000});
}

TEST_F(PgTable, InvalidateIsCalledForEachRemovedEntry) {
  PageTable pt = make();
  ASSERT_TRUE(pt.map(0x10000, 0x10000, 3 * K4, kRw).ok());
  ASSERT_TRUE(pt.map(M2, M2, M2, kRw).ok());
  EXPECT_TRUE(g_invalidated.empty());  // mapping invalid entries needs no TLB maintenance
  ASSERT_TRUE(pt.unmap(0x10000, 3 * K4).ok());
  EXPECT_EQ(g_invalidated, (std::vector<uint64_t>{0x10000, 0x11000, 0x12000}));
  g_invalidated.clear();
  ASSERT_TRUE(pt.unmap(M2, M2).ok());
  EXPECT_EQ(g_invalidated, std::vector<uint64_t>{M2});  // one block, one entry
}

TEST_F(PgTable, NoInvalidateCallbackIsFine) {
  PageTable pt(pool_->tables, 16, Regime::el3);
  ASSERT_TRUE(pt.map(0, 0, K4, kRw).ok());
  ASSERT_TRUE(pt.unmap(0, K4).ok());
  EXPECT_EQ(err(pt.lookup(0)), MapError::not_mapped);
}

TEST_F(PgTable, PartialUnmapSplitsATwoMiBBlock) {
  PageTable pt = make();
  const Attrs attrs{MemType::normal, true, false, false, true};
  ASSERT_TRUE(pt.map(M2, 0x80000000, M2, attrs).ok());
  const uint64_t block_attrs = pt.lookup(M2).value().descriptor & ~kOutputAddress & ~3ull;
  ASSERT_TRUE(pt.unmap(M2 + 5 * K4, K4).ok());
  EXPECT_EQ(err(pt.lookup(M2 + 5 * K4)), MapError::not_mapped);
  EXPECT_EQ(g_invalidated, std::vector<uint64_t>{M2 + 5 * K4});
  // Every other page of the block still maps where it did, as a page with
  // the block's attributes.
  for (uint64_t off = 0; off < M2; off += K4) {
    if (off == 5 * K4) continue;
    auto r = pt.lookup(M2 + off);
    ASSERT_TRUE(r.ok()) << std::hex << off;
    EXPECT_EQ(r.value().pa, 0x80000000 + off);
    EXPECT_EQ(r.value().level, 3u);
    EXPECT_EQ(r.value().descriptor & ~kOutputAddress & ~3ull, block_attrs);
  }
}

// Stage 2 (no per-VA invalidate: its caller invalidates by VMID after a
// whole range) breaks before it makes: when the split's hook runs, the
// block is out of the tables, and the table that replaces it comes after.
const PageTable* g_split_table = nullptr;
std::vector<MapError> g_seen_at_split;
void record_split() { g_seen_at_split.push_back(err(g_split_table->lookup(M2 + 7 * K4))); }

TEST_F(PgTable, Stage2SplitBreaksBeforeItMakes) {
  PageTable pt(pool_->tables, 16, Regime::stage2);
  pt.set_split_invalidate(&record_split);
  g_split_table = &pt;
  g_seen_at_split.clear();
  ASSERT_TRUE(pt.map(M2, 0x80000000, M2, kRw).ok());
  ASSERT_EQ(pt.lookup(M2).value().level, 2u);
  ASSERT_TRUE(pt.unmap(M2 + 5 * K4, K4).ok());
  EXPECT_EQ(g_seen_at_split, std::vector<MapError>{MapError::not_mapped});  // one split, with the block out
  auto r = pt.lookup(M2 + 7 * K4);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().pa, 0x80000000 + 7 * K4);
  EXPECT_EQ(r.value().level, 3u);
  // Whole blocks and pages go without a split.
  ASSERT_TRUE(pt.unmap(M2 + 6 * K4, K4).ok());
  EXPECT_EQ(g_seen_at_split.size(), 1u);
  g_split_table = nullptr;
}

// Stage 1 that nobody walks while it changes (a partition's, a TA's)
// breaks before it makes as well, by the block's VA: when that VA is
// invalidated, the block is out; the page's own invalidation follows.
const PageTable* g_bbm_table = nullptr;
std::vector<bool> g_seen_at_invalidate;  // whether a neighbour page was mapped
void record_bbm_invalidate(uint64_t va) {
  g_invalidated.push_back(va);
  g_seen_at_invalidate.push_back(g_bbm_table->lookup(M2 + 7 * K4).ok());
}

TEST_F(PgTable, Stage1SplitBreaksBeforeItMakesWhereAsked) {
  PageTable pt(pool_->tables, 16, Regime::el1_0, &record_bbm_invalidate);
  pt.set_break_before_make();
  g_bbm_table = &pt;
  g_seen_at_invalidate.clear();
  ASSERT_TRUE(pt.map(M2, 0x80000000, M2, kRw).ok());
  ASSERT_TRUE(pt.unmap(M2 + 5 * K4, K4).ok());
  // The block's VA, with the block out; then the page, with the table in.
  EXPECT_EQ(g_invalidated, (std::vector<uint64_t>{M2, M2 + 5 * K4}));
  EXPECT_EQ(g_seen_at_invalidate, (std::vector<bool>{false, true}));
  EXPECT_EQ(where(pt, M2 + 7 * K4), std::make_pair(0x80000000 + 7 * K4, 3u));
  g_bbm_table = nullptr;
}

TEST_F(PgTable, PartialUnmapSplitsAOneGiBBlockTwice) {
  PageTable pt = make();
  ASSERT_TRUE(pt.map(G1, G1, G1, kRo).ok());
  ASSERT_TRUE(pt.unmap(G1 + M2 + K4, K4).ok());
  EXPECT_EQ(err(pt.lookup(G1 + M2 + K4)), MapError::not_mapped);
  EXPECT_EQ(where(pt, G1), std::make_pair(G1, 2u));            // still a 2 MiB block
  EXPECT_EQ(where(pt, G1 + M2), std::make_pair(G1 + M2, 3u));  // split into pages
  EXPECT_EQ(where(pt, G1 + G1 - 1), std::make_pair(2 * G1 - 1, 2u));
  EXPECT_EQ(pt.tables_used(), 3u);  // root, one level 2, one level 3
  // The split blocks keep the read-only, non-executable attributes.
  EXPECT_TRUE(pt.lookup(G1).value().descriptor & kAp2);
  EXPECT_TRUE(pt.lookup(G1 + M2).value().descriptor & kXn);
}

TEST_F(PgTable, UnmapAlignedTwoMiBOutOfAOneGiBBlock) {
  PageTable pt = make();
  ASSERT_TRUE(pt.map(0, 0, G1, kRw).ok());
  ASSERT_TRUE(pt.unmap(4 * M2, M2).ok());
  EXPECT_EQ(err(pt.lookup(4 * M2 + K4)), MapError::not_mapped);
  EXPECT_EQ(where(pt, 5 * M2).second, 2u);
  EXPECT_EQ(pt.tables_used(), 2u);  // only one split
  EXPECT_EQ(g_invalidated, std::vector<uint64_t>{4 * M2});
}

TEST_F(PgTable, RemapAfterUnmap) {
  PageTable pt = make();
  ASSERT_TRUE(pt.map(0x5000, 0x1000, K4, kRw).ok());
  ASSERT_TRUE(pt.unmap(0x5000, K4).ok());
  ASSERT_TRUE(pt.map(0x5000, 0x9000, K4, kRo).ok());
  EXPECT_EQ(where(pt, 0x5000).first, 0x9000u);
  EXPECT_TRUE(pt.lookup(0x5000).value().descriptor & kAp2);
}

TEST_F(PgTable, UnalignedArguments) {
  PageTable pt = make();
  EXPECT_EQ(err(pt.map(0x1001, 0x1000, K4, kRw)), MapError::unaligned);
  EXPECT_EQ(err(pt.map(0x1000, 0x1800, K4, kRw)), MapError::unaligned);
  EXPECT_EQ(err(pt.map(0x1000, 0x1000, 100, kRw)), MapError::unaligned);
  ASSERT_TRUE(pt.map(0x1000, 0x1000, K4, kRw).ok());
  EXPECT_EQ(err(pt.unmap(0x1004, K4)), MapError::unaligned);
  EXPECT_EQ(err(pt.unmap(0x1000, 1)), MapError::unaligned);
  EXPECT_TRUE(pt.lookup(0x1000).ok());
}

TEST_F(PgTable, OutOfRangeArguments) {
  PageTable pt = make();
  const uint64_t top = 1ull << 39;
  EXPECT_EQ(err(pt.map(0, 0, 0, kRw)), MapError::out_of_range);  // empty
  EXPECT_EQ(err(pt.map(top, 0, K4, kRw)), MapError::out_of_range);
  EXPECT_EQ(err(pt.map(top - K4, 0, 2 * K4, kRw)), MapError::out_of_range);
  EXPECT_EQ(err(pt.map(~0ull - 0xfff, 0, 2 * K4, kRw)), MapError::out_of_range);  // wraps
  EXPECT_EQ(err(pt.unmap(top, K4)), MapError::out_of_range);
  EXPECT_EQ(err(pt.unmap(0, 0)), MapError::out_of_range);
  // The last page of the VA space is fine.
  EXPECT_TRUE(pt.map(top - K4, 0, K4, kRw).ok());
  EXPECT_EQ(pt.tables_used(), 3u);
}

TEST_F(PgTable, PhysicalAddressBeyond48BitsIsRefused) {
  PageTable pt = make();
  EXPECT_EQ(err(pt.map(0x1000, 1ull << 48, K4, kRw)), MapError::out_of_range);
  EXPECT_EQ(err(pt.map(0x1000, (1ull << 48) - K4, 2 * K4, kRw)), MapError::out_of_range);
  EXPECT_EQ(err(pt.lookup(0x1000)), MapError::not_mapped);
}

TEST_F(PgTable, AlreadyMapped) {
  PageTable pt = make();
  ASSERT_TRUE(pt.map(0x10000, 0x10000, 2 * K4, kRw).ok());
  EXPECT_EQ(err(pt.map(0x10000, 0x90000, K4, kRw)), MapError::already_mapped);
  EXPECT_EQ(err(pt.map(0x11000, 0x90000, K4, kRw)), MapError::already_mapped);
  // Overlapping only at the end of the new range.
  EXPECT_EQ(err(pt.map(0xE000, 0x90000, 3 * K4, kRw)), MapError::already_mapped);
  // Overlapping a block.
  ASSERT_TRUE(pt.map(G1, G1, G1, kRw).ok());
  EXPECT_EQ(err(pt.map(G1 + 7 * M2 + K4, 0, K4, kRw)), MapError::already_mapped);
  EXPECT_EQ(err(pt.map(G1 - K4, 0, 2 * K4, kRw)), MapError::already_mapped);
}

TEST_F(PgTable, RefusedOverlappingMapChangesNothing) {
  PageTable pt = make();
  ASSERT_TRUE(pt.map(0x20000, 0x20000, K4, kRw).ok());
  const size_t used = pt.tables_used();
  // 0x10000..0x21000: the first pages are free, the last is taken.
  EXPECT_EQ(err(pt.map(0x10000, 0x90000, 0x11000, kRw)), MapError::already_mapped);
  for (uint64_t va = 0x10000; va < 0x20000; va += K4) EXPECT_EQ(err(pt.lookup(va)), MapError::not_mapped);
  EXPECT_EQ(where(pt, 0x20000).first, 0x20000u);
  EXPECT_EQ(pt.tables_used(), used);
}

TEST_F(PgTable, NotMapped) {
  PageTable pt = make();
  EXPECT_EQ(err(pt.unmap(0x10000, K4)), MapError::not_mapped);
  ASSERT_TRUE(pt.map(0x10000, 0x10000, 2 * K4, kRw).ok());
  // A range that is only partly mapped: refused, and nothing is removed.
  EXPECT_EQ(err(pt.unmap(0x10000, 3 * K4)), MapError::not_mapped);
  EXPECT_EQ(err(pt.unmap(0xF000, 2 * K4)), MapError::not_mapped);
  EXPECT_TRUE(pt.lookup(0x10000).ok());
  EXPECT_TRUE(pt.lookup(0x11000).ok());
  EXPECT_TRUE(g_invalidated.empty());
}

TEST_F(PgTable, NoTables) {
  PageTable one = make(1);
  EXPECT_EQ(err(one.map(0, 0, K4, kRw)), MapError::no_tables);
  // A 1 GiB block needs no table beyond the root.
  EXPECT_TRUE(one.map(G1, G1, G1, kRw).ok());
  // Splitting it needs one: refused, and the block still maps everything.
  EXPECT_EQ(err(one.unmap(G1, K4)), MapError::no_tables);
  EXPECT_EQ(where(one, G1), std::make_pair(G1, 1u));
  EXPECT_TRUE(g_invalidated.empty());
}

TEST_F(PgTable, RefusedMapForLackOfTablesChangesNothing) {
  // Root + level 2 + one level 3 table: the first page fits, the second
  // (in the next 2 MiB, PA not block-aligned) needs another level 3 table.
  PageTable pt = make(3);
  EXPECT_EQ(err(pt.map(M2 - K4, 0x1000, 2 * K4, kRw)), MapError::no_tables);
  EXPECT_EQ(err(pt.lookup(M2 - K4)), MapError::not_mapped);
  EXPECT_EQ(err(pt.lookup(M2)), MapError::not_mapped);
  // And the range can then be mapped where tables allow.
  EXPECT_TRUE(pt.map(M2 - K4, 0x1000, K4, kRw).ok());
}

// --- Attributes per regime -----------------------------------------------

TEST_F(PgTable, El3NormalMemory) {
  PageTable pt = make(16, Regime::el3);
  const uint64_t rw = pt.leaf_attributes(kRw);
  EXPECT_TRUE(rw & kAf);
  EXPECT_EQ(attr_index(rw), 1u);  // Normal WB (MAIR index 1)
  EXPECT_EQ(sh(rw), 3u);          // inner shareable
  EXPECT_TRUE(rw & kAp1);         // RES1 in single-range regimes
  EXPECT_FALSE(rw & kAp2);        // writable
  EXPECT_TRUE(rw & kXn);          // not executable
  EXPECT_FALSE(rw & kPxn);        // RES0 here
  EXPECT_FALSE(rw & kNg);
  EXPECT_FALSE(rw & kNs);
  const uint64_t ro = pt.leaf_attributes(kRo);
  EXPECT_TRUE(ro & kAp2);
  const uint64_t rx = pt.leaf_attributes(kRx);
  EXPECT_FALSE(rx & kXn);
  EXPECT_TRUE(rx & kAp2);
}

TEST_F(PgTable, El3IgnoresUserAndHonoursNs) {
  PageTable pt = make(16, Regime::el3);
  const uint64_t user = pt.leaf_attributes(Attrs{MemType::normal, true, true, true, false});
  EXPECT_FALSE(user & kNg);   // no ASIDs at EL3
  EXPECT_TRUE(user & kAp1);
  EXPECT_FALSE(user & kXn);
  const uint64_t ns = pt.leaf_attributes(Attrs{MemType::normal, true, false, false, true});
  EXPECT_TRUE(ns & kNs);
}

TEST_F(PgTable, El2EncodesLikeEl3) {
  PageTable el2 = make(16, Regime::el2);
  PageTable el3(pool_->tables, 16, Regime::el3);
  for (const Attrs& a : {kRw, kRo, kRx, Attrs{MemType::device, true, true, false, true}})
    EXPECT_EQ(el2.leaf_attributes(a), el3.leaf_attributes(a));
}

TEST_F(PgTable, Stage2Encoding) {
  PageTable pt = make(16, Regime::stage2);
  const auto memattr = [](uint64_t d) { return (d >> 2) & 0xF; };
  const auto s2ap = [](uint64_t d) { return (d >> 6) & 3; };
  const auto xn = [](uint64_t d) { return (d >> 53) & 3; };
  const uint64_t rw = pt.leaf_attributes(kRw);
  EXPECT_TRUE(rw & kAf);
  EXPECT_EQ(memattr(rw), 0xFu);  // Normal, write-back inner and outer
  EXPECT_EQ(sh(rw), 3u);
  EXPECT_EQ(s2ap(rw), 3u);       // read and write
  EXPECT_EQ(xn(rw), 2u);         // no execution at EL1 or EL0
  const uint64_t ro = pt.leaf_attributes(kRo);
  EXPECT_EQ(s2ap(ro), 1u);
  const uint64_t rx = pt.leaf_attributes(kRx);
  EXPECT_EQ(xn(rx), 0u);
  EXPECT_EQ(s2ap(rx), 1u);
  // Device memory: MemAttr 0 (nGnRnE), never executable.
  const uint64_t dev = pt.leaf_attributes(Attrs{MemType::device, true, true, false, false});
  EXPECT_EQ(memattr(dev), 0u);
  EXPECT_EQ(xn(dev), 2u);
  const uint64_t nc = pt.leaf_attributes(Attrs{MemType::normal_nc, true, false, false, false});
  EXPECT_EQ(memattr(nc), 0x5u);
  // `user`, `ns` and `global` mean nothing at stage 2: no stage-1 bits leak
  // into S2AP (bits 6-7 carry the access), nG or NS.
  const uint64_t odd = pt.leaf_attributes(Attrs{MemType::normal, true, false, true, true, false});
  EXPECT_EQ(odd, rw);
  // Mapped descriptors carry them, blocks and pages alike.
  ASSERT_TRUE(pt.map(0x3000, 0x7000, K4, kRo).ok());
  ASSERT_TRUE(pt.map(M2, 4 * M2, M2, kRw).ok());
  EXPECT_EQ(pt.lookup(0x3000).value().descriptor & ~kOutputAddress & ~3ull, ro);
  EXPECT_EQ(pt.lookup(M2).value().descriptor & ~kOutputAddress & ~3ull, rw);
}

TEST_F(PgTable, DeviceMemoryIsNeverExecutable) {
  for (Regime regime : {Regime::el3, Regime::el2, Regime::el1_0}) {
    PageTable pt = make(16, regime);
    for (bool user : {false, true}) {
      const uint64_t d = pt.leaf_attributes(Attrs{MemType::device, true, true, user, false});
      EXPECT_EQ(attr_index(d), 0u);  // Device-nGnRnE
      EXPECT_TRUE(d & kXn) << "regime " << int(regime) << " user " << user;
      if (regime == Regime::el1_0) EXPECT_TRUE(d & kPxn);
    }
  }
}

TEST_F(PgTable, NormalNonCacheable) {
  PageTable pt = make(16, Regime::el1_0);
  const uint64_t d = pt.leaf_attributes(Attrs{MemType::normal_nc, true, false, false, false});
  EXPECT_EQ(attr_index(d), 2u);
  EXPECT_EQ(sh(d), 2u);  // outer shareable
}

TEST_F(PgTable, El1PrivilegedPages) {
  PageTable pt = make(16, Regime::el1_0);
  const uint64_t rw = pt.leaf_attributes(kRw);
  EXPECT_FALSE(rw & kAp1);  // EL0 has no access
  EXPECT_FALSE(rw & kAp2);
  EXPECT_FALSE(rw & kNg);   // global
  EXPECT_TRUE(rw & kPxn);
  EXPECT_TRUE(rw & kXn);    // UXN
  const uint64_t rx = pt.leaf_attributes(kRx);
  EXPECT_FALSE(rx & kPxn);  // EL1 may execute
  EXPECT_TRUE(rx & kXn);    // EL0 may not
  EXPECT_TRUE(rx & kAp2);
}

TEST_F(PgTable, El1UserPages) {
  PageTable pt = make(16, Regime::el1_0);
  const uint64_t rw = pt.leaf_attributes(Attrs{MemType::normal, true, false, true, false});
  EXPECT_TRUE(rw & kAp1);
  EXPECT_FALSE(rw & kAp2);
  EXPECT_TRUE(rw & kNg);  // per-ASID
  EXPECT_TRUE(rw & kPxn);
  EXPECT_TRUE(rw & kXn);
  const uint64_t rx = pt.leaf_attributes(Attrs{MemType::normal, false, true, true, false});
  EXPECT_TRUE(rx & kPxn);   // EL1 never executes user pages
  EXPECT_FALSE(rx & kXn);   // EL0 may
  EXPECT_TRUE(rx & kNg);
  const uint64_t ns = pt.leaf_attributes(Attrs{MemType::normal, true, false, true, true});
  EXPECT_TRUE(ns & kNs);
}

TEST_F(PgTable, MappedDescriptorsCarryTheLeafAttributes) {
  for (Regime regime : {Regime::el3, Regime::el1_0}) {
    PageTable pt = make(16, regime);
    const Attrs user_rx{MemType::normal, false, true, true, true};
    ASSERT_TRUE(pt.map(0x3000, 0x7000, K4, user_rx).ok());
    ASSERT_TRUE(pt.map(M2, 4 * M2, M2, kRw).ok());
    const uint64_t page = pt.lookup(0x3000).value().descriptor;
    const uint64_t block = pt.lookup(M2).value().descriptor;
    EXPECT_EQ(page & ~kOutputAddress & ~3ull, pt.leaf_attributes(user_rx));
    EXPECT_EQ(block & ~kOutputAddress & ~3ull, pt.leaf_attributes(kRw));
  }
}

TEST(PgTableErrors, EveryErrorHasAMessage) {
  for (MapError e : {MapError::unaligned, MapError::out_of_range, MapError::already_mapped, MapError::no_tables,
                     MapError::not_mapped})
    EXPECT_STRNE(arch::mmu::to_string(e), "?");
}

}  // namespace

namespace {
// Tables given back after unmaps: mapping one page in ever new 2 MiB and
// 1 GiB regions never runs out, and the freed tables' parents are
// invalidated before reuse.
TEST_F(PgTable, EmptiedTablesGoBackToThePool) {
  PageTable pt = make(4);  // the root and room for 3 more
  for (uint64_t i = 0; i < 200; ++i) {
    const uint64_t va = 0x40000000ull + i * (2ull << 20) + (i % 3) * (1ull << 30);
    ASSERT_TRUE(pt.map(va, va, 0x1000, kRw).ok()) << i;
    EXPECT_EQ(pt.tables_used(), 3u);  // root, level 2, level 3
    g_invalidated.clear();
    ASSERT_TRUE(pt.unmap(va, 0x1000).ok());
    pt.release_empty_tables(va, 0x1000);
    EXPECT_EQ(pt.tables_used(), 1u);  // only the root
    EXPECT_EQ(g_invalidated.size(), 3u);  // the page, then each freed table's parent
    EXPECT_EQ(where(pt, va).second, 0u);
  }
}

TEST_F(PgTable, TablesStillInUseStay) {
  PageTable pt = make(8);
  ASSERT_TRUE(pt.map(0x40000000, 0x40000000, 0x2000, kRw).ok());
  const size_t used = pt.tables_used();
  ASSERT_TRUE(pt.unmap(0x40000000, 0x1000).ok());
  pt.release_empty_tables(0x40000000, 0x1000);
  EXPECT_EQ(pt.tables_used(), used);  // the other page keeps its table
  EXPECT_EQ(where(pt, 0x40001000).first, 0x40001000u);
  // Releasing where nothing was mapped, or nothing at all, changes nothing.
  pt.release_empty_tables(0x80000000, 0x200000);
  pt.release_empty_tables(0x40000000, 0);
  EXPECT_EQ(pt.tables_used(), used);
}
}  // namespace
