// S-EL0 partition entry (Tessera runtime): stack, BSS, then sp_main(x0)
// with x0 as the SPMC gave it (the boot information address, or 0).
#include "arch/aarch64/asm_macros.inc"

    .section .text.entry, "ax"
    .global _start
_start:
    mov     x19, x0
    ldr     x1, =__stack_top
    mov     sp, x1
    clear_bss __bss_start, __bss_end, x1, x2
    mov     x0, x19
    bl      sp_main
    // sp_main does not return; if it does, wait for messages forever.
3:  mov     x0, #0x6b
    movk    x0, #0x8400, lsl #16        // FFA_MSG_WAIT
    svc     #0
    b       3b
