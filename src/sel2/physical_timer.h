// A vCPU's EL1 physical timer (CNTP_*), emulated. The timer is one for
// both worlds, so the SPMC traps a partition's accesses to it
// (CNTHCTL_EL2.EL1PCEN clear) and keeps each vCPU's own here, as Hafnium
// does. The deadline is watched by the host timer of the CPU the vCPU last
// set it on (HostedVms::rearm_host_timer); when it passes, the core tells
// the vCPU's context with Hafnium's HF_VIRTUAL_TIMER_INTID.
#pragma once

#include <cstdint>

#include "sel2/vcpu.h"

namespace sel2 {

struct PhysicalTimer {
  static constexpr uint64_t kEnable = 1, kImask = 2, kIstatus = 4;
  uint64_t ctl = 0;   // ENABLE and IMASK as the vCPU wrote them
  uint64_t cval = 0;  // its deadline, in physical counter ticks
  // The host timer of CPU `home` watches it: enabled, not masked, and its
  // deadline not yet reported to the core (once per deadline it sets).
  bool reported = false;
  uint8_t home = 0;
  bool interrupts() const { return (ctl & (kEnable | kImask)) == kEnable; }
  bool watched() const { return interrupts() && !reported; }
  bool due(uint64_t now) const { return interrupts() && now >= cval; }
};

// Whether ESR_EL2's trapped system register access (EC 0x18) is to the
// EL1 physical timer; if so, carries it out on `timer` (a read into its
// register, a write into the record) and moves past the instruction.
// `now` is the physical counter.
bool emulate_physical_timer_access(VcpuRegs& regs, PhysicalTimer& timer, uint64_t now);

}  // namespace sel2
