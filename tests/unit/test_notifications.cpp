// Notifications on spmc::Core (FF-A v1.2 chapter 11): bitmaps, bind and
// unbind, set and get between the normal world and partitions and between
// partitions, FFA_NOTIFICATION_INFO_GET's list encoding and its "more
// pending" flag, the schedule receiver interrupt (now or delayed), the RX
// buffer full framework notification, and every refusal.
#include <gtest/gtest.h>

#include <cstring>

#include "arch/fake/fake_placement.h"
#include "ffa/notifications.h"
#include "spmc/core.h"

namespace {

using ffa::EndpointId;
using ffa::Func;
using ffa::Regs;
using spmc::Outcome;

constexpr uint16_t kUp = 0x8001, kMp = 0x8002, kQuiet = 0x8003;  // kQuiet takes no notifications
constexpr int32_t kNotSupported = -1, kInvalid = -2, kBusy = -4, kDenied = -6, kNoData = -9;
constexpr uint64_t kNs = 0x40000000, kTx = kNs, kRx = kNs + 0x1000;

TEST(InfoGetList, EncodesListsAndSizes) {
  ffa::notification::InfoGetList l(true);
  ASSERT_TRUE(l.begin(EndpointId(0x8001)));  // global: the ID alone
  ASSERT_TRUE(l.begin(EndpointId(0x8002)));
  ASSERT_TRUE(l.add_vcpu(1));
  ASSERT_TRUE(l.add_vcpu(3));
  Regs out{};
  l.write(out, true, false);
  EXPECT_EQ(out.x[0], ffa::raw(Func::success_64));
  EXPECT_EQ(out.x[2], (2u << 7) | (0u << 12) | (2u << 14));
  EXPECT_EQ(out.x[3], 0x8001u | 0x8002ull << 16 | 1ull << 32 | 3ull << 48);
}

TEST(InfoGetList, ThreeVcpusPerListAndRegisterCapacity) {
  ffa::notification::InfoGetList l(false);  // SMC32: 10 IDs, two per register
  ASSERT_TRUE(l.begin(EndpointId(0x8001)));
  for (uint16_t v = 0; v < 3; ++v) ASSERT_TRUE(l.add_vcpu(v));
  EXPECT_FALSE(l.add_vcpu(3));  // a list holds the endpoint and three vCPUs
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(l.begin(EndpointId(0x8002)));
  EXPECT_FALSE(l.fits(0));  // ten IDs used
  Regs out{};
  l.write(out, false, true);
  EXPECT_EQ(out.x[0], ffa::raw(Func::success_32));
  EXPECT_EQ(out.x[2] & 1, 1u);
  EXPECT_EQ((out.x[2] >> 7) & 0x1F, 7u);
  EXPECT_EQ(out.x[3], 0x8001u | 0u << 16);  // w3: the endpoint and vCPU 0
  EXPECT_EQ(out.x[4], 1u | 2u << 16);
}

class Notifications : public ::testing::Test {
 protected:
  Notifications() : core_(placement_, spmc::CoreConfig{EndpointId(0x8000), ffa::kVersion1_2}) {}
  void SetUp() override {
    add(kUp, 1, true);
    add(kMp, 4, true);
    add(kQuiet, 1, false);
    core_.attach_partition_mailbox(0, sp_tx_, sp_rx_, 1);
    Regs out{};
    Outcome o = core_.boot_next(out);
    while (o == Outcome::run_partition) o = core_.handle_sp_call(core_.scheduled(), {{ffa::raw(Func::msg_wait)}}, out);
    ASSERT_EQ(o, Outcome::boot_done);
    ASSERT_EQ(nwd({{ffa::raw(Func::version), 0x10002}}).x[0], 0x10002u);
  }
  void add(uint16_t id, uint16_t vcpus, bool notifications) {
    spmc::Partition p{};
    p.info = ffa::PartitionInfo{EndpointId(id), vcpus,
                                ffa::partition_props::direct_req_recv | ffa::partition_props::direct_req_send |
                                    ffa::partition_props::indirect_msg,
                                ffa::Uuid{{id, 1, 2, 3}}};
    p.version = ffa::kVersion1_2;
    p.notifications.created = notifications;
    p.notifications.vcpu_count = vcpus;
    ASSERT_TRUE(core_.add_partition(p).ok());
  }
  Regs nwd(Regs in) {
    Regs out{};
    (void)core_.handle_nwd_call(in, out);
    return out;
  }
  Regs sp(size_t index, Regs in) {
    Regs out{};
    last_outcome_ = core_.handle_sp_call(index, in, out);
    return out;
  }
  static uint32_t pair(uint16_t sender, uint16_t receiver) { return uint32_t{sender} << 16 | receiver; }
  static Regs bind(uint16_t sender, uint16_t receiver, uint64_t ids, uint32_t flags = 0) {
    return {{ffa::raw(Func::notification_bind), pair(sender, receiver), flags, static_cast<uint32_t>(ids), ids >> 32}};
  }
  static Regs unbind(uint16_t sender, uint16_t receiver, uint64_t ids) {
    return {{ffa::raw(Func::notification_unbind), pair(sender, receiver), 0, static_cast<uint32_t>(ids), ids >> 32}};
  }
  static Regs set(uint16_t sender, uint16_t receiver, uint64_t ids, uint32_t flags = 0) {
    return {{ffa::raw(Func::notification_set), pair(sender, receiver), flags, static_cast<uint32_t>(ids), ids >> 32}};
  }
  static Regs get(uint16_t receiver, uint32_t flags, uint16_t vcpu = 0) {
    return {{ffa::raw(Func::notification_get), uint32_t{vcpu} << 16 | receiver, flags}};
  }
  static int32_t err(const Regs& r) { return r.x[0] == ffa::raw(Func::error) ? static_cast<int32_t>(r.x[2]) : 0; }
  static bool ok(const Regs& r) { return r.x[0] == ffa::raw(Func::success_32); }
  Regs create(uint32_t vcpus = 4) { return nwd({{ffa::raw(Func::notification_bitmap_create), 0, vcpus}}); }

