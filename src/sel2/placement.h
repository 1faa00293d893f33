// The S-EL2 placement of the SPMC core (placement B): the secure
// hypervisor's own stage-1 tables hold the normal world's RX/TX buffers
// while they are mapped; its S-EL1 partitions are VMs (sel2/hosted_vms.h),
// and memory shared with them maps into their stage 2, as does memory a
// partition lends, shares or donates from its own declared regions; its
// S-EL0 partitions run in its EL2&0 regime, memory shared with them
// mapped into their stage-1 tables. No
// secure interrupt is the hypervisor's own.
#pragma once

#include "arch/aarch64/gicv3.h"
#include "arch/aarch64/ns_memory_map.h"
#include "arch/aarch64/pgtable.h"
#include "arch/aarch64/zero_memory.h"
#include "ffa/core_manifest.h"
#include "spmc/partition_console.h"
#include "spmc/placement.h"

namespace sel2 {

class HostedVms;

class Sel2Placement final : public spmc::Placement {
 public:
  Sel2Placement(arch::mmu::PageTable& tables, const ffa::CoreManifest& manifest) : ns_(tables, manifest) {}

  ffa::Result<uint8_t*> map_ns_pages(uint64_t pa, uint32_t pages) override { return ns_.map_pages(pa, pages); }
  void unmap_ns_pages(uint64_t pa, uint8_t*, uint32_t pages) override { ns_.unmap_pages(pa, pages); }
  ffa::Result<uint8_t*> map_ns_ranges(const ffa::MemConstituent* ranges, unsigned count) override {
    return ns_.map_ranges(ranges, count);
  }
  void unmap_ns_ranges(const ffa::MemConstituent* ranges, unsigned count, uint8_t* va) override {
    ns_.unmap_ranges(ranges, count, va);
  }
  bool is_ns_memory(uint64_t pa, uint64_t size) const override { return ns_.contains(pa, size); }
  ffa::Result<uint32_t> schedule_receiver_interrupt_id() const override;
  void raise_schedule_receiver_interrupt(SriTarget target) override;
  uint32_t acknowledge_interrupt() override;
  void end_interrupt(uint32_t id) override;
  void handle_own_interrupt(uint32_t id) override;
  void lines_raised(size_t index, unsigned context) override;
  // Partitions' EL1 physical timers, emulated (hosted_vms.h): the host
  // timer's interrupt.
  size_t timer_due_here(uint32_t id) override;
  bool retrigger_timer(size_t index, unsigned context) override;
  // S-EL1 partitions take virtual interrupts (HCR_EL2.VI/VF, set as each
  // vCPU is entered: hosted_vms.cpp); their SPIs are held back and let
  // through at the distributor.
  bool gives_virtual_interrupts() const override { return true; }
  void set_interrupt_enabled(uint32_t id, bool enabled) override { arch::gicv3::set_spi_enabled(id, enabled); }
  void retrigger_interrupt(uint32_t id) override { arch::gicv3::retrigger_spi(id); }
  void withdraw_interrupt(uint32_t id) override { arch::gicv3::withdraw_spi(id); }
  unsigned current_cpu() const override;
  bool keeps_cpu() const override;
  void cpu_going_off() override;
  // FFA_MEM_PERM_GET/SET: S-EL0 partitions' own pages (hosted_vms.h).
  ffa::Result<uint32_t> partition_mem_perm_get(ffa::EndpointId id, uint64_t va) override;
  ffa::Status partition_mem_perm_set(ffa::EndpointId id, uint64_t va, uint32_t pages, uint32_t perm) override;
  ffa::Status partition_map_shared(ffa::EndpointId id, uint64_t pa, uint32_t pages, bool writable, bool ns) override;
  void partition_unmap_shared(ffa::EndpointId id, uint64_t pa, uint32_t pages) override;
  ffa::Result<uint8_t*> partition_buffer_pages(ffa::EndpointId id, uint64_t va, uint32_t pages) override;
  ffa::Result<bool> partition_own_access(ffa::EndpointId id, uint64_t pa, uint32_t pages) override;
  ffa::Status partition_revoke_own(ffa::EndpointId id, uint64_t pa, uint32_t pages) override;
  void partition_restore_own(ffa::EndpointId id, uint64_t pa, uint32_t pages) override;
  // The partition region, mapped read-write at VA = PA in the hypervisor's
  // own tables (to zero memory lent with the zero flag).
  ffa::Result<uint8_t*> partition_memory(uint64_t pa, uint32_t pages) override;
  void zero_memory(uint8_t* va, uint64_t bytes) override { arch::zero_to_point_of_coherency(va, bytes); }
  // Its partitions (built once the core is).
  void attach_vms(HostedVms& vms) { vms_ = &vms; }
  void partition_log(ffa::EndpointId id, const char* chars, size_t len) override { console_.write(id, chars, len); }

 private:
  arch::NsMemoryMap ns_;
  spmc::PartitionConsole console_;
  HostedVms* vms_ = nullptr;
};

}  // namespace sel2
