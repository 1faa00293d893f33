// The SPMC core's placement on the host: "physical" normal-world memory is
// a plain array, mapping hands out pointers into it and counts what is
// mapped, so tests can check that nothing stays mapped by mistake.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "spmc/placement.h"

namespace fake {

class FakePlacement : public spmc::Placement {
 public:
  // Normal-world memory at [ns_base, ns_base + ns_size).
  FakePlacement(uint64_t ns_base = 0x40000000, uint64_t ns_size = 1ull << 20);

  ffa::Result<uint8_t*> map_ns_pages(uint64_t pa, uint32_t pages) override;
  void unmap_ns_pages(uint64_t pa, uint8_t* va, uint32_t pages) override;
  bool is_ns_memory(uint64_t pa, uint64_t size) const override;

  // Test controls and observations.
  uint8_t* ns_memory(uint64_t pa) { return memory_.data() + (pa - base_); }
  uint64_t pages_mapped() const { return pages_mapped_; }
  void fail_next_map() { fail_next_map_ = true; }

 private:
  uint64_t base_;
  std::vector<uint8_t> memory_;
  uint64_t pages_mapped_ = 0;
  bool fail_next_map_ = false;
};

}  // namespace fake
