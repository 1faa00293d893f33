// Secure interrupts (FF-A v1.2 chapter 8): the SPMD hands one over with
// FFA_INTERRUPT while the normal world runs. One the SPMC's own image owns
// (the trusted OS's drivers) runs its top half at once; one a partition
// owns (its manifest's device-regions) runs the partition with
// FFA_INTERRUPT, and the partition's handler takes it with Hafnium's
// HF_INTERRUPT_GET and ends it with HF_INTERRUPT_DEACTIVATE before it
// waits again (FFA_MSG_WAIT), when the normal world resumes.
//
// Between arriving and being deactivated, a partition's interrupt is held
// back at the controller: a level-sensitive device keeps asserting it until
// the handler has dealt with the device, and must not come back first. One
// that arrives while its owner is busy (preempted, blocked, handling a
// request) stays pending in the core and is retriggered at the controller
// when the owner waits again and the normal world runs.
#include "ffa/hf_interrupt.h"
#include "spmc/core.h"

namespace spmc {

using ffa::Func;

OwnedInterrupt* Core::owned_interrupt(uint32_t id, size_t* owner) {
  for (size_t i = 0; i < partition_count_; ++i) {
    Partition& p = partitions_[i];
    for (unsigned k = 0; k < p.interrupt_count; ++k) {
      if (p.interrupts[k].id != id) continue;
      if (owner) *owner = i;
      return &p.interrupts[k];
    }
  }
  return nullptr;
}

size_t Core::take_secure_interrupt() {
  const uint32_t id = placement_.acknowledge_interrupt();
  if (id >= 1020) return partition_count_;  // spurious: gone already
  size_t owner = 0;
  // Partitions own SPIs only: a private interrupt is the SPMC's own, or
  // the placement's host timer standing for a partition's timer.
  OwnedInterrupt* irq = id >= ffa::hf::kFirstSpi ? owned_interrupt(id, &owner) : nullptr;
  if (!irq) {
    const size_t due = id < ffa::hf::kFirstSpi ? placement_.timer_due_here(id) : Placement::kNoPartition;
    if (due == Placement::kNoPartition) placement_.handle_own_interrupt(id);
    placement_.end_interrupt(id);
    // (A partition in the SPMC's own image has no timer of its own here.)
    if (due >= partition_count_ || partitions_[due].aborted() || !partitions_[due].has_contexts())
      return partition_count_;
    ExecutionContext& c = here(partitions_[due]);
    if (c.timer() == ExecutionContext::Timer::none) irqs_.set_timer(c, ExecutionContext::Timer::pending);
    partitions_[due].may_leave_interrupts_untaken = true;
    return due;
  }
  irqs_.hold_back(placement_, *irq);  // (before the end: a level that is still up must not come again)
  placement_.end_interrupt(id);
  // An aborted owner never takes it: it stays held back for good.
  if (partitions_[owner].aborted()) return partition_count_;
  irqs_.arrived(*irq);  // the partition is to be told of it
  return owner;
}

Outcome Core::secure_interrupt(ffa::Regs& out) {
  ffa::set_regs(out, ffa::raw(Func::normal_world_resume));
  const size_t owner = take_secure_interrupt();
  if (owner >= partition_count_) return Outcome::reply_to_caller;
  if (signal_interrupt(owner, out)) return Outcome::run_partition;
  // Its owner is busy: a UP partition's context may run on another CPU.
  tell_running_context(owner);
  return Outcome::reply_to_caller;
}

Outcome Core::sp_secure_interrupted(size_t index, ffa::Regs& out) {
  // The SPMC's own top half runs at once. A partition's interrupt waits
  // (held back, pending) until the secure world returns: its owner is
  // busy, or waiting behind the partition that runs. Where partitions
  // take virtual interrupts, the running partition's own interrupt is
  // signalled to it at once, on its virtual line: its handler runs where
  // it is, as on a machine of its own.
  const size_t owner = take_secure_interrupt();
  Partition& p = partitions_[index];
  if (p.stopped) [[unlikely]]
    return sp_aborted(index, out);
  if (owner == index && virtual_interrupts(p)) {
    signal_in_place(p, here(p));
  } else if (owner < partition_count_ && owner != index) {
    if (!p.other_secure_interrupts_queued && tell_waiting_owner(index, owner, out)) return Outcome::run_partition;
    // Its owner runs (elsewhere, or under this one) or is busy.
    tell_running_context(owner);
  }
  scheduled_ = index;
  return Outcome::resume_partition;
}

bool Core::tell_waiting_owner(size_t index, size_t owner, ffa::Regs& out) {
  // Another partition's, which waits on this CPU, where this one's
  // manifest has other secure interrupts signaled (the default) and it
  // works for the normal world: the owner's handler runs now, on top of
  // it, as Hafnium does. Never on top of a handler (its requester is the
  // SPMC) or of a partition another partition called (its requester is
  // that partition, perhaps a handler itself): interrupts do not nest,
  // and a call chain finishes first. This one stays running, so no
  // other CPU enters it, and resumes as it was once the handler waits
  // again (interrupt_handled).
  const ExecutionContext& c = here(partitions_[index]);
  if (!c.works_for_nwd() || !signal_interrupt(owner, out)) return false;
  here(partitions_[owner]).preempted = static_cast<uint8_t>(index);
  return true;
}

bool Core::signal_in_place(Partition& p, ExecutionContext& c) {
  bool told = false;
  // Never to a handler (it runs for FFA_INTERRUPT): one it left untaken
  // when it waits again would never be told again (interrupt_handled
  // announces deferred ones only, and re-announcing what it ignores would
  // never end). It stays deferred, and that FFA_MSG_WAIT announces it.
  if (!c.handles_interrupt())
    for (unsigned k = 0; k < p.interrupt_count; ++k) {
      OwnedInterrupt& irq = p.interrupts[k];
      if (irq.deferred() && irq.enabled()) {
        irqs_.signal(placement_, irq, c);
        told = true;
      }
    }
  if (c.timer() == ExecutionContext::Timer::pending) {
    irqs_.set_timer(c, ExecutionContext::Timer::raised);
    told = true;
  }
  return told;
}

void Core::tell_running_context(size_t index) {
  // As sp_secure_interrupted tells the partition that runs on this CPU:
  // on its lines, which its context sees once it is entered again (its
  // CPU made to recompute them: lines_raised). A context that does not
  // run (blocked, preempted, waiting behind a busy CPU) is told later, by
  // FFA_INTERRUPT once it waits.
  Partition& p = partitions_[index];
  if (!virtual_interrupts(p) || p.stopped) return;
  ExecutionContext& c = here(p);
  // (An MP partition's context here runs on this CPU only, which is in
  // the SPMC now: it sees its lines when it is resumed. A UP partition's
  // one context may run anywhere.)
  if (c.running() && signal_in_place(p, c) && !p.mp()) placement_.lines_raised(index, 0);
}

void Core::defer_untaken(Partition& p, ExecutionContext& c) {
  if (c.timer() == ExecutionContext::Timer::raised || c.timer() == ExecutionContext::Timer::signalled)
    irqs_.set_timer(c, ExecutionContext::Timer::pending);
  for (unsigned k = 0; k < p.interrupt_count; ++k) irqs_.defer(p.interrupts[k], c);
}

Core::VirtualLines Core::virtual_lines_of(const Partition& p, const ExecutionContext& c) const {
  VirtualLines lines;
  if (c.managed_exit == ExecutionContext::ManagedExit::signalled) (p.managed_exit_fiq ? lines.fiq : lines.irq) = true;
  if (p.npi_pending) lines.irq = true;
  // (Pending too: a context resumed, or given a request, with its timer
  // due sees it on its line at once.)
  if (c.timer() != ExecutionContext::Timer::none) (p.timer_fiq ? lines.fiq : lines.irq) = true;
  for (unsigned k = 0; k < p.interrupt_count; ++k) {
    const OwnedInterrupt& irq = p.interrupts[k];
    if (irq.pending() && irq.signalled_to() == &c) (irq.fiq() ? lines.fiq : lines.irq) = true;
  }
  return lines;
}

bool Core::signal_interrupt(size_t index, ffa::Regs& out) {
  // Its context on this CPU takes it (SPIs come to the CPU they are
  // routed to; a UP partition's one context runs anywhere).
  Partition& p = partitions_[index];
  ExecutionContext& c = here(p);
  if (!c.waiting()) return false;
  // It works for the SPMC now: no request to answer, normal-world
  // interrupts queued (the requester is secure), FFA_YIELD refused.
  const auto run_handler = [&](uint32_t id) {
    c.take(config_.spmc_id, ffa::raw(Func::interrupt));  // (it waits)
    // w1 names no endpoint (it is for the partition itself); w2 the ID.
    ffa::set_regs(out, ffa::raw(Func::interrupt), 0, id);
    scheduled_ = index;
    return true;
  };
  if (c.timer() == ExecutionContext::Timer::pending) [[unlikely]] {
    irqs_.set_timer(c, ExecutionContext::Timer::signalled);
    return run_handler(ffa::hf::kVirtualTimerIntid);
  }
  for (unsigned k = 0; k < p.interrupt_count; ++k) {
    OwnedInterrupt& irq = p.interrupts[k];
    if (!irq.deferred()) continue;
    // Announced now, perhaps for another interrupt's arrival: its own
    // retrigger must not bring it a second time.
    irqs_.signal(placement_, irq, c);
    return run_handler(irq.id);
  }
  return false;
}

Outcome Core::interrupt_handled(size_t index, ffa::Regs& out) {
  ExecutionContext& c = here(partitions_[index]);
  c.done();
  // Its timer came on its line while it handled this one and it waits
  // without taking it: it is told now, by FFA_INTERRUPT.
  if (c.timer() == ExecutionContext::Timer::raised) irqs_.set_timer(c, ExecutionContext::Timer::pending);
  if (signal_interrupt(index, out)) return Outcome::run_partition;
  if (c.preempted != ExecutionContext::kNonePreempted) {
    // It preempted a partition on this CPU: that one carries on (or is
    // told it stopped, if another of its contexts faulted meanwhile), and
    // the interrupts that waited while the handler ran come back now, to
    // preempt it in turn rather than wait for its whole request.
    const size_t below = c.preempted;
    c.preempted = ExecutionContext::kNonePreempted;
    if (irqs_.deferred() != 0) retrigger_deferred_interrupts();
    return carry_on(below, out);
  }
  ffa::set_regs(out, ffa::raw(Func::normal_world_resume));
  return Outcome::reply_to_caller;
}

void Core::retrigger_pending_timers() {
  // Each context's, on its own CPU (the placement knows which); one whose
  // timer is no longer due there is forgotten (no retrigger would ever
  // find it, and each return to the normal world would try again).
  for (size_t i = 0; i < partition_count_; ++i) {
    Partition& p = partitions_[i];
    for (unsigned k = 0; k < p.info.exec_ctx_count && k < Partition::kMaxContexts; ++k) {
      ExecutionContext& c = p.contexts[k];
      if (c.timer() == ExecutionContext::Timer::pending && c.waiting() && !placement_.retrigger_timer(i, k))
        irqs_.set_timer(c, ExecutionContext::Timer::none);
    }
  }
}

void Core::retrigger_deferred_interrupts() {
  if (irqs_.pending_timers() != 0) [[unlikely]]
    retrigger_pending_timers();
  for (size_t i = 0; i < partition_count_; ++i) {
    Partition& p = partitions_[i];
    if (!here(p).waiting()) continue;
    for (unsigned k = 0; k < p.interrupt_count; ++k) irqs_.retrigger(placement_, p.interrupts[k]);
  }
}

void Core::timer_quiet(size_t index) {
  if (index >= partition_count_) return;
  ExecutionContext& c = here(partitions_[index]);
  irqs_.set_timer(c, ExecutionContext::Timer::none);
}

void Core::hf_interrupt_call(size_t index, const ffa::Regs& in, ffa::Regs& out) {
  Partition& p = partitions_[index];
  auto find = [&](uint64_t id) -> OwnedInterrupt* {
    for (unsigned k = 0; k < p.interrupt_count; ++k)
      if (p.interrupts[k].id == id) return &p.interrupts[k];
    return nullptr;
  };
  ExecutionContext& c = here(p);
  switch (in.w(0)) {
    case ffa::hf::kInterruptEnable: {
      const ffa::hf::InterruptEnable e = ffa::hf::interrupt_enable(in);
      if (!e.valid()) return ffa::set_regs(out, ffa::hf::kFailed);
      if (e.id == ffa::hf::kVirtualTimerIntid && virtual_interrupts(p)) {
        // Its timer's pin. The timer's own ENABLE and IMASK say whether
        // it interrupts: this cannot turn it off.
        if (e.enable != 1) return ffa::set_regs(out, ffa::hf::kFailed);
        p.timer_fiq = e.fiq();
        return ffa::set_regs(out, 0);
      }
      if (e.id == ffa::hf::kManagedExitIntid && virtual_interrupts(p) &&
          p.ns_action == ffa::NsInterruptAction::managed_exit) {
        // The managed exit signal's pin (as Cactus chooses it). It cannot
        // be turned off: whether there is one is the manifest's to say.
        if (e.enable != 1) return ffa::set_regs(out, ffa::hf::kFailed);
        p.managed_exit_fiq = e.fiq();
        return ffa::set_regs(out, 0);
      }
      OwnedInterrupt* irq = find(e.id);
      if (!irq) return ffa::set_regs(out, ffa::hf::kFailed);
      irqs_.enable(placement_, *irq, e.enable == 1, e.fiq());
      return ffa::set_regs(out, 0);
    }
    case ffa::hf::kInterruptGet: {
      // The managed exit signal first (the normal world waits for it),
      // then the notification pending interrupt, then the interrupt
      // signalled to this context (a handler that
      // takes one per FFA_INTERRUPT gets the one it was told of), then
      // its timer's, then any other pending one.
      if (c.managed_exit == ExecutionContext::ManagedExit::signalled) {
        c.managed_exit = ExecutionContext::ManagedExit::taken;
        return ffa::set_regs(out, ffa::hf::kManagedExitIntid);
      }
      if (p.npi_pending) {
        p.npi_pending = false;
        return ffa::set_regs(out, ffa::hf::kNpiIntid);
      }
      OwnedInterrupt* take = nullptr;
      for (unsigned k = 0; k < p.interrupt_count && !take; ++k)
        if (p.interrupts[k].pending() && p.interrupts[k].signalled_to() == &c) take = &p.interrupts[k];
      if (!take && irqs_.take_timer(c)) return ffa::set_regs(out, ffa::hf::kVirtualTimerIntid);
      for (unsigned k = 0; k < p.interrupt_count && !take; ++k)
        if (p.interrupts[k].pending()) take = &p.interrupts[k];
      if (!take) return ffa::set_regs(out, ffa::hf::kInvalidIntid);
      irqs_.take(placement_, *take);
      return ffa::set_regs(out, take->id);
    }
    case ffa::hf::kInterruptDeactivate: {
      const auto [physical, virtual_id] = ffa::hf::interrupt_deactivate(in);
      if (physical == ffa::hf::kVirtualTimerIntid) {
        if (virtual_id != physical || !irqs_.deactivate_timer(c)) return ffa::set_regs(out, ffa::hf::kFailed);
        return ffa::set_regs(out, 0);
      }
      OwnedInterrupt* irq = find(physical);
      if (!irq || virtual_id != physical || !irqs_.deactivate(placement_, *irq)) return ffa::set_regs(out, ffa::hf::kFailed);
      return ffa::set_regs(out, 0);
    }
    default:
      return ffa::set_error(out, ffa::Error::not_supported);
  }
}

}  // namespace spmc
