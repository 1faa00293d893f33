// The partitions the secure hypervisor hosts (placement B), and the run
// loop that carries out the core's run_partition outcomes for them:
// - S-EL1 partitions (hosted_vms.cpp): each a VM with its own VMID and
//   stage-2 translation (its secure IPA space, VSTTBR_EL2; its non-secure
//   one, VTTBR_EL2, empty until memory sharing maps into it), one vCPU
//   per execution context;
// - S-EL0 partitions (hosted_el0.cpp), as Hafnium hosts them: run at EL0
//   in the hypervisor's own EL2&0 regime (HCR_EL2.TGE), each with its own
//   stage-1 tables and ASID, one context.
// partition_loader.cpp fills the records.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "arch/aarch64/el0_address_space.h"
#include "arch/aarch64/pgtable.h"
#include "ffa/partition_manifest.h"
#include "ffa/regs.h"
#include "plat/qemu_virt/memory_map.h"
#include "sel2/physical_timer.h"
#include "sel2/vcpu.h"
#include "spmc/core.h"
#include "spmc/partition_plan.h"

namespace sel2 {

struct Vcpu {
  VcpuRegs regs;
  El1Regs el1;           // as of its last exit (in the CPU only while it runs: cpu_switch.h)
  FpState fp;            // as of the last time another vCPU took its CPU's FP registers
  SveState sve;          // as of the last time it gave its CPU's predicates back (cpu_switch.h)
  // Its EL1 virtual timer (CNTV_CTL_EL0, CNTV_CVAL_EL0) as of its last
  // exit: the timer is one for both worlds and every vCPU, so each keeps
  // its own and the normal world's goes back at every exit.
  uint64_t cntv_ctl = 0, cntv_cval = 0;
  PhysicalTimer ptimer;  // its EL1 physical timer, emulated
  bool started = false;  // its first entry is done
  bool pinned = false;   // an MP partition's: it only ever runs on one CPU
  // The CPU it runs on, from entry to exit (none between), under the
  // core's lock: where a kick for it goes (HostedVms::kick). Kept for
  // vCPUs of partitions that can have lines up (takes_virtual_interrupts)
  // alone. The CPU's index plus one, 0 for none: a Vcpu stays all zeros
  // until used, so that the records need no constructor at boot.
  uint8_t running_on_plus_one = 0;
};

struct HostedVm {
  static constexpr unsigned kMaxRegions = ffa::PartitionManifest::kMaxMemoryRegions;
  uint16_t vmid;
  // Whether its partition can ever have a virtual line up (it owns
  // interrupts, asks for managed exit or takes notifications): checked at
  // every entry.
  bool takes_virtual_interrupts = false;
  size_t core_index;
  std::optional<arch::mmu::PageTable> secure_s2, ns_s2;
  // VTTBR_EL2 for it: its non-secure IPA space's tables, its VMID.
  uint64_t vttbr() const { return ns_s2->root_address() | (uint64_t{vmid} << 48); }
  // Its declared memory regions (where it may place its RX/TX pair).
  spmc::loading::Span regions[kMaxRegions];
  unsigned region_count;
  uint64_t entry;      // load address + entrypoint-offset
  uint64_t boot_x[4];  // x0-x3 at the first entry of vCPU 0 (boot information)
  Vcpu vcpus[spmc::Partition::kMaxContexts];
  unsigned vcpu_count = 0;  // its execution contexts: vcpus[0, vcpu_count)
};

// An S-EL0 partition: one context (S-EL0 partitions are UP), its
// registers in `vcpu.regs` (regs.ttbr0: its tables and ASID) and its FP
// state in `vcpu.fp`; its EL1 registers and timers mean nothing.
struct HostedEl0 {
  size_t core_index;
  uint16_t asid;
  Vcpu vcpu;
  // Its thread ID registers, which EL0 shares with EL1: its own, never
  // another partition's or a vCPU's.
  uint64_t tpidr_el0 = 0, tpidrro_el0 = 0;
  arch::el0::El0AddressSpace space;
  uint64_t boot_x[4];  // x0-x3 at its first entry (boot information)
};

class HostedVms {
 public:
  static constexpr unsigned kMax = 10;    // S-EL1 partitions
  static constexpr unsigned kMaxEl0 = 8;  // S-EL0 partitions

