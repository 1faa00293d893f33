// Trusted OS entry at S-EL1, MMU off. The SPMD passes x0 = the SPMC
// manifest's address, x4 = the CPU's index.
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
    ldr     x1, =__stack_top
    mov     sp, x1
    ldr     x1, =__bss_start
    ldr     x2, =__bss_end
1:  cmp     x1, x2
    b.hs    2f
    stp     xzr, xzr, [x1], #16
    b       1b
2:  mov     x0, x19
    bl      sel1_main
3:  wfi
    b       3b