  fake::FakePlacement placement_;
  spmc::Core core_;
  uint8_t sp_tx_[4096] = {}, sp_rx_[4096] = {};
  uint8_t mp_tx_[4096] = {}, mp_rx_[4096] = {};
  Outcome last_outcome_ = Outcome::reply_to_caller;
};

TEST_F(Notifications, BitmapCreateAndDestroy) {
  EXPECT_EQ(err(nwd({{ffa::raw(Func::notification_bitmap_create), 0, 0}})), kInvalid);   // no vCPUs
  EXPECT_EQ(err(nwd({{ffa::raw(Func::notification_bitmap_create), 0, 9}})), kInvalid);   // too many
  EXPECT_EQ(err(nwd({{ffa::raw(Func::notification_bitmap_create), 5, 1}})), kInvalid);   // no such VM
  EXPECT_EQ(err(nwd({{ffa::raw(Func::notification_bitmap_destroy), 0}})), kDenied);      // none yet
  EXPECT_TRUE(ok(create()));
  EXPECT_EQ(err(create()), kDenied);  // twice
  // Pending notifications keep the bitmaps alive.
  ASSERT_TRUE(ok(nwd(bind(kUp, 0, 1))));
  ASSERT_TRUE(ok(sp(0, set(kUp, 0, 1))));
  EXPECT_EQ(err(nwd({{ffa::raw(Func::notification_bitmap_destroy), 0}})), kDenied);
  ASSERT_EQ(nwd(get(0, 1)).x[2], 1u);
  EXPECT_TRUE(ok(nwd({{ffa::raw(Func::notification_bitmap_destroy), 0}})));
  EXPECT_EQ(err(nwd(get(0, 1))), kDenied);  // gone
  // Partitions cannot create or destroy bitmaps, nor ask INFO_GET.
  EXPECT_EQ(err(sp(0, {{ffa::raw(Func::notification_bitmap_create), 0, 1}})), kNotSupported);
  EXPECT_EQ(err(sp(0, {{ffa::raw(Func::notification_info_get_64)}})), kNotSupported);
}

TEST_F(Notifications, NormalWorldNotifiesAPartition) {
  ASSERT_TRUE(ok(sp(0, bind(0, kUp, 0x8000000000000001ull))));
  ASSERT_TRUE(ok(nwd(set(0, kUp, 0x8000000000000001ull))));
  // The SRI tells the normal world's scheduler that kUp needs cycles
  // (INFO_GET lists it); it is not the sender's business to run it.
  EXPECT_EQ(placement_.sris_raised(), 1u);
  // The normal world cannot ask for a delay (partitions only).
  EXPECT_EQ(err(nwd(set(0, kUp, 1, ffa::notification::kSetFlagDelaySri))), kInvalid);
  Regs r = nwd({{ffa::raw(Func::notification_info_get_64)}});
  ASSERT_EQ(r.x[0], ffa::raw(Func::success_64));
  EXPECT_EQ(r.x[2], 1u << 7);  // one list, of one ID
  EXPECT_EQ(r.x[3] & 0xFFFF, kUp);
  EXPECT_EQ(err(nwd({{ffa::raw(Func::notification_info_get_64)}})), kNoData);  // reported once
  r = sp(0, get(kUp, 0xF));
  ASSERT_TRUE(ok(r));
  EXPECT_EQ(r.x[2], 0u);  // nothing from partitions
  EXPECT_EQ(r.x[4], 1u);  // from VMs: IDs 0 and 63
  EXPECT_EQ(r.x[5], 0x80000000u);
  r = sp(0, get(kUp, 0xF));
  EXPECT_EQ(r.x[4] | r.x[5], 0u);  // cleared
}

TEST_F(Notifications, PartitionNotifiesTheNormalWorldWithTheScheduleReceiverInterrupt) {
  ASSERT_TRUE(ok(create()));
  ASSERT_TRUE(ok(nwd(bind(kMp, 0, 0x30))));
  ASSERT_TRUE(ok(sp(1, set(kMp, 0, 0x10))));
  EXPECT_EQ(placement_.sris_raised(), 1u);
  Regs r = nwd({{ffa::raw(Func::notification_info_get_32)}});
  ASSERT_EQ(r.x[0], ffa::raw(Func::success_32));
  EXPECT_EQ(r.x[2], 1u << 7);
  EXPECT_EQ(r.x[3], 0u);  // VM 0
  r = nwd(get(0, ffa::notification::kGetFromSp));
  EXPECT_EQ(r.x[2], 0x10u);
  // FFA_FEATURES gives the normal world the interrupt's ID.
  r = nwd({{ffa::raw(Func::features), ffa::notification::kFeatureSri}});
  EXPECT_TRUE(ok(r));
  EXPECT_EQ(r.x[2], 8u);
  EXPECT_EQ(err(nwd({{ffa::raw(Func::features), ffa::notification::kFeatureNpi}})), kNotSupported);
}

TEST_F(Notifications, DelayedScheduleReceiverInterruptWaitsForTheNormalWorld) {
  ASSERT_TRUE(ok(create()));
  ASSERT_TRUE(ok(nwd(bind(kUp, 0, 1))));
  // kUp handles a direct request and sets the notification meanwhile.
  Regs out{};
  ASSERT_EQ(core_.handle_nwd_call({{ffa::raw(Func::msg_send_direct_req_64), kUp, 0, 7}}, out), Outcome::run_partition);
  Regs r = sp(0, set(kUp, 0, 1, ffa::notification::kSetFlagDelaySri));
  EXPECT_TRUE(ok(r));
  EXPECT_EQ(last_outcome_, Outcome::run_partition);
  EXPECT_EQ(placement_.sris_raised(), 0u);
  // Another CPU's work returning to the normal world meanwhile does not
  // raise it: kUp still runs.
  placement_.cpu = 1;
  ASSERT_EQ(core_.handle_nwd_call({{ffa::raw(Func::msg_send_direct_req_64), kQuiet, 0, 1}}, out), Outcome::run_partition);
  (void)sp(2, {{ffa::raw(Func::msg_send_direct_resp_64), pair(kQuiet, 0), 0, 1}});
  EXPECT_EQ(last_outcome_, Outcome::reply_to_caller);
  EXPECT_EQ(placement_.sris_raised(), 0u);
  placement_.cpu = 0;
  r = sp(0, {{ffa::raw(Func::msg_send_direct_resp_64), pair(kUp, 0), 0, 7}});
  EXPECT_EQ(last_outcome_, Outcome::reply_to_caller);
  EXPECT_EQ(placement_.sris_raised(), 1u);
}

TEST_F(Notifications, PartitionToPartition) {
  ASSERT_TRUE(ok(sp(1, bind(kUp, kMp, 0xF0, ffa::notification::kFlagPerVcpu))));
  ASSERT_TRUE(ok(sp(0, set(kUp, kMp, 0x10, ffa::notification::kFlagPerVcpu | 2u << 16))));
  ASSERT_TRUE(ok(sp(0, set(kUp, kMp, 0x20, ffa::notification::kFlagPerVcpu | 3u << 16))));
  Regs r = nwd({{ffa::raw(Func::notification_info_get_64)}});
  ASSERT_EQ(r.x[0], ffa::raw(Func::success_64));
  EXPECT_EQ(r.x[2], (1u << 7) | (2u << 12));  // one list: kMp, vCPUs 2 and 3
  EXPECT_EQ(r.x[3], kMp | 2ull << 16 | 3ull << 32);
  r = sp(1, get(kMp, ffa::notification::kGetFromSp, 2));
  EXPECT_EQ(r.x[2], 0x10u);  // vCPU 2's only
  r = sp(1, get(kMp, ffa::notification::kGetFromSp, 3));
  EXPECT_EQ(r.x[2], 0x20u);
}

TEST_F(Notifications, MorePendingThanOneAnswerHolds) {
  // The normal world: global from kUp, per vCPU (all four) from kMp.
  ASSERT_TRUE(ok(create(4)));
  ASSERT_TRUE(ok(nwd(bind(kUp, 0, 1))));
  ASSERT_TRUE(ok(nwd(bind(kMp, 0, 2, ffa::notification::kFlagPerVcpu))));
  ASSERT_TRUE(ok(sp(0, set(kUp, 0, 1))));
  for (uint32_t v = 0; v < 4; ++v) ASSERT_TRUE(ok(sp(1, set(kMp, 0, 2, ffa::notification::kFlagPerVcpu | v << 16))));
  // kUp global and kMp per vCPU (all four), from the normal world.
  ASSERT_TRUE(ok(sp(0, bind(0, kUp, 4))));
  ASSERT_TRUE(ok(nwd(set(0, kUp, 4))));
  ASSERT_TRUE(ok(sp(1, bind(0, kMp, 8, ffa::notification::kFlagPerVcpu))));
  for (uint32_t v = 0; v < 4; ++v) ASSERT_TRUE(ok(nwd(set(0, kMp, 8, ffa::notification::kFlagPerVcpu | v << 16))));
  // SMC32 holds ten IDs: [0] [0 0 1 2] [0 3] [kUp] [kMp 0], then "more
  // pending"; a list may continue in the next answer.
  Regs r = nwd({{ffa::raw(Func::notification_info_get_32)}});
  ASSERT_EQ(r.x[0], ffa::raw(Func::success_32));
  EXPECT_EQ(r.x[2], 1u | 5u << 7 | 0u << 12 | 3u << 14 | 1u << 16 | 0u << 18 | 1u << 20);
  EXPECT_EQ(r.x[3], 0u | 0u << 16);             // [0] [0 ...
  EXPECT_EQ(r.x[4], 0u | 1u << 16);             // ... 0 1
  EXPECT_EQ(r.x[5], 2u | 0u << 16);             // 2] [0 ...
  EXPECT_EQ(r.x[6], 3u | uint64_t{kUp} << 16);  // 3] [kUp]
  EXPECT_EQ(r.x[7], uint64_t{kMp});             // [kMp 0]
  r = nwd({{ffa::raw(Func::notification_info_get_32)}});
  ASSERT_EQ(r.x[0], ffa::raw(Func::success_32));
  EXPECT_EQ(r.x[2], 0u | 1u << 7 | 3u << 12);  // [kMp 1 2 3], nothing more
  EXPECT_EQ(r.x[3], kMp | 1u << 16);
  EXPECT_EQ(r.x[4], 2u | 3u << 16);
  EXPECT_EQ(err(nwd({{ffa::raw(Func::notification_info_get_32)}})), kNoData);
  // Set again: listed again.
  ASSERT_TRUE(ok(nwd(set(0, kUp, 4))));
  EXPECT_EQ(nwd({{ffa::raw(Func::notification_info_get_64)}}).x[3], uint64_t{kUp});
}

TEST_F(Notifications, Refusals) {
  ASSERT_TRUE(ok(create(1)));
  // Binding for someone else, with reserved flags, nothing, or twice.
  EXPECT_EQ(err(sp(0, bind(0, kMp, 1))), kInvalid);
  EXPECT_EQ(err(sp(0, bind(0, kUp, 1, 2))), kInvalid);
  EXPECT_EQ(err(sp(0, bind(0, kUp, 0))), kInvalid);
  EXPECT_EQ(err(sp(0, bind(kUp, kUp, 1))), kInvalid);    // itself as sender
  EXPECT_EQ(err(sp(0, bind(0x8777, kUp, 1))), kInvalid);  // nobody
  EXPECT_EQ(err(nwd(bind(0, 0, 1))), kInvalid);           // the normal world to itself
  EXPECT_EQ(err(sp(2, bind(0, kQuiet, 1))), kInvalid);    // no notification-support
  ASSERT_TRUE(ok(sp(0, bind(0, kUp, 0x3))));
  EXPECT_EQ(err(sp(0, bind(kMp, kUp, 0x2))), kDenied);    // bound to another sender
  // Setting what is not bound, for another sender, per vCPU when global.
  EXPECT_EQ(err(nwd(set(0, kUp, 0x4))), kDenied);
  EXPECT_EQ(err(sp(1, set(kMp, kUp, 0x1))), kDenied);
  EXPECT_EQ(err(nwd(set(0, kUp, 0x1, ffa::notification::kFlagPerVcpu))), kInvalid);
  EXPECT_EQ(err(nwd(set(0, kUp, 0x1, 1u << 16))), kInvalid);   // a vCPU for a global one
  EXPECT_EQ(err(nwd(set(0, kUp, 0x1, ffa::notification::kSetFlagDelaySri))), kInvalid);  // not the normal world's
  EXPECT_EQ(err(nwd(set(0, 0, 0x1))), kInvalid);               // to itself
  EXPECT_EQ(err(nwd(set(kUp, kUp, 0x1))), kInvalid);           // as someone else
  EXPECT_EQ(err(nwd(set(0, kQuiet, 0x1))), kInvalid);          // no bitmaps
  // Unbinding what is pending, or another sender's.
  ASSERT_TRUE(ok(nwd(set(0, kUp, 0x1))));
  EXPECT_EQ(err(sp(0, unbind(0, kUp, 0x1))), kDenied);
  EXPECT_EQ(err(sp(0, unbind(kMp, kUp, 0x2))), kDenied);
  EXPECT_TRUE(ok(sp(0, unbind(0, kUp, 0x2))));
  EXPECT_EQ(err(sp(0, unbind(0, kUp, 0x2))), kDenied);  // not bound any more
  // Getting someone else's, or with reserved flags or a vCPU it lacks.
  EXPECT_EQ(err(sp(0, get(kMp, 1))), kInvalid);
  EXPECT_EQ(err(sp(0, get(kUp, 0x10))), kInvalid);
  EXPECT_EQ(err(sp(0, get(kUp, 1, 1))), kInvalid);
  EXPECT_EQ(sp(0, get(kUp, 2)).x[4], 1u);  // still there after all that
}

TEST_F(Notifications, RxBufferFullFrameworkNotification) {
  ASSERT_TRUE(ok(create()));
  ASSERT_EQ(nwd({{ffa::raw(Func::rxtx_map_64), kTx, kRx, 1}}).x[0], ffa::raw(Func::success_32));
  // kUp sends the normal world an indirect message.
  for (unsigned i = 0; i < 64; ++i) sp_tx_[i] = 0;
  sp_tx_[8] = 40;  // payload offset (after the v1.2 header)
  sp_tx_[12] = 0;  // receiver 0
  sp_tx_[14] = kUp & 0xFF, sp_tx_[15] = kUp >> 8;
  sp_tx_[16] = 8;  // payload size
  ASSERT_TRUE(ok(sp(0, {{ffa::raw(Func::msg_send2)}})));
  EXPECT_EQ(placement_.sris_raised(), 1u);
  Regs r = nwd({{ffa::raw(Func::notification_info_get_64)}});
  EXPECT_EQ(r.x[3] & 0xFFFF, 0u);
  r = nwd(get(0, ffa::notification::kGetFromSpm));
  EXPECT_EQ(r.x[6], ffa::notification::kFrameworkRxBufferFull);
  EXPECT_EQ(nwd(get(0, ffa::notification::kGetFromSpm)).x[6], 0u);
}

TEST_F(Notifications, AbortedPartitionsAreNotListed) {
  ASSERT_TRUE(ok(sp(0, bind(0, kUp, 1))));
  ASSERT_TRUE(ok(nwd(set(0, kUp, 1))));
  Regs out{};
  (void)core_.sp_aborted(0, out);
  EXPECT_EQ(err(nwd({{ffa::raw(Func::notification_info_get_64)}})), kNoData);
  EXPECT_EQ(err(nwd(set(0, kUp, 1))), kInvalid);
}

}  // namespace

