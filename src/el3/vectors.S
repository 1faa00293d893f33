// EL3 exception vectors. While a lower EL runs, SP_EL3 points at its world's
// CpuContext; an exception saves the general registers there, moves to the
// CPU's runtime stack and lets C++ decide which context to resume.
#include "el3/context.h"

    .macro save_gprs
    stp     x0, x1, [sp, #0x00]
    stp     x2, x3, [sp, #0x10]
    stp     x4, x5, [sp, #0x20]
    stp     x6, x7, [sp, #0x30]
    stp     x8, x9, [sp, #0x40]
    stp     x10, x11, [sp, #0x50]
    stp     x12, x13, [sp, #0x60]
    stp     x14, x15, [sp, #0x70]
    stp     x16, x17, [sp, #0x80]
    stp     x18, x19, [sp, #0x90]
    stp     x20, x21, [sp, #0xa0]
    stp     x22, x23, [sp, #0xb0]
    stp     x24, x25, [sp, #0xc0]
    stp     x26, x27, [sp, #0xd0]
    stp     x28, x29, [sp, #0xe0]
    mrs     x0, elr_el3
    mrs     x1, spsr_el3
    stp     x30, x0, [sp, #CTX_X30]
    str     x1, [sp, #CTX_SPSR]
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
    lower_entry el3_sync_from_lower
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
    // el3_exit(CpuContext* ctx): restore and eret into ctx's world.
    .global el3_exit
el3_exit:
    mov     sp, x0
    ldr     x1, [sp, #CTX_SCR]
    msr     scr_el3, x1
    ldr     x1, [sp, #CTX_CPTR]
    msr     cptr_el3, x1
    ldp     x1, x2, [sp, #CTX_ELR]
    msr     elr_el3, x1
    msr     spsr_el3, x2
    ldp     x2, x3, [sp, #0x10]
    ldp     x4, x5, [sp, #0x20]
    ldp     x6, x7, [sp, #0x30]
    ldp     x8, x9, [sp, #0x40]
    ldp     x10, x11, [sp, #0x50]
    ldp     x12, x13, [sp, #0x60]
    ldp     x14, x15, [sp, #0x70]
    ldp     x16, x17, [sp, #0x80]
    ldp     x18, x19, [sp, #0x90]
    ldp     x20, x21, [sp, #0xa0]
    ldp     x22, x23, [sp, #0xb0]
    ldp     x24, x25, [sp, #0xc0]
    ldp     x26, x27, [sp, #0xd0]
    ldp     x28, x29, [sp, #0xe0]
    ldr     x30, [sp, #CTX_X30]
    ldp     x0, x1, [sp, #0x00]
    eret
