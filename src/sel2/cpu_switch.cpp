#include "sel2/cpu_switch.h"

#include "arch/aarch64/sysreg.h"
#include "ffa/hf_interrupt.h"

namespace sel2 {
[[gnu::section(".noinit")]] El1Regs g_world_el1[plat::kMaxCpus];  // written before read
constinit Vcpu* g_el1_holder[plat::kMaxCpus] = {};
constinit Vcpu* g_fp_owner[plat::kMaxCpus] = {};

namespace {
// The normal world's ZCR_EL2 and ZCR_EL1, while a vCPU's predicates are in
// the CPU (cpu_switch.h). With HCR_EL2.E2H set, ZCR_EL12 names ZCR_EL1.
struct WorldZcr {
  uint64_t el2 = 0, el1 = 0;
};
constinit WorldZcr g_world_zcr[plat::kMaxCpus] = {};
inline uint64_t read_zcr_el2() { return TESSERA_SYSREG_READ(S3_4_C1_C2_0); }
inline void write_zcr_el2(uint64_t v) { TESSERA_SYSREG_WRITE(S3_4_C1_C2_0, v); }
inline uint64_t read_zcr_el12() { return TESSERA_SYSREG_READ(S3_5_C1_C2_0); }
inline void write_zcr_el12(uint64_t v) { TESSERA_SYSREG_WRITE(S3_5_C1_C2_0, v); }

// FP/SIMD and SVE open at S-EL2 while predicates move (the first use of a
// visit traps to the monitor, which parks the normal world's SVE state
// and returns), and trapped again after.
void open_sve() {
  TESSERA_SYSREG_WRITE(cptr_el2, kCptrFpAllowed | kCptrSveAllowed);
  arch::isb();
}
void close_sve() {
  TESSERA_SYSREG_WRITE(cptr_el2, kCptrTrapAll);
  arch::isb();
}
// `owner`'s predicates and ZCR_EL1 from the CPU to its record.
void save_sve(Vcpu& owner) {
  sel2_save_sve_predicates(&owner.sve);
  owner.sve.zcr_el1 = read_zcr_el12();
}
}  // namespace

constinit Vcpu* g_sve_owner[plat::kMaxCpus] = {};

void take_sve(unsigned cpu, Vcpu& v) {
  if (g_fp_owner[cpu] != &v) take_fp(cpu, &v);
  open_sve();
  if (Vcpu* owner = g_sve_owner[cpu]) {
    save_sve(*owner);
  } else {
    g_world_zcr[cpu] = WorldZcr{read_zcr_el2(), read_zcr_el12()};
    write_zcr_el2(0);  // 128 bits
    arch::isb();
  }
  write_zcr_el12(v.sve.zcr_el1);
  sel2_restore_sve_predicates(&v.sve);
  g_sve_owner[cpu] = &v;
  close_sve();
}

void give_sve_back(unsigned cpu) {
  Vcpu* owner = g_sve_owner[cpu];
  if (!owner) return;
  open_sve();
  save_sve(*owner);
  write_zcr_el12(g_world_zcr[cpu].el1);
  write_zcr_el2(g_world_zcr[cpu].el2);
  g_sve_owner[cpu] = nullptr;
  close_sve();
}

void take_fp(unsigned cpu, Vcpu* to) {
  TESSERA_SYSREG_WRITE(cptr_el2, kCptrFpAllowed);
  arch::isb();
  if (g_fp_owner[cpu]) sel2_save_fp(&g_fp_owner[cpu]->fp);
  if (to) sel2_restore_fp(&to->fp);
  g_fp_owner[cpu] = to;
  TESSERA_SYSREG_WRITE(cptr_el2, kCptrTrapAll);
  arch::isb();
}

bool for_the_core(uint32_t fid) {
  const uint32_t base = fid & ~0x40000000u;  // SMC64 to SMC32
  return (base >= 0x84000060 && base <= 0x840000FF) || fid == ffa::hf::kInterruptEnable ||
         fid == ffa::hf::kInterruptGet || fid == ffa::hf::kInterruptDeactivate;
}

void answer_smccc(Vcpu& v, uint32_t fid) {
  constexpr uint64_t kNotSupported = static_cast<uint64_t>(-1);
  v.regs.x[0] = fid == 0x80000000u ? 0x10002 : kNotSupported;  // SMCCC_VERSION: 1.2
}

void undef_at_el1_from_el0(Vcpu& v) {
  // With E2H set, the _EL12 names reach the vCPU's EL1 registers.
  constexpr uint64_t kEsrIl = 1ull << 25;  // EC 0 (unknown reason), a 32-bit instruction
  TESSERA_SYSREG_WRITE(S3_5_C5_C2_0, kEsrIl);       // ESR_EL12
  TESSERA_SYSREG_WRITE(S3_5_C4_C0_1, v.regs.elr);   // ELR_EL12: the instruction
  TESSERA_SYSREG_WRITE(S3_5_C4_C0_0, v.regs.spsr);  // SPSR_EL12: its PSTATE
  const uint64_t sctlr = TESSERA_SYSREG_READ(S3_5_C1_C0_0);  // SCTLR_EL12
  // PSTATE as the exception gives it (Arm ARM, AArch64.TakeException): EL1h,
  // DAIF masked, NZCV and DIT kept; PAN set unless SCTLR_EL1.SPAN says
  // keep it (FEAT_PAN, which FEAT_SEL2's CPUs have); SSBS from
  // SCTLR_EL1.DSSBS (where the CPU has it); TCO set where MTE is (as
  // QEMU does, with FEAT_MTE2); ALLINT set unless SCTLR_EL1.SPINTMASK
  // (FEAT_NMI).
  constexpr uint64_t kNzcv = 0xFull << 28, kDaif = 0xFull << 6, kEl1h = 0x5, kPan = 1ull << 22,
                     kDit = 1ull << 24, kSsbs = 1ull << 12, kTco = 1ull << 25, kAllint = 1ull << 13,
                     kSpan = 1ull << 23, kDssbs = 1ull << 44, kSpintmask = 1ull << 62;
  uint64_t spsr = (v.regs.spsr & (kNzcv | kDit)) | kDaif | kEl1h;
  spsr |= (sctlr & kSpan) ? (v.regs.spsr & kPan) : kPan;
  const uint64_t pfr1 = TESSERA_SYSREG_READ(id_aa64pfr1_el1);
  if (((pfr1 >> 4) & 0xF) != 0 && (sctlr & kDssbs)) spsr |= kSsbs;
  if (((pfr1 >> 8) & 0xF) >= 2) spsr |= kTco;
  if (((pfr1 >> 36) & 0xF) != 0 && !(sctlr & kSpintmask)) spsr |= kAllint;
  v.regs.spsr = spsr;
  v.regs.elr = TESSERA_SYSREG_READ(S3_5_C12_C0_0) + 0x400;  // VBAR_EL12: lower EL, AArch64, synchronous
}

bool common_exit(spmc::Core& core, size_t index, Vcpu& v, Exit exit, bool call, spmc::Outcome& outcome,
                 ffa::Regs& out) {
  if (call) {
    const uint32_t fid = static_cast<uint32_t>(v.regs.x[0]);
    if (!for_the_core(fid)) {
      answer_smccc(v, fid);
      outcome = core.carry_on(index, out);
      return true;
    }
    outcome = core.handle_sp_call(index, v.regs.call, out);
    return true;
  }
  if (exit == Exit::sync && (v.regs.esr >> 26) == kEcFp) {
    // Its first FP/SIMD instruction since another took this CPU's FP
    // registers: they become its own, and the instruction runs again.
    take_fp(arch::cpu_index(), &v);
    outcome = core.carry_on(index, out);
    return true;
  }
  if (exit == Exit::irq) {
    outcome = core.sp_secure_interrupted(index, out);
    return true;
  }
  if (exit == Exit::fiq) {
    outcome = core.ns_interrupts_unmasked(index) ? core.sp_interrupted(index, out) : core.carry_on(index, out);
    return true;
  }
  return false;
}

}  // namespace sel2
