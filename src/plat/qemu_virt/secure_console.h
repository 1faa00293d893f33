// The secure console: the monitor (EL3) and the trusted OS (S-EL1) print to
// one PL011 (0x09040000), and do so at the same time on different CPUs (a
// secondary's monitor reports it enters the normal world while the trusted
// OS starts the next secondary). One lock serialises their lines, so it
// lives where both worlds can reach it with the same attributes: the last
// page of the SPMC's region in secure RAM, 0x0e4ff000.
//
// - The monitor maps all of secure RAM beyond its image as Normal
//   write-back memory (el3/mmu.cpp), this page included.
// - The trusted OS maps this one page, Normal write-back, EL1 only, when it
//   sets up its console (sel1/main.cpp), refuses to start if its image
//   reached it, and resets the lock there while it boots on the primary
//   CPU alone (the monitor waits for it; no other CPU is on yet).
// - Before that, only the primary CPU runs, so the lock is never contended;
//   QEMU's RAM starts zeroed (free). And a world whose MMU is off (the
//   monitor's first lines, a CPU's first instructions) never takes it:
//   only that CPU runs then.
// - The trusted OS could hold the lock for good or scribble on it: the
//   monitor's waits are bounded (lib::BakeryLock), so its liveness never
//   depends on another world's memory.
//
// A CPU is in one world at a time and leaves neither in the middle of a
// line (the secure world runs with interrupts masked and no FIQ routed to
// EL3; the monitor with all of them masked), so the two worlds on one CPU
// share that CPU's slot.
#pragma once

#include <cstdint>

#include "lib/bakery_lock.h"
#include "plat/qemu_virt/memory_map.h"

namespace plat {

inline constexpr uint64_t kSecureConsoleLockPage = kSpmcRegionBase + kSpmcRegionSize - 0x1000;
static_assert(kSecureConsoleLockPage % 0x1000 == 0 && kSecureConsoleLockPage < kPartitionRegionBase);
static_assert(lib::BakeryLock::kSlots >= kMaxCpus);

inline lib::BakeryLock& secure_console_lock() {
  return *reinterpret_cast<lib::BakeryLock*>(kSecureConsoleLockPage);
}

}  // namespace plat
