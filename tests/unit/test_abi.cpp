// ffa/abi.h: the table every FF-A call is read through before its handler
// (who may make it, which registers are reserved), and its lookup; and
// ffa/calls.h, the typed views of calls' parameters.
#include "ffa/abi.h"

#include <gtest/gtest.h>

#include "ffa/calls.h"
#include "ffa/hf_interrupt.h"

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

TEST(Calls, DirectMessagesPayloadFollowsTheCallsWidth) {
  const Regs req32{{raw(Func::msg_send_direct_req_32), 0xFFFFFFFF00008001ull, 0xAB00000000000000ull,
                    0x1111111122222222ull, 4, 5, 6, 0xFFFFFFFFFFFFFFFFull}};
  const auto m = ffa::calls::direct_message(req32);
  EXPECT_EQ(m.pair.sender.raw(), 0u);
  EXPECT_EQ(m.pair.receiver.raw(), 0x8001u);
  EXPECT_EQ(m.flags, 0u);  // w2: the upper half of x2 is not the flags'
  EXPECT_EQ(ffa::calls::direct_payload(req32, 0), 0x22222222u);
  EXPECT_EQ(ffa::calls::direct_payload(req32, 4), 0xFFFFFFFFu);
  Regs req64 = req32;
  req64.x[0] = raw(Func::msg_send_direct_req_64);
  EXPECT_EQ(ffa::calls::direct_payload(req64, 0), 0x1111111122222222ull);
  EXPECT_EQ(ffa::calls::direct_payload(req64, 4), 0xFFFFFFFFFFFFFFFFull);
  const auto r2 = ffa::calls::direct_request2(
      Regs{{raw(Func::msg_send_direct_req2), 0x8001, 0x2222222211111111ull, 0x4444444433333333ull}});
  EXPECT_EQ(r2.pair.receiver.raw(), 0x8001u);
  EXPECT_EQ(r2.uuid.w[0], 0x11111111u);
  EXPECT_EQ(r2.uuid.w[1], 0x22222222u);
  EXPECT_EQ(r2.uuid.w[3], 0x44444444u);
}

TEST(Calls, RunFeaturesNotificationsAndConsole) {
  const auto run = ffa::calls::run(Regs{{raw(Func::run), 0xFFFFFFFF80020003ull}});
  EXPECT_EQ(run.target.raw(), 0x8002u);
  EXPECT_EQ(run.vcpu, 3u);
  const auto f = ffa::calls::features(Regs{{raw(Func::features), raw(Func::mem_retrieve_req_64), 2}});
  EXPECT_FALSE(f.is_feature_id());
  EXPECT_EQ(f.input, 2u);
  EXPECT_TRUE(ffa::calls::features(Regs{{raw(Func::features), 2}}).is_feature_id());
  const auto get = ffa::calls::notification_get(Regs{{raw(Func::notification_get), 0x00038001, 5}});
  EXPECT_EQ(get.receiver.raw(), 0x8001u);
  EXPECT_EQ(get.vcpu, 3u);
  EXPECT_EQ(get.flags, 5u);
  const auto create = ffa::calls::notification_bitmap(Regs{{raw(Func::notification_bitmap_create), 0, 4}});
  EXPECT_EQ(create.vm, 0u);
  EXPECT_EQ(create.vcpus, 4u);
  // DESTROY's w2 is reserved: no vCPU count is read from it.
  EXPECT_EQ(ffa::calls::notification_bitmap(Regs{{raw(Func::notification_bitmap_destroy), 0x10000, 4}}).vcpus, 0u);
  EXPECT_EQ(ffa::calls::notification_bitmap(Regs{{raw(Func::notification_bitmap_destroy), 0x10000}}).vm, 0x10000u);
  EXPECT_EQ(ffa::calls::secondary_entry(Regs{{raw(Func::secondary_ep_register_32), 0xFFFFFFFF0e700010ull}}),
            0x0e700010u);
  EXPECT_EQ(ffa::calls::secondary_entry(Regs{{raw(Func::secondary_ep_register_64), 0x80e700010ull}}), 0x80e700010ull);
  const Regs log32{{raw(Func::console_log_32), 6, 0xFFFFFFFF64636261ull, 0x6665}};
  EXPECT_EQ(ffa::calls::console_log(log32).max, 24u);
  EXPECT_EQ(ffa::calls::console_char(log32, 0), 'a');
  EXPECT_EQ(ffa::calls::console_char(log32, 3), 'd');
  EXPECT_EQ(ffa::calls::console_char(log32, 4), 'e');  // four a register: the upper half of x2 is skipped
  const Regs log64{{raw(Func::console_log_64), 9, 0x6867666564636261ull, 0x69}};
  EXPECT_EQ(ffa::calls::console_log(log64).max, 128u);
  EXPECT_EQ(ffa::calls::console_char(log64, 7), 'h');
  EXPECT_EQ(ffa::calls::console_char(log64, 8), 'i');
  EXPECT_EQ(ffa::calls::msg_send2(Regs{{raw(Func::msg_send2), 0x00010000, 2}}).sender_vm, 0x00010000u);
  EXPECT_EQ(ffa::calls::rx_release(Regs{{raw(Func::rx_release), 0xFFFF0001}}).id, 1u);
}

TEST(Calls, HafniumInterruptCallsReadWholeRegisters) {
  const auto e = ffa::hf::interrupt_enable(Regs{{ffa::hf::kInterruptEnable, 34, 1, ffa::hf::kTypeFiq}});
  EXPECT_TRUE(e.valid());
  EXPECT_TRUE(e.fiq());
  EXPECT_EQ(e.id, 34u);
  // Upper bits make neither an enable flag nor a type.
  EXPECT_FALSE(ffa::hf::interrupt_enable(Regs{{ffa::hf::kInterruptEnable, 34, 0x100000001ull, 0}}).valid());
  EXPECT_FALSE(ffa::hf::interrupt_enable(Regs{{ffa::hf::kInterruptEnable, 34, 1, 0x100000000ull}}).valid());
  EXPECT_FALSE(ffa::hf::interrupt_enable(Regs{{ffa::hf::kInterruptEnable, 34, 2, 0}}).valid());
  const auto d = ffa::hf::interrupt_deactivate(Regs{{ffa::hf::kInterruptDeactivate, 34, 35}});
  EXPECT_EQ(d.physical, 34u);
  EXPECT_EQ(d.virtual_id, 35u);
}

}  // namespace
