// S-EL0 partitions: direct requests from the normal world to the echo
// partition, and containment of a partition that misbehaves.
#include "nwd/harness/ffa_client.h"
#include "nwd/harness/test.h"

using ffa::Func;
using harness::call;
using harness::error_code;

namespace {
constexpr uint16_t kEcho = 0x8001, kHostileA = 0x8002, kHostileB = 0x8003;
constexpr int32_t kInvalid = -2, kDenied = -6, kAborted = -8;
}  // namespace

TEST(partitions, echo_round_trip_64) {
  ffa::Regs r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x1111111111111111, 0x2222222222222222,
                     0x3333333333333333, 0x4444444444444444, 0x5555555555555555);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_64));
  EXPECT_EQ(r.w(1), uint32_t{kEcho} << 16);
  EXPECT_EQ(r.w(2), 0);
  EXPECT_EQ(r.x[3], 0x1111111111111111);
  EXPECT_EQ(r.x[4], 0x2222222222222222);
  EXPECT_EQ(r.x[5], 0x3333333333333333);
  EXPECT_EQ(r.x[6], 0x4444444444444444);
  EXPECT_EQ(r.x[7], 0x5555555555555555);
  for (unsigned i = 8; i < 18; ++i) EXPECT_EQ(r.x[i], 0);
}
TEST(partitions, echo_round_trip_32_truncates) {
  ffa::Regs r = call(Func::msg_send_direct_req_32, kEcho, 0, 0xAAAAAAAA12345678, 7, 8, 9, 10);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_32));
  EXPECT_EQ(r.x[3], 0x12345678);
  EXPECT_EQ(r.x[7], 10);
}
TEST(partitions, echo_direct_req2_by_uuid) {
  ffa::Regs req{{0xC400008D, kEcho, 0x4b3a0d163d7bd8f6, 0x0bd58a1e9d3a43a8}};
  for (unsigned i = 4; i < 18; ++i) req.x[i] = 0x1000 + i;
  ffa::Regs r = req;
  harness::smc(r);
  ASSERT_EQ(r.w(0), 0xC400008E);  // FFA_MSG_SEND_DIRECT_RESP2
  EXPECT_EQ(r.w(1), uint32_t{kEcho} << 16);
  EXPECT_EQ(r.x[2], 0);
  EXPECT_EQ(r.x[3], 0);
  for (unsigned i = 4; i < 18; ++i) EXPECT_EQ(r.x[i], 0x1000 + i);
  // The nil UUID addresses the partition itself.
  r = ffa::Regs{{0xC400008D, kEcho, 0, 0, 77}};
  harness::smc(r);
  EXPECT_EQ(r.w(0), 0xC400008E);
  EXPECT_EQ(r.x[4], 77);
}
// A response of the other width is an answer all the same: delivered as
// the partition sent it, with its width (partitions written for other
// SPMCs answer REQ_64 with RESP_32). The wrong kind (RESP2 to a REQ, RESP
// to a REQ2) answers nothing the caller can read: it gets ABORTED at once,
// never a wait, and echo serves the next request as usual.
TEST(partitions, echo_answers_in_the_other_width) {
  constexpr uint64_t kOtherWidth = 0x57494454;
  ffa::Regs r = call(Func::msg_send_direct_req_64, kEcho, 0, kOtherWidth, 0x1111111122222222, 3, 4, 5);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_32));
  EXPECT_EQ(r.w(1), uint32_t{kEcho} << 16);
  EXPECT_EQ(r.x[3], kOtherWidth);
  EXPECT_EQ(r.x[4], 0x22222222);  // its own width: cut to 32 bits
  EXPECT_EQ(r.x[7], 5);
  r = call(Func::msg_send_direct_req_32, kEcho, 0, kOtherWidth, 6, 7);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_64));
  EXPECT_EQ(r.x[3], kOtherWidth);
  EXPECT_EQ(r.x[5], 7);
}
TEST(partitions, echo_answering_with_the_wrong_kind_aborts_the_request) {
  constexpr uint64_t kWrongKind = 0x4B494E44;
  EXPECT_EQ(error_code(call(Func::msg_send_direct_req_64, kEcho, 0, kWrongKind)), kAborted);
  ffa::Regs req2{{0xC400008D, kEcho, 0, 0, kWrongKind}};
  harness::smc(req2);
  EXPECT_EQ(error_code(req2), kAborted);
  // Echo is waiting again, not stuck.
  ffa::Regs r = call(Func::msg_send_direct_req_64, kEcho, 0, 42);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_64));
  EXPECT_EQ(r.x[3], 42);
}
// ported-c: a partition as it comes from another SPMC's tree (plain C,
// position independent, RX/TX mapped at run time, checking MBZ answer
// registers) ran its conformance checks at boot; it reports them, and
// answers this 64-bit request with a 32-bit response, as it always does.
TEST(partitions, ported_partition_passed_its_conformance_checks) {
  constexpr uint16_t kPorted = 0x8007;
  ffa::Regs r = call(Func::msg_send_direct_req_64, kPorted, 0, 41);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_32));
  EXPECT_EQ(r.w(1), uint32_t{kPorted} << 16);
  EXPECT_EQ(r.x[4], 0xFFF);    // twelve checks
  EXPECT_EQ(r.x[3], r.x[4]);   // all passed
  EXPECT_EQ(r.x[5], harness::partition_count());  // it found every partition in its RX buffer
  EXPECT_EQ(r.x[6], 12);       // relocations it applied to itself (its table of check names)
  EXPECT_EQ(r.x[7], 42);
}
TEST(partitions, direct_req2_refusals) {
  auto req2 = [](uint64_t w1, uint64_t u0, uint64_t u1) {
    ffa::Regs r{{0xC400008D, w1, u0, u1}};
    harness::smc(r);
    return error_code(r);
  };
  EXPECT_EQ(req2(kEcho, 1, 2), kInvalid);                                   // not its UUID
  EXPECT_EQ(req2(kHostileB, 0, 0), kDenied);                                // its manifest takes no REQ2
  EXPECT_EQ(req2(harness::trusted_os_id(), 0, 0), kDenied);                 // nor does the trusted OS
  EXPECT_EQ(req2(0x8777, 0, 0), kInvalid);                                  // nobody
  EXPECT_EQ(req2((0x8001u << 16) | kEcho, 0, 0), kInvalid);                 // a secure sender
}
TEST(partitions, mem_perm_during_initialisation) {
  // What echo saw of FFA_MEM_PERM_GET/SET while it initialised.
  ffa::Regs r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x9E4E0000);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_64));
  EXPECT_EQ(r.x[3], 3);                    // code: read-only, executable
  EXPECT_EQ(r.x[4], 5);                    // data: read-write, not executable
  EXPECT_EQ(r.x[5], 7);                    // a data page it made read-only
  EXPECT_EQ(r.x[6], 0xE0000000 | 0xFFFFFFFE);  // the trusted OS's memory: INVALID_PARAMETERS
  EXPECT_EQ(r.x[7], 0xE0000000 | 0xFFFFFFFE);  // writable and executable: INVALID_PARAMETERS
}
TEST(partitions, mem_perm_after_initialisation_is_denied) {
  ffa::Regs r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x9E4E0001);
  EXPECT_EQ(r.x[3], 0xE0000000 | 0xFFFFFFFA);  // DENIED
}
namespace {
// Writes a partition message (v1.2 header, 40 bytes) into our TX buffer.
void put_message(uint32_t offset, uint16_t sender, uint16_t receiver, uint32_t size, uint64_t w0 = 0,
                 uint64_t w1 = 0, uint64_t w2 = 0) {
  uint8_t* tx = harness::buffers().tx;
  auto le32 = [&](unsigned off, uint32_t v) {
    for (unsigned i = 0; i < 4; ++i) tx[off + i] = static_cast<uint8_t>(v >> (8 * i));
  };
  for (unsigned i = 0; i < 64; ++i) tx[i] = 0;
  le32(8, offset);
  le32(12, uint32_t{sender} << 16 | receiver);
  le32(16, size);
  const uint64_t words[3] = {w0, w1, w2};
  for (unsigned w = 0; w < 3; ++w)
    for (unsigned i = 0; i < 8 && offset + 8 * w + i < 4096; ++i)
      tx[offset + 8 * w + i] = static_cast<uint8_t>(words[w] >> (8 * i));
}
}  // namespace

