// The secure hypervisor's exception vectors at S-EL2. From a lower EL
// (an S-EL1 partition's vCPU, AArch64): back to whoever entered it
// (sel2_vcpu_run returns, vcpu.S). Anything else is a fault of the
// hypervisor's own, reported with its syndrome (sel2_unexpected_exception
// powers the machine off).

    .macro unexpected kind
    .balign 0x80
    mov     x0, #\kind
    mrs     x1, esr_el2
    mrs     x2, elr_el2
    mrs     x3, far_el2
    b       sel2_unexpected_exception
    .endm

    .macro vcpu_exit kind
    .balign 0x80
    stp     x0, x1, [sp, #-16]!
    mov     x1, #\kind
    b       sel2_vcpu_exit
    .endm

    .section .text.vectors, "ax"
    .balign 2048
    .global sel2_vectors
sel2_vectors:
    unexpected 0            // current EL, SP_EL0
    unexpected 1
    unexpected 2
    unexpected 3
    unexpected 4            // current EL, SP_EL2: a fault in the hypervisor
    unexpected 5
    unexpected 6
    unexpected 7
    vcpu_exit 0             // lower EL, AArch64: synchronous (sel2::Exit)
    vcpu_exit 1             // IRQ: a secure interrupt
    vcpu_exit 2             // FIQ: a normal-world interrupt
    vcpu_exit 3             // SError
    unexpected 12           // lower EL, AArch32: partitions are AArch64
    unexpected 13
    unexpected 14
    unexpected 15
