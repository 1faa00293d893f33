// The normal world's side of the GICv3 for the harness: its CPU interface,
// the schedule receiver interrupt (SGI 8) enabled, and a count of the
// interrupts it took.
#pragma once

#include <cstdint>

namespace harness::gic {

// Enables this CPU's interface for Non-secure Group 1 at the current EL,
// SGI `sgi` in its redistributor, and unmasks IRQs. Idempotent.
void enable_sgi(unsigned sgi);
// How many times interrupt `intid` (below 32) was taken.
unsigned taken(unsigned intid);
extern volatile unsigned g_taken[32];

}  // namespace harness::gic

// The IRQ vectors' handler: acknowledges, counts, ends the interrupt.
extern "C" void harness_irq();
