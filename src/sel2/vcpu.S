// Entering and leaving an S-EL1 partition's vCPU or an S-EL0 partition
// (sel2/vcpu.h). The hypervisor's callee-saved registers and the context's
// address wait in a frame on its own stack (SP_EL2, which the partition
// never touches: an S-EL1 vCPU runs with SP_EL1, an S-EL0 one with
// SP_EL0); the vectors (vectors.S) push the partition's x0 and x1 below
// that frame.
#include "sel2/vcpu.h"
#include "arch/aarch64/asm_macros.inc"
#include "arch/aarch64/el1_sysregs.inc"
#include "arch/aarch64/fp_regs.inc"
#include "arch/aarch64/sve_regs.inc"

    // The secure hypervisor runs with HCR_EL2.E2H set (VHE, entry.S): a
    // vCPU's EL1 registers are reached through their _EL12 names there.
    .arch   armv8.2-a


    .text
    // sel2_vcpu_run(VcpuRegs* regs, const ffa::Regs* call): x18-x30 and
    // the exception state from `regs`, x0-x17 from `call` (the message
    // the core built for it, or its own saved ones): no copy first.
    .global sel2_vcpu_run
sel2_vcpu_run:
    push_run_frame x0
    ldp     x2, x3, [x0, #VCPU_ELR]
    msr     elr_el2, x2
    msr     spsr_el2, x3
    load_x18_x30 x0, VCPU_X0
    load_x2_x17 x1, 0
    ldp     x0, x1, [x1]
    eret

    .global sel2_el0_run
sel2_el0_run:
    push_run_frame x0
    b       sel2_el0_enter          // the trampoline (vectors.S)

    // The way back, from the vectors, with the hypervisor's tables in
    // place: [sp] holds the partition's x0 and x1, x1 the Exit kind.
    .global sel2_lower_el_exit
sel2_lower_el_exit:
    ldr     x0, [sp, #16 + 96]
    store_x2_x30 x0, VCPU_X0
    ldp     x2, x3, [sp], #16
    stp     x2, x3, [x0, #VCPU_X0]
    mrs     x2, elr_el2
    mrs     x3, spsr_el2
    stp     x2, x3, [x0, #VCPU_ELR]
    mrs     x2, esr_el2
    mrs     x3, far_el2
    stp     x2, x3, [x0, #VCPU_ESR]
    mrs     x2, hpfar_el2
    mrs     x3, sp_el0
    stp     x2, x3, [x0, #VCPU_HPFAR]
    mov     x0, x1
    pop_run_frame
    ret

    // sel2_swap_el1(El1Regs* save, const El1Regs* load): the CPU's EL1
    // registers out to `save`, `load`'s in (cpu_switch.h says whose).
    .global sel2_swap_el1
sel2_swap_el1:
    save_el1_sysregs x0, x9, x10, el12
    restore_el1_sysregs x1, x9, x10, el12
    ret

    // The 17 predicate registers at the vector length in force (PL bytes
    // each: two at the 128 bits partitions get), FFR last; p0 is used to
    // move FFR and is put back.
    .arch_extension sve
    .global sel2_save_sve_predicates
sel2_save_sve_predicates:
    store_p x0
    store_ffr x0
    ldr     p0, [x0, #0, mul vl]
    ret

    .global sel2_restore_sve_predicates
sel2_restore_sve_predicates:
    load_ffr x0
    load_p x0
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
