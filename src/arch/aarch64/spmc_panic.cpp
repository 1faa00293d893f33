// lib::panic for the SPMC images below EL3 (spmc_boot.cpp's users); the
// trusted OS as an S-EL1 partition stops differently (sel1/sp_main.cpp).
#include "arch/aarch64/conduit.h"
#include "arch/aarch64/sysreg.h"
#include "lib/log.h"
#include "lib/panic.h"

namespace lib {
// Both SPMC images below EL3 (the trusted OS, the secure hypervisor) stop
// the same way: on this development platform a stopped SPMC powers the
// machine off (PSCI SYSTEM_OFF), so a test run ends at once with the
// reason on the console.
void panic(const char* why) {
  lib::log::error("PANIC: {}", why);
  ffa::Regs r{{0x84000008}};
  arch_smc(&r);
  for (;;) arch::wfi();
}
}  // namespace lib
