// Group smc: the trusted OS over the classic OP-TEE SMC ABI (the optee-smc
// configuration's monitor, el3_opteed), driven as Linux's smc_abi.c drives
// it: the SMCCC-generic and fast calls, then OPEN_SESSION, INVOKE_COMMAND
// and CLOSE_SESSION of the hello TA in an optee_msg_arg in normal-world
// DRAM, with room for the RPC argument after it; then what a hostile
// normal world sends, which must be refused without harm.
#include "arch/aarch64/sysreg.h"
#include "nwd/harness/gic.h"
#include "nwd/harness/smc/optee_smc_client.h"
#include "nwd/harness/test.h"
#include "tas.h"

namespace {

using namespace harness::smc;

// Normal-world DRAM nothing else uses (the image is at 0x60000000; QEMU
// -m 1G ends at 0x80000000): the argument page, and buffers for memory
// references.
constexpr uint64_t kArgPage = 0x70800000;
constexpr uint64_t kBuf = 0x70810000;
constexpr uint64_t kDramEnd = 0x80000000;
constexpr uint64_t kSecureRam = 0x0E000000;
constexpr MsgArg kArg(kArgPage);

// A UUID as Linux's export_uuid + memcpy puts it in two value words: the
// RFC 4122 octets, little-endian.
struct UuidWords {
  uint64_t a, b;
};
constexpr UuidWords uuid_words(uint32_t t, uint16_t m, uint16_t h, uint8_t c0, uint8_t c1, uint8_t n0, uint8_t n1,
                               uint8_t n2, uint8_t n3, uint8_t n4, uint8_t n5) {
  const uint8_t o[16] = {uint8_t(t >> 24), uint8_t(t >> 16), uint8_t(t >> 8), uint8_t(t), uint8_t(m >> 8), uint8_t(m),
                         uint8_t(h >> 8),  uint8_t(h),       c0, c1, n0, n1, n2, n3, n4, n5};
  UuidWords w{0, 0};
  for (unsigned i = 0; i < 8; ++i) {
    w.a |= uint64_t{o[i]} << (8 * i);
    w.b |= uint64_t{o[8 + i]} << (8 * i);
  }
  return w;
}
constexpr UuidWords kHello = uuid_words(TA_HELLO_UUID);
static_assert(kHello.a == 0xE411502400F2AA8Aull && kHello.b == 0x1BC5D5A50200E2ABull);
// A TA neither in the store nor anywhere else.
constexpr UuidWords kMissing = uuid_words(0x0badc0de, 0x1234, 0x4567, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67);

// OPEN_SESSION as Linux sends it: two meta value parameters (the TA's
// UUID; the client's UUID and login method, TEE_IOCTL_LOGIN_PUBLIC), then
// the client's own (none here).
uint64_t open_session(const UuidWords& ta, RpcLog* log = nullptr) {
  kArg.clear();
  kArg.set_header(kCmdOpenSession, 0, 0, 2);
  kArg.set_param(0, kAttrMeta | kAttrValueInput, ta.a, ta.b, 0);
  kArg.set_param(1, kAttrMeta | kAttrValueInput, 0, 0, 0 /* TEE_IOCTL_LOGIN_PUBLIC */);
  return call_with_arg(kArg, log);
}

// INVOKE_COMMAND INC_VALUE with a value in-out: the TA's answer (a0 in
// `smc_ret`, the GP result returned), `value` updated.
uint32_t inc_value(uint32_t session, uint64_t& value, uint64_t* smc_ret = nullptr) {
  kArg.clear();
  kArg.set_header(kCmdInvoke, TA_HELLO_CMD_INC_VALUE, session, 1);
  kArg.set_param(0, kAttrValueInout, value, 0, 0);
  const uint64_t a0 = call_with_arg(kArg);
  if (smc_ret) *smc_ret = a0;
  value = kArg.a(0);
  return kArg.ret();
}

uint64_t close_session(uint32_t session) {
  kArg.clear();
  kArg.set_header(kCmdClose, 0, session, 0);
  return call_with_arg(kArg);
}

// REVERSE with two TMEM references: input [in, in + in_size), output
// [out, out + out_size). The GP result; a0 in `a0`.
uint32_t reverse_tmem(uint32_t session, uint64_t in, uint64_t in_size, uint64_t out, uint64_t out_size,
                      uint64_t& a0) {
  kArg.clear();
  kArg.set_header(kCmdInvoke, TA_HELLO_CMD_REVERSE, session, 2);
  // shm_ref: Linux's tee_shm pointer, opaque to the trusted OS for TMEM.
  kArg.set_param(0, kAttrTmemInput, in, in_size, 0xFFFF000011110000ull);
  kArg.set_param(1, kAttrTmemOutput, out, out_size, 0xFFFF000022220000ull);
  a0 = call_with_arg(kArg);
  return kArg.ret();
}

volatile uint8_t* bytes(uint64_t pa) { return reinterpret_cast<volatile uint8_t*>(pa); }

constinit uint32_t g_session = 0;
constinit bool g_open = false;

TEST(smc, calls_uid) {
  const ffa::Regs r = raw_smc(0xBF00FF01);
  for (unsigned i = 0; i < 4; ++i) EXPECT_EQ(r.x[i], kApiUid[i]);
}

TEST(smc, calls_revision) {
  const ffa::Regs r = raw_smc(kCallsRevision);
  EXPECT_EQ(r.x[0], 2);
  EXPECT_EQ(r.x[1], 0);
}

TEST(smc, get_os_uuid) {
  const ffa::Regs r = raw_smc(kGetOsUuid);
  for (unsigned i = 0; i < 4; ++i) EXPECT_EQ(r.x[i], kOsUuid[i]);
}

TEST(smc, get_os_revision) {
  const ffa::Regs r = raw_smc(kGetOsRevision);
  EXPECT_EQ(r.x[0], 0);  // Tessera's trusted OS 0.1 (build ID in a2)
  EXPECT_EQ(r.x[1], 1);
}

// Linux's optee_msg_exchange_capabilities: what it gets decides how it
// calls. This harness relies on RPC_ARG (room for the RPC argument) and a3,
// the RPC argument's parameter count.
TEST(smc, exchange_capabilities) {
  const ffa::Regs r = raw_smc(kExchangeCapabilities, 0 /* not uniprocessor */);
  EXPECT_EQ(r.x[0], kOk);
  EXPECT_EQ(r.x[1] & (kSecCapDynamicShm | kSecCapMemrefNull | kSecCapRpcArg),
            kSecCapDynamicShm | kSecCapMemrefNull | kSecCapRpcArg);
  EXPECT_EQ(r.x[3], 4);  // rpc_param_count: our room after each argument
}

TEST(smc, open_session_hello) {
  RpcLog log;
  EXPECT_EQ(open_session(kHello, &log), kOk);
  EXPECT_EQ(kArg.ret(), kTeeSuccess);
  EXPECT_EQ(log.load_ta, 0);  // in the TA store: nothing to load
  g_session = kArg.session();
  g_open = kArg.ret() == kTeeSuccess;
  EXPECT_TRUE(g_session != 0);
}

TEST(smc, invoke_inc_value) {
  ASSERT_TRUE(g_open);
  uint64_t value = 41, a0 = 1;
  EXPECT_EQ(inc_value(g_session, value, &a0), kTeeSuccess);
  EXPECT_EQ(a0, kOk);
  EXPECT_EQ(value, 42);
  EXPECT_EQ(inc_value(g_session, value), kTeeSuccess);
  EXPECT_EQ(value, 43);
}

// A physically contiguous buffer as TMEM (no NONCONTIG): what a driver
// without dynamic shared memory passes.
TEST(smc, tmem_reverse) {
  ASSERT_TRUE(g_open);
  const char text[] = "secure world";
  constexpr uint64_t n = sizeof(text) - 1;
  const uint64_t in = kBuf + 0x123, out = kBuf + 0x1000 - 4;  // the output straddles a page boundary
  for (uint64_t i = 0; i < n; ++i) bytes(in)[i] = static_cast<uint8_t>(text[i]);
  for (uint64_t i = 0; i < 64; ++i) bytes(out)[i] = 0xEE;
  uint64_t a0 = 1;
  EXPECT_EQ(reverse_tmem(g_session, in, n, out, 64, a0), kTeeSuccess);
  EXPECT_EQ(a0, kOk);
  EXPECT_EQ(kArg.b(1), n);  // the output's size, updated
  unsigned wrong = 0;
  for (uint64_t i = 0; i < n; ++i) wrong += bytes(out)[i] != static_cast<uint8_t>(text[n - 1 - i]);
  EXPECT_EQ(wrong, 0);
  EXPECT_EQ(bytes(out)[n], 0xEE);  // nothing written past the answer
  // Too small an output: SHORT_BUFFER with the size needed.
  EXPECT_EQ(reverse_tmem(g_session, in, n, out, 4, a0), 0xFFFF0010);
  EXPECT_EQ(kArg.b(1), n);
}

// A TMEM reference must lie in the normal world's DRAM, every byte of it.
TEST(smc, tmem_hostile) {
  ASSERT_TRUE(g_open);
  uint64_t a0 = 1;
  for (uint64_t i = 0; i < 64; ++i) bytes(kBuf + 0x2000)[i] = 0xEE;
  // Input in secure RAM: the TA would read the trusted OS.
  EXPECT_EQ(reverse_tmem(g_session, kSecureRam + 0x100000, 64, kBuf + 0x2000, 64, a0), kTeeErrorBadParameters);
  EXPECT_EQ(a0, kOk);  // the call itself went through: the GP result says no
  EXPECT_EQ(bytes(kBuf + 0x2000)[0], 0xEE);
  // Output in secure RAM: the TA would write it.
  EXPECT_EQ(reverse_tmem(g_session, kBuf, 16, kSecureRam, 64, a0), kTeeErrorBadParameters);
  // Wrapping around the address space.
  EXPECT_EQ(reverse_tmem(g_session, 0xFFFFFFFFFFFFF000ull, 0x2000, kBuf + 0x2000, 64, a0), kTeeErrorBadParameters);
  EXPECT_EQ(reverse_tmem(g_session, kBuf, 16, kBuf + 0x2000, 0xFFFFFFFFFFFFFFF0ull, a0), kTeeErrorBadParameters);
  // Running past DRAM's end.
  EXPECT_EQ(reverse_tmem(g_session, kDramEnd - 0x10, 0x20, kBuf + 0x2000, 64, a0), kTeeErrorBadParameters);
  EXPECT_EQ(bytes(kBuf + 0x2000)[0], 0xEE);
  // The session still works.
  uint64_t value = 7;
  EXPECT_EQ(inc_value(g_session, value), kTeeSuccess);
  EXPECT_EQ(value, 8);
}

TEST(smc, close_session) {
  ASSERT_TRUE(g_open);
  EXPECT_EQ(close_session(g_session), kOk);
  EXPECT_EQ(kArg.ret(), kTeeSuccess);
  g_open = false;
  // Closed: the session is gone.
  uint64_t value = 1;
  EXPECT_TRUE(inc_value(g_session, value) != kTeeSuccess);
}

// A normal-world interrupt while the TA runs: the trusted OS stops the
// thread and answers RPC_FOREIGN_INTR (the harness takes its interrupt on
// the way back), RETURN_FROM_RPC resumes it and the call completes. The
// TA waits in TEE_Wait; the stand-in supplicant refuses SUSPEND (not
// implemented), so the wait spins in the trusted OS's thread, preemptible.
TEST(smc, foreign_interrupt_resumes_call) {
  ASSERT_EQ(open_session(kHello), kOk);
  ASSERT_EQ(kArg.ret(), kTeeSuccess);
  const uint32_t session = kArg.session();
  harness::gic::enable_private(harness::gic::kPhysicalTimerPpi);
  // Under TCG the host may run late enough for the timer to fire before
  // the call reaches the secure world: up to three tries, each a 20 ms wait
  // with the timer 1 ms after it starts.
  RpcLog log;
  bool taken = false;
  unsigned attempts = 0;
  for (unsigned attempt = 0; attempt < 3 && log.foreign_intr == 0; ++attempt) {
    ++attempts;
    const unsigned before = harness::gic::taken(harness::gic::kPhysicalTimerPpi);
    harness::gic::arm_physical_timer(arch::cntfrq() / 1000);  // 1 ms
    kArg.clear();
    kArg.set_header(kCmdInvoke, TA_HELLO_CMD_WAIT, session, 1);
    kArg.set_param(0, kAttrValueInput, 20 /* ms */, 0, 0);
    log = RpcLog{};
    EXPECT_EQ(call_with_arg(kArg, &log), kOk);
    EXPECT_EQ(kArg.ret(), kTeeSuccess);
    taken = harness::gic::taken(harness::gic::kPhysicalTimerPpi) > before;
  }
  harness::printf("# foreign interrupt: {} RPC_FOREIGN_INTR, timer taken {}, after {} attempt(s)\n", log.foreign_intr,
                  taken ? "yes" : "no", attempts);
  EXPECT_TRUE(log.foreign_intr >= 1);
  EXPECT_TRUE(taken);
  EXPECT_EQ(close_session(session), kOk);
}

// A TA that is not in the store is asked of the supplicant (RPC_CMD
// LOAD_TA, the request in the room after the argument); answered
// ITEM_NOT_FOUND, the open fails with it.
TEST(smc, open_missing_ta_asks_supplicant) {
  RpcLog log;
  EXPECT_EQ(open_session(kMissing, &log), kOk);
  EXPECT_EQ(log.load_ta, 1);
  EXPECT_EQ(log.load_ta_uuid[0], kMissing.a);
  EXPECT_EQ(log.load_ta_uuid[1], kMissing.b);
  EXPECT_EQ(kArg.ret(), kTeeErrorItemNotFound);
  EXPECT_EQ(kArg.session(), 0);
}

// Where the argument may not be: refused with EBADADDR before anything is
// read, and nothing written there.
TEST(smc, arg_hostile_addresses) {
  EXPECT_EQ(raw_smc(kCallWithRpcArg, 0, kSecureRam).x[0], kEbadaddr);
  EXPECT_EQ(raw_smc(kCallWithArg, 0, kSecureRam).x[0], kEbadaddr);
  EXPECT_EQ(raw_smc(kCallWithRpcArg, 0, kSecureRam + 0x100000).x[0], kEbadaddr);  // the trusted OS's image
  // Misaligned (OPTEE_MSG_ARG must be 8-byte aligned).
  kArg.clear();
  MsgArg odd(kArgPage + 0x104);
  odd.set_header(kCmdClose, 0, 0, 0);
  EXPECT_EQ(call_with_arg(odd), kEbadaddr);
  // Past DRAM's end, and a header that runs over it.
  EXPECT_EQ(raw_smc(kCallWithRpcArg, 0, kDramEnd).x[0], kEbadaddr);
  EXPECT_EQ(raw_smc(kCallWithRpcArg, 0, kDramEnd - 16).x[0], kEbadaddr);
  EXPECT_EQ(raw_smc(kCallWithRpcArg, 1, 0x70800000).x[0], kEbadaddr);  // above 4 GiB: a1 is the high half
  // Seven parameters (OPTEE_MSG allows six at most here).
  kArg.clear(7);
  kArg.set_header(kCmdInvoke, TA_HELLO_CMD_INC_VALUE, 1, 7);
  EXPECT_EQ(call_with_arg(kArg), kEbadaddr);
  // An unknown message command.
  kArg.clear();
  kArg.set_header(99, 0, 0, 0);
  EXPECT_EQ(call_with_arg(kArg), kEbadcmd);
}

TEST(smc, unknown_function_ids) {
  EXPECT_EQ(raw_smc(0x3200FFFF).x[0], kUnknownFunction);  // yielding
  EXPECT_EQ(raw_smc(0xB200FFFF).x[0], kUnknownFunction);  // fast
  EXPECT_EQ(raw_smc(0x72000004).x[0], kUnknownFunction);  // CALL_WITH_ARG as SMC64: the ABI is SMC32 only
}

// RETURN_FROM_RPC names a suspended thread in a3: none is.
TEST(smc, return_from_rpc_bad_resume) {
  EXPECT_EQ(raw_smc(kReturnFromRpc, 0, 0, 0).x[0], kEresume);
  EXPECT_EQ(raw_smc(kReturnFromRpc, 0, 0, 3).x[0], kEresume);
  EXPECT_EQ(raw_smc(kReturnFromRpc, 0, 0, 0xFFFFFFFF).x[0], kEresume);
}

}  // namespace

