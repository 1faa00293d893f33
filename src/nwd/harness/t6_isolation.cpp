// The normal world cannot reach secure memory: a read of secure RAM takes a
// synchronous external abort, which the harness catches.
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
