// Switching into and out of the trusted OS's threads (sel1/threads.h).
#include "arch/aarch64/asm_macros.inc"
#include "sel1/threads.h"

    .macro save_caller
    stp     x19, x20, [x0, #THREAD_CALLER + 0]
    stp     x21, x22, [x0, #THREAD_CALLER + 16]
    stp     x23, x24, [x0, #THREAD_CALLER + 32]
    stp     x25, x26, [x0, #THREAD_CALLER + 48]
    stp     x27, x28, [x0, #THREAD_CALLER + 64]
    stp     x29, x30, [x0, #THREAD_CALLER + 80]
    mov     x9, sp
    str     x9, [x0, #THREAD_CALLER + 96]
    adrp    x9, g_thread_running
    str     x0, [x9, :lo12:g_thread_running]
    .endm

    .text
    // uint64_t sel1_thread_run(ThreadContext* t, void (*fn)(void*), void* arg, uint64_t stack_top)
    .global sel1_thread_run
sel1_thread_run:
    save_caller
    mov     x19, x0                 // kept by fn (callee-saved)
    mov     sp, x3
    mov     x0, x2
    // The work starts with FIQ masked: it opens windows for a normal-world
    // interrupt itself (Threads::preemption_point, a TA at S-EL0), never
    // while it holds a lock (the console's, say) that a suspension would
    // leave held.
    blr     x1
    msr     daifset, #1
    mov     x0, x19
    mov     x1, #0                  // fn returned
    b       thread_back

    // uint64_t sel1_thread_resume(ThreadContext* t)
    .global sel1_thread_resume
sel1_thread_resume:
    save_caller
    ldp     x2, x3, [x0, #THREAD_ELR]
    msr     elr_el1, x2
    msr     spsr_el1, x3            // as the FIQ found it: FIQ unmasked
    ldr     x2, [x0, #THREAD_SP]
    mov     sp, x2
    load_x2_x30 x0, THREAD_X0
    ldp     x0, x1, [x0, #THREAD_X0]
    eret

    // void sel1_thread_yield(void), from inside the running thread: it
    // stops here for an RPC (its callee-saved registers, stack and a resume
    // point saved as an FIQ would save them), its runner gets 2, and a
    // later sel1_thread_resume returns from this call.
    .global sel1_thread_yield
sel1_thread_yield:
    adrp    x9, g_thread_running
    ldr     x0, [x9, :lo12:g_thread_running]
    stp     x19, x20, [x0, #THREAD_X0 + 19 * 8]
    stp     x21, x22, [x0, #THREAD_X0 + 21 * 8]
    stp     x23, x24, [x0, #THREAD_X0 + 23 * 8]
    stp     x25, x26, [x0, #THREAD_X0 + 25 * 8]
    stp     x27, x28, [x0, #THREAD_X0 + 27 * 8]
    stp     x29, x30, [x0, #THREAD_X0 + 29 * 8]
    mov     x2, sp
    str     x2, [x0, #THREAD_SP]
    adr     x2, 1f
    mrs     x3, daif
    mov     x4, #5
    orr     x3, x3, x4              // EL1h, with the thread's interrupt masks
    stp     x2, x3, [x0, #THREAD_ELR]
    msr     daifset, #1
    mov     x1, #2                  // stopped for an RPC
    b       thread_back
1:  ret                             // resumed: x19-x30 and sp are as they were

    // From the current-EL FIQ vector (el0.S), on the thread's stack with
    // its x0/x1 pushed: x0 = the running thread. Saves it and goes back.
    .global sel1_thread_fiq
sel1_thread_fiq:
    store_x2_x30 x0, THREAD_X0
    ldp     x2, x3, [sp], #16
    stp     x2, x3, [x0, #THREAD_X0]
    mov     x2, sp
    str     x2, [x0, #THREAD_SP]
    mrs     x2, elr_el1
    mrs     x3, spsr_el1
    stp     x2, x3, [x0, #THREAD_ELR]
    mov     x1, #1                  // suspended
    // The interrupt stays pending: the normal world takes it once the
    // answer reaches it. Interrupts stay masked from here on.

    // x0 = the thread, x1 = the result: back to its caller.
thread_back:
    adrp    x9, g_thread_running
    str     xzr, [x9, :lo12:g_thread_running]
    ldp     x19, x20, [x0, #THREAD_CALLER + 0]
    ldp     x21, x22, [x0, #THREAD_CALLER + 16]
    ldp     x23, x24, [x0, #THREAD_CALLER + 32]
    ldp     x25, x26, [x0, #THREAD_CALLER + 48]
    ldp     x27, x28, [x0, #THREAD_CALLER + 64]
    ldp     x29, x30, [x0, #THREAD_CALLER + 80]
    ldr     x9, [x0, #THREAD_CALLER + 96]
    mov     sp, x9
    mov     x0, x1
    ret

    .bss
    .balign 8
    .global g_thread_running
g_thread_running:
    .quad   0
