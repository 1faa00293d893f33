// EL3 exception vectors. While a lower EL runs, SP_EL3 points at its world's
// CpuContext; an exception saves the general registers there, moves to the
// CPU's runtime stack and lets C++ decide which context to resume.
#include "el3/context.h"
#include "arch/aarch64/el1_sysregs.inc"
#ifdef TESSERA_SPMC_AT_SEL2
#include "el3/el2_sysregs.inc"
#endif


    // x20-x30 and the exception state of the world that trapped, into its
    // context at sp (`tmp` is free: x0-x19 are saved already).
    .macro save_x20_to_x30_and_state tmp
    stp     x20, x21, [sp, #0xa0]
    stp     x22, x23, [sp, #0xb0]
    stp     x24, x25, [sp, #0xc0]
    stp     x26, x27, [sp, #0xd0]
    stp     x28, x29, [sp, #0xe0]
    mrs     \tmp, elr_el3
    stp     x30, \tmp, [sp, #CTX_X30]
    mrs     \tmp, spsr_el3
    str     \tmp, [sp, #CTX_SPSR]
    .endm

    // The world's EL3 controls and exception state, from its context at sp.
    .macro restore_world_controls t1, t2
    ldr     \t1, [sp, #CTX_SCR]
    msr     scr_el3, \t1
    ldr     \t1, [sp, #CTX_CPTR]
    msr     cptr_el3, \t1
    ldp     \t1, \t2, [sp, #CTX_ELR]
    msr     elr_el3, \t1
    msr     spsr_el3, \t2
    .endm

    // x18-x30 from the context at sp.
    .macro restore_x18_to_x30
    ldp     x18, x19, [sp, #0x90]
    ldp     x20, x21, [sp, #0xa0]
    ldp     x22, x23, [sp, #0xb0]
    ldp     x24, x25, [sp, #0xc0]
    ldp     x26, x27, [sp, #0xd0]
    ldp     x28, x29, [sp, #0xe0]
    ldr     x30, [sp, #CTX_X30]
    .endm

    // x0-x17: the SMCCC argument registers.
    .macro save_x0_to_x17
    stp     x0, x1, [sp, #0x00]
    stp     x2, x3, [sp, #0x10]
    stp     x4, x5, [sp, #0x20]
    stp     x6, x7, [sp, #0x30]
    stp     x8, x9, [sp, #0x40]
    stp     x10, x11, [sp, #0x50]
    stp     x12, x13, [sp, #0x60]
    stp     x14, x15, [sp, #0x70]
    stp     x16, x17, [sp, #0x80]
    .endm

    .macro save_gprs
    save_x0_to_x17
    stp     x18, x19, [sp, #0x90]
    save_x20_to_x30_and_state x0
    .endm

    .macro lower_entry handler
    save_gprs
    mov     x0, sp
    ldr     x1, [x0, #CTX_RUNTIME_SP]
    mov     sp, x1
    bl      \handler
    b       el3_exit
    .endm

    .macro current_entry kind
    mov     x0, #\kind
    mrs     x1, esr_el3
    mrs     x2, elr_el3
    mrs     x3, far_el3
    b       el3_unexpected_current
    .endm

    .section .text.vectors, "ax"
    .balign 2048
    .global el3_vectors
el3_vectors:
    // Current EL with SP_EL0: never used.
    .balign 0x80
    current_entry 0
    .balign 0x80
    current_entry 1
    .balign 0x80
    current_entry 2
    .balign 0x80
    current_entry 3
    // Current EL with SP_ELx: a fault in the monitor itself.
    .balign 0x80
    current_entry 4
    .balign 0x80
    current_entry 5
    .balign 0x80
    current_entry 6
    .balign 0x80
    current_entry 7
    // Lower EL, AArch64.
    .balign 0x80
    b       sync_from_lower
    .balign 0x80
    lower_entry el3_irq_from_lower
    .balign 0x80
    lower_entry el3_fiq_from_lower
    .balign 0x80
    lower_entry el3_serror_from_lower
    // Lower EL, AArch32: not supported (SCR_EL3.RW = 1 for every world).
    .balign 0x80
    current_entry 12
    .balign 0x80
    current_entry 13
    .balign 0x80
    current_entry 14
    .balign 0x80
    current_entry 15

    .text
    // A synchronous exception from a lower EL. The fast path forwards an
    // FF-A call to the other world without leaving assembly: x0-x17 carry
    // the call through untouched (SMCCC v1.2), so only x18-x30, the
    // exception state and the EL1 (or, for an S-EL2 SPMC, EL2) system
    // registers change hands. Anything else, or any call while the SPMD is
    // in a special state (booting, waiting for a framework answer, secure
    // world owning FP/SIMD), takes the C++ path.
sync_from_lower:
    stp     x18, x19, [sp, #0x90]
    mrs     x18, esr_el3
    lsr     x18, x18, #26
    cmp     x18, #0x17                  // SMC from AArch64
    b.ne    slow_path
    ldr     x18, [sp, #CTX_FAST]
    cbz     x18, slow_path
    // An FF-A ID: 0x840000NN or 0xC40000NN with NN in 0x60-0x9F.
    bic     w19, w0, #0x40000000    // SMC64 IDs to their SMC32 form
    lsr     w19, w19, #8
    mov     w18, #0x840000
    cmp     w19, w18
    b.ne    slow_path
    and     x19, x0, #0xFF
    sub     x19, x19, #0x60
    cmp     x19, #63
    b.hi    slow_path
    // The two calls the SPMD answers most often, from the normal world:
    // FFA_ID_GET and a repeated FFA_VERSION (see version_answer).
    ldr     x18, [sp, #CTX_CHECK_SENDER]
    cbz     x18, 3f
    tbnz    w0, #30, 3f
    cmp     x19, #(0x69 - 0x60)
    b.eq    id_get_answer
    cmp     x19, #(0x63 - 0x60)
    b.eq    version_answer
3:  ldr     x18, [sp, #CTX_FWD32]
    tbz     w0, #30, 1f
    ldr     x18, [sp, #CTX_FWD64]
1:  lsr     x18, x18, x19
    tbz     x18, #0, slow_path
    // A direct request from the normal world must not claim a secure
    // sender (the SPMD's own framework messages use 0xFFFF).
    ldr     x18, [sp, #CTX_CHECK_SENDER]
    cbz     x18, 2f
    cmp     x19, #(0x6F - 0x60)
    b.ne    2f
    tbnz    w1, #31, slow_path
2:  // A normal world in streaming mode (SME) takes the C++ path, which
    // parks its streaming registers: the secure world never runs in
    // streaming mode (CTX_SME is set in the normal world's context only,
    // and only on a CPU that has SVCR).
    ldr     x18, [sp, #CTX_SME]
    cbz     x18, 4f
    mrs     x18, S3_3_C4_C2_2           // SVCR
    tbnz    x18, #0, slow_path          // SVCR.SM
4:  // Park the outgoing world: x20-x30, ELR, SPSR, and its EL1 system
    // registers, or, with the SPMC at S-EL2, its EL2 ones instead: that
    // SPMC switches EL1 itself around the partitions it runs, so that EL1
    // is the normal world's whenever the secure world calls the monitor
    // (TF-A's SPMD does the same for an S-EL2 SPMC).
    save_x20_to_x30_and_state x18
#ifdef TESSERA_SPMC_AT_SEL2
    add     x18, sp, #CTX_EL2
    save_el2_sysregs x18, x21, x19, x20
#else
    add     x18, sp, #CTX_EL1
    save_el1_sysregs x18, x19, x20
#endif
    // Bring in the other world.
    ldr     x18, [sp, #CTX_OTHER]
    mov     sp, x18
#ifdef TESSERA_SPMC_AT_SEL2
    add     x18, sp, #CTX_EL2
    restore_el2_sysregs x18, x21, x19, x20
#else
    add     x18, sp, #CTX_EL1
    restore_el1_sysregs x18, x19, x20
#endif
    restore_world_controls x18, x19
    restore_x18_to_x30
    eret

id_get_answer:
    // FFA_SUCCESS with w2 = 0: the normal world's own ID without a
    // hypervisor.
    mov     w0, #0x0061
    movk    w0, #0x8400, lsl #16
answer_in_x0:
    // An answer in x0 alone: x1-x7 are zero (for FFA_VERSION they are
    // MBZ, so the input never echoes back); x8-x17 are preserved.
    mov     x1, #0
    mov     x2, #0
    mov     x3, #0
    mov     x4, #0
    mov     x5, #0
    mov     x6, #0
    mov     x7, #0
    ldp     x18, x19, [sp, #0x90]
    eret

version_answer:
    // The same input as last time gets the same answer; anything else
    // goes to C++, which asks the SPMC and refills the cache.
    ldr     x18, [sp, #CTX_VERSION_IN]
    mov     w19, w1
    orr     x19, x19, #(1 << 32)
    cmp     x19, x18
    b.ne    slow_path
    ldr     x0, [sp, #CTX_VERSION_OUT]
    b       answer_in_x0

slow_path:
    // x18 and x19 are saved already; save the rest and go to C++.
    save_x0_to_x17
    save_x20_to_x30_and_state x0
    mov     x0, sp
    ldr     x1, [x0, #CTX_RUNTIME_SP]
    mov     sp, x1
    bl      el3_sync_from_lower
    b       el3_exit

    // el3_exit(CpuContext* ctx): restore and eret into ctx's world.
    .global el3_exit
el3_exit:
    mov     sp, x0
    restore_world_controls x1, x2
    ldp     x2, x3, [sp, #0x10]
    ldp     x4, x5, [sp, #0x20]
    ldp     x6, x7, [sp, #0x30]
    ldp     x8, x9, [sp, #0x40]
    ldp     x10, x11, [sp, #0x50]
    ldp     x12, x13, [sp, #0x60]
    ldp     x14, x15, [sp, #0x70]
    ldp     x16, x17, [sp, #0x80]
    restore_x18_to_x30
    ldp     x0, x1, [sp, #0x00]
    eret
