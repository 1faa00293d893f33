// ffa/abi.h: the table every FF-A call is read through before its handler
// (who may make it, which registers are reserved), and its lookup.
#include "ffa/abi.h"

#include <gtest/gtest.h>

namespace {

using ffa::Func;
using ffa::raw;
using ffa::Regs;
namespace abi = ffa::abi;

TEST(Abi, EveryEntryIsFoundByItsOwnIdAndListedOnce) {
  for (const abi::Abi& a : abi::kAbis) {
    EXPECT_EQ(abi::find(raw(a.func)), &a) << std::hex << raw(a.func);
    EXPECT_NE(a.callers, 0) << std::hex << raw(a.func);
    EXPECT_LE(a.params, 7) << "x1-x7 at most";
  }
}

TEST(Abi, IdsOutsideTheTableAreNotFound) {
  EXPECT_EQ(abi::find(0x8400005F), nullptr);  // below FF-A's range
  EXPECT_EQ(abi::find(0x840000A0), nullptr);  // above it
  EXPECT_EQ(abi::find(0x8400008F), nullptr);  // FF-A v1.3's NS_RES_INFO_GET: not answered
  EXPECT_EQ(abi::find(0xC4000063), nullptr);  // FFA_VERSION has no SMC64 form
  EXPECT_EQ(abi::find(0x8400008B), nullptr);  // nor PARTITION_INFO_GET_REGS an SMC32 one
  EXPECT_EQ(abi::find(0x82000000), nullptr);  // SiP
  EXPECT_EQ(abi::find(0x84000000), nullptr);  // PSCI
  EXPECT_EQ(abi::find(0xFF04), nullptr);      // Hafnium's HF_INTERRUPT_GET (not FF-A's)
  EXPECT_EQ(abi::find(0x94000064), nullptr);  // a stray bit in the owner field
}

TEST(Abi, CallersAndVersions) {
  const abi::Abi& run = *abi::find(raw(Func::run));
  EXPECT_TRUE(abi::allowed(run, abi::kNwd, ffa::kVersion1_0));
  EXPECT_FALSE(abi::allowed(run, abi::kSp, ffa::kVersion1_2));  // partitions are run, they do not run others
  const abi::Abi& wait = *abi::find(raw(Func::msg_wait));
  EXPECT_FALSE(abi::allowed(wait, abi::kNwd, ffa::kVersion1_2));
  EXPECT_TRUE(abi::allowed(wait, abi::kSp, ffa::kVersion1_0));
  // A call newer than the caller's version.
  const abi::Abi& bind = *abi::find(raw(Func::notification_bind));
  EXPECT_FALSE(abi::allowed(bind, abi::kNwd, ffa::kVersion1_0));
  EXPECT_TRUE(abi::allowed(bind, abi::kNwd, ffa::kVersion1_1));
  const abi::Abi& regs = *abi::find(raw(Func::partition_info_get_regs));
  EXPECT_FALSE(abi::allowed(regs, abi::kNwd, ffa::kVersion1_1));
  EXPECT_TRUE(abi::allowed(regs, abi::kNwd, ffa::kVersion1_2));
}

TEST(Abi, ReservedRegistersMustBeZero) {
  const abi::Abi& id_get = *abi::find(raw(Func::id_get));
  EXPECT_TRUE(abi::reserved_clear(id_get, Regs{{raw(Func::id_get)}}));
  for (unsigned n = 1; n <= 7; ++n) {
    Regs r{{raw(Func::id_get)}};
    r.x[n] = 1;
    EXPECT_FALSE(abi::reserved_clear(id_get, r)) << "x" << n;
  }
  // x8-x17 are not read (SMCCC v1.2 callers need not clear them).
  Regs high{{raw(Func::id_get)}};
  high.x[8] = high.x[17] = 5;
  EXPECT_TRUE(abi::reserved_clear(id_get, high));
  // Parameters are not reserved.
  const abi::Abi& reclaim = *abi::find(raw(Func::mem_reclaim));
  EXPECT_TRUE(abi::reserved_clear(reclaim, Regs{{raw(Func::mem_reclaim), 1, 2, 3}}));
  EXPECT_FALSE(abi::reserved_clear(reclaim, Regs{{raw(Func::mem_reclaim), 1, 2, 3, 4}}));
}

TEST(Abi, AnSmc32CallsUpperHalvesAreIgnoredReservedOnesIncluded) {
  // SMCCC: the callee ignores the upper 32 bits of an SMC32 call's
  // registers. An SMC64 call's registers are read whole.
  const abi::Abi& get = *abi::find(raw(Func::notification_get));  // SMC32: w1, w2
  EXPECT_TRUE(abi::reserved_clear(get, Regs{{raw(Func::notification_get), 0, 0, 0xFFFFFFFF00000000ull}}));
  EXPECT_FALSE(abi::reserved_clear(get, Regs{{raw(Func::notification_get), 0, 0, 1}}));
  const abi::Abi& info64 = *abi::find(raw(Func::notification_info_get_64));  // SMC64: none
  EXPECT_FALSE(abi::reserved_clear(info64, Regs{{raw(Func::notification_info_get_64), 0x100000000ull}}));
}

TEST(Abi, FfaVersionIsNeverRefusedForItsOtherRegisters) {
  // It answers in w0 alone, with no error form to refuse with.
  const abi::Abi& v = *abi::find(raw(Func::version));
  EXPECT_TRUE(abi::reserved_clear(v, Regs{{raw(Func::version), 0x10002, 0x55, 1, 2, 3, 4, 5}}));
}

}  // namespace
