// harness_fp_fill(pattern) / harness_fp_check(pattern) -> mismatches:
// the normal world's FP/SIMD registers and FPCR, set and verified around
// calls into the secure world.
    .arch_extension fp
    .arch_extension simd
    .text
    .global harness_fp_fill
harness_fp_fill:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    add     x11, x0, #(\n * 3)
    mov     v\n\().d[0], x11
    eor     x11, x11, #0xff00
    mov     v\n\().d[1], x11
    .endr
    mov     x11, #(2 << 22)             // FPCR.RMode = round towards -infinity
    msr     fpcr, x11
    ret

    .global harness_fp_check
harness_fp_check:
    mov     x12, #0
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    add     x11, x0, #(\n * 3)
    mov     x10, v\n\().d[0]
    cmp     x10, x11
    cinc    x12, x12, ne
    eor     x11, x11, #0xff00
    mov     x10, v\n\().d[1]
    cmp     x10, x11
    cinc    x12, x12, ne
    .endr
    mrs     x10, fpcr
    cmp     x10, #(2 << 22)
    cinc    x12, x12, ne
    mov     x0, x12
    ret
