// The trusted OS's yielding calls interleaved as a hostile normal world
// may interleave them: several calls in flight at once in one argument
// page, each stopped at an RPC, answered and resumed in an order chosen to
// catch state that changed while a thread waited. (Linux's driver never
// does this; a malicious one can.)
#include "arch/aarch64/sysreg.h"
#include "nwd/harness/ffa_client.h"
#include "nwd/harness/gic.h"
#include "nwd/harness/mem_descriptor.h"
#include "nwd/harness/supplicant.h"
#include "nwd/harness/test.h"
#include "tas.h"

using ffa::Func;
using harness::call;

namespace {
constexpr uint64_t kPage = 0x70A20000;  // argument slots 1 KiB apart
constexpr uint32_t kYieldingCallWithArg = 0x80000000, kResume = 0x80000001, kReturnRpc = 1;
constexpr uint32_t kOpen = 0, kInvoke = 1, kClose = 2;
constexpr uint64_t kValueIn = 1, kMeta = 0x100;
constexpr uint32_t kTeeSuccess = 0, kBadParameters = 0xFFFF0006, kFfaInvalidParameters = 0xFFFFFFFE;
constexpr uint32_t kRpcNotification = 4, kRpcShmAlloc = 6, kReturnInterrupt = 2;
// The RPC buffers the stand-in supplicant hands out (supplicant.cpp).
constexpr uint64_t kRpcBuffers = 0x70C00000;

volatile uint8_t* at(uint64_t address) { return reinterpret_cast<volatile uint8_t*>(address); }
void put(uint64_t address, uint64_t v, unsigned n) { harness::put_le(at(address), 0, v, n); }
uint64_t get(uint64_t address, unsigned n) { return harness::get_le(at(address), 0, n); }

uint64_t g_handle = 0;  // kPage, shared with the trusted OS once
bool ready() {
  if (!harness::ensure_rxtx_mapped() || !harness::discover()) return false;
  if (g_handle == 0) {
    const uint32_t len = harness::put_ranges(harness::buffers().tx, harness::trusted_os_id(), kPage, 1);
    const ffa::Regs r = call(Func::mem_share_64, len, len);
    if (ffa::is_success(r)) g_handle = uint64_t{r.w(2)} | uint64_t{r.w(3)} << 32;
  }
  return g_handle != 0;
}

// An optee_msg_arg at `a`: its header, then parameter i at a + 32 + 32 i.
void header(uint64_t a, uint32_t cmd, uint32_t func, uint32_t session, uint32_t num_params) {
  for (unsigned i = 0; i < 0x400; ++i) at(a)[i] = 0;
  put(a + 0, cmd, 4);
  put(a + 4, func, 4);
  put(a + 8, session, 4);
  put(a + 20, 0xA5A5A5A5, 4);  // ret: must be overwritten
  put(a + 28, num_params, 4);
}
void param(uint64_t a, unsigned i, uint64_t attr, uint64_t x, uint64_t y = 0, uint64_t z = 0) {
  put(a + 32 + 32 * i, attr, 8);
  put(a + 40 + 32 * i, x, 8);
  put(a + 48 + 32 * i, y, 8);
  put(a + 56 + 32 * i, z, 8);
}
uint32_t ret_of(uint64_t a) { return static_cast<uint32_t>(get(a + 20, 4)); }
// Its RPC request, right after its parameters.
uint64_t rpc_of(uint64_t a) { return a + 32 + 32 * get(a + 28, 4); }

// The yielding call whose argument is at `offset` in memory `handle`.
ffa::Regs start(uint64_t handle, uint64_t offset) {
  return call(Func::msg_send_direct_req_32, harness::trusted_os_id(), 0, kYieldingCallWithArg,
              static_cast<uint32_t>(handle), handle >> 32, offset);
}
ffa::Regs resume(const ffa::Regs& r) {
  return call(Func::msg_send_direct_req_32, harness::trusted_os_id(), 0, kResume, 0, 0, 0, r.w(7));
}
bool stopped_at_rpc(const ffa::Regs& r) { return r.w(3) == 0 && r.w(4) == kReturnRpc; }
// The call at `a` to its end, the stand-in supplicant answering its RPCs.
ffa::Regs finish(uint64_t a, ffa::Regs r) {
  while (stopped_at_rpc(r)) {
    harness::supplicant::serve(at(rpc_of(a)));
    r = resume(r);
  }
  return r;
}

// hello's UUID as the value parameter of an OPEN_SESSION.
void hello_uuid(uint64_t a) {
  constexpr uint8_t b[16] = {0x8a, 0xaa, 0xf2, 0x00, 0x24, 0x50, 0x11, 0xe4,
                             0xab, 0xe2, 0x00, 0x02, 0xa5, 0xd5, 0xc5, 0x1b};
  uint64_t lo = 0, hi = 0;
  for (unsigned i = 0; i < 8; ++i) {
    lo |= uint64_t{b[i]} << (8 * i);
    hi |= uint64_t{b[8 + i]} << (8 * i);
  }
  param(a, 0, kValueIn | kMeta, lo, hi);
  param(a, 1, kValueIn | kMeta, 0);  // the client's login: public
}
uint32_t open_hello(uint64_t a) {
  header(a, kOpen, 0, 0, 2);
  hello_uuid(a);
  const ffa::Regs r = finish(a, start(g_handle, a - kPage));
  return r.w(3) == 0 && ret_of(a) == kTeeSuccess ? static_cast<uint32_t>(get(a + 8, 4)) : 0;
}
}  // namespace

