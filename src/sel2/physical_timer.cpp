#include "sel2/physical_timer.h"

namespace sel2 {
namespace {

// ISS of a trapped MSR/MRS (EC 0x18): Op0 [21:20], Op2 [19:17], Op1
// [16:14], CRn [13:10], Rt [9:5], CRm [4:1], direction [0] (1: read).
constexpr uint64_t kIssRegisterMask = 0x3FFC1E;
constexpr uint64_t iss_of(uint64_t op0, uint64_t op1, uint64_t crn, uint64_t crm, uint64_t op2) {
  return op0 << 20 | op2 << 17 | op1 << 14 | crn << 10 | crm << 1;
}
constexpr uint64_t kCntpTval = iss_of(3, 3, 14, 2, 0), kCntpCtl = iss_of(3, 3, 14, 2, 1),
                   kCntpCval = iss_of(3, 3, 14, 2, 2);

}  // namespace

bool emulate_physical_timer_access(VcpuRegs& regs, PhysicalTimer& timer, uint64_t now) {
  const uint64_t iss = regs.esr & 0x1FFFFFF;
  const uint64_t reg = iss & kIssRegisterMask;
  if (reg != kCntpTval && reg != kCntpCtl && reg != kCntpCval) return false;
  const unsigned rt = (iss >> 5) & 31;
  const bool read = iss & 1;
  if (read) {
    uint64_t value;
    if (reg == kCntpCtl) {
      value = timer.ctl | ((timer.ctl & PhysicalTimer::kEnable) && now >= timer.cval ? PhysicalTimer::kIstatus : 0);
    } else if (reg == kCntpCval) {
      value = timer.cval;
    } else {
      value = static_cast<uint32_t>(timer.cval - now);  // TimerValue, bits [63:32] RES0
    }
    if (rt != 31) regs.x[rt] = value;  // 31: XZR
  } else {
    const uint64_t value = rt == 31 ? 0 : regs.x[rt];
    if (reg == kCntpCtl) {
      timer.ctl = value & (PhysicalTimer::kEnable | PhysicalTimer::kImask);
    } else if (reg == kCntpCval) {
      timer.cval = value;
    } else {
      // A signed 32-bit count from now.
      timer.cval = now + static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(value)));
    }
    // A new setting: its deadline (if any) is to be reported afresh.
    timer.reported = false;
  }
  regs.elr += 4;
  return true;
}

}  // namespace sel2
