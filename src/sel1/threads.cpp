#include "sel1/threads.h"

#include "lib/panic.h"
#include "sel1/core_lock.h"
#include "sel1/optee_endpoint.h"

namespace sel1 {
static_assert(Threads::kCount <= OpteeEndpoint::kMaxThreads, "every thread needs a call record");
namespace {
// Outside the object, which has a vtable and so lives in .data: the
// stacks stay in the BSS, out of the image.
alignas(16) uint8_t g_stacks[Threads::kCount][Threads::kStackSize];
}  // namespace

unsigned Threads::free_thread() const {
  for (unsigned t = 0; t < kCount; ++t)
    if (state_[t] == State::free) return t;
  return kNone;
}

bool Threads::run(unsigned thread, void (*fn)(void*), void* arg) {
  if (thread >= kCount || state_[thread] != State::free) return false;
  state_[thread] = State::running;
  const uint64_t top = reinterpret_cast<uint64_t>(g_stacks[thread] + kStackSize);
  stopped(thread, sel1_thread_run(&context_[thread], fn, arg, top));
  return state_[thread] == State::free;
}

void Threads::stopped(unsigned thread, uint64_t why) {
  state_[thread] = why == 0 ? State::free : why == 2 ? State::rpc : State::suspended;
}

void Threads::preemption_point() {
  if (!g_thread_running) return;
  // A thread stopped here lets the trusted OS's lock go with its answer,
  // never the core's: holding that across a stop would leave it held.
  if (core_held_here()) lib::panic("a trusted-OS thread reached a preemption point holding the core's lock");
  // A pending FIQ is taken here: the current-EL FIQ vector suspends us.
  __asm__ volatile("msr daifclr, #1\n isb\n msr daifset, #1" ::: "memory");
}

unsigned Threads::current() const {
  for (unsigned t = 0; t < kCount; ++t)
    if (g_thread_running == &context_[t]) return t;
  return kNone;
}

bool Threads::resume(unsigned thread) {
  if (!suspended(thread)) return false;
  state_[thread] = State::running;
  stopped(thread, sel1_thread_resume(&context_[thread]));
  return state_[thread] == State::free;
}

Threads& threads() {
  static constinit Threads instance;
  return instance;
}

}  // namespace sel1
