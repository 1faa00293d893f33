// One execution context of a partition (FF-A v1.2 section 5.3) and the
// rules of its life (section 5.4 "Partition runtime states"): where it
// stands and for whom it works.
//
// A UP partition (one context) runs it on whichever CPU calls it; an MP
// partition has one per CPU, each pinned to its CPU (context i runs on CPU
// i only). Which context a call concerns, and what else happens around a
// transition (the answer's registers, interrupts deferred, the caller
// resumed), is the core's business; the state, the requester and the call
// it works for change only through the transitions below, so that what
// they promise holds whoever calls them:
//  - a running context works for one requester, for one call (a direct
//    request, FFA_RUN's cycles, or an interrupt to handle), and takes no
//    other work until it is done, gives the CPU back or stops;
//  - a blocked context resumes where it blocked (booting or running), and
//    only a blocked one can be unblocked;
//  - a preempted context resumes only through FFA_RUN, and knows whether
//    an interrupt stopped it (registers untouched) or it yielded;
//  - an aborted context never takes work or runs again.
// Everything here is inline: these are the hot paths of every message.
#pragma once

#include <cstdint>

#include "ffa/func.h"
#include "ffa/error.h"
#include "ffa/ids.h"

namespace spmc {

enum class PartitionState : uint8_t {
  created,    // loaded, not yet started
  booting,    // running its initialisation, until its first FFA_MSG_WAIT
  waiting,    // idle in FFA_MSG_WAIT: can take a direct request
  running,    // handling a direct request
  blocked,    // waiting for the answer to its own direct request
  preempted,  // gave its CPU back (FFA_YIELD, an interrupt) in the middle of its work
  aborted,    // stopped after a fault; calls to it get ABORTED
  going_off,  // agreed to its CPU's CPU_OFF (a power management message): takes no work until it is decided
};

class ExecutionContext {
 public:
  PartitionState state() const { return state_; }
  // Who gave it the work in hand (running, blocked or preempted), and
  // with which call: the answer must match it.
  ffa::EndpointId requester() const { return requester_; }
  uint32_t request_fid() const { return request_fid_; }

  bool booting() const { return state_ == PartitionState::booting; }
  bool waiting() const { return state_ == PartitionState::waiting; }
  bool running() const { return state_ == PartitionState::running; }
  bool blocked() const { return state_ == PartitionState::blocked; }
  // Preempted by the normal world's interrupt (rather than by FFA_YIELD).
  bool interrupted() const { return interrupted_; }
  // It handles a request someone waits to have answered by a direct
  // response: not cycles given by FFA_RUN, nor an interrupt to handle.
  bool handles_request() const {
    return running() && request_fid_ != ffa::raw(ffa::Func::run) && request_fid_ != ffa::raw(ffa::Func::interrupt);
  }
  // It spends cycles the normal world gave it with FFA_RUN.
  bool spends_cycles() const { return running() && request_fid_ == ffa::raw(ffa::Func::run); }
  // It runs its interrupt handler (given an interrupt with FFA_INTERRUPT).
  bool handles_interrupt() const { return running() && request_fid_ == ffa::raw(ffa::Func::interrupt); }
  // It works for the normal world: the normal world's interrupts may
  // concern it, and it may give its cycles back with FFA_YIELD.
  bool works_for_nwd() const { return running() && !requester_.is_secure(); }
  // No work in hand: its CPU may go off under it.
  bool idle() const {
    return state_ == PartitionState::created || state_ == PartitionState::waiting ||
           state_ == PartitionState::aborted || state_ == PartitionState::going_off;
  }
  bool going_off() const { return state_ == PartitionState::going_off; }

