// Trusted Applications through OP-TEE's FF-A ABI, as Linux's optee driver
// drives them: struct optee_msg_arg in memory shared with the trusted OS,
// OPEN_SESSION / INVOKE_COMMAND / CLOSE_SESSION / CANCEL, memory
// references to FF-A shared memory (whole, scattered, read-only), the
// hostile TA's misdeeds contained, TA-to-TA sessions, and malformed
// messages. The TAs are in tas/ (tas.h: their UUIDs and commands).
#include "arch/aarch64/sysreg.h"
#include "ffa/notifications.h"
#include "nwd/harness/ffa_client.h"
#include "nwd/harness/gic.h"
#include "nwd/harness/mem_descriptor.h"
#include "nwd/harness/smp.h"
#include "nwd/harness/supplicant.h"
#include "nwd/harness/test.h"
#include "tas.h"

using ffa::Func;
using harness::call;
using harness::put_le;

namespace {
constexpr uint64_t kArgPage = 0x70A00000;  // the optee_msg_arg page
constexpr uint64_t kBuf = 0x70A10000;      // memory-reference buffers, 16 pages
constexpr uint32_t kYieldingCallWithArg = 0x80000000, kResume = 0x80000001, kUnregister = 3;
constexpr uint32_t kReturnRpc = 1, kReturnInterrupt = 2;
constexpr uint32_t kOpen = 0, kInvoke = 1, kClose = 2, kCancel = 3;
constexpr uint64_t kValueIn = 1, kValueOut = 2, kValueInout = 3, kMemIn = 5, kMemOut = 6, kMemInout = 7;
constexpr uint64_t kMeta = 0x100, kNullMem = ~0ull;
constexpr uint32_t kTeeSuccess = 0, kBadParameters = 0xFFFF0006, kItemNotFound = 0xFFFF0008;
constexpr uint32_t kShortBuffer = 0xFFFF0010, kTargetDead = 0xFFFF3024, kAccessDenied = 0xFFFF0001;
constexpr uint32_t kOriginTee = 3, kOriginTa = 4;

volatile uint8_t* arg() { return reinterpret_cast<volatile uint8_t*>(kArgPage); }
void put(unsigned off, uint64_t v, unsigned n) { put_le(arg(), off, v, n); }
uint64_t get(unsigned off, unsigned n) { return harness::get_le(arg(), off, n); }

uint64_t share_pages(uint64_t address, uint32_t pages, uint8_t perm = 2) {
  uint8_t* tx = harness::buffers().tx;
  const uint32_t len = harness::put_ranges(tx, harness::trusted_os_id(), address, 1);
  put_le(tx, 80, pages, 4);
  put_le(tx, 96, address, 8);
  put_le(tx, 104, pages, 4);
  put_le(tx, 50, perm, 1);
  ffa::Regs r = call(Func::mem_share_64, len, len);
  return ffa::is_success(r) ? (uint64_t{r.w(2)} | uint64_t{r.w(3)} << 32) : 0;
}
// `ranges` single pages, every other page from `address` (scattered, as
// Linux's registered user memory is).
uint64_t share_scattered(uint64_t address, uint32_t ranges) {
  const uint32_t len = harness::put_ranges(harness::buffers().tx, harness::trusted_os_id(), address, ranges);
  ffa::Regs r = call(Func::mem_share_64, len, len);
  return ffa::is_success(r) ? (uint64_t{r.w(2)} | uint64_t{r.w(3)} << 32) : 0;
}
void give_back(uint64_t handle) {
  call(Func::msg_send_direct_req_32, harness::trusted_os_id(), 0, kUnregister, static_cast<uint32_t>(handle),
       handle >> 32);
  call(Func::mem_reclaim, static_cast<uint32_t>(handle), handle >> 32);
}

// The argument page, shared once for every test here.
uint64_t g_arg_handle = 0;
bool ready() {
  if (!harness::ensure_rxtx_mapped() || !harness::discover()) return false;
  if (!g_arg_handle) g_arg_handle = share_pages(kArgPage, 1);
  return g_arg_handle != 0;
}

void header(uint32_t cmd, uint32_t func, uint32_t session, uint32_t num_params, uint32_t cancel_id = 0) {
  for (unsigned i = 0; i < 32 + 6 * 32; ++i) arg()[i] = 0;
  put(0, cmd, 4);
  put(4, func, 4);
  put(8, session, 4);
  put(12, cancel_id, 4);
  put(20, 0xA5A5A5A5, 4);  // ret: must be overwritten
  put(28, num_params, 4);
}
void param(unsigned i, uint64_t attr, uint64_t a, uint64_t b = 0, uint64_t c = 0) {
  put(32 + 32 * i, attr, 8);
  put(40 + 32 * i, a, 8);
  put(48 + 32 * i, b, 8);
  put(56 + 32 * i, c, 8);
}
uint64_t param_a(unsigned i) { return get(40 + 32 * i, 8); }
uint64_t param_b(unsigned i) { return get(48 + 32 * i, 8); }
// An FF-A memory reference: `offset` bytes into the shared memory `handle`.
void memref(unsigned i, uint64_t type, uint64_t handle, uint64_t offset, uint64_t size) {
  param(i, type, offset & 0xFFFFFFFFFFFF, size, handle);
}

// The yielding call with the argument at offset 0, resumed after each
// interruption as Linux does; the FF-A status (w3).
uint32_t send() {
  const uint16_t tos = harness::trusted_os_id();
  ffa::Regs r = call(Func::msg_send_direct_req_32, tos, 0, kYieldingCallWithArg, static_cast<uint32_t>(g_arg_handle),
                     g_arg_handle >> 32, 0);
  // An RPC's request follows the call's argument (room for four
  // parameters); the stand-in supplicant answers it in place.
  volatile uint8_t* rpc = arg() + 32 + 32 * get(28, 4);
  while (r.w(3) == 0 && (r.w(4) == kReturnInterrupt || r.w(4) == kReturnRpc)) {
    if (r.w(4) == kReturnRpc) harness::supplicant::serve(rpc);
    r = call(Func::msg_send_direct_req_32, tos, 0, kResume, 0, 0, 0, r.w(7));
  }
  return r.w(3);
}
uint32_t ret() { return static_cast<uint32_t>(get(20, 4)); }
uint32_t origin() { return static_cast<uint32_t>(get(24, 4)); }

struct Uuid {
  uint64_t a, b;  // the RFC 4122 bytes, as Linux copies them into value a and b
};
constexpr Uuid uuid(uint32_t tl, uint16_t tm, uint16_t th, uint8_t c0, uint8_t c1, uint8_t c2, uint8_t c3, uint8_t c4,
                    uint8_t c5, uint8_t c6, uint8_t c7) {
  const uint8_t b[16] = {static_cast<uint8_t>(tl >> 24), static_cast<uint8_t>(tl >> 16), static_cast<uint8_t>(tl >> 8),
                         static_cast<uint8_t>(tl),       static_cast<uint8_t>(tm >> 8),  static_cast<uint8_t>(tm),
                         static_cast<uint8_t>(th >> 8),  static_cast<uint8_t>(th),       c0, c1, c2, c3, c4, c5, c6, c7};
  Uuid u{0, 0};
  for (unsigned i = 0; i < 8; ++i) {
    u.a |= uint64_t{b[i]} << (8 * i);
    u.b |= uint64_t{b[8 + i]} << (8 * i);
  }
  return u;
}
constexpr Uuid kHello = uuid(TA_HELLO_UUID), kHostile = uuid(TA_HOSTILE_UUID), kCaller = uuid(TA_CALLER_UUID);

// OPEN_SESSION with no client parameters; the session, or 0.
uint32_t open(Uuid ta) {
  header(kOpen, 0, 0, 2);
  param(0, kMeta | kValueIn, ta.a, ta.b);
  param(1, kMeta | kValueIn, 0, 0, 0);  // client UUID nil, login public
  if (send() != 0 || ret() != kTeeSuccess) return 0;
  return static_cast<uint32_t>(get(8, 4));
}
uint32_t close(uint32_t session) {
  header(kClose, 0, session, 0);
  return send() == 0 ? ret() : 0xDEAD;
}
// INVOKE_COMMAND with one value parameter of type `type`; ret, value a in *a.
uint32_t invoke_value(uint32_t session, uint32_t cmd, uint64_t type, uint32_t* a, uint32_t* b = nullptr) {
  header(kInvoke, cmd, session, 1);
  param(0, type, *a, b ? *b : 0);
  if (send() != 0) return 0xDEAD;
  *a = static_cast<uint32_t>(param_a(0));
  if (b) *b = static_cast<uint32_t>(param_b(0));
  return ret();
}
}  // namespace

