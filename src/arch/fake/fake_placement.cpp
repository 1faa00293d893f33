#include "arch/fake/fake_placement.h"

namespace fake {

FakePlacement::FakePlacement(uint64_t ns_base, uint64_t ns_size) : base_(ns_base), memory_(ns_size) {}

ffa::Result<uint8_t*> FakePlacement::map_ns_pages(uint64_t pa, uint32_t pages) {
  if (fail_next_map_) {
    fail_next_map_ = false;
    return ffa::Error::no_memory;
  }
  if (!is_ns_memory(pa, uint64_t{pages} * spmc::kPageSize)) return ffa::Error::invalid_parameters;
  pages_mapped_ += pages;
  return ns_memory(pa);
}

void FakePlacement::unmap_ns_pages(uint64_t, uint8_t*, uint32_t pages) { pages_mapped_ -= pages; }

bool FakePlacement::is_ns_memory(uint64_t pa, uint64_t size) const {
  return pa >= base_ && size <= memory_.size() && pa - base_ <= memory_.size() - size;
}

}  // namespace fake
