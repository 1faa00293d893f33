// What the portable SPMC core needs from the place it runs in (S-EL1 trusted
// OS, S-EL2 hypervisor, EL3 monitor, or the host under test). The core never
// touches a system register; everything machine-specific comes through here.
#pragma once

#include <cstdint>

#include <cstddef>

#include "ffa/error.h"
#include "ffa/ids.h"
#include "ffa/mem_transaction.h"

namespace spmc {

inline constexpr uint64_t kPageSize = 4096;

class Placement {
 public:
  // Makes `pages` pages of normal-world memory at physical address `pa`
  // readable and writable by the SPMC (mapped non-secure, never executable)
  // and returns where the SPMC sees them. NO_MEMORY when out of tables.
  virtual ffa::Result<uint8_t*> map_ns_pages(uint64_t pa, uint32_t pages) = 0;
  // Undoes map_ns_pages, including TLB maintenance.
  virtual void unmap_ns_pages(uint64_t pa, uint8_t* va, uint32_t pages) = 0;
  // Several ranges of normal-world memory as one buffer (for an endpoint
  // in the SPMC's image, such as the trusted OS taking Linux's scattered
  // pages): where the buffer starts. By default only one range can be.
  virtual ffa::Result<uint8_t*> map_ns_ranges(const ffa::MemConstituent* ranges, unsigned count) {
    if (count != 1) return ffa::Error::not_supported;
    return map_ns_pages(ranges[0].address, ranges[0].pages);
  }
  virtual void unmap_ns_ranges(const ffa::MemConstituent* ranges, unsigned count, uint8_t* va) {
    if (count == 1) unmap_ns_pages(ranges[0].address, va, ranges[0].pages);
  }
  // True when [pa, pa + size) lies entirely in memory that belongs to the
  // normal world on this platform (never secure RAM, never a device).
  virtual bool is_ns_memory(uint64_t pa, uint64_t size) const = 0;
  // FFA_MEM_PERM_GET/SET for a partition in its own translation regime:
  // `perm` in FF-A's encoding ([1:0] 1 read-write, 3 read-only; bit 2
  // non-executable). The core has already refused memory that a
  // transaction covers and the partition's RX/TX pair; the placement
  // accepts only pages of the partition's image and declared memory
  // regions (INVALID_PARAMETERS otherwise, and for the whole range if any
  // page is not), and keeps each page's security state: a non-secure page
  // stays non-secure, a secure one secure. NOT_SUPPORTED where partitions
  // have no stage 1 here.
  virtual ffa::Result<uint32_t> partition_mem_perm_get(ffa::EndpointId id, uint64_t va) {
    (void)id;
    (void)va;
    return ffa::Error::not_supported;
  }
  virtual ffa::Status partition_mem_perm_set(ffa::EndpointId id, uint64_t va, uint32_t pages, uint32_t perm) {
    (void)id;
    (void)va;
    (void)pages;
    (void)perm;
    return ffa::Error::not_supported;
  }
  // Shared memory mapped into / out of partition `id`'s address space at
  // VA = PA: never executable, writable when the borrower may write, in
  // the non-secure physical address space when `ns` (normal-world
  // memory) and the secure one otherwise (another partition's memory).
  virtual ffa::Status partition_map_shared(ffa::EndpointId id, uint64_t pa, uint32_t pages, bool writable, bool ns) {
    (void)id;
    (void)pa;
    (void)pages;
    (void)writable;
    (void)ns;
    return ffa::Error::not_supported;
  }
  virtual void partition_unmap_shared(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
    (void)id;
    (void)pa;
    (void)pages;
  }
  // A partition lending its own memory. partition_own_access says whether
  // [pa, pa + pages) is memory partition `id` may give away (a declared
  // normal-memory region it holds now: not its image, its RX/TX pair,
  // boot information or memory others lent it) and, if so, whether it
  // holds it writable. INVALID_PARAMETERS otherwise.
  virtual ffa::Result<bool> partition_own_access(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
    (void)id;
    (void)pa;
    (void)pages;
    return ffa::Error::not_supported;
  }
  // Takes the lender's own access away (lend, donate) or gives it back as
  // its manifest declared it (reclaim); TLB maintenance included.
  virtual ffa::Status partition_revoke_own(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
    (void)id;
    (void)pa;
    (void)pages;
    return ffa::Error::not_supported;
  }
  virtual void partition_restore_own(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
    (void)id;
    (void)pa;
    (void)pages;
  }
  // A partition's FFA_RXTX_MAP: [va, va + pages) must be its own normal,
  // writable, never-executable memory that it holds now (a declared
  // memory region, or the rx_tx-buffer regions of its manifest; not its
  // image, not a device, not memory lent to it). Returns where the SPMC
  // reaches those pages; INVALID_PARAMETERS otherwise.
  virtual ffa::Result<uint8_t*> partition_buffer_pages(ffa::EndpointId id, uint64_t va, uint32_t pages) {
    (void)id;
    (void)va;
    (void)pages;
    return ffa::Error::not_supported;
  }
  // Where the SPMC itself reaches a partition's secure memory (to zero
  // memory that is lent with the zero flag).
  virtual ffa::Result<uint8_t*> partition_memory(uint64_t pa, uint32_t pages) {
    (void)pa;
    (void)pages;
    return ffa::Error::not_supported;
  }
  // Zeroes memory the SPMC reached with map_ns_pages or partition_memory,
  // for its next owner (the memory transactions' zero flags): on hardware
  // the zeros also go to the point of coherency, so that an owner that maps
  // it non-cacheable does not read the old contents from memory.
  virtual void zero_memory(uint8_t* va, uint64_t bytes) {
    for (uint64_t b = 0; b < bytes; ++b) va[b] = 0;
  }
  // The schedule receiver interrupt (SRI): tells the normal world's
  // scheduler that notifications are pending (it then calls
  // FFA_NOTIFICATION_INFO_GET). Returns the interrupt ID the normal world
  // sees, or NOT_SUPPORTED where the placement cannot raise it.
  virtual ffa::Result<uint32_t> schedule_receiver_interrupt_id() const { return ffa::Error::not_supported; }
  // Raised on this CPU, or, while this CPU is going off (a partition told
  // of its CPU_OFF set the notification), on the CPU the placement keeps
  // on (keeps_cpu): the normal world of a CPU leaving never takes it.
  enum class SriTarget { this_cpu, cpu_that_stays_on };
  virtual void raise_schedule_receiver_interrupt(SriTarget target) { (void)target; }
  // Secure interrupts at the placement's interrupt controller. The core
  // acknowledges the one the SPMD handed over (FFA_INTERRUPT), decides who
  // owns it, and ends it.
  // The highest-priority pending secure interrupt, acknowledged; 1020 and
  // above mean none.
  virtual uint32_t acknowledge_interrupt() { return 1023; }
  // Priority drop and deactivation at the controller.
  virtual void end_interrupt(uint32_t id) { (void)id; }
  // An interrupt no partition owns: the SPMC's own devices (the trusted
  // OS's drivers in the S-EL1 placement) run their top half.
  virtual void handle_own_interrupt(uint32_t id) { (void)id; }
  // Partitions' EL1 physical timers, where the placement emulates them (an
  // S-EL2 SPMC, as Hafnium: the timer is one for both worlds, so a
  // partition's accesses trap and a timer of the SPMC's own, the host
  // timer, stands for every vCPU's deadline). Interrupt `id` (private to
  // this CPU, not a partition's) may be the host timer: the core index of
  // a partition whose context on this CPU has its deadline passed, each
  // such context reported once per deadline; kNoPartition otherwise (the
  // interrupt is then the placement's own: handle_own_interrupt).
  static constexpr size_t kNoPartition = ~size_t{0};
  virtual size_t timer_due_here(uint32_t id) {
    (void)id;
    return kNoPartition;
  }
  // A context's timer that was reported while the context could not be
  // told (busy, or waiting behind another partition on its CPU): reported
  // again once the normal world runs on that context's CPU. false when its
  // deadline is no longer due (turned off, moved, or its vCPU started
  // afresh): the core then forgets it.
  virtual bool retrigger_timer(size_t index, unsigned context) {
    (void)index;
    (void)context;
    return false;
  }
  // Whether partitions here take virtual interrupts (S-EL1 partitions
  // under an S-EL2 SPMC: HCR_EL2.VI/VF, Core::virtual_lines): a
  // partition's interrupt is then also raised on its virtual line, and
  // managed exit is a virtual interrupt rather than FFA_INTERRUPT to the
  // normal world. S-EL0 partitions take none (FF-A v1.2 section 8.3):
  // the core asks Core::virtual_interrupts, which leaves them out.
  virtual bool gives_virtual_interrupts() const { return false; }
  // Partition `index` (one that takes virtual interrupts) has a line up
  // that its context `context` (kEveryContext: any of them) did not have
  // when it was entered (its notification pending interrupt, or a device
  // interrupt told to its running context): if it runs on another CPU, it
  // is made to leave at once (a secure SGI there), so that it is entered
  // again with its lines as they are now. Called under the core's lock.
  static constexpr unsigned kEveryContext = ~0u;
  virtual void lines_raised(size_t index, unsigned context) {
    (void)index;
    (void)context;
  }
  // Lets a partition's interrupt through the controller, or holds it back.
  virtual void set_interrupt_enabled(uint32_t id, bool enabled) {
    (void)id;
    (void)enabled;
  }
  // A partition's interrupt that arrived while the partition could not
  // take it: makes it pending (and enabled) again at the controller, so it
  // comes back once the secure world returns.
  virtual void retrigger_interrupt(uint32_t id) { (void)id; }
  // Undoes a retrigger the partition overtook (it took the interrupt with
  // HF_INTERRUPT_GET before the controller signalled it again): disabled
  // and no longer pending at the controller.
  virtual void withdraw_interrupt(uint32_t id) { (void)id; }
  // PSCI CPU_OFF for the CPU this runs on, which the SPMD tells the SPMC
  // of (a framework power management message) before it goes off. First:
  // whether the placement needs this CPU (the CPU_OFF is refused, PSCI
  // DENIED, before any partition is told). Then, once the partitions
  // agreed: the placement stops what it runs on that CPU.
  virtual bool keeps_cpu() const { return false; }
  virtual void cpu_going_off() {}
  // The CPU this call runs on (its linear index, below
  // Partition::kMaxContexts): an MP partition's context for it is the one
  // that runs here.
  virtual unsigned current_cpu() const { return 0; }
  // FFA_CONSOLE_LOG from partition `id`: `len` characters of `chars`.
  virtual void partition_log(ffa::EndpointId id, const char* chars, size_t len) {
    (void)id;
    (void)chars;
    (void)len;
  }

 protected:
  ~Placement() = default;
};

}  // namespace spmc
