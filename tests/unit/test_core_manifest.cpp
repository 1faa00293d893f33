// ffa/core_manifest.h: the SPMC manifest. The real configs/sel1-spmc
// manifest, and variants of it (tests/unit/data/manifest/*.dts, each
// /include/s the real one and changes one thing), compiled by dtc.
#include "ffa/core_manifest.h"

#include <gtest/gtest.h>

#include <string>

#include "test_util.h"

namespace {

using test::Bytes;

Bytes manifest_blob(const std::string& name) { return test::read_file(test::data_path("manifest/" + name + ".dtb")); }

TEST(CoreManifest, RealSel1SpmcManifest) {
  Bytes blob = manifest_blob("spmc_manifest");
  ASSERT_FALSE(blob.empty());
  auto r = ffa::parse_core_manifest(test::view(blob));
  ASSERT_TRUE(r.ok()) << r.error().property << ": " << r.error().reason;
  const ffa::CoreManifest& m = r.value();
  EXPECT_EQ(m.spmc_id.raw(), 0x8000);
  EXPECT_EQ(m.version, ffa::kVersion1_2);
  EXPECT_EQ(m.exec_state, 0u);
  EXPECT_EQ(m.load_address, 0x0e100000u);
  EXPECT_EQ(m.entrypoint, 0x0e100000u);
  EXPECT_EQ(m.binary_size, 0x400000u);
  EXPECT_TRUE(m.has_trusted_os);
  EXPECT_EQ(m.trusted_os_id.raw(), 0x8100);
  EXPECT_EQ(m.trusted_os_uuid, ffa::kOpteeUuid);
  ASSERT_EQ(m.ns_memory_count, 1u);
  EXPECT_EQ(m.ns_memory[0].base, 0x40000000u);
  EXPECT_EQ(m.ns_memory[0].size, 0x40000000u);
}

// Variants the parser must refuse, and the property it must name.
struct Refused {
  const char* variant;
  const char* property;
};

class CoreManifestRefuses : public ::testing::TestWithParam<Refused> {};

TEST_P(CoreManifestRefuses, NamesTheProperty) {
  Bytes blob = manifest_blob(GetParam().variant);
  ASSERT_FALSE(blob.empty()) << "build-time data missing: " << GetParam().variant;
  auto r = ffa::parse_core_manifest(test::view(blob));
  ASSERT_FALSE(r.ok()) << GetParam().variant << " was accepted";
  EXPECT_STREQ(r.error().property, GetParam().property);
  ASSERT_NE(r.error().reason, nullptr);
  EXPECT_GT(std::string(r.error().reason).size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Variants, CoreManifestRefuses,
    ::testing::Values(Refused{"bad_compatible", "compatible"}, Refused{"no_attribute", "attribute"},
                      Refused{"missing_spmc_id", "attribute/spmc_id"}, Refused{"ns_spmc_id", "attribute/spmc_id"},
                      Refused{"spmd_spmc_id", "attribute/spmc_id"}, Refused{"wide_spmc_id", "attribute/spmc_id"},
                      Refused{"two_cell_spmc_id", "attribute/spmc_id"},
                      Refused{"version_2_0", "attribute/maj_ver,min_ver"},
                      Refused{"version_1_3", "attribute/maj_ver,min_ver"},
                      Refused{"aarch32", "attribute/exec_state"},
                      Refused{"unaligned_load_address", "attribute/load_address"},
                      Refused{"missing_load_address", "attribute/load_address"},
                      Refused{"three_cell_load_address", "attribute/load_address"},
                      Refused{"unaligned_entrypoint", "attribute/entrypoint"},
                      Refused{"zero_binary_size", "attribute/binary_size"},
                      Refused{"three_cell_binary_size", "attribute/binary_size"},
                      Refused{"tos_id_is_spmc_id", "trusted-os/endpoint-id"},
                      Refused{"tos_ns_id", "trusted-os/endpoint-id"}, Refused{"tos_short_uuid", "trusted-os/uuid"},
                      Refused{"tos_missing_uuid", "trusted-os/uuid"}, Refused{"ns_memory_short_reg", "memory/reg"},
                      Refused{"ns_memory_zero_size", "memory/reg"}, Refused{"ns_memory_unaligned", "memory/reg"},
                      Refused{"ns_memory_wraps", "memory/reg"}, Refused{"ns_memory_five", "memory/reg"}),
    [](const ::testing::TestParamInfo<Refused>& info) { return std::string(info.param.variant); });

TEST(CoreManifest, OlderMinorVersionIsAccepted) {
  Bytes blob = manifest_blob("version_1_0");
  auto r = ffa::parse_core_manifest(test::view(blob));
  ASSERT_TRUE(r.ok()) << r.error().property;
  EXPECT_EQ(r.value().version, ffa::kVersion1_0);
}

TEST(CoreManifest, OneCellAddressesAreAccepted) {
  Bytes blob = manifest_blob("one_cell_load_address");
  auto r = ffa::parse_core_manifest(test::view(blob));
  ASSERT_TRUE(r.ok()) << r.error().property;
  EXPECT_EQ(r.value().load_address, 0x0e200000u);
  EXPECT_EQ(r.value().entrypoint, 0x0e200004u);
}

TEST(CoreManifest, BinarySizeIsOptional) {
  Bytes blob = manifest_blob("no_binary_size");
  auto r = ffa::parse_core_manifest(test::view(blob));
  ASSERT_TRUE(r.ok()) << r.error().property;
  EXPECT_EQ(r.value().binary_size, 0u);
}

TEST(CoreManifest, TrustedOsIsOptional) {
  Bytes blob = manifest_blob("no_trusted_os");
  auto r = ffa::parse_core_manifest(test::view(blob));
  ASSERT_TRUE(r.ok()) << r.error().property;
  EXPECT_FALSE(r.value().has_trusted_os);
  EXPECT_EQ(r.value().ns_memory_count, 1u);
}

TEST(CoreManifest, FourNsMemoryRangesInOrder) {
  Bytes blob = manifest_blob("ns_memory_four");
  auto r = ffa::parse_core_manifest(test::view(blob));
  ASSERT_TRUE(r.ok()) << r.error().property;
  const ffa::CoreManifest& m = r.value();
  ASSERT_EQ(m.ns_memory_count, 4u);
  EXPECT_EQ(m.ns_memory[0].base, 0x40000000u);
  EXPECT_EQ(m.ns_memory[1].base, 0x100000000u);
  EXPECT_EQ(m.ns_memory[2].size, 0x2000u);
  EXPECT_EQ(m.ns_memory[3].base, 0x300000000u);
  EXPECT_EQ(m.ns_memory[3].size, 0x3000u);
}

TEST(CoreManifest, MemoryOfAnotherTypeIsIgnored) {
  Bytes blob = manifest_blob("ns_memory_other_type");
  auto r = ffa::parse_core_manifest(test::view(blob));
  ASSERT_TRUE(r.ok()) << r.error().property;
  ASSERT_EQ(r.value().ns_memory_count, 1u);
  EXPECT_EQ(r.value().ns_memory[0].base, 0x40000000u);
}

TEST(CoreManifest, NotADeviceTree) {
  const Bytes junk = {'h', 'e', 'l', 'l', 'o'};
  auto r = ffa::parse_core_manifest(test::view(junk));
  ASSERT_FALSE(r.ok());
  EXPECT_STREQ(r.error().property, "(blob)");
  auto e = ffa::parse_core_manifest(lib::ByteView());
  ASSERT_FALSE(e.ok());
  EXPECT_STREQ(e.error().property, "(blob)");
}

TEST(CoreManifest, TruncatedRealManifestIsRefusedAtEveryLength) {
  const Bytes blob = manifest_blob("spmc_manifest");
  ASSERT_FALSE(blob.empty());
  for (size_t len = 0; len < blob.size(); ++len) {
    auto r = ffa::parse_core_manifest(lib::ByteView(blob.data(), len));
    ASSERT_FALSE(r.ok()) << "length " << len;
    EXPECT_STREQ(r.error().property, "(blob)") << "length " << len;
  }
}

TEST(CoreManifest, EmptyRootIsRefusedForItsCompatible) {
  test::FdtBuilder b;
  b.begin_node("").end_node().end();
  const Bytes blob = b.finish();
  auto r = ffa::parse_core_manifest(test::view(blob));
  ASSERT_FALSE(r.ok());
  EXPECT_STREQ(r.error().property, "compatible");
}

TEST(CoreManifest, HandBuiltMinimalManifest) {
  // Only what the parser requires; nothing Tessera-specific.
  test::FdtBuilder b;
  b.begin_node("").prop_string("compatible", "arm,ffa-core-manifest-1.0").begin_node("attribute");
  b.prop_cells("spmc_id", {0x8001}).prop_cells("maj_ver", {1}).prop_cells("min_ver", {1});
  b.prop_cells("exec_state", {0}).prop_cells("load_address", {0x1000}).prop_cells("entrypoint", {0x1004});
  b.end_node().end_node().end();
  const Bytes blob = b.finish();
  auto r = ffa::parse_core_manifest(test::view(blob));
  ASSERT_TRUE(r.ok()) << r.error().property;
  EXPECT_EQ(r.value().spmc_id.raw(), 0x8001);
  EXPECT_EQ(r.value().version, ffa::kVersion1_1);
  EXPECT_FALSE(r.value().has_trusted_os);
  EXPECT_EQ(r.value().ns_memory_count, 0u);
}

}  // namespace

namespace {

// A minimal manifest with `count` SP packages.
Bytes manifest_with_packages(unsigned count) {
  test::FdtBuilder b;
  b.begin_node("").prop_string("compatible", "arm,ffa-core-manifest-1.0").begin_node("attribute");
  b.prop_cells("spmc_id", {0x8000}).prop_cells("maj_ver", {1}).prop_cells("min_ver", {2});
  b.prop_cells("exec_state", {0}).prop_cells("load_address", {0x1000}).prop_cells("entrypoint", {0x1004});
  b.end_node().begin_node("partitions");
  for (unsigned i = 0; i < count; ++i) {
    b.begin_node("sp" + std::to_string(i));
    b.prop_cells("uuid", {1, 2, 3, i}).prop_cells("package-address", {0, 0x0ec00000 + i * 0x20000});
    b.end_node();
  }
  b.end_node().end_node().end();
  return b.finish();
}

// sel2-spmc lists the trusted OS, eight S-EL1 partitions and seven S-EL0
// ones: up to sixteen packages (the core's table) are read, a seventeenth
// refused by name.
TEST(CoreManifest, SixteenPackagesAtMost) {
  const Bytes sixteen = manifest_with_packages(16);
  auto r = ffa::parse_core_manifest(test::view(sixteen));
  ASSERT_TRUE(r.ok()) << r.error().property;
  EXPECT_EQ(r.value().package_count, 16u);
  EXPECT_EQ(r.value().packages[15].address, 0x0ec00000u + 15 * 0x20000);
  const Bytes seventeen = manifest_with_packages(17);
  auto refused = ffa::parse_core_manifest(test::view(seventeen));
  ASSERT_FALSE(refused.ok());
  EXPECT_STREQ(refused.error().reason, "more than 16 partitions");
}

}  // namespace
