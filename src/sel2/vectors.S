// The secure hypervisor's exception vectors at S-EL2. Nothing runs below
// it yet (no S-EL1 partitions): every exception is a fault, reported with
// its syndrome (sel2_unexpected_exception powers the machine off).

    .macro unexpected kind
    .balign 0x80
    mov     x0, #\kind
    mrs     x1, esr_el2
    mrs     x2, elr_el2
    mrs     x3, far_el2
    b       sel2_unexpected_exception
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
    unexpected 8            // lower EL, AArch64
    unexpected 9
    unexpected 10
    unexpected 11
    unexpected 12           // lower EL, AArch32
    unexpected 13
    unexpected 14
    unexpected 15
