#include "arch/aarch64/ns_memory_map.h"

#include "lib/log.h"

namespace arch {

ffa::Result<uint8_t*> NsMemoryMap::map_pages(uint64_t pa, uint32_t pages) {
  auto s = tables_.map(pa, pa, uint64_t{pages} * kPage, kNsData);
  if (!s) {
    // The normal world causes this at will (offering pages that are mapped
    // already, again and again): rate limited.
    static constinit lib::log::RateLimit limit;
    lib::log::warn_limited(limit, "cannot map NS pages {:x} (+{}): {}", pa, pages, mmu::to_string(s.error()));
    return s.error() == mmu::MapError::no_tables ? ffa::Error::no_memory : ffa::Error::invalid_parameters;
  }
  return reinterpret_cast<uint8_t*>(pa);
}

void NsMemoryMap::unmap_pages(uint64_t pa, uint32_t pages) {
  auto s = tables_.unmap(pa, uint64_t{pages} * kPage);
  if (!s) lib::log::error("unmap of NS pages {:x} failed: {}", pa, mmu::to_string(s.error()));
  tables_.release_empty_tables(pa, uint64_t{pages} * kPage);
}

ffa::Result<uint8_t*> NsMemoryMap::map_ranges(const ffa::MemConstituent* ranges, unsigned count) {
  if (count == 1) return map_pages(ranges[0].address, ranges[0].pages);
  uint64_t size = 0;
  for (unsigned i = 0; i < count; ++i) size += uint64_t{ranges[i].pages} * kPage;
  unsigned w = 0;
  while (w < kWindows && (windows_used_ & (1u << w))) ++w;
  if (w == kWindows || size > kWindowSize || count == 0) return ffa::Error::no_memory;
  const uint64_t base = kWindowBase + w * kWindowSize;
  uint64_t va = base;
  for (unsigned i = 0; i < count; ++i) {
    const uint64_t bytes = uint64_t{ranges[i].pages} * kPage;
    if (!tables_.map(va, ranges[i].address, bytes, kNsData)) {
      if (va > base) {
        (void)tables_.unmap(base, va - base);
        tables_.release_empty_tables(base, va - base);
      }
      return ffa::Error::no_memory;
    }
    va += bytes;
  }
  windows_used_ |= 1u << w;
  return reinterpret_cast<uint8_t*>(base);
}

void NsMemoryMap::unmap_ranges(const ffa::MemConstituent* ranges, unsigned count, uint8_t* va) {
  if (count == 1) return unmap_pages(ranges[0].address, ranges[0].pages);
  uint64_t size = 0;
  for (unsigned i = 0; i < count; ++i) size += uint64_t{ranges[i].pages} * kPage;
  const uint64_t base = reinterpret_cast<uint64_t>(va);
  if (base < kWindowBase || base >= kWindowBase + kWindows * kWindowSize) return;
  if (!tables_.unmap(base, size)) lib::log::error("unmap of NS window {:x} failed", base);
  tables_.release_empty_tables(base, size);
  windows_used_ &= ~(1u << ((base - kWindowBase) / kWindowSize));
}

bool NsMemoryMap::contains(uint64_t pa, uint64_t size) const {
  if (pa + size < pa) return false;
  for (unsigned i = 0; i < manifest_.ns_memory_count; ++i) {
    const ffa::MemRange& r = manifest_.ns_memory[i];
    if (pa >= r.base && pa + size <= r.base + r.size) return true;
  }
  return false;
}

}  // namespace arch
