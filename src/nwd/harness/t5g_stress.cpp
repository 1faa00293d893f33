// A stress run: every CPU at once makes a thousand mixed FF-A operations —
// direct requests to echo, the trusted OS and the key store, memory shared
// with echo (its descriptor in a per-CPU buffer given by address), echo's
// notifications, register-only discovery — and checks every result. No
// deadlock (a bounded wait), and every operation accounted for.
#include "arch/aarch64/sysreg.h"
#include "nwd/harness/ffa_client.h"
#include "nwd/harness/mem_descriptor.h"
#include "nwd/harness/smp.h"
#include "nwd/harness/test.h"

using ffa::Func;
using harness::call;

namespace {
constexpr unsigned kMaxCpus = 8, kOps = 1000, kKinds = 6;
constexpr uint16_t kEcho = 0x8001, kKeystore = 0x8005;
constexpr unsigned kFirstNotification = 48;  // echo's per-CPU IDs (t5e_smp.cpp binds them)

struct Tally {
  volatile uint64_t ok[kKinds];
  volatile uint64_t wrong[kKinds];
  volatile uint64_t first_wrong;  // (kind << 32 | op) + 1 of the first failure
};
Tally g_tally[kMaxCpus];
uint16_t g_tos;
// FFA_PARTITION_INFO_GET_REGS's last index (one less than the partitions counted).
uint64_t g_last_index;
uint64_t g_mac[2];  // the key store's MAC of one message, from CPU 0 beforehand
alignas(4096) volatile uint64_t g_page[kMaxCpus][512];  // what each CPU shares
alignas(4096) uint8_t g_desc[kMaxCpus][4096];           // its descriptor buffer

// Echo and the key store have one execution context (UP) each, and run
// without the SPMC core's lock: while another CPU's call has one running or
// preempted (echo's notification's schedule receiver interrupt stops it on
// CPU 0), a call gets BUSY, and a driver tries again.
volatile uint64_t g_busy[kMaxCpus];
ffa::Regs to_partition(unsigned cpu, uint16_t id, uint64_t a3, uint64_t a4 = 0, uint64_t a5 = 0, uint64_t a6 = 0) {
  for (unsigned attempt = 0;; ++attempt) {
    const ffa::Regs r = harness::until_answered(call(Func::msg_send_direct_req_64, id, 0, a3, a4, a5, a6));
    if (harness::error_code(r) != -4 || attempt == 1000000) return r;
    g_busy[cpu] = g_busy[cpu] + 1;
  }
}
ffa::Regs to_echo(unsigned cpu, uint64_t a3, uint64_t a4 = 0, uint64_t a5 = 0, uint64_t a6 = 0) {
  return to_partition(cpu, kEcho, a3, a4, a5, a6);
}

bool one_op(unsigned cpu, unsigned i, unsigned kind) {
  const uint64_t tag = uint64_t{cpu} << 40 | uint64_t{kind} << 32 | i;
  switch (kind) {
    case 0: {  // echo, 64-bit, its own payload back (preemptible: until answered)
      const ffa::Regs r = to_echo(cpu, tag, ~tag, tag * 3);
      return r.w(0) == ffa::raw(Func::msg_send_direct_resp_64) && r.x[3] == tag && r.x[4] == ~tag &&
             r.x[5] == tag * 3;
    }
    case 1: {  // the trusted OS: OP-TEE GET_OS_VERSION (32-bit)
      const ffa::Regs r = call(Func::msg_send_direct_req_32, g_tos, 0, 1);
      return r.w(0) == ffa::raw(Func::msg_send_direct_resp_32) && r.w(3) == 0 && r.w(4) == 1;
    }
    case 2: {  // the key store: the same MAC as CPU 0 got before
      const ffa::Regs r = to_partition(cpu, kKeystore, 2, 0, 0x5354524553530000ull);
      return r.x[3] == 0 && r.x[4] == g_mac[0] && r.x[5] == g_mac[1];
    }
    case 3: {  // share a page with echo, which adds to its first word; reclaim
      const uint64_t page = reinterpret_cast<uint64_t>(&g_page[cpu][0]);
      g_page[cpu][0] = tag;
      const uint32_t n = harness::put_ranges(g_desc[cpu], kEcho, page, 1);
      ffa::Regs r = call(Func::mem_share_64, n, n, reinterpret_cast<uint64_t>(g_desc[cpu]), 1);
      if (!ffa::is_success(r)) return false;
      const uint64_t handle = r.w(2) | uint64_t{r.w(3)} << 32;
      r = to_echo(cpu, 0x52455452, handle, 5);
      const bool used = r.x[3] == ffa::raw(Func::mem_retrieve_resp) && r.x[4] == tag &&
                        r.x[5] == ffa::raw(Func::success_32);
      const bool back = ffa::is_success(call(Func::mem_reclaim, static_cast<uint32_t>(handle), handle >> 32));
      return used && back && g_page[cpu][0] == tag + 5;
    }
    case 4: {  // echo sets this CPU's notification for us
      const ffa::Regs r = to_echo(cpu, 0x4E534554, 0, 1ull << (kFirstNotification + cpu), 0);
      return r.x[3] == ffa::raw(Func::success_32);
    }
    default: {  // register-only calls the SPMD and SPMC answer themselves
      const ffa::Regs v = call(Func::version, 0x10002);
      const ffa::Regs id = call(Func::id_get);
      const ffa::Regs info = call(Func::partition_info_get_regs, 0, 0, 0);
      return v.w(0) == 0x10002 && ffa::is_success(id) && id.w(2) == 0 && info.w(0) == ffa::raw(Func::success_64) &&
             (info.x[2] & 0xFFFF) == g_last_index;  // the last partition's
    }
  }
}

void stress(unsigned cpu) {
  Tally& t = g_tally[cpu];
  for (unsigned i = 0; i < kOps; ++i) {
    const unsigned kind = (i + cpu) % kKinds;
    if (one_op(cpu, i, kind)) {
      t.ok[kind] = t.ok[kind] + 1;
    } else {
      t.wrong[kind] = t.wrong[kind] + 1;
      if (t.first_wrong == 0) t.first_wrong = (uint64_t{kind} << 32 | i) + 1;
    }
  }
}
}  // namespace

