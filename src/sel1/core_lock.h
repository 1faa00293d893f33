// The S-EL1 placement's two locks (issue 12: no core lock while the trusted
// OS runs):
//  - the SPMC core's lock: the core, its partitions (which run under it)
//    and the trusted OS's devices. Re-entrant on the CPU that holds it, so
//    that code reached both from the core (a top half) and from the trusted
//    OS takes it the same way.
//  - the trusted OS's lock: its FF-A endpoint, its threads and the TA host.
// The order is trusted OS, then core, never the other way: the trusted OS
// takes the core's lock around each call into the core (TrustedOsGate's
// adapters), and the core's lock is let go before the trusted OS's is taken
// (TrustedOsGate::on_direct_request). So a Trusted Application that runs
// for long on one CPU holds only the trusted OS's lock, and the other CPUs'
// calls to partitions, memory sharing and notifications go on.
// Inline: every FF-A call takes the core's lock, every call to the trusted
// OS both.
#pragma once

#include <cstdint>

#include "arch/aarch64/spinlock.h"
#include "arch/aarch64/sysreg.h"

namespace sel1 {

namespace lock_detail {
using arch::spin_acquire;
using arch::spin_release;

// core_lock.cpp. Who holds the core's lock (CPU index + 1, 0: nobody) and
// how deep: only the holder writes them, and others read them only to see
// that they are not the holder.
extern volatile uint32_t g_core_word;
extern volatile uint32_t g_tos_word;
extern volatile unsigned g_core_owner;
extern unsigned g_core_depth;
}  // namespace lock_detail

inline void lock_core() {
  using namespace lock_detail;
  const unsigned me = arch::cpu_index() + 1;
  if (g_core_owner == me) {
    ++g_core_depth;
    return;
  }
  spin_acquire(&g_core_word);
  g_core_owner = me;
  g_core_depth = 1;
}

inline void unlock_core() {
  using namespace lock_detail;
  if (--g_core_depth != 0) return;
  g_core_owner = 0;
  spin_release(&g_core_word);
}

// Whether this CPU holds the core's lock (a trusted-OS thread must not when
// it can be stopped: Threads::preemption_point checks).
inline bool core_held_here() { return lock_detail::g_core_owner == arch::cpu_index() + 1; }

// Lets go of the core's lock however deep this CPU holds it (0 if it does
// not), and takes it back as deep.
inline unsigned release_core() {
  using namespace lock_detail;
  if (g_core_owner != arch::cpu_index() + 1) return 0;
  const unsigned depth = g_core_depth;
  g_core_depth = 0;
  g_core_owner = 0;
  spin_release(&g_core_word);
  return depth;
}
inline void reacquire_core(unsigned depth) {
  using namespace lock_detail;
  if (depth == 0) return;
  spin_acquire(&g_core_word);
  g_core_owner = arch::cpu_index() + 1;
  g_core_depth = depth;
}

inline void lock_trusted_os() { lock_detail::spin_acquire(&lock_detail::g_tos_word); }
inline void unlock_trusted_os() { lock_detail::spin_release(&lock_detail::g_tos_word); }

class CoreLock {
 public:
  CoreLock() { lock_core(); }
  ~CoreLock() { unlock_core(); }
  CoreLock(const CoreLock&) = delete;
  CoreLock& operator=(const CoreLock&) = delete;
};

}  // namespace sel1