TEST_TOS(tas, hello_session_values_and_counts) {
  ASSERT_TRUE(ready());
  const uint32_t s = open(kHello);
  ASSERT_TRUE(s != 0);
  EXPECT_EQ(origin(), kOriginTa);  // the TA said yes
  uint32_t v = 41;
  EXPECT_EQ(invoke_value(s, TA_HELLO_CMD_INC_VALUE, kValueInout, &v), kTeeSuccess);
  EXPECT_EQ(v, 42u);
  EXPECT_EQ(invoke_value(s, TA_HELLO_CMD_DEC_VALUE, kValueInout, &v), kTeeSuccess);
  EXPECT_EQ(v, 41u);
  // A second session shares the single instance.
  const uint32_t s2 = open(kHello);
  ASSERT_TRUE(s2 != 0 && s2 != s);
  uint32_t count = 0, sessions = 0;
  EXPECT_EQ(invoke_value(s2, TA_HELLO_CMD_COUNT, kValueOut, &count, &sessions), kTeeSuccess);
  EXPECT_EQ(count, 3u);
  EXPECT_EQ(sessions, 2u);
  // The wrong parameter type is the TA's BAD_PARAMETERS.
  EXPECT_EQ(invoke_value(s, TA_HELLO_CMD_INC_VALUE, kValueIn, &v), kBadParameters);
  EXPECT_EQ(origin(), kOriginTa);
  EXPECT_EQ(close(s2), kTeeSuccess);
  EXPECT_EQ(close(s), kTeeSuccess);
  // A closed session is gone.
  EXPECT_EQ(invoke_value(s, TA_HELLO_CMD_INC_VALUE, kValueInout, &v), kBadParameters);
  EXPECT_EQ(origin(), kOriginTee);
  EXPECT_EQ(close(s), kBadParameters);
}

TEST_TOS(tas, unknown_ta_is_item_not_found) {
  ASSERT_TRUE(ready());
  // Not in the store; the trusted OS asks the normal world (LOAD_TA),
  // which has no such file.
  const Uuid nobody = uuid(0x12345678, 0x9abc, 0xdef0, 1, 2, 3, 4, 5, 6, 7, 8);
  EXPECT_EQ(open(nobody), 0u);
  EXPECT_EQ(ret(), kItemNotFound);
  EXPECT_EQ(origin(), kOriginTee);
  // A "TA" the normal world makes up is refused before any of it is used.
  const Uuid garbage = uuid(0xEEEEEEEE, 0xEEEE, 0xEEEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE);
  EXPECT_EQ(open(garbage), 0u);
  EXPECT_EQ(ret(), 0xFFFF000Fu);  // TEE_ERROR_SECURITY
  EXPECT_EQ(origin(), kOriginTee);
  EXPECT_EQ(harness::supplicant::g_buffers_out, 0u);
}

TEST_TOS(tas, memrefs_over_scattered_pages) {
  ASSERT_TRUE(ready());
  // Input: three single pages, every other page; output: one page.
  volatile uint8_t* in = reinterpret_cast<volatile uint8_t*>(kBuf);
  volatile uint8_t* out = reinterpret_cast<volatile uint8_t*>(kBuf + 0x8000);
  const uint64_t hin = share_scattered(kBuf, 3), hout = share_pages(kBuf + 0x8000, 1);
  ASSERT_TRUE(hin != 0 && hout != 0);
  // 32 bytes across the first two ranges: 0xFF0 in the first page, then
  // the start of the second range (which is kBuf + 0x2000).
  for (unsigned i = 0; i < 16; ++i) in[0xFF0 + i] = static_cast<uint8_t>(i);
  for (unsigned i = 0; i < 16; ++i) in[0x2000 + i] = static_cast<uint8_t>(16 + i);
  for (unsigned i = 0; i < 64; ++i) out[i] = 0xEE;
  const uint32_t s = open(kHello);
  ASSERT_TRUE(s != 0);
  header(kInvoke, TA_HELLO_CMD_REVERSE, s, 2);
  memref(0, kMemIn, hin, 0xFF0, 32);
  memref(1, kMemOut, hout, 0, 64);
  ASSERT_EQ(send(), 0u);
  EXPECT_EQ(ret(), kTeeSuccess);
  EXPECT_EQ(param_b(1), 32u);  // the size the TA wrote
  bool reversed = true;
  for (unsigned i = 0; i < 32; ++i) reversed = reversed && out[i] == 31 - i;
  EXPECT_TRUE(reversed);
  EXPECT_EQ(out[32], 0xEE);
  // Too small: SHORT_BUFFER with the size needed.
  header(kInvoke, TA_HELLO_CMD_REVERSE, s, 2);
  memref(0, kMemIn, hin, 0xFF0, 32);
  memref(1, kMemOut, hout, 0, 8);
  ASSERT_EQ(send(), 0u);
  EXPECT_EQ(ret(), kShortBuffer);
  EXPECT_EQ(param_b(1), 32u);
  // Null memory references (Linux's MEMREF_NULL) of size 0: fine.
  header(kInvoke, TA_HELLO_CMD_REVERSE, s, 2);
  memref(0, kMemIn, kNullMem, 0, 0);
  memref(1, kMemOut, kNullMem, 0, 0);
  ASSERT_EQ(send(), 0u);
  EXPECT_EQ(ret(), kTeeSuccess);
  EXPECT_EQ(close(s), kTeeSuccess);
  give_back(hin);
  give_back(hout);
}

