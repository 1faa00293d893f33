// Conformance of the answer registers, for every FF-A call the normal world
// may make, driven from one table: whatever an answer does not define is
// zero (MBZ), and an answer to an SMC32 call has the upper halves of
// x0-x7 clear. Partitions and clients written for other SPMCs check both.
// Each row is a call with arguments that give a known kind of answer
// (FFA_SUCCESS with the registers it defines, a direct response, or
// FFA_ERROR, whose w1 and w3-w7 are MBZ).
#include "nwd/harness/ffa_client.h"
#include "nwd/harness/test.h"

using ffa::Func;
using harness::call;

namespace {

// The partition the direct requests go to: echo (S-EL0, where the S-EL1
// SPMC hosts it) or mp-c (S-EL1, under the S-EL2 SPMC), as discovery finds
// them; a row names it with kPartition.
constexpr uint16_t kEcho = 0x8001, kMpC = 0x8010, kPartition = 0xFFFF;
constexpr uint32_t kAny = 0;  // the answer's kind decides which registers it defines

struct Row {
  const char* what;
  uint32_t fid;
  uint64_t x1, x2, x3, x4, x5, x6, x7;
  uint32_t want_w0;  // kAny: FFA_SUCCESS or FFA_ERROR, either is fine
  uint8_t defined;   // for FFA_SUCCESS and responses: bit n set = xn may be nonzero
};

// Bits of `defined`.
constexpr uint8_t r(unsigned n) { return static_cast<uint8_t>(1u << n); }
constexpr uint32_t kSuccess32 = 0x84000061, kSuccess64 = 0xC4000061, kError = 0x84000060;

const Row kRows[] = {
    {"FFA_VERSION", 0x84000063, 0x10002, 0, 0, 0, 0, 0, 0, 0x10002, r(0)},
    {"FFA_ID_GET", 0x84000069, 0, 0, 0, 0, 0, 0, 0, kSuccess32, r(0) | r(2)},
    {"FFA_SPM_ID_GET", 0x84000085, 0, 0, 0, 0, 0, 0, 0, kSuccess32, r(0) | r(2)},
    {"FFA_FEATURES(FFA_VERSION)", 0x84000064, 0x84000063, 0, 0, 0, 0, 0, 0, kSuccess32, r(0)},
    {"FFA_FEATURES(FFA_MEM_SHARE_64)", 0x84000064, 0xC4000073, 0, 0, 0, 0, 0, 0, kSuccess32, r(0) | r(2)},
    {"FFA_FEATURES(FFA_RXTX_MAP_64)", 0x84000064, 0xC4000066, 0, 0, 0, 0, 0, 0, kSuccess32, r(0) | r(2)},
    {"FFA_FEATURES(SRI)", 0x84000064, 2, 0, 0, 0, 0, 0, 0, kSuccess32, r(0) | r(2)},
    {"FFA_FEATURES(unknown)", 0x84000064, 0x840000FF, 0, 0, 0, 0, 0, 0, kError, 0},
    {"FFA_PARTITION_INFO_GET count only", 0x84000068, 0, 0, 0, 0, 1, 0, 0, kSuccess32, r(0) | r(2)},
    {"FFA_PARTITION_INFO_GET unknown UUID", 0x84000068, 1, 2, 3, 4, 0, 0, 0, kError, 0},
    {"FFA_RXTX_MAP_32 unaligned", 0x84000066, 0x40000800, 0x40001000, 1, 0, 0, 0, 0, kError, 0},
    {"FFA_RX_RELEASE for another ID", 0x84000065, 5, 0, 0, 0, 0, 0, 0, kError, 0},
    {"FFA_MSG_SEND_DIRECT_REQ_32 to a partition", 0x8400006F, kPartition, 0, 1, 2, 3, 4, 5, 0x84000070,
     r(0) | r(1) | r(3) | r(4) | r(5) | r(6) | r(7)},
    {"FFA_MSG_SEND_DIRECT_REQ_64 to a partition", 0xC400006F, kPartition, 0, ~0ull, 2, 3, 4, 5, 0xC4000070,
     r(0) | r(1) | r(3) | r(4) | r(5) | r(6) | r(7)},
    {"FFA_MSG_SEND_DIRECT_REQ_32 to nobody", 0x8400006F, 0x8777, 0, 0, 0, 0, 0, 0, kError, 0},
    {"FFA_RUN of nobody", 0x8400006D, 0x87770000, 0, 0, 0, 0, 0, 0, kError, 0},
    {"FFA_MEM_RECLAIM of no handle", 0x84000077, 0x1234, 0x5678, 0, 0, 0, 0, 0, kError, 0},
    {"FFA_MEM_FRAG_TX of no handle", 0x8400007B, 0x1234, 0x5678, 16, 0, 0, 0, 0, kError, 0},
    {"FFA_MEM_SHARE_32 of nothing", 0x84000073, 0, 0, 0, 0, 0, 0, 0, kError, 0},
    {"FFA_NOTIFICATION_BITMAP_CREATE of another VM", 0x8400007D, 5, 1, 0, 0, 0, 0, 0, kError, 0},
    {"FFA_NOTIFICATION_SET to itself", 0x84000081, 0, 0, 1, 0, 0, 0, 0, kError, 0},
    {"FFA_NOTIFICATION_GET", 0x84000082, 0, 0xF, 0, 0, 0, 0, 0, kAny,
     r(0) | r(2) | r(3) | r(4) | r(5) | r(6) | r(7)},
    {"FFA_NOTIFICATION_INFO_GET_32", 0x84000083, 0, 0, 0, 0, 0, 0, 0, kAny,
     r(0) | r(2) | r(3) | r(4) | r(5) | r(6) | r(7)},
    {"FFA_MSG_SEND2 with reserved flags", 0x84000086, 0, 0x4, 0, 0, 0, 0, 0, kError, 0},
    {"FFA_RXTX_UNMAP of another ID", 0x84000067, 0x00050000, 0, 0, 0, 0, 0, 0, kError, 0},
    {"FFA_PARTITION_INFO_GET_REGS past the end", 0xC400008B, 0, 0, 0xFFFF, 0, 0, 0, 0, kError, 0},
};

// Which registers of answer `a` to row `row` break the rules: bit n for xn.
uint32_t broken(const Row& row, const ffa::Regs& a) {
  uint32_t bad = 0;
  const uint32_t w0 = a.w(0);
  if (row.want_w0 != kAny && w0 != row.want_w0) bad |= 1;  // not the kind of answer the row expects
  uint8_t defined = row.defined;
  if (w0 == kError) defined = r(0) | r(2);  // FFA_ERROR: w1 and w3-w7 MBZ
  for (unsigned i = 1; i < 8; ++i)
    if (!((defined >> i) & 1) && a.x[i] != 0) bad |= 1u << i;
  // An SMC32 call's answer is 32-bit: the upper halves are clear.
  const bool smc32 = (row.fid & 0x40000000u) == 0;
  if (smc32 && w0 != kSuccess64)
    for (unsigned i = 0; i < 8; ++i)
      if (a.x[i] >> 32) bad |= 1u << (8 + i);
  return bad;
}

}  // namespace