  // created -> booting: its first entry (false when it was not created:
  // it boots once).
  bool start_boot() { return from_to(PartitionState::created, PartitionState::booting); }
  // booting -> waiting: its first FFA_MSG_WAIT.
  bool booted() { return from_to(PartitionState::booting, PartitionState::waiting); }
  // waiting -> running, for `requester`'s call `fid`; false (nothing
  // changed) when it cannot take work: refusal() says why.
  bool take(ffa::EndpointId requester, uint32_t fid) {
    if (state_ != PartitionState::waiting) [[unlikely]]
      return false;
    state_ = PartitionState::running;
    requester_ = requester;
    request_fid_ = fid;
    return true;
  }
  // Why it takes no work: ABORTED when it stopped; BUSY when it has work
  // in hand, is blocked on a request of its own (which is how a cycle of
  // requests would deadlock) or was never started.
  ffa::Error refusal() const { return state_ == PartitionState::aborted ? ffa::Error::aborted : ffa::Error::busy; }
  // running -> waiting: its work is done (answered, its cycles or its
  // handler over).
  bool done() { return from_to(PartitionState::running, PartitionState::waiting); }
  // booting or running -> blocked: it sent a direct request of its own.
  bool block() {
    if (state_ != PartitionState::booting && state_ != PartitionState::running) return false;
    before_blocked_ = state_;
    state_ = PartitionState::blocked;
    return true;
  }
  // blocked -> where it blocked: the answer came (or its target stopped).
  bool unblock() { return from_to(PartitionState::blocked, before_blocked_); }
  // running -> preempted, for the normal world only: it gave its CPU back
  // (FFA_YIELD), or the normal world's interrupt took it (`by_interrupt`).
  bool preempt(bool by_interrupt) {
    if (!works_for_nwd()) return false;
    state_ = PartitionState::preempted;
    interrupted_ = by_interrupt;
    return true;
  }
  // preempted -> running, by FFA_RUN: how it goes on.
  enum class Resumed : uint8_t {
    not_preempted,  // it was not preempted: nothing changed
    interrupted,    // where the interrupt stopped it, registers untouched
    yielded,        // its FFA_YIELD returns, and its next answer answers FFA_RUN
  };
  Resumed resume_preempted() {
    if (state_ != PartitionState::preempted) return Resumed::not_preempted;
    state_ = PartitionState::running;
    const bool by_interrupt = interrupted_;
    interrupted_ = false;
    return by_interrupt ? Resumed::interrupted : Resumed::yielded;
  }
  // It faulted: stopped for good, whatever it was doing.
  void abort() {
    state_ = PartitionState::aborted;
    managed_exit = ManagedExit::none;
  }
  // Another context of its partition faulted: it stops at once unless it
  // works or waits for an answer on its CPU (it stops there at its next
  // call or interrupt). Whether it stopped.
  bool abort_if_idle() {
    if (state_ != PartitionState::created && state_ != PartitionState::waiting &&
        state_ != PartitionState::preempted && state_ != PartitionState::going_off)
      return false;
    state_ = PartitionState::aborted;
    return true;
  }
  // waiting -> going_off: it agreed to its CPU's CPU_OFF (having answered
  // the message, it waits); until the CPU goes (power_off) or stays
  // (stay_on) it takes no work (BUSY), as Hafnium turns a vCPU off once it
  // agreed.
  bool agree_to_go_off() { return from_to(PartitionState::waiting, PartitionState::going_off); }
  // going_off -> waiting: another refused, and the CPU stays.
  bool stay_on() { return from_to(PartitionState::going_off, PartitionState::waiting); }
  // waiting or going_off -> created, everything forgotten: its CPU went
  // off, and it boots afresh when the CPU comes back.
  bool power_off() {
    if (state_ != PartitionState::waiting && state_ != PartitionState::going_off) return false;
    *this = ExecutionContext{};
    return true;
  }

  // What its interrupts stand at (the core's secure_interrupts.cpp keeps
  // these; the life above never reads them).
  //
  // Managed exit (ns-interrupts-action 1, where the placement gives
  // virtual interrupts): a normal-world interrupt arrived while it worked
  // for the normal world; it was signalled (its virtual line raised) and
  // then taken (HF_INTERRUPT_GET). Until its answer the normal world's
  // interrupts stay held back, so that it can finish.
  enum class ManagedExit : uint8_t { none, signalled, taken } managed_exit = ManagedExit::none;
  // Its EL1 physical timer's interrupt, where the placement emulates the
  // timer (Placement::timer_due_here; Hafnium's HF_VIRTUAL_TIMER_INTID):
  // its deadline passed (pending); it was told, on its virtual line while
  // it ran (raised) or by being run with FFA_INTERRUPT (signalled); once
  // it took it with HF_INTERRUPT_GET it is active until
  // HF_INTERRUPT_DEACTIVATE. Raised and not taken when its work ends, it
  // is pending again (told by FFA_INTERRUPT once it waits); signalled and
  // not taken, it was told and stays so (no second FFA_INTERRUPT for a
  // handler that ignores it). Changed by PartitionInterrupts alone, which
  // counts the pending ones.
  enum class Timer : uint8_t { none, pending, raised, signalled };
  Timer timer() const { return timer_; }
  bool timer_active() const { return timer_active_; }
  // Its interrupt handler (run with FFA_INTERRUPT) preempted partition
  // `preempted` on this CPU, which resumes where it was once the handler
  // waits again (kNonePreempted: it was run from the normal world's side).
  static constexpr uint8_t kNonePreempted = 0xFF;
  uint8_t preempted = kNonePreempted;

 private:
  bool from_to(PartitionState from, PartitionState to) {
    if (state_ != from) return false;
    state_ = to;
    return true;
  }

  PartitionState state_ = PartitionState::created;
  ffa::EndpointId requester_;
  uint32_t request_fid_ = 0;
  PartitionState before_blocked_ = PartitionState::running;
  bool interrupted_ = false;
  friend class PartitionInterrupts;
  Timer timer_ = Timer::none;
  bool timer_active_ = false;
};

}  // namespace spmc