TEST(indirect, msg_send2_to_echo) {
  ASSERT_TRUE(harness::ensure_rxtx_mapped());
  put_message(40, 0, kEcho, 24, 0x1111, 0x2222, 0x3333);
  EXPECT_TRUE(ffa::is_success(call(Func::msg_send2)));
  // Its RX buffer is full until it releases it.
  EXPECT_EQ(error_code(call(Func::msg_send2)), -4);
  ffa::Regs r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x4D534732);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_64));
  EXPECT_EQ(r.x[3], 24);
  EXPECT_EQ(r.x[4], kEcho);  // sender 0, receiver echo
  EXPECT_EQ(r.x[5], 0x1111);
  EXPECT_EQ(r.x[6], 0x2222);
  EXPECT_EQ(r.x[7], 0x3333);
  // Released: the next message goes through; releasing twice is DENIED.
  put_message(40, 0, kEcho, 8, 0x4444);
  EXPECT_TRUE(ffa::is_success(call(Func::msg_send2)));
  EXPECT_EQ(call(Func::msg_send_direct_req_64, kEcho, 0, 0x4D534732).x[5], 0x4444);
  EXPECT_EQ(call(Func::msg_send_direct_req_64, kEcho, 0, 0x4D534732).x[3], 0xE0000000 | 0xFFFFFFFA);
}
TEST(indirect, msg_send2_refusals) {
  ASSERT_TRUE(harness::ensure_rxtx_mapped());
  put_message(16, 0, kEcho, 8);  // header cut short
  EXPECT_EQ(error_code(call(Func::msg_send2)), kInvalid);
  put_message(40, 0, kEcho, 4096);  // payload past the buffer
  EXPECT_EQ(error_code(call(Func::msg_send2)), kInvalid);
  put_message(40, 0x8002, kEcho, 8);  // posing as a partition
  EXPECT_EQ(error_code(call(Func::msg_send2)), kInvalid);
  put_message(40, 0, kHostileB, 8);  // takes no indirect messages
  EXPECT_EQ(error_code(call(Func::msg_send2)), kDenied);
  put_message(40, 0, harness::trusted_os_id(), 8);  // the trusted OS takes none either
  EXPECT_EQ(error_code(call(Func::msg_send2)), kDenied);
  put_message(40, 0, 0x8777, 8);  // nobody
  EXPECT_EQ(error_code(call(Func::msg_send2)), kInvalid);
  put_message(40, 0, kEcho, 8);
  EXPECT_EQ(error_code(call(Func::msg_send2, 0x00050000)), kInvalid);  // a sender VM ID without a hypervisor
  EXPECT_EQ(error_code(call(Func::msg_send2, 0, 0x4)), kInvalid);      // reserved flags
}
TEST(partitions, partition_discovers_the_others) {
  // Echo asks FFA_PARTITION_INFO_GET itself (into its own RX buffer).
  ffa::Regs r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x50494E46);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_64));
  EXPECT_EQ(r.x[3], harness::partition_count());  // every partition, as the normal world counts them
  EXPECT_EQ(r.x[4], 24);  // its manifest's FF-A 1.2: the 24-byte layout
  EXPECT_EQ(r.x[5], harness::trusted_os_id());
  EXPECT_EQ(r.x[6], kEcho);
}
TEST(indirect, partition_to_normal_world) {
  ASSERT_TRUE(harness::ensure_rxtx_mapped());
  ffa::Regs r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x53454E44, 0x77, 0x88, 0x99, 0 /* to us */);
  ASSERT_EQ(r.x[3], ffa::raw(Func::success_32));
  // The message sits in our RX buffer: header (sender echo, receiver 0), payload.
  const uint8_t* rx = harness::buffers().rx;
  auto le32 = [&](unsigned off) { return rx[off] | rx[off + 1] << 8 | rx[off + 2] << 16 | uint32_t{rx[off + 3]} << 24; };
  EXPECT_EQ(le32(8), 40);
  EXPECT_EQ(le32(12), uint32_t{kEcho} << 16);
  EXPECT_EQ(le32(16), 24);
  EXPECT_EQ(le32(40), 0x77);
  EXPECT_EQ(le32(56), 0x99);
  // Full until we release it.
  r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x53454E44, 1, 2, 3, 0);
  EXPECT_EQ(r.x[3], ffa::raw(Func::error));
  EXPECT_EQ(static_cast<int32_t>(r.w(4)), -4);
  EXPECT_TRUE(ffa::is_success(call(Func::rx_release)));
  // To itself, or to a partition that takes none: refused.
  r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x53454E44, 1, 2, 3, kEcho);
  EXPECT_EQ(static_cast<int32_t>(r.w(4)), kInvalid);
  r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x53454E44, 1, 2, 3, 0x8005);
  EXPECT_EQ(static_cast<int32_t>(r.w(4)), kDenied);
}

