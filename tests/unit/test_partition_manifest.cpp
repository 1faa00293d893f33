// ffa::parse_partition_manifest on the properties that say how a
// partition takes interrupts: ns-interrupts-action and
// other-s-interrupts-action; and on power-management-messages (the rest of the parser is exercised by the
// configurations' manifests at build time and by fuzz_partition_manifest).
#include <gtest/gtest.h>

#include <optional>

#include "ffa/partition_manifest.h"
#include "test_util.h"

namespace {

// A minimal valid S-EL1 manifest, with `extra` (a property and its value)
// when given.
test::Bytes manifest(std::optional<std::pair<const char*, uint32_t>> extra = std::nullopt) {
  test::FdtBuilder b;
  b.begin_node("").prop_string("compatible", "arm,ffa-manifest-1.0");
  b.prop_cells("ffa-version", {0x00010002}).prop_cells("uuid", {1, 2, 3, 4});
  b.prop_cells("execution-ctx-count", {1}).prop_cells("exception-level", {2}).prop_cells("execution-state", {0});
  b.prop_cells("load-address", {0, 0x0e700000}).prop_cells("messaging-method", {1});
  if (extra) b.prop_cells(extra->first, {extra->second});
  b.end_node().end();
  return b.finish();
}

TEST(PartitionManifest, OtherSecureInterruptsAreSignaledUnlessQueued) {
  const test::Bytes plain = manifest();
  auto m = ffa::parse_partition_manifest(test::view(plain));
  ASSERT_TRUE(m.ok()) << m.error().property;
  EXPECT_FALSE(m.value().other_s_interrupts_queued);  // absent: signaled
  const test::Bytes queued = manifest(std::pair{"other-s-interrupts-action", 0u});
  m = ffa::parse_partition_manifest(test::view(queued));
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m.value().other_s_interrupts_queued);
  const test::Bytes signaled = manifest(std::pair{"other-s-interrupts-action", 1u});
  m = ffa::parse_partition_manifest(test::view(signaled));
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m.value().other_s_interrupts_queued);
}

TEST(PartitionManifest, UnknownInterruptActionsAreRefusedByName) {
  const test::Bytes other = manifest(std::pair{"other-s-interrupts-action", 2u});
  auto m = ffa::parse_partition_manifest(test::view(other));
  ASSERT_FALSE(m.ok());
  EXPECT_STREQ(m.error().property, "other-s-interrupts-action");
  const test::Bytes ns = manifest(std::pair{"ns-interrupts-action", 3u});
  m = ffa::parse_partition_manifest(test::view(ns));
  ASSERT_FALSE(m.ok());
  EXPECT_STREQ(m.error().property, "ns-interrupts-action");
}

TEST(PartitionManifest, PowerManagementMessagesAreBitsZeroToThree) {
  const test::Bytes plain = manifest();
  auto m = ffa::parse_partition_manifest(test::view(plain));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m.value().power_management_messages, 0u);  // absent: none
  const test::Bytes off = manifest(std::pair{"power-management-messages", 1u});
  m = ffa::parse_partition_manifest(test::view(off));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m.value().power_management_messages, ffa::power_messages::cpu_off);
  const test::Bytes all = manifest(std::pair{"power-management-messages", 0xFu});
  m = ffa::parse_partition_manifest(test::view(all));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m.value().power_management_messages, 0xFu);
  // Bit 4 on is nobody's: refused by name, not ignored.
  const test::Bytes unknown = manifest(std::pair{"power-management-messages", 0x11u});
  m = ffa::parse_partition_manifest(test::view(unknown));
  ASSERT_FALSE(m.ok());
  EXPECT_STREQ(m.error().property, "power-management-messages");
}

}  // namespace