// Linux shares every buffer separately, scattered over its RAM, and the
// trusted OS keeps each until it is unregistered: sixteen buffers 2 MiB
// apart, all held at once (where the trusted OS is an S-EL1 partition,
// each 2 MiB window takes a table of its stage 2).
TEST_TOS(tas, buffers_held_in_many_2mib_windows) {
  ASSERT_TRUE(ready());
  constexpr unsigned kBuffers = 16;
  constexpr uint64_t kFar = 0x74000000, kApart = 0x200000;
  uint64_t h[kBuffers];
  for (unsigned i = 0; i < kBuffers; ++i) {
    volatile uint8_t* b = reinterpret_cast<volatile uint8_t*>(kFar + i * kApart);
    for (unsigned k = 0; k < 8; ++k) b[k] = static_cast<uint8_t>(i * 8 + k);
    h[i] = share_pages(kFar + i * kApart, 1);
    ASSERT_TRUE(h[i] != 0);
  }
  const uint32_t s = open(kHello);
  ASSERT_TRUE(s != 0);
  unsigned right = 0;
  for (unsigned i = 0; i < kBuffers; ++i) {
    header(kInvoke, TA_HELLO_CMD_REVERSE, s, 2);
    memref(0, kMemIn, h[i], 0, 8);
    memref(1, kMemOut, h[i], 64, 8);
    const bool sent = send() == 0 && ret() == kTeeSuccess;
    volatile uint8_t* b = reinterpret_cast<volatile uint8_t*>(kFar + i * kApart);
    bool reversed = sent;
    for (unsigned k = 0; k < 8; ++k) reversed = reversed && b[64 + k] == i * 8 + 7 - k;
    right += reversed ? 1 : 0;
  }
  EXPECT_EQ(right, kBuffers);
  EXPECT_EQ(close(s), kTeeSuccess);
  for (uint64_t handle : h) give_back(handle);
}

// A memory reference over 8 MiB of physically contiguous memory at a 2 MiB
// boundary (one FF-A range, as a malicious driver may send, or Linux with
// huge pages): the TA's window maps it in 2 MiB blocks and takes each
// reference back whole after the call. It used to unmap page by page,
// which needed a table to split each block, ran out of tables, and left
// normal-world memory in the TA's tables after the call (the next large
// reference then failed for want of them); now the same reference passes
// three times, and the memory goes back to the normal world.
TEST_TOS(tas, a_large_reference_leaves_nothing_in_the_tas_tables) {
  ASSERT_TRUE(ready());
  constexpr uint64_t kLarge = 0x71000000;
  constexpr uint32_t kPages = 2048;
  const uint64_t h = share_pages(kLarge, kPages);
  ASSERT_TRUE(h != 0);
  const uint32_t s = open(kHello);
  ASSERT_TRUE(s != 0);
  for (unsigned round = 0; round < 3; ++round) {
    header(kInvoke, TA_HELLO_CMD_REVERSE, s, 2);
    memref(0, kMemIn, h, 0, uint64_t{kPages} * 4096);
    memref(1, kMemOut, h, 0, 8);
    EXPECT_EQ(send(), 0u);
    EXPECT_EQ(ret(), kShortBuffer);  // reached the TA, which wants a larger output
  }
  EXPECT_EQ(close(s), kTeeSuccess);
  const uint16_t tos = harness::trusted_os_id();
  EXPECT_EQ(call(Func::msg_send_direct_req_32, tos, 0, kUnregister, static_cast<uint32_t>(h), h >> 32).w(3), 0u);
  EXPECT_TRUE(ffa::is_success(call(Func::mem_reclaim, static_cast<uint32_t>(h), h >> 32)));
}

// A TA stopped many times by the normal world's interrupts (managed exit
// where the trusted OS is a partition, the secure FIQ where it is the
// SPMC) resumes with its registers and its condition flags as they were:
// a loop of compares and branches, stopped by a periodic timer, must give
// what it gives here. (With the flags lost, the branches go the other
// way: the answer differs, or the TA takes a wrong case.)
TEST_TOS(tas, a_ta_stopped_many_times_resumes_with_its_flags) {
  ASSERT_TRUE(ready());
  const uint32_t s = open(kHello);
  ASSERT_TRUE(s != 0);
  harness::gic::enable_private(harness::gic::kPhysicalTimerPpi);
  constexpr uint32_t kRounds = 2000000, kSeed = 0x2468ACE1;
  const uint32_t want = ta_branchy(kRounds, kSeed);
  unsigned stops = 0;
  const uint16_t tos = harness::trusted_os_id();
  // A periodic timer (250 us): it stops the TA again after each resume,
  // whenever it comes, however slowly the host runs us. The stops count
  // over the attempts (a busy host gives fewer in each).
  const uint64_t period = arch::cntfrq() / 4000;
  harness::gic::set_physical_timer_period(period);
  for (int attempt = 0; attempt < 10 && stops < 5; ++attempt) {
    header(kInvoke, TA_HELLO_CMD_BRANCHY, s, 1);
    param(0, kValueInout, kRounds, kSeed);
    harness::gic::arm_physical_timer(period);
    ffa::Regs r = call(Func::msg_send_direct_req_32, tos, 0, kYieldingCallWithArg,
                       static_cast<uint32_t>(g_arg_handle), g_arg_handle >> 32, 0);
    while (r.w(3) == 0 && (r.w(4) == kReturnInterrupt || r.w(4) == kReturnRpc)) {
      if (r.w(4) == kReturnInterrupt) ++stops;
      r = call(Func::msg_send_direct_req_32, tos, 0, kResume, 0, 0, 0, r.w(7));
    }
    EXPECT_EQ(r.w(3), 0u);
    EXPECT_EQ(ret(), kTeeSuccess);
    EXPECT_EQ(param_a(0) & 0xFFFFFFFF, want);
  }
  harness::gic::set_physical_timer_period(0);
  EXPECT_TRUE(stops >= 5);
  harness::printf("# the hello TA was stopped {} times in its loop\n", stops);
  EXPECT_EQ(close(s), kTeeSuccess);
}

