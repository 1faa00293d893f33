#include "arch/aarch64/el0_address_space.h"

#include "lib/log.h"
#include "plat/qemu_virt/memory_map.h"

namespace arch::el0 {
namespace {

using arch::mmu::Attrs;
using arch::mmu::MemType;
using spmc::loading::kPartitionPage;
constexpr uint64_t kPage = kPartitionPage;

// Descriptor bits the permission calls read (stage 1, EL1&0 or EL2&0).
constexpr uint64_t kDescNs = 1ull << 5, kDescApEl0 = 1ull << 6, kDescApRo = 1ull << 7, kDescUxn = 1ull << 54;
constexpr uint64_t kDescAttrIndx = 7ull << 2;

// Whether [pa, pa + pages) lies inside region `r` (without computing an
// end that could wrap).
bool inside(const El0AddressSpace::Region& r, uint64_t pa, uint32_t pages) {
  const uint64_t size = uint64_t{pages} * kPage;
  return r.pages != 0 && pa >= r.base && size <= uint64_t{r.pages} * kPage &&
         pa - r.base <= uint64_t{r.pages} * kPage - size;
}

}  // namespace

void El0AddressSpace::describe(const ffa::PartitionManifest& m, const spmc::loading::Layout& l) {
  declared_rx = declared_tx = Region{0, 0, false, false};
  if (m.rx_region >= 0) {
    const ffa::MemoryRegion& rx = m.memory_regions[m.rx_region];
    const ffa::MemoryRegion& tx = m.memory_regions[m.tx_region];
    declared_rx = Region{spmc::loading::region_base(m, rx), rx.pages, true, false};
    declared_tx = Region{spmc::loading::region_base(m, tx), tx.pages, true, false};
  }
  lendable_count = 0;
  for (unsigned i = 0; i < m.memory_region_count; ++i) {
    if (static_cast<int>(i) == m.rx_region || static_cast<int>(i) == m.tx_region) continue;
    const ffa::MemoryRegion& r = m.memory_regions[i];
    lendable[lendable_count++] = Region{spmc::loading::region_base(m, r), r.pages,
                                        (r.attributes & ffa::region_attr::write) != 0,
                                        (r.attributes & ffa::region_attr::exec) != 0};
  }
  image_start = l.load;
  image_end = l.image_end;
}

// Whether every page of [va, va + size) is memory whose permissions the
// partition may change (FFA_MEM_PERM_GET/SET): its image or a declared
// region other than its RX/TX pair. Never memory others lent it (mapped
// at VA = PA outside its regions), its boot information, its devices or
// the trampoline. The core refuses its RX/TX pair and anything in a
// transaction as well.
bool El0AddressSpace::own_for_perm(uint64_t va, uint64_t size) const {
  for (uint64_t off = 0; off < size; off += kPage) {
    const uint64_t a = va + off;
    bool own = a >= image_start && a < image_end;
    for (unsigned i = 0; i < lendable_count && !own; ++i)
      own = a >= lendable[i].base && a - lendable[i].base < uint64_t{lendable[i].pages} * kPage;
    if (!own) return false;
  }
  return true;
}

const El0AddressSpace::Region* El0AddressSpace::lendable_region(uint64_t pa, uint32_t pages) const {
  for (unsigned i = 0; i < lendable_count; ++i)
    if (inside(lendable[i], pa, pages)) return &lendable[i];
  return nullptr;
}

ffa::Result<uint32_t> El0AddressSpace::mem_perm_get(uint64_t va) const {
  if (!own_for_perm(va, kPage)) return ffa::Error::invalid_parameters;
  auto l = tables->lookup(va);
  if (!l || !(l->descriptor & kDescApEl0)) return ffa::Error::invalid_parameters;
  uint32_t perm = (l->descriptor & kDescApRo) ? 3 : 1;
  if (l->descriptor & kDescUxn) perm |= 1u << 2;
  return perm;
}

ffa::Status El0AddressSpace::mem_perm_set(uint64_t va, uint32_t pages, uint32_t perm) {
  arch::mmu::PageTable& pt = *tables;
  // A partition's memory lies in the partition region: a larger count
  // names pages it cannot own, and would only make the checks below long.
  if (pages > (plat::kPartitionRegionEnd - plat::kPartitionRegionBase) / kPage) return ffa::Error::invalid_parameters;
  const uint64_t size = uint64_t{pages} * kPage;
  if (va + size < va) return ffa::Error::invalid_parameters;
  // Every page must be its own (image or declared region) and mapped as
  // EL0-accessible normal memory, page by page.
  if (!own_for_perm(va, size)) return ffa::Error::invalid_parameters;
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

ffa::Status El0AddressSpace::map_shared(uint64_t pa, uint32_t pages, bool writable, bool ns) {
  // The page table refuses a page that is mapped already (the partition's
  // own memory, the trampoline): the core never asks for those.
  auto s = tables->map(pa, pa, uint64_t{pages} * kPage,
                       Attrs{.type = MemType::normal, .write = writable, .user = true, .ns = ns});
  // (A map that fails leaves nothing of the range behind.)
  if (!s) return s.error() == arch::mmu::MapError::no_tables ? ffa::Error::no_memory : ffa::Error::denied;
  return {};
}

bool El0AddressSpace::unmap_shared(uint64_t pa, uint32_t pages) {
  // With TLB maintenance (the table's invalidate callback).
  const bool ok = tables->unmap(pa, uint64_t{pages} * kPage).ok();
  // Shares come and go at ever new addresses: their tables must come back.
  tables->release_empty_tables(pa, uint64_t{pages} * kPage);
  return ok;
}

ffa::Result<uint8_t*> El0AddressSpace::buffer_pages(uint64_t va, uint32_t pages) const {
  if (pages == 0) return ffa::Error::invalid_parameters;
  // One of its declared regions, writable and never executable (its own
  // memory, at VA = PA), or its manifest's RX/TX regions.
  const Region* r = lendable_region(va, pages);
  const bool declared = inside(declared_rx, va, pages) || inside(declared_tx, va, pages);
  if (!declared && (!r || !r->writable || r->exec)) return ffa::Error::invalid_parameters;
  // And it holds every page now, as its manifest gave it: mapped at EL0,
  // read-write, never executable, secure (a page it lent away is not
  // mapped; MEM_PERM_SET may have made one read-only).
  for (uint64_t a = va; a < va + uint64_t{pages} * kPage; a += kPage) {
    auto l = tables->lookup(a);
    if (!l || l->level != 3 || !(l->descriptor & kDescApEl0) || (l->descriptor & kDescApRo) ||
        !(l->descriptor & kDescUxn) || (l->descriptor & kDescNs))
      return ffa::Error::invalid_parameters;
  }
  return reinterpret_cast<uint8_t*>(va);  // the SPMC maps the partition region at VA = PA
}

ffa::Result<bool> El0AddressSpace::own_access(uint64_t pa, uint32_t pages) const {
  if (pages == 0) return ffa::Error::invalid_parameters;
  const Region* r = lendable_region(pa, pages);
  if (!r || r->exec) return ffa::Error::invalid_parameters;
  // Every page as the partition holds it now (MEM_PERM_SET may have made
  // some read-only or executable; a lent page is not mapped at all).
  bool writable = true;
  for (uint64_t a = pa; a < pa + uint64_t{pages} * kPage; a += kPage) {
    auto l = tables->lookup(a);
    if (!l || !(l->descriptor & kDescApEl0) || !(l->descriptor & kDescUxn)) return ffa::Error::invalid_parameters;
    writable = writable && !(l->descriptor & kDescApRo);
  }
  return writable;
}

ffa::Status El0AddressSpace::revoke_own(uint64_t pa, uint32_t pages) {
  if (!lendable_region(pa, pages)) return ffa::Error::invalid_parameters;
  if (!tables->unmap(pa, uint64_t{pages} * kPage)) return ffa::Error::no_memory;
  return {};
}

bool El0AddressSpace::restore_own(uint64_t pa, uint32_t pages) {
  const Region* r = lendable_region(pa, pages);
  if (!r) return false;
  return tables
      ->map(pa, pa, uint64_t{pages} * kPage, Attrs{.type = MemType::normal, .write = r->writable, .user = true})
      .ok();
}

bool map_el0_partition(const ffa::PartitionManifest& m, const spmc::loading::Layout& l, arch::mmu::PageTable& pt,
                       uint64_t trampoline) {
  using spmc::loading::region_base;
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
      const uint64_t b = region_base(m, m.memory_regions[i]);
      if (page >= b && page < b + uint64_t{m.memory_regions[i].pages} * kPage) return true;
    }
    return false;
  };
  for (unsigned i = 0; i < m.memory_region_count && ok; ++i) {
    const ffa::MemoryRegion& r = m.memory_regions[i];
    map(region_base(m, r), uint64_t{r.pages} * kPage,
        Attrs{.type = MemType::normal,
              .write = (r.attributes & ffa::region_attr::write) != 0,
              .exec = (r.attributes & ffa::region_attr::exec) != 0,
              .user = true});
  }
  for (uint64_t page = l.load; page < l.image_end && ok; page += kPage)
    if (!covered(page)) map(page, kPage, Attrs{.type = MemType::normal, .exec = true, .user = true});
  for (unsigned i = 0; i < m.device_region_count && ok; ++i) {
    const ffa::DeviceRegion& d = m.device_regions[i];
    map(d.base, uint64_t{d.pages} * kPage,
        Attrs{.type = MemType::device, .write = (d.attributes & ffa::region_attr::write) != 0, .user = true});
  }
  if (l.boot_info && ok) map(l.boot_info, l.boot_info_pages * kPage, Attrs{.type = MemType::normal, .user = true});
  // The trampoline: the one page of the SPMC a partition's tables hold,
  // executable by the SPMC only; not global, as nothing of the SPMC's is
  // (its own mapping of the page is under ASID 0, this one under the
  // partition's: never two TLB entries for one VA and ASID).
  if (trampoline && ok) map(trampoline, kPage, Attrs{.type = MemType::normal, .exec = true, .global = false});
  if (!ok) lib::log::error("partition \"{}\": not started", m.description);
  return ok;
}

}  // namespace arch::el0
