// The normal world's side of the GICv3 for the harness: its CPU interface,
// the schedule receiver interrupt (SGI 8) enabled, and a count of the
// interrupts it took.
#pragma once

#include <cstdint>

namespace harness::gic {

// Enables this CPU's interface for Non-secure Group 1 at the current EL,
// SGI or PPI `intid` (below 32) in its redistributor, and unmasks IRQs.
// Idempotent; on any CPU.
void enable_private(unsigned intid);
inline void enable_sgi(unsigned sgi) { enable_private(sgi); }
// The EL1 physical timer's PPI (the normal world's own timer).
inline constexpr unsigned kPhysicalTimerPpi = 30;
// Arms the EL1 physical timer `ticks` from now; its interrupt handler
// turns it off again, or, with a period set, arms it again `period` ticks
// on (0: no period). The period keeps a secure call stopped again and
// again whenever the interrupt comes, even one the normal world took
// before its call reached the secure world (a slow or busy host).
void arm_physical_timer(uint64_t ticks);
void set_physical_timer_period(uint64_t period);
// Waits (in WFI) until interrupt `intid` has been taken more than `before`
// times, or `timeout` counter ticks pass (the physical timer wakes the
// wait then); true if it came. IRQs are masked between the check and the
// WFI, so an interrupt that arrives in between still ends the wait.
bool wait_taken(unsigned intid, unsigned before, uint64_t timeout);
// How many times interrupt `intid` (below 32) was taken.
unsigned taken(unsigned intid);
extern volatile unsigned g_taken[32];

}  // namespace harness::gic

// The IRQ vectors' handler: acknowledges, counts, ends the interrupt.
extern "C" void harness_irq();