// A close that did not have to wait (its TA was idle), stopped by a
// normal-world interrupt inside the TA's CLOSE_SESSION: a second close
// made meanwhile finds no session, at once. It used to find it and close
// it a second time (the session and instance counts wrong, and, after
// reuse, a live instance destroyed under another session).
TEST_TOS(trusted_os_races, a_close_stopped_in_the_ta_is_the_only_close) {
  ASSERT_TRUE(ready());
  const uint64_t a = kPage, b = kPage + 0x400;
  harness::gic::enable_private(harness::gic::kPhysicalTimerPpi);
  bool shown = false;
  for (int attempt = 0; attempt < 5 && !shown; ++attempt) {
    const uint32_t s = open_hello(a);
    ASSERT_TRUE(s != 0);
    // Our timer's interrupt pending while our IRQs are masked: the TA,
    // which runs with the normal world's interrupts let in, stops at once.
    __asm__ volatile("msr daifset, #2" ::: "memory");
    harness::gic::arm_physical_timer(0);
    while ((TESSERA_SYSREG_READ(cntp_ctl_el0) & 4) == 0) {
    }
    header(a, kClose, 0, s, 0);
    ffa::Regs ra = start(g_handle, 0);
    TESSERA_SYSREG_WRITE(cntp_ctl_el0, 0);  // quiet again (a level: it goes away)
    arch::isb();
    __asm__ volatile("msr daifclr, #2" ::: "memory");
    if (ra.w(3) == 0 && ra.w(4) == kReturnInterrupt) {
      shown = true;
      // A second close of the same session: answered at once, no session.
      header(b, kClose, 0, s, 0);
      const ffa::Regs rb = start(g_handle, b - kPage);
      EXPECT_EQ(rb.w(3), 0u);
      EXPECT_EQ(rb.w(4), 0u);  // done, not waiting
      EXPECT_EQ(ret_of(b), kBadParameters);
    }
    // The first close to its end: it closes the session.
    while (ra.w(3) == 0 && (ra.w(4) == kReturnInterrupt || stopped_at_rpc(ra))) {
      if (stopped_at_rpc(ra)) harness::supplicant::serve(at(rpc_of(a)));
      ra = resume(ra);
    }
    EXPECT_EQ(ra.w(3), 0u);
    EXPECT_EQ(ret_of(a), kTeeSuccess);
    // Gone: an invoke on it finds nothing.
    header(b, kInvoke, TA_HELLO_CMD_COUNT, s, 1);
    param(b, 0, 2, 0);
    (void)finish(b, start(g_handle, b - kPage));
    EXPECT_EQ(ret_of(b), kBadParameters);
  }
  EXPECT_TRUE(shown);
  // The trusted OS serves on: hello opens and closes.
  const uint32_t again = open_hello(a);
  EXPECT_TRUE(again != 0);
  header(a, kClose, 0, again, 0);
  (void)finish(a, start(g_handle, 0));
  EXPECT_EQ(ret_of(a), kTeeSuccess);
}

