/*
 * mp-c's SVE commands (main.c, 24 SVE_SET and 25 SVE_CHECK): a pattern in
 * every Z and P register and in FFR, at whatever vector length the SPMC
 * gives, and the check that it is still there. Called with SVE enabled at
 * EL1 (CPACR_EL1.ZEN). The pattern, from `base`:
 *   z<n>: every 64-bit element base + n;
 *   p<n>: the first (base + n) % (E + 1) 64-bit elements active (E:
 *         elements in a vector), the predicate WHILELO makes;
 *   FFR:  every byte when base is odd, the first half of the bytes when
 *         it is even (FFR must hold a monotonic predicate).
 */
    .arch   armv8.2-a+sve
    .text

    /* x10 = (base + n) % (E + 1), with the base in `base` and x7 = E + 1;
       x13 is scratch. */
    .macro active n, base
    add     x10, \base, #\n
    udiv    x13, x10, x7
    msub    x10, x13, x7, x10
    .endm

    /* uint64_t mp_sve_set(uint64_t base): the vector length in bytes. */
    .global mp_sve_set
mp_sve_set:
    rdvl    x11, #1
    lsr     x12, x11, #3            /* E */
    add     x7, x12, #1
    /* FFR, through p0 (set again below). */
    lsr     x14, x11, #1
    tst     x0, #1
    csel    x14, x11, x14, ne
    whilelo p0.b, xzr, x14
    wrffr   p0.b
    mov     x9, x0
    .irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    dup     z\n\().d, x9
    add     x9, x9, #1
    .endr
    .irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    active  \n, x0
    whilelo p\n\().d, xzr, x10
    .endr
    mov     x0, x11
    ret

    /* uint64_t mp_sve_check(uint64_t base): 1 when all of it holds. Each
       register is stored on the stack and read back: the predicates first
       (a predicate is needed for nothing then), at sp + 256, one vector
       length's eighth each (32 bytes at most); the Z registers one at a
       time at sp (256 bytes at most). */
    .global mp_sve_check
mp_sve_check:
    sub     sp, sp, #(256 + 17 * 32)
    add     x15, sp, #256
    .irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    str     p\n, [x15, #\n, mul vl]
    .endr
    rdffr   p0.b
    str     p0, [x15, #16, mul vl]
    mov     x16, x0                 /* base */
    mov     x0, #1
    rdvl    x11, #1
    lsr     x12, x11, #3            /* E, also a predicate's bytes */
    add     x7, x12, #1
    mov     x9, x16
    .irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    str     z\n, [sp]
    mov     x10, #0
1:  ldr     x13, [sp, x10]
    cmp     x13, x9
    csel    x0, xzr, x0, ne
    add     x10, x10, #8
    cmp     x10, x11
    b.lo    1b
    add     x9, x9, #1
    .endr
    /* p<n>: one bit per byte of a vector, so element i's bit is bit 0 of
       the predicate's byte i: byte i is 1 below the active count, 0 from
       there. */
    .irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    active  \n, x16
    mov     x13, #\n
    madd    x17, x13, x12, x15
    mov     x13, #0
2:  ldrb    w14, [x17, x13]
    cmp     x13, x10
    cset    x6, lo
    cmp     x14, x6
    csel    x0, xzr, x0, ne
    add     x13, x13, #1
    cmp     x13, x12
    b.lo    2b
    .endr
    /* FFR: its first x14 bits set (a bit per byte of a vector). */
    lsr     x14, x11, #1
    tst     x16, #1
    csel    x14, x11, x14, ne
    mov     x13, #16
    madd    x17, x13, x12, x15
    mov     x13, #0                 /* byte of FFR */
3:  ldrb    w6, [x17, x13]
    lsl     x10, x13, #3            /* its first bit's number */
    subs    x8, x14, x10            /* bits set from there on */
    csel    x8, xzr, x8, lt
    cmp     x8, #8
    mov     x10, #8
    csel    x8, x10, x8, gt
    mov     x10, #1
    lsl     x10, x10, x8
    sub     x10, x10, #1            /* (1 << bits) - 1 */
    cmp     x6, x10
    csel    x0, xzr, x0, ne
    add     x13, x13, #1
    cmp     x13, x12
    b.lo    3b
    add     sp, sp, #(256 + 17 * 32)
    ret
