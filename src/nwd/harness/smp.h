// Running a test's work on every CPU at once (t5e_smp.cpp owns the
// secondary CPUs).
#pragma once

namespace harness {

// Starts every other CPU with PSCI CPU_ON, runs work(cpu) on each and on
// this one (cpu 0) at the same time, waits (bounded) until all are done
// and the secondaries have powered off again. The number of CPUs, or 0 if
// one did not finish in time.
unsigned run_on_every_cpu(void (*work)(unsigned cpu));

}  // namespace harness