// A session closed twice while its TA is busy: the first close waits for
// the TA's call in hand (a wait-queue RPC); the second, made meanwhile,
// finds no session (BAD_PARAMETERS, at once), where it used to wait too
// and, resumed after the first had closed the session and destroyed the
// instance, enter the freed instance (a fault in the trusted OS, which
// stopped the secure world). The instance and the session go once.
TEST_TOS(trusted_os_races, a_session_closed_twice_while_busy_closes_once) {
  ASSERT_TRUE(ready());
  const uint64_t a = kPage, b = kPage + 0x400, c = kPage + 0x800;
  const uint32_t s = open_hello(a);
  ASSERT_TRUE(s != 0);
  // A: an invoke that waits (it stops at its first RPC, a suspend).
  header(a, kInvoke, TA_HELLO_CMD_WAIT, s, 1);
  param(a, 0, kValueIn, 50);
  ffa::Regs ra = start(g_handle, 0);
  ASSERT_TRUE(stopped_at_rpc(ra));
  // B: the close waits for A (a notification wait).
  header(b, kClose, 0, s, 0);
  ffa::Regs rb = start(g_handle, b - kPage);
  ASSERT_TRUE(stopped_at_rpc(rb));
  EXPECT_EQ(get(rpc_of(b), 4), kRpcNotification);
  // C: a second close of the same session, answered at once.
  header(c, kClose, 0, s, 0);
  const ffa::Regs rc = start(g_handle, c - kPage);
  EXPECT_EQ(rc.w(3), 0u);
  EXPECT_EQ(rc.w(4), 0u);  // done, not stopped at an RPC
  EXPECT_EQ(ret_of(c), kBadParameters);
  // A to its end, then B's wait answered: B closes the session.
  ra = finish(a, ra);
  EXPECT_EQ(ra.w(3), 0u);
  put(rpc_of(b) + 20, 0, 4);  // the wait is over
  rb = finish(b, resume(rb));
  EXPECT_EQ(rb.w(3), 0u);
  EXPECT_EQ(ret_of(b), kTeeSuccess);
  // Gone: an invoke on it finds nothing; the trusted OS serves on.
  header(a, kInvoke, TA_HELLO_CMD_COUNT, s, 1);
  param(a, 0, 2, 0);
  (void)finish(a, start(g_handle, 0));
  EXPECT_EQ(ret_of(a), kBadParameters);
  const uint32_t again = open_hello(a);
  EXPECT_TRUE(again != 0);
  header(a, kClose, 0, again, 0);
  (void)finish(a, start(g_handle, 0));
  EXPECT_EQ(ret_of(a), kTeeSuccess);
}

// A buffer the trusted OS took with an RPC (SHM_ALLOC, to load a TA) is
// its own until it frees it, then the normal world's to reclaim: it is
// never also a call's argument buffer. A yielding call naming it is
// refused (INVALID_PARAMETERS); it used to be taken, and once the RPC's
// owner freed the buffer and the normal world reclaimed it, the call read
// its RPC answer through the reclaimed memory and faulted.
TEST_TOS(trusted_os_races, an_rpc_buffer_is_never_an_argument_buffer) {
  ASSERT_TRUE(ready());
  const unsigned buffers_before = harness::supplicant::g_buffers_out;
  // A: opens a TA the store lacks (all 0xEE: the stand-in supplicant has
  // a file for it, of garbage); it asks its size, then for a buffer.
  const uint64_t a = kPage + 0x400;
  header(a, kOpen, 0, 0, 2);
  param(a, 0, kValueIn | kMeta, 0xEEEEEEEEEEEEEEEEull, 0xEEEEEEEEEEEEEEEEull);
  param(a, 1, kValueIn | kMeta, 0);
  ffa::Regs ra = start(g_handle, a - kPage);
  uint64_t rpc_buffer = 0;
  while (stopped_at_rpc(ra) && rpc_buffer == 0) {
    const uint64_t cmd = get(rpc_of(a), 4);
    harness::supplicant::serve(at(rpc_of(a)));
    if (cmd == kRpcShmAlloc) rpc_buffer = get(rpc_of(a) + 32 + 24, 8);
    ra = resume(ra);
  }
  ASSERT_TRUE(rpc_buffer != 0);
  ASSERT_TRUE(stopped_at_rpc(ra));  // holding the buffer, at its next RPC
  // B: a call whose argument lies in that buffer.
  const uint64_t b = kRpcBuffers + 0x3000;
  header(b, kInvoke, TA_HELLO_CMD_COUNT, 1, 1);
  param(b, 0, 2, 0);
  const ffa::Regs rb = start(rpc_buffer, 0x3000);
  EXPECT_EQ(rb.w(3), kFfaInvalidParameters);
  // A to its end: the TA is refused, its buffer freed and reclaimed.
  ra = finish(a, ra);
  EXPECT_EQ(ra.w(3), 0u);
  EXPECT_TRUE(ret_of(a) != kTeeSuccess);
  EXPECT_EQ(harness::supplicant::g_buffers_out, buffers_before);
  const uint32_t s = open_hello(kPage);
  EXPECT_TRUE(s != 0);
  header(kPage, kClose, 0, s, 0);
  (void)finish(kPage, start(g_handle, 0));
}
