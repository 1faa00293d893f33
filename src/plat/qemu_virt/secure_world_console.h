// The console of a secure world below EL3 (the trusted OS at S-EL1, the
// secure hypervisor at S-EL2): whole lines to the secure UART, under the
// lock it shares with the monitor (plat/qemu_virt/secure_console.h), once
// that lock's page is mapped and this CPU's MMU is on. Interrupts are
// masked while the lock is held: a thread of the trusted OS runs with FIQ
// unmasked, and one suspended in the middle of a line must not keep the
// console from everyone while the normal world runs.
#pragma once

#include "arch/aarch64/pgtable.h"
#include "lib/log.h"

namespace plat {

// `mmu_on`: whether this CPU's MMU is on at the world's exception level
// (the lock is a word of Normal memory; with the MMU off the CPU would
// reach it as Device memory).
const lib::log::Console& secure_world_console(bool (*mmu_on)());
// Once the MMU is on, on the primary CPU while it is the only CPU on (the
// monitor waits for this boot to finish): maps the shared lock's page in
// `tables`, Normal write-back as the monitor maps it, and resets it; lines
// take the lock from then on. Returns why the world cannot start (its
// image, ending at `image_end`, reaches the page), or null. A page that
// will not map is logged: lines from several CPUs may then mix.
const char* attach_secure_console_lock(arch::mmu::PageTable& tables, uint64_t image_end);

}  // namespace plat
