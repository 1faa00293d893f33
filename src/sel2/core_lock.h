// The SPMC core's lock at S-EL2: taken after the SPMD hands a call over,
// released before the answer goes back, and let go of while a vCPU runs
// (HostedVms::run), so that a partition that spins on one CPU stalls no
// other CPU.
#pragma once

#include "arch/aarch64/spinlock.h"

namespace sel2 {

inline volatile uint32_t g_core_lock = 0;
inline void lock_core() { arch::spin_acquire(&g_core_lock); }
inline void unlock_core() { arch::spin_release(&g_core_lock); }

}  // namespace sel2
