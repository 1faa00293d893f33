#include "sel1/hosted_partitions.h"

#include "lib/log.h"
#include "sel1/core_lock.h"
#include "plat/qemu_virt/memory_map.h"

namespace sel1 {

namespace {
constexpr uint64_t kEcSvc64 = 0x15;
}  // namespace

HostedPartition* HostedPartitions::by_core_index(size_t core_index) {
  return core_index < spmc::kMaxPartitions ? by_core_index_[core_index] : nullptr;
}

HostedPartition* HostedPartitions::by_id(ffa::EndpointId id) {
  for (unsigned i = 0; i < count_; ++i)
    if (core_.partition(records_[i].core_index).info.id == id) return &records_[i];
  return nullptr;
}

void HostedPartitions::add_next(size_t core_index, Span memory) {
  HostedPartition& h = records_[count_];
  h.core_index = core_index;
  by_core_index_[core_index] = &h;
  memory_[count_] = memory;
  ++count_;
}

// The memory calls: on the partition's address space (el0_address_space.h).
ffa::Result<uint32_t> HostedPartitions::mem_perm_get(ffa::EndpointId id, uint64_t va) {
  HostedPartition* h = by_id(id);
  if (!h) return ffa::Error::invalid_parameters;
  return h->space.mem_perm_get(va);
}

ffa::Status HostedPartitions::mem_perm_set(ffa::EndpointId id, uint64_t va, uint32_t pages, uint32_t perm) {
  HostedPartition* h = by_id(id);
  if (!h) return ffa::Error::invalid_parameters;
  return h->space.mem_perm_set(va, pages, perm);
}

ffa::Status HostedPartitions::map_shared(ffa::EndpointId id, uint64_t pa, uint32_t pages, bool writable, bool ns) {
  HostedPartition* h = by_id(id);
  if (!h) return ffa::Error::invalid_parameters;
  return h->space.map_shared(pa, pages, writable, ns);
}

void HostedPartitions::unmap_shared(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
  HostedPartition* h = by_id(id);
  if (h && !h->space.unmap_shared(pa, pages))
    lib::log::error("partition {:x}: unmapping shared memory {:x} failed", id.raw(), pa);
}

ffa::Result<uint8_t*> HostedPartitions::buffer_pages(ffa::EndpointId id, uint64_t va, uint32_t pages) {
  HostedPartition* h = by_id(id);
  if (!h) return ffa::Error::invalid_parameters;
  return h->space.buffer_pages(va, pages);
}

ffa::Result<bool> HostedPartitions::own_access(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
  HostedPartition* h = by_id(id);
  if (!h) return ffa::Error::invalid_parameters;
  return h->space.own_access(pa, pages);
}

ffa::Status HostedPartitions::revoke_own(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
  HostedPartition* h = by_id(id);
  if (!h) return ffa::Error::invalid_parameters;
  return h->space.revoke_own(pa, pages);
}

void HostedPartitions::restore_own(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
  HostedPartition* h = by_id(id);
  if (h && !h->space.restore_own(pa, pages))
    lib::log::error("partition {:x}: giving back its memory {:x} failed", id.raw(), pa);
}

spmc::Outcome HostedPartitions::run(spmc::Outcome outcome, ffa::Regs& out) {
  spmc::Core& core = core_;
  while (outcome == spmc::Outcome::run_partition || outcome == spmc::Outcome::resume_partition) {
    const size_t index = core.scheduled();
    HostedPartition* h = by_core_index(index);
    if (!h) {  // cannot happen: the core schedules only partitions we added
      outcome = core.sp_aborted(index, out);
      continue;
    }
    if (outcome == spmc::Outcome::run_partition) {
      ffa::copy_regs(h->ctx.call, out);
      if (!h->started) {
        // First entry: x0-x3 as the boot information protocol says.
        for (unsigned i = 0; i < 4; ++i) h->ctx.x[i] = h->boot_x[i];
        h->started = true;
      }
    }
    // IRQ (secure interrupts) unmasked; FIQ (normal-world interrupts, as
    // the secure state sees them) only where the core signals them.
    h->ctx.spsr = el0_spsr(h->ctx.spsr, core.ns_interrupts_unmasked(index) ? 0 : kSpsrFiqMask);
    // The partition runs without the core's lock (issue 12): the core has
    // marked it running, so no other CPU enters it, and nothing of the
    // core's is touched at S-EL0. A partition that spins for ever on this
    // CPU stalls no other CPU; the normal world gets this one back by its
    // own interrupt (signalled, or by managed exit). At boot (no lock held
    // yet) there is nothing to let go.
    const unsigned depth = release_core();
    const uint64_t kind = sel1_el0_run(&h->ctx);
    reacquire_core(depth);
    if (kind == EL0_TRAP_SYNC && (h->ctx.esr >> 26) == kEcSvc64) {
      outcome = core.handle_sp_call(index, h->ctx.call, out);
    } else if (kind == EL0_TRAP_FIQ) {
      // A normal-world interrupt: the core preempts the partition and the
      // normal world gets FFA_INTERRUPT (its interrupt is taken there).
      outcome = core.sp_interrupted(index, out);
    } else if (kind == EL0_TRAP_IRQ) {
      // A secure interrupt: its top half, then the partition carries on.
      outcome = core.sp_secure_interrupted(index, out);
    } else {
      lib::log::error("partition {:x} faulted: ESR {:x} ELR {:x} FAR {:x}; it is stopped for good",
                      core.partition(index).info.id.raw(), h->ctx.esr, h->ctx.elr, h->ctx.far);
      outcome = core.sp_aborted(index, out);
    }
  }
  return outcome;
}

}  // namespace sel1
