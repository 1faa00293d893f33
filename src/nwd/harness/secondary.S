// The harness's secondary CPUs (t5e_smp.cpp).
    .text
    // A secondary CPU started by PSCI CPU_ON: x0 (the context ID) is the
    // top of its stack. Same vectors as the primary.
    .global harness_secondary_entry
harness_secondary_entry:
    mov     sp, x0
    bl      harness_set_vectors
    bl      harness_secondary_main
3:  wfi
    b       3b