// CPU cycles: FFA_RUN gives a partition cycles; FFA_YIELD gives them back.
TEST(cpu_cycles, run_lets_a_partition_take_its_message) {
  ASSERT_TRUE(harness::ensure_rxtx_mapped());
  put_message(40, 0, kEcho, 24, 0xABC, 0xDEF, 0x123);
  ASSERT_TRUE(ffa::is_success(call(Func::msg_send2)));
  ffa::Regs r = call(Func::run, uint32_t{kEcho} << 16);
  EXPECT_EQ(r.w(0), ffa::raw(Func::msg_wait));  // it took the message and waits again
  r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x4C415354);
  EXPECT_EQ(r.x[3], 24);
  EXPECT_EQ(r.x[4], 0xABC);
  EXPECT_EQ(r.x[6], 0x123);
  // Its RX buffer is free again.
  put_message(40, 0, kEcho, 8, 1);
  EXPECT_TRUE(ffa::is_success(call(Func::msg_send2)));
  EXPECT_EQ(call(Func::run, uint32_t{kEcho} << 16).w(0), ffa::raw(Func::msg_wait));
}
TEST(cpu_cycles, yield_then_run_to_the_answer) {
  ffa::Regs r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x59454C44);
  ASSERT_EQ(r.w(0), ffa::raw(Func::yield));
  EXPECT_EQ(r.w(1), uint32_t{kEcho} << 16);
  // Preempted: busy for anything else until it is run.
  EXPECT_EQ(error_code(call(Func::msg_send_direct_req_64, kEcho, 0, 1)), -4);
  r = call(Func::run, uint32_t{kEcho} << 16);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_64));  // the answer to the yielded request
  EXPECT_EQ(r.x[3], ffa::raw(Func::success_32));                // what FFA_YIELD returned to it
  EXPECT_EQ(r.x[4], 0x59454C44);
  EXPECT_EQ(call(Func::msg_send_direct_req_64, kEcho, 0, 5).x[3], 5);
}
TEST(cpu_cycles, run_every_partition_returns) {
  // Partitions with nothing to do on FFA_RUN go back to waiting at once.
  for (uint16_t id : {uint16_t{0x8004}, uint16_t{0x8005}, kEcho}) {
    EXPECT_EQ(call(Func::run, uint32_t{id} << 16).w(0), ffa::raw(Func::msg_wait));
  }
  // And a 64-bit request to the plain-C partition is answered in 64 bits.
  EXPECT_EQ(call(Func::msg_send_direct_req_64, 0x8004, 0, 1).w(0), ffa::raw(Func::msg_send_direct_resp_64));
}
TEST_ANY_SPMC(cpu_cycles, run_refusals) {
  EXPECT_EQ(error_code(call(Func::run, 0x8777u << 16)), kInvalid);                                  // nobody
  EXPECT_EQ(error_code(call(Func::run, uint32_t{kEcho} << 16 | 1)), kInvalid);                      // no vCPU 1
  // The trusted OS: inside the S-EL1 SPMC's image it has no context to
  // run (INVALID_PARAMETERS); as an S-EL1 partition (sel2-spmc) its idle
  // context runs and waits again at once (FFA_MSG_WAIT). Nothing else.
  if (harness::discover()) {
    const ffa::Regs tos = call(Func::run, uint32_t{harness::trusted_os_id()} << 16);
    EXPECT_TRUE(error_code(tos) == kInvalid || tos.w(0) == ffa::raw(Func::msg_wait));
  }
  EXPECT_EQ(error_code(call(Func::run, 0)), kInvalid);                                              // the normal world
}
TEST(partitions, many_round_trips) {
  for (uint64_t i = 0; i < 200; ++i) {
    ffa::Regs r = call(Func::msg_send_direct_req_64, kEcho, 0, i, ~i);
    ASSERT_EQ(r.x[3], i);
    ASSERT_EQ(r.x[4], ~i);
  }
}
TEST(partitions, echo_by_uuid) {
  ASSERT_TRUE(harness::ensure_rxtx_mapped());
  ffa::Regs r = call(Func::partition_info_get, 0x3d7bd8f6, 0x4b3a0d16, 0x9d3a43a8, 0x0bd58a1e);
  ASSERT_EQ(r.w(0), ffa::raw(Func::success_32));
  EXPECT_EQ(r.w(2), 1);
  EXPECT_EQ(harness::buffers().rx[0] | harness::buffers().rx[1] << 8, kEcho);
  EXPECT_TRUE(ffa::is_success(call(Func::rx_release)));
}
TEST(partitions, foreign_c_partition_got_its_boot_information) {
  // A partition in plain C, no Tessera runtime: it reports what it found
  // through the FF-A boot information protocol (x0 at its entry).
  ffa::Regs r = call(Func::msg_send_direct_req_32, 0x8004, 0, 41);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_32));
  EXPECT_EQ(r.w(1), 0x8004u << 16);
  EXPECT_EQ(r.w(3), 0xFFA);       // blob signature
  EXPECT_EQ(r.w(4), 1);           // one descriptor
  EXPECT_EQ(r.w(5), 0xd00dfeed);  // its manifest, as an FDT
  EXPECT_TRUE(r.w(6) > 64 && r.w(6) < 4096);
  EXPECT_EQ(r.w(7), 42);
}
// The key store (0x8005): keys derived from the hardware unique key stay
// inside it; the normal world names a slot and gets MACs.
constexpr uint16_t kKeystore = 0x8005;
TEST(keystore, hmac_known_answer) {
  // HUK = 32 zero bytes (QEMU's placeholder); key = HMAC(HUK, "tessera-keystore" || 0x1234);
  // message = 1, 2, 3 as little-endian words (computed with Python's hmac module).
  ffa::Regs r = call(Func::msg_send_direct_req_64, kKeystore, 0, 1 /* DERIVE */, 2, 0x1234);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_64));
  ASSERT_EQ(r.x[3], 0);
  EXPECT_EQ(r.x[4], 2);
  for (unsigned i = 5; i < 8; ++i) EXPECT_EQ(r.x[i], 0);  // no key material leaves
  r = call(Func::msg_send_direct_req_64, kKeystore, 0, 2 /* HMAC */, 2, 1, 2, 3);
  ASSERT_EQ(r.x[3], 0);
  EXPECT_EQ(r.x[4], 0x553f8cf341addf52);
  EXPECT_EQ(r.x[5], 0xccf3194f9204da4f);
  EXPECT_EQ(r.x[6], 0x198e320bf5e4df18);
  EXPECT_EQ(r.x[7], 0xa445a06a8e9fc380);
}
TEST(keystore, slots_labels_and_errors) {
  ffa::Regs a = call(Func::msg_send_direct_req_64, kKeystore, 0, 1, 3, 0x1234);  // same label, other slot
  ASSERT_EQ(a.x[3], 0);
  ffa::Regs m1 = call(Func::msg_send_direct_req_64, kKeystore, 0, 2, 3, 1, 2, 3);
  EXPECT_EQ(m1.x[4], 0x553f8cf341addf52);  // same key
  call(Func::msg_send_direct_req_64, kKeystore, 0, 1, 3, 0x1235);  // another label
  ffa::Regs m2 = call(Func::msg_send_direct_req_64, kKeystore, 0, 2, 3, 1, 2, 3);
  EXPECT_TRUE(m2.x[4] != 0x553f8cf341addf52);
  EXPECT_EQ(call(Func::msg_send_direct_req_64, kKeystore, 0, 3 /* ERASE */, 3).x[3], 0);
  EXPECT_EQ(call(Func::msg_send_direct_req_64, kKeystore, 0, 2, 3, 1, 2, 3).x[3], 2);  // empty slot
  EXPECT_EQ(call(Func::msg_send_direct_req_64, kKeystore, 0, 2, 8).x[3], 1);           // no such slot
  EXPECT_EQ(call(Func::msg_send_direct_req_64, kKeystore, 0, 1, ~0ull).x[3], 1);
  EXPECT_EQ(call(Func::msg_send_direct_req_64, kKeystore, 0, 9).x[3], 3);              // unknown command
}
TEST(partitions, hostile_forged_answer_is_refused_to_it) {
  // It first answers as partition 0x8123 (refused with INVALID_PARAMETERS),
  // then properly, reporting what it got.
  ffa::Regs r = call(Func::msg_send_direct_req_32, kHostileA, 0, 0xDEAD0004);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_32));
  EXPECT_EQ(r.w(1), uint32_t{kHostileA} << 16);
  EXPECT_EQ(r.w(4), ffa::raw(Func::error));
  EXPECT_EQ(static_cast<int32_t>(r.w(5)), kInvalid);
}
TEST(partitions, hostile_walk_away_is_denied) {
  ffa::Regs r = call(Func::msg_send_direct_req_32, kHostileA, 0, 0xDEAD0005);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_32));
  EXPECT_EQ(r.w(4), ffa::raw(Func::error));
  EXPECT_EQ(static_cast<int32_t>(r.w(5)), kDenied);
}
// Partition to partition: echo forwards on command (x3 = 0x5EED0000 | ID).
TEST(partitions, echo_asks_the_trusted_os) {
  ASSERT_TRUE(harness::discover());
  ffa::Regs r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x5EED0000 | harness::trusted_os_id(), 0 /* API */);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_64));
  EXPECT_EQ(r.x[3], ffa::raw(Func::msg_send_direct_resp_64));
  EXPECT_EQ(r.x[4], 1);  // OP-TEE API 1.0
}
TEST(partitions, echo_asks_another_partition) {
  ffa::Regs r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x5EED0000 | kHostileB, 0x77, 0x88, 0x99, 0xAA);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_64));
  EXPECT_EQ(r.x[3], ffa::raw(Func::msg_send_direct_resp_64));
  EXPECT_EQ(r.x[4], 0x77);  // hostile-b echoes its x3 (and reports no refused call)
  EXPECT_EQ(r.x[5], 0);
}
TEST(partitions, partition_requests_refused) {
  auto forwarded_error = [](uint16_t target) {
    ffa::Regs r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x5EED0000 | target);
    return r.x[3] == ffa::raw(Func::error) ? static_cast<int32_t>(r.w(4)) : 0;
  };
  EXPECT_EQ(forwarded_error(kEcho), kInvalid);  // to itself
  EXPECT_EQ(forwarded_error(0x0000), kDenied);  // to the normal world
  EXPECT_EQ(forwarded_error(0x8777), kInvalid);  // to nobody
  // hostile-a's manifest does not let it send requests.
  ffa::Regs r = call(Func::msg_send_direct_req_32, kHostileA, 0, 0xDEAD0006);
  EXPECT_EQ(r.w(4), ffa::raw(Func::error));
  EXPECT_EQ(static_cast<int32_t>(r.w(5)), kDenied);
}
TEST(partitions, fault_reading_spmc_memory_aborts_only_that_partition) {
  EXPECT_EQ(error_code(call(Func::msg_send_direct_req_32, kHostileA, 0, 0xDEAD0001)), kAborted);
  // It stays aborted; the others keep working.
  EXPECT_EQ(error_code(call(Func::msg_send_direct_req_32, kHostileA, 0, 1)), kAborted);
  EXPECT_EQ(call(Func::msg_send_direct_req_32, kEcho, 0, 42).x[3], 42);
  EXPECT_EQ(call(Func::msg_send_direct_req_32, kHostileB, 0, 43).x[3], 43);
  EXPECT_EQ(call(Func::msg_send_direct_req_32, harness::trusted_os_id(), 0, 0).w(3), 1);
}
TEST(partitions, writing_own_code_faults) {
  EXPECT_EQ(error_code(call(Func::msg_send_direct_req_64, kHostileB, 0, 0xDEAD0002)), kAborted);
  EXPECT_EQ(error_code(call(Func::msg_send_direct_req_64, kHostileB, 0, 0)), kAborted);
  EXPECT_EQ(call(Func::msg_send_direct_req_64, kEcho, 0, 44).x[3], 44);
}
TEST(cpu_cycles, running_an_aborted_partition) {
  EXPECT_EQ(error_code(call(Func::run, uint32_t{kHostileA} << 16)), kAborted);
}
TEST(partitions, asking_an_aborted_partition) {
  ffa::Regs r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x5EED0000 | kHostileA);
  EXPECT_EQ(r.x[3], ffa::raw(Func::error));
  EXPECT_EQ(static_cast<int32_t>(r.w(4)), kAborted);
}
