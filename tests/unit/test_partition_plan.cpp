// The S-EL1 trusted OS's portable partition loading steps
// (src/spmc/partition_plan.h): the SP package header, this placement's
// manifest rules and the memory plan, with hostile inputs.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "plat/qemu_virt/memory_map.h"
#include "spmc/partition_plan.h"

namespace {

using spmc::loading::PackageError;
using spmc::loading::Refusal;
using spmc::loading::Span;

constexpr uint64_t kPage = 4096;
constexpr uint64_t kBase = plat::kPartitionRegionBase, kEnd = plat::kPartitionRegionEnd;

// ---- The package header ----------------------------------------------------

std::vector<uint8_t> package(uint32_t pm_off, uint32_t pm_size, uint32_t img_off, uint32_t img_size, size_t total,
                             uint32_t magic = spmc::loading::kPackageMagic, uint32_t version = spmc::loading::kPackageVersion) {
  std::vector<uint8_t> p(total, 0xEE);
  const uint32_t words[6] = {magic, version, pm_off, pm_size, img_off, img_size};
  for (size_t w = 0; w < 6; ++w)
    for (size_t i = 0; i < 4 && 4 * w + i < total; ++i) p[4 * w + i] = static_cast<uint8_t>(words[w] >> (8 * i));
  return p;
}

lib::ByteView view(const std::vector<uint8_t>& v) { return lib::ByteView(v.data(), v.size()); }

TEST(SpPackage, WellFormedGivesTheManifestAndImageViews) {
  auto p = package(24, 8, 32, 16, 48);
  auto r = spmc::loading::parse_sp_package(view(p));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->manifest.data(), p.data() + 24);
  EXPECT_EQ(r->manifest.size(), 8u);
  EXPECT_EQ(r->image.data(), p.data() + 32);
  EXPECT_EQ(r->image.size(), 16u);
}

TEST(SpPackage, ImageEndingAtThePackagesEndIsAccepted) {
  auto p = package(24, 0, 24, 24, 48);
  EXPECT_TRUE(spmc::loading::parse_sp_package(view(p)));
}

TEST(SpPackage, WrongMagicOrVersionIsNotAPackage) {
  auto bad_magic = package(24, 8, 32, 16, 48, 0x474B5054);
  auto bad_version = package(24, 8, 32, 16, 48, spmc::loading::kPackageMagic, 1);
  ASSERT_FALSE(spmc::loading::parse_sp_package(view(bad_magic)));
  ASSERT_FALSE(spmc::loading::parse_sp_package(view(bad_version)));
  EXPECT_EQ(spmc::loading::parse_sp_package(view(bad_magic)).error(), PackageError::not_a_package);
  EXPECT_EQ(spmc::loading::parse_sp_package(view(bad_version)).error(), PackageError::not_a_package);
}

TEST(SpPackage, TruncatedHeadersAreRefused) {
  const auto full = package(24, 8, 32, 16, 48);
  // Too short for the magic or the version: not a package.
  for (size_t len : {0u, 1u, 3u, 4u, 7u}) {
    std::vector<uint8_t> p(full.begin(), full.begin() + len);
    auto r = spmc::loading::parse_sp_package(view(p));
    ASSERT_FALSE(r) << len;
    EXPECT_EQ(r.error(), PackageError::not_a_package) << len;
  }
  // Magic and version, but not all six words: nothing lies inside it.
  for (size_t len : {8u, 12u, 20u, 23u}) {
    std::vector<uint8_t> p(full.begin(), full.begin() + len);
    auto r = spmc::loading::parse_sp_package(view(p));
    ASSERT_FALSE(r) << len;
    EXPECT_EQ(r.error(), PackageError::outside) << len;
  }
}

