// Notifications in QEMU between the normal world (VM 0) and the echo
// partition: bitmaps, bind, set, FFA_NOTIFICATION_INFO_GET to find who has
// something pending, FFA_RUN to give the partition the cycles to get its
// notifications, the framework notification for an indirect message, and
// the hostile cases.
#include "ffa/notifications.h"
#include "lib/lcg.h"
#include "nwd/harness/ffa_client.h"
#include "arch/aarch64/sysreg.h"
#include "nwd/harness/gic.h"
#include "nwd/harness/test.h"

using ffa::Func;
using harness::call;
using harness::error_code;

namespace {
constexpr uint16_t kEcho = 0x8001;
constexpr int32_t kInvalid = -2, kDenied = -6, kNoData = -9;
constexpr uint64_t kBind = 0x4E424E44, kSet = 0x4E534554, kGot = 0x4E474554;

uint32_t pair(uint16_t sender, uint16_t receiver) { return uint32_t{sender} << 16 | receiver; }
// Echo has normal-world interrupts signalled: the schedule receiver
// interrupt its own notification raises may preempt it.
ffa::Regs echo(uint64_t command, uint64_t a = 0, uint64_t b = 0, uint64_t c = 0) {
  return harness::until_answered(call(Func::msg_send_direct_req_64, kEcho, 0, command, a, b, c));
}
// Whether FFA_NOTIFICATION_INFO_GET lists `id` (as a list's first ID).
bool info_get_lists(uint16_t id) {
  ffa::Regs r = call(Func::notification_info_get_64);
  if (!ffa::is_success(r)) return false;
  const unsigned lists = (r.w(2) >> 7) & 0x1F;
  unsigned at = 0;
  for (unsigned l = 0; l < lists; ++l) {
    if (static_cast<uint16_t>(r.x[3 + at / 4] >> (16 * (at % 4))) == id) return true;
    at += 1 + ((r.x[2] >> (12 + 2 * l)) & 3);
  }
  return false;
}
}  // namespace

