// The device tree the normal world receives in x0 describes PSCI (added by
// the monitor: QEMU leaves it out when firmware runs at EL3).
#include "lib/fdt.h"
#include "nwd/harness/dtb.h"
#include "nwd/harness/test.h"

namespace {
bool str_eq(const char* a, const char* b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}
}  // namespace

TEST(device_tree, x0_points_at_a_valid_dtb) {
  auto fdt = lib::Fdt::open(lib::ByteView(reinterpret_cast<const uint8_t*>(harness::dtb_address()), 1u << 20));
  ASSERT_TRUE(fdt.ok());
  EXPECT_TRUE(fdt->find("/cpus").has_value());
  EXPECT_TRUE(fdt->find("/pl011@9000000").has_value());
}
TEST(device_tree, psci_node_with_smc_conduit) {
  auto fdt = lib::Fdt::open(lib::ByteView(reinterpret_cast<const uint8_t*>(harness::dtb_address()), 1u << 20));
  ASSERT_TRUE(fdt.ok());
  auto psci = fdt->find("/psci");
  ASSERT_TRUE(psci.has_value());
  auto method = fdt->prop_string(*psci, "method");
  ASSERT_TRUE(method.has_value());
  EXPECT_TRUE(str_eq(*method, "smc"));
  auto compat = fdt->prop_string(*psci, "compatible");
  ASSERT_TRUE(compat.has_value());
  EXPECT_TRUE(str_eq(*compat, "arm,psci-1.0"));
}
TEST(device_tree, cpus_use_psci) {
  auto fdt = lib::Fdt::open(lib::ByteView(reinterpret_cast<const uint8_t*>(harness::dtb_address()), 1u << 20));
  ASSERT_TRUE(fdt.ok());
  auto cpus = fdt->find("/cpus");
  ASSERT_TRUE(cpus.has_value());
  unsigned count = 0, with_psci = 0;
  fdt->for_each_child(*cpus, [&](lib::Fdt::Node n) {
    auto type = fdt->prop_string(n, "device_type");
    if (type && str_eq(*type, "cpu")) {
      ++count;
      auto m = fdt->prop_string(n, "enable-method");
      if (m && str_eq(*m, "psci")) ++with_psci;
    }
    return true;
  });
  EXPECT_TRUE(count >= 1);
  EXPECT_EQ(with_psci, count);
}