TEST(smp, stress_mixed_operations_on_every_cpu) {
  ASSERT_TRUE(harness::discover());
  ASSERT_TRUE(harness::ensure_rxtx_mapped());
  g_tos = harness::trusted_os_id();
  g_last_index = harness::partition_count() - 1;
  // The key store's slot 0 with a known key, and the MAC every CPU expects.
  ASSERT_EQ(call(Func::msg_send_direct_req_64, kKeystore, 0, 1, 0, 0x5354).x[3], 0);
  const ffa::Regs mac = call(Func::msg_send_direct_req_64, kKeystore, 0, 2, 0, 0x5354524553530000ull);
  ASSERT_EQ(mac.x[3], 0);
  g_mac[0] = mac.x[4];
  g_mac[1] = mac.x[5];
  // Echo's per-CPU notifications: bound unless the SMP test did it.
  call(Func::notification_bitmap_create, 0, 1);
  (void)call(Func::notification_bind, 0x8001u << 16, 0, 0, 0xFFu << (kFirstNotification - 32));
  for (Tally& t : g_tally) t = Tally{};
  for (auto& b : g_busy) b = 0;
  const uint64_t t0 = arch::cntpct();
  const unsigned n = harness::run_on_every_cpu(stress);
  ASSERT_TRUE(n > 0);  // no CPU stuck
  const uint64_t ms = (arch::cntpct() - t0) * 1000 / arch::cntfrq();
  uint64_t ok = 0, wrong = 0, busy = 0;
  for (unsigned c = 0; c < n; ++c) {
    busy += g_busy[c];
    for (unsigned k = 0; k < kKinds; ++k) {
      ok += g_tally[c].ok[k];
      wrong += g_tally[c].wrong[k];
    }
    if (g_tally[c].first_wrong)
      harness::printf("# stress: CPU {} first failure: kind {} op {}\n", c, (g_tally[c].first_wrong - 1) >> 32,
                      (g_tally[c].first_wrong - 1) & 0xFFFFFFFF);
  }
  harness::printf("# stress: {} CPUs x {} operations in {} ms, {} right, {} wrong, {} BUSY retried\n", n, kOps, ms,
                  ok, wrong, busy);
  EXPECT_EQ(ok + wrong, uint64_t{n} * kOps);  // every operation accounted for
  EXPECT_EQ(wrong, 0);
  // Each CPU's notification reached us.
  uint64_t want = 0;
  for (unsigned c = 0; c < n; ++c) want |= 1ull << (kFirstNotification + c);
  const ffa::Regs got = call(Func::notification_get, 0, 1);
  EXPECT_EQ((uint64_t{got.w(2)} | uint64_t{got.w(3)} << 32) & want, want);
  // Nothing left behind: no memory transaction outstanding (a reclaim of
  // a handle we never got is refused as before, and echo still answers).
  EXPECT_EQ(harness::until_answered(call(Func::msg_send_direct_req_64, kEcho, 0, 7)).x[3], 7);
}
