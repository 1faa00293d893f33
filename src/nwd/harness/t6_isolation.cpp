// The normal world cannot reach secure memory: a read of secure RAM takes a
// synchronous external abort, which the harness catches.
#include "arch/aarch64/sysreg.h"
#include "nwd/harness/fault.h"
#include "nwd/harness/ffa_client.h"
#include "nwd/harness/test.h"

TEST_ANY_SPMC(isolation, monitor_memory_faults) {
  harness::Probe p = harness::probe_read(0x0E000000);
  EXPECT_TRUE(p.faulted);
  EXPECT_EQ(p.value, 0);
}
// (0x0e100000: the trusted OS in the S-EL1 placement, the S-EL2 SPMC in the
// other: secure memory either way.)
TEST_ANY_SPMC(isolation, trusted_os_memory_faults) {
  EXPECT_TRUE(harness::probe_read(0x0E100000).faulted);
  EXPECT_TRUE(harness::probe_read(0x0E0FF000).faulted);  // the SPMC manifest
  EXPECT_TRUE(harness::probe_read(0x0EFFFFF8).faulted);
}
TEST_ANY_SPMC(isolation, normal_memory_reads) {
  // Control: the probe itself works on normal-world memory.
  harness::Probe p = harness::probe_read(harness::tx_pa());
  EXPECT_TRUE(!p.faulted);
}

// The normal world's watchpoints never fire in the secure world
// (MDCR_EL3.SDD), though no world switch moves the debug registers: one
// armed over all of secure RAM, for EL0 and EL1 in either security state,
// leaves echo (S-EL0) answering. Echo used to take the watchpoint and be
// stopped for good.
TEST(isolation, normal_world_watchpoints_never_fire_in_the_secure_world) {
  constexpr uint16_t kEcho = 0x8001;
  // Watchpoint 0: 16 MiB from 0x0e000000 (MASK 24, BAS all), loads and
  // stores (LSC), EL0 and EL1 (PAC), either security state (SSC 0), on.
  constexpr uint64_t kWcr = 1 | (3u << 1) | (3u << 3) | (0xFFu << 5) | (24ull << 24);
  const uint64_t mdscr = TESSERA_SYSREG_READ(mdscr_el1);
  TESSERA_SYSREG_WRITE(oslar_el1, 0);  // the OS lock off: the debug registers count
  TESSERA_SYSREG_WRITE(dbgwvr0_el1, 0x0e000000);
  TESSERA_SYSREG_WRITE(dbgwcr0_el1, kWcr);
  TESSERA_SYSREG_WRITE(mdscr_el1, mdscr | (1u << 15));  // MDE
  arch::isb();
  const ffa::Regs r = harness::until_answered(harness::call(ffa::Func::msg_send_direct_req_64, kEcho, 0, 0x5741, 0x5443));
  TESSERA_SYSREG_WRITE(dbgwcr0_el1, 0);
  TESSERA_SYSREG_WRITE(mdscr_el1, mdscr);
  arch::isb();
  EXPECT_EQ(r.w(0), ffa::raw(ffa::Func::msg_send_direct_resp_64));
  EXPECT_EQ(r.x[3], 0x5741);
  EXPECT_EQ(r.x[4], 0x5443);
  // And it serves on.
  EXPECT_EQ(harness::until_answered(harness::call(ffa::Func::msg_send_direct_req_64, kEcho, 0, 7)).x[3], 7);
}
