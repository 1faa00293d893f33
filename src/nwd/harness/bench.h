// Instruction-count benchmarks. Under `qemu -icount shift=0` one guest
// instruction takes one nanosecond of virtual time, so the generic counter
// (CNTFRQ = 62.5 MHz) advances once every 16 instructions, in every world.
#pragma once

#include <cstdint>

#include "nwd/harness/measure.h"

namespace harness {
// Runs the benchmarks of what this secure world hosts (test.h, Needs: the
// suite's endpoints, the S-EL1 partitions; found by discovery) and prints
// "# bench <name> <instructions>" lines.
void run_benchmarks(uint64_t boot_ticks);
}  // namespace harness
