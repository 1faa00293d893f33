// arch/aarch64/el0_address_space.h: an S-EL0 partition's tables and the
// memory calls both placements make on them (FFA_MEM_PERM_GET/SET,
// sharing, lending, FFA_RXTX_MAP), on host memory. The partition is
// echo's shape: a 16-page image at 0x0e500000, a read-write data region
// at +0x10000, an RX/TX pair at +0x20000, a lendable page at +0x22000.
#include "arch/aarch64/el0_address_space.h"

#include <gtest/gtest.h>

#include <memory>

namespace {

using arch::el0::El0AddressSpace;
using ffa::Error;

constexpr uint64_t kLoad = 0x0e500000, kPage = 4096;
constexpr uint64_t kData = kLoad + 0x10000, kRx = kLoad + 0x20000, kLend = kLoad + 0x22000;
constexpr uint64_t kTrampoline = 0x0e101000;
constexpr uint64_t kNsPage = 0x70000000;
// Descriptor bits the tests read.
constexpr uint64_t kApEl0 = 1ull << 6, kApRo = 1ull << 7, kNg = 1ull << 11, kPxn = 1ull << 53, kUxn = 1ull << 54;

struct alignas(4096) Pool {
  arch::mmu::Table tables[16];
};

ffa::MemoryRegion region(uint64_t offset, uint32_t pages, uint32_t attributes) {
  return ffa::MemoryRegion{true, offset, pages, attributes, 0};
}

class El0Space : public ::testing::Test {
 protected:
  void SetUp() override {
    m_.load_address = kLoad;
    m_.has_load_address = true;
    constexpr uint32_t kRw = ffa::region_attr::read | ffa::region_attr::write;
    m_.memory_regions[0] = region(0x10000, 16, kRw);  // data
    m_.memory_regions[1] = region(0x20000, 1, kRw);   // RX
    m_.memory_regions[2] = region(0x21000, 1, kRw);   // TX
    m_.memory_regions[3] = region(0x22000, 1, kRw);   // lendable
    m_.memory_region_count = 4;
    m_.rx_region = 1;
    m_.tx_region = 2;
    layout_ = spmc::loading::Layout{kLoad, kLoad + 0x4000, {kLoad, kLoad + 0x23000}, 0, 0};
    space_.tables.emplace(pool_->tables, 16, arch::mmu::Regime::el1_0);
    ASSERT_TRUE(arch::el0::map_el0_partition(m_, layout_, *space_.tables, kTrampoline));
    space_.describe(m_, layout_);
  }
  uint64_t descriptor(uint64_t va) {
    auto l = space_.tables->lookup(va);
    return l ? l->descriptor : 0;
  }