TEST(SpPackage, OffsetsAndSizesPastTheEndAreRefused) {
  struct Case {
    uint32_t pm_off, pm_size, img_off, img_size;
  } cases[] = {
      {48, 1, 32, 16},                   // manifest starts past the end
      {24, 25, 32, 16},                  // manifest runs past the end
      {24, 8, 49, 0},                    // image starts past the end (and is empty)
      {24, 8, 32, 17},                   // image runs past the end
      {24, 8, 0xFFFFFFF0u, 0x20},        // image offset + size wraps 32 bits
      {0xFFFFFFFFu, 0xFFFFFFFFu, 32, 16}, // manifest offset and size at their maximum
      {24, 8, 32, 0},                    // an empty image
  };
  for (const Case& c : cases) {
    auto p = package(c.pm_off, c.pm_size, c.img_off, c.img_size, 48);
    auto r = spmc::loading::parse_sp_package(view(p));
    ASSERT_FALSE(r) << c.pm_off << " " << c.pm_size << " " << c.img_off << " " << c.img_size;
    EXPECT_EQ(r.error(), PackageError::outside);
  }
}

// ---- The manifest's rules ---------------------------------------------------

// An S-EL0 partition at the region's base: an 8 KiB image, then a 2-page
// writable region right after it.
ffa::PartitionManifest good() {
  ffa::PartitionManifest m{};
  std::strcpy(m.description, "test");
  m.exception_level = ffa::ExceptionLevel::s_el0;
  m.has_load_address = true;
  m.load_address = kBase;
  m.entrypoint_offset = 0;
  m.boot_info_register = -1;
  m.rx_region = m.tx_region = -1;
  m.memory_regions[0] = ffa::MemoryRegion{true, 0x2000, 2, ffa::region_attr::read | ffa::region_attr::write, 0};
  m.memory_region_count = 1;
  return m;
}

// The S-EL1 placement's rules on QEMU virt (sel1/partition_loader.cpp).
constexpr spmc::loading::PlacementLimits kLimits{287,  // QEMU virt's distributor
                                                 ffa::ExceptionLevel::s_el0,
                                                 Span{kBase, kEnd},
                                                 plat::kSecureUartSpi,
                                                 Span{plat::kPeripheralsBase, plat::kPeripheralsEnd},
                                                 {plat::kSecureUartBase, plat::kSecureGpioBase}};

lib::Result<Span, Refusal> validate(const ffa::PartitionManifest& m, uint64_t image_size = 0x2000,
                                    std::vector<Span> loaded = {}) {
  return spmc::loading::validate_manifest(m, image_size, kLimits, std::span<const Span>(loaded.data(), loaded.size()));
}

// The refusal, or a failure when there is none.
template <typename T>
Refusal refusal(const lib::Result<T, Refusal>& r) {
  EXPECT_FALSE(r) << "accepted";
  return r ? static_cast<Refusal>(0xFF) : r.error();
}

TEST(PartitionPlan, AGoodManifestGivesItsMemory) {
  auto r = validate(good());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->start, kBase);
  EXPECT_EQ(r->end, kBase + 0x4000);
}

TEST(PartitionPlan, ImageSizeIsRoundedUpToPages) {
  auto m = good();
  m.memory_region_count = 0;
  auto r = validate(m, 0x2001);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->end, kBase + 0x3000);
}

TEST(PartitionPlan, OnlySel0WithALoadAddress) {
  auto m = good();
  m.exception_level = ffa::ExceptionLevel::s_el1;
  EXPECT_EQ(refusal(validate(m)), Refusal::exception_level);
  m = good();
  m.has_load_address = false;
  EXPECT_EQ(refusal(validate(m)), Refusal::no_load_address);
}

// The S-EL2 placement's limits take S-EL1 partitions and refuse S-EL0
// ones: the level is the placement's, not a fixed rule.
TEST(PartitionPlan, TheExceptionLevelIsThePlacements) {
  spmc::loading::PlacementLimits sel2 = kLimits;
  sel2.level = ffa::ExceptionLevel::s_el1;
  auto m = good();
  m.exception_level = ffa::ExceptionLevel::s_el1;
  EXPECT_TRUE(spmc::loading::validate_manifest(m, 0x2000, sel2, {}));
  m.exception_level = ffa::ExceptionLevel::s_el0;
  EXPECT_EQ(refusal(spmc::loading::validate_manifest(m, 0x2000, sel2, {})), Refusal::exception_level);
  // Another region: memory that the S-EL1 one accepts lies outside it.
  sel2.region = Span{kEnd, kEnd + 0x100000};
  m.exception_level = ffa::ExceptionLevel::s_el1;
  EXPECT_EQ(refusal(spmc::loading::validate_manifest(m, 0x2000, sel2, {})), Refusal::outside_region);
}