  explicit HostedVms(spmc::Core& core) : core_(core) {}
  HostedVms(const HostedVms&) = delete;
  HostedVms& operator=(const HostedVms&) = delete;

  spmc::Core& core() const { return core_; }

  // Loading (partition_loader.cpp).
  unsigned count() const { return count_; }
  bool full() const { return count_ == kMax; }
  std::span<const spmc::loading::Span> memory() const { return {memory_, count_}; }
  HostedVm& next() { return records_[count_]; }
  void add_next(size_t core_index, spmc::loading::Span memory);
  bool el0_full() const { return el0_count_ == kMaxEl0; }
  unsigned el0_count() const { return el0_count_; }
  HostedEl0& next_el0() { return el0_[el0_count_]; }
  // The ASID the next S-EL0 partition gets (1, 2, ...: 0 is ours).
  uint16_t next_asid() const { return static_cast<uint16_t>(el0_count_ + 1); }
  void add_el0(size_t core_index);

  // This CPU's cold boot (the primary's, or a secondary's at PSCI
  // CPU_ON): its stage-2 controls (VTCR_EL2, VSTCR_EL2), and no vCPU's EL1
  // registers held (the monitor starts the CPU with reset ones). EL2
  // settings (all but HCR, CPTR, VTTBR, VMPIDR, TPIDR and SP: el3/context.h)
  // are written here, while the CPU boots, and never after: the monitor
  // saves them once, at this CPU's first FFA_MSG_WAIT, and puts them back
  // at every entry.
  static void init_cpu();
  // PSCI CPU_OFF of this CPU, which the core agreed to: MP partitions'
  // contexts for it start from their secondary entry again when the CPU
  // comes back. Tessera's SPMD enters the SPMC's cold boot there at
  // CPU_ON (main.cpp boots them before the normal world runs, and calls
  // booted); a monitor that resumed only the normal world would leave them
  // to the first call it hands over on the CPU (boot_pending).
  void cpu_going_off(unsigned cpu);
  bool boot_pending(unsigned cpu) const { return cpu < plat::kMaxCpus && boot_pending_[cpu]; }
  void booted(unsigned cpu) {
    if (cpu < plat::kMaxCpus) boot_pending_[cpu] = false;
  }

  // FFA_MEM_PERM_GET/SET from S-EL0 partition `id` (the S-EL1 ones have
  // their own stage 1, which is theirs to change).
  ffa::Result<uint32_t> mem_perm_get(ffa::EndpointId id, uint64_t va);
  ffa::Status mem_perm_set(ffa::EndpointId id, uint64_t va, uint32_t pages, uint32_t perm);

  // Memory shared with partition `id` (the placement's hooks,
  // spmc/placement.h). An S-EL0 partition's: in its stage-1 tables, at VA
  // = PA (el0_address_space.h). An S-EL1 partition's: mapped into its stage 2 at IPA = PA, normal-world
  // memory in its non-secure IPA space, another partition's in its secure
  // one; never executable. Unmapping invalidates the VM's TLB entries.
  ffa::Status map_shared(ffa::EndpointId id, uint64_t pa, uint32_t pages, bool writable, bool ns);
  void unmap_shared(ffa::EndpointId id, uint64_t pa, uint32_t pages);
  // FFA_RXTX_MAP from partition `id`: [ipa, ipa + pages) inside one of its
  // declared memory regions; where the SPMC reaches it (VA = PA).
  ffa::Result<uint8_t*> buffer_pages(ffa::EndpointId id, uint64_t ipa, uint32_t pages);
  // A partition lending, sharing or donating its own memory (the
  // placement's hooks): own_access says whether [pa, pa + pages) lies in
  // one of its declared memory regions and it holds every page now (mapped
  // in its secure IPA space), and whether writable; revoke_own takes the
  // pages out of its stage 2 (lend, donate), restore_own puts them back as
  // loaded (reclaim).
  ffa::Result<bool> own_access(ffa::EndpointId id, uint64_t pa, uint32_t pages);
  ffa::Status revoke_own(ffa::EndpointId id, uint64_t pa, uint32_t pages);
  void restore_own(ffa::EndpointId id, uint64_t pa, uint32_t pages);

