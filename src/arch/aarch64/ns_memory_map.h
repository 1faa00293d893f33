// Normal-world memory in a secure placement's own stage-1 tables: what the
// S-EL1 and S-EL2 placements of the SPMC core do for map_ns_pages and its
// kin (spmc/placement.h). One range maps at VA = PA (normal-world
// addresses never collide with the secure RAM the secure world runs from,
// and errors are easier to read); several ranges map back to back in one
// of a few 1 MiB windows far above anything mapped at VA = PA.
#pragma once

#include <cstdint>

#include "arch/aarch64/pgtable.h"
#include "ffa/core_manifest.h"
#include "ffa/error.h"
#include "ffa/mem_transaction.h"

namespace arch {

class NsMemoryMap {
 public:
  NsMemoryMap(mmu::PageTable& tables, const ffa::CoreManifest& manifest) : tables_(tables), manifest_(manifest) {}

  // NO_MEMORY when out of tables or windows; INVALID_PARAMETERS when
  // (part of) the range is mapped already.
  ffa::Result<uint8_t*> map_pages(uint64_t pa, uint32_t pages);
  void unmap_pages(uint64_t pa, uint32_t pages);
  ffa::Result<uint8_t*> map_ranges(const ffa::MemConstituent* ranges, unsigned count);
  void unmap_ranges(const ffa::MemConstituent* ranges, unsigned count, uint8_t* va);
  // [pa, pa + size) lies wholly in one of the manifest's ns-memory ranges.
  bool contains(uint64_t pa, uint64_t size) const;

 private:
  // Never global (EL1&0 regime): partitions map normal-world pages at the
  // same VAs under their own ASIDs, and must never hit the SPMC's (ASID 0)
  // entries. Single-range regimes (EL2) ignore it.
  static constexpr mmu::Attrs kNsData{
      .type = mmu::MemType::normal, .write = true, .exec = false, .ns = true, .global = false};
  static constexpr uint64_t kWindowBase = 0x40'0000'0000, kWindowSize = 1 << 20;
  static constexpr unsigned kWindows = 32;
  static constexpr uint64_t kPage = 4096;

  mmu::PageTable& tables_;
  const ffa::CoreManifest& manifest_;
  uint32_t windows_used_ = 0;  // a bit per window
};

}  // namespace arch
