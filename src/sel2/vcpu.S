// Entering and leaving an S-EL1 partition's vCPU (sel2/vcpu.h). The
// hypervisor's callee-saved registers wait on its own stack (SP_EL2, which
// the vCPU never touches: it runs with SP_EL1); TPIDR_EL2 points at the
// running vCPU's registers, so the vectors find them without a free
// register.
#include "sel2/vcpu.h"
#include "arch/aarch64/asm_macros.inc"
#include "arch/aarch64/el1_sysregs.inc"
#include "arch/aarch64/fp_regs.inc"

    // The secure hypervisor runs with HCR_EL2.E2H set (VHE, entry.S): a
    // vCPU's EL1 registers are reached through their _EL12 names there.
    .arch   armv8.2-a

    .text
    .global sel2_vcpu_run
sel2_vcpu_run:
    stp     x19, x20, [sp, #-96]!
    stp     x21, x22, [sp, #16]
    stp     x23, x24, [sp, #32]
    stp     x25, x26, [sp, #48]
    stp     x27, x28, [sp, #64]
    stp     x29, x30, [sp, #80]
    msr     tpidr_el2, x0
    ldp     x1, x2, [x0, #VCPU_ELR]
    msr     elr_el2, x1
    msr     spsr_el2, x2
    load_x2_x30 x0, 0
    ldp     x0, x1, [x0, #0x00]
    eret

    // The way back, from the vectors: x0 and x1 of the vCPU on the stack,
    // x1 = the Exit kind.
    .global sel2_vcpu_exit
sel2_vcpu_exit:
    mrs     x0, tpidr_el2
    store_x2_x30 x0, 0
    ldp     x2, x3, [sp], #16
    stp     x2, x3, [x0, #0x00]
    mrs     x2, elr_el2
    mrs     x3, spsr_el2
    stp     x2, x3, [x0, #VCPU_ELR]
    mrs     x2, esr_el2
    mrs     x3, far_el2
    stp     x2, x3, [x0, #VCPU_ESR]
    mrs     x2, hpfar_el2
    str     x2, [x0, #VCPU_HPFAR]
    mov     x0, x1
    ldp     x21, x22, [sp, #16]
    ldp     x23, x24, [sp, #32]
    ldp     x25, x26, [sp, #48]
    ldp     x27, x28, [sp, #64]
    ldp     x29, x30, [sp, #80]
    ldp     x19, x20, [sp], #96
    ret

    .global sel2_save_el1
sel2_save_el1:
    save_el1_sysregs x0, x9, x10, el12
    ret

    .global sel2_restore_el1
sel2_restore_el1:
    restore_el1_sysregs x0, x9, x10, el12
    ret

    .arch_extension fp
    .arch_extension simd
    .global sel2_save_fp
sel2_save_fp:
    save_fp_regs x0
    ret

    .global sel2_restore_fp
sel2_restore_fp:
    restore_fp_regs x0
    ret
