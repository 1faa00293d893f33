// SME state across a call into the secure world: the normal world enters
// streaming mode with ZA on, fills the streaming Z and P registers and ZA,
// makes one SMC and dumps what it finds afterwards, for the test to check
// (t7_world_switch.cpp). All in assembly: nothing else may run in streaming
// mode in between.
    .arch_extension sve
    .arch_extension sme
    .text

    // uint64_t harness_sme_svl(void): the streaming vector length in bytes.
    .global harness_sme_svl
harness_sme_svl:
    rdsvl   x0, #1
    ret

    // uint64_t harness_sme_call(ffa::Regs* regs, const uint8_t* za_in,
    //                           uint8_t* dump, uint64_t pattern) -> SVCR
    // after the call. Before it: ZA row i = za_in[i * SVL ...], Zn lanes
    // (.d) = pattern + n + 7 * lane, Pn (.b) = the first n + 1 lanes true.
    // regs x0-x7 in, x0-x7 out. dump: Z0-Z31 (32 * SVL bytes), P0-P15
    // (16 * SVL / 8), then ZA (SVL rows of SVL bytes).
    .global harness_sme_call
harness_sme_call:
    stp     x29, x30, [sp, #-48]!
    stp     x19, x20, [sp, #16]
    stp     x21, x22, [sp, #32]
    mov     x19, x0
    mov     x20, x1
    mov     x21, x2
    mov     x22, x3
    smstart                             // PSTATE.SM and PSTATE.ZA
    rdsvl   x9, #1
    mov     w12, #0
    mov     x10, x20
1:  ldr     za[w12, 0], [x10]
    add     x10, x10, x9
    add     w12, w12, #1
    cmp     w12, w9
    b.lo    1b
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    add     x10, x22, #\n
    index   z\n\().d, x10, #7
    .endr
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    mov     x10, #(\n + 1)
    whilelo p\n\().b, xzr, x10
    .endr
    ldp     x0, x1, [x19, #0]
    ldp     x2, x3, [x19, #16]
    ldp     x4, x5, [x19, #32]
    ldp     x6, x7, [x19, #48]
    smc     #0
    stp     x0, x1, [x19, #0]
    stp     x2, x3, [x19, #16]
    stp     x4, x5, [x19, #32]
    stp     x6, x7, [x19, #48]
    mrs     x20, S3_3_C4_C2_2           // SVCR, before anything changes it
    // Where ZA goes: after 32 Z and 16 P (34 * SVL bytes; RDSVL counts the
    // streaming length in either mode).
    rdsvl   x9, #1
    mov     x11, #34
    madd    x11, x9, x11, x21
    // Out of streaming mode, the Z and P stores would be meaningless:
    // SVCR tells the test.
    tbz     x20, #0, 3f
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    str     z\n, [x21, #\n, mul vl]
    .endr
    addvl   x10, x21, #31
    addvl   x10, x10, #1
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    str     p\n, [x10, #\n, mul vl]
    .endr
3:  tbz     x20, #1, 4f                 // ZA off: nothing to read
    mov     w12, #0
2:  str     za[w12, 0], [x11]
    add     x11, x11, x9
    add     w12, w12, #1
    cmp     w12, w9
    b.lo    2b
4:  smstop
    mov     x0, x20
    ldp     x21, x22, [sp, #32]
    ldp     x19, x20, [sp, #16]
    ldp     x29, x30, [sp], #48
    ret

    // int64_t harness_cpu_off_streaming(void): PSCI CPU_OFF made in
    // streaming mode with ZA on (smp.cpu_off_in_streaming_mode). It does
    // not return where CPU_OFF succeeds; where it is refused, streaming
    // mode ends and the PSCI answer comes back.
    .global harness_cpu_off_streaming
harness_cpu_off_streaming:
    smstart
    mov     x0, #0x0002
    movk    x0, #0x8400, lsl #16        // PSCI CPU_OFF
    smc     #0
    smstop
    ret

    // uint64_t harness_svcr(void): SVCR (SM bit 0, ZA bit 1).
    .global harness_svcr
harness_svcr:
    mrs     x0, S3_3_C4_C2_2
    ret
