// Probing memory that may fault, and the exception handler behind it.
#pragma once

#include <cstdint>

namespace harness {
struct Probe {
  bool faulted;
  uint64_t value;
  uint64_t esr;
};
Probe probe_read(uint64_t addr);
// Reads ERRIDR_EL1, a register the monitor keeps from the normal world: the
// read should come back as an Undefined Instruction exception here
// (faulted, with ESR_ELx.EC 0) that EL3 injected.
Probe probe_trapped_register();
}  // namespace harness