// Staged spans (the trusted OS partition's TA memory and TA store): a
// region wholly in one is accepted outside the partition region, is not
// part of the memory span (never zeroed), and is refused once another
// partition holds it; a region that only partly lies in one is outside.
TEST(PartitionPlan, StagedRegionsLieOutsideTheSpan) {
  spmc::loading::PlacementLimits limits = kLimits;
  const Span staged{kEnd + 0x100000, kEnd + 0x200000};
  limits.staged[0] = {staged, good().uuids[0]};
  auto m = good();
  m.memory_regions[1] = ffa::MemoryRegion{false, staged.start, 16, ffa::region_attr::read, 0};
  m.memory_region_count = 2;
  auto r = spmc::loading::validate_manifest(m, 0x2000, limits, {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->end, kBase + 0x4000);  // the span is the image and the first region alone
  EXPECT_TRUE(spmc::loading::is_staged(m, m.memory_regions[1], limits));
  EXPECT_FALSE(spmc::loading::is_staged(m, m.memory_regions[0], limits));
  // Claimed already (the loader passes it in `loaded`).
  const Span claimed[] = {staged};
  EXPECT_EQ(refusal(spmc::loading::validate_manifest(m, 0x2000, limits, claimed)), Refusal::overlap);
  // Running past the staged span.
  m.memory_regions[1].pages = 0x101;
  EXPECT_EQ(refusal(spmc::loading::validate_manifest(m, 0x2000, limits, {})), Refusal::outside_region);
  // Without staged spans the same region is outside.
  m.memory_regions[1].pages = 16;
  EXPECT_EQ(refusal(validate(m)), Refusal::outside_region);
  // And to a partition it was not set aside for (another UUID).
  m.uuids[0] = ffa::Uuid{{7, 7, 7, 7}};
  EXPECT_FALSE(spmc::loading::is_staged(m, m.memory_regions[1], limits));
  EXPECT_EQ(refusal(spmc::loading::validate_manifest(m, 0x2000, limits, {})), Refusal::outside_region);
}

TEST(PartitionPlan, TheReservedSpanIsNoPartitions) {
  spmc::loading::PlacementLimits limits = kLimits;
  limits.reserved = Span{kBase + 0x3000, kBase + 0x4000};
  EXPECT_EQ(refusal(spmc::loading::validate_manifest(good(), 0x2000, limits, {})), Refusal::outside_region);
  limits.reserved = Span{kBase + 0x4000, kBase + 0x5000};  // just above it
  auto memory = spmc::loading::validate_manifest(good(), 0x2000, limits, {});
  ASSERT_TRUE(memory);
  // Its boot information would go there.
  auto m = good();
  m.boot_info_register = 0;
  memory = spmc::loading::validate_manifest(m, 0x2000, limits, {});
  ASSERT_TRUE(memory);
  EXPECT_EQ(refusal(spmc::loading::lay_out(m, 0x2000, 0x100, *memory, limits, {})), Refusal::no_boot_info_room);
}

TEST(PartitionPlan, NonSecureRegionsAreRefused) {
  auto m = good();
  m.memory_regions[0].attributes |= ffa::region_attr::ns;
  EXPECT_EQ(refusal(validate(m)), Refusal::ns_region);
}

TEST(PartitionPlan, EverythingMustLieInThePartitionRegion) {
  auto m = good();
  m.load_address = kBase - kPage;  // image starts below
  EXPECT_EQ(refusal(validate(m)), Refusal::outside_region);
  m = good();
  m.load_address = kEnd - kPage;  // image runs past the end
  m.memory_region_count = 0;
  EXPECT_EQ(refusal(validate(m)), Refusal::outside_region);
  m = good();
  m.memory_regions[0] = ffa::MemoryRegion{false, kEnd - kPage, 2, ffa::region_attr::read, 0};  // absolute, past the end
  EXPECT_EQ(refusal(validate(m)), Refusal::outside_region);
  m = good();
  m.memory_regions[0] = ffa::MemoryRegion{false, 0x1000, 1, ffa::region_attr::read, 0};  // far below
  EXPECT_EQ(refusal(validate(m)), Refusal::outside_region);
  m = good();
  m.load_address = kEnd + kPage;  // above the region: kEnd - base must not wrap
  m.memory_region_count = 0;
  EXPECT_EQ(refusal(validate(m)), Refusal::outside_region);
}

TEST(PartitionPlan, PiecesThatWrapAreOutside) {
  auto m = good();
  m.load_address = 0xFFFFFFFFFFFFF000ull;  // the image's end wraps
  m.memory_region_count = 0;
  EXPECT_EQ(refusal(validate(m)), Refusal::outside_region);
  // A relative region whose base lands at the top and whose end wraps
  // (the manifest parser checks only offset + size).
  m = good();
  m.memory_regions[0] = ffa::MemoryRegion{true, 0xFFFFFFFFFFFFF000ull - kBase, 2, ffa::region_attr::read, 0};
  EXPECT_EQ(refusal(validate(m)), Refusal::outside_region);
  // A relative region that wraps round to below the region.
  m = good();
  m.memory_regions[0] = ffa::MemoryRegion{true, ~kBase + 1 + 0x1000, 1, ffa::region_attr::read, 0};
  EXPECT_EQ(refusal(validate(m)), Refusal::outside_region);
  // An image size that would wrap when rounded up.
  m = good();
  m.memory_region_count = 0;
  EXPECT_EQ(refusal(validate(m, ~uint64_t{0})), Refusal::outside_region);
}

TEST(PartitionPlan, TheEntryMustLieInTheImage) {
  auto m = good();
  m.entrypoint_offset = 0x1FFC;
  EXPECT_TRUE(validate(m));
  m.entrypoint_offset = 0x2000;
  EXPECT_EQ(refusal(validate(m)), Refusal::outside_region);
}

TEST(PartitionPlan, OverlapWithALoadedPartitionIsRefused) {
  auto m = good();
  EXPECT_EQ(refusal(validate(m, 0x2000, {Span{kBase + 0x3000, kBase + 0x5000}})), Refusal::overlap);
  EXPECT_EQ(refusal(validate(m, 0x2000, {Span{kBase - 0x1000, kBase + 0x1000}})), Refusal::overlap);
  // Touching is not overlapping.
  EXPECT_TRUE(validate(m, 0x2000, {Span{kBase + 0x4000, kBase + 0x8000}, Span{kBase - 0x1000, kBase}}));
}

ffa::DeviceRegion device(uint64_t base, uint32_t pages, std::vector<std::pair<uint32_t, uint32_t>> irqs = {}) {
  ffa::DeviceRegion d{base, pages, ffa::region_attr::read | ffa::region_attr::write, 0, {}};
  for (auto [id, attr] : irqs) {
    d.interrupts[d.interrupt_count][0] = id;
    d.interrupts[d.interrupt_count][1] = attr;
    ++d.interrupt_count;
  }
  return d;
}

TEST(PartitionPlan, InterruptsMustBeSecureSpisItMayOwn) {
  constexpr uint32_t kSecure = 1u << 8;
  auto with = [](uint32_t id, uint32_t attr) {
    auto m = good();
    m.device_regions[0] = device(0x09050000, 1, {{id, attr}});
    m.device_region_count = 1;
    return m;
  };
  EXPECT_TRUE(validate(with(48, kSecure | 0x40)));
  EXPECT_TRUE(validate(with(287, kSecure | 0x7F)));
  EXPECT_EQ(refusal(validate(with(31, kSecure | 0x40))), Refusal::interrupt);   // a PPI
  EXPECT_EQ(refusal(validate(with(288, kSecure | 0x40))), Refusal::interrupt);  // past the distributor
  EXPECT_EQ(refusal(validate(with(0xFFFFFFFFu, kSecure))), Refusal::interrupt);
  EXPECT_EQ(refusal(validate(with(48, 0x40))), Refusal::interrupt);            // not secure
  EXPECT_EQ(refusal(validate(with(48, kSecure | 0x80))), Refusal::interrupt);  // not a secure priority
  EXPECT_EQ(refusal(validate(with(plat::kSecureUartSpi, kSecure))), Refusal::interrupt);
}

TEST(PartitionPlan, AtMostEightInterrupts) {
  auto m = good();
  m.device_regions[0] = device(0x09050000, 1);
  m.device_regions[1] = device(0x09060000, 1);
  for (uint32_t i = 0; i < 8; ++i) {
    auto& d = m.device_regions[i < 4 ? 0 : 1];
    d.interrupts[d.interrupt_count][0] = 48 + i;
    d.interrupts[d.interrupt_count][1] = 1u << 8;
    ++d.interrupt_count;
  }
  m.device_region_count = 2;
  EXPECT_TRUE(validate(m));
  auto& d = m.device_regions[1];
  d.interrupts[d.interrupt_count][0] = 60;
  d.interrupts[d.interrupt_count][1] = 1u << 8;
  ++d.interrupt_count;
  EXPECT_EQ(refusal(validate(m)), Refusal::interrupt);
}

TEST(PartitionPlan, DeviceRegionsMustBePeripheralsItMayOwn) {
  auto with = [](uint64_t base, uint32_t pages) {
    auto m = good();
    m.device_regions[0] = device(base, pages);
    m.device_region_count = 1;
    return m;
  };
  EXPECT_TRUE(validate(with(0x09050000, 1)));
  EXPECT_TRUE(validate(with(0x09FFF000, 1)));
  EXPECT_EQ(refusal(validate(with(plat::kGicdBase, 1))), Refusal::device_region);
  EXPECT_EQ(refusal(validate(with(plat::kSecureUartBase, 1))), Refusal::device_region);
  EXPECT_EQ(refusal(validate(with(plat::kSecureUartBase - kPage, 2))), Refusal::device_region);  // runs into it
  EXPECT_EQ(refusal(validate(with(plat::kSecureGpioBase, 1))), Refusal::device_region);
  EXPECT_EQ(refusal(validate(with(0x09FFF000, 2))), Refusal::device_region);  // past 0x0A000000
  EXPECT_EQ(refusal(validate(with(0xFFFFFFFFFFFFF000ull, 2))), Refusal::device_region);  // wraps
}

TEST(PartitionPlan, TheFirstRuleBrokenIsTheOneReported) {
  auto m = good();
  m.memory_regions[0].attributes |= ffa::region_attr::ns;
  m.load_address = kEnd;  // also outside
  EXPECT_EQ(refusal(validate(m)), Refusal::ns_region);
  m = good();
  m.device_regions[0] = device(plat::kGicdBase, 1, {{31, 0}});  // both a bad interrupt and a bad region
  m.device_region_count = 1;
  EXPECT_EQ(refusal(validate(m, 0x2000, {Span{kBase, kBase + kPage}})), Refusal::overlap);
  EXPECT_EQ(refusal(validate(m)), Refusal::interrupt);
}

// ---- The memory plan ----------------------------------------------------------

lib::Result<spmc::loading::Layout, Refusal> lay_out(const ffa::PartitionManifest& m, size_t manifest_size,
                                           std::vector<Span> loaded = {}) {
  auto memory = validate(m);
  EXPECT_TRUE(memory);
  return spmc::loading::lay_out(m, 0x2000, manifest_size, *memory, kLimits,
                                std::span<const Span>(loaded.data(), loaded.size()));
}

TEST(PartitionPlan, WithoutBootInformationTheLayoutIsTheMemory) {
  auto l = lay_out(good(), 100);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->load, kBase);
  EXPECT_EQ(l->image_end, kBase + 0x2000);
  EXPECT_EQ(l->memory.start, kBase);
  EXPECT_EQ(l->memory.end, kBase + 0x4000);
  EXPECT_EQ(l->boot_info, 0u);
  EXPECT_EQ(l->boot_info_pages, 0u);
}

