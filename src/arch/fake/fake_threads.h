// Threads for host unit tests and fuzz targets (sel1::ThreadService): the
// work runs at once, unless the test (suspend_next) or the fuzz input
// (override suspend_now) says an "interrupt" stops it first; then it is
// suspended without having run, and resume() runs it to the end. There are
// no RPCs here (no TA host does them on the host), and a misuse the
// firmware's threads would refuse calls `misuse` (a fuzz target's check).
#pragma once

#include "sel1/thread_service.h"

namespace fake {

template <unsigned N>
class FakeThreads : public sel1::ThreadService {
 public:
  static constexpr unsigned kThreads = N;
  bool suspend_next = false;
  unsigned count = N;                // threads free_thread() hands out
  void (*misuse)(const char*) = nullptr;

  unsigned free_thread() const override {
    for (unsigned t = 0; t < count && t < N; ++t)
      if (!fn_[t]) return t;
    return kNone;
  }
  bool run(unsigned t, void (*fn)(void*), void* arg) override {
    if (t >= N || fn_[t]) return fail("run of a busy or unknown thread");
    if (suspend_now()) {
      fn_[t] = fn;
      arg_[t] = arg;
      return false;
    }
    fn(arg);
    return true;
  }
  bool suspended(unsigned t) const override { return t < N && fn_[t]; }
  bool resume(unsigned t) override {
    if (!suspended(t)) return fail("resume of a thread that is not suspended");
    void (*fn)(void*) = fn_[t];
    fn_[t] = nullptr;
    fn(arg_[t]);
    return true;
  }
  void yield_for_rpc() override {}
  bool waiting_rpc(unsigned) const override { return false; }
  unsigned current() const override { return kNone; }
  void preemption_point() override {}

 protected:
  virtual bool suspend_now() {
    const bool s = suspend_next;
    suspend_next = false;
    return s;
  }

 private:
  bool fail(const char* what) {
    if (misuse) misuse(what);
    return false;
  }
  void (*fn_[N])(void*) = {};
  void* arg_[N] = {};
};

}  // namespace fake
