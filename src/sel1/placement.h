// The S-EL1 placement of the SPMC core (placement A): the trusted OS's own
// stage-1 tables hold the normal world's RX/TX buffers while they are mapped.
#pragma once

#include "arch/aarch64/ns_memory_map.h"
#include "arch/aarch64/pgtable.h"
#include "arch/aarch64/zero_memory.h"
#include "ffa/core_manifest.h"
#include "spmc/partition_console.h"
#include "spmc/placement.h"

namespace sel1 {

class HostedPartitions;

class Sel1Placement final : public spmc::Placement {
 public:
  Sel1Placement(arch::mmu::PageTable& tables, const ffa::CoreManifest& manifest)
      : ns_(tables, manifest) {}

  // The S-EL0 partitions it hosts (built once the core is): the
  // partition_* calls below act on them.
  void attach_partitions(HostedPartitions& partitions) { partitions_ = &partitions; }

  ffa::Result<uint8_t*> map_ns_pages(uint64_t pa, uint32_t pages) override;
  void unmap_ns_pages(uint64_t pa, uint8_t* va, uint32_t pages) override;
  ffa::Result<uint8_t*> map_ns_ranges(const ffa::MemConstituent* ranges, unsigned count) override;
  void unmap_ns_ranges(const ffa::MemConstituent* ranges, unsigned count, uint8_t* va) override;
  bool is_ns_memory(uint64_t pa, uint64_t size) const override;
  void partition_log(ffa::EndpointId id, const char* chars, size_t len) override;
  ffa::Result<uint32_t> partition_mem_perm_get(ffa::EndpointId id, uint64_t va) override;
  ffa::Status partition_mem_perm_set(ffa::EndpointId id, uint64_t va, uint32_t pages, uint32_t perm) override;
  ffa::Status partition_map_shared(ffa::EndpointId id, uint64_t pa, uint32_t pages, bool writable, bool ns) override;
  void partition_unmap_shared(ffa::EndpointId id, uint64_t pa, uint32_t pages) override;
  ffa::Result<bool> partition_own_access(ffa::EndpointId id, uint64_t pa, uint32_t pages) override;
  ffa::Status partition_revoke_own(ffa::EndpointId id, uint64_t pa, uint32_t pages) override;
  void partition_restore_own(ffa::EndpointId id, uint64_t pa, uint32_t pages) override;
  ffa::Result<uint8_t*> partition_memory(uint64_t pa, uint32_t pages) override;
  void zero_memory(uint8_t* va, uint64_t bytes) override { arch::zero_to_point_of_coherency(va, bytes); }
  ffa::Result<uint8_t*> partition_buffer_pages(ffa::EndpointId id, uint64_t va, uint32_t pages) override;
  ffa::Result<uint32_t> schedule_receiver_interrupt_id() const override;
  void raise_schedule_receiver_interrupt(SriTarget target) override;
  uint32_t acknowledge_interrupt() override;
  void end_interrupt(uint32_t id) override;
  void handle_own_interrupt(uint32_t id) override;
  void set_interrupt_enabled(uint32_t id, bool enabled) override;
  void retrigger_interrupt(uint32_t id) override;
  void withdraw_interrupt(uint32_t id) override;
  bool keeps_cpu() const override;
  void cpu_going_off() override;
  unsigned current_cpu() const override;

 private:
  arch::NsMemoryMap ns_;
  spmc::PartitionConsole console_;
  HostedPartitions* partitions_ = nullptr;
};

}  // namespace sel1