TEST_ANY_SPMC(notifications, features) {
  for (Func f : {Func::notification_bitmap_create, Func::notification_bitmap_destroy, Func::notification_bind,
                 Func::notification_unbind, Func::notification_set, Func::notification_get,
                 Func::notification_info_get_32, Func::notification_info_get_64})
    EXPECT_TRUE(ffa::is_success(call(Func::features, ffa::raw(f))));
}
TEST_ANY_SPMC(notifications, bitmaps) {
  EXPECT_EQ(error_code(call(Func::notification_bitmap_create, 0, 0)), kInvalid);  // no vCPUs
  EXPECT_EQ(error_code(call(Func::notification_bitmap_create, 7, 1)), kInvalid);  // not our VM ID
  EXPECT_TRUE(ffa::is_success(call(Func::notification_bitmap_create, 0, 1)));
  EXPECT_EQ(error_code(call(Func::notification_bitmap_create, 0, 1)), kDenied);  // twice
}
TEST(notifications, schedule_receiver_interrupt) {
  // The interrupt FFA_FEATURES names arrives when a partition notifies us,
  // at once or (delay flag) when its work returns to us: here both come
  // as the SMC returns.
  ffa::Regs f = call(Func::features, ffa::notification::kFeatureSri);
  ASSERT_TRUE(ffa::is_success(f));
  const unsigned sgi = f.w(2);
  ASSERT_TRUE(sgi < 16);
  harness::gic::enable_sgi(sgi);
  const unsigned before = harness::gic::taken(sgi);
  ASSERT_TRUE(ffa::is_success(call(Func::notification_bind, pair(kEcho, 0), 0, 1u << 20)));
  ASSERT_EQ(echo(kSet, 0, 1u << 20).x[3], ffa::raw(Func::success_32));
  EXPECT_EQ(harness::gic::taken(sgi), before + 1);
  EXPECT_TRUE(info_get_lists(0));
  ASSERT_EQ(echo(kSet, 0, 1u << 20, ffa::notification::kSetFlagDelaySri).x[3], ffa::raw(Func::success_32));
  EXPECT_EQ(harness::gic::taken(sgi), before + 2);
  EXPECT_EQ(call(Func::notification_get, 0, ffa::notification::kGetFromSp).w(2), 1u << 20);
  // Our own notification to a partition raises it too: echo needs cycles
  // to take it, and the scheduler learns so from INFO_GET (it once raised
  // nothing, and a scheduler driven by the SRI never ran echo).
  ASSERT_EQ(echo(kBind, 0, 1u << 21).x[3], ffa::raw(Func::success_32));
  ASSERT_TRUE(ffa::is_success(call(Func::notification_set, pair(0, kEcho), 0, 1u << 21)));
  EXPECT_EQ(harness::gic::taken(sgi), before + 3);
  EXPECT_TRUE(info_get_lists(kEcho));
  EXPECT_EQ(call(Func::run, uint32_t{kEcho} << 16).w(0), ffa::raw(Func::msg_wait));  // echo takes it
  // We cannot ask for it to be delayed: that flag is a partition's.
  EXPECT_EQ(error_code(call(Func::notification_set, pair(0, kEcho), ffa::notification::kSetFlagDelaySri, 1u << 21)),
            -2);
}
TEST(notifications, normal_world_to_partition) {
  // Echo binds ID 5 to us; we set it; INFO_GET names echo; FFA_RUN gives
  // echo the cycles to get it.
  ffa::Regs r = echo(kBind, 0, 1u << 5);
  ASSERT_EQ(r.x[3], ffa::raw(Func::success_32));
  EXPECT_EQ(echo(kBind, 0, 1u << 5).x[4], static_cast<uint32_t>(kDenied));  // bound already
  ASSERT_TRUE(ffa::is_success(call(Func::notification_set, pair(0, kEcho), 0, 1u << 5)));
  EXPECT_TRUE(info_get_lists(kEcho));
  EXPECT_EQ(error_code(call(Func::notification_info_get_64)), kNoData);  // reported once
  const uint64_t runs = echo(kGot).x[6];
  r = call(Func::run, uint32_t{kEcho} << 16);
  EXPECT_EQ(r.w(0), ffa::raw(Func::msg_wait));
  r = echo(kGot);
  EXPECT_EQ(r.x[6], runs + 1);
  EXPECT_EQ(r.x[4], 1u << 5);  // from a VM
  EXPECT_EQ(r.x[3], 0);        // from no partition
}
TEST(notifications, partition_to_normal_world) {
  ASSERT_TRUE(ffa::is_success(call(Func::notification_bind, pair(kEcho, 0), 0, 0, 1u << 2)));  // ID 34
  ffa::Regs r = echo(kSet, 0, 1ull << 34, ffa::notification::kSetFlagDelaySri);
  ASSERT_EQ(r.x[3], ffa::raw(Func::success_32));
  EXPECT_TRUE(info_get_lists(0));
  r = call(Func::notification_get, 0, ffa::notification::kGetFromSp);
  ASSERT_TRUE(ffa::is_success(r));
  EXPECT_EQ(r.w(2), 0);
  EXPECT_EQ(r.w(3), 1u << 2);
  EXPECT_EQ(call(Func::notification_get, 0, ffa::notification::kGetFromSp).w(3), 0);  // cleared
}
TEST(notifications, indirect_message_raises_rx_buffer_full) {
  ASSERT_TRUE(harness::ensure_rxtx_mapped());
  ffa::Regs r = harness::until_answered(call(Func::msg_send_direct_req_64, kEcho, 0, 0x53454E44, 1, 2, 3, 0));
  ASSERT_EQ(r.x[3], ffa::raw(Func::success_32));
  r = call(Func::notification_get, 0, ffa::notification::kGetFromSpm);
  EXPECT_EQ(r.w(6), ffa::notification::kFrameworkRxBufferFull);
  EXPECT_TRUE(ffa::is_success(call(Func::rx_release)));
}
TEST(notifications, hostile_cases) {
  // Setting an ID nobody bound, binding for someone else, someone else's
  // get, destroying bitmaps with something pending.
  EXPECT_EQ(error_code(call(Func::notification_set, pair(0, kEcho), 0, 1u << 9)), kDenied);
  EXPECT_EQ(error_code(call(Func::notification_bind, pair(0, kEcho), 0, 1)), kInvalid);
  EXPECT_EQ(error_code(call(Func::notification_get, kEcho, 1)), kInvalid);
  EXPECT_EQ(error_code(call(Func::notification_set, pair(kEcho, 0), 0, 1)), kInvalid);  // as echo
  ASSERT_TRUE(ffa::is_success(call(Func::notification_bind, pair(kEcho, 0), 0, 1u << 3)));
  ASSERT_EQ(echo(kSet, 0, 1u << 3).x[3], ffa::raw(Func::success_32));
  EXPECT_EQ(error_code(call(Func::notification_bitmap_destroy, 0)), kDenied);
  EXPECT_EQ(error_code(call(Func::notification_unbind, pair(kEcho, 0), 0, 1u << 3)), kDenied);  // pending
  EXPECT_EQ(call(Func::notification_get, 0, ffa::notification::kGetFromSp).w(2), 1u << 3);
  EXPECT_TRUE(ffa::is_success(call(Func::notification_unbind, pair(kEcho, 0), 0, 1u << 3)));
  // Echo cannot set what we did not bind to it.
  EXPECT_EQ(echo(kSet, 0, 1u << 3).x[4], static_cast<uint32_t>(kDenied));
}
TEST_TOS(interrupts, secure_timer_top_and_bottom_half) {
  // FF-A's driver pattern with the secure physical timer, which the
  // trusted OS owns: we arm it; it fires while we wait here (a secure
  // interrupt while the normal world runs goes to the secure world); its
  // top half sets our notification, whose schedule receiver interrupt
  // wakes us; we find and get the notification; our bottom-half call
  // takes the event.
  ASSERT_TRUE(harness::discover());
  const uint16_t tos = harness::trusted_os_id();
  const unsigned sgi = call(Func::features, ffa::notification::kFeatureSri).w(2);
  harness::gic::enable_sgi(sgi);
  constexpr uint64_t kId = 1ull << 45;
  ASSERT_TRUE(ffa::is_success(call(Func::notification_bind, pair(tos, 0), 0, 0, kId >> 32)));
  const unsigned before = harness::gic::taken(sgi);
  const uint64_t ticks = arch::cntfrq() / 1000;  // 1 ms
  ffa::Regs r = call(Func::msg_send_direct_req_64, tos, 0, 0xFFFF5354, ticks, 0, kId >> 32);
  ASSERT_EQ(r.x[3], 0);
  (void)harness::gic::wait_taken(sgi, before, arch::cntfrq());  // a loaded host can raise the timer late
  ASSERT_EQ(harness::gic::taken(sgi), before + 1);
  EXPECT_TRUE(info_get_lists(0));
  r = call(Func::notification_get, 0, ffa::notification::kGetFromSp);
  EXPECT_EQ(r.w(3), kId >> 32);  // from a partition: the trusted OS
  r = call(Func::msg_send_direct_req_64, tos, 0, 0xFFFF4248);
  EXPECT_EQ(r.x[3], 0);
  EXPECT_EQ(r.x[4], 1);  // one new event
  EXPECT_TRUE(r.x[5] >= 1);
  harness::printf("# secure timer: interrupt {} counter ticks after its deadline\n", r.x[6]);
  EXPECT_EQ(call(Func::msg_send_direct_req_64, tos, 0, 0xFFFF4248).x[4], 0);  // taken already
  // A deadline of nothing, or further than a second, is refused.
  EXPECT_EQ(call(Func::msg_send_direct_req_64, tos, 0, 0xFFFF5354, 0, 0, kId >> 32).w(3), 0xFFFFFFFEu);
  EXPECT_EQ(call(Func::msg_send_direct_req_64, tos, 0, 0xFFFF5354, arch::cntfrq() + 1, 0, kId >> 32).w(3),
            0xFFFFFFFEu);
}
TEST(interrupts, secure_timer_while_a_partition_runs_is_taken_at_once) {
  // The secure timer fires while echo spins for us: the secure interrupt
  // stops echo at S-EL0, the trusted OS's top half runs and sets our
  // notification, and echo carries on. The schedule receiver interrupt,
  // pending now, preempts echo (signalled) before it answers: proof that
  // the top half ran during the call rather than after it.
  ASSERT_TRUE(harness::discover());
  const uint16_t tos = harness::trusted_os_id();
  const unsigned sgi = call(Func::features, ffa::notification::kFeatureSri).w(2);
  harness::gic::enable_sgi(sgi);
  constexpr uint64_t kId = 1ull << 46;
  ASSERT_TRUE(ffa::is_success(call(Func::notification_bind, pair(tos, 0), 0, 0, kId >> 32)));
  constexpr uint64_t kRounds = 4000000, kSeed = 0x7;
  unsigned interruptions = 0;
  for (int attempt = 0; attempt < 5 && interruptions == 0; ++attempt) {
    (void)call(Func::msg_send_direct_req_64, tos, 0, 0xFFFF4248);  // nothing left from before
    const unsigned before = harness::gic::taken(sgi);
    ASSERT_EQ(call(Func::msg_send_direct_req_64, tos, 0, 0xFFFF5354, arch::cntfrq() / 2000, 0, kId >> 32).x[3], 0);
    const ffa::Regs r = harness::until_answered(call(Func::msg_send_direct_req_64, kEcho, 0, 0x5350494E, kRounds, kSeed),
                                                &interruptions);
    ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_64));
    (void)harness::gic::wait_taken(sgi, before, arch::cntfrq() / 10);  // if it fired after all
    EXPECT_TRUE(harness::gic::taken(sgi) > before);
    EXPECT_EQ(call(Func::msg_send_direct_req_64, tos, 0, 0xFFFF4248).x[4], 1);  // one event, taken
  }
  EXPECT_TRUE(interruptions >= 1);
  (void)call(Func::notification_get, 0, ffa::notification::kGetFromSp);
  EXPECT_TRUE(ffa::is_success(call(Func::notification_unbind, pair(tos, 0), 0, 0, kId >> 32)));
}
TEST(interrupts, normal_world_timer_preempts_a_long_partition_call) {
  // Echo's manifest has normal-world interrupts signalled: our timer fires
  // while echo spins for us, echo is preempted, our call returns
  // FFA_INTERRUPT, we take the interrupt, and FFA_RUN resumes echo exactly
  // where it was until it answers.
  harness::gic::enable_private(harness::gic::kPhysicalTimerPpi);
  const unsigned before = harness::gic::taken(harness::gic::kPhysicalTimerPpi);
  constexpr uint64_t kRounds = 2000000, kSeed = 0x5EED;
  const uint64_t want = lib::lcg_spin(kRounds, kSeed);
  // The timer may fire before the call reaches echo (the host can stall
  // us: without -icount the counter follows the host's clock, and a host
  // running other QEMUs may not run this CPU for a while): then try
  // again. 1 ms: well inside echo's spin (tens of milliseconds), well
  // beyond a host's usual stall.
  unsigned interruptions = 0;
  ffa::Regs r{};
  for (int attempt = 0; attempt < 10 && interruptions == 0; ++attempt) {
    harness::gic::arm_physical_timer(arch::cntfrq() / 1000);  // 1 ms
    r = harness::until_answered(call(Func::msg_send_direct_req_64, kEcho, 0, 0x5350494E, kRounds, kSeed),
                                &interruptions);
    ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_64));
    EXPECT_EQ(r.x[3], want);  // its registers survived the preemption
  }
  EXPECT_TRUE(interruptions >= 1);
  EXPECT_TRUE(harness::gic::taken(harness::gic::kPhysicalTimerPpi) > before);
  // While preempted it takes no new request: BUSY.
  harness::gic::arm_physical_timer(arch::cntfrq() / 10000);
  r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x5350494E, kRounds, kSeed);
  if (r.w(0) == ffa::raw(Func::interrupt)) {
    EXPECT_EQ(error_code(call(Func::msg_send_direct_req_64, kEcho, 0, 1)), -4);
    r = harness::until_answered(r);
  }
  EXPECT_EQ(r.x[3], want);
}
namespace {
// Tessera's long yielding call to the trusted OS (OP-TEE's yielding
// protocol): w4 rounds from a seed; the answer w4 = 0 (done, result in
// w5/w6) or 2 (interrupted, w7 = the thread to resume).
constexpr uint64_t kTosSpin = 0xFFFF5350, kResume = 0x80000001;
constexpr uint32_t kReturnDone = 0, kReturnInterrupt = 2;
// Resumes thread `thread` of the trusted OS until its call is done.
ffa::Regs resume_until_done(uint16_t tos, ffa::Regs r, unsigned* exits) {
  while (r.w(0) == ffa::raw(Func::msg_send_direct_resp_64) && r.w(3) == 0 && r.w(4) == kReturnInterrupt) {
    if (exits) ++*exits;
    r = call(Func::msg_send_direct_req_64, tos, 0, kResume, 0, 0, 0, r.w(7));
  }
  return r;
}
}  // namespace
TEST_TOS(interrupts, normal_world_timer_makes_the_trusted_os_exit_its_yielding_call) {
  // The managed-exit flavour: the trusted OS runs the call in one of its
  // threads with our interrupts unmasked. Our timer stops it; the trusted
  // OS itself saves the thread and answers "interrupted" with the thread's
  // ID (OP-TEE's OPTEE_FFA_YIELDING_CALL_RETURN_INTERRUPT); we take our
  // interrupt and resume the call (OPTEE_FFA_YIELDING_CALL_RESUME).
  ASSERT_TRUE(harness::discover());
  const uint16_t tos = harness::trusted_os_id();
  harness::gic::enable_private(harness::gic::kPhysicalTimerPpi);
  constexpr uint64_t kRounds = 4000000, kSeed = 0x123456789ABull;
  const uint64_t want = lib::lcg_spin(kRounds, kSeed);
  unsigned exits = 0;
  // The timer may fire before the call reaches the thread (the host can
  // stall us): then try again.
  for (int attempt = 0; attempt < 10 && exits == 0; ++attempt) {
    const unsigned before = harness::gic::taken(harness::gic::kPhysicalTimerPpi);
    harness::gic::arm_physical_timer(arch::cntfrq() / 5000);  // 200 us
    ffa::Regs r = call(Func::msg_send_direct_req_64, tos, 0, kTosSpin, kRounds, kSeed & 0xFFFFFFFF, kSeed >> 32);
    r = resume_until_done(tos, r, &exits);
    ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_64));
    ASSERT_EQ(r.w(3), 0);
    EXPECT_EQ(r.w(4), kReturnDone);
    EXPECT_EQ(r.w(5) | uint64_t{r.w(6)} << 32, want);  // its registers survived
    if (exits > 0) EXPECT_TRUE(harness::gic::taken(harness::gic::kPhysicalTimerPpi) > before);
  }
  EXPECT_TRUE(exits >= 1);
  harness::printf("# trusted OS: yielding call exited for our interrupt {} times\n", exits);
}
TEST_TOS(interrupts, trusted_os_threads_hostile_resumes_and_busy) {
  const uint16_t tos = harness::trusted_os_id();
  constexpr uint32_t kBadResume = 0xFFFFFFFE, kTeeBusy = 0xFFFF000D;
  // Resuming what was never suspended, or no thread at all.
  for (uint64_t thread : {0ull, 3ull, 4ull, 99ull, 0xFFFFFFFFull})
    EXPECT_EQ(call(Func::msg_send_direct_req_64, tos, 0, kResume, 0, 0, 0, thread).w(3), kBadResume);
  // Four calls left suspended take every thread: the fifth is BUSY.
  harness::gic::enable_private(harness::gic::kPhysicalTimerPpi);
  constexpr uint64_t kRounds = 2000000;
  uint32_t held[4];
  unsigned count = 0;
  for (int attempt = 0; attempt < 40 && count < 4; ++attempt) {
    harness::gic::arm_physical_timer(arch::cntfrq() / 10000);
    const ffa::Regs r = call(Func::msg_send_direct_req_64, tos, 0, kTosSpin, kRounds, count);
    ASSERT_EQ(r.w(3), 0);
    if (r.w(4) == kReturnInterrupt) held[count++] = r.w(7);
  }
  ASSERT_EQ(count, 4u);
  EXPECT_EQ(call(Func::msg_send_direct_req_64, tos, 0, kTosSpin, 1, 0).w(3), kTeeBusy);
  // Each one finishes with its own result once resumed.
  for (unsigned i = 0; i < count; ++i) {
    ffa::Regs r = resume_until_done(tos, call(Func::msg_send_direct_req_64, tos, 0, kResume, 0, 0, 0, held[i]),
                                    nullptr);
    EXPECT_EQ(r.w(3), 0);
    EXPECT_EQ(r.w(4), kReturnDone);
    EXPECT_EQ(r.w(5) | uint64_t{r.w(6)} << 32, lib::lcg_spin(kRounds, i));
    EXPECT_EQ(call(Func::msg_send_direct_req_64, tos, 0, kResume, 0, 0, 0, held[i]).w(3), kBadResume);  // done
  }
  EXPECT_EQ(call(Func::msg_send_direct_req_64, tos, 0, kTosSpin, 3, 0).w(4), kReturnDone);
}
// Every bitmap flag the normal world may ask FFA_NOTIFICATION_GET for
// answers, alone and together: partitions' (bit 0), VMs' (1: none without
// a hypervisor), the SPM's framework notifications (2) and the
// hypervisor's (3: none). Flags 5 (partitions' and the SPM's) were once
// reported DENIED; DENIED means the bitmaps do not exist yet.
TEST_ANY_SPMC(notifications, get_answers_every_bitmap_flag) {
  call(Func::notification_bitmap_create, 0, 1);  // unless an earlier test did
  for (uint32_t flags : {1u, 2u, 4u, 8u, 5u, 0xFu}) {
    const ffa::Regs r = call(Func::notification_get, 0, flags);
    EXPECT_TRUE(ffa::is_success(r));
    EXPECT_EQ(r.w(4) | r.w(5) | r.w(7), 0);
  }
  EXPECT_EQ(error_code(call(Func::notification_get, 0, 0x10)), -2);  // reserved flag bits
}
// ported-c, written for another SPMC, bound notification 0 to us at boot
// and takes notifications only when run. Our FFA_NOTIFICATION_SET raises
// the schedule receiver interrupt; a scheduler driven by it (as Linux's is)
// asks INFO_GET, finds ported-c and runs it, and ported-c gets the bit.
TEST(notifications, normal_world_notification_runs_a_ported_partition) {
  constexpr uint16_t kPorted = 0x8007;
  const unsigned sgi = call(Func::features, ffa::notification::kFeatureSri).w(2);
  harness::gic::enable_sgi(sgi);
  const unsigned before = harness::gic::taken(sgi);
  const uint64_t runs = call(Func::msg_send_direct_req_64, kPorted, 0, 0x4E4F5449).x[4];
  ASSERT_TRUE(ffa::is_success(call(Func::notification_set, pair(0, kPorted), 0, 1)));
  EXPECT_EQ(harness::gic::taken(sgi), before + 1);  // the scheduler is told
  ASSERT_TRUE(info_get_lists(kPorted));              // ... who needs cycles
  EXPECT_EQ(call(Func::run, uint32_t{kPorted} << 16).w(0), ffa::raw(Func::msg_wait));
  const ffa::Regs r = call(Func::msg_send_direct_req_64, kPorted, 0, 0x4E4F5449);
  EXPECT_EQ(r.x[3], 1);  // notification 0, from a VM
  EXPECT_EQ(r.x[4], runs + 1);
}
