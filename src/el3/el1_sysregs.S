// Save and restore the EL1/EL0 system registers of a world (El1Sysregs in
// context.h, same order), and its FP/SIMD registers.
#include "arch/aarch64/el1_sysregs.inc"
#include "arch/aarch64/fp_regs.inc"
#include "arch/aarch64/sve_regs.inc"

    .text
    .global el3_save_el1_sysregs
el3_save_el1_sysregs:
    save_el1_sysregs x0, x9, x10
    ret

    .global el3_restore_el1_sysregs
el3_restore_el1_sysregs:
    restore_el1_sysregs x0, x9, x10
    ret

#ifdef TESSERA_SPMC_AT_SEL2
#include "el3/el2_sysregs.inc"
    .global el3_save_el2_sysregs
el3_save_el2_sysregs:
    save_el2_sysregs x0, x11, x9, x10
    ret

    .global el3_restore_el2_sysregs
el3_restore_el2_sysregs:
    restore_el2_sysregs x0, x11, x9, x10
    ret
#endif

    // FP/SIMD: only called with CPTR_EL3.TFP clear (see fp_trap in spmd.cpp).
    .arch_extension fp
    .arch_extension simd
    .global el3_save_fp
el3_save_fp:
    save_fp_regs x0
    ret

    .global el3_restore_fp
el3_restore_fp:
    restore_fp_regs x0
    ret

    // SVE state of the normal world (Z0-Z31, P0-P15, FFR) at the vector
    // length EL3 runs with (ZCR_EL3.LEN = the longest), so that every bit
    // the normal world may use is kept. Layout: 32 Z, 16 P, FFR, each slot
    // as long as the vector length allows (see SveRegs in context.h).
    // Called with CPTR_EL3.EZ set.
    .arch_extension sve
    // Z0-Z31 at `base`, then P0-P15 at `p` = base + 32 vector lengths (the
    // vector length in force: the streaming one while PSTATE.SM is set):
    // the SveRegs layout (context.h), for the SVE and the streaming saves.
    .macro store_z_then_p base, p
    store_z \base
    addvl   \p, \base, #16
    addvl   \p, \p, #16
    store_p \p
    .endm

    .global el3_save_sve
el3_save_sve:
    store_z_then_p x0, x1
    store_ffr x1
    ldr     p0, [x1, #0, mul vl]
    ret

    .global el3_restore_sve
el3_restore_sve:
    addvl   x1, x0, #16
    addvl   x1, x1, #16
    load_ffr x1
    load_p x1
    load_z x0
    ret

    // Streaming SVE state (SME) of the normal world: a call made in
    // streaming mode parks it here and leaves streaming mode, so that the
    // secure world (which may not use SME: CPTR_EL3.ESM is clear for it)
    // never runs in streaming mode; the way back enters streaming mode and
    // restores it. ZA and ZT0 are not touched: PSTATE.ZA stays as the normal
    // world left it and the secure world cannot reach either. Layout as
    // SveRegs, at the streaming vector length (RDSVL: ADDVL counts it while
    // PSTATE.SM is set). Called with CPTR_EL3.ESM and EZ set.
    // el3_save_streaming(SveRegs* out, uint64_t* fpsr, uint64_t with_ffr)
    .arch_extension sme
    .global el3_save_streaming
el3_save_streaming:
    store_z_then_p x0, x3
    // FFR exists in streaming mode only with FEAT_SME_FA64.
    cbz     x2, 1f
    store_ffr x3
1:  mrs     x4, fpsr
    str     x4, [x1]
    smstop  sm
    ret

    // el3_restore_streaming(const SveRegs* in, const uint64_t* fpsr, uint64_t with_ffr)
    .global el3_restore_streaming
el3_restore_streaming:
    smstart sm
    addvl   x3, x0, #16
    addvl   x3, x3, #16
    cbz     x2, 1f
    load_ffr x3
1:  load_p x3
    load_z x0
    ldr     x4, [x1]
    msr     fpsr, x4
    ret
