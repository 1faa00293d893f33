// The world switch both of the monitor's secure dispatchers use (the SPMD,
// spmd.cpp, and the OP-TEE dispatcher, opteed.cpp): each CPU's two
// contexts, the EL1 system registers that follow the world, FP/SIMD and
// SVE switched lazily (the secure world runs with CPTR_EL3.TFP set until
// it touches them), the normal world's streaming SVE state (SME) parked
// while the secure world runs, and the normal world's first entry.
#pragma once

#include <cstdint>

#include "el3/context.h"
#include "el3/smccc.h"

namespace el3::world {

// SCR_EL3 bits a dispatcher adds to the normal world's.
inline constexpr uint64_t kScrNs = 1ull << 0;
inline constexpr uint64_t kScrFiq = 1ull << 2;  // FIQs to EL3: secure interrupts while the normal world runs

// What a dispatcher keeps per CPU for the switch (its own state derives
// from it).
struct Cpu {
  CpuContext secure;
  CpuContext nonsecure;
  bool secure_owns_fp = false;
  bool ns_streaming = false;  // the normal world's streaming state is parked (SME)
  uint64_t ns_entry = 0;      // where the normal world starts on this CPU (PSCI CPU_ON)
  uint64_t ns_arg = 0;        // and its x0
};

// Moves this CPU to world `to` and returns its context: the EL1 system
// registers follow the world; FP/SIMD follows lazily (fp_trap).
CpuContext* switch_to(Cpu& cpu, World to);

// The secure world's cold boot on this CPU at `entry` (S-EL1h, DAIF
// masked, FP/SIMD trapped until first used, the secure physical timer
// allowed); the caller sets its x registers and el3_exits into it.
void init_secure(Cpu& cpu, uint64_t entry);

// Sets up the normal world's first entry on this CPU (at NS-EL2 where the
// CPU has EL2; SVE and SME enabled for it) and returns its context.
// `scr_extra`: SCR_EL3 bits the dispatcher adds (kScrFiq). `who` prefixes
// the log line. `secure_was_running`: the live EL1 registers are the
// secure world's (a boot); false when the CPU comes back from CPU_OFF,
// where they are a stale normal world's and must not overwrite the secure
// world's saved ones.
CpuContext* start_normal_world(Cpu& cpu, uint64_t scr_extra, const char* who, bool secure_was_running = true);

// An FP/SIMD trap from the secure world: park the normal world's FP/SIMD
// (and SVE) registers, load the secure world's, stop trapping.
void fp_trap(Cpu& cpu);

}  // namespace el3::world
