// Threads of the trusted OS for its yielding calls: work that runs with
// the normal world's interrupts unmasked, so that one of them can stop it
// (the trusted OS's managed exit). The work is then suspended with its
// registers, the call answers "interrupted" with the thread's ID, and the
// normal world resumes it later with another call, on any CPU. The
// interface is portable; src/sel1/threads.cpp is the S-EL1 implementation,
// tests bring their own.
#pragma once

#include <cstdint>

namespace sel1 {

class ThreadService {
 public:
  static constexpr unsigned kNone = ~0u;
  // A thread that is neither running nor suspended, or kNone.
  virtual unsigned free_thread() const = 0;
  // Runs fn(arg) in thread `thread`: true when fn returned, false when a
  // normal-world interrupt suspended it.
  virtual bool run(unsigned thread, void (*fn)(void*), void* arg) = 0;
  virtual bool suspended(unsigned thread) const = 0;
  // Continues a suspended thread where it stopped; as run().
  virtual bool resume(unsigned thread) = 0;
  // From inside the running thread: stops it for a remote procedure call
  // to the normal world (OP-TEE's RPC). run() or resume() return false as
  // for an interruption, and waiting_rpc() is true until it is resumed;
  // this returns when it is. (An interrupted thread is not waiting_rpc.)
  virtual void yield_for_rpc() = 0;
  virtual bool waiting_rpc(unsigned thread) const = 0;
  // The thread running now (from inside it), or kNone.
  virtual unsigned current() const = 0;
  // From inside the running thread, holding no lock: where a pending
  // normal-world interrupt may stop it (it resumes here). Work runs with
  // those interrupts masked everywhere else.
  virtual void preemption_point() = 0;

 protected:
  ~ThreadService() = default;
};

}  // namespace sel1