TEST_TOS(tas, memref_hostile_cases) {
  ASSERT_TRUE(ready());
  const uint64_t ro = share_pages(kBuf + 0xA000, 1, 1), rw = share_pages(kBuf + 0xB000, 1);
  ASSERT_TRUE(ro != 0 && rw != 0);
  const uint32_t s = open(kHello);
  ASSERT_TRUE(s != 0);
  struct Case {
    uint64_t type0, h0, off0, size0, type1, h1, off1, size1;
  } cases[] = {
      {kMemIn, rw, 0, 16, kMemOut, ro, 0, 16},               // output to read-only memory
      {kMemIn, rw, 0xFF8, 16, kMemOut, rw, 0, 16},           // past the end of the share
      {kMemIn, rw, 0, 0x1001, kMemOut, rw, 0, 16},           // larger than the share
      {kMemIn, rw, ~0ull >> 16, 16, kMemOut, rw, 0, 16},     // offset that wraps
      {kMemIn, 0x77, 0, 16, kMemOut, rw, 0, 16},             // not a handle of ours
      {kMemIn, g_arg_handle, 0, 16, kMemOut, rw, 0, 16},     // the argument's own buffer
      {4, rw, 0, 16, kMemOut, rw, 0, 16},                    // not a parameter type
      {kMeta | kMemIn, rw, 0, 16, kMemOut, rw, 0, 16},       // meta outside OPEN_SESSION
      {0x200 | kMemIn, rw, 0, 16, kMemOut, rw, 0, 16},       // non-contiguous lists: not Linux's FF-A way
  };
  for (const Case& c : cases) {
    header(kInvoke, TA_HELLO_CMD_REVERSE, s, 2);
    param(0, c.type0, c.off0 & 0xFFFFFFFFFFFF, c.size0, c.h0);
    param(1, c.type1, c.off1, c.size1, c.h1);
    ASSERT_EQ(send(), 0u);
    EXPECT_EQ(ret(), kBadParameters);
    EXPECT_EQ(origin(), kOriginTee);
  }
  // Five parameters is more than GP has.
  header(kInvoke, TA_HELLO_CMD_INC_VALUE, s, 5);
  ASSERT_EQ(send(), 0u);
  EXPECT_EQ(ret(), kBadParameters);
  EXPECT_EQ(close(s), kTeeSuccess);
  give_back(ro);
  give_back(rw);
}

TEST_TOS(tas, malformed_messages) {
  ASSERT_TRUE(ready());
  // Seven parameters do not fit OP-TEE's argument: the FF-A status says so.
  header(kOpen, 0, 0, 7);
  EXPECT_EQ(send(), 0xFFFFFFFEu);
  // OPEN_SESSION without the UUID pair, or with them not meta.
  header(kOpen, 0, 0, 1);
  param(0, kMeta | kValueIn, kHello.a, kHello.b);
  EXPECT_EQ(send(), 0u);
  EXPECT_EQ(ret(), kBadParameters);
  header(kOpen, 0, 0, 2);
  param(0, kValueIn, kHello.a, kHello.b);
  param(1, kMeta | kValueIn, 0);
  EXPECT_EQ(send(), 0u);
  EXPECT_EQ(ret(), kBadParameters);
  // A command OP-TEE does not have.
  header(9, 0, 0, 0);
  EXPECT_EQ(send(), 0u);
  EXPECT_EQ(ret(), 0xFFFF0009u);  // TEE_ERROR_NOT_IMPLEMENTED
  // CANCEL of nothing is answered at once.
  header(kCancel, 0, 12345, 0, 77);
  EXPECT_EQ(send(), 0u);
  EXPECT_EQ(ret(), kTeeSuccess);
}

TEST_TOS(tas, hostile_ta_is_contained) {
  ASSERT_TRUE(ready());
  // Multi-instance: each session its own instance.
  const uint32_t a = open(kHostile), b = open(kHostile), hello = open(kHello);
  ASSERT_TRUE(a != 0 && b != 0 && hello != 0);
  uint32_t v = 0;
  // Reading the trusted OS faults: that instance is dead, for good.
  EXPECT_EQ(invoke_value(a, TA_HOSTILE_CMD_READ_TOS, kValueIn, &v), kTargetDead);
  EXPECT_EQ(origin(), kOriginTee);
  EXPECT_EQ(invoke_value(a, TA_HOSTILE_CMD_NOP, kValueIn, &v), kTargetDead);
  // The other instance, and other TAs, carry on.
  EXPECT_EQ(invoke_value(b, TA_HOSTILE_CMD_NOP, kValueIn, &v), kTeeSuccess);
  v = 1;
  EXPECT_EQ(invoke_value(hello, TA_HELLO_CMD_INC_VALUE, kValueInout, &v), kTeeSuccess);
  EXPECT_EQ(v, 2u);
  // A panic kills its instance too.
  EXPECT_EQ(invoke_value(b, TA_HOSTILE_CMD_PANIC, kValueIn, &v), kTargetDead);
  EXPECT_EQ(invoke_value(b, TA_HOSTILE_CMD_NOP, kValueIn, &v), kTargetDead);
  // Closing a dead session works (and frees its instance).
  EXPECT_EQ(close(a), kTeeSuccess);
  EXPECT_EQ(close(b), kTeeSuccess);
  // Memory-reference misdeeds: writing an input, or past an output.
  const uint64_t h = share_pages(kBuf + 0xC000, 2);
  ASSERT_TRUE(h != 0);
  volatile uint8_t* page = reinterpret_cast<volatile uint8_t*>(kBuf + 0xC000);
  page[0] = 0x11;
  page[0x1010] = 0x22;
  const uint32_t c = open(kHostile);
  ASSERT_TRUE(c != 0);
  header(kInvoke, TA_HOSTILE_CMD_WRITE_INPUT, c, 1);
  memref(0, kMemIn, h, 0, 16);
  ASSERT_EQ(send(), 0u);
  EXPECT_EQ(ret(), kTargetDead);
  EXPECT_EQ(page[0], 0x11);  // read-only for it
  EXPECT_EQ(close(c), kTeeSuccess);
  const uint32_t d = open(kHostile);
  ASSERT_TRUE(d != 0);
  header(kInvoke, TA_HOSTILE_CMD_OVERRUN, d, 1);
  memref(0, kMemOut, h, 0, 16);  // mapped: the first page only; it writes 4 KiB past 16
  ASSERT_EQ(send(), 0u);
  EXPECT_EQ(ret(), kTargetDead);
  EXPECT_EQ(page[0x1010], 0x22);
  EXPECT_EQ(close(d), kTeeSuccess);
  // It cannot even be told the trusted OS is readable.
  const uint32_t e = open(kHostile);
  ASSERT_TRUE(e != 0);
  header(kInvoke, TA_HOSTILE_CMD_CHECK_ACCESS, e, 2);
  param(0, kValueOut, 0);
  memref(1, kMemIn, h, 0, 16);
  ASSERT_EQ(send(), 0u);
  EXPECT_EQ(ret(), kTeeSuccess);
  EXPECT_EQ(param_a(0), kAccessDenied);  // the trusted OS's memory
  EXPECT_EQ(param_b(0), kAccessDenied);  // its input, for writing
  EXPECT_EQ(close(e), kTeeSuccess);
  EXPECT_EQ(close(hello), kTeeSuccess);
  give_back(h);
}

