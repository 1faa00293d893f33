#include "sel1/partitions.h"

#include <optional>

#include "arch/aarch64/gicv3.h"
#include "arch/aarch64/pgtable.h"
#include "arch/aarch64/sysreg.h"
#include "ffa/hf_interrupt.h"
#include "ffa/partition_manifest.h"
#include "lib/bytes.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "plat/qemu_virt/memory_map.h"
#include "sel1/mmu.h"
#include "sel1/sp_context.h"

extern "C" char __trampoline_start[];

namespace sel1 {
namespace {

using arch::mmu::Attrs;
using arch::mmu::MemType;

constexpr unsigned kMaxHosted = 8;
constexpr size_t kTablesPerPartition = 8;
constexpr uint64_t kPage = 4096;
constexpr uint32_t kPackageMagic = 0x474B5053;  // "SPKG"
constexpr uint64_t kEcSvc64 = 0x15;
// SPSR for EL0t: IRQ (secure interrupts) unmasked, so that one stops the
// partition and its top half runs; FIQ (normal-world interrupts) masked
// unless the partition's manifest has them signalled. A masked interrupt
// waits until the secure world returns (FF-A's "queued").
constexpr uint64_t kSpsrFiqMask = 1u << 6;
constexpr uint32_t kIntAttrSecure = 1u << 8, kIntAttrLevel = 1u << 9;

struct Hosted {
  SpContext ctx;
  bool started;         // first entry done
  uint64_t boot_x[4];   // x0-x3 at the first entry (boot information)
  std::optional<arch::mmu::PageTable> tables;
  size_t core_index;
  uint64_t start, end;  // the partition's memory, for overlap checks
  uint64_t image_start, image_end;  // its image (FFA_MEM_PERM_GET/SET may change it)
  // Its declared memory regions but the RX/TX pair: what it may lend.
  struct Lendable {
    uint64_t base;
    uint32_t pages;
    bool writable, exec;
  } lendable[ffa::PartitionManifest::kMaxMemoryRegions];
  unsigned lendable_count;
  // The rx_tx-buffer regions its manifest declares (pages 0: none): they
  // may be mapped again with FFA_RXTX_MAP after an FFA_RXTX_UNMAP.
  Lendable declared_rx, declared_tx;
};

constinit Hosted g_hosted[kMaxHosted] = {};
constinit unsigned g_hosted_count = 0;
// The core's partition index -> our record (the run loop's lookup).
constinit Hosted* g_by_core_index[spmc::kMaxPartitions] = {};

constexpr uint64_t align_up(uint64_t v) { return (v + kPage - 1) & ~(kPage - 1); }

Hosted* hosted_for(size_t core_index) {
  return core_index < spmc::kMaxPartitions ? g_by_core_index[core_index] : nullptr;
}

// True when [start, end) touches the memory of a partition loaded already.
bool overlaps_loaded(uint64_t start, uint64_t end) {
  for (unsigned i = 0; i < g_hosted_count; ++i)
    if (start < g_hosted[i].end && g_hosted[i].start < end) return true;
  return false;
}

bool in_partition_region(uint64_t base, uint64_t size) {
  return base >= plat::kPartitionRegionBase && size <= plat::kPartitionRegionEnd - base &&
         base + size <= plat::kPartitionRegionEnd;
}

// One partition from its package; false (with the reason logged) when it
// cannot start.
bool load_one(unsigned n, const ffa::PackageRef& ref, spmc::Core& core) {
  if (g_hosted_count == kMaxHosted) {
    lib::log::error("partition package {}: more than {} partitions; not started", n, kMaxHosted);
    return false;
  }
  if (ref.address < plat::kPackageRegionBase || ref.address >= plat::kPackageRegionEnd) {
    lib::log::error("partition package {}: package-address {:x} is outside the staging area "
                    "0x0ec00000-0x0ee00000; not started",
                    n, ref.address);
    return false;
  }
  const lib::ByteView pkg(reinterpret_cast<const uint8_t*>(ref.address), plat::kPackageRegionEnd - ref.address);
  auto magic = pkg.le32(0), version = pkg.le32(4), pm_off = pkg.le32(8), pm_size = pkg.le32(12),
       img_off = pkg.le32(16), img_size = pkg.le32(20);
  if (!magic || *magic != kPackageMagic || *version != 2) {
    lib::log::error("partition package {} at {:x}: not an SP package (magic/version); not started", n,
                    ref.address);
    return false;
  }
  auto pm = pkg.sub(*pm_off, *pm_size);
  auto img = pkg.sub(*img_off, *img_size);
  if (!pm || !img || *img_size == 0) {
    lib::log::error("partition package {}: manifest or image outside the package; not started", n);
    return false;
  }
  auto parsed = ffa::parse_partition_manifest(*pm);
  if (!parsed) {
    lib::log::error("partition package {}: manifest {}: {}; not started", n, parsed.error().property,
                    parsed.error().reason);
    return false;
  }
  const ffa::PartitionManifest& m = parsed.value();
  if (!(m.uuids[0] == ref.uuid)) {
    lib::log::error("partition package {}: its manifest's uuid differs from the SPMC manifest's; not started", n);
    return false;
  }
  if (m.exception_level != ffa::ExceptionLevel::s_el0) {
    lib::log::error("partition \"{}\": exception-level must be 1 (S-EL0) under the S-EL1 SPMC; not started",
                    m.description);
    return false;
  }
  if (!m.has_load_address) {
    lib::log::error("partition \"{}\": load-address is required; not started", m.description);
    return false;
  }
  // The partition's memory: its image and every region it declares.
  const uint64_t load = m.load_address;
  uint64_t start = load, end = load + align_up(*img_size);
  auto region_base = [&](const ffa::MemoryRegion& r) { return r.relative ? load + r.address : r.address; };
  for (unsigned i = 0; i < m.memory_region_count; ++i) {
    const ffa::MemoryRegion& r = m.memory_regions[i];
    const uint64_t b = region_base(r), e = b + uint64_t{r.pages} * kPage;
    if (r.attributes & ffa::region_attr::ns) {
      lib::log::error("partition \"{}\": non-secure memory-regions are not supported yet; not started",
                      m.description);
      return false;
    }
    if (b < start) start = b;
    if (e > end) end = e;
  }
  if (!in_partition_region(start, end - start) || m.entrypoint_offset >= *img_size) {
    lib::log::error("partition \"{}\": image and memory-regions must lie in 0x0e500000-0x0e800000, entry inside "
                    "the image; not started",
                    m.description);
    return false;
  }
  if (overlaps_loaded(start, end)) {
    lib::log::error("partition \"{}\": overlaps another partition's memory; not started", m.description);
    return false;
  }
  // Its interrupts, from its device regions: secure SPIs (their attributes
  // as Hafnium encodes them: priority [7:0], security state bit 8 (1
  // secure), bit 9 level-triggered).
  spmc::Partition p{};
  for (unsigned i = 0; i < m.device_region_count; ++i) {
    const ffa::DeviceRegion& d = m.device_regions[i];
    for (unsigned k = 0; k < d.interrupt_count; ++k) {
      const uint32_t id = d.interrupts[k][0], attr = d.interrupts[k][1];
      // Secure priorities only (below 0x80): a lower one would not rank
      // above the normal world's interrupts.
      if (id < ffa::hf::kFirstSpi || id > arch::gicv3::max_spi() || !(attr & kIntAttrSecure) ||
          (attr & 0xFF) >= 0x80 || p.interrupt_count == spmc::Partition::kMaxInterrupts ||
          id == plat::kSecureUartSpi) {
        lib::log::error("partition \"{}\": interrupt {} must be a secure SPI (32-{}, attributes bit 8, priority "
                        "below 0x80) that is not the trusted OS's, at most {} of them; not started",
                        m.description, id, arch::gicv3::max_spi(), spmc::Partition::kMaxInterrupts);
        return false;
      }
      p.interrupts[p.interrupt_count++].id = id;
    }
  }
  for (unsigned i = 0; i < m.device_region_count; ++i) {
    const ffa::DeviceRegion& d = m.device_regions[i];
    // Peripherals only: never the GIC, the secure GPIO (power) or the
    // trusted OS's console.
    const uint64_t e = d.base + uint64_t{d.pages} * kPage;
    const bool peripheral = d.base >= 0x09000000 && e <= 0x0A000000 && e > d.base;
    const bool reserved = (d.base < plat::kSecureUartBase + kPage && plat::kSecureUartBase < e) ||
                          (d.base < plat::kSecureGpioBase + kPage && plat::kSecureGpioBase < e);
    if (!peripheral || reserved) {
      lib::log::error("partition \"{}\": device region {:x} is not a peripheral it may own; not started",
                      m.description, d.base);
      return false;
    }
  }

  Hosted& h = g_hosted[g_hosted_count];
  arch::mmu::Table* pool = alloc_partition_tables(kTablesPerPartition);
  if (!pool) {
    lib::log::error("partition \"{}\": out of translation tables; not started", m.description);
    return false;
  }
  h.tables.emplace(pool, kTablesPerPartition, arch::mmu::Regime::el1_0, &invalidate_va_all_asids);
  arch::mmu::PageTable& pt = *h.tables;

  // The FF-A boot information protocol, when the manifest asks for it
  // (gp-register-num): a blob with one descriptor, the partition's own
  // manifest DTB, in read-only pages after the partition's memory.
  uint64_t boot_info = 0, boot_info_pages = 0;
  if (m.boot_info_register >= 0) {
    boot_info = end;
    boot_info_pages = align_up(64 + *pm_size) / kPage;
    end += boot_info_pages * kPage;
    if (!in_partition_region(start, end - start)) {
      lib::log::error("partition \"{}\": no room for its boot information; not started", m.description);
      return false;
    }
    if (overlaps_loaded(start, end)) {
      lib::log::error("partition \"{}\": overlaps another partition's memory; not started", m.description);
      return false;
    }
  }

  // Copy the image in; its memory outside the image starts zeroed.
  memset(reinterpret_cast<void*>(start), 0, end - start);
  memcpy(reinterpret_cast<void*>(load), img->data(), img->size());
  if (boot_info) {
    // FF-A v1.2 Table 5.8/5.9: header (signature 0xFFA, version, blob size,
    // descriptor size, count, offset), then one standard FDT descriptor
    // whose contents are the address of the manifest copied behind it.
    auto* blob = reinterpret_cast<uint8_t*>(boot_info);
    lib::MutableByteView v(blob, boot_info_pages * kPage);
    const uint32_t blob_size = static_cast<uint32_t>(64 + *pm_size);
    bool w = v.put_le32(0, 0xFFA) && v.put_le32(4, 0x10002) && v.put_le32(8, blob_size) && v.put_le32(12, 32) &&
             v.put_le32(16, 1) && v.put_le32(20, 32);
    memcpy(blob + 32, "manifest", 9);                  // name (string format)
    w = w && v.put_le16(48, 0) && v.put_le16(50, 0);   // type: standard FDT; flags: string name, address
    w = w && v.put_le32(52, *pm_size) && v.put_le64(56, boot_info + 64);
    memcpy(blob + 64, pm->data(), *pm_size);
    if (!w) return false;  // cannot happen: the pages hold 64 + pm_size bytes
  }

  // Declared regions with their attributes; the rest of the image is code
  // and constants: read-only, executable, never writable.
  bool ok = true;
  auto map = [&](uint64_t va, uint64_t size, Attrs a) {
    auto s = pt.map(va, va, size, a);
    if (!s) {
      lib::log::error("partition \"{}\": map {:x}+{:x}: {}", m.description, va, size,
                      arch::mmu::to_string(s.error()));
      ok = false;
    }
  };
  auto covered = [&](uint64_t page) {
    for (unsigned i = 0; i < m.memory_region_count; ++i) {
      const uint64_t b = region_base(m.memory_regions[i]);
      if (page >= b && page < b + uint64_t{m.memory_regions[i].pages} * kPage) return true;
    }
    return false;
  };
  for (unsigned i = 0; i < m.memory_region_count && ok; ++i) {
    const ffa::MemoryRegion& r = m.memory_regions[i];
    map(region_base(r), uint64_t{r.pages} * kPage,
        Attrs{.type = MemType::normal,
              .write = (r.attributes & ffa::region_attr::write) != 0,
              .exec = (r.attributes & ffa::region_attr::exec) != 0,
              .user = true});
  }
  for (uint64_t page = load; page < load + align_up(*img_size) && ok; page += kPage)
    if (!covered(page)) map(page, kPage, Attrs{.type = MemType::normal, .exec = true, .user = true});
  for (unsigned i = 0; i < m.device_region_count && ok; ++i) {
    const ffa::DeviceRegion& d = m.device_regions[i];
    map(d.base, uint64_t{d.pages} * kPage,
        Attrs{.type = MemType::device, .write = (d.attributes & ffa::region_attr::write) != 0, .user = true});
  }
  // The trampoline: the one page of the trusted OS a partition's tables
  // hold, executable at EL1 only.
  if (boot_info && ok) map(boot_info, boot_info_pages * kPage, Attrs{.type = MemType::normal, .user = true});
  const auto tramp = reinterpret_cast<uint64_t>(__trampoline_start);
  if (ok) map(tramp, kPage, Attrs{.type = MemType::normal, .exec = true});
  if (!ok) {
    lib::log::error("partition \"{}\": not started", m.description);
    return false;
  }

  // Its endpoint: the manifest's ID, or the next free one from 0x8001.
  ffa::EndpointId id = m.has_id ? m.id : ffa::EndpointId(0x8001);
  while (!m.has_id && core.find_partition(id)) id = ffa::EndpointId(static_cast<uint16_t>(id.raw() + 1));
  uint32_t props = ffa::partition_props::aarch64;
  if (m.messaging_method & ffa::messaging::direct_req_recv) props |= ffa::partition_props::direct_req_recv;
  if (m.messaging_method & ffa::messaging::direct_req_send) props |= ffa::partition_props::direct_req_send;
  if (m.messaging_method & ffa::messaging::direct_req2_recv) props |= ffa::partition_props::direct_req2_recv;
  // Indirect messages land in its RX buffer: the one its manifest
  // declares, or one it maps with FFA_RXTX_MAP (until then, senders get
  // BUSY, as for a full buffer).
  if (m.messaging_method & ffa::messaging::indirect) props |= ffa::partition_props::indirect_msg;
  if (m.messaging_method & ffa::messaging::direct_req2_send) props |= ffa::partition_props::direct_req2_send;
  if (m.notification_support) props |= ffa::partition_props::notification_recv;
  p.info = ffa::PartitionInfo{id, m.exec_ctx_count, props, m.uuids[0]};
  p.boot_order = m.has_boot_order ? m.boot_order : 0xFFFF;
  // The version its manifest declares, until its own FFA_VERSION says otherwise.
  p.version = m.ffa_version;
  p.ns_action = m.ns_interrupts_action;
  // Its notification bitmaps, one set per execution context.
  p.notifications.created = m.notification_support;
  p.notifications.vcpu_count = m.exec_ctx_count;
  if (auto s = core.add_partition(p); !s) {
    lib::log::error("partition \"{}\": endpoint ID {:x} or an interrupt refused (duplicate, or not secure); not "
                    "started",
                    m.description, id.raw());
    return false;
  }
  // Its interrupts at the GIC: Secure Group 1, to the boot CPU, disabled
  // until it enables them (HF_INTERRUPT_ENABLE).
  for (unsigned i = 0; i < m.device_region_count; ++i)
    for (unsigned k = 0; k < m.device_regions[i].interrupt_count; ++k) {
      const uint32_t attr = m.device_regions[i].interrupts[k][1];
      arch::gicv3::configure_secure_spi(m.device_regions[i].interrupts[k][0], static_cast<uint8_t>(attr),
                                        (attr & kIntAttrLevel) != 0, arch::mpidr());
    }
  const uint64_t asid = g_hosted_count + 1;
  h.ctx = SpContext{};
  h.ctx.elr = load + m.entrypoint_offset;
  h.ctx.spsr = kSpsrFiqMask;  // EL0t; run_partitions sets the FIQ mask per entry
  h.ctx.ttbr0 = pt.root_address() | (asid << 48);
  h.started = false;
  for (uint64_t& x : h.boot_x) x = 0;
  if (boot_info) h.boot_x[m.boot_info_register] = boot_info;
  h.core_index = core.partition_count() - 1;
  g_by_core_index[h.core_index] = &h;
  if (m.rx_region >= 0) {
    // The SPMC reaches the pair through its own mapping of the partition
    // region (VA = PA).
    const ffa::MemoryRegion& rx = m.memory_regions[m.rx_region];
    const ffa::MemoryRegion& tx = m.memory_regions[m.tx_region];
    core.attach_partition_mailbox(h.core_index, reinterpret_cast<uint8_t*>(region_base(tx)),
                                  reinterpret_cast<uint8_t*>(region_base(rx)), rx.pages, region_base(tx),
                                  region_base(rx));
  }
  h.declared_rx = h.declared_tx = Hosted::Lendable{0, 0, false, false};
  if (m.rx_region >= 0) {
    const ffa::MemoryRegion& rx = m.memory_regions[m.rx_region];
    const ffa::MemoryRegion& tx = m.memory_regions[m.tx_region];
    h.declared_rx = Hosted::Lendable{region_base(rx), rx.pages, true, false};
    h.declared_tx = Hosted::Lendable{region_base(tx), tx.pages, true, false};
  }
  h.lendable_count = 0;
  for (unsigned i = 0; i < m.memory_region_count; ++i) {
    if (static_cast<int>(i) == m.rx_region || static_cast<int>(i) == m.tx_region) continue;
    const ffa::MemoryRegion& r = m.memory_regions[i];
    h.lendable[h.lendable_count++] = Hosted::Lendable{region_base(r), r.pages, (r.attributes & ffa::region_attr::write) != 0,
                                                      (r.attributes & ffa::region_attr::exec) != 0};
  }
  h.start = start;
  h.end = end;
  h.image_start = load;
  h.image_end = load + align_up(*img_size);
  ++g_hosted_count;
  lib::log::info("partition {:x} \"{}\" loaded at {:x} (S-EL0, ASID {})", id.raw(), m.description, load, asid);
  return true;
}

Hosted* hosted_by_id(const spmc::Core& core, ffa::EndpointId id) {
  for (unsigned i = 0; i < g_hosted_count; ++i)
    if (core.partition(g_hosted[i].core_index).info.id == id) return &g_hosted[i];
  return nullptr;
}

// Descriptor bits the permission calls read (stage 1, EL1&0 regime).
constexpr uint64_t kDescNs = 1ull << 5, kDescApEl0 = 1ull << 6, kDescApRo = 1ull << 7, kDescUxn = 1ull << 54;
constexpr uint64_t kDescAttrIndx = 7ull << 2;

// Whether every page of [va, va + size) is memory whose permissions the
// partition may change (FFA_MEM_PERM_GET/SET): its image or a declared
// region other than its RX/TX pair. Never memory others lent it (mapped
// at VA = PA outside its regions), its boot information, its devices or
// the trampoline. The core refuses its RX/TX pair and anything in a
// transaction as well.
bool own_for_perm(const Hosted& h, uint64_t va, uint64_t size) {
  for (uint64_t off = 0; off < size; off += kPage) {
    const uint64_t a = va + off;
    bool own = a >= h.image_start && a < h.image_end;
    for (unsigned i = 0; i < h.lendable_count && !own; ++i)
      own = a >= h.lendable[i].base && a - h.lendable[i].base < uint64_t{h.lendable[i].pages} * kPage;
    if (!own) return false;
  }
  return true;
}

const spmc::Core* g_core = nullptr;  // set by load_partitions

}  // namespace

ffa::Result<uint32_t> partition_mem_perm_get(ffa::EndpointId id, uint64_t va) {
  Hosted* h = g_core ? hosted_by_id(*g_core, id) : nullptr;
  if (!h || !own_for_perm(*h, va, kPage)) return ffa::Error::invalid_parameters;
  auto l = h->tables->lookup(va);
  if (!l || !(l->descriptor & kDescApEl0)) return ffa::Error::invalid_parameters;
  uint32_t perm = (l->descriptor & kDescApRo) ? 3 : 1;
  if (l->descriptor & kDescUxn) perm |= 1u << 2;
  return perm;
}

ffa::Status partition_mem_perm_set(ffa::EndpointId id, uint64_t va, uint32_t pages, uint32_t perm) {
  Hosted* h = g_core ? hosted_by_id(*g_core, id) : nullptr;
  if (!h) return ffa::Error::invalid_parameters;
  arch::mmu::PageTable& pt = *h->tables;
  // A partition's memory lies in the partition region: a larger count
  // names pages it cannot own, and would only make the checks below long.
  if (pages > (plat::kPartitionRegionEnd - plat::kPartitionRegionBase) / kPage) return ffa::Error::invalid_parameters;
  const uint64_t size = uint64_t{pages} * kPage;
  if (va + size < va) return ffa::Error::invalid_parameters;
  // Every page must be its own (image or declared region) and mapped as
  // EL0-accessible normal memory, page by page.
  if (!own_for_perm(*h, va, size)) return ffa::Error::invalid_parameters;
  for (uint64_t a = va; a < va + size; a += kPage) {
    auto l = pt.lookup(a);
    if (!l || !(l->descriptor & kDescApEl0) || l->level != 3 || (l->descriptor & kDescAttrIndx) != (1ull << 2))
      return ffa::Error::invalid_parameters;
  }
  // Break before make: unmap (with TLB maintenance), then map anew, in
  // the security state the page had (its own memory is secure; whatever
  // is non-secure stays so).
  for (uint64_t a = va; a < va + size; a += kPage) {
    const auto l = pt.lookup(a);
    const Attrs attrs{.type = MemType::normal,
                      .write = (perm & 3) == 1,
                      .exec = (perm & 4) == 0,
                      .user = true,
                      .ns = (l->descriptor & kDescNs) != 0};
    if (!pt.unmap(a, kPage) || !pt.map(a, l->pa, kPage, attrs)) return ffa::Error::no_memory;
  }
  return {};
}

ffa::Status partition_map_shared(ffa::EndpointId id, uint64_t pa, uint32_t pages, bool writable, bool ns) {
  Hosted* h = g_core ? hosted_by_id(*g_core, id) : nullptr;
  if (!h) return ffa::Error::invalid_parameters;
  // The page table refuses a page that is mapped already (the partition's
  // own memory, the trampoline): the core never asks for those.
  auto s = h->tables->map(pa, pa, uint64_t{pages} * kPage,
                          Attrs{.type = MemType::normal, .write = writable, .user = true, .ns = ns});
  // (A map that fails leaves nothing of the range behind.)
  if (!s) return s.error() == arch::mmu::MapError::no_tables ? ffa::Error::no_memory : ffa::Error::denied;
  return {};
}

void partition_unmap_shared(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
  Hosted* h = g_core ? hosted_by_id(*g_core, id) : nullptr;
  if (!h) return;
  // With TLB maintenance (the table's invalidate callback), for every ASID.
  if (!h->tables->unmap(pa, uint64_t{pages} * kPage))
    lib::log::error("partition {:x}: unmapping shared memory {:x} failed", id.raw(), pa);
  // Shares come and go at ever new addresses: their tables must come back.
  h->tables->release_empty_tables(pa, uint64_t{pages} * kPage);
}

namespace {
// The declared, lendable region of `h` that holds all of [pa, pa + pages).
// Whether [pa, pa + pages) lies inside region `r` (without computing an
// end that could wrap).
bool inside(const Hosted::Lendable& r, uint64_t pa, uint32_t pages) {
  const uint64_t size = uint64_t{pages} * kPage;
  return r.pages != 0 && pa >= r.base && size <= uint64_t{r.pages} * kPage && pa - r.base <= uint64_t{r.pages} * kPage - size;
}

const Hosted::Lendable* lendable_region(const Hosted& h, uint64_t pa, uint32_t pages) {
  for (unsigned i = 0; i < h.lendable_count; ++i)
    if (inside(h.lendable[i], pa, pages)) return &h.lendable[i];
  return nullptr;
}
}  // namespace

ffa::Result<uint8_t*> partition_buffer_pages(ffa::EndpointId id, uint64_t va, uint32_t pages) {
  Hosted* h = g_core ? hosted_by_id(*g_core, id) : nullptr;
  if (!h || pages == 0) return ffa::Error::invalid_parameters;
  // One of its declared regions, writable and never executable (its own
  // memory, at VA = PA), or its manifest's RX/TX regions.
  const Hosted::Lendable* r = lendable_region(*h, va, pages);
  const bool declared = inside(h->declared_rx, va, pages) || inside(h->declared_tx, va, pages);
  if (!declared && (!r || !r->writable || r->exec)) return ffa::Error::invalid_parameters;
  // And it holds every page now, as its manifest gave it: mapped at EL0,
  // read-write, never executable, secure (a page it lent away is not
  // mapped; MEM_PERM_SET may have made one read-only).
  for (uint64_t a = va; a < va + uint64_t{pages} * kPage; a += kPage) {
    auto l = h->tables->lookup(a);
    if (!l || l->level != 3 || !(l->descriptor & kDescApEl0) || (l->descriptor & kDescApRo) ||
        !(l->descriptor & kDescUxn) || (l->descriptor & kDescNs))
      return ffa::Error::invalid_parameters;
  }
  return reinterpret_cast<uint8_t*>(va);  // the trusted OS maps the partition region at VA = PA
}

ffa::Result<bool> partition_own_access(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
  Hosted* h = g_core ? hosted_by_id(*g_core, id) : nullptr;
  if (!h || pages == 0) return ffa::Error::invalid_parameters;
  const Hosted::Lendable* r = lendable_region(*h, pa, pages);
  if (!r || r->exec) return ffa::Error::invalid_parameters;
  // Every page as the partition holds it now (MEM_PERM_SET may have made
  // some read-only or executable; a lent page is not mapped at all).
  bool writable = true;
  for (uint64_t a = pa; a < pa + uint64_t{pages} * kPage; a += kPage) {
    auto l = h->tables->lookup(a);
    if (!l || !(l->descriptor & kDescApEl0) || !(l->descriptor & kDescUxn)) return ffa::Error::invalid_parameters;
    writable = writable && !(l->descriptor & kDescApRo);
  }
  return writable;
}

ffa::Status partition_revoke_own(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
  Hosted* h = g_core ? hosted_by_id(*g_core, id) : nullptr;
  if (!h || !lendable_region(*h, pa, pages)) return ffa::Error::invalid_parameters;
  if (!h->tables->unmap(pa, uint64_t{pages} * kPage)) return ffa::Error::no_memory;
  return {};
}

void partition_restore_own(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
  Hosted* h = g_core ? hosted_by_id(*g_core, id) : nullptr;
  const Hosted::Lendable* r = h ? lendable_region(*h, pa, pages) : nullptr;
  if (!r) return;
  auto s = h->tables->map(pa, pa, uint64_t{pages} * kPage,
                          Attrs{.type = MemType::normal, .write = r->writable, .user = true});
  if (!s) lib::log::error("partition {:x}: giving back its memory {:x} failed", id.raw(), pa);
}

unsigned load_partitions(const ffa::CoreManifest& manifest, spmc::Core& core) {
  g_core = &core;
  unsigned loaded = 0;
  for (unsigned i = 0; i < manifest.package_count; ++i) loaded += load_one(i, manifest.packages[i], core) ? 1 : 0;
  return loaded;
}

spmc::Outcome run_partitions(spmc::Core& core, spmc::Outcome outcome, ffa::Regs& out) {
  while (outcome == spmc::Outcome::run_partition || outcome == spmc::Outcome::resume_partition) {
    const size_t index = core.scheduled();
    Hosted* h = hosted_for(index);
    if (!h) {  // cannot happen: the core schedules only partitions we added
      outcome = core.sp_aborted(index, out);
      continue;
    }
    if (outcome == spmc::Outcome::run_partition) {
      for (unsigned i = 0; i < 18; ++i) h->ctx.x[i] = out.x[i];
      if (!h->started) {
        // First entry: x0-x3 as the boot information protocol says.
        for (unsigned i = 0; i < 4; ++i) h->ctx.x[i] = h->boot_x[i];
        h->started = true;
      }
    }
    // IRQ (secure interrupts) unmasked; FIQ (normal-world interrupts, as
    // the secure state sees them) only where the core signals them.
    h->ctx.spsr = core.ns_interrupts_unmasked(index) ? 0 : kSpsrFiqMask;
    const uint64_t kind = sel1_el0_run(&h->ctx);
    if (kind == EL0_TRAP_SYNC && (h->ctx.esr >> 26) == kEcSvc64) {
      ffa::Regs in;
      for (unsigned i = 0; i < 18; ++i) in.x[i] = h->ctx.x[i];
      outcome = core.handle_sp_call(index, in, out);
    } else if (kind == EL0_TRAP_FIQ) {
      // A normal-world interrupt: the core preempts the partition and the
      // normal world gets FFA_INTERRUPT (its interrupt is taken there).
      outcome = core.sp_interrupted(index, out);
    } else if (kind == EL0_TRAP_IRQ) {
      // A secure interrupt: its top half, then the partition carries on.
      outcome = core.sp_secure_interrupted(index);
    } else {
      lib::log::error("partition {:x} faulted: ESR {:x} ELR {:x} FAR {:x}; it is stopped for good",
                      core.partition(index).info.id.raw(), h->ctx.esr, h->ctx.elr, h->ctx.far);
      outcome = core.sp_aborted(index, out);
    }
  }
  return outcome;
}

}  // namespace sel1
