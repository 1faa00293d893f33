/* Entry of a partition written for any SPMC: no Tessera runtime. x0 holds
   the FF-A boot information address (the manifest's gp-register-num = 0). */
    .section .text.start, "ax"
    .global _start
_start:
    ldr     x1, =stack_top
    mov     sp, x1
    bl      partition_main
1:  b       1b
