// The secure hypervisor's exception vectors at S-EL2, and the way into an
// S-EL0 partition: one page, the trampoline, which every S-EL0
// partition's tables hold too (executable at EL2 only). The hypervisor is
// not mapped while an S-EL0 partition runs: entering it switches
// TTBR0_EL2 to the partition's tables (with its ASID) as the very last
// step, and an exception from a lower EL switches back to the
// hypervisor's (sel2_stage1_tables, ASID 0: mmu.cpp) first. An S-EL1
// partition's vCPU runs with the hypervisor's TTBR0_EL2 in place (its
// stage 1 is EL1's): the switch back costs it nothing but the write.
//
// From a lower EL (AArch64): back to whoever entered it (sel2_vcpu_run or
// sel2_el0_run returns, vcpu.S). Anything else is a fault of the
// hypervisor's own, reported with its syndrome (sel2_unexpected_exception
// powers the machine off).
#include "sel2/vcpu.h"
#include "arch/aarch64/asm_macros.inc"

    // (Our tables first: a fault between the trampoline's two switches
    // must still reach the report.)
    .macro unexpected kind
    .balign 0x80
    adrp    x0, sel2_stage1_tables
    msr     ttbr0_el2, x0
    isb
    mov     x0, #\kind
    mrs     x1, esr_el2
    mrs     x2, elr_el2
    mrs     x3, far_el2
    b       sel2_unexpected_exception
    .endm

    // TPIDR_EL2 is the one free register here: x0 waits in it while the
    // hypervisor's tables come back (the stack is not mapped before).
    .macro lower_el kind
    .balign 0x80
    msr     tpidr_el2, x0
    adrp    x0, sel2_stage1_tables
    msr     ttbr0_el2, x0
    isb
    mrs     x0, tpidr_el2
    stp     x0, x1, [sp, #-16]!
    mov     x1, #\kind
    b       sel2_lower_el_exit
    .endm

    .section .text.trampoline, "ax"
    .balign 4096
    .global sel2_vectors
    .global __sel2_trampoline_start
__sel2_trampoline_start:
sel2_vectors:
    unexpected 0            // current EL, SP_EL0
    unexpected 1
    unexpected 2
    unexpected 3
    unexpected 4            // current EL, SP_EL2: a fault in the hypervisor
    unexpected 5
    unexpected 6
    unexpected 7
    lower_el 0              // lower EL, AArch64: synchronous (sel2::Exit)
    lower_el 1              // IRQ: a secure interrupt
    lower_el 2              // FIQ: a normal-world interrupt
    lower_el 3              // SError
    unexpected 12           // lower EL, AArch32: partitions are AArch64
    unexpected 13
    unexpected 14
    unexpected 15

    // sel2_el0_enter(VcpuRegs* x0): the S-EL0 partition's registers in,
    // its tables in TTBR0_EL2 last, then ERET to EL0 (HCR_EL2.TGE set by
    // the caller). From here on nothing but this page is mapped.
    .global sel2_el0_enter
sel2_el0_enter:
    eret_to_el0 VCPU_ELR, VCPU_SP_EL0, VCPU_X0, VCPU_TTBR0, el2
    .balign 4096
    .global __sel2_trampoline_end
__sel2_trampoline_end:
