// The S-EL0 partitions the trusted OS hosts (placement A): their records
// (context, translation tables, what they own) and the SPMC core they are
// registered with, the runtime services the placement offers the core on
// their behalf, and the run loop. partition_loader.cpp fills the records.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "arch/aarch64/el0_address_space.h"
#include "arch/aarch64/pgtable.h"
#include "ffa/partition_manifest.h"
#include "ffa/regs.h"
#include "spmc/partition_plan.h"
#include "sel1/sp_context.h"
#include "spmc/core.h"

namespace sel1 {

using spmc::loading::kPartitionPage;
using spmc::loading::Span;

// SPSR for EL0t: IRQ (secure interrupts) unmasked, so that one stops the
// partition and its top half runs; FIQ (normal-world interrupts) masked
// unless the partition's manifest has them signalled. A masked interrupt
// waits until the secure world returns (FF-A's "queued").
inline constexpr uint64_t kSpsrFiqMask = 1u << 6;

struct HostedPartition {
  SpContext ctx;
  bool started;         // first entry done
  uint64_t boot_x[4];   // x0-x3 at the first entry (boot information)
  // Its tables and what it owns (FFA_MEM_PERM_*, sharing, lending).
  arch::el0::El0AddressSpace space;
  size_t core_index;
};

class HostedPartitions {
 public:
  static constexpr unsigned kMax = 8;

  explicit HostedPartitions(spmc::Core& core) : core_(core) {}
  HostedPartitions(const HostedPartitions&) = delete;
  HostedPartitions& operator=(const HostedPartitions&) = delete;

  spmc::Core& core() const { return core_; }

  // Loading (partition_loader.cpp): how many are hosted, the memory each
  // owns (for overlap checks), the record the next one fills, and adding
  // it once the core registered it at `core_index` with `memory`.
  unsigned count() const { return count_; }
  bool full() const { return count_ == kMax; }
  std::span<const Span> memory() const { return {memory_, count_}; }
  HostedPartition& next() { return records_[count_]; }
  void add_next(size_t core_index, Span memory);

  // FFA_MEM_PERM_GET/SET on partition `id`'s own pages (never the
  // trampoline or anything else it cannot reach from EL0).
  ffa::Result<uint32_t> mem_perm_get(ffa::EndpointId id, uint64_t va);
  ffa::Status mem_perm_set(ffa::EndpointId id, uint64_t va, uint32_t pages, uint32_t perm);

  // Memory shared with partition `id`, mapped at VA = PA (normal-world
  // memory non-secure, another partition's secure).
  ffa::Status map_shared(ffa::EndpointId id, uint64_t pa, uint32_t pages, bool writable, bool ns);
  void unmap_shared(ffa::EndpointId id, uint64_t pa, uint32_t pages);
  // A partition lending its own memory: whether the pages are its to give
  // (and writable), taking its access away and giving it back.
  ffa::Result<bool> own_access(ffa::EndpointId id, uint64_t pa, uint32_t pages);
  ffa::Result<uint8_t*> buffer_pages(ffa::EndpointId id, uint64_t va, uint32_t pages);
  ffa::Status revoke_own(ffa::EndpointId id, uint64_t pa, uint32_t pages);
  void restore_own(ffa::EndpointId id, uint64_t pa, uint32_t pages);

  // Carries out run_partition outcomes until the core says where the
  // answer goes (reply_to_caller) or that boot is over (boot_done).
  spmc::Outcome run(spmc::Outcome outcome, ffa::Regs& out);

 private:
  HostedPartition* by_id(ffa::EndpointId id);
  HostedPartition* by_core_index(size_t core_index);

  spmc::Core& core_;
  HostedPartition records_[kMax] = {};
  Span memory_[kMax] = {};  // each record's memory, boot information included
  unsigned count_ = 0;
  // The core's partition index -> our record (the run loop's lookup).
  HostedPartition* by_core_index_[spmc::kMaxPartitions] = {};
};

}  // namespace sel1
