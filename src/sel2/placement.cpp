#include "sel2/placement.h"

#include "arch/aarch64/gicv3.h"
#include "arch/aarch64/sysreg.h"
#include "lib/log.h"
#include "plat/qemu_virt/memory_map.h"
#include "plat/qemu_virt/secure_console.h"
#include "sel2/hosted_vms.h"

namespace sel2 {

// The schedule receiver interrupt: the same Non-secure Group 1 SGI as the
// S-EL1 placement's, so that the normal world finds it the same way
// (FFA_FEATURES).
ffa::Result<uint32_t> Sel2Placement::schedule_receiver_interrupt_id() const { return plat::kScheduleReceiverSgi; }

void Sel2Placement::raise_schedule_receiver_interrupt(SriTarget target) {
  arch::gicv3::send_sgi_to_other_world(plat::kScheduleReceiverSgi,
                                       target == SriTarget::this_cpu ? arch::mpidr() : plat::kBootCpuMpidr);
}

uint32_t Sel2Placement::acknowledge_interrupt() { return arch::gicv3::acknowledge(); }

void Sel2Placement::end_interrupt(uint32_t id) { arch::gicv3::end(id); }

void Sel2Placement::handle_own_interrupt(uint32_t id) {
  // The secure hypervisor drives no device of its own. Its host timer may
  // fire for a deadline already dealt with (a vCPU that moved its timer
  // or took the interrupt first): nothing to do.
  if (id == plat::kSel2HostTimerPpi) return;
  // A kick: the vCPU it stopped is entered again with its lines as they
  // are now (HostedVms::kick), or, had it left already, nothing.
  if (id == plat::kSel2KickSgi) return;
  static constinit lib::log::RateLimit limit;
  lib::log::warn_limited(limit, "secure interrupt {} has no owner", id);
}

size_t Sel2Placement::timer_due_here(uint32_t id) {
  if (id != plat::kSel2HostTimerPpi || !vms_) return kNoPartition;
  return vms_->timer_due_here();
}

bool Sel2Placement::retrigger_timer(size_t index, unsigned context) {
  return vms_ && vms_->retrigger_timer(index, context);
}

void Sel2Placement::lines_raised(size_t index, unsigned context) {
  if (vms_) vms_->kick(index, context);
}

unsigned Sel2Placement::current_cpu() const { return arch::cpu_index(); }

// PSCI CPU_OFF, as the SPMD tells us: partitions' interrupts are routed to
// the boot CPU, which therefore stays on. On another CPU (the core has
// checked its MP contexts there are idle, and told those that asked),
// the VMs' per-CPU state goes.
bool Sel2Placement::keeps_cpu() const { return arch::cpu_index() == 0; }

void Sel2Placement::cpu_going_off() {
  if (vms_) vms_->cpu_going_off(arch::cpu_index());
}

// Memory sharing and partitions' RX/TX pairs: their VMs (hosted_vms.h).
ffa::Result<uint32_t> Sel2Placement::partition_mem_perm_get(ffa::EndpointId id, uint64_t va) {
  if (!vms_) return ffa::Error::not_supported;
  return vms_->mem_perm_get(id, va);
}

ffa::Status Sel2Placement::partition_mem_perm_set(ffa::EndpointId id, uint64_t va, uint32_t pages, uint32_t perm) {
  if (!vms_) return ffa::Error::not_supported;
  return vms_->mem_perm_set(id, va, pages, perm);
}

ffa::Status Sel2Placement::partition_map_shared(ffa::EndpointId id, uint64_t pa, uint32_t pages, bool writable,
                                                bool ns) {
  if (!vms_) return ffa::Error::invalid_parameters;
  return vms_->map_shared(id, pa, pages, writable, ns);
}

void Sel2Placement::partition_unmap_shared(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
  if (vms_) vms_->unmap_shared(id, pa, pages);
}

ffa::Result<uint8_t*> Sel2Placement::partition_buffer_pages(ffa::EndpointId id, uint64_t va, uint32_t pages) {
  if (!vms_) return ffa::Error::invalid_parameters;
  return vms_->buffer_pages(id, va, pages);
}

ffa::Result<bool> Sel2Placement::partition_own_access(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
  if (!vms_) return ffa::Error::invalid_parameters;
  return vms_->own_access(id, pa, pages);
}

ffa::Status Sel2Placement::partition_revoke_own(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
  if (!vms_) return ffa::Error::invalid_parameters;
  return vms_->revoke_own(id, pa, pages);
}

void Sel2Placement::partition_restore_own(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
  if (vms_) vms_->restore_own(id, pa, pages);
}

ffa::Result<uint8_t*> Sel2Placement::partition_memory(uint64_t pa, uint32_t pages) {
  // Where its partitions live (it maps all of it, the console lock page
  // apart: sel2/mmu.cpp).
  const uint64_t size = uint64_t{pages} * spmc::kPageSize;
  const bool inside = pa >= plat::kSel2PartitionRegionBase && pa <= plat::kPartitionRegionEnd &&
                      size <= plat::kPartitionRegionEnd - pa;
  const bool lock_page = pa < plat::kSecureConsoleLockPage + spmc::kPageSize && plat::kSecureConsoleLockPage < pa + size;
  if (!inside || lock_page) return ffa::Error::invalid_parameters;
  return reinterpret_cast<uint8_t*>(pa);
}

}  // namespace sel2
