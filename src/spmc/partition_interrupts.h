// Partitions' interrupts between the interrupt controller and their
// owners: the SPIs a partition owns (its manifest's device-regions) and,
// where the placement emulates it, each context's EL1 timer. This part
// keeps their rules; the core's secure_interrupts.cpp decides who is told
// of which, when, and what runs.
//
// The rules it keeps, whichever chapter moves an interrupt:
//  - the controller lets an owned interrupt through exactly while it is
//    unmasked (enabled by its owner, neither pending for the handler nor
//    active in it: a level-sensitive device that still asserts it must not
//    come back first), or while it is retriggered;
//  - a retrigger is withdrawn as soon as the interrupt is told or taken
//    (it must not arrive a second time);
//  - deferred() counts the interrupts that arrived and wait to be told to
//    their owner (pending, not signalled), timers among them
//    (pending_timers()): the core retriggers them when the normal world
//    runs again while the count is not zero, so it must never drift.
#pragma once

#include <cstdint>

#include "spmc/execution_context.h"
#include "spmc/placement.h"

namespace spmc {

class PartitionInterrupts;

// An interrupt a partition owns: where it stands between the controller
// and the partition's handler. Read anywhere; changed by
// PartitionInterrupts alone.
class OwnedInterrupt {
 public:
  OwnedInterrupt() = default;
  explicit OwnedInterrupt(uint32_t intid) : id(intid) {}

  uint32_t id = 0;  // its SPI, from the manifest

  bool enabled() const { return enabled_; }  // HF_INTERRUPT_ENABLE: the partition wants it
  bool pending() const { return pending_; }  // arrived, not yet taken with HF_INTERRUPT_GET
  bool active() const { return active_; }    // taken, not yet deactivated
  bool retriggered() const { return retriggered_; }  // made pending again at the controller
  bool fiq() const { return fiq_; }  // HF_INTERRUPT_ENABLE's type: a virtual FIQ rather than IRQ
  // The context it was signalled to: run with FFA_INTERRUPT for it, or
  // (where virtual interrupts are given) told in place, its virtual IRQ or
  // FIQ line up until it takes it. Null while it is not signalled.
  const ExecutionContext* signalled_to() const { return signalled_to_; }
  bool signalled() const { return signalled_to_ != nullptr; }
  // Arrived and not yet told to its owner.
  bool deferred() const { return pending_ && signalled_to_ == nullptr; }
  // Whether the controller may signal it now.
  bool unmasked() const { return enabled_ && !pending_ && !active_; }

 private:
  friend class PartitionInterrupts;
  bool enabled_ = false;
  bool pending_ = false;
  bool active_ = false;
  bool retriggered_ = false;
  bool fiq_ = false;
  const ExecutionContext* signalled_to_ = nullptr;
};

class PartitionInterrupts {
 public:
  // The methods that act on the controller are given it (the placement):
  // the part holds nothing but its counts, next to the core's other
  // state that every answer reads.

  // Interrupts that arrived and wait to be told (timers among them).
  unsigned deferred() const { return deferred_; }
  // Of those, contexts' timers.
  unsigned pending_timers() const { return pending_timers_; }

  // Owned interrupts.
  //
  // It was acknowledged at the controller: held back there (disabled)
  // until its handler is done; a retrigger of it has arrived.
  void hold_back(Placement& controller, OwnedInterrupt& irq) {
    controller.set_interrupt_enabled(irq.id, false);
    irq.retriggered_ = false;  // (this may be the retriggered one arriving)
  }
  // Held back for a live owner: pending, to be told (again, if it was
  // told before and arrived anew).
  void arrived(OwnedInterrupt& irq) {
    if (irq.deferred()) return;  // it waits to be told already: once is enough
    ++deferred_;
    irq.pending_ = true;
    irq.signalled_to_ = nullptr;
  }
  // Told to context `c` (run with FFA_INTERRUPT, or on its virtual line).
  void signal(Placement& controller, OwnedInterrupt& irq, const ExecutionContext& c) {
    if (!irq.deferred()) return;
    irq.signalled_to_ = &c;
    --deferred_;
    if (irq.retriggered_) [[unlikely]]
      withdraw_retrigger(controller, irq);
  }
  // Told to `c`, which left it untaken when its work ended: deferred
  // again, to be told once it waits. False when it was not told to `c`.
  bool defer(OwnedInterrupt& irq, const ExecutionContext& c) {
    if (!irq.pending_ || irq.signalled_to_ != &c) return false;
    irq.signalled_to_ = nullptr;
    ++deferred_;
    return true;
  }
  // Deferred and enabled: made pending again at the controller, so that
  // it arrives once more (the normal world runs; its owner waits). False
  // when it is not one to retrigger.
  bool retrigger(Placement& controller, OwnedInterrupt& irq);
  // HF_INTERRUPT_GET: taken by its handler, active until deactivated.
  void take(Placement& controller, OwnedInterrupt& irq) {
    if (!irq.pending_) return;
    // Taken before the controller signalled it again (from another CPU's
    // request, say): the retrigger must not bring it back.
    if (!irq.signalled()) --deferred_;
    if (irq.retriggered_) [[unlikely]]
      withdraw_retrigger(controller, irq);
    irq.pending_ = false;
    irq.signalled_to_ = nullptr;
    irq.active_ = true;
  }
  // HF_INTERRUPT_DEACTIVATE: false when it is not active.
  bool deactivate(Placement& controller, OwnedInterrupt& irq) {
    if (!irq.active_) return false;
    irq.active_ = false;
    if (irq.unmasked()) controller.set_interrupt_enabled(irq.id, true);
    return true;
  }
  // HF_INTERRUPT_ENABLE.
  void enable(Placement& controller, OwnedInterrupt& irq, bool enabled, bool fiq);
  // Its owner stopped: quiet, and held back at the controller for good.
  void forget(Placement& controller, OwnedInterrupt& irq);

  // Contexts' timers (ExecutionContext::Timer): moves `c`'s to `to`,
  // counting pending ones.
  void set_timer(ExecutionContext& c, ExecutionContext::Timer to) {
    const bool was = c.timer_ == ExecutionContext::Timer::pending, is = to == ExecutionContext::Timer::pending;
    c.timer_ = to;
    if (was == is) return;
    const unsigned delta = is ? 1u : ~0u;  // +1 or -1, modulo 2^32
    deferred_ += delta;
    pending_timers_ += delta;
  }
  // HF_INTERRUPT_GET of its timer: taken (false when it has none).
  bool take_timer(ExecutionContext& c) {
    if (c.timer_ == ExecutionContext::Timer::none) return false;
    set_timer(c, ExecutionContext::Timer::none);
    c.timer_active_ = true;
    return true;
  }
  // HF_INTERRUPT_DEACTIVATE of its timer: false when it took none.
  bool deactivate_timer(ExecutionContext& c) {
    if (!c.timer_active_) return false;
    c.timer_active_ = false;
    return true;
  }
  // `c` forgets its timer's interrupt (it stops, or its CPU goes off).
  void drop_timer(ExecutionContext& c) {
    set_timer(c, ExecutionContext::Timer::none);
    c.timer_active_ = false;
  }

 private:
  // Undoes irq's outstanding retrigger at the controller (rare: kept out
  // of line).
  void withdraw_retrigger(Placement& controller, OwnedInterrupt& irq);

  unsigned deferred_ = 0;
  unsigned pending_timers_ = 0;
};

}  // namespace spmc
