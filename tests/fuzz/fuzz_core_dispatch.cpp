// Fuzz target: spmc::Core::handle_nwd_call, with answer_without_lock asked
// first as the S-EL1 placement does (a twin core served the locked way
// only must agree, call by call), fed a sequence of register sets,
// as the SPMD would forward them from a hostile normal world. After every
// call the core's answer and state must satisfy the invariants below.
//
// Input format (see corpus/fuzz_core_dispatch/make_seeds.py), one record
// per call, reading stops when the input ends (missing bytes read as 0):
//   u8 op       < 0xF0: function ID kFids[op % count]; else a raw u32 follows
//   u8 shape    bit 0: x1..x4 = a known UUID (u8 index follows)
//               bit 1: x8..x17 = junk (must never reach the answer)
//   x1..x7      each a u8 kind followed by its value (see reg_value)
#include <cstddef>
#include <cstdint>
#include <iterator>

#include "arch/fake/fake_placement.h"
#include "ffa/partition_info.h"
#include "fuzz_check.h"
#include "fuzz_input.h"
#include "spmc/core.h"

namespace {

using ffa::Func;
using ffa::raw;

constexpr uint64_t kNsBase = 0x40000000;
constexpr uint64_t kPoison = 0x57A1E00000000000ull;
constexpr uint16_t kSpmcId = 0x8000;

constexpr uint32_t kFids[] = {
    raw(Func::version),
    raw(Func::features),
    raw(Func::rx_release),
    raw(Func::rxtx_map_32),
    raw(Func::rxtx_map_64),
    raw(Func::rxtx_unmap),
    raw(Func::partition_info_get),
    raw(Func::id_get),
    raw(Func::spm_id_get),
    raw(Func::msg_send_direct_req_32),
    raw(Func::msg_send_direct_req_64),
    raw(Func::msg_send_direct_resp_32),
    raw(Func::msg_send_direct_req2),
    raw(Func::partition_info_get_regs),
    raw(Func::mem_share_32),
    raw(Func::mem_retrieve_req_64),
    raw(Func::msg_wait),
    raw(Func::run),
    raw(Func::error),
    raw(Func::success_32),
    raw(Func::notification_bind),
    raw(Func::notification_bitmap_create),
    raw(Func::notification_bitmap_destroy),
    raw(Func::notification_set),
    raw(Func::notification_get),
    raw(Func::notification_info_get_32),
    raw(Func::notification_info_get_64),
    raw(Func::mem_frag_tx),
    raw(Func::mem_reclaim),
    raw(Func::interrupt),
    raw(Func::console_log_64),
    0xC4000063u,  // no SMC64 FFA_VERSION
    0x84000000u,  // PSCI_VERSION: not FF-A
};
constexpr size_t kFidCount = sizeof(kFids) / sizeof(kFids[0]);

constexpr uint16_t kEndpoints[] = {0x0000, 0x0001, kSpmcId, 0x8100, 0x8001, 0x8002, 0x8003, 0xFFFF,
                                   0x8103, 0x8004, 0x8204};
constexpr uint32_t kVersions[] = {0x10000, 0x10001, 0x10002, 0x10003, 0x1FFFF, 0x20000, 0x00002, 0x80010002};
constexpr uint32_t kFlagWords[] = {0x80000008, 0x80000009, 0x80000000, 0x80000004, 1, 2, 0x40, 0x41};
constexpr ffa::Uuid kUuids[] = {ffa::kNilUuid, ffa::kOpteeUuid,
                                ffa::Uuid::parse("11111111-2222-3333-4444-555555555555"),
                                ffa::Uuid::parse("00000000-0000-0000-0000-000000000001")};

uint64_t reg_value(FuzzInput& in) {
  const uint8_t kind = in.byte();
  switch (kind % 10) {
    case 0: return 0;
    case 1: return in.byte();                                  // page counts, IDs, small flags
    case 2: return kNsBase + uint64_t{in.byte()} * 4096;       // a page of NS memory (1 MiB)
    case 3: return kNsBase + in.bytes(3);                     // anywhere near it, unaligned too
    case 4: {                                                  // sender << 16 | receiver
      uint8_t s = in.byte(), r = in.byte();
      return uint64_t{kEndpoints[s % std::size(kEndpoints)]} << 16 | kEndpoints[r % std::size(kEndpoints)];
    }
    case 5: return kVersions[in.byte() % 8];
    case 6: return kFlagWords[in.byte() % 8];
    case 7: return in.bytes(4);
    case 8: return in.bytes(8);
    default: return in.bytes(8) | (uint64_t{kind} << 56);     // junk in the upper half
  }
}

class Echo final : public spmc::LocalEndpoint {
 public:
  explicit Echo(uint16_t id) : id_(id) {}
  void on_direct_request(const spmc::DirectMessage& req, spmc::DirectMessage& resp) override {
    // The core never forwards framework messages or foreign senders here.
    FUZZ_CHECK(req.sender.raw() == 0 && req.receiver.raw() == id_);
    FUZZ_CHECK(resp.sender.raw() == id_ && resp.receiver.raw() == 0);
    for (unsigned i = 0; i < 5; ++i) {
      if (!req.is_64bit) FUZZ_CHECK(req.payload[i] >> 32 == 0);
      FUZZ_CHECK(resp.payload[i] == 0);
      resp.payload[i] = ~req.payload[i];
    }
    ++calls;
  }
  unsigned calls = 0;

