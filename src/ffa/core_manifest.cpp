#include "ffa/core_manifest.h"

namespace ffa {
namespace {

bool str_eq(const char* a, const char* b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}
bool starts_with(const char* s, const char* prefix) {
  while (*prefix)
    if (*s++ != *prefix++) return false;
  return true;
}

using Err = lib::Unexpected<ManifestError>;
Err fail(const char* property, const char* reason) { return Err{ManifestError{property, reason}}; }

}  // namespace

lib::Result<CoreManifest, ManifestError> parse_core_manifest(lib::ByteView dtb) {
  auto opened = lib::Fdt::open(dtb);
  if (!opened) return fail("(blob)", lib::to_string(opened.error()));
  const lib::Fdt& fdt = opened.value();
  auto compat = fdt.prop_string(fdt.root(), "compatible");
  if (!compat || !str_eq(*compat, "arm,ffa-core-manifest-1.0"))
    return fail("compatible", "must be \"arm,ffa-core-manifest-1.0\"");
  auto attr = fdt.find("/attribute");
  if (!attr) return fail("attribute", "node missing");

  CoreManifest m{};
  auto id = fdt.prop_u32(*attr, "spmc_id");
  if (!id) return fail("attribute/spmc_id", "missing or not one cell");
  if (*id > 0xFFFF || !(*id & 0x8000) || *id == 0xFFFF)
    return fail("attribute/spmc_id", "must be a secure endpoint ID (0x8000-0xFFFE)");
  m.spmc_id = EndpointId(static_cast<uint16_t>(*id));
  auto maj = fdt.prop_u32(*attr, "maj_ver");
  auto min = fdt.prop_u32(*attr, "min_ver");
  if (!maj || !min) return fail("attribute/maj_ver,min_ver", "missing or not one cell");
  if (*maj != 1 || *min > kImplementedVersion.minor)
    return fail("attribute/maj_ver,min_ver", "FF-A version not supported (this build speaks 1.0-1.2)");
  m.version = Version{static_cast<uint16_t>(*maj), static_cast<uint16_t>(*min)};
  auto exec = fdt.prop_u32(*attr, "exec_state");
  if (!exec || *exec != 0) return fail("attribute/exec_state", "must be 0 (AArch64)");
  m.exec_state = *exec;
  auto load = fdt.prop_u64(*attr, "load_address");
  if (!load || (*load & 0xFFF)) return fail("attribute/load_address", "missing or not 4 KiB aligned");
  m.load_address = *load;
  auto entry = fdt.prop_u64(*attr, "entrypoint");
  if (!entry || (*entry & 3)) return fail("attribute/entrypoint", "missing or not 4-byte aligned");
  m.entrypoint = *entry;
  if (fdt.has_prop(*attr, "binary_size")) {
    auto size = fdt.prop_u64(*attr, "binary_size");
    if (!size || *size == 0) return fail("attribute/binary_size", "must be one or two cells, not zero");
    m.binary_size = *size;
  }

  if (auto tos = fdt.child(fdt.root(), "trusted-os")) {
    auto tid = fdt.prop_u32(*tos, "endpoint-id");
    if (!tid || *tid > 0xFFFF || !(*tid & 0x8000) || *tid == 0xFFFF || *tid == *id)
      return fail("trusted-os/endpoint-id", "must be a secure endpoint ID other than spmc_id");
    auto uuid = fdt.prop(*tos, "uuid");
    if (!uuid || uuid->size() != 16) return fail("trusted-os/uuid", "must be 4 cells");
    m.has_trusted_os = true;
    m.trusted_os_id = EndpointId(static_cast<uint16_t>(*tid));
    for (unsigned i = 0; i < 4; ++i) m.trusted_os_uuid.w[i] = *uuid->be32(4 * i);
  }

  bool ok = true;
  fdt.for_each_child(fdt.root(), [&](lib::Fdt::Node n) {
    auto name = fdt.name(n);
    if (!name || !starts_with(*name, "memory")) return true;
    auto type = fdt.prop_string(n, "device_type");
    if (!type || !str_eq(*type, "ns-memory")) return true;
    auto reg = fdt.prop(n, "reg");
    if (!reg || reg->size() != 16 || m.ns_memory_count == CoreManifest::kMaxNsRanges) {
      ok = false;
      return false;
    }
    MemRange r{*reg->be64(0), *reg->be64(8)};
    if (r.size == 0 || r.base + r.size < r.base || ((r.base | r.size) & 0xFFF)) {
      ok = false;
      return false;
    }
    m.ns_memory[m.ns_memory_count++] = r;
    return true;
  });
  if (!ok) return fail("memory/reg", "ns-memory needs <base size> in 2+2 cells, 4 KiB aligned, at most 4 ranges");

  if (auto parts = fdt.child(fdt.root(), "partitions")) {
    const char* why = nullptr;
    fdt.for_each_child(*parts, [&](lib::Fdt::Node n) {
      auto uuid = fdt.prop(n, "uuid");
      auto addr = fdt.prop_u64(n, "package-address");
      if (m.package_count == CoreManifest::kMaxPackages) {
        why = "more than 16 partitions";
      } else if (!uuid || uuid->size() != 16) {
        why = "each partition needs a uuid of 4 cells";
      } else if (!addr || (*addr & 0xFFF)) {
        why = "each partition needs a 4 KiB aligned package-address";
      }
      if (why) return false;
      PackageRef& p = m.packages[m.package_count++];
      for (unsigned i = 0; i < 4; ++i) p.uuid.w[i] = *uuid->be32(4 * i);
      p.address = *addr;
      return true;
    });
    if (why) return fail("partitions", why);
  }
  return m;
}

}  // namespace ffa
