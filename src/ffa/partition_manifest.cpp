#include "ffa/partition_manifest.h"

namespace ffa {
namespace {

using Err = lib::Unexpected<ManifestError>;
Err fail(const char* property, const char* reason) { return Err{ManifestError{property, reason}}; }

bool str_eq(const char* a, const char* b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}
constexpr uint64_t kPage = 4096;

// The regions of a node (memory-regions or device-regions): every child.
template <typename Fn>
bool for_each_region(const lib::Fdt& fdt, lib::Fdt::Node parent, Fn&& fn) {
  bool ok = true;
  fdt.for_each_child(parent, [&](lib::Fdt::Node n) {
    ok = fn(n);
    return ok;
  });
  return ok;
}

}  // namespace

lib::Result<PartitionManifest, ManifestError> parse_partition_manifest(lib::ByteView dtb) {
  auto opened = lib::Fdt::open(dtb);
  if (!opened) return fail("(blob)", lib::to_string(opened.error()));
  const lib::Fdt& fdt = opened.value();
  const lib::Fdt::Node root = fdt.root();
  PartitionManifest m{};
  m.rx_region = m.tx_region = -1;
  m.boot_info_register = -1;

  auto compat = fdt.prop_string(root, "compatible");
  if (!compat || !str_eq(*compat, "arm,ffa-manifest-1.0"))
    return fail("compatible", "must be \"arm,ffa-manifest-1.0\"");

  auto version = fdt.prop_u32(root, "ffa-version");
  if (!version) return fail("ffa-version", "missing or not one cell");
  if (!Version::valid_word(*version)) return fail("ffa-version", "not a version word (bit 31 set)");
  m.ffa_version = Version::from_word(*version);
  if (m.ffa_version.major != 1 || m.ffa_version.minor > kImplementedVersion.minor)
    return fail("ffa-version", "not supported (this SPMC speaks 1.0-1.2)");

  auto uuid = fdt.prop(root, "uuid");
  if (!uuid || uuid->size() == 0 || uuid->size() % 16 != 0)
    return fail("uuid", "missing, or not a multiple of 4 cells");
  m.uuid_count = static_cast<unsigned>(uuid->size() / 16);
  if (m.uuid_count > PartitionManifest::kMaxUuids) return fail("uuid", "more than 4 UUIDs");
  if (m.uuid_count > 1 && m.ffa_version < kVersion1_2) return fail("uuid", "several UUIDs need ffa-version 1.2");
  for (unsigned u = 0; u < m.uuid_count; ++u) {
    for (unsigned i = 0; i < 4; ++i) m.uuids[u].w[i] = *uuid->be32(16 * u + 4 * i);
    if (m.uuids[u].is_nil()) return fail("uuid", "the nil UUID names no partition");
  }

  if (fdt.has_prop(root, "id")) {
    auto id = fdt.prop_u32(root, "id");
    if (!id || *id > 0xFFFE || !(*id & 0x8000) || *id == 0x8000)
      return fail("id", "must be a secure endpoint ID, 0x8001-0xFFFE");
    m.has_id = true;
    m.id = EndpointId(static_cast<uint16_t>(*id));
  }

  if (auto desc = fdt.prop_string(root, "description")) {
    unsigned i = 0;
    for (; (*desc)[i] && i + 1 < sizeof(m.description); ++i) m.description[i] = (*desc)[i];
    m.description[i] = '\0';
  }

  auto ctx = fdt.prop_u32(root, "execution-ctx-count");
  if (!ctx || *ctx == 0 || *ctx > 64) return fail("execution-ctx-count", "missing, zero or above 64");
  m.exec_ctx_count = static_cast<uint16_t>(*ctx);

  auto el = fdt.prop_u32(root, "exception-level");
  if (!el) return fail("exception-level", "missing or not one cell");
  if (*el != 1 && *el != 2) return fail("exception-level", "must be 1 (S-EL0) or 2 (S-EL1)");
  m.exception_level = static_cast<ExceptionLevel>(*el);
  if (m.exception_level == ExceptionLevel::s_el0 && m.exec_ctx_count != 1)
    return fail("execution-ctx-count", "an S-EL0 partition has exactly one execution context");

  auto state = fdt.prop_u32(root, "execution-state");
  if (!state || *state != 0) return fail("execution-state", "must be 0 (AArch64)");

  if (fdt.has_prop(root, "xlat-granule")) {
    auto g = fdt.prop_u32(root, "xlat-granule");
    if (!g || *g != 0) return fail("xlat-granule", "only 0 (4 KiB) is supported");
  }

  if (fdt.has_prop(root, "load-address")) {
    auto load = fdt.prop_u64(root, "load-address");
    if (!load || (*load & (kPage - 1))) return fail("load-address", "must be one or two cells, 4 KiB aligned");
    m.has_load_address = true;
    m.load_address = *load;
  }
  if (fdt.has_prop(root, "entrypoint-offset")) {
    auto off = fdt.prop_u64(root, "entrypoint-offset");
    if (!off || (*off & 3)) return fail("entrypoint-offset", "must be one or two cells, 4-byte aligned");
    m.entrypoint_offset = *off;
  }
  if (fdt.has_prop(root, "boot-order")) {
    auto order = fdt.prop_u32(root, "boot-order");
    if (!order || *order > 0xFFFF) return fail("boot-order", "must be one cell, 0-65535");
    m.has_boot_order = true;
    m.boot_order = static_cast<uint16_t>(*order);
  }

  auto method = fdt.prop_u32(root, "messaging-method");
  if (!method) return fail("messaging-method", "missing or not one cell");
  if (*method & ~messaging::all) return fail("messaging-method", "unknown bits (known: 0, 1, 2, 9, 10)");
  if ((*method & (messaging::direct_req2_recv | messaging::direct_req2_send)) && m.ffa_version < kVersion1_2)
    return fail("messaging-method", "DIRECT_REQ2 bits need ffa-version 1.2");
  m.messaging_method = *method;

  if (fdt.has_prop(root, "ns-interrupts-action")) {
    auto action = fdt.prop_u32(root, "ns-interrupts-action");
    if (!action || *action > 2) return fail("ns-interrupts-action", "must be 0 (queued), 1 (managed exit) or 2 (signaled)");
    m.ns_interrupts_action = static_cast<NsInterruptAction>(*action);
  }
  if (fdt.has_prop(root, "other-s-interrupts-action")) {
    auto action = fdt.prop_u32(root, "other-s-interrupts-action");
    if (!action || *action > 1) return fail("other-s-interrupts-action", "must be 0 (queued) or 1 (signaled)");
    m.other_s_interrupts_queued = *action == 0;
  }
  m.managed_exit_virq = fdt.has_prop(root, "managed-exit-virq");
  m.notification_support = fdt.has_prop(root, "notification-support");
  if (fdt.has_prop(root, "vm-availability-messages")) {
    auto v = fdt.prop_u32(root, "vm-availability-messages");
    if (!v || (*v & ~3u)) return fail("vm-availability-messages", "only bits 0 (created) and 1 (destroyed)");
    m.vm_availability_messages = *v;
  }
  if (fdt.has_prop(root, "power-management-messages")) {
    auto v = fdt.prop_u32(root, "power-management-messages");
    if (!v || (*v & ~power_messages::all))
      return fail("power-management-messages", "only bits 0 (CPU_OFF), 1 (CPU_SUSPEND), 2 (CPU_SUSPEND resume) and 3 (CPU_ON)");
    m.power_management_messages = *v;
  }
  if (fdt.has_prop(root, "gp-register-num")) {
    auto r = fdt.prop_u32(root, "gp-register-num");
    if (!r || *r > 3) return fail("gp-register-num", "must be 0-3");
    m.boot_info_register = static_cast<int8_t>(*r);
  }

  // memory-regions: each child has pages-count, attributes and either
  // base-address or load-address-relative-offset.
  if (auto regions = fdt.child(root, "memory-regions")) {
    ManifestError err{};
    bool ok = for_each_region(fdt, *regions, [&](lib::Fdt::Node n) {
      if (m.memory_region_count == PartitionManifest::kMaxMemoryRegions) {
        err = {"memory-regions", "more than 8 regions"};
        return false;
      }
      MemoryRegion& r = m.memory_regions[m.memory_region_count];
      auto pages = fdt.prop_u32(n, "pages-count");
      auto attrs = fdt.prop_u32(n, "attributes");
      if (!pages || *pages == 0) {
        err = {"memory-regions/pages-count", "missing or zero"};
        return false;
      }
      if (!attrs || (*attrs & ~region_attr::all) || !(*attrs & region_attr::read)) {
        err = {"memory-regions/attributes", "missing, unknown bits, or not readable"};
        return false;
      }
      if ((*attrs & region_attr::write) && (*attrs & region_attr::exec)) {
        err = {"memory-regions/attributes", "writable and executable at once"};
        return false;
      }
      const bool has_base = fdt.has_prop(n, "base-address");
      const bool has_rel = fdt.has_prop(n, "load-address-relative-offset");
      if (has_base == has_rel) {
        err = {"memory-regions/base-address", "exactly one of base-address, load-address-relative-offset"};
        return false;
      }
      auto addr = fdt.prop_u64(n, has_base ? "base-address" : "load-address-relative-offset");
      if (!addr || (*addr & (kPage - 1))) {
        err = {"memory-regions/base-address", "must be one or two cells, 4 KiB aligned"};
        return false;
      }
      if (*addr + uint64_t{*pages} * kPage < *addr) {
        err = {"memory-regions/pages-count", "region wraps around the address space"};
        return false;
      }
      r = MemoryRegion{!has_base, *addr, *pages, *attrs, fdt.prop_u32(n, "phandle").value_or(0)};
      ++m.memory_region_count;
      return true;
    });
    if (!ok) return Err{err};
  }

  if (auto devices = fdt.child(root, "device-regions")) {
    ManifestError err{};
    bool ok = for_each_region(fdt, *devices, [&](lib::Fdt::Node n) {
      if (m.device_region_count == PartitionManifest::kMaxDeviceRegions) {
        err = {"device-regions", "more than 8 regions"};
        return false;
      }
      DeviceRegion& d = m.device_regions[m.device_region_count];
      auto base = fdt.prop_u64(n, "base-address");
      auto pages = fdt.prop_u32(n, "pages-count");
      auto attrs = fdt.prop_u32(n, "attributes");
      if (!base || (*base & (kPage - 1))) {
        err = {"device-regions/base-address", "missing, or not 4 KiB aligned"};
        return false;
      }
      if (!pages || *pages == 0) {
        err = {"device-regions/pages-count", "missing or zero"};
        return false;
      }
      if (!attrs || (*attrs & ~region_attr::all) || (*attrs & region_attr::exec)) {
        err = {"device-regions/attributes", "missing, unknown bits, or executable"};
        return false;
      }
      d = DeviceRegion{*base, *pages, *attrs, 0, {}};
      if (auto irqs = fdt.prop(n, "interrupts")) {
        if (irqs->size() % 8 != 0 || irqs->size() / 8 > 8) {
          err = {"device-regions/interrupts", "must be <id attributes> pairs, at most 8"};
          return false;
        }
        d.interrupt_count = static_cast<uint32_t>(irqs->size() / 8);
        for (uint32_t i = 0; i < d.interrupt_count; ++i) {
          d.interrupts[i][0] = *irqs->be32(8 * i);
          d.interrupts[i][1] = *irqs->be32(8 * i + 4);
        }
      }
      ++m.device_region_count;
      return true;
    });
    if (!ok) return Err{err};
  }

  // rx_tx-buffer: phandles of two memory regions.
  if (auto rxtx = fdt.child(root, "rx_tx-buffer")) {
    auto rx = fdt.prop_u32(*rxtx, "rx-buffer");
    auto tx = fdt.prop_u32(*rxtx, "tx-buffer");
    if (!rx || !tx) return fail("rx_tx-buffer", "needs rx-buffer and tx-buffer phandles");
    for (unsigned i = 0; i < m.memory_region_count; ++i) {
      if (m.memory_regions[i].phandle == *rx) m.rx_region = static_cast<int8_t>(i);
      if (m.memory_regions[i].phandle == *tx) m.tx_region = static_cast<int8_t>(i);
    }
    if (m.rx_region < 0 || m.tx_region < 0 || m.rx_region == m.tx_region)
      return fail("rx_tx-buffer", "rx-buffer and tx-buffer must name two different memory-regions");
    const MemoryRegion& rxr = m.memory_regions[m.rx_region];
    const MemoryRegion& txr = m.memory_regions[m.tx_region];
    if (rxr.pages != txr.pages) return fail("rx_tx-buffer", "RX and TX buffers differ in size");
    if (!(rxr.attributes & region_attr::write) || !(txr.attributes & region_attr::write))
      return fail("rx_tx-buffer", "RX and TX buffers must be read-write");
  }
  return m;
}

}  // namespace ffa
