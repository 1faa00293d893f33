// An S-EL0 partition's address space: its stage-1 tables (the EL1&0
// regime under an S-EL1 SPMC, the EL2&0 regime with VHE under an S-EL2
// one: their descriptors are the same), what its manifest lets it own,
// and the memory calls the core makes on its behalf (FFA_MEM_PERM_GET/SET,
// memory shared with it, memory it lends). Both placements that host
// S-EL0 partitions use it (sel1/hosted_partitions.h, sel2/hosted_el0.h);
// it is plain computation on the tables, unit tested on the host.
//
// Everything lies at VA = PA: a partition's own memory in the partition
// region, memory shared with it wherever its owner has it.
#pragma once

#include <cstdint>
#include <optional>

#include "arch/aarch64/pgtable.h"
#include "ffa/partition_manifest.h"
#include "ffa/error.h"
#include "spmc/partition_plan.h"

namespace arch::el0 {

struct El0AddressSpace {
  std::optional<arch::mmu::PageTable> tables;
  uint64_t image_start = 0, image_end = 0;  // its image (FFA_MEM_PERM_GET/SET may change it)
  // Its declared memory regions but the RX/TX pair: what it may lend.
  struct Region {
    uint64_t base;
    uint32_t pages;
    bool writable, exec;
  } lendable[ffa::PartitionManifest::kMaxMemoryRegions] = {};
  unsigned lendable_count = 0;
  // The rx_tx-buffer regions its manifest declares (pages 0: none): they
  // may be mapped again with FFA_RXTX_MAP after an FFA_RXTX_UNMAP.
  Region declared_rx{}, declared_tx{};

  // Records what the manifest `m`, laid out as `l`, gives it.
  void describe(const ffa::PartitionManifest& m, const spmc::loading::Layout& l);

  // FFA_MEM_PERM_GET/SET on its own pages (never the trampoline or
  // anything else it cannot reach from EL0).
  ffa::Result<uint32_t> mem_perm_get(uint64_t va) const;
  ffa::Status mem_perm_set(uint64_t va, uint32_t pages, uint32_t perm);
  // Memory shared with it (normal-world memory non-secure, another
  // partition's secure). unmap_shared: false when the range was not
  // (wholly) mapped.
  ffa::Status map_shared(uint64_t pa, uint32_t pages, bool writable, bool ns);
  bool unmap_shared(uint64_t pa, uint32_t pages);
  // FFA_RXTX_MAP: [va, va + pages) must be a declared region it holds
  // now, read-write and never executable.
  ffa::Result<uint8_t*> buffer_pages(uint64_t va, uint32_t pages) const;
  // It lends its own memory: whether the pages are its to give (and
  // writable), taking its access away and giving it back.
  ffa::Result<bool> own_access(uint64_t pa, uint32_t pages) const;
  ffa::Status revoke_own(uint64_t pa, uint32_t pages);
  bool restore_own(uint64_t pa, uint32_t pages);

 private:
  const Region* lendable_region(uint64_t pa, uint32_t pages) const;
  bool own_for_perm(uint64_t va, uint64_t size) const;
};

// Maps partition `m`, laid out as `l`, into `pt`: its declared regions
// with their attributes; the rest of its image as code and constants
// (read-only, executable, never writable); its devices, its boot
// information, and the placement's trampoline page (`trampoline`: the
// exception vectors and the way back, executable by the SPMC alone; 0:
// none). False (each failure logged) when a map failed.
bool map_el0_partition(const ffa::PartitionManifest& m, const spmc::loading::Layout& l, arch::mmu::PageTable& pt,
                       uint64_t trampoline);

}  // namespace arch::el0
