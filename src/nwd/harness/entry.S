// Normal-world harness entry: NS-EL2 (or NS-EL1 on CPUs without EL2), MMU
// off, x0 = the device tree's address. The very first instruction reads
// the counter, so boot cost to here can be measured.
#include "arch/aarch64/asm_macros.inc"

    .section .text.entry, "ax"
    .global _start
_start:
    mrs     x20, cntpct_el0
    mov     x19, x0
    bl      harness_set_vectors
    ldr     x1, =__stack_top
    mov     sp, x1
    clear_bss __bss_start, __bss_end, x1, x2
    mov     x0, x19
    mov     x1, x20
    bl      harness_main
5:  wfi
    b       5b


    // harness_set_vectors: VBAR of the current EL (EL2, or EL1 without EL2)
    // to the harness's table. Uses x1 only; needs no stack (every CPU calls
    // it first, the secondaries in secondary.S too).
    .global harness_set_vectors
harness_set_vectors:
    mrs     x1, CurrentEL
    cmp     x1, #(2 << 2)
    b.ne    1f
    ldr     x1, =harness_vectors_el2
    msr     vbar_el2, x1
    isb
    ret
1:  ldr     x1, =harness_vectors_el1
    msr     vbar_el1, x1
    isb
    ret
