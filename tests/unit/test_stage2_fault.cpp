// sel2::stage2_fault_passed: which stage-2 faults of a vCPU the S-EL2 SPMC
// runs again (a translation fault where the tables now map the address
// for that access: a walk that met another CPU's block split) and which
// stop the partition.
#include <gtest/gtest.h>

#include <memory>

#include "arch/aarch64/pgtable.h"
#include "sel2/stage2_fault.h"

namespace {

using arch::mmu::Attrs;
using arch::mmu::MemType;
using arch::mmu::PageTable;
using arch::mmu::Regime;
using sel2::Stage2Fault;

constexpr uint64_t kPage = 0x0e710000, kRoPage = 0x0e711000, kCodePage = 0x0e712000, kNsPage = 0x70000000;
// ESR_EL2: EC (data abort 0x24, instruction abort 0x20 from a lower EL),
// IL, and the fault status code (translation fault, level 3: 0b000111;
// permission fault, level 3: 0b001111); WnR bit 6, S1PTW bit 7.
constexpr uint64_t kData = 0x24ull << 26 | 1ull << 25, kFetch = 0x20ull << 26 | 1ull << 25;
constexpr uint64_t kTranslation = 0x07, kPermission = 0x0F, kWnR = 1ull << 6, kS1ptw = 1ull << 7;
constexpr uint64_t kHpfarNs = 1ull << 63;

struct alignas(4096) Pool {
  arch::mmu::Table tables[8];
};

class Stage2FaultTest : public ::testing::Test {
 protected:
  Stage2FaultTest() : secure_(secure_pool_->tables, 8, Regime::stage2), ns_(ns_pool_->tables, 8, Regime::stage2) {
    EXPECT_TRUE(secure_.map(kPage, kPage, 4096, Attrs{.type = MemType::normal, .write = true}).ok());
    EXPECT_TRUE(secure_.map(kRoPage, kRoPage, 4096, Attrs{.type = MemType::normal}).ok());
    EXPECT_TRUE(secure_.map(kCodePage, kCodePage, 4096, Attrs{.type = MemType::normal, .exec = true}).ok());
    EXPECT_TRUE(ns_.map(kNsPage, kNsPage, 4096, Attrs{.type = MemType::normal, .write = true}).ok());
  }
  // A fault at `ipa` + 0x18 with syndrome `esr`, in the secure IPA space
  // or (ns) the non-secure one.
  bool passed(uint64_t esr, uint64_t ipa, bool ns = false) {
    const Stage2Fault f{esr, ((ipa >> 12) << 4) | (ns ? kHpfarNs : 0), ipa + 0x18};
    EXPECT_EQ(f.ipa(), ipa + 0x18);
    return sel2::stage2_fault_passed(secure_, ns_, f);
  }

  std::unique_ptr<Pool> secure_pool_ = std::make_unique<Pool>(), ns_pool_ = std::make_unique<Pool>();
  PageTable secure_, ns_;
};

TEST_F(Stage2FaultTest, ATranslationFaultWhereTheTablesNowMapRunsAgain) {
  EXPECT_TRUE(passed(kData | kTranslation, kPage));
  EXPECT_TRUE(passed(kData | kTranslation | kWnR, kPage));
  EXPECT_TRUE(passed(kData | kTranslation, kRoPage));  // a read of a read-only page
  EXPECT_TRUE(passed(kFetch | kTranslation, kCodePage));
  EXPECT_TRUE(passed(kData | 0x04, kPage));  // level 0 .. 3 alike
}

TEST_F(Stage2FaultTest, AnythingElseStopsThePartition) {
  EXPECT_FALSE(passed(kData | kTranslation, kPage + 0x10000));  // still not mapped
  EXPECT_FALSE(passed(kData | kPermission | kWnR, kRoPage));     // a permission fault is never passed over
  EXPECT_FALSE(passed(kData | 0x21, kPage));                     // alignment
  EXPECT_FALSE(passed(kData | kTranslation | kWnR, kRoPage));    // a write where only reads are mapped
  EXPECT_FALSE(passed(kFetch | kTranslation, kPage));            // a fetch from a never-executable page
}

TEST_F(Stage2FaultTest, AStage1WalkOnlyReads) {
  // WnR means nothing on the walk (S1PTW): a table in a read-only page.
  EXPECT_TRUE(passed(kData | kTranslation | kWnR | kS1ptw, kRoPage));
  // An instruction fetch's walk reads its tables, wherever they are.
  EXPECT_TRUE(passed(kFetch | kTranslation | kS1ptw, kPage));
}

TEST_F(Stage2FaultTest, HpfarNsPicksTheIpaSpace) {
  EXPECT_TRUE(passed(kData | kTranslation, kNsPage, /*ns=*/true));
  EXPECT_FALSE(passed(kData | kTranslation, kNsPage));          // not in the secure space
  EXPECT_FALSE(passed(kData | kTranslation, kPage, /*ns=*/true));  // nor this in the non-secure one
}

}  // namespace
