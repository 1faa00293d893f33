// EL3 reset entry. QEMU starts every CPU at 0x0 (flash) in EL3. The primary
// CPU copies the monitor to secure RAM, where it is linked, and runs there;
// secondaries wait in flash until the SMP work gives them somewhere to go.
#include "arch/aarch64/asm_macros.inc"

    .section .text.entry, "ax"
    .global _start
_start:
    mrs     x0, mpidr_el1
    and     x0, x0, #0xff
    cbnz    x0, secondary_pen

    // Copy [load address, __load_end) to where we are linked (VA = PA).
    adr     x1, _start
    ldr     x2, =__image_start
    ldr     x3, =__load_end
    cmp     x1, x2
    b.eq    2f
1:  ldp     x4, x5, [x1], #16
    stp     x4, x5, [x2], #16
    cmp     x2, x3
    b.lo    1b
2:  ldr     x0, =primary_start
    br      x0

    // Secondaries wait here (in flash, MMU off) until PSCI CPU_ON writes
    // where to go into their slot of el3_secondary_entry (secure RAM).
secondary_pen:
    mrs     x0, mpidr_el1
    and     x0, x0, #0xff
    ldr     x1, =el3_secondary_entry
1:  wfe
    ldr     x2, [x1, x0, lsl #3]
    cbz     x2, 1b
    br      x2

    .text
    .global el3_secondary_start
el3_secondary_start:
    ldr     x0, =el3_vectors
    msr     vbar_el3, x0
    isb
    ldr     x0, =0x30c50838
    msr     sctlr_el3, x0
    isb
    // This CPU's 8 KiB of the stack area.
    mrs     x0, mpidr_el1
    and     x0, x0, #0xff
    ldr     x1, =__stack_top
    sub     x1, x1, x0, lsl #13
    mov     sp, x1
    bl      el3_secondary_main
6:  wfi
    b       6b

primary_start:
    // Vectors first, so that any fault from here on is reported.
    ldr     x0, =el3_vectors
    msr     vbar_el3, x0
    isb
    // SCTLR_EL3: MMU and caches off until tables exist; alignment checks
    // on for the stack; little-endian.
    ldr     x0, =0x30c50838
    msr     sctlr_el3, x0
    isb
    ldr     x0, =__stack_top
    mov     sp, x0
    // Zero BSS (8-byte aligned by the linker script).
    clear_bss __bss_start, __bss_end, x0, x1
    bl      el3_main
5:  wfi
    b       5b
