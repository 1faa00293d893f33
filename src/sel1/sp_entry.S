// Trusted OS entry as an S-EL1 partition (the sel2-spmc configuration),
// as the S-EL2 SPMC enters any partition: MMU off, at its load address
// (entrypoint-offset 0); x0 = the FF-A boot information blob on its first
// execution context. Its other contexts start at sel1_sp_secondary_entry,
// which it registers with FFA_SECONDARY_EP_REGISTER, each on its own CPU.
// The vCPU index is MPIDR_EL1.Aff0 (the SPMC's VMPIDR_EL2); 8 KiB of
// stack per vCPU, from the top.
#include "arch/aarch64/asm_macros.inc"

    .section .text.entry, "ax"
    .global _start
_start:
    mov     x19, x0
    bl      sp_cpu_setup
    clear_bss __bss_start, __bss_end, x1, x2
    mov     x0, x19
    bl      sel1_sp_main
1:  wfi
    b       1b

    .global sel1_sp_secondary_entry
sel1_sp_secondary_entry:
    bl      sp_cpu_setup
    mov     x0, x20
    bl      sel1_sp_secondary_main
2:  wfi
    b       2b

// x20 = the vCPU index; vectors, FP/SIMD trapped (this code is built
// general-registers-only), the stack.
sp_cpu_setup:
    mrs     x20, mpidr_el1
    and     x20, x20, #0xFF
    cmp     x20, #8
    b.hs    3f
    ldr     x1, =sel1_vectors
    msr     vbar_el1, x1
    msr     cpacr_el1, xzr
    isb
    ldr     x1, =__stack_top
    sub     x1, x1, x20, lsl #13
    mov     sp, x1
    ret
3:  wfi
    b       3b
