// A Trusted Application's entry (src/ta/ta_abi.h): every operation starts
// here with an empty stack, x0 = operation, x1 = session slot, x2 =
// command. ta_dispatch returns the TEE_Result, which goes back to the
// trusted OS with TA_SYS_RETURN; the trusted OS never returns from it.
#include "ta/ta_abi.h"

    .section .text.entry, "ax"
    .global _ta_entry
_ta_entry:
    adrp    x9, __stack_top
    add     x9, x9, :lo12:__stack_top
    mov     sp, x9
    bl      ta_dispatch
    mov     x8, #TA_SYS_RETURN
    svc     #0
1:  b       1b

    // uint64_t ta_syscall(x0..x3, number): x1 comes back in *second when
    // it is not null.
    .text
    .global ta_syscall
ta_syscall:
    mov     x8, x4
    mov     x9, x5
    svc     #0
    cbz     x9, 1f
    str     x1, [x9]
    cbz     x6, 1f
    str     x2, [x6]
1:  ret