// The normal world may let its own EL0 at the performance monitors
// (PMUSERENR_EL0.EN), a register no world switch moves: a TA still cannot
// reach them. Its access is UNDEFINED at the trusted OS's EL1 (the S-EL1
// trusted OS clears EN around S-EL0; the S-EL2 SPMC, which traps the PMU,
// turns the trapped access into that UNDEF rather than stopping the whole
// trusted OS partition), and only that instance dies. The normal world's
// PMCR_EL0 is as it was, and so is its PMUSERENR_EL0.
TEST_TOS(tas, a_ta_never_reaches_the_normal_worlds_pmu) {
  ASSERT_TRUE(ready());
  const uint64_t pmcr = TESSERA_SYSREG_READ(pmcr_el0);
  TESSERA_SYSREG_WRITE(pmuserenr_el0, 1);  // EN: its own EL0 may
  const uint32_t s = open(kHostile), hello = open(kHello);
  ASSERT_TRUE(s != 0 && hello != 0);
  uint32_t v = 0;
  EXPECT_EQ(invoke_value(s, TA_HOSTILE_CMD_PMU, kValueOut, &v), kTargetDead);
  v = 1;
  EXPECT_EQ(invoke_value(hello, TA_HELLO_CMD_INC_VALUE, kValueInout, &v), kTeeSuccess);
  EXPECT_EQ(v, 2u);
  EXPECT_EQ(TESSERA_SYSREG_READ(pmuserenr_el0) & 0xF, 1);
  EXPECT_EQ(TESSERA_SYSREG_READ(pmcr_el0), pmcr);
  TESSERA_SYSREG_WRITE(pmuserenr_el0, 0);
  EXPECT_EQ(close(s), kTeeSuccess);
  EXPECT_EQ(close(hello), kTeeSuccess);
}

// TPIDR_EL0, which EL0 may write, is one register for every S-EL0
// context on a CPU: each TA call (and each partition) has its own, so
// what one TA left there never reaches the next.
TEST_TOS(tas, a_tas_thread_id_register_is_its_own) {
  ASSERT_TRUE(ready());
  const uint32_t s1 = open(kHostile), s2 = open(kHostile);
  ASSERT_TRUE(s1 != 0 && s2 != 0);
  for (uint32_t s : {s1, s2, s1}) {
    uint32_t v = 0xFFFFFFFF;
    EXPECT_EQ(invoke_value(s, TA_HOSTILE_CMD_TPIDR, kValueOut, &v), kTeeSuccess);
    EXPECT_EQ(v, 0u);  // not 0x5EC2E700, which the call before left
  }
  EXPECT_EQ(close(s1), kTeeSuccess);
  EXPECT_EQ(close(s2), kTeeSuccess);
}

