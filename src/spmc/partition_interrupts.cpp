// The rules of partitions' interrupts between the controller and their
// owners (partition_interrupts.h): the calls that are not on the path of
// every interrupt.
#include "spmc/partition_interrupts.h"

namespace spmc {

bool PartitionInterrupts::retrigger(Placement& controller, OwnedInterrupt& irq) {
  // Not one its owner disabled meanwhile: it waits, pending, until
  // HF_INTERRUPT_ENABLE (and the next return to the normal world).
  if (!irq.deferred() || !irq.enabled_) return false;
  controller.retrigger_interrupt(irq.id);
  irq.retriggered_ = true;
  return true;
}

void PartitionInterrupts::enable(Placement& controller, OwnedInterrupt& irq, bool enabled, bool fiq) {
  irq.fiq_ = fiq;
  const bool was = irq.unmasked();
  irq.enabled_ = enabled;
  if (irq.unmasked() != was) controller.set_interrupt_enabled(irq.id, irq.unmasked());
}

void PartitionInterrupts::forget(Placement& controller, OwnedInterrupt& irq) {
  if (irq.deferred()) --deferred_;
  irq = OwnedInterrupt{irq.id};
  controller.set_interrupt_enabled(irq.id, false);
}

void PartitionInterrupts::withdraw_retrigger(Placement& controller, OwnedInterrupt& irq) {
  irq.retriggered_ = false;
  controller.withdraw_interrupt(irq.id);
}

}  // namespace spmc