// OP-TEE's asynchronous notifications over the SMC ABI, as Linux's
// smc_abi.c uses them: offered in EXCHANGE_CAPABILITIES (a2 the highest
// value), OPTEE_SMC_ENABLE_ASYNC_NOTIF once the driver's handler is in
// place, the interrupt /firmware/optee names raised for each request,
// OPTEE_SMC_GET_ASYNC_NOTIF_VALUE in the handler, then the bottom half
// (OPTEE_MSG_CMD_DO_BOTTOM_HALF) and OPTEE_MSG_CMD_STOP_ASYNC_NOTIF. The
// interrupt is left disabled at the distributor: we read its pending bit.
namespace {
constexpr uint64_t kGicd = 0x08000000;
volatile uint32_t& gicd(uint64_t off) { return *reinterpret_cast<volatile uint32_t*>(kGicd + off); }
bool async_pending() { return (gicd(0x200 + 4 * (kAsyncNotifIntid / 32)) >> (kAsyncNotifIntid % 32)) & 1; }
void clear_async_pending() { gicd(0x280 + 4 * (kAsyncNotifIntid / 32)) = 1u << (kAsyncNotifIntid % 32); }
uint32_t simple_call(uint32_t cmd, uint32_t params = 0) {
  kArg.clear();
  kArg.set_header(cmd, 0, 0, params);
  EXPECT_EQ(call_with_arg(kArg), kOk);
  return kArg.ret();
}
}  // namespace

