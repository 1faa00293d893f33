// S-EL0 partition entry (Tessera runtime): stack, BSS, then sp_main(x0)
// with x0 as the SPMC gave it (the boot information address, or 0).
    .section .text.entry, "ax"
    .global _start
_start:
    mov     x19, x0
    ldr     x1, =__stack_top
    mov     sp, x1
    ldr     x1, =__bss_start
    ldr     x2, =__bss_end
1:  cmp     x1, x2
    b.hs    2f
    stp     xzr, xzr, [x1], #16
    b       1b
2:  mov     x0, x19
    bl      sp_main
    // sp_main does not return; if it does, wait for messages forever.
3:  mov     x0, #0x6b
    movk    x0, #0x8400, lsl #16        // FFA_MSG_WAIT
    svc     #0
    b       3b
