// The S-EL2 SPMC's emulation of a vCPU's EL1 physical timer
// (sel2/physical_timer.h): which trapped accesses it takes, what reads
// give, what writes keep, and that a new setting is watched afresh.
#include <gtest/gtest.h>

#include "sel2/physical_timer.h"

namespace {

using sel2::PhysicalTimer;
using sel2::VcpuRegs;

// ESR_EL2 of a trapped MSR/MRS: EC 0x18, IL, then the ISS fields.
uint64_t esr(uint64_t op0, uint64_t op1, uint64_t crn, uint64_t crm, uint64_t op2, unsigned rt, bool read) {
  return 0x18ull << 26 | 1ull << 25 | op0 << 20 | op2 << 17 | op1 << 14 | crn << 10 | uint64_t{rt} << 5 | crm << 1 |
         (read ? 1 : 0);
}
uint64_t ctl(unsigned rt, bool read) { return esr(3, 3, 14, 2, 1, rt, read); }
uint64_t cval(unsigned rt, bool read) { return esr(3, 3, 14, 2, 2, rt, read); }
uint64_t tval(unsigned rt, bool read) { return esr(3, 3, 14, 2, 0, rt, read); }

struct Vcpu {
  VcpuRegs regs{};
  PhysicalTimer timer;
  bool access(uint64_t syndrome, uint64_t now) {
    regs.esr = syndrome;
    return sel2::emulate_physical_timer_access(regs, timer, now);
  }
};

TEST(PhysicalTimer, WritesKeepTheSettingAndMovePastTheInstruction) {
  Vcpu v;
  v.regs.elr = 0x1000;
  v.regs.x[3] = 5000;
  ASSERT_TRUE(v.access(cval(3, false), 100));
  EXPECT_EQ(v.timer.cval, 5000u);
  EXPECT_EQ(v.regs.elr, 0x1004u);
  v.regs.x[4] = 0xFFFFFFFF;  // every bit: only ENABLE and IMASK are kept
  ASSERT_TRUE(v.access(ctl(4, false), 100));
  EXPECT_EQ(v.timer.ctl, PhysicalTimer::kEnable | PhysicalTimer::kImask);
  EXPECT_FALSE(v.timer.interrupts());  // masked
  v.regs.x[4] = 1;
  ASSERT_TRUE(v.access(ctl(4, false), 100));
  EXPECT_TRUE(v.timer.interrupts());
  EXPECT_TRUE(v.timer.watched());
  EXPECT_FALSE(v.timer.due(4999));
  EXPECT_TRUE(v.timer.due(5000));
}

TEST(PhysicalTimer, ReadsGiveIstatusAndACountdown) {
  Vcpu v;
  v.timer.ctl = PhysicalTimer::kEnable;
  v.timer.cval = 1000;
  ASSERT_TRUE(v.access(ctl(7, true), 999));
  EXPECT_EQ(v.regs.x[7], PhysicalTimer::kEnable);
  ASSERT_TRUE(v.access(ctl(7, true), 1000));
  EXPECT_EQ(v.regs.x[7], PhysicalTimer::kEnable | PhysicalTimer::kIstatus);
  ASSERT_TRUE(v.access(tval(8, true), 900));
  EXPECT_EQ(v.regs.x[8], 100u);
  ASSERT_TRUE(v.access(tval(8, true), 1100));  // past: negative, 32 bits, upper half RES0
  EXPECT_EQ(v.regs.x[8], 0xFFFFFF9Cu);
  ASSERT_TRUE(v.access(cval(9, true), 0));
  EXPECT_EQ(v.regs.x[9], 1000u);
  // Off: no ISTATUS, whatever the deadline.
  v.timer.ctl = 0;
  ASSERT_TRUE(v.access(ctl(7, true), 5000));
  EXPECT_EQ(v.regs.x[7], 0u);
}

TEST(PhysicalTimer, TvalIsASigned32BitCountFromNow) {
  Vcpu v;
  v.regs.x[1] = 0x1'0000'0010;  // bits above 31 ignored
  ASSERT_TRUE(v.access(tval(1, false), 1000));
  EXPECT_EQ(v.timer.cval, 1016u);
  v.regs.x[1] = static_cast<uint32_t>(-500);  // already past
  ASSERT_TRUE(v.access(tval(1, false), 1000));
  EXPECT_EQ(v.timer.cval, 500u);
}

TEST(PhysicalTimer, XzrReadsAreDroppedAndWritesAreZero) {
  Vcpu v;
  v.timer.ctl = PhysicalTimer::kEnable;
  v.timer.cval = 77;
  ASSERT_TRUE(v.access(ctl(31, true), 0));
  for (uint64_t x : v.regs.x) EXPECT_EQ(x, 0u);
  ASSERT_TRUE(v.access(ctl(31, false), 0));
  EXPECT_EQ(v.timer.ctl, 0u);
}

TEST(PhysicalTimer, ANewSettingIsWatchedAfresh) {
  Vcpu v;
  v.timer.ctl = PhysicalTimer::kEnable;
  v.timer.reported = true;
  EXPECT_FALSE(v.timer.watched());
  v.regs.x[2] = 9;
  ASSERT_TRUE(v.access(cval(2, false), 0));
  EXPECT_TRUE(v.timer.watched());
  // A read changes nothing.
  v.timer.reported = true;
  ASSERT_TRUE(v.access(cval(2, true), 0));
  EXPECT_TRUE(v.timer.reported);
}

TEST(PhysicalTimer, OtherRegistersAreNotItsToEmulate) {
  Vcpu v;
  v.regs.elr = 0x2000;
  EXPECT_FALSE(v.access(esr(3, 3, 14, 3, 1, 0, true), 0));  // CNTV_CTL_EL0
  EXPECT_FALSE(v.access(esr(3, 7, 14, 2, 1, 0, false), 0));  // CNTPS_CTL_EL1
  EXPECT_FALSE(v.access(esr(3, 3, 9, 12, 0, 0, true), 0));   // PMCR_EL0
  EXPECT_FALSE(v.access(esr(3, 3, 14, 0, 1, 0, true), 0));   // CNTPCT_EL0
  EXPECT_EQ(v.regs.elr, 0x2000u);
  EXPECT_EQ(v.timer.ctl, 0u);
}

}  // namespace
