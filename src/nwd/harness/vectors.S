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
    .ifc \el, el2
    .balign 0x80                    // lower EL, AArch32, synchronous
    b       harness_a32_sync_el2
    .else
    entry 12, \el
    .endif
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

    // uint64_t harness_run_a32_el1(uint64_t code, uint64_t r0): runs the
    // A32 code at `code` in AArch32 EL1 (SVC mode, interrupts masked, MMU
    // as EL1 has it) with r0, until it makes an HVC; returns its r0 then.
    // EL2 only. HCR_EL2.RW is cleared for the run and put back, as are
    // the callee-saved registers, SP and DAIF (g_a32_frame).
    .global harness_run_a32_el1
harness_run_a32_el1:
    ldr     x9, =g_a32_frame
    stp     x19, x20, [x9, #0]
    stp     x21, x22, [x9, #16]
    stp     x23, x24, [x9, #32]
    stp     x25, x26, [x9, #48]
    stp     x27, x28, [x9, #64]
    stp     x29, x30, [x9, #80]
    mov     x10, sp
    str     x10, [x9, #96]
    mrs     x10, hcr_el2
    str     x10, [x9, #104]
    mrs     x11, daif
    str     x11, [x9, #120]
    mov     x11, #1
    str     x11, [x9, #112]             // armed: the next AArch32 HVC is its end
    bic     x10, x10, #(1 << 31)        // RW: EL1 is AArch32
    msr     hcr_el2, x10
    msr     elr_el2, x0
    mov     x10, #0x1D3                 // SVC mode, A32, A, I and F masked
    msr     spsr_el2, x10
    mov     x0, x1
    isb
    eret

    // Lower EL, AArch32, synchronous, at EL2: the HVC that ends
    // harness_run_a32_el1's run (r0 to its caller), or an exception nobody
    // expected (reported by harness_exception, which powers off).
harness_a32_sync_el2:
    mrs     x9, esr_el2
    lsr     x9, x9, #26
    cmp     x9, #0x12                   // HVC from AArch32
    b.ne    1f
    ldr     x9, =g_a32_frame
    ldr     x10, [x9, #112]
    cbz     x10, 1f
    str     xzr, [x9, #112]
    and     x0, x0, #0xFFFFFFFF
    ldr     x10, [x9, #104]
    msr     hcr_el2, x10
    ldr     x10, [x9, #96]
    mov     sp, x10
    ldr     x10, [x9, #120]
    ldp     x19, x20, [x9, #0]
    ldp     x21, x22, [x9, #16]
    ldp     x23, x24, [x9, #32]
    ldp     x25, x26, [x9, #48]
    ldp     x27, x28, [x9, #64]
    ldp     x29, x30, [x9, #80]
    isb
    msr     daif, x10
    ret
1:  sub     sp, sp, #0xa0
    stp     x0, x1, [sp, #0x00]
    mov     x0, #12
    bl      harness_exception
    b       .

    .bss
    .balign 16
g_a32_frame:
    .space  128
