// The harness's secondary CPUs (t5e_smp.cpp).
    .text
    // A secondary CPU started by PSCI CPU_ON: x0 (the context ID) is the
    // top of its stack. Same vectors as the primary.
    .global harness_secondary_entry
harness_secondary_entry:
    mov     sp, x0
    mrs     x1, CurrentEL
    cmp     x1, #(2 << 2)
    b.ne    1f
    ldr     x1, =harness_vectors_el2
    msr     vbar_el2, x1
    b       2f
1:  ldr     x1, =harness_vectors_el1
    msr     vbar_el1, x1
2:  isb
    bl      harness_secondary_main
3:  wfi
    b       3b
