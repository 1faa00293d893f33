// Running a test's work on every CPU at once (t5e_smp.cpp owns the
// secondary CPUs; stall_probe.cpp shows a busy CPU stalls no other).
#pragma once

#include <cstdint>

namespace harness {

// Starts every other CPU with PSCI CPU_ON, runs work(cpu) on each and on
// this one (cpu 0) at the same time, waits (bounded) until all are done
// and the secondaries have powered off again. The number of CPUs, or 0 if
// one did not finish in time.
unsigned run_on_every_cpu(void (*work)(unsigned cpu));

// A secure world kept busy on one CPU stalls no other CPU (issue 12: no
// SPMC lock is held while a partition or the trusted OS runs). CPU 1 makes
// a long call, spin(rounds); CPU 0, once CPU 1 is in it (a bounded wait,
// then 5 ms), makes other calls, calls(), which return how many were
// answered right; every further CPU (2, 3, ...) meanwhile makes
// discovery calls into the SPMC (FFA_PARTITION_INFO_GET_REGS), each of
// which must answer. A run shows it when all of CPU 0's calls, and every
// further CPU's, end while CPU 1 still spins.
struct StallRun {
  uint64_t rounds;
  uint64_t spin_result;  // what spin() returned
  bool spin_done;
  unsigned answered;     // what calls() returned
  bool answered_while_spinning;
  uint64_t micros;       // how long CPU 0's calls took
  unsigned cpus;         // CPUs in the run
  // The further CPUs' calls: all answered, and all of them while CPU 1
  // still spun (true where there is no further CPU).
  bool others_answered;
  bool others_while_spinning;
};
struct StallProbe {
  uint64_t (*spin)(uint64_t rounds);
  unsigned (*calls)();
  void (*check)(const StallRun& run);  // the test's expectations of each run, and its report
};
// Up to three runs, the rounds doubling from 20 million, until one shows
// it; true when one did (or there is one CPU: nothing to show).
bool show_no_stall(const StallProbe& probe);

}  // namespace harness
