// The SMCCC conduits: SMC (to EL3) and SVC (from S-EL0 to its partition
// manager). x0-x17 in and out, per SMCCC v1.2.
#pragma once

#include "ffa/regs.h"

extern "C" {
void arch_smc(ffa::Regs* regs);
void arch_svc(ffa::Regs* regs);
}

namespace arch {
inline ffa::Regs smc(ffa::Regs r) {
  arch_smc(&r);
  return r;
}
}  // namespace arch