// Each bitmap flag the normal world may ask for, alone and together
// (issue 11: flags 5, partitions' and the SPM's, were reported DENIED; the
// cause was a client that had not created its bitmaps, which is DENIED by
// design: FFA_NOTIFICATION_BITMAP_CREATE comes first).
TEST_F(Notifications, NormalWorldGetAnswersEveryBitmapFlag) {
  EXPECT_EQ(err(nwd(get(0, 5))), kDenied);  // no bitmaps yet
  ASSERT_TRUE(ok(create()));
  ASSERT_TRUE(ok(nwd(bind(kUp, 0, 0x6))));
  ASSERT_TRUE(ok(sp(0, set(kUp, 0, 0x2))));
  for (uint32_t flags : {0u, 1u, 2u, 4u, 8u, 5u, 0xFu}) {
    const Regs r = nwd(get(0, flags));
    EXPECT_TRUE(ok(r)) << flags;
    EXPECT_EQ(r.x[1], 0u) << flags;
    EXPECT_EQ(r.x[4] | r.x[5] | r.x[7], 0u) << flags;  // no VM senders and no hypervisor here
  }
  // Partitions' notifications went to the first call that asked for them
  // (flags 1): set them again and take them with flags 5.
  ASSERT_TRUE(ok(sp(0, set(kUp, 0, 0x4))));
  const Regs r = nwd(get(0, 5));
  ASSERT_TRUE(ok(r));
  EXPECT_EQ(r.x[2], 0x4u);
  EXPECT_EQ(r.x[3], 0u);
  EXPECT_EQ(r.x[6], 0u);  // no SPM framework notification pending
  EXPECT_EQ(err(nwd(get(0, 0x10))), kInvalid);  // reserved flag bits
}

