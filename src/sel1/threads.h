// The trusted OS's threads at S-EL1 (ThreadService): each has its own
// stack and, while suspended, its registers. A thread runs with FIQ masked
// but in the windows its work opens (preemption_point, a TA at S-EL0):
// there a normal-world interrupt (an FIQ in the secure state) takes the
// current-EL FIQ vector, which saves the thread and returns to whoever ran
// or resumed it. The trusted OS itself always runs with interrupts masked.
#pragma once

#define THREAD_CALLER 0    // x19-x30, sp of whoever ran or resumed it
#define THREAD_X0 104      // its x0-x30 while suspended
#define THREAD_SP 352
#define THREAD_ELR 360
#define THREAD_SPSR 368

#ifndef __ASSEMBLER__
#include <cstddef>
#include <cstdint>

#include "sel1/thread_service.h"

struct ThreadContext {
  uint64_t caller[13];
  uint64_t x[31];
  uint64_t sp, elr, spsr;
};
static_assert(offsetof(ThreadContext, caller) == THREAD_CALLER);
static_assert(offsetof(ThreadContext, x) == THREAD_X0);
static_assert(offsetof(ThreadContext, sp) == THREAD_SP);
static_assert(offsetof(ThreadContext, elr) == THREAD_ELR);
static_assert(offsetof(ThreadContext, spsr) == THREAD_SPSR);

// thread_switch.S: 0 when fn returned, 1 when an FIQ suspended the thread
// (its registers are then in the context), 2 when it yielded for an RPC.
extern "C" uint64_t sel1_thread_run(ThreadContext* t, void (*fn)(void*), void* arg, uint64_t stack_top);
extern "C" uint64_t sel1_thread_resume(ThreadContext* t);
extern "C" void sel1_thread_yield();
// The thread that runs now, or null. One for all CPUs: threads run under
// the trusted OS's lock (sel1/core_lock.h), one at a time; a design in
// which two run at once needs one per CPU here (and in thread_switch.S).
extern "C" ThreadContext* g_thread_running;

namespace sel1 {

class Threads final : public ThreadService {
 public:
  static constexpr unsigned kCount = 4;
  // TA calls nest (TA-to-TA) on a thread's stack, and checking a loaded
  // TA's RSA signature takes 3.5 KiB of it.
  static constexpr size_t kStackSize = 12288;
  unsigned free_thread() const override;
  bool run(unsigned thread, void (*fn)(void*), void* arg) override;
  bool suspended(unsigned thread) const override {
    return thread < kCount && (state_[thread] == State::suspended || state_[thread] == State::rpc);
  }
  bool resume(unsigned thread) override;
  void yield_for_rpc() override { sel1_thread_yield(); }
  bool waiting_rpc(unsigned thread) const override { return thread < kCount && state_[thread] == State::rpc; }
  unsigned current() const override;
  void preemption_point() override;

 private:
  enum class State : uint8_t { free, running, suspended, rpc };
  void stopped(unsigned thread, uint64_t why);
  State state_[kCount] = {};
  ThreadContext context_[kCount] = {};
};

Threads& threads();

}  // namespace sel1
#endif
