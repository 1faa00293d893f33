// Harness exception vectors (one table for EL2, one for EL1). An exception
// is handed to harness_exception(kind), which either expects it (a probe of
// memory the normal world must not reach) and returns the number of bytes
// to advance ELR by, or reports it and powers off.
    .macro entry kind, el
    .balign 0x80
    sub     sp, sp, #0xa0
    stp     x0, x1, [sp, #0x00]
    stp     x2, x3, [sp, #0x10]
    stp     x4, x5, [sp, #0x20]
    stp     x6, x7, [sp, #0x30]
    stp     x8, x9, [sp, #0x40]
    stp     x10, x11, [sp, #0x50]
    stp     x12, x13, [sp, #0x60]
    stp     x14, x15, [sp, #0x70]
    stp     x16, x17, [sp, #0x80]
    stp     x18, x30, [sp, #0x90]
    mov     x0, #\kind
    bl      harness_exception
    mrs     x1, elr_\el
    add     x1, x1, x0
    msr     elr_\el, x1
    ldp     x0, x1, [sp, #0x00]
    ldp     x2, x3, [sp, #0x10]
    ldp     x4, x5, [sp, #0x20]
    ldp     x6, x7, [sp, #0x30]
    ldp     x8, x9, [sp, #0x40]
    ldp     x10, x11, [sp, #0x50]
    ldp     x12, x13, [sp, #0x60]
    ldp     x14, x15, [sp, #0x70]
    ldp     x16, x17, [sp, #0x80]
    ldp     x18, x30, [sp, #0x90]
    add     sp, sp, #0xa0
    eret
    .endm

    .macro table el
    .balign 2048
    .global harness_vectors_\el
harness_vectors_\el:
    entry 0, \el
    entry 1, \el
    entry 2, \el
    entry 3, \el
    entry 4, \el
    entry 5, \el
    entry 6, \el
    entry 7, \el
    entry 8, \el
    entry 9, \el
    entry 10, \el
    entry 11, \el
    entry 12, \el
    entry 13, \el
    entry 14, \el
    entry 15, \el
    .endm

    .section .text.vectors, "ax"
    table el2
    table el1

    .text
    // uint64_t harness_probe_read(uint64_t addr): one load that may fault;
    // the fault handler skips exactly this instruction.
    .global harness_probe_read
    .global harness_probe_insn
harness_probe_read:
    mov     x1, x0
    mov     x0, #0
harness_probe_insn:
    ldr     x0, [x1]
    ret

    // uint64_t harness_probe_erridr(void): reads ERRIDR_EL1, a RAS
    // error-record register the monitor keeps from the normal world
    // (SCR_EL3.TERR): the read traps to EL3, which makes it UNDEFINED
    // here; the handler skips the instruction.
    .global harness_probe_erridr
    .global harness_probe_erridr_insn
harness_probe_erridr:
    mov     x0, #0
harness_probe_erridr_insn:
    mrs     x0, S3_0_C5_C3_0            // ERRIDR_EL1
    ret
