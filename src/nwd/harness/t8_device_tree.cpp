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

TEST_ANY_SPMC(device_tree, x0_points_at_a_valid_dtb) {
  auto fdt = lib::Fdt::open(lib::ByteView(reinterpret_cast<const uint8_t*>(harness::dtb_address()), 1u << 20));
  ASSERT_TRUE(fdt.ok());
  EXPECT_TRUE(fdt->find("/cpus").has_value());
  EXPECT_TRUE(fdt->find("/pl011@9000000").has_value());
}
TEST_ANY_SPMC(device_tree, psci_node_with_smc_conduit) {
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
TEST_ANY_SPMC(device_tree, cpus_use_psci) {
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

namespace {
// Secure-world devices and memory on QEMU virt (docs/platform-qemu-virt.md).
struct Range {
  uint64_t base, size;
};
constexpr Range kSecureOnly[] = {
    {0x00000000, 0x04000000},  // secure flash: the monitor and the FIP
    {0x09030000, 0x1000},      // PL061 GPIO: a partition's (gpio-driver, irq-c)
    {0x09040000, 0x1000},      // secure UART
    {0x090B0000, 0x1000},      // secure GPIO: power-off and reset
    {0x0E000000, 0x01000000},  // secure RAM
};

bool enabled(const lib::Fdt& f, lib::Fdt::Node n) {
  auto status = f.prop_string(n, "status");
  return !status || str_eq(*status, "okay") || str_eq(*status, "ok");
}
}  // namespace

// The tree describes only what the normal world may touch: the GPIO the
// secure world took (and gpio-keys, which uses it) is disabled, and no
// enabled node's registers lie in secure-only memory or devices.
TEST_ANY_SPMC(device_tree, secure_devices_are_disabled) {
  auto fdt = lib::Fdt::open(lib::ByteView(reinterpret_cast<const uint8_t*>(harness::dtb_address()), 1u << 20));
  ASSERT_TRUE(fdt.ok());
  for (const char* path : {"/pl061@9030000", "/gpio-keys"}) {
    auto n = fdt->find(path);
    ASSERT_TRUE(n.has_value());
    EXPECT_TRUE(!enabled(*fdt, *n));
  }
  unsigned checked = 0, exposed = 0;
  fdt->for_each_child(fdt->root(), [&](lib::Fdt::Node n) {
    auto reg = fdt->prop(n, "reg");
    if (!enabled(*fdt, n) || !reg) return true;
    // QEMU virt: #address-cells = #size-cells = 2 at the root.
    for (size_t off = 0; off + 16 <= reg->size(); off += 16) {
      const uint64_t base = *reg->be64(off), size = *reg->be64(off + 8);
      ++checked;
      for (const Range& s : kSecureOnly) {
        if (base < s.base + s.size && s.base < base + size) {
          ++exposed;
          auto name = fdt->name(n);
          harness::printf("# device tree: {} (reg {:x}+{:x}) is secure-only\n", name ? *name : "?", base, size);
        }
      }
    }
    return true;
  });
  EXPECT_TRUE(checked > 10);  // UART, RTC, GIC, virtio-mmio, PCIe, memory...
  EXPECT_EQ(exposed, 0);
}
