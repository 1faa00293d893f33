/*
 * Entry of an S-EL1 partition written for any S-EL2 SPMC: MMU off, at its
 * load address + entrypoint-offset; x0 = the FF-A boot information blob
 * (gp-register-num = 0) on its first execution context. Its other
 * contexts start at secondary_entry (registered with
 * FFA_SECONDARY_EP_REGISTER), each on its own CPU. A 4 KiB stack per
 * context, chosen by MPIDR_EL1.Aff0 (the SPMC's vCPU index).
 */
    .section .text.start, "ax"
    .global _start
_start:
    bl      set_stack
    bl      partition_main
1:  wfi
    b       1b

    .global secondary_entry
secondary_entry:
    bl      set_stack
    bl      secondary_main
2:  wfi
    b       2b

set_stack:
    mrs     x9, mpidr_el1
    and     x9, x9, #0xFF
    cmp     x9, #8
    b.hs    3f
    ldr     x10, =stack_top
    sub     x10, x10, x9, lsl #12
    mov     sp, x10
    /* Exceptions at EL1 are this partition's own faults: stop there. */
    ldr     x10, =vectors
    msr     vbar_el1, x10
    isb
    ret
3:  wfi
    b       3b

    .balign 2048
vectors:
    .rept 16
    .balign 0x80
    b       .
    .endr
