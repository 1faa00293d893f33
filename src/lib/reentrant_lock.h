// A spin lock that the CPU holding it may take again (nested), and may let
// go of whatever its depth and take back as deep: the S-EL1 placement's
// core lock (sel1/core_lock.h), whose holder reaches code that takes it
// both from the core (a top half) and from the trusted OS, and lets it go
// around what runs without it (a partition, a trusted-OS thread).
//
// Portable: `Arch` supplies the word's acquire and release and the
// current CPU's index (static functions spin_acquire(volatile uint32_t*),
// spin_release(volatile uint32_t*), cpu_index()), so that the same logic
// runs in the firmware and in host tests with real threads.
//
// Only the holder writes owner_ and depth_; other CPUs read owner_ only to
// see that they are not the holder (it is never their own index then,
// whatever they read mid-change).
#pragma once

#include <cstdint>

namespace lib {

template <typename Arch>
class ReentrantLock {
 public:
  constexpr ReentrantLock() = default;
  ReentrantLock(const ReentrantLock&) = delete;
  ReentrantLock& operator=(const ReentrantLock&) = delete;

  void lock() {
    const unsigned me = Arch::cpu_index() + 1;
    if (owner_ == me) {
      ++depth_;
      return;
    }
    Arch::spin_acquire(&word_);
    owner_ = me;
    depth_ = 1;
  }
  // Undoes one lock() of the holder's.
  void unlock() {
    if (--depth_ != 0) return;
    owner_ = 0;
    Arch::spin_release(&word_);
  }
  bool held_here() const { return owner_ == Arch::cpu_index() + 1; }
  // Lets go however deep this CPU holds it; the depth to take it back
  // with (0, and nothing done, when this CPU does not hold it).
  unsigned release_all() {
    if (!held_here()) return 0;
    const unsigned depth = depth_;
    depth_ = 0;
    owner_ = 0;
    Arch::spin_release(&word_);
    return depth;
  }
  // Takes it back as deep as release_all() said (0: nothing).
  void reacquire(unsigned depth) {
    if (depth == 0) return;
    Arch::spin_acquire(&word_);
    owner_ = Arch::cpu_index() + 1;
    depth_ = depth;
  }
  // For tests: how deep its holder holds it (0: free).
  unsigned depth() const { return depth_; }
  bool free() const { return word_ == 0; }

 private:
  volatile uint32_t word_ = 0;
  volatile unsigned owner_ = 0;  // CPU index + 1 of the holder, 0: nobody
  unsigned depth_ = 0;
};

}  // namespace lib