  std::unique_ptr<Pool> pool_ = std::make_unique<Pool>();
  ffa::PartitionManifest m_{};
  spmc::loading::Layout layout_{};
  El0AddressSpace space_;
};

TEST_F(El0Space, ItsImageRegionsAndTrampolineAreMappedAsDeclared) {
  // Image: read-only, executable at EL0 only.
  EXPECT_EQ(descriptor(kLoad) & (kApEl0 | kApRo | kUxn | kPxn), kApEl0 | kApRo | kPxn);
  // Data: read-write, never executable.
  EXPECT_EQ(descriptor(kData) & (kApEl0 | kApRo | kUxn | kPxn), kApEl0 | kUxn | kPxn);
  // Nothing of the partition is global.
  EXPECT_NE(descriptor(kLoad) & kNg, 0u);
  // The trampoline: the SPMC's alone (no EL0 access), executable by it,
  // not global either.
  const uint64_t t = descriptor(kTrampoline);
  EXPECT_EQ(t & (kApEl0 | kPxn), 0u);
  EXPECT_NE(t & kUxn, 0u);
  EXPECT_NE(t & kNg, 0u);
  // The image's end: nothing after it but what the manifest declares.
  EXPECT_EQ(descriptor(kLoad + 0x4000), 0u);
}

TEST_F(El0Space, PermissionsOfItsOwnPagesOnly) {
  EXPECT_EQ(space_.mem_perm_get(kLoad).value(), 3u | 0u);  // read-only, executable
  EXPECT_EQ(space_.mem_perm_get(kData).value(), 1u | 4u);  // read-write, never executable
  // Its code made read-write-never-executable, then back.
  ASSERT_TRUE(space_.mem_perm_set(kLoad + kPage, 1, 1u | 4u).ok());
  EXPECT_EQ(space_.mem_perm_get(kLoad + kPage).value(), 1u | 4u);
  ASSERT_TRUE(space_.mem_perm_set(kLoad + kPage, 1, 3u).ok());
  EXPECT_EQ(space_.mem_perm_get(kLoad + kPage).value(), 3u);
  // Not its own: the trampoline, memory past its image, a wrapped range,
  // more pages than the partition region holds.
  EXPECT_EQ(space_.mem_perm_get(kTrampoline).error(), Error::invalid_parameters);
  EXPECT_EQ(space_.mem_perm_set(kLoad + 0x4000, 1, 3).error(), Error::invalid_parameters);
  EXPECT_EQ(space_.mem_perm_set(~0ull & ~(kPage - 1), 2, 3).error(), Error::invalid_parameters);
  EXPECT_EQ(space_.mem_perm_set(kLoad, 0x100000, 3).error(), Error::invalid_parameters);
  // A range that runs from its image into what it does not own changes
  // nothing.
  EXPECT_EQ(space_.mem_perm_set(kLoad + 0x3000, 2, 1u | 4u).error(), Error::invalid_parameters);
  EXPECT_EQ(space_.mem_perm_get(kLoad + 0x3000).value(), 3u);
}

TEST_F(El0Space, SharedMemoryComesAndGoesAtVaEqualsPa) {
  ASSERT_TRUE(space_.map_shared(kNsPage, 2, true, true).ok());
  const uint64_t d = descriptor(kNsPage + kPage);
  EXPECT_NE(d & (1ull << 5), 0u);  // non-secure
  EXPECT_EQ(d & (kApEl0 | kApRo | kUxn), kApEl0 | kUxn);
  // Never over its own memory.
  EXPECT_EQ(space_.map_shared(kData, 1, true, false).error(), Error::denied);
  EXPECT_TRUE(space_.unmap_shared(kNsPage, 2));
  EXPECT_EQ(descriptor(kNsPage), 0u);
  EXPECT_FALSE(space_.unmap_shared(kNsPage, 1));  // gone already
}

TEST_F(El0Space, ItsRxTxPairAndLendableRegionsAreBuffersNeverItsCode) {
  EXPECT_EQ(space_.buffer_pages(kRx, 1).value(), reinterpret_cast<uint8_t*>(kRx));
  EXPECT_EQ(space_.buffer_pages(kLend, 1).value(), reinterpret_cast<uint8_t*>(kLend));
  EXPECT_EQ(space_.buffer_pages(kLoad, 1).error(), Error::invalid_parameters);        // its code
  EXPECT_EQ(space_.buffer_pages(kRx, 0).error(), Error::invalid_parameters);          // nothing
  EXPECT_EQ(space_.buffer_pages(kTrampoline, 1).error(), Error::invalid_parameters);  // the SPMC's
  // A lendable page it made read-only is no buffer.
  ASSERT_TRUE(space_.mem_perm_set(kLend, 1, 3u | 4u).ok());
  EXPECT_EQ(space_.buffer_pages(kLend, 1).error(), Error::invalid_parameters);
}

TEST_F(El0Space, LendingTakesItsAccessAndReclaimGivesItBack) {
  EXPECT_TRUE(space_.own_access(kLend, 1).value());  // writable
  EXPECT_TRUE(space_.own_access(kData, 2).value());
  EXPECT_EQ(space_.own_access(kLoad, 1).error(), Error::invalid_parameters);  // its image is no region
  ASSERT_TRUE(space_.revoke_own(kLend, 1).ok());
  EXPECT_EQ(descriptor(kLend), 0u);
  // Lent away: not its to lend again, nor a buffer.
  EXPECT_EQ(space_.own_access(kLend, 1).error(), Error::invalid_parameters);
  EXPECT_EQ(space_.buffer_pages(kLend, 1).error(), Error::invalid_parameters);
  EXPECT_TRUE(space_.restore_own(kLend, 1));
  EXPECT_TRUE(space_.own_access(kLend, 1).value());
  // Only declared, lendable regions.
  EXPECT_EQ(space_.revoke_own(kLoad, 1).error(), Error::invalid_parameters);
  EXPECT_FALSE(space_.restore_own(kTrampoline, 1));
}

}  // namespace
