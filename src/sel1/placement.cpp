#include "sel1/placement.h"

#include "lib/log.h"
#include "arch/aarch64/gicv3.h"
#include "arch/aarch64/sysreg.h"
#include "plat/qemu_virt/memory_map.h"
#include "sel1/secure_timer.h"
#include "sel1/hosted_partitions.h"

namespace sel1 {

// Normal-world memory: the trusted OS's own tables (arch::NsMemoryMap).
ffa::Result<uint8_t*> Sel1Placement::map_ns_pages(uint64_t pa, uint32_t pages) { return ns_.map_pages(pa, pages); }

void Sel1Placement::unmap_ns_pages(uint64_t pa, uint8_t*, uint32_t pages) { ns_.unmap_pages(pa, pages); }

ffa::Result<uint8_t*> Sel1Placement::map_ns_ranges(const ffa::MemConstituent* ranges, unsigned count) {
  return ns_.map_ranges(ranges, count);
}

void Sel1Placement::unmap_ns_ranges(const ffa::MemConstituent* ranges, unsigned count, uint8_t* va) {
  ns_.unmap_ranges(ranges, count, va);
}

bool Sel1Placement::is_ns_memory(uint64_t pa, uint64_t size) const { return ns_.contains(pa, size); }

}  // namespace sel1

namespace sel1 {

// A partition's FFA_CONSOLE_LOG output, a line at a time with its ID in
// front (a line longer than the buffer is cut into several).
void Sel1Placement::partition_log(ffa::EndpointId id, const char* chars, size_t len) { console_.write(id, chars, len); }

}  // namespace sel1

namespace sel1 {

ffa::Result<uint32_t> Sel1Placement::partition_mem_perm_get(ffa::EndpointId id, uint64_t va) {
  if (!partitions_) return ffa::Error::invalid_parameters;
  return partitions_->mem_perm_get(id, va);
}

ffa::Status Sel1Placement::partition_map_shared(ffa::EndpointId id, uint64_t pa, uint32_t pages, bool writable,
                                                bool ns) {
  if (!partitions_) return ffa::Error::invalid_parameters;
  return partitions_->map_shared(id, pa, pages, writable, ns);
}

void Sel1Placement::partition_unmap_shared(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
  if (partitions_) partitions_->unmap_shared(id, pa, pages);
}

ffa::Result<bool> Sel1Placement::partition_own_access(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
  if (!partitions_) return ffa::Error::invalid_parameters;
  return partitions_->own_access(id, pa, pages);
}

ffa::Status Sel1Placement::partition_revoke_own(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
  if (!partitions_) return ffa::Error::invalid_parameters;
  return partitions_->revoke_own(id, pa, pages);
}

void Sel1Placement::partition_restore_own(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
  if (partitions_) partitions_->restore_own(id, pa, pages);
}

ffa::Result<uint8_t*> Sel1Placement::partition_buffer_pages(ffa::EndpointId id, uint64_t va, uint32_t pages) {
  if (!partitions_) return ffa::Error::invalid_parameters;
  return partitions_->buffer_pages(id, va, pages);
}

ffa::Result<uint8_t*> Sel1Placement::partition_memory(uint64_t pa, uint32_t pages) {
  if (!plat::in_partition_region(pa, uint64_t{pages} * spmc::kPageSize)) return ffa::Error::invalid_parameters;
  return reinterpret_cast<uint8_t*>(pa);
}

ffa::Status Sel1Placement::partition_mem_perm_set(ffa::EndpointId id, uint64_t va, uint32_t pages, uint32_t perm) {
  if (!partitions_) return ffa::Error::invalid_parameters;
  return partitions_->mem_perm_set(id, va, pages, perm);
}

}  // namespace sel1

namespace sel1 {

// The schedule receiver interrupt: a Non-secure Group 1 SGI on this CPU,
// taken by the normal world as soon as it runs again (partitions run with
// interrupts masked, the trusted OS always).
ffa::Result<uint32_t> Sel1Placement::schedule_receiver_interrupt_id() const { return plat::kScheduleReceiverSgi; }

void Sel1Placement::raise_schedule_receiver_interrupt(SriTarget target) {
  arch::gicv3::send_sgi_to_other_world(plat::kScheduleReceiverSgi,
                                       target == SriTarget::this_cpu ? arch::mpidr() : plat::kBootCpuMpidr);
}

}  // namespace sel1

namespace sel1 {

// Secure interrupts: the GIC's Secure Group 1, acknowledged and ended by
// the core. The trusted OS's own device is the secure timer; partitions'
// interrupts are SPIs their manifests name.
uint32_t Sel1Placement::acknowledge_interrupt() { return arch::gicv3::acknowledge(); }

void Sel1Placement::end_interrupt(uint32_t id) { arch::gicv3::end(id); }

void Sel1Placement::handle_own_interrupt(uint32_t id) {
  if (id == kSecureTimerPpi) {
    secure_timer().top_half();
  } else {
    lib::log::warn("secure interrupt {} has no owner", id);
  }
}

void Sel1Placement::set_interrupt_enabled(uint32_t id, bool enabled) { arch::gicv3::set_spi_enabled(id, enabled); }

void Sel1Placement::retrigger_interrupt(uint32_t id) { arch::gicv3::retrigger_spi(id); }

void Sel1Placement::withdraw_interrupt(uint32_t id) { arch::gicv3::withdraw_spi(id); }

}  // namespace sel1

namespace sel1 {

unsigned Sel1Placement::current_cpu() const { return arch::cpu_index(); }

// PSCI CPU_OFF, as the SPMD tells us: partitions' interrupts are routed to
// the boot CPU, which therefore stays on; on another CPU, the secure timer
// (banked per CPU) is stopped, since its interrupt could never arrive.
bool Sel1Placement::keeps_cpu() const { return arch::cpu_index() == 0; }

void Sel1Placement::cpu_going_off() { secure_timer().stop_on_this_cpu(); }

}  // namespace sel1