 private:
  uint16_t id_;
};

// The endpoints and partitions every input starts with, on `core`:
//  - 0x8100, in the image (the trusted OS's place): takes direct requests;
//  - 0x8001, in its own contexts (never booted here): indirect messages;
//  - 0x8002, in its own contexts: takes direct requests;
//  - 0x8103, in the image, takes none (the locked way answers DENIED);
//  - 0x8004 in its own contexts and 0x8204 in the image share a low byte
//    (answer_without_lock leaves both to the locked way).
void add_partitions(spmc::Core& core, Echo& optee_echo, Echo& mute, Echo& shared) {
  spmc::Partition optee{};
  optee.info = ffa::PartitionInfo{ffa::EndpointId(0x8100), 1,
                                  ffa::partition_props::direct_req_recv | ffa::partition_props::aarch64,
                                  ffa::kOpteeUuid};
  optee.local = &optee_echo;
  spmc::Partition indirect{};
  // In its own contexts (never booted here): an endpoint in the SPMC's
  // image may not take indirect messages (endpoint.h).
  indirect.info = ffa::PartitionInfo{ffa::EndpointId(0x8001), 2, ffa::partition_props::indirect_msg, kUuids[2]};
  spmc::Partition remote{};
  remote.info = ffa::PartitionInfo{ffa::EndpointId(0x8002), 1, ffa::partition_props::direct_req_recv, kUuids[2]};
  spmc::Partition muted{};
  muted.info = ffa::PartitionInfo{ffa::EndpointId(0x8103), 1, ffa::partition_props::aarch64, kUuids[3]};
  muted.local = &mute;
  spmc::Partition low{};
  low.info = ffa::PartitionInfo{ffa::EndpointId(0x8004), 1, ffa::partition_props::direct_req_recv, kUuids[3]};
  spmc::Partition high{};
  high.info = ffa::PartitionInfo{ffa::EndpointId(0x8204), 1, ffa::partition_props::direct_req_recv, kUuids[3]};
  high.local = &shared;
  FUZZ_CHECK(core.add_partition(optee).ok() && core.add_partition(indirect).ok() &&
             core.add_partition(remote).ok() && core.add_partition(muted).ok() && core.add_partition(low).ok() &&
             core.add_partition(high).ok());
}

bool zero_from(const ffa::Regs& r, unsigned first) {
  for (unsigned i = first; i < 18; ++i)
    if (r.x[i] != 0) return false;
  return true;
}

void check_answer(const ffa::Regs& in, const ffa::Regs& out) {
  const uint32_t fid = in.fid();
  const uint64_t x0 = out.x[0];
  if (fid == raw(Func::version) && x0 != raw(Func::error)) {
    // FFA_VERSION answers in w0 alone: our version or NOT_SUPPORTED.
    FUZZ_CHECK(x0 == 0x10002 || x0 == 0xFFFFFFFF);
    FUZZ_CHECK(zero_from(out, 1));
    return;
  }
  if (x0 == raw(Func::error)) {
    const int32_t e = static_cast<int32_t>(out.w(2));
    FUZZ_CHECK(e <= -1 && e >= -10);
    FUZZ_CHECK(out.x[1] == 0 && out.x[2] >> 32 == 0);
    FUZZ_CHECK(zero_from(out, 3));
    return;
  }
  if (x0 == raw(Func::success_32) || x0 == raw(Func::success_64)) {
    FUZZ_CHECK(out.x[1] == 0);
    if (fid == raw(Func::partition_info_get_regs)) {
      // Descriptors fill x3-x17: three registers each, 24-byte size in x2.
      FUZZ_CHECK(x0 == raw(Func::success_64));
      FUZZ_CHECK(out.x[2] >> 48 == 24);
      FUZZ_CHECK(((out.x[2] >> 16) & 0xFFFF) <= (out.x[2] & 0xFFFF));
      return;
    }
    FUZZ_CHECK(zero_from(out, 8));
    return;
  }
  if (x0 == raw(Func::normal_world_resume)) {
    // The end of a secure interrupt: only FFA_INTERRUPT (from the SPMD) gets it.
    FUZZ_CHECK(fid == raw(Func::interrupt));
    FUZZ_CHECK(zero_from(out, 1));
    return;
  }
  if (x0 == raw(Func::mem_frag_rx)) {
    // "Send the next fragment": only to a transaction's fragments.
    const uint32_t nn = fid & 0xFF;
    FUZZ_CHECK(((nn == 0x71 || nn == 0x72 || nn == 0x73) && (fid & 0xBFFFFFFFu) == 0x84000000u + nn) ||
               fid == raw(Func::mem_frag_tx));
    FUZZ_CHECK(zero_from(out, 4));
    return;
  }
  const bool resp32 = x0 == raw(Func::msg_send_direct_resp_32);
  const bool resp64 = x0 == raw(Func::msg_send_direct_resp_64);
  FUZZ_CHECK(resp32 || resp64);
  FUZZ_CHECK(zero_from(out, 8));
  // Only direct requests get direct responses, in the same width.
  FUZZ_CHECK(fid == raw(resp32 ? Func::msg_send_direct_req_32 : Func::msg_send_direct_req_64));
  if (resp32)
    for (unsigned i = 1; i < 8; ++i) FUZZ_CHECK(out.x[i] >> 32 == 0);
  const auto pair = ffa::EndpointPair::from_w1(in.x[1]);
  if (out.w(2) & 0x80000000u) {
    // A framework response: only to the SPMD's requests, VERSION (its
    // response: our version or NOT_SUPPORTED) or PSCI (a power management
    // response with PSCI's SUCCESS, NOT_SUPPORTED or DENIED).
    FUZZ_CHECK(resp32 && pair.sender == ffa::kSpmdId && pair.receiver.raw() == kSpmcId);
    FUZZ_CHECK(out.x[1] == (uint64_t{kSpmcId} << 16 | 0xFFFF));
    const uint32_t type = in.w(2) & 0xFF;
    if (type == 8) {
      FUZZ_CHECK(out.x[2] == 0x80000009);
      FUZZ_CHECK(out.x[3] == 0x10002 || out.x[3] == 0xFFFFFFFF);
    } else {
      FUZZ_CHECK(type == 0 && out.x[2] == 0x80000002);
      FUZZ_CHECK(out.x[3] == 0 || out.x[3] == 0xFFFFFFFF || out.x[3] == 0xFFFFFFFD);
    }
    FUZZ_CHECK(zero_from(out, 4));
    return;
  }
  // A partition's response: from the receiver back to the sender (0).
  FUZZ_CHECK(pair.sender.raw() == 0 && (pair.receiver.raw() == 0x8100 || pair.receiver.raw() == 0x8204));
  FUZZ_CHECK(out.x[1] == uint64_t{pair.receiver.raw()} << 16 && out.x[2] == 0);
  for (unsigned i = 0; i < 5; ++i) {
    const uint64_t expect = resp32 ? uint64_t{~in.w(3 + i)} : ~in.x[3 + i];
    FUZZ_CHECK(out.x[3 + i] == expect);
  }
}

void check_state(const spmc::Core& core, const fake::FakePlacement& placement, const ffa::Regs& in,
                 const ffa::Regs& out) {
  const spmc::NwdEndpoint& nwd = core.nwd();
  const spmc::Mailbox& mb = nwd.mailbox;
  // Mapped pages: both buffers of the current pair, or nothing.
  FUZZ_CHECK(placement.pages_mapped() == (mb.mapped() ? 2ull * mb.pages() : 0));
  FUZZ_CHECK(mb.mapped() ? (mb.pages() >= 1 && mb.pages() <= spmc::kMaxRxTxPages) : mb.pages() == 0);
  FUZZ_CHECK(nwd.version.major == 1 && nwd.version.minor <= 2);
  const uint32_t fid = in.fid();
  if ((fid == raw(Func::rxtx_map_32) || fid == raw(Func::rxtx_map_64)) && ffa::is_success(out)) {
    FUZZ_CHECK(mb.mapped() && mb.pages() == (in.w(3) & 0x3F) && mb.rx_free());
  }
  if (fid == raw(Func::rxtx_unmap) && ffa::is_success(out)) FUZZ_CHECK(!mb.mapped());
  if (fid == raw(Func::partition_info_get) && ffa::is_success(out)) {
    FUZZ_CHECK(out.x[2] >= 1 && out.x[2] <= core.partition_count());
    // The descriptor size in w3, for v1.1+ callers; a count-only answer
    // has no descriptors, and w3 is MBZ.
    const bool count_only = (in.w(5) & ffa::kPartitionInfoCountOnly) != 0;
    FUZZ_CHECK(out.x[3] == (nwd.version >= ffa::kVersion1_1 && !count_only ? 24u : 0u));
    // Unless only counted, the descriptors now belong to the caller.
    if (!count_only) FUZZ_CHECK(mb.mapped() && !mb.rx_free());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // One placement for all inputs (its 1 MiB of "normal-world memory" costs
  // more to allocate than a run); each input leaves nothing mapped in it.
  static fake::FakePlacement placement;
  FUZZ_CHECK(placement.pages_mapped() == 0);
  spmc::Core core(placement, spmc::CoreConfig{ffa::EndpointId(kSpmcId), ffa::kVersion1_2});
  Echo echo(0x8100), mute(0x8103), shared(0x8204);
  add_partitions(core, echo, mute, shared);
  // A twin fed the same calls the locked way only (handle_nwd_call), as
  // the S-EL2 placement serves: `core` is served as the S-EL1 placement
  // does, answer_without_lock first. Answers, the normal world's version
  // state and the endpoints' calls must stay the same in both.
  static fake::FakePlacement twin_placement;
  spmc::Core twin(twin_placement, spmc::CoreConfig{ffa::EndpointId(kSpmcId), ffa::kVersion1_2});
  Echo twin_echo(0x8100), twin_mute(0x8103), twin_shared(0x8204);
  add_partitions(twin, twin_echo, twin_mute, twin_shared);

  FuzzInput in{data, size};
  for (unsigned calls = 0; !in.empty() && calls < 64; ++calls) {
    ffa::Regs regs{};
    const uint8_t op = in.byte();
    regs.x[0] = op < 0xF0 ? kFids[op % kFidCount] : in.bytes(4);
    const uint8_t shape = in.byte();
    unsigned first = 1;
    if (shape & 1) {
      const ffa::Uuid& u = kUuids[in.byte() % 4];
      for (unsigned i = 0; i < 4; ++i) regs.x[1 + i] = u.w[i];
      first = 5;
    }
    for (unsigned i = first; i < 8; ++i) regs.x[i] = reg_value(in);
    if (shape & 2)
      for (unsigned i = 8; i < 18; ++i) regs.x[i] = 0xBAD0000000000000ull | i;

    // The answer goes to a register set of its own (as in the trusted OS);
    // every register of it must be written, none keeps this pattern.
    ffa::Regs out;
    for (unsigned i = 0; i < 18; ++i) out.x[i] = kPoison | i;
    const bool quick = core.answer_without_lock(regs, out);
    if (!quick) FUZZ_CHECK(core.handle_nwd_call(regs, out) == spmc::Outcome::reply_to_caller);
    ffa::Regs twin_out;
    for (unsigned i = 0; i < 18; ++i) twin_out.x[i] = kPoison | i;
    FUZZ_CHECK(twin.handle_nwd_call(regs, twin_out) == spmc::Outcome::reply_to_caller);
    for (unsigned i = 0; i < 18; ++i) FUZZ_CHECK(out.x[i] == twin_out.x[i]);
    FUZZ_CHECK(core.nwd().version == twin.nwd().version);
    FUZZ_CHECK(core.nwd().version_negotiated == twin.nwd().version_negotiated);
    FUZZ_CHECK(echo.calls == twin_echo.calls && mute.calls == 0 && twin_mute.calls == 0 &&
               shared.calls == twin_shared.calls);
    for (unsigned i = 0; i < 18; ++i) FUZZ_CHECK(out.x[i] != (kPoison | i));
    check_answer(regs, out);
    check_state(core, placement, regs, out);
  }
  for (spmc::Core* c : {&core, &twin}) {
    if (c->nwd().mailbox.mapped()) {
      ffa::Regs unmap{{raw(Func::rxtx_unmap)}};
      (void)c->handle_nwd_call(unmap);  // the one-register form, for once
      FUZZ_CHECK(ffa::is_success(unmap));
    }
  }
  FUZZ_CHECK(placement.pages_mapped() == 0 && twin_placement.pages_mapped() == 0);
  return 0;
}
