// Lamport's bakery lock: mutual exclusion between CPUs with nothing but
// plain loads, plain stores and full barriers. It serialises console lines
// (lib/log.h, the harness's console).
//
// Why not an exclusive-load/store (or LSE) spinlock, as the trusted OS's
// core lock is: exclusives are only architecturally guaranteed on Normal,
// cacheable, shareable memory, and the consoles print where that does not
// hold. The normal-world harness runs with its MMU off for good, so each
// of its accesses is Device-nGnRnE, where a global monitor need not exist
// (QEMU honours exclusives anyway; hardware need not). The bakery needs
// only single-copy atomic 32-bit accesses and DMB, which every memory type
// gives: it is correct in the harness, at EL3 and S-EL1, and for the
// secure console that the monitor and the trusted OS share (both map that
// lock Normal write-back, inner shareable).
//
// Each CPU owns one slot (its index) and writes only its own slot; the
// state is kSlots * 8 bytes and needs no initialisation but zero.
//
// Two properties a console lock needs that a textbook lock lacks:
// - Re-entry on one CPU: a fault taken while this CPU holds the lock (or
//   waits for it) must still print its message. acquire() sees its own
//   slot in use and answers `nested`: go on without the lock (the fault's
//   line may land inside the interrupted one; a deadlock would lose both).
// - Bounded waiting: a holder that never lets go (a CPU stopped while it
//   printed, or lock memory another world scribbled on) must not silence
//   the others for good. After `max_spins` rounds the caller prints anyway
//   (`forced`); mutual exclusion is given up for that one line, never a
//   message.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lib {

#if !defined(__aarch64__)
// Host builds (unit tests): give the holder the core, since threads may
// outnumber cores there (src/arch/fake/spin_relax.cpp).
void host_spin_relax();
#endif

class BakeryLock {
 public:
  static constexpr unsigned kSlots = 8;  // plat::kMaxCpus
  // Rounds of waiting before acquire() gives up: a fraction of a second
  // under QEMU, far longer than any line takes to print.
  static constexpr uint32_t kDefaultMaxSpins = 1u << 24;

  enum class Taken : uint8_t {
    locked,     // this caller holds the lock: release() it
    forced,     // waited too long; holds a ticket but not the lock: release() it
    nested,     // this slot was in use already (re-entry on this CPU): no release()
    no_slot,    // slot out of range: no lock, no release()
  };

  // All slots free. Only while no other CPU can use the lock (cold boot).
  void reset() {
    for (unsigned i = 0; i < kSlots; ++i) {
      store(choosing_[i], 0);
      store(number_[i], 0);
    }
    fence();
  }

  Taken acquire(unsigned slot, uint32_t max_spins = kDefaultMaxSpins) {
    if (slot >= kSlots) return Taken::no_slot;
    if (load(choosing_[slot]) != 0 || load(number_[slot]) != 0) return Taken::nested;
    // Take a ticket one above every ticket in use.
    store(choosing_[slot], 1);
    fence();
    uint32_t max = 0;
    for (unsigned j = 0; j < kSlots; ++j) {
      const uint32_t n = load(number_[j]);
      if (n > max) max = n;
    }
    // Tickets restart from 1 whenever the lock goes idle, so they stay
    // small; only a scribbled slot holds a huge one. Never take 0 (free).
    const uint32_t mine = max + 1 != 0 ? max + 1 : max;
    store(number_[slot], mine);
    fence();
    store(choosing_[slot], 0);
    fence();
    // Wait for every CPU that is choosing, or holds a smaller ticket
    // (ties: the smaller slot goes first).
    uint32_t spins = 0;
    for (unsigned j = 0; j < kSlots; ++j) {
      if (j == slot) continue;
      while (load(choosing_[j]) != 0) {
        if (++spins > max_spins) return Taken::forced;
        relax();
      }
      for (;;) {
        const uint32_t n = load(number_[j]);
        if (n == 0 || n > mine || (n == mine && j > slot)) break;
        if (++spins > max_spins) return Taken::forced;
        relax();
      }
    }
    fence();
    return Taken::locked;
  }

  void release(unsigned slot) {
    if (slot >= kSlots) return;
    fence();
    store(number_[slot], 0);
    fence();
  }

  static bool must_release(Taken t) { return t == Taken::locked || t == Taken::forced; }

 private:
  static uint32_t load(const uint32_t& v) { return __atomic_load_n(&v, __ATOMIC_RELAXED); }
  static void store(uint32_t& v, uint32_t x) { __atomic_store_n(&v, x, __ATOMIC_RELAXED); }
  // A full barrier for every memory type: DMB SY (Device memory is outer
  // shareable; an inner-shareable barrier would not be enough to argue).
  static void fence() {
#if defined(__aarch64__)
    __asm__ volatile("dmb sy" ::: "memory");
#else
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
  }
  // YIELD lets QEMU run another vCPU at once in its round-robin (-icount)
  // mode, where the holder may be waiting for this CPU's time slice to end.
  // On the host (unit tests), threads may outnumber cores: give the
  // holder the core.
  static void relax() {
#if defined(__aarch64__)
    __asm__ volatile("yield" ::: "memory");
#else
    host_spin_relax();
#endif
  }

  uint32_t choosing_[kSlots] = {};
  uint32_t number_[kSlots] = {};
};

}  // namespace lib
