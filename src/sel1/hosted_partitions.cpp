#include "sel1/hosted_partitions.h"

#include "lib/log.h"
#include "sel1/core_lock.h"
#include "plat/qemu_virt/memory_map.h"

namespace sel1 {

using arch::mmu::Attrs;
using arch::mmu::MemType;

namespace {

constexpr uint64_t kPage = kPartitionPage;
constexpr uint64_t kEcSvc64 = 0x15;

// Descriptor bits the permission calls read (stage 1, EL1&0 regime).
constexpr uint64_t kDescNs = 1ull << 5, kDescApEl0 = 1ull << 6, kDescApRo = 1ull << 7, kDescUxn = 1ull << 54;
constexpr uint64_t kDescAttrIndx = 7ull << 2;

// Whether every page of [va, va + size) is memory whose permissions the
// partition may change (FFA_MEM_PERM_GET/SET): its image or a declared
// region other than its RX/TX pair. Never memory others lent it (mapped
// at VA = PA outside its regions), its boot information, its devices or
// the trampoline. The core refuses its RX/TX pair and anything in a
// transaction as well.
bool own_for_perm(const HostedPartition& h, uint64_t va, uint64_t size) {
  for (uint64_t off = 0; off < size; off += kPage) {
    const uint64_t a = va + off;
    bool own = a >= h.image_start && a < h.image_end;
    for (unsigned i = 0; i < h.lendable_count && !own; ++i)
      own = a >= h.lendable[i].base && a - h.lendable[i].base < uint64_t{h.lendable[i].pages} * kPage;
    if (!own) return false;
  }
  return true;
}

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

ffa::Result<uint32_t> HostedPartitions::mem_perm_get(ffa::EndpointId id, uint64_t va) {
  HostedPartition* h = by_id(id);
  if (!h || !own_for_perm(*h, va, kPage)) return ffa::Error::invalid_parameters;
  auto l = h->tables->lookup(va);
  if (!l || !(l->descriptor & kDescApEl0)) return ffa::Error::invalid_parameters;
  uint32_t perm = (l->descriptor & kDescApRo) ? 3 : 1;
  if (l->descriptor & kDescUxn) perm |= 1u << 2;
  return perm;
}

ffa::Status HostedPartitions::mem_perm_set(ffa::EndpointId id, uint64_t va, uint32_t pages, uint32_t perm) {
  HostedPartition* h = by_id(id);
  if (!h) return ffa::Error::invalid_parameters;
  arch::mmu::PageTable& pt = *h->tables;
  // A partition's memory lies in the partition region: a larger count
  // names pages it cannot own, and would only make the checks below long.
  if (pages > (plat::kPartitionRegionEnd - plat::kPartitionRegionBase) / kPage) return ffa::Error::invalid_parameters;
  const uint64_t size = uint64_t{pages} * kPage;
  if (va + size < va) return ffa::Error::invalid_parameters;
  // Every page must be its own (image or declared region) and mapped as
  // EL0-accessible normal memory, page by page.
  if (!own_for_perm(*h, va, size)) return ffa::Error::invalid_parameters;
  for (uint64_t a = va; a < va + size; a += kPage) {
    auto l = pt.lookup(a);
    if (!l || !(l->descriptor & kDescApEl0) || l->level != 3 || (l->descriptor & kDescAttrIndx) != (1ull << 2))
      return ffa::Error::invalid_parameters;
  }
  // Break before make: unmap (with TLB maintenance), then map anew, in
  // the security state the page had (its own memory is secure; whatever
  // is non-secure stays so).
  for (uint64_t a = va; a < va + size; a += kPage) {
    const auto l = pt.lookup(a);
    const Attrs attrs{.type = MemType::normal,
                      .write = (perm & 3) == 1,
                      .exec = (perm & 4) == 0,
                      .user = true,
                      .ns = (l->descriptor & kDescNs) != 0};
    if (!pt.unmap(a, kPage) || !pt.map(a, l->pa, kPage, attrs)) return ffa::Error::no_memory;
  }
  return {};
}

ffa::Status HostedPartitions::map_shared(ffa::EndpointId id, uint64_t pa, uint32_t pages, bool writable, bool ns) {
  HostedPartition* h = by_id(id);
  if (!h) return ffa::Error::invalid_parameters;
  // The page table refuses a page that is mapped already (the partition's
  // own memory, the trampoline): the core never asks for those.
  auto s = h->tables->map(pa, pa, uint64_t{pages} * kPage,
                          Attrs{.type = MemType::normal, .write = writable, .user = true, .ns = ns});
  // (A map that fails leaves nothing of the range behind.)
  if (!s) return s.error() == arch::mmu::MapError::no_tables ? ffa::Error::no_memory : ffa::Error::denied;
  return {};
}

void HostedPartitions::unmap_shared(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
  HostedPartition* h = by_id(id);
  if (!h) return;
  // With TLB maintenance (the table's invalidate callback), for every ASID.
  if (!h->tables->unmap(pa, uint64_t{pages} * kPage))
    lib::log::error("partition {:x}: unmapping shared memory {:x} failed", id.raw(), pa);
  // Shares come and go at ever new addresses: their tables must come back.
  h->tables->release_empty_tables(pa, uint64_t{pages} * kPage);
}

namespace {
// The declared, lendable region of `h` that holds all of [pa, pa + pages).
// Whether [pa, pa + pages) lies inside region `r` (without computing an
// end that could wrap).
bool inside(const HostedPartition::Lendable& r, uint64_t pa, uint32_t pages) {
  const uint64_t size = uint64_t{pages} * kPage;
  return r.pages != 0 && pa >= r.base && size <= uint64_t{r.pages} * kPage && pa - r.base <= uint64_t{r.pages} * kPage - size;
}

const HostedPartition::Lendable* lendable_region(const HostedPartition& h, uint64_t pa, uint32_t pages) {
  for (unsigned i = 0; i < h.lendable_count; ++i)
    if (inside(h.lendable[i], pa, pages)) return &h.lendable[i];
  return nullptr;
}
}  // namespace

ffa::Result<uint8_t*> HostedPartitions::buffer_pages(ffa::EndpointId id, uint64_t va, uint32_t pages) {
  HostedPartition* h = by_id(id);
  if (!h || pages == 0) return ffa::Error::invalid_parameters;
  // One of its declared regions, writable and never executable (its own
  // memory, at VA = PA), or its manifest's RX/TX regions.
  const HostedPartition::Lendable* r = lendable_region(*h, va, pages);
  const bool declared = inside(h->declared_rx, va, pages) || inside(h->declared_tx, va, pages);
  if (!declared && (!r || !r->writable || r->exec)) return ffa::Error::invalid_parameters;
  // And it holds every page now, as its manifest gave it: mapped at EL0,
  // read-write, never executable, secure (a page it lent away is not
  // mapped; MEM_PERM_SET may have made one read-only).
  for (uint64_t a = va; a < va + uint64_t{pages} * kPage; a += kPage) {
    auto l = h->tables->lookup(a);
    if (!l || l->level != 3 || !(l->descriptor & kDescApEl0) || (l->descriptor & kDescApRo) ||
        !(l->descriptor & kDescUxn) || (l->descriptor & kDescNs))
      return ffa::Error::invalid_parameters;
  }
  return reinterpret_cast<uint8_t*>(va);  // the trusted OS maps the partition region at VA = PA
}

ffa::Result<bool> HostedPartitions::own_access(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
  HostedPartition* h = by_id(id);
  if (!h || pages == 0) return ffa::Error::invalid_parameters;
  const HostedPartition::Lendable* r = lendable_region(*h, pa, pages);
  if (!r || r->exec) return ffa::Error::invalid_parameters;
  // Every page as the partition holds it now (MEM_PERM_SET may have made
  // some read-only or executable; a lent page is not mapped at all).
  bool writable = true;
  for (uint64_t a = pa; a < pa + uint64_t{pages} * kPage; a += kPage) {
    auto l = h->tables->lookup(a);
    if (!l || !(l->descriptor & kDescApEl0) || !(l->descriptor & kDescUxn)) return ffa::Error::invalid_parameters;
    writable = writable && !(l->descriptor & kDescApRo);
  }
  return writable;
}

ffa::Status HostedPartitions::revoke_own(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
  HostedPartition* h = by_id(id);
  if (!h || !lendable_region(*h, pa, pages)) return ffa::Error::invalid_parameters;
  if (!h->tables->unmap(pa, uint64_t{pages} * kPage)) return ffa::Error::no_memory;
  return {};
}

void HostedPartitions::restore_own(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
  HostedPartition* h = by_id(id);
  const HostedPartition::Lendable* r = h ? lendable_region(*h, pa, pages) : nullptr;
  if (!r) return;
  auto s = h->tables->map(pa, pa, uint64_t{pages} * kPage,
                          Attrs{.type = MemType::normal, .write = r->writable, .user = true});
  if (!s) lib::log::error("partition {:x}: giving back its memory {:x} failed", id.raw(), pa);
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
      for (unsigned i = 0; i < 18; ++i) h->ctx.x[i] = out.x[i];
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
      ffa::Regs in;
      for (unsigned i = 0; i < 18; ++i) in.x[i] = h->ctx.x[i];
      outcome = core.handle_sp_call(index, in, out);
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
