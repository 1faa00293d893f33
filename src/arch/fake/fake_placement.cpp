#include "arch/fake/fake_placement.h"

namespace fake {

using spmc::kPageSize;

FakePlacement::FakePlacement(uint64_t ns_base, uint64_t ns_size)
    : base_(ns_base), memory_(ns_size), secure_(kSecureSize) {}

ffa::Result<uint8_t*> FakePlacement::map_ns_pages(uint64_t pa, uint32_t pages) {
  if (fail_next_map_) {
    fail_next_map_ = false;
    return ffa::Error::no_memory;
  }
  if (!is_ns_memory(pa, uint64_t{pages} * kPageSize)) return ffa::Error::invalid_parameters;
  for (const auto& [where, page] : pages_)
    if (page.ns && where.second >= pa && where.second - pa < uint64_t{pages} * kPageSize) {
      ++ns_maps_while_borrowed_;
      break;
    }
  pages_mapped_ += pages;
  return ns_memory(pa);
}

void FakePlacement::unmap_ns_pages(uint64_t, uint8_t*, uint32_t pages) { pages_mapped_ -= pages; }

bool FakePlacement::is_ns_memory(uint64_t pa, uint64_t size) const {
  return pa >= base_ && size <= memory_.size() && pa - base_ <= memory_.size() - size;
}

ffa::Status FakePlacement::partition_map_shared(ffa::EndpointId id, uint64_t pa, uint32_t pages, bool writable,
                                                bool ns) {
  if (fail_next_map_) {
    fail_next_map_ = false;
    return ffa::Error::no_memory;
  }
  // Like a page table: a page mapped already cannot be mapped again.
  for (uint32_t i = 0; i < pages; ++i)
    if (pages_.count({id.raw(), pa + i * kPageSize})) return ffa::Error::denied;
  for (uint32_t i = 0; i < pages; ++i) pages_[{id.raw(), pa + i * kPageSize}] = Page{writable, ns, false, false};
  return {};
}

void FakePlacement::partition_unmap_shared(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
  for (uint32_t i = 0; i < pages; ++i) pages_.erase({id.raw(), pa + i * kPageSize});
}

void FakePlacement::give_partition_memory(ffa::EndpointId id, uint64_t pa, uint32_t pages, bool writable) {
  own_.push_back(OwnRegion{id.raw(), pa, pages, writable});
  for (uint32_t i = 0; i < pages; ++i) pages_[{id.raw(), pa + i * kPageSize}] = Page{writable, false, true, false};
}

void FakePlacement::give_partition_image(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
  for (uint32_t i = 0; i < pages; ++i) pages_[{id.raw(), pa + i * kPageSize}] = Page{false, false, true, true};
}

void FakePlacement::give_partition_buffers(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
  for (uint32_t i = 0; i < pages; ++i) pages_[{id.raw(), pa + i * kPageSize}] = Page{true, false, true, false};
}

const FakePlacement::OwnRegion* FakePlacement::own_region(ffa::EndpointId id, uint64_t pa, uint32_t pages) const {
  const uint64_t size = uint64_t{pages} * kPageSize;
  for (const OwnRegion& r : own_)
    if (r.id == id.raw() && pa >= r.base && size <= uint64_t{r.pages} * kPageSize &&
        pa - r.base <= uint64_t{r.pages} * kPageSize - size)
      return &r;
  return nullptr;
}

ffa::Result<bool> FakePlacement::partition_own_access(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
  if (!own_region(id, pa, pages) || pages == 0) return ffa::Error::invalid_parameters;
  // As it holds each page now (FFA_MEM_PERM_SET may have made some
  // read-only or executable; executable memory is never lent).
  bool writable = true;
  for (uint32_t i = 0; i < pages; ++i) {
    const Page* p = page(id, pa + i * kPageSize);
    if (!p || !p->own || p->exec) return ffa::Error::invalid_parameters;
    writable = writable && p->writable;
  }
  return writable;
}

ffa::Status FakePlacement::partition_revoke_own(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
  if (!own_region(id, pa, pages)) return ffa::Error::invalid_parameters;
  for (uint32_t i = 0; i < pages; ++i) pages_.erase({id.raw(), pa + i * kPageSize});
  return {};
}

void FakePlacement::partition_restore_own(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
  const OwnRegion* r = own_region(id, pa, pages);
  if (!r) return;
  for (uint32_t i = 0; i < pages; ++i) pages_[{id.raw(), pa + i * kPageSize}] = Page{r->writable, false, true, false};
}

ffa::Result<uint32_t> FakePlacement::partition_mem_perm_get(ffa::EndpointId id, uint64_t va) {
  const Page* p = page(id, va);
  if (!p) return ffa::Error::invalid_parameters;
  return (p->writable ? 1u : 3u) | (p->exec ? 0u : 4u);
}

ffa::Status FakePlacement::partition_mem_perm_set(ffa::EndpointId id, uint64_t va, uint32_t pages, uint32_t perm) {
  // Every page mapped first (the walk ends at the first hole, so a huge
  // count costs no more than the pages the partition has).
  for (uint64_t i = 0; i < pages; ++i)
    if (!page(id, va + i * kPageSize)) return ffa::Error::invalid_parameters;
  for (uint64_t i = 0; i < pages; ++i) {
    Page& p = pages_.at({id.raw(), va + i * kPageSize});
    p.writable = (perm & 3) == 1;
    p.exec = (perm & 4) == 0;
  }
  return {};
}

ffa::Result<uint8_t*> FakePlacement::partition_buffer_pages(ffa::EndpointId id, uint64_t va, uint32_t pages) {
  if (pages == 0) return ffa::Error::invalid_parameters;
  for (uint32_t i = 0; i < pages; ++i) {
    const Page* p = page(id, va + i * kPageSize);
    if (!p || !p->own || !p->writable || p->exec || p->ns) return ffa::Error::invalid_parameters;
  }
  return partition_memory(va, pages);
}

ffa::Result<uint8_t*> FakePlacement::partition_memory(uint64_t pa, uint32_t pages) {
  const uint64_t size = uint64_t{pages} * kPageSize;
  if (pa < kSecureBase || size > kSecureSize || pa - kSecureBase > kSecureSize - size)
    return ffa::Error::invalid_parameters;
  return secure_memory(pa);
}

const FakePlacement::Page* FakePlacement::page(ffa::EndpointId id, uint64_t pa) const {
  auto it = pages_.find({id.raw(), pa});
  return it == pages_.end() ? nullptr : &it->second;
}

size_t FakePlacement::borrowed_pages() const {
  size_t n = 0;
  for (const auto& [key, p] : pages_) n += p.own ? 0 : 1;
  return n;
}

}  // namespace fake
