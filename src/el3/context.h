// What EL3 keeps for each world on each CPU. The assembly in vectors.S and
// el1_sysregs.S uses the offsets below; static_asserts keep them in step.
#pragma once

// Offsets shared with assembly (bytes).
#define CTX_X0 0
#define CTX_X30 240
#define CTX_ELR 248
#define CTX_SPSR 256
#define CTX_SCR 264
#define CTX_RUNTIME_SP 272
#define CTX_CPTR 280
#define CTX_OTHER 288
#define CTX_FAST 296
#define CTX_FWD32 304
#define CTX_FWD64 312
#define CTX_CHECK_SENDER 320
#define CTX_VERSION_IN 328
#define CTX_VERSION_OUT 336
#define CTX_SME 344
#define CTX_EL1 352
#define CTX_FP (CTX_EL1 + 8 * 24)
// The EL2 registers (TESSERA_SPMC_AT_SEL2 only): after FpRegs.
#define CTX_EL2 (CTX_FP + 8 * 66)

#ifndef __ASSEMBLER__

#include <cstddef>
#include <cstdint>

namespace el3 {

// The EL1 (and EL0) system registers a world owns (EL1 translation, vectors,
// thread IDs, exception state). Order is fixed by el1_sysregs.S.
struct El1Sysregs {
  uint64_t spsr_el1, elr_el1, sctlr_el1, actlr_el1, cpacr_el1, csselr_el1, sp_el1, esr_el1;
  uint64_t ttbr0_el1, ttbr1_el1, mair_el1, amair_el1, tcr_el1, tpidr_el1, tpidr_el0, tpidrro_el0;
  uint64_t par_el1, far_el1, afsr0_el1, afsr1_el1, contextidr_el1, vbar_el1, cntkctl_el1, sp_el0;
};
static_assert(sizeof(El1Sysregs) == 24 * 8);

// The EL2 system registers a world owns where the SPMC runs at S-EL2
// (TESSERA_SPMC_AT_SEL2). Order is fixed by el2_sysregs.inc, grouped by
// how often they must move (the switch costs about 3 instructions per
// register and direction on every world switch):
//  - running state, both worlds' at every switch: HCR CPTR VTTBR VMPIDR SP
//    TPIDR, which the secure hypervisor changes as it runs its vCPUs;
//  - exception state, ELR SPSR ESR FAR HPFAR: the normal world's only.
//    The secure hypervisor reads its own at once, in the exception that
//    set them, and never across an SMC (kEl2NoExceptionState);
//  - settings, the rest: the secure hypervisor writes them while it boots
//    on a CPU and never after, so its own are saved until then
//    (kEl2SettingsSaved) and only restored from then on; the optional
//    groups (RAS, FGT, HCX: kEl2Has*) are settings too;
//  - not switched at all, because the secure hypervisor never writes them
//    and the normal world's values mean nothing to it: AFSR0/AFSR1_EL2
//    (auxiliary fault status), HSTR_EL2 (traps of AArch32 EL1, and its
//    partitions are AArch64), and with VHE TTBR1_EL2 and CONTEXTIDR_EL2:
//    it runs with E2H set too, but never writes CONTEXTIDR_EL2 and keeps
//    the TTBR1_EL2 range off (TCR_EL2.EPD1), so the normal world's values
//    left in them are never used; a secure hypervisor that used either
//    would have to switch it here.
//    The monitor zeroes them when a world starts (zero_unswitched_el2).
// `features` holds the kEl2* bits for the assembly.
inline constexpr uint64_t kEl2HasRas = 1 << 1, kEl2HasFgt = 1 << 2, kEl2HasHcx = 1 << 3;
inline constexpr uint64_t kEl2NoExceptionState = 1 << 4, kEl2SettingsSaved = 1 << 5;
struct El2Sysregs {
  uint64_t features;
  uint64_t hcr, cptr, vttbr, vmpidr, sp, tpidr;                             // running state
  uint64_t elr, spsr, esr, far, hpfar, unused0;                            // exception state
  uint64_t actlr, amair, cnthctl, cntvoff, hacr, mair, mdcr, sctlr, tcr;  // settings
  uint64_t ttbr0, vbar, vpidr, vtcr, icc_sre, ich_hcr, ich_vmcr;
  uint64_t vdisr, vsesr;                                                   // RAS
  uint64_t hfgrtr, hfgwtr, hfgitr, hdfgrtr, hdfgwtr, unused1;              // FGT
  uint64_t hcrx, unused2;                                                  // HCX
  uint64_t reserved[4];
};
static_assert(sizeof(El2Sysregs) == 344);
// The offsets el2_sysregs.inc uses.
static_assert(offsetof(El2Sysregs, hcr) == 8 && offsetof(El2Sysregs, sp) == 40 && offsetof(El2Sysregs, elr) == 56 &&
              offsetof(El2Sysregs, hpfar) == 88 && offsetof(El2Sysregs, actlr) == 104 &&
              offsetof(El2Sysregs, ich_hcr) == 216 && offsetof(El2Sysregs, vdisr) == 232 &&
              offsetof(El2Sysregs, hfgrtr) == 248 && offsetof(El2Sysregs, hdfgwtr) == 280 &&
              offsetof(El2Sysregs, hcrx) == 296);

// FP/SIMD state (q0-q31, FPSR, FPCR), switched lazily: see fp_trap() in
// spmd.cpp.
struct alignas(16) FpRegs {
  uint64_t q[64];
  uint64_t fpsr, fpcr;
};

struct alignas(16) CpuContext {
  uint64_t x[31];
  uint64_t elr_el3;
  uint64_t spsr_el3;
  uint64_t scr_el3;
  uint64_t runtime_sp;  // EL3 stack for handling this CPU's exceptions
  uint64_t cptr_el3;    // the world's FP/SVE trap setting
  // The vectors' fast path (vectors.S): an FF-A call that only needs
  // forwarding to the other world is switched there in assembly. The SPMD
  // keeps these fields true to its state (see refresh_fast_path()).
  CpuContext* other;      // the other world's context on this CPU
  uint64_t fast;          // nonzero: forwarding may take the fast path now
  uint64_t forward32;     // bit n: SMC32 FF-A function 0x60 + n is forwarded as is
  uint64_t forward64;     // the same for SMC64 function IDs
  uint64_t check_sender;  // nonzero: the normal world (sender check, local answers)
  // The SPMD's FFA_VERSION cache for this world: the last input word with
  // bit 32 set when valid, and the answer to give for it.
  uint64_t version_in;
  uint64_t version_out;
  // Nonzero for the normal world on a CPU with SME: the fast path reads
  // SVCR and leaves a call made in streaming mode to the C++ path.
  uint64_t sme;
  El1Sysregs el1;
  FpRegs fp;
#ifdef TESSERA_SPMC_AT_SEL2
  El2Sysregs el2;
#endif
};

// A world's SVE registers at the longest vector length the architecture
// allows (2048 bits): 32 Z of 256 bytes, 16 P and FFR of 32 bytes.
struct alignas(16) SveRegs {
  uint8_t z[32][256];
  uint8_t p[17][32];
};

static_assert(offsetof(CpuContext, x) == CTX_X0);
static_assert(offsetof(CpuContext, x) + 30 * 8 == CTX_X30);
static_assert(offsetof(CpuContext, elr_el3) == CTX_ELR);
static_assert(offsetof(CpuContext, spsr_el3) == CTX_SPSR);
static_assert(offsetof(CpuContext, scr_el3) == CTX_SCR);
static_assert(offsetof(CpuContext, runtime_sp) == CTX_RUNTIME_SP);
static_assert(offsetof(CpuContext, cptr_el3) == CTX_CPTR);
static_assert(offsetof(CpuContext, other) == CTX_OTHER);
static_assert(offsetof(CpuContext, fast) == CTX_FAST);
static_assert(offsetof(CpuContext, forward32) == CTX_FWD32);
static_assert(offsetof(CpuContext, forward64) == CTX_FWD64);
static_assert(offsetof(CpuContext, check_sender) == CTX_CHECK_SENDER);
static_assert(offsetof(CpuContext, version_in) == CTX_VERSION_IN);
static_assert(offsetof(CpuContext, version_out) == CTX_VERSION_OUT);
static_assert(offsetof(CpuContext, sme) == CTX_SME);
static_assert(offsetof(CpuContext, el1) == CTX_EL1);
static_assert(offsetof(CpuContext, fp) == CTX_FP);
#ifdef TESSERA_SPMC_AT_SEL2
static_assert(offsetof(CpuContext, el2) == CTX_EL2);
#endif

}  // namespace el3

extern "C" {
void el3_save_el1_sysregs(el3::El1Sysregs* out);
void el3_restore_el1_sysregs(const el3::El1Sysregs* in);
#ifdef TESSERA_SPMC_AT_SEL2
void el3_save_el2_sysregs(el3::El2Sysregs* out);
void el3_restore_el2_sysregs(const el3::El2Sysregs* in);
#endif
void el3_save_fp(el3::FpRegs* out);
void el3_restore_fp(const el3::FpRegs* in);
void el3_save_sve(el3::SveRegs* out);
void el3_restore_sve(const el3::SveRegs* in);
// The normal world's streaming SVE state (SME): Z, P at the streaming
// vector length, FFR when `with_ffr` (FEAT_SME_FA64), FPSR; the save leaves
// streaming mode (SMSTOP SM), the restore enters it first (SMSTART SM).
void el3_save_streaming(el3::SveRegs* out, uint64_t* fpsr, uint64_t with_ffr);
void el3_restore_streaming(const el3::SveRegs* in, const uint64_t* fpsr, uint64_t with_ffr);
// Restores `ctx` into the CPU and returns to its exception level.
[[noreturn]] void el3_exit(el3::CpuContext* ctx);
}

#endif