  // Carries out run_partition and resume_partition outcomes until the core
  // says where the answer goes (reply_to_caller) or that boot is over
  // (boot_done). Called with the core's lock held; lets go of it while a
  // vCPU runs.
  spmc::Outcome run(spmc::Outcome outcome, ffa::Regs& out);

  // Partition `core_index`'s lines rose (Placement::lines_raised): its
  // vCPU `vcpu` (or each, for kEveryContext) that runs on another CPU is
  // kicked out (plat::kSel2KickSgi) and entered again with them. Under
  // the core's lock.
  void kick(size_t core_index, unsigned vcpu);

  // vCPUs' EL1 physical timers (physical_timer.h), under the core's lock.
  // The host timer fired on this CPU: the core index of a partition whose
  // vCPU's deadline passed, reported once (kNoPartition: none), and the
  // host timer set for the next deadline it watches.
  size_t timer_due_here();
  // The core could not tell the context yet: report its deadline again,
  // on the CPU whose host timer watches it, once the normal world runs
  // there; false when it is no longer due (nothing to report).
  bool retrigger_timer(size_t core_index, unsigned context);

 private:
  HostedVm* by_core_index(size_t core_index) { return by_core_index_[core_index]; }
  HostedVm* by_id(ffa::EndpointId id);
  HostedEl0* el0_by_id(ffa::EndpointId id);
  // One run of S-EL0 partition `a` (the core's `index`), and what its exit
  // asks of the core (hosted_el0.cpp).
  spmc::Outcome run_el0(size_t index, HostedEl0& a, spmc::Outcome outcome, ffa::Regs& out);
  spmc::Outcome on_el0_exit(size_t index, HostedEl0& a, Exit exit, ffa::Regs& out);
  // Partition `id`'s VM if [pa, pa + pages) lies in one of its declared
  // memory regions.
  HostedVm* region_owner(ffa::EndpointId id, uint64_t pa, uint32_t pages);
  // What a vCPU's exit asks of the core (or answers at once: SMCCC and
  // PSCI calls, which are not FF-A's).
  spmc::Outcome on_exit(size_t index, Vcpu& v, Exit exit, ffa::Regs& out);
  // Sets this CPU's host timer for the earliest deadline among the vCPUs
  // it watches (off when none).
  void rearm_host_timer(unsigned cpu);
  // A UP vCPU about to run on this CPU (`cpu`) whose timer another CPU's
  // host timer watches: this CPU's watches it from now on.
  [[gnu::cold]] void watch_timer_here(Vcpu& v, unsigned cpu);
  size_t scan_timers(unsigned cpu, bool report);
  // Makes CPU `cpu`'s host timer interrupt come (once the normal world
  // runs there), for its deadlines to be looked at again.
  static void kick_host_timer(unsigned cpu);

  spmc::Core& core_;
  HostedVm records_[kMax] = {};
  spmc::loading::Span memory_[kMax] = {};
  unsigned count_ = 0;
  HostedVm* by_core_index_[spmc::kMaxPartitions] = {};
  HostedEl0 el0_[kMaxEl0] = {};
  unsigned el0_count_ = 0;
  HostedEl0* el0_by_core_index_[spmc::kMaxPartitions] = {};
  volatile bool boot_pending_[plat::kMaxCpus] = {};
};

// The TLB maintenance an S-EL0 partition's tables call when an entry
// changed (PageTable's invalidate): that VA under its ASID, every CPU.
void (*el0_invalidate(uint16_t asid))(uint64_t va);

// After a VM's stage-2 entries changed (unmapped or made narrower): its
// TLB entries, stage 1 and stage 2, on every CPU.
void invalidate_vm(const HostedVm& vm);
// Every VM's stage-1 and stage-2 TLB entries, on every CPU (the secure
// EL1&0 regime, all VMIDs): the break in a stage-2 block's split
// (arch::mmu::PageTable::set_split_invalidate), rare enough not to look
// up whose VMID it is.
void invalidate_all_vms();

// Loads every partition the SPMC manifest names (their packages staged by
// the monitor); each one refused is logged and left out. Returns how many
// loaded.
unsigned load_partitions(const ffa::CoreManifest& manifest, HostedVms& vms);

}  // namespace sel2
