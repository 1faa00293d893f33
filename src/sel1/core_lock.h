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
// Inline: nearly every FF-A call takes the core's lock (not the normal
// world's requests to the trusted OS, nor its FFA_FEATURES:
// spmc::Core::answer_without_lock), a partition's call to the trusted OS
// both.
#pragma once

#include <cstdint>

#include "arch/aarch64/spinlock.h"
#include "arch/aarch64/sysreg.h"
#include "lib/reentrant_lock.h"

namespace sel1 {

namespace lock_detail {
// The firmware's side of lib::ReentrantLock.
struct Aarch64 {
  static unsigned cpu_index() { return arch::cpu_index(); }
  static void spin_acquire(volatile uint32_t* word) { arch::spin_acquire(word); }
  static void spin_release(volatile uint32_t* word) { arch::spin_release(word); }
};
// core_lock.cpp.
extern lib::ReentrantLock<Aarch64> g_core;
extern volatile uint32_t g_tos_word;
}  // namespace lock_detail

inline void lock_core() { lock_detail::g_core.lock(); }
inline void unlock_core() { lock_detail::g_core.unlock(); }

// Whether this CPU holds the core's lock (a trusted-OS thread must not when
// it can be stopped: Threads::preemption_point checks).
inline bool core_held_here() { return lock_detail::g_core.held_here(); }

// Lets go of the core's lock however deep this CPU holds it (0 if it does
// not), and takes it back as deep.
inline unsigned release_core() { return lock_detail::g_core.release_all(); }
inline void reacquire_core(unsigned depth) { lock_detail::g_core.reacquire(depth); }

inline void lock_trusted_os() { arch::spin_acquire(&lock_detail::g_tos_word); }
inline void unlock_trusted_os() { arch::spin_release(&lock_detail::g_tos_word); }

class CoreLock {
 public:
  CoreLock() { lock_core(); }
  ~CoreLock() { unlock_core(); }
  CoreLock(const CoreLock&) = delete;
  CoreLock& operator=(const CoreLock&) = delete;
};

}  // namespace sel1
