#include "sel2/hosted_vms.h"

#include "arch/aarch64/conduit.h"
#include "arch/aarch64/gicv3.h"
#include "arch/aarch64/sysreg.h"
#include "ffa/func.h"
#include "ffa/hf_interrupt.h"
#include "lib/log.h"
#include "sel2/core_lock.h"
#include "sel2/cpu_switch.h"
#include "sel2/stage2_fault.h"

namespace sel2 {
namespace {

// Stage 2, for both IPA spaces: T0SZ 25 (39-bit IPA), start at level 1
// (SL0 = 1), write-back walks, inner shareable, 4 KiB granule.
constexpr uint64_t kS2Common = 25 | (1ull << 6) | (1ull << 8) | (1ull << 10) | (3ull << 12);
// VTCR_EL2 (the non-secure IPA space): 40-bit PA (PS), RES1 bit 31, NSA:
// its output is non-secure physical memory.
constexpr uint64_t kVtcr = kS2Common | (2ull << 16) | (1ull << 31) | (1ull << 30);
// VSTCR_EL2 (the secure IPA space): T0SZ and SL0 (its walks' attributes
// are VTCR_EL2's); walks and output in secure memory (SW, SA clear).
constexpr uint64_t kVstcr = 25 | (1ull << 6);
// The first entry of a vCPU: EL1h, DAIF masked, MMU off (SCTLR_EL1 RES1).
constexpr uint64_t kSpsrEl1h = 0x3C5;
constexpr uint64_t kSctlrEl1Reset = 0x30D00800;
// The host timer (plat::kSel2HostTimerPpi says which, and why): the
// monitor sets it for us, so each CPU's setting is remembered and only a
// new deadline costs a call. Turning it off costs none: its interrupt is
// held back at this CPU's redistributor instead (masked), which is what
// the interrupt path needs once a deadline has passed (the timer's level
// would otherwise bring it straight back).
constexpr uint8_t kHostTimerPriority = 0x40;
struct HostTimerSetting {
  bool armed = false;   // the monitor's timer is on, for cval
  uint64_t cval = 0;
  bool masked = false;  // its PPI held back
};
constinit HostTimerSetting g_host_timer[plat::kMaxCpus] = {};
// Each CPU's affinity, as it booted: where its kick goes.
constinit uint64_t g_mpidr[plat::kMaxCpus] = {};
void host_timer_program(bool on, uint64_t cval) {
  ffa::Regs r{{plat::kSipSel2HostTimer, on ? 1u : 0u, on ? cval : 0}};
  arch_smc(&r);
}
// Lets CPU `cpu`'s host timer interrupt through its redistributor again.
void host_timer_let_through(unsigned cpu) {
  if (!g_host_timer[cpu].masked) return;
  arch::gicv3::set_ppi_enabled_on(plat::kSel2HostTimerPpi, cpu, true);
  g_host_timer[cpu].masked = false;
}
void host_timer_set(bool on, uint64_t cval) {
  const unsigned cpu = arch::cpu_index();
  if (cpu >= plat::kMaxCpus) return;
  HostTimerSetting& now = g_host_timer[cpu];
  if (!on) {
    if (now.armed && !now.masked) {
      arch::gicv3::set_ppi_enabled_on(plat::kSel2HostTimerPpi, cpu, false);
      now.masked = true;
    }
    return;
  }
  // The new deadline first, then the interrupt let through: a passed one
  // must not fire for the old deadline's sake.
  if (!now.armed || now.cval != cval) {
    host_timer_program(true, cval);
    now.armed = true;
    now.cval = cval;
  }
  host_timer_let_through(cpu);
}
}  // namespace

void HostedVms::add_next(size_t core_index, spmc::loading::Span memory) {
  records_[count_].core_index = core_index;
  records_[count_].takes_virtual_interrupts = core_.takes_virtual_interrupts(core_index);
  const unsigned contexts = core_.partition(core_index).info.exec_ctx_count;
  records_[count_].vcpu_count = contexts < spmc::Partition::kMaxContexts ? contexts : spmc::Partition::kMaxContexts;
  by_core_index_[core_index] = &records_[count_];
  memory_[count_] = memory;
  ++count_;
}

void HostedVms::init_cpu() {
  TESSERA_SYSREG_WRITE(vtcr_el2, kVtcr);
  TESSERA_SYSREG_WRITE(S3_4_C2_C6_2, kVstcr);  // VSTCR_EL2
  // MDCR_EL2: a partition's accesses to the debug registers (TDA, TDOSA,
  // TDRA) and the performance monitors (TPM, TPMCR) trap here: neither
  // world switch keeps them apart, so a partition could otherwise set
  // breakpoints or counters that the normal world would live with. The
  // trap stops the partition (an exception the SPMC does not serve).
  // HPMN: every counter stays EL1's to count with (as the CPU reports).
  // So do the statistical profiling controls (TPMS) and the trace filter
  // (TTRF), where the CPU has them.
  const uint64_t dfr0 = TESSERA_SYSREG_READ(id_aa64dfr0_el1);
  const uint64_t spe = ((dfr0 >> 32) & 0xF) != 0 ? 1ull << 14 : 0, trace_filter = ((dfr0 >> 40) & 0xF) != 0 ? 1ull << 19 : 0;
  TESSERA_SYSREG_WRITE(mdcr_el2, (1ull << 5) | (1ull << 6) | (1ull << 9) | (1ull << 10) | (1ull << 11) | spe |
                                     trace_filter | arch::pmu_event_counters());
  // CNTHCTL_EL2 (E2H = 1 layout): partitions read the physical counter
  // (EL1PCTEN, bit 10; S-EL0 ones both counters, EL0PCTEN and EL0VCTEN)
  // but the EL1 physical timer, one for both worlds, traps here (EL1PTEN,
  // bit 11, clear), where each vCPU's is emulated (physical_timer.h); so
  // do S-EL0 partitions' accesses to either timer (EL0PTEN, EL0VTEN clear).
  TESSERA_SYSREG_WRITE(cnthctl_el2, (1ull << 10) | (1ull << 0) | (1ull << 1));
  // The host timer that watches their deadlines: off, its interrupt
  // Secure Group 1 on this CPU.
  host_timer_program(false, 0);
  if (arch::cpu_index() < plat::kMaxCpus) g_host_timer[arch::cpu_index()] = HostTimerSetting{};
  arch::gicv3::configure_secure_private(plat::kSel2HostTimerPpi, kHostTimerPriority);
  // The kick, which makes a vCPU running here leave (kick): ours, and
  // where the other CPUs send it.
  arch::gicv3::configure_secure_private(plat::kSel2KickSgi, kHostTimerPriority);
  if (arch::cpu_index() < plat::kMaxCpus) g_mpidr[arch::cpu_index()] = arch::mpidr();
  // ICH_HCR_EL2: with IMO/FMO set, a partition's GIC CPU-interface
  // accesses go to the virtual interface, whose active-priority and list
  // registers hold the normal world's hypervisor's state (neither world
  // switch keeps them apart): they trap here (TC, TALL0, TALL1, TDIR),
  // and the partition is stopped, as for the debug registers.
  TESSERA_SYSREG_WRITE(S3_4_C12_C11_0, (1ull << 10) | (1ull << 11) | (1ull << 12) | (1ull << 14));
  arch::isb();
}

HostedVm* HostedVms::by_id(ffa::EndpointId id) {
  for (unsigned i = 0; i < count_; ++i)
    if (core_.partition(records_[i].core_index).info.id == id) return &records_[i];
  return nullptr;
}

void invalidate_vm(const HostedVm& vm) {
  const uint64_t vttbr = TESSERA_SYSREG_READ(vttbr_el2);
  TESSERA_SYSREG_WRITE(vttbr_el2, vm.vttbr());
  arch::isb();
  arch::dsb_ishst();
  __asm__ volatile("tlbi vmalls12e1is" ::: "memory");
  arch::dsb_ish();
  TESSERA_SYSREG_WRITE(vttbr_el2, vttbr);
  arch::isb();
}

void invalidate_all_vms() {
  arch::dsb_ishst();
  __asm__ volatile("tlbi alle1is" ::: "memory");
  arch::dsb_ish();
}

ffa::Status HostedVms::map_shared(ffa::EndpointId id, uint64_t pa, uint32_t pages, bool writable, bool ns) {
  if (HostedEl0* a = el0_by_id(id)) return a->space.map_shared(pa, pages, writable, ns);
  HostedVm* vm = by_id(id);
  if (!vm || pages == 0) return ffa::Error::invalid_parameters;
  arch::mmu::PageTable& s2 = ns ? *vm->ns_s2 : *vm->secure_s2;
  auto s = s2.map(pa, pa, uint64_t{pages} * spmc::kPageSize,
                  arch::mmu::Attrs{.type = arch::mmu::MemType::normal, .write = writable});
  if (!s) {
    // A map that ran out of tables took back the entries it had written,
    // which another CPU running one of the VM's vCPUs may have cached
    // meanwhile: gone from every TLB before the memory can go elsewhere.
    if (s.error() == arch::mmu::MapError::no_tables) invalidate_vm(*vm);
    return s.error() == arch::mmu::MapError::no_tables ? ffa::Error::no_memory : ffa::Error::invalid_parameters;
  }
  // New entries only (nothing was mapped there): the walks see them once
  // the writes are visible.
  arch::dsb_ishst();
  return {};
}

void HostedVms::unmap_shared(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
  if (HostedEl0* a = el0_by_id(id)) {
    if (!a->space.unmap_shared(pa, pages))
      lib::log::error("partition {:x}: unmapping shared memory {:x} (+{}) failed", id.raw(), pa, pages);
    return;
  }
  HostedVm* vm = by_id(id);
  if (!vm) return;
  const uint64_t size = uint64_t{pages} * spmc::kPageSize;
  // Normal-world memory is in its non-secure IPA space, another
  // partition's in its secure one: wherever the first page is.
  arch::mmu::PageTable& s2 = vm->ns_s2->lookup(pa) ? *vm->ns_s2 : *vm->secure_s2;
  if (!s2.unmap(pa, size)) lib::log::error("partition {:x}: stage-2 unmap {:x} (+{}) failed", id.raw(), pa, pages);
  s2.release_empty_tables(pa, size);
  // One invalidation covers both the entries and the tables let go: the
  // core's lock keeps the tables from being handed out again before it.
  invalidate_vm(*vm);
}

ffa::Result<uint8_t*> HostedVms::buffer_pages(ffa::EndpointId id, uint64_t ipa, uint32_t pages) {
  if (HostedEl0* a = el0_by_id(id)) return a->space.buffer_pages(ipa, pages);
  if (!region_owner(id, ipa, pages)) return ffa::Error::invalid_parameters;
  return reinterpret_cast<uint8_t*>(ipa);  // VA = PA
}

HostedVm* HostedVms::region_owner(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
  HostedVm* vm = by_id(id);
  if (!vm || pages == 0 || pages > (~uint64_t{0} - pa) / spmc::kPageSize) return nullptr;
  for (unsigned i = 0; i < vm->region_count; ++i)
    if (spmc::loading::inside(vm->regions[i], pa, uint64_t{pages} * spmc::kPageSize)) return vm;
  return nullptr;
}

ffa::Result<bool> HostedVms::own_access(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
  if (HostedEl0* a = el0_by_id(id)) return a->space.own_access(pa, pages);
  HostedVm* vm = region_owner(id, pa, pages);
  if (!vm) return ffa::Error::invalid_parameters;
  // Every page mapped in its secure IPA space now (a page it lent away is
  // not); writable where stage 2 lets it write (S2AP bit 7).
  bool writable = true;
  for (uint64_t a = pa; a < pa + uint64_t{pages} * spmc::kPageSize; a += spmc::kPageSize) {
    auto l = vm->secure_s2->lookup(a);
    if (!l) return ffa::Error::invalid_parameters;
    writable = writable && (l->descriptor & (1ull << 7)) != 0;
  }
  return writable;
}

// One pass over the vCPUs this CPU's host timer watches: the first whose
// deadline passed is reported (when `report`), the others' earliest
// deadline is the host timer's next.
size_t HostedVms::scan_timers(unsigned cpu, bool report) {
  const uint64_t now = arch::cntpct();
  size_t due = spmc::Placement::kNoPartition;
  bool any = false;
  uint64_t next = 0;
  for (unsigned i = 0; i < count_; ++i) {
    HostedVm& vm = records_[i];
    for (unsigned k = 0; k < vm.vcpu_count; ++k) {
      PhysicalTimer& t = vm.vcpus[k].ptimer;
      if (!t.watched() || t.home != cpu || !vm.vcpus[k].started) continue;
      if (report && due == spmc::Placement::kNoPartition && t.due(now)) {
        t.reported = true;
        due = vm.core_index;
        continue;
      }
      if (!any || t.cval < next) next = t.cval;
      any = true;
    }
  }
  // (Another deadline that passed too: at once.)
  host_timer_set(any, next);
  return due;
}

void HostedVms::rearm_host_timer(unsigned cpu) { (void)scan_timers(cpu, false); }

void HostedVms::watch_timer_here(Vcpu& v, unsigned cpu) {
  // The CPU it leaves finds nothing of it at its host timer's next
  // interrupt, and sets itself for what it still watches.
  v.ptimer.home = static_cast<uint8_t>(cpu);
  rearm_host_timer(cpu);
}

size_t HostedVms::timer_due_here() { return scan_timers(arch::cpu_index(), true); }

bool HostedVms::retrigger_timer(size_t core_index, unsigned context) {
  HostedVm* vm = by_core_index(core_index);
  if (!vm || context >= vm->vcpu_count) return false;
  Vcpu& v = vm->vcpus[context];
  if (!v.started || !v.ptimer.due(arch::cntpct())) return false;
  v.ptimer.reported = false;
  kick_host_timer(v.ptimer.home);
  return true;
}

void HostedVms::kick(size_t core_index, unsigned vcpu) {
  const HostedVm* vm = by_core_index(core_index);
  if (!vm) return;  // an S-EL0 partition: no virtual lines
  const unsigned here = arch::cpu_index();
  for (unsigned k = 0; k < vm->vcpu_count; ++k) {
    if (vcpu != spmc::Placement::kEveryContext && k != vcpu) continue;
    const unsigned cpu = vm->vcpus[k].running_on_plus_one - 1u;
    // (One that runs here has left already: it is entered with its lines
    // as they are.)
    if (vm->vcpus[k].running_on_plus_one != 0 && cpu < plat::kMaxCpus && cpu != here)
      arch::gicv3::send_sgi(plat::kSel2KickSgi, g_mpidr[cpu]);
  }
}

void HostedVms::kick_host_timer(unsigned cpu) {
  // Let through (it may be held back: host_timer_set) and pending on that
  // CPU: its interrupt path scans the deadlines it watches.
  if (cpu >= plat::kMaxCpus) return;
  host_timer_let_through(cpu);
  arch::gicv3::set_ppi_pending_on(plat::kSel2HostTimerPpi, cpu);
}

namespace {
// A partition's own memory as the loader maps it (partition_loader.cpp).
constexpr arch::mmu::Attrs kOwnMemory{.type = arch::mmu::MemType::normal, .write = true, .exec = true};
}  // namespace

ffa::Status HostedVms::revoke_own(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
  if (HostedEl0* a = el0_by_id(id)) return a->space.revoke_own(pa, pages);
  HostedVm* vm = region_owner(id, pa, pages);
  if (!vm) return ffa::Error::invalid_parameters;
  // Page by page, so that a failure (no table left to split a block)
  // leaves the range as it was: what was taken out goes back.
  uint64_t done = 0;
  const uint64_t size = uint64_t{pages} * spmc::kPageSize;
  for (; done < size; done += spmc::kPageSize)
    if (!vm->secure_s2->unmap(pa + done, spmc::kPageSize)) break;
  if (done < size && done != 0 && !vm->secure_s2->map(pa, pa, done, kOwnMemory))
    lib::log::error("partition {:x}: putting back its memory {:x} (+{:x}) failed", id.raw(), pa, done);
  // Gone from every CPU's TLB before anyone else is given the pages (and
  // no stale entry left where a failure put them back).
  if (done != 0) invalidate_vm(*vm);
  if (done < size) return ffa::Error::no_memory;
  return {};
}

void HostedVms::restore_own(ffa::EndpointId id, uint64_t pa, uint32_t pages) {
  if (HostedEl0* a = el0_by_id(id)) {
    if (!a->space.restore_own(pa, pages))
      lib::log::error("partition {:x}: giving back its memory {:x} (+{}) failed", id.raw(), pa, pages);
    return;
  }
  HostedVm* vm = region_owner(id, pa, pages);
  if (!vm) return;
  auto s = vm->secure_s2->map(pa, pa, uint64_t{pages} * spmc::kPageSize, kOwnMemory);
  if (!s) lib::log::error("partition {:x}: giving back its memory {:x} (+{}) failed", id.raw(), pa, pages);
  arch::dsb_ishst();
}

void HostedVms::cpu_going_off(unsigned cpu) {
  if (cpu < plat::kMaxCpus) boot_pending_[cpu] = true;
  bool moved = false;
  for (unsigned i = 0; i < count_; ++i) {
    HostedVm& vm = records_[i];
    const spmc::Partition& p = core_.partition(vm.core_index);
    if (p.mp() && cpu < p.info.exec_ctx_count && cpu < spmc::Partition::kMaxContexts) {
      // It starts afresh when the CPU comes back: its timer with it.
      vm.vcpus[cpu].started = false;
      vm.vcpus[cpu].ptimer = PhysicalTimer{};
    }
    // A UP vCPU's timer watched here moves to the boot CPU, which stays on
    // (Sel2Placement::cpu_going_off): its deadline, passed or not, is
    // looked at there afresh.
    if (!p.mp() && vm.vcpus[0].ptimer.home == cpu && vm.vcpus[0].ptimer.interrupts()) {
      vm.vcpus[0].ptimer.home = 0;
      vm.vcpus[0].ptimer.reported = false;
      moved = true;
    }
  }
  host_timer_set(false, 0);
  if (moved) kick_host_timer(0);
}

spmc::Outcome HostedVms::run(spmc::Outcome outcome, ffa::Regs& out) {
  spmc::Core& core = core_;
  const unsigned cpu = arch::cpu_index();
  while (outcome == spmc::Outcome::run_partition || outcome == spmc::Outcome::resume_partition) {
    const size_t index = core.scheduled();
    if (HostedEl0* a = el0_by_core_index_[index]) {
      outcome = run_el0(index, *a, outcome, out);
      continue;
    }
    HostedVm* vm = by_core_index(index);
    if (!vm) {  // cannot happen: the core schedules only partitions we added
      outcome = core.sp_aborted(index, out);
      continue;
    }
    const spmc::Partition& p = core.partition(index);
    const unsigned vcpu = p.mp() ? cpu : 0;
    Vcpu& v = vm->vcpus[vcpu];
    // A message for it (run_partition) is `out`, which it is entered with;
    // otherwise it resumes with its own registers.
    const ffa::Regs* call = &v.regs.call;
    if (outcome == spmc::Outcome::run_partition) {
      if (v.started) {
        call = &out;
      } else {
        // Its cold boot: MMU off at its entry (vCPU 0: the image's, with
        // the boot information; another: where FFA_SECONDARY_EP_REGISTER
        // said), EL1 state reset. Whatever this CPU holds of its earlier
        // life goes first (saved, then overwritten below).
        if (g_el1_holder[cpu] == &v) give_el1_back(cpu);
        if (g_sve_owner[cpu] == &v) give_sve_back(cpu);
        v.regs = VcpuRegs{};
        v.el1 = El1Regs{};
        v.el1.sctlr_el1 = kSctlrEl1Reset;
        v.regs.spsr = kSpsrEl1h;
        v.pinned = p.mp();
        if (vcpu == 0) {
          v.regs.elr = vm->entry;
          for (unsigned i = 0; i < 4; ++i) v.regs.x[i] = vm->boot_x[i];
        } else {
          v.regs.elr = p.secondary_entry;
          v.regs.x[0] = vcpu;
        }
        v.started = true;
        if (g_fp_owner[cpu] == &v) g_fp_owner[cpu] = nullptr;
        v.fp = FpState{};
        v.sve = SveState{};
        v.cntv_ctl = v.cntv_cval = 0;
        v.ptimer = PhysicalTimer{};
      }
    }
    // A UP vCPU's timer is watched where it runs: a deadline that passes
    // while it runs here must interrupt it here, which the host timer of
    // the CPU it set it on cannot do.
    if (!v.pinned && v.ptimer.home != cpu && v.ptimer.watched()) [[unlikely]]
      watch_timer_here(v, cpu);
    // Its VM's translation and identity on this CPU, its EL1 registers.
    TESSERA_SYSREG_WRITE(vttbr_el2, vm->vttbr());
    TESSERA_SYSREG_WRITE(S3_4_C2_C6_0, vm->secure_s2->root_address());  // VSTTBR_EL2
    TESSERA_SYSREG_WRITE(vmpidr_el2, (1ull << 31) | vcpu);
    uint64_t hcr = kHcrVcpu;
    // Its lines as they are now; while it runs, where it runs, for a kick
    // when they rise (kick: only partitions that can have lines up get
    // one, and so only theirs pay for being found).
    const bool lines_in_use = vm->takes_virtual_interrupts;
    if (lines_in_use) [[unlikely]] {
      const spmc::Core::VirtualLines lines = core.virtual_lines(index, vcpu);
      hcr |= (lines.irq ? kHcrVi : 0) | (lines.fiq ? kHcrVf : 0);
      v.running_on_plus_one = static_cast<uint8_t>(cpu + 1);
    }
    TESSERA_SYSREG_WRITE(hcr_el2, hcr);
    TESSERA_SYSREG_WRITE(cptr_el2, (g_fp_owner[cpu] == &v ? kCptrFpAllowed : kCptrTrapAll) |
                                        (g_sve_owner[cpu] == &v ? kCptrSveAllowed : 0));
    load_el1(cpu, v);
    const uint64_t pmr = hold_ns_interrupts(core.ns_interrupts_unmasked(index, vcpu));
    // The EL1 virtual timer is one for both worlds and every vCPU, and
    // cannot be trapped (without FEAT_ECV): the normal world's is parked
    // while a partition runs and put back; the vCPU's own is put in (it
    // keeps it from one run to the next: a deadline it set is still set,
    // or has passed, on its next run). With E2H set, CNTV_CTL_EL02 and
    // CNTV_CVAL_EL02 (S3_5_C14_C3_1, _2) are the EL1 virtual timer's names
    // here (CNTV_*_EL0 would be the EL2 one's).
    // Its deadline always (the normal world's must not show through, even
    // with its timer off), its control where it is on.
    const uint64_t cntv_ctl = TESSERA_SYSREG_READ(S3_5_C14_C3_1), cntv_cval = TESSERA_SYSREG_READ(S3_5_C14_C3_2);
    TESSERA_SYSREG_WRITE(S3_5_C14_C3_1, 0);
    TESSERA_SYSREG_WRITE(S3_5_C14_C3_2, v.cntv_cval);
    if (v.cntv_ctl != 0) [[unlikely]] {
      TESSERA_SYSREG_WRITE(S3_5_C14_C3_1, v.cntv_ctl);
    }
    arch::isb();
    // The partition runs without the core's lock: the core has marked its
    // context running, so no other CPU enters it.
    unlock_core();
    const Exit exit = sel2_vcpu_run(&v.regs, call);
    lock_core();
    // Virtual lines down while S-EL2 runs (the monitor switches HCR_EL2
    // for the normal world, but not every model recomputes them then).
    // (Whether it had them as it was entered: another vCPU's exit may
    // have changed takes_virtual_interrupts meanwhile.)
    if (lines_in_use) [[unlikely]] {
      TESSERA_SYSREG_WRITE(hcr_el2, kHcrVcpu);
      v.running_on_plus_one = 0;
    }
    TESSERA_SYSREG_WRITE(cptr_el2, kCptrTrapAll);
    // A UP vCPU may next run on another CPU: its predicates and FP
    // registers go back to its record now, if it holds this CPU's.
    if (!v.pinned && g_sve_owner[cpu] == &v) [[unlikely]]
      give_sve_back(cpu);
    if (!v.pinned && g_fp_owner[cpu] == &v) take_fp(cpu, nullptr);
    // Its deadline whether its timer is on or not: a value it wrote is its
    // own to read back, and to enable later.
    v.cntv_ctl = TESSERA_SYSREG_READ(S3_5_C14_C3_1) & 3;  // ENABLE, IMASK (ISTATUS is the timer's to say)
    v.cntv_cval = TESSERA_SYSREG_READ(S3_5_C14_C3_2);
    TESSERA_SYSREG_WRITE(S3_5_C14_C3_1, 0);
    TESSERA_SYSREG_WRITE(S3_5_C14_C3_2, cntv_cval);
    TESSERA_SYSREG_WRITE(S3_5_C14_C3_1, cntv_ctl);
    put_back_pmr(pmr);
    outcome = on_exit(index, v, exit, out);
  }
  // The answer goes to the normal world (or the monitor): its EL1
  // registers, ZCR_EL2 and ZCR_EL1 back.
  give_el1_back(cpu);
  if (g_sve_owner[cpu]) [[unlikely]]
    give_sve_back(cpu);
  return outcome;
}

spmc::Outcome HostedVms::on_exit(size_t index, Vcpu& v, Exit exit, ffa::Regs& out) {
  spmc::Core& core = core_;
  const uint64_t ec = v.regs.esr >> 26;
  // Its calls: by HVC, or by SMC trapped here (which returns to the
  // instruction after it; an HVC's ELR is already past it).
  const bool call = exit == Exit::sync && (ec == kEcHvc64 || ec == kEcSmc64);
  if (call && ec == kEcSmc64) v.regs.elr += 4;
  spmc::Outcome outcome;
  if (common_exit(core, index, v, exit, call, outcome, out)) return outcome;
  if (exit == Exit::sync && ec == kEcSve) {
    // Its first SVE instruction of this visit: its FP registers and
    // predicates come in (cpu_switch.h), and the instruction runs again.
    take_sve(arch::cpu_index(), v);
    return core.carry_on(index, out);
  }
  const ffa::EndpointId id = core.partition(index).info.id;
  if (exit == Exit::sync && (ec == kEcDataAbortLow || ec == kEcInstAbortLow)) {
    const Stage2Fault fault{v.regs.esr, v.regs.hpfar, v.regs.far};
    const uint64_t ipa = fault.ipa();
    const HostedVm& vm = *by_core_index(index);
    if (stage2_fault_passed(*vm.secure_s2, *vm.ns_s2, fault))
      return core.carry_on(index, out);  // the access runs again
    lib::log::error("partition {:x}: stage-2 fault at IPA {:x} (ESR {:x}, ELR {:x}): memory not its own; it is "
                    "stopped for good",
                    id.raw(), ipa, v.regs.esr, v.regs.elr);
  } else if (exit == Exit::sync && ec == kEcSme) {
    lib::log::error("partition {:x}: SME trapped (ESR {:x}, ELR {:x}): not for partitions; it is stopped for good",
                    id.raw(), v.regs.esr, v.regs.elr);
  } else if (exit == Exit::sync && ec == kEcSysreg) {
    const uint64_t now = arch::cntpct();
    const bool could_interrupt = v.ptimer.interrupts();
    if (emulate_physical_timer_access(v.regs, v.ptimer, now)) {
      if (!(v.regs.esr & 1)) {  // a write: this CPU's host timer watches it now
        v.ptimer.home = static_cast<uint8_t>(arch::cpu_index());
        // Its interrupt may come on its virtual line while one of its
        // vCPUs' timers can interrupt (and no longer once none can: a
        // partition that does not use its lines pays nothing for them).
        if (v.ptimer.interrupts() != could_interrupt) {
          HostedVm& vm = *by_core_index(index);
          bool timers = false;
          for (unsigned k = 0; k < vm.vcpu_count; ++k) timers = timers || vm.vcpus[k].ptimer.interrupts();
          vm.takes_virtual_interrupts = core.takes_virtual_interrupts(index) || timers;
          core.timers_in_use(index, timers);
        }
        // Off, masked or not yet due: the level went down, and an
        // interrupt for an earlier deadline it has not taken goes.
        if (!v.ptimer.due(now)) core.timer_quiet(index);
        rearm_host_timer(arch::cpu_index());
      }
      return core.carry_on(index, out);
    }
    if ((v.regs.spsr & 0xF) == 0) {  // from its EL0 (EL0t): its EL1's to deal with
      undef_at_el1_from_el0(v);
      return core.carry_on(index, out);
    }
    lib::log::error("partition {:x}: system register access trapped (ESR {:x}, ELR {:x}): debug, PMU, physical "
                    "timer and GIC registers are not a partition's; it is stopped for good",
                    id.raw(), v.regs.esr, v.regs.elr);
  } else {
    lib::log::error("partition {:x}: exception {} ESR {:x} ELR {:x} FAR {:x} not served at S-EL2; it is stopped for "
                    "good",
                    id.raw(), static_cast<uint64_t>(exit), v.regs.esr, v.regs.elr, v.regs.far);
  }
  return core.sp_aborted(index, out);
}

}  // namespace sel2
