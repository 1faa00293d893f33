// sel1_fp_clobber(uint64_t pattern): writes `pattern`-derived values into
// every FP/SIMD register and FPCR. The trusted OS itself never uses FP/SIMD;
// this exists so that the normal world can prove that a secure world which
// does use them cannot corrupt its registers (EL3 switches them lazily).
    .arch_extension fp
    .arch_extension simd
    .text
    .global sel1_fp_clobber
sel1_fp_clobber:
    mrs     x9, cpacr_el1
    orr     x10, x9, #(3 << 20)         // CPACR_EL1.FPEN: no trap at EL1/EL0
    msr     cpacr_el1, x10
    isb
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    add     x11, x0, #\n
    dup     v\n\().2d, x11
    .endr
    mov     x11, #(1 << 22)             // FPCR.RMode = round towards +infinity
    msr     fpcr, x11
    msr     cpacr_el1, x9
    isb
    ret
