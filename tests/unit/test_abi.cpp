// ffa/abi.h: the table every FF-A call is read through before its handler
// (who may make it, which registers are reserved), and its lookup; and
// ffa/calls.h, the typed views of calls' parameters.
#include "ffa/abi.h"

#include <gtest/gtest.h>

#include "ffa/calls.h"

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

// ffa/calls.h: a call's parameters read once, widths settled there.
namespace {

TEST(Calls, AnSmc32CallsAddressesAreTheLowerHalves) {
  const auto map32 = ffa::calls::rxtx_map(Regs{{raw(Func::rxtx_map_32), 0xAB00000040001000ull, 0xCD00000040002000ull, 1}});
  EXPECT_EQ(map32.tx, 0x40001000u);
  EXPECT_EQ(map32.rx, 0x40002000u);
  const auto map64 = ffa::calls::rxtx_map(Regs{{raw(Func::rxtx_map_64), 0x840001000ull, 0x840002000ull, 2}});
  EXPECT_EQ(map64.tx, 0x840001000u);
  EXPECT_EQ(map64.pages, 2u);
  const auto share32 =
      ffa::calls::mem_transaction(Regs{{raw(Func::mem_share_32), 64, 48, 0xFFFFFFFF70000000ull, 1}});
  EXPECT_EQ(share32.buffer, 0x70000000u);
  EXPECT_EQ(share32.total, 64u);
  EXPECT_EQ(share32.fragment, 48u);
  const auto share64 = ffa::calls::mem_transaction(Regs{{raw(Func::mem_share_64), 64, 64, 0x870000000ull, 1}});
  EXPECT_EQ(share64.buffer, 0x870000000u);
}

TEST(Calls, FieldsInsideARegister) {
  const auto unmap = ffa::calls::rxtx_unmap(Regs{{raw(Func::rxtx_unmap), 0x80010002}});
  EXPECT_EQ(unmap.id, 0x8001u);
  EXPECT_EQ(unmap.mbz, 2u);
  const auto regs = ffa::calls::partition_info_get_regs(
      Regs{{raw(Func::partition_info_get_regs), 0x2222222211111111ull, 0x4444444433333333ull, 0x0000000500070003ull}});
  EXPECT_EQ(regs.uuid.w[0], 0x11111111u);
  EXPECT_EQ(regs.uuid.w[3], 0x44444444u);
  EXPECT_EQ(regs.start, 3u);
  EXPECT_EQ(regs.tag, 7u);
  EXPECT_EQ(regs.mbz, 5u);
  const auto ids = ffa::calls::notification_ids(Regs{{raw(Func::notification_set), 0x80010000, 2, 0x1, 0x80000000}});
  EXPECT_EQ(ids.pair.sender.raw(), 0x8001u);
  EXPECT_EQ(ids.pair.receiver.raw(), 0u);
  EXPECT_EQ(ids.ids, 0x8000000000000001ull);
  const auto get = ffa::calls::mem_perm(Regs{{raw(Func::mem_perm_get_64), 0xe500000, 9, 9}});
  EXPECT_TRUE(get.get);
  EXPECT_EQ(get.pages, 1u);  // GET names one page, whatever w2 holds
  const auto set = ffa::calls::mem_perm(Regs{{raw(Func::mem_perm_set_32), 0xFFFFFFFF0e500000ull, 2, 5}});
  EXPECT_FALSE(set.get);
  EXPECT_EQ(set.va, 0x0e500000u);
  EXPECT_EQ(set.perm, 5u);
}

}  // namespace