// An indirect message to a partition that takes notifications raises the
// SRI too: the normal world's scheduler learns from INFO_GET that the
// partition has its RX buffer full and gives it cycles.
TEST_F(Notifications, IndirectMessageToAPartitionRaisesTheScheduleReceiverInterrupt) {
  ASSERT_TRUE(ok(create()));
  // From partition kUp (its TX buffer is sp_tx_) to kMp: v1.2 header.
  std::memset(sp_tx_, 0, 64);
  const uint32_t ids = uint32_t{kUp} << 16 | kMp;
  sp_tx_[8] = 40;  // payload offset
  std::memcpy(sp_tx_ + 12, &ids, 4);
  sp_tx_[16] = 4;  // payload size
  // kMp has no RX buffer in this fixture: BUSY, and no SRI for nothing.
  EXPECT_EQ(err(sp(0, {{ffa::raw(Func::msg_send2)}})), kBusy);
  EXPECT_EQ(placement_.sris_raised(), 0u);
  core_.attach_partition_mailbox(1, mp_tx_, mp_rx_, 1);
  ASSERT_TRUE(ok(sp(0, {{ffa::raw(Func::msg_send2)}})));
  EXPECT_EQ(placement_.sris_raised(), 1u);
  const Regs r = nwd({{ffa::raw(Func::notification_info_get_64)}});
  ASSERT_EQ(r.x[0], ffa::raw(Func::success_64));
  EXPECT_EQ(r.x[3] & 0xFFFF, kMp);
}

