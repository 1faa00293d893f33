// Trusted OS entry at S-EL1, MMU off. The monitor passes x0 = the SPMC
// manifest's address, x4 = the CPU's index, and x5 = which dispatcher it
// runs (optee/opteed.h: kEntryMagic for the OP-TEE SMC one; 0 for the SPMD).
#include "arch/aarch64/asm_macros.inc"

    .section .text.entry, "ax"
    .global _start
_start:
    mov     x19, x0
    ldr     x1, =sel1_vectors
    msr     vbar_el1, x1
    isb
    // FP/SIMD: trapped at EL1 (CPACR_EL1.FPEN = 0); this code is built
    // general-registers-only.
    msr     cpacr_el1, xzr
    // 8 KiB of stack per CPU, from the top.
    ldr     x1, =__stack_top
    sub     x1, x1, x4, lsl #13
    mov     sp, x1
    cbnz    x4, 4f
    clear_bss __bss_start, __bss_end, x1, x2
    mov     x0, x19
    mov     x1, x5
    bl      sel1_main
4:  mov     x0, x4
    mov     x1, x5
    bl      sel1_secondary_main
3:  wfi
    b       3b