TEST(PartitionPlan, BootInformationFollowsTheMemory) {
  auto m = good();
  m.boot_info_register = 0;
  auto l = lay_out(m, 4096 - 64);  // exactly one page
  ASSERT_TRUE(l);
  EXPECT_EQ(l->boot_info, kBase + 0x4000);
  EXPECT_EQ(l->boot_info_pages, 1u);
  EXPECT_EQ(l->memory.end, kBase + 0x5000);
  l = lay_out(m, 4096 - 63);  // one byte more: two pages
  ASSERT_TRUE(l);
  EXPECT_EQ(l->boot_info_pages, 2u);
}

TEST(PartitionPlan, BootInformationNeedsRoomInTheRegion) {
  auto m = good();
  m.boot_info_register = 1;
  m.memory_regions[0] = ffa::MemoryRegion{false, kEnd - 2 * kPage, 2, ffa::region_attr::read, 0};  // up to the end
  auto l = lay_out(m, 100);
  ASSERT_FALSE(l);
  EXPECT_EQ(l.error(), Refusal::no_boot_info_room);
  // A huge manifest cannot wrap the plan either.
  auto memory = validate(good());
  ASSERT_TRUE(memory);
  EXPECT_EQ(refusal(spmc::loading::lay_out(m, 0x2000, SIZE_MAX - 32, *memory, kLimits, {})), Refusal::no_boot_info_room);
}

