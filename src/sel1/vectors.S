// S-EL1 exception vectors. Nothing runs below the trusted OS yet, and it
// takes no interrupts yet: every exception here is a fault to report.
    .macro entry kind
    .balign 0x80
    mov     x0, #\kind
    mrs     x1, esr_el1
    mrs     x2, elr_el1
    mrs     x3, far_el1
    b       sel1_unexpected_exception
    .endm

    .section .text.vectors, "ax"
    .balign 2048
    .global sel1_vectors
sel1_vectors:
    entry 0
    entry 1
    entry 2
    entry 3
    entry 4
    entry 5
    entry 6
    entry 7
    entry 8
    entry 9
    entry 10
    entry 11
    entry 12
    entry 13
    entry 14
    entry 15
