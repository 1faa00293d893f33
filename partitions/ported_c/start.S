/* Entry of a position-independent partition: it runs where it was
   loaded, not where it was linked (0), so it first applies its
   R_AARCH64_RELATIVE relocations (each: *(base + offset) = base + addend),
   as partitions built for other SPMCs do. Every address here is
   PC-relative. */
    .section .text.start, "ax"
    .global _start
_start:
    adr     x9, _start                  // the load address: linked at 0
    adrp    x10, __rela_start
    add     x10, x10, :lo12:__rela_start
    adrp    x11, __rela_end
    add     x11, x11, :lo12:__rela_end
    mov     x12, #0                     // relocations applied
1:  cmp     x10, x11
    b.hs    2f
    ldp     x13, x14, [x10]             // r_offset, r_info
    ldr     x15, [x10, #16]             // r_addend
    add     x10, x10, #24
    cmp     x14, #1027                  // R_AARCH64_RELATIVE, symbol 0
    b.ne    3f
    add     x15, x15, x9
    str     x15, [x9, x13]
    add     x12, x12, #1
    b       1b
2:  adrp    x1, stack_top
    add     x1, x1, :lo12:stack_top
    mov     sp, x1
    mov     x0, x9                      // where it runs
    mov     x1, x12                     // how many relocations it applied
    bl      partition_main
3:  b       3b                          // a relocation it cannot apply: stop here