TEST_TOS(conformance, answer_registers_of_every_normal_world_call) {
  ASSERT_TRUE(harness::discover());
  const bool sel0 = harness::has(harness::Needs::sel0_echo);
  ASSERT_TRUE(sel0 || harness::has(harness::Needs::mp_c));
  const uint16_t partition = sel0 ? kEcho : kMpC;
  unsigned checked = 0;
  for (Row row : kRows) {
    if (row.x1 == kPartition) row.x1 = partition;
    // Garbage in the upper halves of an SMC32 call's arguments must not
    // come back either.
    const bool smc32 = (row.fid & 0x40000000u) == 0;
    const uint64_t junk = smc32 ? 0xA5A5A5A500000000ull : 0;
    const uint64_t x3 = smc32 ? (row.x3 & 0xFFFFFFFFull) | junk : row.x3;
    const ffa::Regs a = harness::until_answered(call(row.fid, row.x1, row.x2, x3, row.x4, row.x5, row.x6, row.x7));
    const uint32_t bad = broken(row, a);
    if (bad) harness::printf("# conformance: {}: answer {:x}, registers breaking the rules {:x}\n", row.what, a.w(0), bad);
    EXPECT_EQ(bad, 0);
    ++checked;
  }
  harness::printf("# conformance: {} answers checked\n", checked);
}
