// The trusted OS's exception vectors and its way into and out of S-EL0.
//
// A partition's translation tables hold its own memory and this one page
// (the trampoline: vectors and exit path, EL1-only): the trusted OS is not
// mapped while a partition runs. Entering EL0 switches TTBR0_EL1 to the
// partition's tables (with its ASID) as the very last step; an exception
// from EL0 switches back first. The trusted OS's own TTBR0 value waits in
// TTBR1_EL1, which translates nothing here (TCR_EL1.EPD1 = 1).
#include "arch/aarch64/asm_macros.inc"
#include "sel1/sp_context.h"

    .macro unexpected kind
    .balign 0x80
    // The trusted OS's tables first (a partition's may be in TTBR0 still,
    // which do not map the report's code).
    mrs     x0, ttbr1_el1
    msr     ttbr0_el1, x0
    isb
    mov     x0, #\kind
    mrs     x1, esr_el1
    mrs     x2, elr_el1
    mrs     x3, far_el1
    b       sel1_unexpected_exception
    .endm

    .macro from_el0 kind
    .balign 0x80
    msr     tpidr_el1, x0
    mrs     x0, ttbr1_el1
    msr     ttbr0_el1, x0
    isb
    mrs     x0, tpidr_el1
    stp     x0, x1, [sp, #-16]!
    mov     x1, #\kind
    b       el0_trap
    .endm

    .section .text.trampoline, "ax"
    .balign 4096
    .global sel1_vectors
    .global __trampoline_start
__trampoline_start:
sel1_vectors:
    unexpected 0            // current EL, SP_EL0
    unexpected 1
    unexpected 2
    unexpected 3
    unexpected 4            // current EL, SP_EL1: a fault in the trusted OS
    unexpected 5
    // A normal-world interrupt (FIQ) while one of the trusted OS's threads
    // runs with FIQ unmasked (sel1/threads.h): the thread is suspended.
    .balign 0x80
    stp     x0, x1, [sp, #-16]!
    adrp    x0, g_thread_running
    ldr     x0, [x0, :lo12:g_thread_running]
    cbz     x0, 1f
    b       sel1_thread_fiq
1:  ldp     x0, x1, [sp], #16
    mov     x0, #6
    mrs     x1, esr_el1
    mrs     x2, elr_el1
    mrs     x3, far_el1
    b       sel1_unexpected_exception
    unexpected 7
    from_el0 EL0_TRAP_SYNC  // lower EL, AArch64
    from_el0 EL0_TRAP_IRQ
    from_el0 EL0_TRAP_FIQ
    from_el0 EL0_TRAP_SERROR
    unexpected 12           // lower EL, AArch32: partitions are AArch64
    unexpected 13
    unexpected 14
    unexpected 15

    // el0_exit(SpContext* x0): load the partition's registers, switch to
    // its tables, return to EL0. Runs from the trampoline page because the
    // last instructions execute with the partition's tables.
el0_exit:
    eret_to_el0 SPCTX_ELR, SPCTX_SP_EL0, SPCTX_X0, SPCTX_TTBR0, el1
    .balign 4096
    .global __trampoline_end
__trampoline_end:

    .text
    // uint64_t sel1_el0_run(SpContext* ctx)
    .global sel1_el0_run
sel1_el0_run:
    // FIQ masked from here to the ERET (which unmasks it for EL0 through
    // SPSR): a thread of the trusted OS runs with FIQ unmasked, and an FIQ
    // taken in el0_exit would find the partition's tables in TTBR0 (the
    // current-EL FIQ vector then faults on g_thread_running, and the fault
    // on sel1_unexpected_exception, for ever) or ELR_EL1/SPSR_EL1 already
    // the partition's.
    // The context goes into this frame, on this stack, not into a global:
    // a partition (under the core's lock) and a Trusted Application (under
    // the trusted OS's, in a thread) may be at S-EL0 on two CPUs at once,
    // and the exception that brings each back arrives on the stack it left.
    msr     daifset, #1
    push_run_frame x0
    ldr     x1, [x0, #SPCTX_TPIDR_EL0]
    msr     tpidr_el0, x1
#ifndef TESSERA_TOS_PARTITION
    // EL0's access to the performance monitors is the normal world's to
    // give its own EL0 (PMUSERENR_EL0, which no world switch moves): none
    // for partitions and Trusted Applications, whose PMU accesses are then
    // UNDEFINED (a fault that stops them) rather than able to reprogram the
    // normal world's counters. Kept in the frame's spare slot, put back on
    // the way out. (As an S-EL1 partition the trusted OS may not touch the
    // PMU at all: the S-EL2 SPMC traps it, and makes its EL0's accesses
    // the UNDEF they would be here.)
    // (Only where there is a PMU: the register is UNDEFINED without one,
    // and 0 goes into the slot.)
    adrp    x1, sel1_pmu_present
    ldr     x1, [x1, :lo12:sel1_pmu_present]
    cbz     x1, 2f
    mrs     x1, pmuserenr_el0
2:  str     x1, [sp, #104]
    cbz     x1, el0_exit
    msr     pmuserenr_el0, xzr
#endif
    b       el0_exit

    // From the vectors: the trusted OS's tables are back; [sp] holds the
    // partition's x0 and x1 (the vector pushed them below this function's
    // frame), x1 the kind of exception.
el0_trap:
    ldr     x0, [sp, #16 + 96]
    store_x2_x30 x0, SPCTX_X0
    ldp     x2, x3, [sp], #16
    stp     x2, x3, [x0, #SPCTX_X0]
    mrs     x2, elr_el1
    mrs     x3, spsr_el1
    stp     x2, x3, [x0, #SPCTX_ELR]
    mrs     x2, sp_el0
    str     x2, [x0, #SPCTX_SP_EL0]
    mrs     x2, esr_el1
    mrs     x3, far_el1
    stp     x2, x3, [x0, #SPCTX_ESR]
    mrs     x2, tpidr_el0
    str     x2, [x0, #SPCTX_TPIDR_EL0]
    mov     x0, x1
#ifndef TESSERA_TOS_PARTITION
    ldr     x2, [sp, #104]
    cbz     x2, 1f
    msr     pmuserenr_el0, x2
1:
#endif
    pop_run_frame
    ret
