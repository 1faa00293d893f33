// The SPMC core's placement on the host: "physical" normal-world memory and
// partitions' secure memory are plain arrays, mapping hands out pointers
// into them, and every partition's address space is modelled page by page
// (what is mapped, writable, executable, non-secure, its own), so tests and
// fuzzers can check that nothing stays mapped, or gets mapped twice, by
// mistake, and what FFA_MEM_PERM_SET did to each page.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "spmc/placement.h"

namespace fake {

class FakePlacement : public spmc::Placement {
 public:
  // Normal-world memory at [ns_base, ns_base + ns_size); partitions' own
  // memory (given with give_partition_memory) at kSecureBase.
  FakePlacement(uint64_t ns_base = 0x40000000, uint64_t ns_size = 1ull << 20);
  static constexpr uint64_t kSecureBase = 0x0E500000, kSecureSize = 1ull << 20;

  ffa::Result<uint8_t*> map_ns_pages(uint64_t pa, uint32_t pages) override;
  void unmap_ns_pages(uint64_t pa, uint8_t* va, uint32_t pages) override;
  bool is_ns_memory(uint64_t pa, uint64_t size) const override;
  ffa::Status partition_map_shared(ffa::EndpointId id, uint64_t pa, uint32_t pages, bool writable, bool ns) override;
  void partition_unmap_shared(ffa::EndpointId id, uint64_t pa, uint32_t pages) override;
  ffa::Result<bool> partition_own_access(ffa::EndpointId id, uint64_t pa, uint32_t pages) override;
  ffa::Status partition_revoke_own(ffa::EndpointId id, uint64_t pa, uint32_t pages) override;
  void partition_restore_own(ffa::EndpointId id, uint64_t pa, uint32_t pages) override;
  ffa::Result<uint8_t*> partition_memory(uint64_t pa, uint32_t pages) override;
  // FFA_RXTX_MAP from a partition: every page its own (lendable memory or
  // the buffers its manifest declares), held read-write, not executable.
  ffa::Result<uint8_t*> partition_buffer_pages(ffa::EndpointId id, uint64_t va, uint32_t pages) override;
  // FFA_MEM_PERM_GET/SET as a page table does them: on any page the
  // partition has mapped, all pages or none, its security state kept. The
  // placements on hardware also check that each page is the partition's own
  // (image or declared region); here that rule is left to the core, so
  // that tests and fuzzers see what the core alone lets through.
  ffa::Result<uint32_t> partition_mem_perm_get(ffa::EndpointId id, uint64_t va) override;
  ffa::Status partition_mem_perm_set(ffa::EndpointId id, uint64_t va, uint32_t pages, uint32_t perm) override;
  // The schedule receiver interrupt: SGI 8, counted.
  ffa::Result<uint32_t> schedule_receiver_interrupt_id() const override { return 8u; }
  void raise_schedule_receiver_interrupt(SriTarget target) override {
    ++sris_raised_;
    if (target == SriTarget::cpu_that_stays_on) ++sris_sent_elsewhere_;
  }
  unsigned sris_raised() const { return sris_raised_; }
  // Of those, the ones sent to the CPU that stays on, not this one.
  unsigned sris_sent_elsewhere() const { return sris_sent_elsewhere_; }

  // The interrupt controller's secure side, modelled: a test raises an
  // interrupt; acknowledging takes the lowest pending one that is a
  // private interrupt (below 32, always on) or an enabled SPI.
  void raise_interrupt(uint32_t id) { gic_pending_.insert(id); }
  uint32_t acknowledge_interrupt() override {
    for (uint32_t id : gic_pending_) {
      if (id >= 32 && !gic_enabled_.count(id)) continue;
      gic_pending_.erase(id);
      return id;
    }
    return 1023;
  }
  void end_interrupt(uint32_t id) override { ++ended_[id]; }
  void handle_own_interrupt(uint32_t id) override { own_handled_.push_back(id); }
  void set_interrupt_enabled(uint32_t id, bool enabled) override {
    if (enabled) {
      gic_enabled_.insert(id);
    } else {
      gic_enabled_.erase(id);
    }
  }
  void retrigger_interrupt(uint32_t id) override {
    gic_pending_.insert(id);
    gic_enabled_.insert(id);
    ++retriggered_;
  }
  void withdraw_interrupt(uint32_t id) override {
    gic_pending_.erase(id);
    gic_enabled_.erase(id);
  }
  // Partitions' emulated timers: the host timer is PPI kHostTimer; a test
  // queues the partitions whose context on the current CPU is due, and
  // sees which contexts' timers the core asked to report again.
  static constexpr uint32_t kHostTimer = 28;
  std::vector<size_t> timers_due;
  std::vector<std::pair<size_t, unsigned>> timers_retriggered;
  size_t timer_due_here(uint32_t id) override {
    if (id != kHostTimer || timers_due.empty()) return kNoPartition;
    const size_t index = timers_due.front();
    timers_due.erase(timers_due.begin());
    return index;
  }
  // Whether a retriggered timer is still due (a test turns it off).
  bool timers_still_due = true;
  bool retrigger_timer(size_t index, unsigned context) override {
    timers_retriggered.emplace_back(index, context);
    return timers_still_due;
  }
  bool interrupt_enabled(uint32_t id) const { return gic_enabled_.count(id) != 0; }
  bool interrupt_pending(uint32_t id) const { return gic_pending_.count(id) != 0; }
  unsigned interrupts_ended(uint32_t id) const {
    auto it = ended_.find(id);
    return it == ended_.end() ? 0 : it->second;
  }
  const std::vector<uint32_t>& own_interrupts_handled() const { return own_handled_; }
  unsigned retriggered() const { return retriggered_; }