TEST_TOS(tas, ta_to_ta_sessions) {
  ASSERT_TRUE(ready());
  const uint32_t s = open(kCaller);
  ASSERT_TRUE(s != 0);
  uint32_t v = 5;
  EXPECT_EQ(invoke_value(s, TA_CALLER_CMD_INC_TWICE, kValueInout, &v), kTeeSuccess);
  EXPECT_EQ(v, 7u);
  uint32_t result = 0, where = 0;
  EXPECT_EQ(invoke_value(s, TA_CALLER_CMD_OPEN_MISSING, kValueOut, &result, &where), kTeeSuccess);
  EXPECT_EQ(result, kItemNotFound);
  EXPECT_EQ(where, kOriginTee);
  // Memory references through the caller's own heap into hello.
  const uint64_t h = share_pages(kBuf + 0xE000, 1);
  ASSERT_TRUE(h != 0);
  volatile uint8_t* p = reinterpret_cast<volatile uint8_t*>(kBuf + 0xE000);
  for (unsigned i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>('a' + i);
  header(kInvoke, TA_CALLER_CMD_REVERSE, s, 2);
  memref(0, kMemIn, h, 0, 8);
  memref(1, kMemOut, h, 0x100, 8);
  ASSERT_EQ(send(), 0u);
  EXPECT_EQ(ret(), kTeeSuccess);
  EXPECT_EQ(p[0x100], 'h');
  EXPECT_EQ(p[0x107], 'a');
  EXPECT_EQ(close(s), kTeeSuccess);
  give_back(h);
}

namespace {
constexpr Uuid kCrypto = uuid(TA_CRYPTO_UUID);
constexpr uint32_t kMacInvalid = 0xFFFF3071;
uint8_t hex_digit(char c) { return static_cast<uint8_t>(c <= '9' ? c - '0' : c - 'a' + 10); }
// Writes the hex string `h` as bytes at `p`; its length in bytes.
uint32_t put_hex(volatile uint8_t* p, const char* h) {
  uint32_t n = 0;
  for (; h[2 * n]; ++n) p[n] = static_cast<uint8_t>(hex_digit(h[2 * n]) << 4 | hex_digit(h[2 * n + 1]));
  return n;
}
// A crypto command: memory references `in` (offset, length into the
// shared page `h`, read-only to the TA), then one output reference; ret.
struct Ref {
  uint64_t offset, size;
};
template <unsigned N>
uint32_t crypto_call(uint32_t s, uint64_t h, uint32_t cmd, const Ref (&in)[N], Ref out) {
  header(kInvoke, cmd, s, N + 1);
  for (unsigned i = 0; i < N; ++i) memref(i, kMemIn, h, in[i].offset, in[i].size);
  memref(N, kMemOut, h, out.offset, out.size);
  return send() == 0 ? ret() : 0xDEAD;
}
bool same_hex(const volatile uint8_t* p, const char* h) {
  for (uint32_t n = 0; h[2 * n]; ++n)
    if (p[n] != static_cast<uint8_t>(hex_digit(h[2 * n]) << 4 | hex_digit(h[2 * n + 1]))) return false;
  return true;
}
}  // namespace

TEST_TOS(tas, crypto_ta_known_answers) {
  // Published vectors through the GP crypto API in a TA, with keys, data
  // and results in one page of shared memory at different offsets.
  ASSERT_TRUE(ready());
  const uint64_t base = kBuf + 0xF000;
  const uint64_t h = share_pages(base, 1);
  ASSERT_TRUE(h != 0);
  volatile uint8_t* m = reinterpret_cast<volatile uint8_t*>(base);
  const uint32_t s = open(kCrypto);
  ASSERT_TRUE(s != 0);
  // FIPS 180-4: SHA-256("abc").
  m[0] = 'a';
  m[1] = 'b';
  m[2] = 'c';
  EXPECT_EQ(crypto_call(s, h, TA_CRYPTO_CMD_SHA256, {{0, 3}}, {0x800, 32}), kTeeSuccess);
  EXPECT_EQ(param_b(1), 32u);
  EXPECT_TRUE(same_hex(m + 0x800, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
  // RFC 4231 test case 2: HMAC-SHA256("Jefe", "what do ya want for nothing?").
  const char* jefe = "Jefe";
  const char* text = "what do ya want for nothing?";
  for (unsigned i = 0; i < 4; ++i) m[0x100 + i] = static_cast<uint8_t>(jefe[i]);
  for (unsigned i = 0; i < 28; ++i) m[0x200 + i] = static_cast<uint8_t>(text[i]);
  EXPECT_EQ(crypto_call(s, h, TA_CRYPTO_CMD_HMAC_SHA256, {{0x100, 4}, {0x200, 28}}, {0x800, 32}), kTeeSuccess);
  EXPECT_TRUE(same_hex(m + 0x800, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
  // The GCM specification's test case 2: zero key, zero nonce (no AAD), 16 zero bytes.
  for (unsigned i = 0; i < 0x80; ++i) m[0x300 + i] = 0;
  EXPECT_EQ(crypto_call(s, h, TA_CRYPTO_CMD_GCM_SEAL, {{0x300, 16}, {0x300, 12}, {0x300, 16}}, {0x900, 32}),
            kTeeSuccess);
  EXPECT_EQ(param_b(3), 32u);
  EXPECT_TRUE(same_hex(m + 0x900, "0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf"));
  // Opened again; then with one bit of the tag flipped: MAC_INVALID, no plaintext.
  for (int flip = 0; flip < 2; ++flip) {
    if (flip) m[0x91F] = static_cast<uint8_t>(m[0x91F] ^ 1);
    for (unsigned i = 0; i < 16; ++i) m[0xA00 + i] = 0xEE;
    EXPECT_EQ(crypto_call(s, h, TA_CRYPTO_CMD_GCM_OPEN, {{0x300, 16}, {0x300, 12}, {0x900, 32}}, {0xA00, 16}),
              flip ? kMacInvalid : kTeeSuccess);
    bool zero = true;
    for (unsigned i = 0; i < 16; ++i) zero = zero && m[0xA00 + i] == 0;
    EXPECT_TRUE(zero);  // the plaintext, or the zeros a failed open leaves
  }
  // NIST SP 800-38A F.2.1: AES-128-CBC, first block, and back.
  put_hex(m + 0x400, "2b7e151628aed2a6abf7158809cf4f3c");
  put_hex(m + 0x410, "000102030405060708090a0b0c0d0e0f");
  put_hex(m + 0x420, "6bc1bee22e409f96e93d7e117393172a");
  EXPECT_EQ(crypto_call(s, h, TA_CRYPTO_CMD_CBC_ENCRYPT, {{0x400, 16}, {0x410, 16}, {0x420, 16}}, {0xB00, 16}),
            kTeeSuccess);
  EXPECT_TRUE(same_hex(m + 0xB00, "7649abac8119b246cee98e9b12e9197d"));
  EXPECT_EQ(crypto_call(s, h, TA_CRYPTO_CMD_CBC_DECRYPT, {{0x400, 16}, {0x410, 16}, {0xB00, 16}}, {0xC00, 16}),
            kTeeSuccess);
  EXPECT_TRUE(same_hex(m + 0xC00, "6bc1bee22e409f96e93d7e117393172a"));
  // Not whole blocks: the TA's BAD_PARAMETERS; a short output: the size needed.
  EXPECT_EQ(crypto_call(s, h, TA_CRYPTO_CMD_CBC_ENCRYPT, {{0x400, 16}, {0x410, 16}, {0x420, 15}}, {0xB00, 16}),
            kBadParameters);
  EXPECT_EQ(crypto_call(s, h, TA_CRYPTO_CMD_SHA256, {{0, 3}}, {0x800, 31}), kShortBuffer);
  EXPECT_EQ(param_b(1), 32u);
  EXPECT_EQ(close(s), kTeeSuccess);
  give_back(h);
}

namespace {
constexpr Uuid kStorage = uuid(TA_STORAGE_UUID);
constexpr uint32_t kCorruptObject = 0xF0100001, kStorageNotAvailable = 0xF0100003, kAccessConflict = 0xFFFF0003;
constexpr uint64_t kStoreBuf = kBuf + 0x10000;  // one page: IDs at 0, data at 0x100, read-back at 0x800

// A storage command with the object ID `id` and (for writes) `data`.
uint32_t storage(uint32_t s, uint64_t h, uint32_t cmd, const char* id, const char* data = nullptr,
                 uint32_t at = 0) {
  volatile uint8_t* m = reinterpret_cast<volatile uint8_t*>(kStoreBuf);
  unsigned n = 0, d = 0;
  for (; id[n]; ++n) m[n] = static_cast<uint8_t>(id[n]);
  for (; data && data[d]; ++d) m[0x100 + d] = static_cast<uint8_t>(data[d]);
  header(kInvoke, cmd, s, cmd == TA_STORAGE_CMD_DELETE ? 1 : cmd == TA_STORAGE_CMD_WRITE_AT ? 3 : 2);
  memref(0, kMemIn, h, 0, n);
  if (cmd == TA_STORAGE_CMD_READ)
    memref(1, kMemOut, h, 0x800, 0x200);
  else if (cmd != TA_STORAGE_CMD_DELETE)
    memref(1, kMemIn, h, 0x100, d);
  if (cmd == TA_STORAGE_CMD_WRITE_AT) param(2, kValueIn, at);
  return send() == 0 ? ret() : 0xDEAD;
}
bool read_back(const char* want) {
  volatile uint8_t* m = reinterpret_cast<volatile uint8_t*>(kStoreBuf + 0x800);
  unsigned n = 0;
  for (; want[n]; ++n)
    if (m[n] != static_cast<uint8_t>(want[n])) return false;
  return param_b(1) == n;
}
// The one stored object of the storage TA (its file: tessera/<TA UUID>/...).
harness::supplicant::File* stored_object() {
  unsigned count;
  harness::supplicant::File* f = harness::supplicant::files(count);
  const char prefix[] = "tessera/5704a6e21c8b4d2ea47f3e90126bc85d/";
  for (unsigned i = 0; i < count; ++i) {
    bool match = f[i].used;
    for (unsigned k = 0; match && prefix[k]; ++k) match = f[i].name[k] == prefix[k];
    if (match) return &f[i];
  }
  return nullptr;
}
}  // namespace

TEST_TOS(tas, storage_objects_through_the_supplicant) {
  ASSERT_TRUE(ready());
  const uint64_t h = share_pages(kStoreBuf, 1);
  const uint32_t s = open(kStorage);
  ASSERT_TRUE(h != 0 && s != 0);
  EXPECT_EQ(storage(s, h, TA_STORAGE_CMD_WRITE, "alpha", "hello storage"), kTeeSuccess);
  EXPECT_EQ(storage(s, h, TA_STORAGE_CMD_READ, "alpha"), kTeeSuccess);
  EXPECT_TRUE(read_back("hello storage"));
  // What the normal world holds is sealed: no plaintext, and a name that
  // says nothing of the ID.
  harness::supplicant::File* f = stored_object();
  ASSERT_TRUE(f != nullptr);
  bool plaintext = false;
  for (size_t i = 0; i + 5 <= f->len; ++i)
    plaintext = plaintext || (f->data[i] == 'h' && f->data[i + 1] == 'e' && f->data[i + 2] == 'l' &&
                              f->data[i + 3] == 'l' && f->data[i + 4] == 'o');
  EXPECT_TRUE(!plaintext);
  EXPECT_EQ(f->len, 13u + 40u);  // data + magic, version, nonce, tag
  // Open, seek, write; exclusive create; delete.
  EXPECT_EQ(storage(s, h, TA_STORAGE_CMD_WRITE_AT, "alpha", "STORAGE", 6), kTeeSuccess);
  EXPECT_EQ(storage(s, h, TA_STORAGE_CMD_READ, "alpha"), kTeeSuccess);
  EXPECT_TRUE(read_back("hello STORAGE"));
  EXPECT_EQ(storage(s, h, TA_STORAGE_CMD_CREATE, "alpha", "again"), kAccessConflict);
  EXPECT_EQ(storage(s, h, TA_STORAGE_CMD_DELETE, "alpha"), kTeeSuccess);
  EXPECT_EQ(storage(s, h, TA_STORAGE_CMD_READ, "alpha"), kItemNotFound);
  EXPECT_TRUE(stored_object() == nullptr);
  EXPECT_EQ(storage(s, h, TA_STORAGE_CMD_CREATE, "alpha", "fresh"), kTeeSuccess);
  EXPECT_EQ(storage(s, h, TA_STORAGE_CMD_READ, "alpha"), kTeeSuccess);
  EXPECT_TRUE(read_back("fresh"));
  EXPECT_EQ(storage(s, h, TA_STORAGE_CMD_DELETE, "alpha"), kTeeSuccess);
  // Every buffer the trusted OS asked for came back.
  EXPECT_EQ(harness::supplicant::g_buffers_out, 0u);
  EXPECT_EQ(close(s), kTeeSuccess);
  give_back(h);
}

TEST_TOS(tas, storage_refuses_corruption_and_rollback) {
  ASSERT_TRUE(ready());
  const uint64_t h = share_pages(kStoreBuf, 1);
  const uint32_t s = open(kStorage);
  ASSERT_TRUE(h != 0 && s != 0);
  // Rollback: the normal world puts back an older version of the file.
  ASSERT_EQ(storage(s, h, TA_STORAGE_CMD_WRITE, "beta", "version one"), kTeeSuccess);
  harness::supplicant::File* f = stored_object();
  ASSERT_TRUE(f != nullptr);
  static harness::supplicant::File old;
  old = *f;
  ASSERT_EQ(storage(s, h, TA_STORAGE_CMD_WRITE, "beta", "version two"), kTeeSuccess);
  f = stored_object();
  ASSERT_TRUE(f != nullptr);
  for (size_t i = 0; i < old.len; ++i) f->data[i] = old.data[i];
  f->len = old.len;
  EXPECT_EQ(storage(s, h, TA_STORAGE_CMD_READ, "beta"), kCorruptObject);
  // Overwriting mends it; then one flipped bit anywhere is refused.
  ASSERT_EQ(storage(s, h, TA_STORAGE_CMD_WRITE, "beta", "version three"), kTeeSuccess);
  f = stored_object();
  for (size_t at : {size_t{0}, size_t{5}, size_t{20}, f->len - 1}) {
    f->data[at] ^= 0x10;
    EXPECT_EQ(storage(s, h, TA_STORAGE_CMD_READ, "beta"), kCorruptObject);
    f->data[at] ^= 0x10;
  }
  EXPECT_EQ(storage(s, h, TA_STORAGE_CMD_READ, "beta"), kTeeSuccess);
  EXPECT_TRUE(read_back("version three"));
  // A truncated file, and a lost one.
  const size_t len = f->len;
  f->len = 10;
  EXPECT_EQ(storage(s, h, TA_STORAGE_CMD_READ, "beta"), kCorruptObject);
  f->len = len;
  f->used = false;
  EXPECT_EQ(storage(s, h, TA_STORAGE_CMD_READ, "beta"), kItemNotFound);
  // Shared memory the normal world never lent: storage is not available,
  // and nothing breaks.
  harness::supplicant::g_bogus_shm = true;
  EXPECT_EQ(storage(s, h, TA_STORAGE_CMD_WRITE, "gamma", "x"), kStorageNotAvailable);
  harness::supplicant::g_bogus_shm = false;
  EXPECT_EQ(storage(s, h, TA_STORAGE_CMD_WRITE, "gamma", "y"), kTeeSuccess);
  EXPECT_EQ(storage(s, h, TA_STORAGE_CMD_DELETE, "gamma"), kTeeSuccess);
  EXPECT_EQ(close(s), kTeeSuccess);
  give_back(h);
}

// OP-TEE's asynchronous notifications over FF-A, as Linux (6.7 and later)
// drives them: bind one of the trusted OS's notifications, name it in
// OPTEE_FFA_ENABLE_ASYNC_NOTIF, and answer each notification with
// OPTEE_MSG_CMD_DO_BOTTOM_HALF. The event here is the secure timer armed
// without IDs: its top half asks for the bottom half, which takes it.
TEST_TOS(tas, async_notif_bottom_half) {
  ASSERT_TRUE(ready());
  const uint16_t tos = harness::trusted_os_id();
  constexpr uint32_t kEnable = 5, kDoBottomHalf = 6, kStop = 7;
  constexpr uint32_t kTimerArm = 0xFFFF5354, kTimerTake = 0xFFFF4248;
  constexpr uint32_t kBadState = 0xFFFF0007;
  constexpr uint32_t kValue = 40;  // the notification ID we choose
  constexpr uint64_t kBit = 1ull << kValue;
  const auto direct = [&](uint32_t msg, uint64_t w4 = 0, uint64_t w5 = 0, uint64_t w6 = 0) {
    return call(Func::msg_send_direct_req_32, tos, 0, msg, w4, w5, w6).w(3);
  };
  // Offered (EXCHANGE_CAPABILITIES w5 bit 1).
  EXPECT_EQ(call(Func::msg_send_direct_req_32, tos, 0, 2).w(5) & 2u, 2u);
  (void)call(Func::notification_bitmap_create, 0, 1);  // ours may exist already
  const unsigned sgi = call(Func::features, ffa::notification::kFeatureSri).w(2);
  harness::gic::enable_sgi(sgi);
  // Hostile: a value past OPTEE_FFA_MAX_ASYNC_NOTIF_VALUE, MBZ words set,
  // and a notification we have not bound (it could never be delivered).
  EXPECT_EQ(direct(kEnable, 64), kBadParameters);
  EXPECT_EQ(direct(kEnable, kValue, 1), kBadParameters);
  EXPECT_EQ(direct(kEnable, kValue), kBadParameters);
  // Before enabling, a bottom half has nothing to answer to.
  header(kDoBottomHalf, 0, 0, 0);
  EXPECT_EQ(send(), 0u);
  EXPECT_EQ(ret(), kBadState);
  ASSERT_TRUE(ffa::is_success(call(Func::notification_bind, tos << 16, 0, 0, kBit >> 32)));
  unsigned before = harness::gic::taken(sgi);
  ASSERT_EQ(direct(kEnable, kValue), kTeeSuccess);
  // Enabling asks for a first bottom half at once.
  (void)harness::gic::wait_taken(sgi, before, arch::cntfrq() / 10);
  EXPECT_TRUE(harness::gic::taken(sgi) > before);
  ffa::Regs r = call(Func::notification_get, 0, ffa::notification::kGetFromSp);
  EXPECT_EQ(r.w(3), kBit >> 32);
  header(kDoBottomHalf, 0, 0, 1);  // it carries no parameters
  EXPECT_EQ(send(), 0u);
  EXPECT_EQ(ret(), kBadParameters);
  header(kDoBottomHalf, 0, 0, 0);
  EXPECT_EQ(send(), 0u);
  EXPECT_EQ(ret(), kTeeSuccess);
  // The timer's event, through OP-TEE's bottom half.
  (void)call(Func::msg_send_direct_req_64, tos, 0, kTimerTake);  // nothing left from before
  const uint64_t events = call(Func::msg_send_direct_req_64, tos, 0, kTimerTake).x[5];
  before = harness::gic::taken(sgi);
  ASSERT_EQ(direct(kTimerArm, arch::cntfrq() / 1000), kTeeSuccess);  // 1 ms, no IDs
  (void)harness::gic::wait_taken(sgi, before, arch::cntfrq());  // a loaded host can raise the timer late
  ASSERT_TRUE(harness::gic::taken(sgi) > before);
  r = call(Func::notification_get, 0, ffa::notification::kGetFromSp);
  EXPECT_EQ(r.w(3), kBit >> 32);
  header(kDoBottomHalf, 0, 0, 0);
  EXPECT_EQ(send(), 0u);
  EXPECT_EQ(ret(), kTeeSuccess);
  r = call(Func::msg_send_direct_req_64, tos, 0, kTimerTake);
  EXPECT_EQ(r.x[4], 0u);          // the bottom half took the event...
  EXPECT_EQ(r.x[5], events + 1);  // ...which happened
  // Stopped: no more bottom halves, and the timer cannot ask for one.
  header(kStop, 0, 0, 0);
  EXPECT_EQ(send(), 0u);
  EXPECT_EQ(ret(), kTeeSuccess);
  header(kDoBottomHalf, 0, 0, 0);
  EXPECT_EQ(send(), 0u);
  EXPECT_EQ(ret(), kBadState);
  EXPECT_EQ(direct(kTimerArm, arch::cntfrq() / 1000), 0xFFFFFFFEu);  // INVALID_PARAMETERS
  (void)call(Func::notification_get, 0, ffa::notification::kGetFromSp);
  EXPECT_TRUE(ffa::is_success(call(Func::notification_unbind, tos << 16, 0, 0, kBit >> 32)));
}

// A Trusted Application and a partition at S-EL0 on two CPUs at once: the
// TA under the trusted OS's lock on CPU 1, echo under the core's on CPU 0
// (sel1/core_lock.h). Each exception from S-EL0 must come back to its own
// context (el0.S keeps it in the entering frame, not in a global).
namespace {
constexpr unsigned kRounds = 300;
uint32_t g_session;
volatile unsigned g_ta_right, g_echo_right;
void ta_and_partition(unsigned cpu) {
  if (cpu == 1) {
    unsigned right = 0;
    for (unsigned i = 0; i < kRounds; ++i) {
      uint32_t v = 1000 * i;
      right += invoke_value(g_session, TA_HELLO_CMD_INC_VALUE, kValueInout, &v) == kTeeSuccess && v == 1000 * i + 1;
    }
    g_ta_right = right;
  } else if (cpu == 0) {
    unsigned right = 0;
    for (unsigned i = 0; i < kRounds; ++i) {
      const uint64_t tag = 0xEC400000ull + i;
      const ffa::Regs r = harness::until_answered(call(Func::msg_send_direct_req_64, 0x8001, 0, tag, ~tag));
      right += r.w(0) == ffa::raw(Func::msg_send_direct_resp_64) && r.x[3] == tag && r.x[4] == ~tag;
    }
    g_echo_right = right;
  }
}
}  // namespace

TEST(tas, a_ta_and_a_partition_at_s_el0_on_two_cpus) {
  ASSERT_TRUE(ready());
  g_session = open(kHello);
  ASSERT_TRUE(g_session != 0);
  g_ta_right = 0;
  g_echo_right = 0;
  const unsigned n = harness::run_on_every_cpu(ta_and_partition);
  ASSERT_TRUE(n >= 1);
  if (n >= 2) EXPECT_EQ(g_ta_right, kRounds);
  EXPECT_EQ(g_echo_right, kRounds);
  EXPECT_EQ(close(g_session), kTeeSuccess);
}