TEST(smc, async_notif_bottom_half) {
  const ffa::Regs caps = raw_smc(kExchangeCapabilities, 0);
  EXPECT_EQ(caps.x[1] & kSecCapAsyncNotif, kSecCapAsyncNotif);
  EXPECT_EQ(caps.x[2], 255);  // max_notif_value
  // Nothing before the driver enables them.
  EXPECT_EQ(raw_smc(kGetAsyncNotifValue).x[0], kEnotavail);
  EXPECT_EQ(simple_call(kCmdDoBottomHalf), kTeeErrorBadState);
  clear_async_pending();
  ASSERT_EQ(raw_smc(kEnableAsyncNotif).x[0], kOk);
  // The first bottom half is asked for at once: the interrupt, then value
  // 0 (DO_BOTTOM_HALF), once.
  EXPECT_TRUE(async_pending());
  clear_async_pending();
  ffa::Regs r = raw_smc(kGetAsyncNotifValue, 0, 0, 0x3333);
  EXPECT_EQ(r.x[0], kOk);
  EXPECT_EQ(r.x[1], 0);
  EXPECT_EQ(r.x[2], kAsyncValueValid);
  EXPECT_EQ(r.x[3], 0x3333);  // preserved
  r = raw_smc(kGetAsyncNotifValue);
  EXPECT_EQ(r.x[0], kOk);
  EXPECT_EQ(r.x[2], 0);  // nothing more
  EXPECT_EQ(simple_call(kCmdDoBottomHalf, 1), kTeeErrorBadParameters);  // it carries none
  EXPECT_EQ(simple_call(kCmdDoBottomHalf), kTeeSuccess);
  // Stopped (the driver going away): nothing more is handed out.
  EXPECT_EQ(simple_call(kCmdStopAsyncNotif), kTeeSuccess);
  EXPECT_EQ(raw_smc(kGetAsyncNotifValue).x[0], kEnotavail);
  EXPECT_EQ(simple_call(kCmdDoBottomHalf), kTeeErrorBadState);
  EXPECT_EQ(simple_call(kCmdStopAsyncNotif), kTeeSuccess);  // twice is harmless
  EXPECT_TRUE(!async_pending());
}
