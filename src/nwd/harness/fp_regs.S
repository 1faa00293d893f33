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

    // harness_sve_fill(base) -> vector length in bytes: z0-z30 get lanes
    // base+n, base+n+3, ... (different in every lane, so a register cut
    // back to 128 bits shows).
    .arch_extension sve
    .global harness_sve_fill
harness_sve_fill:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
    add     x2, x0, #\n
    index   z\n\().d, x2, #3
    .endr
    rdvl    x0, #1
    ret

    // harness_sve_check(base) -> how many of z0-z30 differ from the fill.
    .global harness_sve_check
harness_sve_check:
    ptrue   p0.d
    mov     x3, #0
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
    add     x2, x0, #\n
    index   z31.d, x2, #3
    cmpne   p1.d, p0/z, z\n\().d, z31.d
    cinc    x3, x3, ne
    .endr
    mov     x0, x3
    ret