TEST(PartitionPlan, BootInformationMustNotOverlapALoadedPartition) {
  auto m = good();
  m.boot_info_register = 0;
  auto l = lay_out(m, 100, {Span{kBase + 0x4000, kBase + 0x6000}});
  ASSERT_FALSE(l);
  EXPECT_EQ(l.error(), Refusal::overlap);
}

TEST(PartitionPlan, BootInformationBlob) {
  const std::vector<uint8_t> manifest = {0xD0, 0x0D, 0xFE, 0xED, 1, 2, 3};
  std::vector<uint8_t> out(4096, 0xAA);
  ASSERT_TRUE(spmc::loading::write_boot_info(lib::MutableByteView(out.data(), out.size()), 0x0E504000, view(manifest)));
  lib::ByteView v(out.data(), out.size());
  EXPECT_EQ(*v.le32(0), 0xFFAu);
  EXPECT_EQ(*v.le32(4), 0x10002u);
  EXPECT_EQ(*v.le32(8), 64u + 7);
  EXPECT_EQ(*v.le32(12), 32u);
  EXPECT_EQ(*v.le32(16), 1u);
  EXPECT_EQ(*v.le32(20), 32u);
  EXPECT_STREQ(reinterpret_cast<const char*>(out.data() + 32), "manifest");
  EXPECT_EQ(*v.le16(48), 0u);
  EXPECT_EQ(*v.le16(50), 0u);
  EXPECT_EQ(*v.le32(52), 7u);
  EXPECT_EQ(*v.le64(56), 0x0E504000u + 64);
  EXPECT_EQ(0, std::memcmp(out.data() + 64, manifest.data(), manifest.size()));
  EXPECT_EQ(out[64 + 7], 0xAA);  // nothing written past it
}

TEST(PartitionPlan, BootInformationBlobTooSmallIsRefused) {
  const std::vector<uint8_t> manifest(100, 1);
  std::vector<uint8_t> out(163, 0xAA);  // one byte short
  EXPECT_FALSE(spmc::loading::write_boot_info(lib::MutableByteView(out.data(), out.size()), 0, view(manifest)));
  for (uint8_t b : out) ASSERT_EQ(b, 0xAA);
  std::vector<uint8_t> tiny(10, 0xAA);
  EXPECT_FALSE(spmc::loading::write_boot_info(lib::MutableByteView(tiny.data(), tiny.size()), 0, view(manifest)));
}

}  // namespace
