#include "spmc/partition_plan.h"

#include "ffa/hf_interrupt.h"
#include "lib/log.h"
#include "lib/mem.h"

namespace spmc::loading {
namespace {

constexpr uint32_t kIntAttrSecure = 1u << 8;

const char* level_name(ffa::ExceptionLevel l) {
  return l == ffa::ExceptionLevel::s_el0 ? "1 (S-EL0)" : l == ffa::ExceptionLevel::s_el1 ? "2 (S-EL1)" : "?";
}

// True when [start, end) touches the memory of a partition loaded already.
bool overlaps(std::span<const Span> loaded, uint64_t start, uint64_t end) {
  for (const Span& s : loaded)
    if (start < s.end && s.start < end) return true;
  return false;
}

}  // namespace

bool is_staged(const ffa::PartitionManifest& m, const ffa::MemoryRegion& r, const PlacementLimits& limits) {
  const uint64_t b = region_base(m, r), size = uint64_t{r.pages} * kPartitionPage;
  if (r.relative || inside(limits.region, b, size)) return false;
  for (const PlacementLimits::Staged& s : limits.staged)
    if (s.span.end > s.span.start && s.owner == m.uuids[0] && inside(s.span, b, size)) return true;
  return false;
}

lib::Result<SpPackage, PackageError> parse_sp_package(lib::ByteView pkg) {
  auto magic = pkg.le32(0), version = pkg.le32(4), pm_off = pkg.le32(8), pm_size = pkg.le32(12),
       img_off = pkg.le32(16), img_size = pkg.le32(20);
  if (!magic || *magic != kPackageMagic || !version || *version != kPackageVersion) return PackageError::not_a_package;
  if (!pm_off || !pm_size || !img_off || !img_size) return PackageError::outside;
  auto pm = pkg.sub(*pm_off, *pm_size);
  auto img = pkg.sub(*img_off, *img_size);
  if (!pm || !img || *img_size == 0) return PackageError::outside;
  return SpPackage{*pm, *img};
}

bool read_package(unsigned n, const ffa::PackageRef& ref, Span staging, SpPackage& package) {
  if (ref.address < staging.start || ref.address >= staging.end) {
    lib::log::error("partition package {}: package-address {:x} is outside the staging area {:x}-{:x}; not started",
                    n, ref.address, staging.start, staging.end);
    return false;
  }
  auto pkg =
      parse_sp_package(lib::ByteView(reinterpret_cast<const uint8_t*>(ref.address), staging.end - ref.address));
  if (!pkg && pkg.error() == PackageError::not_a_package) {
    lib::log::error("partition package {} at {:x}: not an SP package (magic/version); not started", n,
                    ref.address);
    return false;
  }
  if (!pkg) {
    lib::log::error("partition package {}: manifest or image outside the package; not started", n);
    return false;
  }
  package = *pkg;
  return true;
}

bool manifest_matches(unsigned n, const ffa::PackageRef& ref,
                      const lib::Result<ffa::PartitionManifest, ffa::ManifestError>& parsed) {
  if (!parsed) {
    lib::log::error("partition package {}: manifest {}: {}; not started", n, parsed.error().property,
                    parsed.error().reason);
    return false;
  }
  if (!(parsed->uuids[0] == ref.uuid)) {
    lib::log::error("partition package {}: its manifest's uuid differs from the SPMC manifest's; not started", n);
    return false;
  }
  return true;
}

lib::Result<Span, Refusal> validate_manifest(const ffa::PartitionManifest& m, uint64_t image_size,
                                             const PlacementLimits& limits, std::span<const Span> loaded) {
  if (m.exception_level != limits.level) {
    lib::log::error("partition \"{}\": exception-level must be {} under this SPMC; not started", m.description,
                    level_name(limits.level));
    return Refusal::exception_level;
  }
  if (!m.has_load_address) {
    lib::log::error("partition \"{}\": load-address is required; not started", m.description);
    return Refusal::no_load_address;
  }
  // The partition's memory: its image and every region it declares.
  const uint64_t load = m.load_address;
  // A piece whose end wraps around the address space (an image or a
  // relative region far up) is outside the region too.
  uint64_t start = load, end = load + page_align_up(image_size);
  bool wraps = end < load || image_size > limits.region.end - limits.region.start;
  for (unsigned i = 0; i < m.memory_region_count; ++i) {
    const ffa::MemoryRegion& r = m.memory_regions[i];
    const uint64_t b = region_base(m, r), e = b + uint64_t{r.pages} * kPartitionPage;
    if (r.attributes & ffa::region_attr::ns) {
      lib::log::error("partition \"{}\": non-secure memory-regions are not supported yet; not started",
                      m.description);
      return Refusal::ns_region;
    }
    wraps = wraps || e < b;
    if (is_staged(m, r, limits)) {
      // Set aside for a partition: never another's, never zeroed.
      if (overlaps(loaded, b, e)) {
        lib::log::error("partition \"{}\": memory region {:x} is another partition's; not started", m.description, b);
        return Refusal::overlap;
      }
      continue;
    }
    if (b < start) start = b;
    if (e > end) end = e;
  }
  const bool reserved = start < limits.reserved.end && limits.reserved.start < end;
  if (wraps || reserved || !inside(limits.region, start, end - start) || m.entrypoint_offset >= image_size) {
    lib::log::error("partition \"{}\": image and memory-regions must lie in {:x}-{:x}, entry inside the image; not "
                    "started",
                    m.description, limits.region.start, limits.region.end);
    return Refusal::outside_region;
  }
  if (overlaps(loaded, start, end)) {
    lib::log::error("partition \"{}\": overlaps another partition's memory; not started", m.description);
    return Refusal::overlap;
  }
  // Its interrupts, from its device regions: secure SPIs (their attributes
  // as Hafnium encodes them: priority [7:0], security state bit 8 (1
  // secure), bit 9 level-triggered).
  unsigned interrupts = 0;
  for (unsigned i = 0; i < m.device_region_count; ++i) {
    const ffa::DeviceRegion& d = m.device_regions[i];
    for (unsigned k = 0; k < d.interrupt_count; ++k) {
      const uint32_t id = d.interrupts[k][0], attr = d.interrupts[k][1];
      // Secure priorities only (below 0x80): a lower one would not rank
      // above the normal world's interrupts.
      if (id < ffa::hf::kFirstSpi || id > limits.max_spi || !(attr & kIntAttrSecure) || (attr & 0xFF) >= 0x80 ||
          interrupts == kMaxPartitionInterrupts || (limits.reserved_spi != 0 && id == limits.reserved_spi)) {
        lib::log::error("partition \"{}\": interrupt {} must be a secure SPI (32-{}, attributes bit 8, priority "
                        "below 0x80) that is not the SPMC's, at most {} of them; not started",
                        m.description, id, limits.max_spi, kMaxPartitionInterrupts);
        return Refusal::interrupt;
      }
      ++interrupts;
    }
  }
  for (unsigned i = 0; i < m.device_region_count; ++i) {
    const ffa::DeviceRegion& d = m.device_regions[i];
    // Peripherals only (limits.peripherals: never the GIC), never what the
    // SPMC keeps (limits.reserved_devices: its console, power control).
    const uint64_t e = d.base + uint64_t{d.pages} * kPartitionPage;
    const bool peripheral = d.base >= limits.peripherals.start && e <= limits.peripherals.end && e > d.base;
    bool reserved = false;
    for (uint64_t page : limits.reserved_devices) reserved = reserved || (d.base < page + kPartitionPage && page < e);
    if (!peripheral || reserved) {
      lib::log::error("partition \"{}\": device region {:x} is not a peripheral it may own; not started",
                      m.description, d.base);
      return Refusal::device_region;
    }
  }
  return Span{start, end};
}

lib::Result<Layout, Refusal> lay_out(const ffa::PartitionManifest& m, uint64_t image_size, size_t manifest_size,
                                     Span memory, const PlacementLimits& limits, std::span<const Span> loaded) {
  Layout l{m.load_address, m.load_address + page_align_up(image_size), memory, 0, 0};
  // The FF-A boot information protocol, when the manifest asks for it
  // (gp-register-num): a blob with one descriptor, the partition's own
  // manifest DTB, in read-only pages after the partition's memory.
  if (m.boot_info_register >= 0) {
    if (manifest_size > limits.region.end - limits.region.start) {  // (no arithmetic that wraps)
      lib::log::error("partition \"{}\": no room for its boot information; not started", m.description);
      return Refusal::no_boot_info_room;
    }
    l.boot_info = l.memory.end;
    l.boot_info_pages = page_align_up(kBootInfoHeader + manifest_size) / kPartitionPage;
    l.memory.end += l.boot_info_pages * kPartitionPage;
    const bool reserved = l.memory.start < limits.reserved.end && limits.reserved.start < l.memory.end;
    if (reserved || !inside(limits.region, l.memory.start, l.memory.end - l.memory.start)) {
      lib::log::error("partition \"{}\": no room for its boot information; not started", m.description);
      return Refusal::no_boot_info_room;
    }
    if (overlaps(loaded, l.memory.start, l.memory.end)) {
      lib::log::error("partition \"{}\": overlaps another partition's memory; not started", m.description);
      return Refusal::overlap;
    }
  }
  return l;
}

bool write_boot_info(lib::MutableByteView v, uint64_t blob_address, lib::ByteView manifest) {
  if (manifest.size() > v.size() || v.size() - manifest.size() < kBootInfoHeader) return false;
  // FF-A v1.2 Table 5.8/5.9: header (signature 0xFFA, version, blob size,
  // descriptor size, count, offset), then one standard FDT descriptor
  // whose contents are the address of the manifest copied behind it.
  uint8_t* blob = v.data();
  const uint32_t blob_size = static_cast<uint32_t>(kBootInfoHeader + manifest.size());
  bool w = v.put_le32(0, 0xFFA) && v.put_le32(4, 0x10002) && v.put_le32(8, blob_size) && v.put_le32(12, 32) &&
           v.put_le32(16, 1) && v.put_le32(20, 32);
  memcpy(blob + 32, "manifest", 9);                  // name (string format)
  w = w && v.put_le16(48, 0) && v.put_le16(50, 0);   // type: standard FDT; flags: string name, address
  w = w && v.put_le32(52, static_cast<uint32_t>(manifest.size())) && v.put_le64(56, blob_address + kBootInfoHeader);
  memcpy(blob + kBootInfoHeader, manifest.data(), manifest.size());
  return w;
}

}  // namespace spmc::loading
