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
    /* Its vectors: IRQ and FIQ (virtual, from the SPMC) go to its
       handler; an UNDEF (EC 0) at EL1 is counted and stepped over, as an
       OS reports one and goes on (UNDEF_PROBE, main.c); any other
       exception at EL1 is its own fault: stop there. */
    ldr     x10, =vectors
    msr     vbar_el1, x10
    isb
    ret
3:  wfi
    b       3b

    .balign 2048
vectors:
    .rept 4                     /* SP0 (4) */
    .balign 0x80
    b       .
    .endr
    .balign 0x80                /* synchronous with SPx */
    b       sync_at_el1
    .balign 0x80                /* IRQ with SPx (this partition runs EL1h) */
    b       virtual_interrupt
    .balign 0x80                /* FIQ with SPx */
    b       virtual_interrupt
    .rept 9                     /* SError with SPx, lower EL (none here) */
    .balign 0x80
    b       .
    .endr

/* A synchronous exception at EL1: an UNDEF (ESR_EL1.EC 0, unknown reason)
   adds one to this vCPU's undefs_taken (main.c) and resumes after the
   instruction; anything else stops here. */
sync_at_el1:
    sub     sp, sp, #16
    stp     x9, x10, [sp]
    mrs     x9, esr_el1
    lsr     x9, x9, #26
    cbnz    x9, 1f
    mrs     x9, mpidr_el1
    and     x9, x9, #0x7
    ldr     x10, =undefs_taken
    add     x10, x10, x9, lsl #3
    ldr     x9, [x10]
    add     x9, x9, #1
    str     x9, [x10]
    mrs     x9, elr_el1
    add     x9, x9, #4
    msr     elr_el1, x9
    ldp     x9, x10, [sp]
    add     sp, sp, #16
    eret
1:  b       1b

/* A virtual IRQ or FIQ: the registers C may change saved on the stack it
   was taken on, partition_interrupt() (main.c) takes what the SPMC has
   for it (HF_INTERRUPT_GET), then back to where it was. ELR_EL1 and
   SPSR_EL1 stay as they are: the handler runs with IRQ and FIQ masked,
   and its HVCs are taken at EL2. */
virtual_interrupt:
    sub     sp, sp, #176
    stp     x0, x1, [sp, #0]
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x29, [sp, #144]
    str     x30, [sp, #160]
    bl      partition_interrupt
    ldp     x0, x1, [sp, #0]
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x29, [sp, #144]
    ldr     x30, [sp, #160]
    add     sp, sp, #176
    eret
