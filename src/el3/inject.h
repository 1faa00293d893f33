// Exceptions the monitor makes a lower EL take as if the CPU had raised
// them there.
#pragma once

#include "el3/context.h"

namespace el3 {

// Turns the trapped instruction in `ctx` (either world's) into an
// Undefined Instruction exception at the EL the architecture would have
// taken it to: the trapping EL, or EL1 (EL2 under HCR_EL2.TGE) for EL0.
// ESR_ELx gets EC 0 (unknown reason) with IL set, ELR_ELx and SPSR_ELx
// the trapped state; `ctx` resumes at that EL's vector. Returns the EL.
unsigned inject_undef(CpuContext& ctx);

}  // namespace el3
