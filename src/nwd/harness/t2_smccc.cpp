// SMCCC and PSCI as the monitor answers them, and unknown function IDs.
#include "arch/aarch64/sysreg.h"
#include "nwd/harness/ffa_client.h"
#include "nwd/harness/gic.h"
#include "nwd/harness/test.h"

namespace {
constexpr uint64_t kSmcccNotSupported = ~0ull;
constexpr uint64_t kPsciNotSupported = ~0ull;  // -1, sign-extended
}  // namespace

TEST_ANY_SPMC(smccc, version_is_1_2) { EXPECT_EQ(harness::call(0x80000000).x[0], 0x10002); }
TEST_ANY_SPMC(smccc, arch_features) {
  EXPECT_EQ(harness::call(0x80000001, 0x80000000).x[0], 0);
  EXPECT_EQ(harness::call(0x80000001, 0x80000001).x[0], 0);
  EXPECT_EQ(harness::call(0x80000001, 0x80008000).x[0], kSmcccNotSupported);  // ARCH_WORKAROUND_1
  EXPECT_EQ(harness::call(0x80000001, 0x12345678).x[0], kSmcccNotSupported);
}
TEST_ANY_SPMC(smccc, unknown_ids_are_not_supported) {
  EXPECT_EQ(harness::call(0x82000000).x[0], kSmcccNotSupported);  // SiP
  EXPECT_EQ(harness::call(0xC3001234).x[0], kSmcccNotSupported);  // OEM, SMC64
  EXPECT_EQ(harness::call(0x84000050).x[0], kSmcccNotSupported);  // standard service, unassigned
  EXPECT_EQ(harness::call(0xBF00FF01).x[0], kSmcccNotSupported);  // trusted OS calls: not this config
  EXPECT_EQ(harness::call(0x8000FFFF).x[0], kSmcccNotSupported);  // arch, unassigned
}
TEST_ANY_SPMC(smccc, unknown_ids_preserve_x4_to_x17) {
  ffa::Regs r{{0x82000001, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17}};
  harness::smc(r);
  for (unsigned i = 4; i < 18; ++i) EXPECT_EQ(r.x[i], i);
}
TEST_ANY_SPMC(psci, version_is_1_1) { EXPECT_EQ(harness::call(0x84000000).x[0], 0x10001); }
TEST_ANY_SPMC(psci, features) {
  EXPECT_EQ(harness::call(0x8400000A, 0x84000000).x[0], 0);  // PSCI_VERSION
  EXPECT_EQ(harness::call(0x8400000A, 0x84000008).x[0], 0);  // SYSTEM_OFF
  EXPECT_EQ(harness::call(0x8400000A, 0x84000009).x[0], 0);  // SYSTEM_RESET
  EXPECT_EQ(harness::call(0x8400000A, 0x80000000).x[0], 0);  // SMCCC_VERSION
  EXPECT_EQ(harness::call(0x8400000A, 0xC4000001).x[0], 0);  // CPU_SUSPEND: original format, no OS-initiated mode
  EXPECT_EQ(harness::call(0x8400000A, 0x84000001).x[0], 0);
  EXPECT_EQ(harness::call(0x8400000A, 0x8400001F).x[0], kPsciNotSupported);
  EXPECT_EQ(harness::call(0x8400000A, 0x84000006).x[0], 0);  // MIGRATE_INFO_TYPE
  EXPECT_EQ(harness::call(0x8400000A, 0xC4000007).x[0], 0);  // MIGRATE_INFO_UP_CPU
}
// CPU_SUSPEND's one state, standby (power_state 0): the CPU waits for an
// interrupt, and the call returns SUCCESS. The normal world's timer,
// armed 20 ms ahead with its IRQs masked (so that it cannot take the
// interrupt before the call reaches the monitor; pending, it still wakes
// the wait), ends the standby: calls made until the deadline are few (an
// early wake is allowed, a secure interrupt's for one), where a call that
// did not wait would be made thousands of times; the interrupt is taken
// as soon as it is unmasked. Any other state is INVALID_PARAMETERS:
// power-down (bit 16), another level (bits 25:24), a StateID, reserved
// bits; the timer, armed meanwhile, ends a wait that should not be.
namespace {
constexpr uint64_t kStandbyMs = 20;
struct Standby {
  int64_t status = 0;  // the first call's that did not succeed, or 0
  unsigned calls = 0;
  bool taken = false;  // the timer's interrupt, once unmasked
};
Standby standby(uint32_t fid) {
  Standby s;
  const unsigned before = harness::gic::taken(harness::gic::kPhysicalTimerPpi);
  __asm__ volatile("msr daifset, #2" ::: "memory");
  const uint64_t deadline = arch::cntpct() + arch::cntfrq() / 1000 * kStandbyMs;
  harness::gic::arm_physical_timer(arch::cntfrq() / 1000 * kStandbyMs);
  while (arch::cntpct() < deadline && s.calls < 100000) {
    const int64_t r = static_cast<int64_t>(harness::call(fid, 0, 0x60000000, 7).x[0]);
    ++s.calls;
    if (r != 0) {
      s.status = r;
      break;
    }
  }
  __asm__ volatile("msr daifclr, #2\n isb" ::: "memory");
  s.taken = harness::gic::taken(harness::gic::kPhysicalTimerPpi) > before;
  return s;
}
}  // namespace
TEST_ANY_SPMC(psci, cpu_suspend_standby_returns_at_an_interrupt) {
  constexpr int64_t kInvalidParameters = -2;
  harness::gic::enable_private(harness::gic::kPhysicalTimerPpi);
  for (uint32_t fid : {0xC4000001u, 0x84000001u}) {
    const Standby s = standby(fid);
    EXPECT_EQ(s.status, 0);
    EXPECT_TRUE(s.calls >= 1 && s.calls <= 10);
    EXPECT_TRUE(s.taken);
    harness::printf("# CPU_SUSPEND {:x}: {} call(s) in {} ms of standby\n", fid, s.calls, kStandbyMs);
  }
  harness::gic::arm_physical_timer(arch::cntfrq() / 100);  // 10 ms: a wait that should not be ends
  for (uint32_t fid : {0xC4000001u, 0x84000001u})
    for (uint64_t state : {0x10000ull, 0x20000ull, 0x1000000ull, 0x1ull, 0x40000000ull})
      EXPECT_EQ(static_cast<int64_t>(harness::call(fid, state, 0x60000000, 0).x[0]), kInvalidParameters);
  harness::gic::set_physical_timer_period(0);  // the timer off
}
TEST_ANY_SPMC(psci, trusted_os_resident_on_cpu_0) {
  // The secure world keeps the boot CPU (its CPU_OFF is DENIED): PSCI says
  // so as a uniprocessor trusted OS that cannot migrate, on CPU 0, which
  // Linux reads to never take that CPU offline.
  EXPECT_EQ(harness::call(0x84000006).x[0], 1);
  EXPECT_EQ(harness::call(0xC4000007).x[0], 0);
  EXPECT_EQ(harness::call(0x84000007).x[0], 0);
}
TEST_ANY_SPMC(ffa, unknown_function_ids) {
  for (uint32_t fid : {0x840000FFu, 0x84000090u, 0xC4000065u /* no 64-bit RX_RELEASE */, 0x8400008Bu}) {
    ffa::Regs r = harness::call(fid);
    EXPECT_EQ(r.w(0), ffa::raw(ffa::Func::error));
    EXPECT_EQ(harness::error_code(r), -1);
  }
}
TEST_ANY_SPMC(ffa, secure_world_only_calls_refused) {
  for (ffa::Func f : {ffa::Func::msg_wait, ffa::Func::yield, ffa::Func::interrupt, ffa::Func::msg_send_direct_resp_32,
                      ffa::Func::msg_send_direct_resp_64, ffa::Func::success_32, ffa::Func::error}) {
    ffa::Regs r = harness::call(f);
    EXPECT_EQ(harness::error_code(r), -1);
  }
}
