// S-EL0 partitions under the secure hypervisor, as Hafnium hosts them:
// each runs at EL0 in the hypervisor's own EL2&0 translation regime
// (HCR_EL2.{E2H, TGE}), with stage-1 tables of its own under its ASID
// that hold its memory and the trampoline page (vectors.S). It calls
// FF-A by SVC; its exceptions and every physical interrupt come to S-EL2.
// It takes no virtual interrupts (FF-A v1.2 section 8.3): the core tells
// it of its own by FFA_INTERRUPT when it waits, as under the S-EL1 SPMC.
#include "arch/aarch64/sysreg.h"
#include "lib/log.h"
#include "sel2/core_lock.h"
#include "sel2/cpu_switch.h"
#include "sel2/hosted_vms.h"

namespace sel2 {
namespace {

// TLB maintenance for one S-EL0 partition's tables: the VA under its ASID
// (E2H set: TLBI VAE2IS takes the ASID in [63:48]), every CPU.
template <uint16_t Asid>
void invalidate_asid_va(uint64_t va) {
  arch::dsb_ishst();
  __asm__ volatile("tlbi vae2is, %0" ::"r"((uint64_t{Asid} << 48) | (va >> 12)) : "memory");
  arch::dsb_ish();
  arch::isb();
}
constexpr void (*kInvalidate[HostedVms::kMaxEl0])(uint64_t) = {
    invalidate_asid_va<1>, invalidate_asid_va<2>, invalidate_asid_va<3>, invalidate_asid_va<4>,
    invalidate_asid_va<5>, invalidate_asid_va<6>, invalidate_asid_va<7>, invalidate_asid_va<8>};

// PSTATE for its next entry: EL0t with no interrupt masked (its
// interrupts go to S-EL2, where PSTATE at EL0 cannot hold them back: the
// normal world's wait behind the priority mask instead), its condition
// flags (NZCV) as it left them: one an interrupt stopped between a
// compare and its branch must find the flags it set.
constexpr uint64_t kSpsrNzcv = 0xFull << 28;

}  // namespace

void (*el0_invalidate(uint16_t asid))(uint64_t va) {
  return asid >= 1 && asid <= HostedVms::kMaxEl0 ? kInvalidate[asid - 1] : nullptr;
}

void HostedVms::add_el0(size_t core_index) {
  el0_[el0_count_].core_index = core_index;
  el0_by_core_index_[core_index] = &el0_[el0_count_];
  ++el0_count_;
}

HostedEl0* HostedVms::el0_by_id(ffa::EndpointId id) {
  for (unsigned i = 0; i < el0_count_; ++i)
    if (core_.partition(el0_[i].core_index).info.id == id) return &el0_[i];
  return nullptr;
}

ffa::Result<uint32_t> HostedVms::mem_perm_get(ffa::EndpointId id, uint64_t va) {
  HostedEl0* a = el0_by_id(id);
  if (!a) return ffa::Error::not_supported;  // an S-EL1 partition's stage 1 is its own
  return a->space.mem_perm_get(va);
}

ffa::Status HostedVms::mem_perm_set(ffa::EndpointId id, uint64_t va, uint32_t pages, uint32_t perm) {
  HostedEl0* a = el0_by_id(id);
  if (!a) return ffa::Error::not_supported;
  return a->space.mem_perm_set(va, pages, perm);
}

spmc::Outcome HostedVms::run_el0(size_t index, HostedEl0& a, spmc::Outcome outcome, ffa::Regs& out) {
  spmc::Core& core = core_;
  const unsigned cpu = arch::cpu_index();
  Vcpu& v = a.vcpu;
  if (outcome == spmc::Outcome::run_partition) {
    ffa::copy_regs(v.regs.call, out);
    if (!v.started) {
      // First entry: x0-x3 as the boot information protocol says.
      for (unsigned i = 0; i < 4; ++i) v.regs.x[i] = a.boot_x[i];
      v.started = true;
    }
  }
  v.regs.spsr &= kSpsrNzcv;  // EL0t
  // The core's lock goes while it runs: a UP vCPU whose EL1 registers this
  // CPU holds (one that answered this partition, say) may then be entered
  // on another CPU, so they go back to its record first. (A pinned
  // vCPU's may stay: no other CPU runs it.)
  if (g_el1_holder[cpu] && !g_el1_holder[cpu]->pinned) give_el1_back(cpu);
  // The EL0 registers it uses (SP_EL0, TPIDR_EL0, TPIDRRO_EL0) belong to
  // the normal world or to the vCPU whose EL1 registers the CPU holds
  // (cpu_switch.h): parked, and put back after. (The trampoline gives it
  // its SP_EL0.)
  const uint64_t world_sp_el0 = TESSERA_SYSREG_READ(sp_el0), world_tpidr = TESSERA_SYSREG_READ(tpidr_el0),
                 world_tpidrro = TESSERA_SYSREG_READ(tpidrro_el0);
  TESSERA_SYSREG_WRITE(tpidr_el0, a.tpidr_el0);
  TESSERA_SYSREG_WRITE(tpidrro_el0, a.tpidrro_el0);
  // The normal world's EL0 access to its PMU (PMUSERENR_EL0, which no
  // world switch moves) is not the partition's: with TGE set MDCR_EL2's
  // PMU traps do not reach EL0, so it is 0 while the partition runs (and
  // its accesses UNDEFINED, a fault that stops it), where there is a PMU.
  static const bool pmu = arch::pmu_present();
  const uint64_t world_pmuserenr = pmu ? TESSERA_SYSREG_READ(pmuserenr_el0) : 0;
  if (world_pmuserenr != 0) [[unlikely]] {
    TESSERA_SYSREG_WRITE(pmuserenr_el0, 0);
  }
  TESSERA_SYSREG_WRITE(hcr_el2, kHcrEl0);
  TESSERA_SYSREG_WRITE(cptr_el2, g_fp_owner[cpu] == &v ? kCptrFpAllowed : kCptrTrapAll);
  const uint64_t pmr = hold_ns_interrupts(core.ns_interrupts_unmasked(index));
  arch::isb();
  // Without the core's lock, as a vCPU runs: the core marked it running.
  unlock_core();
  const Exit exit = sel2_el0_run(&v.regs);
  lock_core();
  // TGE off again before anything else here (TLB maintenance by the *E1
  // operations would act on the EL2&0 regime with it set).
  TESSERA_SYSREG_WRITE(hcr_el2, kHcrVcpu);
  TESSERA_SYSREG_WRITE(cptr_el2, kCptrTrapAll);
  arch::isb();
  a.tpidr_el0 = TESSERA_SYSREG_READ(tpidr_el0);  // (TPIDRRO_EL0 is read-only at EL0)
  TESSERA_SYSREG_WRITE(sp_el0, world_sp_el0);
  TESSERA_SYSREG_WRITE(tpidr_el0, world_tpidr);
  TESSERA_SYSREG_WRITE(tpidrro_el0, world_tpidrro);
  if (world_pmuserenr != 0) [[unlikely]] {
    TESSERA_SYSREG_WRITE(pmuserenr_el0, world_pmuserenr);
  }
  // It may next run on another CPU: its FP registers go back to its
  // record now, if it holds this CPU's.
  if (g_fp_owner[cpu] == &v) take_fp(cpu, nullptr);
  put_back_pmr(pmr);
  return on_el0_exit(index, a, exit, out);
}

spmc::Outcome HostedVms::on_el0_exit(size_t index, HostedEl0& a, Exit exit, ffa::Regs& out) {
  spmc::Core& core = core_;
  Vcpu& v = a.vcpu;
  const uint64_t ec = v.regs.esr >> 26;
  // Its FF-A calls come by SVC (ELR is past it already).
  spmc::Outcome outcome;
  if (common_exit(core, index, v, exit, exit == Exit::sync && ec == kEcSvc64, outcome, out)) return outcome;
  lib::log::error("partition {:x} faulted at S-EL0: exception {} ESR {:x} ELR {:x} FAR {:x}; it is stopped for good",
                  core.partition(index).info.id.raw(), static_cast<uint64_t>(exit), v.regs.esr, v.regs.elr,
                  v.regs.far);
  return core.sp_aborted(index, out);
}

}  // namespace sel2
