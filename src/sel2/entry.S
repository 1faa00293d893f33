// The secure hypervisor's entry at S-EL2, MMU off. The monitor's SPMD
// (built with the SPMC at S-EL2, el3_sel2.bin) passes x0 = the SPMC
// manifest's address and x4 = the CPU's index, as it does for an S-EL1
// SPMC; the EL2 registers start as it cleaned them (world_switch.cpp).
#include "arch/aarch64/asm_macros.inc"

    .section .text.entry, "ax"
    .global _start
_start:
    mov     x19, x0
    ldr     x1, =sel2_vectors
    msr     vbar_el2, x1
    // HCR_EL2: E2H (VHE: the EL2&0 translation regime, in which the
    // hypervisor hosts S-EL0 partitions, with ASIDs, as Hafnium does) and
    // RW (S-EL1 would be AArch64); no stage 2, no traps, no interrupt
    // routing: nothing runs below us yet. First of all: with E2H set,
    // the EL2 registers below take their EL1 layouts.
    mov     x1, #(1 << 31)
    orr     x1, x1, #(1 << 34)
    msr     hcr_el2, x1
    isb
    // CPTR_EL2 (E2H = 1, CPACR_EL1's layout): FPEN, ZEN and SMEN 0: FP/SIMD
    // (this code is built general-registers-only, and partitions get FP
    // lazily: hosted_vms.cpp), SVE and SME trap here, for partitions too
    // (the monitor would stop the machine for them).
    msr     cptr_el2, xzr
    isb
    // 8 KiB of stack per CPU, from the top.
    ldr     x1, =__stack_top
    sub     x1, x1, x4, lsl #13
    mov     sp, x1
    cbnz    x4, 4f
    clear_bss __bss_start, __bss_end, x1, x2
    mov     x0, x19
    bl      sel2_main
4:  mov     x0, x4
    bl      sel2_secondary_main
3:  wfi
    b       3b
