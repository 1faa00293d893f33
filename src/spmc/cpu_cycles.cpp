// FF-A v1.2 chapter 10 "CPU cycle management": the normal world gives a
// partition cycles with FFA_RUN; a partition gives them back with
// FFA_YIELD and is resumed by the next FFA_RUN.
#include "spmc/core.h"

#include "ffa/calls.h"

namespace spmc {

using ffa::Error;
using ffa::Func;

Outcome Core::run_from_nwd(const ffa::Regs& in, ffa::Regs& out) {
  const auto [target, vcpu] = ffa::calls::run(in);
  auto refuse = [&](Error e) {
    ffa::set_error(out, e);
    return Outcome::reply_to_caller;
  };
  const Partition* t = find_partition(target);
  if (!t || !t->has_contexts()) return refuse(Error::invalid_parameters);
  // The context named: a UP partition's only one (vCPU 0), which runs on
  // any CPU; an MP partition's context of this CPU, where it is pinned.
  // Another CPU's context is that CPU's to run.
  if (t->mp() ? (vcpu != cpu() || vcpu >= t->info.exec_ctx_count) : vcpu != 0)
    return refuse(Error::invalid_parameters);
  Partition& p = partitions_[index_of(t)];
  if (p.aborted()) return refuse(Error::aborted);
  ExecutionContext& c = here(p);
  switch (c.resume_preempted()) {
    case ExecutionContext::Resumed::interrupted:
      // Back to where the interrupt stopped it, registers untouched.
      scheduled_ = index_of(t);
      return Outcome::resume_partition;
    case ExecutionContext::Resumed::yielded:
      // Back to where it yielded: its FFA_YIELD returns FFA_SUCCESS, and
      // whatever it answers next answers this call.
      ffa::set_success(out);
      return resume(index_of(t));
    case ExecutionContext::Resumed::not_preempted:
      break;
  }
  // Cycles to spend as it likes (an indirect message to read, say): its
  // FFA_MSG_WAIT returns FFA_RUN.
  if (!c.take(nwd_.id, ffa::raw(Func::run))) return refuse(c.refusal());
  ffa::set_regs(out, ffa::raw(Func::run), uint32_t{target.raw()} << 16 | vcpu);  // as it came
  return resume(index_of(t));
}

Outcome Core::sp_interrupted_now(size_t index, ffa::Regs& out) {
  Partition& p = partitions_[index];
  if (p.stopped) return sp_aborted_now(index, out);  // another context faulted
  if (!ns_interrupts_unmasked(index)) {
    // Not ours to signal (the placement should have masked it): carry on.
    scheduled_ = index;
    return Outcome::resume_partition;
  }
  ExecutionContext& c = here(p);
  if (p.ns_action == ffa::NsInterruptAction::managed_exit && virtual_interrupts(p)) {
    // Managed exit: it resumes with its signal raised (virtual_lines),
    // takes it (HF_INTERRUPT_GET) and answers the request early; the
    // normal world's interrupts wait until it has (ns_interrupts_unmasked),
    // then the normal world takes the one that came.
    c.managed_exit = ExecutionContext::ManagedExit::signalled;
    scheduled_ = index;
    return Outcome::resume_partition;
  }
  // Signalled (S-EL0 partitions cannot take the virtual interrupt that
  // managed exit needs, so they are signalled too): the partition is
  // preempted and the normal world learns why its call returned.
  c.preempt(/*by_interrupt=*/true);  // (it works for the normal world: ns_interrupts_unmasked)
  request_over(p, c);
  ffa::set_regs(out, ffa::raw(Func::interrupt), ffa::EndpointPair{p.info.id, ffa::EndpointId(0)}.w1());
  return Outcome::reply_to_caller;
}

Outcome Core::yield_from_sp(size_t index, ffa::Regs& out) {
  Partition& p = partitions_[index];
  // Only a partition working for the normal world can give its cycles back
  // to it; one working for another partition (or booting) may not.
  ExecutionContext& c = here(p);
  if (!c.preempt(/*by_interrupt=*/false)) {
    ffa::set_error(out, Error::denied);
    return resume(index);
  }
  request_over(p, c);  // its answer for now
  ffa::set_regs(out, ffa::raw(Func::yield), ffa::EndpointPair{p.info.id, ffa::EndpointId(0)}.w1());
  return Outcome::reply_to_caller;
}

}  // namespace spmc