  // Partitions take virtual interrupts (as under an S-EL2 SPMC) when set.
  bool virtual_interrupts = false;
  bool gives_virtual_interrupts() const override { return virtual_interrupts; }
  // The partitions whose lines rose while they may run on another CPU,
  // in order (each such call would kick that CPU's vCPU), and for which
  // context (kEveryContext: any).
  std::vector<size_t> lines_raised_for;
  std::vector<unsigned> lines_raised_context;
  void lines_raised(size_t index, unsigned context) override {
    lines_raised_for.push_back(index);
    lines_raised_context.push_back(context);
  }

  // PSCI CPU_OFF as the SPMD announces it: counted, refused when told.
  // The CPU the core is told it runs on (tests of MP partitions set it).
  unsigned cpu = 0;
  unsigned current_cpu() const override { return cpu; }
  bool keeps_cpu() const override { return keep_cpu_on; }
  void cpu_going_off() override { ++cpu_off_messages; }
  bool keep_cpu_on = false;
  unsigned cpu_off_messages = 0;  // CPUs that went off

  // Test controls and observations.
  uint8_t* ns_memory(uint64_t pa) { return memory_.data() + (pa - base_); }
  uint8_t* secure_memory(uint64_t pa) { return secure_.data() + (pa - kSecureBase); }
  uint64_t pages_mapped() const { return pages_mapped_; }
  void fail_next_map() { fail_next_map_ = true; }
  // Times the SPMC mapped normal-world memory (to zero or copy it) while a
  // partition still held it borrowed: zeroing on relinquish must come
  // after the borrower's access went.
  unsigned ns_maps_while_borrowed() const { return ns_maps_while_borrowed_; }
  // Declares [pa, pa + pages) (in the secure array) partition `id`'s own
  // lendable memory, mapped in its address space.
  void give_partition_memory(ffa::EndpointId id, uint64_t pa, uint32_t pages, bool writable);
  // Its own memory that it may not lend, mapped: its image (read-only and
  // executable) or its RX/TX pair (read-write).
  void give_partition_image(ffa::EndpointId id, uint64_t pa, uint32_t pages);
  void give_partition_buffers(ffa::EndpointId id, uint64_t pa, uint32_t pages);

  struct Page {
    bool writable = false;
    bool ns = false;
    bool own = false;   // the partition's own memory (not borrowed)
    bool exec = false;  // executable at the partition's level
  };
  // What partition `id` has mapped at `pa`, if anything.
  const Page* page(ffa::EndpointId id, uint64_t pa) const;
  // Pages partitions hold that are not their own (borrowed).
  size_t borrowed_pages() const;
  // Every (endpoint, page) mapping, for invariant checks.
  const std::map<std::pair<uint16_t, uint64_t>, Page>& pages() const { return pages_; }

 private:
  struct OwnRegion {
    uint16_t id;
    uint64_t base;
    uint32_t pages;
    bool writable;
  };
  const OwnRegion* own_region(ffa::EndpointId id, uint64_t pa, uint32_t pages) const;

  uint64_t base_;
  std::vector<uint8_t> memory_;
  std::vector<uint8_t> secure_;
  uint64_t pages_mapped_ = 0;
  bool fail_next_map_ = false;
  unsigned ns_maps_while_borrowed_ = 0;
  unsigned sris_raised_ = 0;
  unsigned sris_sent_elsewhere_ = 0;
  std::set<uint32_t> gic_pending_, gic_enabled_;
  std::map<uint32_t, unsigned> ended_;
  std::vector<uint32_t> own_handled_;
  unsigned retriggered_ = 0;
  std::vector<OwnRegion> own_;
  std::map<std::pair<uint16_t, uint64_t>, Page> pages_;
};

}  // namespace fake