// FFA_MSG_SEND2 delivers the header it checked, zeroes what lies between
// the header and the payload (whatever the sender left there), copies the
// payload as written, and writes nothing past it.
TEST_F(Notifications, IndirectMessageIsCopiedAsChecked) {
  core_.attach_partition_mailbox(1, mp_tx_, mp_rx_, 1);
  for (unsigned i = 0; i < 128; ++i) sp_tx_[i] = static_cast<uint8_t>(0xA0 + i);
  std::memset(sp_tx_, 0, 20);  // flags, reserved, offset, IDs, size: set below
  const uint32_t ids = uint32_t{kUp} << 16 | kMp;
  sp_tx_[8] = 48;  // payload offset: 8 bytes after the v1.2 header
  std::memcpy(sp_tx_ + 12, &ids, 4);
  sp_tx_[16] = 13;  // payload size: not a whole number of words
  std::memset(mp_rx_, 0xEE, 128);
  ASSERT_TRUE(ok(sp(0, {{ffa::raw(Func::msg_send2)}})));
  EXPECT_EQ(std::memcmp(mp_rx_, sp_tx_, 40), 0);
  for (unsigned i = 40; i < 48; ++i) EXPECT_EQ(mp_rx_[i], 0) << i;
  EXPECT_EQ(std::memcmp(mp_rx_ + 48, sp_tx_ + 48, 13), 0);
  for (unsigned i = 61; i < 128; ++i) EXPECT_EQ(mp_rx_[i], 0xEE) << i;
  // A second one waits for the buffer to be released.
  EXPECT_EQ(err(sp(0, {{ffa::raw(Func::msg_send2)}})), kBusy);
}
