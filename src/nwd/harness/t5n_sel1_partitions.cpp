// S-EL1 partitions (where the SPMC runs at S-EL2, sel2-spmc): mp-c, one
// execution context per CPU, and up-c, the same code with one context,
// both written against FF-A alone (partitions/mp_c). Found by discovery;
// where they are not hosted these tests are skipped (test.h, Needs).
#include "arch/aarch64/sysreg.h"
#include "ffa/partition_info.h"
#include "lib/lcg.h"
#include "nwd/harness/ffa_client.h"
#include "nwd/harness/gic.h"
#include "nwd/harness/mem_descriptor.h"
#include "nwd/harness/smp.h"
#include "nwd/harness/test.h"
#include "plat/qemu_virt/memory_map.h"

using ffa::Func;
using harness::call;
using harness::error_code;

extern "C" void harness_fp_fill(uint64_t pattern);
extern "C" uint64_t harness_fp_check(uint64_t pattern);
extern "C" uint64_t harness_sve_fill(uint64_t base);
extern "C" uint64_t harness_sve_check(uint64_t base);

namespace {
constexpr uint16_t kMp = 0x8010, kUp = 0x8011, kUp2 = 0x8012, kUp3 = 0x8013, kUp4 = 0x8014, kIrq = 0x8015,
                   kUp5 = 0x8016, kUp6 = 0x8017;
constexpr uint32_t kMpUuid[4] = {0x1e8c5a3d, 0x4f2b7c90, 0xa4d6e1b8, 0x5c3f7a20};
constexpr uint32_t kUpUuid[4] = {0x1e8c5a3d, 0x4f2b7c90, 0xa4d6e1b8, 0x5c3f7a21};
// Requests (x3), partitions/mp_c/main.c.
constexpr uint64_t kEcho = 0, kWho = 1, kSpin = 2, kTouch = 3, kSmcIdGet = 4, kPsci = 5, kPmu = 6, kBorrow = 7, kSve = 8, kSveSet = 24, kSveCheck = 25, kForward = 26, kFpSet = 9, kFpCheck = 10, kTimer = 12, kHfGet = 13, kRaise = 14, kStatus = 15, kGive = 16, kReclaim = 17,
                   kPeek = 18, kBind = 19, kNotified = 20, kVtimerSet = 21, kVtimerRead = 22,
                   kTimerRead = 23, kBoots = 29, kPower = 30, kUndefProbe = 31, kWaitNpi = 32;
constexpr uint64_t kShare = 0, kLend = 1;
constexpr int32_t kInvalidParameters = -2;
// up-c6's image (not a declared memory region: not its to give).
constexpr uint64_t kUp6Image = 0x0e7e0000;
// irq-c's device interrupt (the PL031 RTC's alarm, SPI 2) and the managed
// exit signal's ID (FFA_FEATURES, as Hafnium numbers it).
constexpr uint64_t kRtcSpi = 34, kManagedExitId = 4;
// Normal-world pages the tests share (nothing else of the harness uses
// them): three, every other page from here.
constexpr uint64_t kShared = 0x70400000;
constexpr int32_t kAborted = -8, kBusy = -4;
// Where mp-c's data lies (its memory region, load address + 0x10000).
constexpr uint64_t kMpData = 0x0e710000;

#define PART(n) TEST_NEEDS(::harness::Needs::sel1_c_partitions, el1_partitions, n)

uint32_t rx_le32(unsigned off) {
  const uint8_t* b = harness::buffers().rx + off;
  return b[0] | b[1] << 8 | b[2] << 16 | uint32_t{b[3]} << 24;
}

ffa::Regs request(uint16_t to, uint64_t cmd, uint64_t a = 0, uint64_t b = 0, uint64_t c = 0, uint64_t d = 0) {
  return harness::until_answered(call(Func::msg_send_direct_req_64, to, 0, cmd, a, b, c, d));
}
bool answered(const ffa::Regs& r) { return r.w(0) == ffa::raw(Func::msg_send_direct_resp_64); }

// Lets `ticks` of the counter pass in the normal world, calling nobody.
void wait_ticks(uint64_t ticks) {
  const uint64_t until = arch::cntpct() + ticks;
  while (arch::cntpct() < until) {
  }
}

// Asks partition `to` for its EL1 physical timer (TIMER_READ) until its
// handler has counted `events`, for up to 2 s: on a host under load QEMU
// can raise a timer's interrupt well after the counter passed its
// deadline (when its own timer callback runs), and each request gives the
// partition a chance to take it on its line.
ffa::Regs timer_read_until(uint16_t to, uint64_t events) {
  const uint64_t until = arch::cntpct() + 2 * arch::cntfrq();
  ffa::Regs r = request(to, 23 /* TIMER_READ */);
  while (answered(r) && r.x[6] < events && arch::cntpct() < until) {
    wait_ticks(arch::cntfrq() / 1000);
    r = request(to, 23);
  }
  return r;
}

// A request made again while its partition is BUSY (another CPU's
// request in hand), for up to 2 s.
ffa::Regs request_when_free(uint16_t to, uint64_t cmd, uint64_t a = 0) {
  const uint64_t until = arch::cntpct() + 2 * arch::cntfrq();
  ffa::Regs r = request(to, cmd, a);
  while (error_code(r) == kBusy && arch::cntpct() < until) r = request(to, cmd, a);
  return r;
}

// Whether partition `to` (UP) turns out BUSY, with another CPU's request
// in hand, within 2 s. Once it is, that CPU has entered it with its
// virtual lines as they were then.
bool wait_until_busy(uint16_t to) {
  const uint64_t until = arch::cntpct() + 2 * arch::cntfrq();
  while (arch::cntpct() < until) {
    if (error_code(request(to, kEcho)) == kBusy) return true;
    wait_ticks(arch::cntfrq() / 10000);  // 100 us
  }
  return false;
}

// One partition's descriptor (v1.2: 24 bytes): ID, contexts, properties.
void expect_descriptor(const uint32_t (&uuid)[4], uint16_t id, uint16_t contexts, uint32_t messaging) {
  ASSERT_TRUE(harness::ensure_rxtx_mapped());
  ffa::Regs r = call(Func::partition_info_get, uuid[0], uuid[1], uuid[2], uuid[3]);
  ASSERT_TRUE(ffa::is_success(r));
  EXPECT_EQ(r.w(2), 1);   // one partition has it
  EXPECT_EQ(r.w(3), 24);  // descriptor size
  EXPECT_EQ(rx_le32(0), uint32_t{contexts} << 16 | id);
  EXPECT_EQ(rx_le32(4), messaging | (1u << 8));  // its messaging methods; AArch64
  EXPECT_EQ(rx_le32(8), 0);  // the UUID comes only for the nil UUID (all partitions)
  EXPECT_TRUE(ffa::is_success(call(Func::rx_release)));
}

// Every CPU asks mp-c who answers, many times: its own context must.
constexpr unsigned kRounds = 40;
volatile unsigned g_right[8];
void who_on_this_cpu(unsigned cpu) {
  unsigned right = 0;
  for (unsigned i = 0; i < kRounds; ++i) {
    const ffa::Regs r = request(kMp, kWho);
    right += answered(r) && r.x[4] == cpu && r.x[5] == 1;
  }
  if (cpu < 8) g_right[cpu] = right;
}

// CPU 1 keeps its mp-c context spinning while CPU 0 calls mp-c's
// context 0 and up-c.
constexpr unsigned kCalls = 30;
uint64_t spin_mp_c(uint64_t rounds) {
  const ffa::Regs r = request(kMp, kSpin, rounds);
  return answered(r) ? r.x[4] : ~0ull;
}
unsigned call_others() {
  unsigned right = 0;
  for (unsigned i = 0; i < kCalls; ++i) {
    ffa::Regs r = request(kMp, kWho);
    right += answered(r) && r.x[4] == 0;
    r = request(kUp, kEcho, i, ~uint64_t{i});
    right += answered(r) && r.x[4] == i && r.x[5] == ~uint64_t{i};
  }
  return right;
}
void check_spin(const harness::StallRun& run) {
  EXPECT_EQ(run.answered, 2 * kCalls);
  EXPECT_EQ(run.spin_result, run.rounds);
  harness::printf("# mp-c spinning on CPU 1 ({} rounds): CPU 0's {} calls {} the spin ended\n", run.rounds,
                  2 * kCalls, run.answered_while_spinning ? "answered before" : "answered after");
}

}  // namespace

PART(discovered_with_their_execution_contexts) {
  const unsigned cpus = harness::run_on_every_cpu([](unsigned) {});
  (void)cpus;
  // One context per CPU the platform may have; mp-c receives and sends
  // direct requests, up-c only receives them.
  expect_descriptor(kMpUuid, kMp, plat::kMaxCpus, ffa::partition_props::direct_req_recv | ffa::partition_props::direct_req_send);
  expect_descriptor(kUpUuid, kUp, 1, ffa::partition_props::direct_req_recv);
}

PART(run_at_s_el1_with_their_own_mmu_and_boot_information) {
  for (uint16_t id : {kMp, kUp}) {
    const ffa::Regs r = request(id, kWho);
    ASSERT_TRUE(answered(r));
    EXPECT_EQ(r.x[4], 0);  // context 0 (vCPU 0) on CPU 0
    EXPECT_EQ(r.x[5], 1);  // CurrentEL: EL1 (secure: the SPMC is at S-EL2)
    EXPECT_EQ(r.x[6], 1);  // its MMU, on (its own stage 1)
    EXPECT_EQ(r.x[7], 1);  // the boot information named its manifest
  }
}

PART(answer_in_both_widths) {
  ffa::Regs r = request(kMp, kEcho, 0x1122334455667788, 0x99AABBCCDDEEFF00, 1, ~0ull);
  ASSERT_TRUE(answered(r));
  EXPECT_EQ(r.w(1), uint32_t{kMp} << 16);  // from mp-c to us
  EXPECT_EQ(r.x[4], 0x1122334455667788u);
  EXPECT_EQ(r.x[5], 0x99AABBCCDDEEFF00u);
  EXPECT_EQ(r.x[6], 1u);
  EXPECT_EQ(r.x[7], ~0ull);
  r = harness::until_answered(call(Func::msg_send_direct_req_32, kUp, 0, kEcho, 0xCAFEF00D, 5, 6, 7));
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_32));
  EXPECT_EQ(r.x[4], 0xCAFEF00Du);
  EXPECT_EQ(r.x[7], 7u);
  // An unknown command is answered as such.
  EXPECT_EQ(request(kMp, 99).x[3], 0xFFFFFFFFu);
}

PART(ffa_calls_by_smc_are_trapped_and_served) {
  const ffa::Regs r = request(kMp, kSmcIdGet);
  ASSERT_TRUE(answered(r));
  EXPECT_EQ(r.x[4], kMp);  // FFA_ID_GET by SMC: the same answer as by HVC
}

PART(psci_is_not_the_partitions) {
  const ffa::Regs r = request(kMp, kPsci);
  ASSERT_TRUE(answered(r));
  EXPECT_EQ(r.x[4], ~0ull);  // PSCI_VERSION: NOT_SUPPORTED (-1)
}

// Hafnium's interrupt calls reach the core, as under the S-EL1 SPMC (not
// SMCCC's NOT_SUPPORTED, -1 in all of x0): no interrupt pending for it.
PART(hafnium_interrupt_calls_are_served) {
  const ffa::Regs r = request(kMp, kHfGet);
  ASSERT_TRUE(answered(r));
  EXPECT_EQ(r.x[4], 0xFFFFFFFFu);  // HF_INVALID_INTID
}

PART(mp_partition_answers_on_every_cpu_at_once) {
  for (volatile unsigned& g : g_right) g = 0;
  const unsigned cpus = harness::run_on_every_cpu(who_on_this_cpu);
  ASSERT_TRUE(cpus >= 1);
  harness::printf("# mp-c on {} CPU(s) at once, {} requests each\n", cpus, kRounds);
  for (unsigned c = 0; c < cpus && c < 4; ++c) EXPECT_EQ(g_right[c], kRounds);
}

PART(a_spinning_context_stalls_no_other_cpu) {
  EXPECT_TRUE(harness::show_no_stall({&spin_mp_c, &call_others, &check_spin}));
}

// FP/SIMD, switched lazily between vCPUs on one CPU (and by the monitor
// between the worlds): mp-c's context 0 and up-c each fill v0-v31 with
// their own values on CPU 0, in turn, and each finds its own afterwards;
// the normal world's own registers are untouched.
PART(fp_registers_are_each_vcpus_own) {
  harness_fp_fill(0x5151000000000000);
  for (unsigned round = 0; round < 3; ++round) {
    ASSERT_TRUE(answered(request(kMp, kFpSet, 0x1000 + round * 64)));
    ASSERT_TRUE(answered(request(kUp, kFpSet, 0x2000 + round * 64)));
    EXPECT_EQ(request(kMp, kFpCheck, 0x1000 + round * 64).x[4], 1);
    EXPECT_EQ(request(kUp, kFpCheck, 0x2000 + round * 64).x[4], 1);
  }
  // A vCPU's FP state is its own on another CPU too: mp-c's context on
  // each CPU sets and checks its own while the others do.
  const unsigned cpus = harness::run_on_every_cpu([](unsigned cpu) {
    unsigned right = 0;
    for (unsigned i = 0; i < 20; ++i) {
      const uint64_t base = 0x7000 + cpu * 0x100 + i;
      right += answered(request(kMp, kFpSet, base)) && request(kMp, kFpCheck, base).x[4] == 1;
    }
    if (cpu < 8) g_right[cpu] = right;
  });
  for (unsigned c = 0; c < cpus && c < 4; ++c) EXPECT_EQ(g_right[c], 20u);
  EXPECT_EQ(harness_fp_check(0x5151000000000000), 0u);
}

// Memory the normal world shares maps into mp-c's stage 2 (its
// non-secure IPA space) when it retrieves it, and out again when it
// relinquishes: it writes each page, the normal world reads what it wrote
// once it has reclaimed them.
PART(borrow_normal_world_memory_through_stage_2) {
  ASSERT_TRUE(harness::ensure_rxtx_mapped());
  volatile uint64_t* page[3];
  for (unsigned i = 0; i < 3; ++i) {
    page[i] = reinterpret_cast<volatile uint64_t*>(kShared + 0x2000ull * i);
    page[i][0] = ~0ull;
    page[i][1] = ~0ull;
  }
  const uint32_t length = harness::put_ranges(harness::buffers().tx, kMp, kShared, 3);
  ffa::Regs r = call(Func::mem_share_64, length, length);
  ASSERT_TRUE(ffa::is_success(r));
  const uint64_t handle = uint64_t{r.w(2)} | uint64_t{r.w(3)} << 32;
  // Not reclaimable while mp-c holds it; reclaimable once it let go.
  r = request(kMp, kBorrow, handle, 0xA5);
  ASSERT_TRUE(answered(r));
  EXPECT_EQ(r.x[5], 0);  // no step failed
  EXPECT_EQ(r.x[6], 3);  // the response's total pages
  EXPECT_EQ(r.x[4], 3);  // every page written and read back through its stage 2
  ASSERT_TRUE(ffa::is_success(call(Func::mem_reclaim, static_cast<uint32_t>(handle), handle >> 32)));
  for (unsigned i = 0; i < 3; ++i) {
    EXPECT_EQ(page[i][0], 0xA5u);
    EXPECT_EQ(page[i][1], i);
  }
  // A handle it was never given: the SPMC says so (mp-c answers with the
  // error of the retrieve, INVALID_PARAMETERS).
  r = request(kMp, kBorrow, handle, 0xA5);
  ASSERT_TRUE(answered(r));
  EXPECT_EQ(static_cast<int32_t>(r.x[5]), -2);
}

// Virtual interrupts (irq-c): its own device's interrupt, raised while it
// handles the request, comes to it at once as a virtual IRQ; its handler
// takes it (HF_INTERRUPT_GET), quietens the device and ends it. A partition
// that does not own the device cannot take its interrupt.
PART(a_device_interrupt_is_a_virtual_irq_while_its_owner_runs) {
  const ffa::Regs before = request(kIrq, kStatus);
  ASSERT_TRUE(answered(before));
  for (unsigned i = 0; i < 3; ++i) {
    const ffa::Regs r = request(kIrq, kRaise);
    ASSERT_TRUE(answered(r));
    EXPECT_EQ(r.x[5], 0);  // HF_INTERRUPT_ENABLE: its own
    EXPECT_EQ(r.x[4], 1);  // handled while the request ran
  }
  const ffa::Regs after = request(kIrq, kStatus);
  EXPECT_EQ(after.x[4] - before.x[4], 3);
  EXPECT_EQ(after.x[5], kRtcSpi);
  EXPECT_EQ(after.x[6], before.x[6]);  // never needed FFA_INTERRUPT for it
  // mp-c's HF_INTERRUPT_ENABLE for it is refused (-1), and mp-c never
  // touches the device.
  const ffa::Regs other = request(kMp, kRaise);
  ASSERT_TRUE(answered(other));
  EXPECT_EQ(other.x[5], ~0ull);
}

// The same interrupt raised on CPU 1 arrives on CPU 0 (where the SPMC
// routes partitions' interrupts) while the normal world runs there: irq-c
// runs with FFA_INTERRUPT, its virtual IRQ taken on the way out of its
// FFA_MSG_WAIT.
PART(a_device_interrupt_for_a_waiting_owner_comes_with_ffa_interrupt) {
  const ffa::Regs before = request(kIrq, kStatus);
  ASSERT_TRUE(answered(before));
  static volatile uint64_t raised;
  raised = ~0ull;
  const unsigned cpus = harness::run_on_every_cpu([](unsigned cpu) {
    if (cpu != 1) return;
    const ffa::Regs r = request(kIrq, kRaise, 1);  // answers at once, its IRQs masked
    raised = answered(r) ? r.x[5] : ~1ull;
  });
  if (cpus < 2) {
    harness::printf("# one CPU: nothing to show\n");
    return;
  }
  EXPECT_EQ(raised, 0);
  // Handled by now, or soon: a bounded wait in the normal world (5 ms)
  // before irq-c is asked, so that no request of ours carries it.
  wait_ticks(arch::cntfrq() / 200);
  const ffa::Regs after = request(kIrq, kStatus);
  EXPECT_EQ(after.x[4] - before.x[4], 1);
  EXPECT_EQ(after.x[5], kRtcSpi);
  EXPECT_EQ(after.x[6] - before.x[6], 1);  // run once with FFA_INTERRUPT
}

// An interrupt a partition did not take before it answered (its IRQs
// masked: the virtual line was up, unseen) is not lost, nor left for its
// next request: the SPMC holds it back again and, once the normal world
// runs, announces it with FFA_INTERRUPT, and irq-c's handler takes it then.
PART(an_untaken_device_interrupt_comes_back_with_ffa_interrupt) {
  const ffa::Regs before = request(kIrq, kStatus);
  ASSERT_TRUE(answered(before));
  const ffa::Regs r = request(kIrq, kRaise, 2);
  ASSERT_TRUE(answered(r));
  EXPECT_EQ(r.x[5], 0);
  EXPECT_EQ(r.x[4], 0);  // not taken while it ran
  wait_ticks(arch::cntfrq() / 200);  // 5 ms, no request of ours
  const ffa::Regs after = request(kIrq, kStatus);
  EXPECT_EQ(after.x[4] - before.x[4], 1);
  EXPECT_EQ(after.x[6] - before.x[6], 1);  // run once with FFA_INTERRUPT for it
}

// Notifications (irq-c's manifest: notification-support): the normal
// world sets one for irq-c, and the scheduler gives irq-c cycles
// (FFA_RUN); irq-c learns of it by the notification pending interrupt, a
// virtual IRQ (ID 5, from FFA_FEATURES), takes it and gets its
// notifications with FFA_NOTIFICATION_GET, then gives the cycles back.
PART(a_notification_comes_with_the_notification_pending_interrupt) {
  constexpr uint64_t kId = 1ull << 5;
  ffa::Regs r = request(kIrq, kBind, 0, kId);
  ASSERT_TRUE(answered(r));
  EXPECT_EQ(r.w(4), ffa::raw(Func::success_32));
  const ffa::Regs before = request(kIrq, kNotified);
  ASSERT_TRUE(answered(before));
  ASSERT_TRUE(ffa::is_success(call(Func::notification_set, uint32_t{kIrq}, 0, static_cast<uint32_t>(kId), 0)));
  r = call(Func::run, uint32_t{kIrq} << 16);
  EXPECT_EQ(r.w(0), ffa::raw(Func::msg_wait));  // it took them and gave the cycles back
  const ffa::Regs after = request(kIrq, kNotified);
  EXPECT_EQ(after.x[4] & kId, kId);
  EXPECT_EQ(after.x[5] - before.x[5], 1);  // one NPI taken
  // Nothing pending now: its next run raises no NPI.
  r = call(Func::run, uint32_t{kIrq} << 16);
  EXPECT_EQ(r.w(0), ffa::raw(Func::msg_wait));
  EXPECT_EQ(request(kIrq, kNotified).x[5], after.x[5]);
}

// A notification set on CPU 0 for irq-c while irq-c runs on CPU 1 (a
// request that waits up to 1 s for its NPI there): its line rises where
// it runs, as on a machine of its own. The SPMC makes CPU 1's vCPU leave
// (a secure SGI, Hafnium's IPI number) and enters it again with the line
// up; without that it would learn of it only at its next entry, once the
// wait ran out.
PART(a_notification_reaches_a_partition_running_on_another_cpu_at_once) {
  constexpr uint64_t kId = 1ull << 6;
  const ffa::Regs bound = request(kIrq, kBind, 0, kId);
  ASSERT_TRUE(answered(bound));
  EXPECT_EQ(bound.w(4), ffa::raw(Func::success_32));
  static volatile uint64_t npis, waited;
  static volatile bool busy_seen, set;
  npis = ~0ull;
  waited = ~0ull;
  busy_seen = false;
  set = false;
  const unsigned cpus = harness::run_on_every_cpu([](unsigned cpu) {
    if (cpu == 1) {
      const ffa::Regs r = request_when_free(kIrq, kWaitNpi, arch::cntfrq());
      npis = answered(r) ? r.x[4] : ~1ull;
      waited = r.x[5];
    } else if (cpu == 0) {
      busy_seen = wait_until_busy(kIrq);
      set = ffa::is_success(call(Func::notification_set, uint32_t{kIrq}, 0, static_cast<uint32_t>(kId), 0));
    }
  });
  ASSERT_TRUE(cpus != 0);  // every CPU came up and finished
  if (cpus == 1) {
    harness::printf("# one CPU: nothing to show\n");
    return;
  }
  EXPECT_TRUE(busy_seen);
  EXPECT_TRUE(set);
  EXPECT_EQ(npis, 1);                       // taken while it waited on CPU 1
  EXPECT_TRUE(waited < arch::cntfrq() / 2);  // and not at the end of its wait
  harness::printf("# irq-c on CPU 1 took its NPI after {} us\n", waited * 1000000 / arch::cntfrq());
  EXPECT_EQ(request(kIrq, kNotified).x[4] & kId, kId);
}

// irq-c raises its device interrupt while it runs on CPU 1 and waits
// (up to 0.5 s) for its handler (RAISE 0). The interrupt is routed to CPU
// 0, which runs the normal world: the SPMC tells irq-c's running context
// on its virtual line and kicks CPU 1, where the handler takes it in
// place, within the request; not afterwards, by FFA_INTERRUPT.
PART(a_device_interrupt_reaches_its_owner_running_on_another_cpu_in_place) {
  const ffa::Regs before = request(kIrq, kStatus);
  ASSERT_TRUE(answered(before));
  static volatile uint64_t handled, enabled;
  handled = ~0ull;
  enabled = ~0ull;
  const unsigned cpus = harness::run_on_every_cpu([](unsigned cpu) {
    if (cpu != 1) return;
    const ffa::Regs r = request_when_free(kIrq, kRaise, 0);
    handled = answered(r) ? r.x[4] : ~1ull;
    enabled = r.x[5];
  });
  ASSERT_TRUE(cpus != 0);
  if (cpus == 1) {
    harness::printf("# one CPU: nothing to show\n");
    return;
  }
  EXPECT_EQ(enabled, 0);
  EXPECT_EQ(handled, 1);  // its handler ran while it waited on CPU 1
  wait_ticks(arch::cntfrq() / 200);  // 5 ms, no request of ours
  const ffa::Regs after = request(kIrq, kStatus);
  EXPECT_EQ(after.x[4] - before.x[4], 1);  // once, not again
  EXPECT_EQ(after.x[5], kRtcSpi);
  EXPECT_EQ(after.x[6] - before.x[6], 0);  // never run with FFA_INTERRUPT for it
}

// Managed exit (irq-c's manifest: ns-interrupts-action 1, managed-exit-
// virq): the normal world's timer fires while irq-c spins for it; the
// SPMC raises irq-c's managed exit signal (a virtual IRQ) instead of
// preempting it, irq-c answers the request early, and the normal world
// then takes its interrupt. No FFA_INTERRUPT, no FFA_RUN.
PART(managed_exit_is_a_virtual_interrupt_and_the_answer_comes_early) {
  harness::gic::enable_private(harness::gic::kPhysicalTimerPpi);
  const ffa::Regs before = request(kIrq, kStatus);
  ASSERT_TRUE(answered(before));
  constexpr uint64_t kRounds = 400000000;  // far longer than the timer
  ffa::Regs r{};
  // The timer may fire before the call reaches irq-c (the host can stall
  // us): then the spin runs to its end, and we try again.
  unsigned attempt = 0;
  for (; attempt < 4; ++attempt) {
    const unsigned taken = harness::gic::taken(harness::gic::kPhysicalTimerPpi);
    harness::gic::arm_physical_timer(arch::cntfrq() / 2000);  // 500 us
    r = call(Func::msg_send_direct_req_64, kIrq, 0, kSpin, kRounds);
    ASSERT_TRUE(answered(r));  // never FFA_INTERRUPT: it is not preempted
    EXPECT_TRUE(harness::gic::wait_taken(harness::gic::kPhysicalTimerPpi, taken, arch::cntfrq() / 100));
    if (r.x[5] == kManagedExitId) break;
    EXPECT_EQ(r.x[4], kRounds);  // not cut short: it ran to the end
  }
  ASSERT_TRUE(attempt < 4);
  EXPECT_TRUE(r.x[4] < kRounds);
  const ffa::Regs after = request(kIrq, kStatus);
  EXPECT_EQ(after.x[7] - before.x[7], 1);  // one managed exit signal taken
  EXPECT_EQ(after.x[5], kManagedExitId);
  harness::printf("# irq-c: managed exit after {} of {} rounds (attempt {})\n", r.x[4], kRounds, attempt + 1);
  // It serves the next request as usual.
  r = request(kIrq, kSpin, 1000);
  ASSERT_TRUE(answered(r));
  EXPECT_EQ(r.x[4], 1000);
  EXPECT_EQ(r.x[5], 0);
}

// A partition gives its own memory to another (up-c6 to up-c5): FFA_MEM_SHARE
// maps the page into the borrower's secure IPA space as well, and the
// lender keeps it; FFA_MEM_LEND takes it out of the lender's stage 2 until
// it reclaims it. The borrower retrieves it from that lender, writes it
// and relinquishes it; the lender reads what it wrote once the page is
// back. What is not the lender's own (another partition's memory, its
// image) it cannot give, and a partition that is not the borrower cannot
// retrieve it.
PART(a_partition_shares_and_lends_its_own_memory_through_stage_2) {
  for (uint64_t kind : {kShare, kLend}) {
    const uint8_t pattern = kind == kShare ? 0xB7 : 0xC3;
    ffa::Regs r = request(kUp6, kGive, kind, kUp5, 0, 0x1111);
    ASSERT_TRUE(answered(r));
    ASSERT_EQ(r.x[5], 0);
    const uint64_t handle = r.x[4];
    // mp-c is not a borrower: its retrieve is refused.
    r = request(kMp, kBorrow, handle, 0x11, kUp6);
    ASSERT_TRUE(answered(r));
    EXPECT_TRUE(r.x[5] != 0);
    r = request(kUp5, kBorrow, handle, pattern, kUp6);
    ASSERT_TRUE(answered(r));
    EXPECT_EQ(r.x[5], 0);  // no step failed
    EXPECT_EQ(r.x[6], 1);  // one page in the retrieve response
    EXPECT_EQ(r.x[4], 1);  // written and read back through its stage 2
    // Shared, the lender still reads it (what the borrower wrote).
    if (kind == kShare) EXPECT_EQ(request(kUp6, kPeek).x[4], pattern);
    r = request(kUp6, kReclaim, handle);
    ASSERT_TRUE(answered(r));
    EXPECT_EQ(r.x[5], 0);
    EXPECT_EQ(r.x[4], pattern);
  }
  // Not its own: mp-c's data, or its own image.
  for (uint64_t address : {kMpData, kUp6Image}) {
    const ffa::Regs r = request(kUp6, kGive, kLend, kUp5, address, 0);
    ASSERT_TRUE(answered(r));
    EXPECT_EQ(static_cast<int32_t>(r.x[5]), kInvalidParameters);
  }
}

// up-c6 does not survive it: a page it lent is out of its stage 2 until
// it reclaims it, and touching it is a fault the SPMC stops it for.
PART(a_lender_cannot_touch_what_it_lent) {
  ffa::Regs r = request(kUp6, kGive, kLend, kUp5, 0, 0x2222);
  ASSERT_TRUE(answered(r));
  ASSERT_EQ(r.x[5], 0);
  EXPECT_EQ(error_code(request(kUp6, kPeek)), kAborted);
  EXPECT_TRUE(answered(request(kUp5, kEcho)));
}

// The EL1 virtual timer is one for both worlds and every vCPU: each vCPU
// keeps its own from one run to the next (up-c5's deadline is still set,
// and has passed, on its next run; mp-c's on another vCPU is its own), and
// the normal world's is as it left it.
PART(each_vcpu_keeps_its_own_virtual_timer) {
  constexpr uint64_t kMarker = 0x0123456789ABull;  // far in the future: never fires
  TESSERA_SYSREG_WRITE(cntv_ctl_el0, 0);
  TESSERA_SYSREG_WRITE(cntv_cval_el0, kMarker);
  const ffa::Regs set = request(kUp5, kVtimerSet, 64);  // 64 ticks
  ASSERT_TRUE(answered(set));
  const ffa::Regs mine = request(kMp, kVtimerSet, 1ull << 40);
  ASSERT_TRUE(answered(mine));
  wait_ticks(1000);
  ffa::Regs r = request(kUp5, kVtimerRead);
  ASSERT_TRUE(answered(r));
  EXPECT_EQ(r.x[5], set.x[4]);  // its deadline
  EXPECT_EQ(r.x[4], 7);         // enabled, masked, and fired
  r = request(kMp, kVtimerRead);
  EXPECT_EQ(r.x[5], mine.x[4]);
  EXPECT_EQ(r.x[4], 3);  // not yet
  EXPECT_EQ(TESSERA_SYSREG_READ(cntv_cval_el0), kMarker);
  EXPECT_EQ(TESSERA_SYSREG_READ(cntv_ctl_el0) & 1, 0);
  // Off again (the benchmarks measure vCPUs without a timer).
  EXPECT_TRUE(answered(request(kUp5, kVtimerSet, 0)));
  const ffa::Regs off = request(kMp, kVtimerSet, 0);  // its deadline now, its timer off
  EXPECT_TRUE(answered(off));
  r = request(kMp, kVtimerRead);
  EXPECT_EQ(r.x[4], 0);
  // The deadline it wrote with its timer off is still its own (not the
  // normal world's, parked while it runs).
  EXPECT_EQ(r.x[5], off.x[4]);
}

// up-c2 does not survive it: neither world switch keeps the performance
// monitors or the debug registers apart, so the SPMC traps them
// (MDCR_EL2) and stops a partition that touches them.
PART(debug_and_pmu_registers_are_not_the_partitions) {
  ASSERT_TRUE(answered(request(kUp2, kEcho)));
  EXPECT_EQ(error_code(request(kUp2, kPmu)), kAborted);
  EXPECT_EQ(error_code(request(kUp2, kEcho)), kAborted);
  EXPECT_TRUE(answered(request(kMp, kEcho)));
}

// What the secure world does not have is UNDEFINED for a partition: SME's
// TPIDR2_EL0 and SMPRI_EL1 (SCR_EL3.EnTP2 and CPTR_EL3.ESM are clear for
// the secure world), and the secure physical timer, the SPMC's host timer
// (SCR_EL3.ST clear: QEMU 7.2 would otherwise let S-EL1 read and rearm it,
// though the architecture makes it UNDEFINED there). They trap to the
// monitor, which makes the partition take an UNDEF at its own EL1, where
// mp-c counts it and goes on; before, the monitor stopped the machine. The
// timers that follow show the host timer was left alone.
PART(what_the_secure_world_lacks_is_undefined_for_a_partition) {
  for (uint64_t probe = 0; probe < 4; ++probe) {
    const ffa::Regs r = request(kMp, kUndefProbe, probe);
    EXPECT_TRUE(answered(r));
    EXPECT_EQ(r.x[4], 1);  // one UNDEF, taken at its EL1
    EXPECT_EQ(r.x[5], 0);
  }
  EXPECT_TRUE(answered(request(kMp, kEcho)));
}

// Each of mp-c's vCPUs has its own EL1 physical timer, watched by its own
// CPU's host timer: every CPU sets a deadline of its own at once (masked,
// far away) and reads back its own; then every CPU's vCPU gets a near
// deadline while we wait there, and each comes as FFA_INTERRUPT on its
// CPU (its IRQs masked until it waits).
namespace {
struct VcpuTimer {
  uint64_t set_cval, read_cval, read_ctl;
  bool answered;
};
VcpuTimer g_vcpu_timer[plat::kMaxCpus];
}  // namespace
PART(each_vcpu_of_an_mp_partition_has_its_own_timer) {
  const uint64_t before = request(kMp, kTimerRead).x[6];
  const unsigned cpus = harness::run_on_every_cpu([](unsigned cpu) {
    const ffa::Regs set = request(kMp, kTimer, (1ull << 30) + cpu * 4096, 1);
    const ffa::Regs read = request(kMp, kTimerRead);
    g_vcpu_timer[cpu] = VcpuTimer{set.x[5], read.x[5], read.x[4], answered(set) && answered(read)};
  });
  ASSERT_TRUE(cpus >= 1);
  for (unsigned c = 0; c < cpus; ++c) {
    EXPECT_TRUE(g_vcpu_timer[c].answered);
    EXPECT_EQ(g_vcpu_timer[c].read_cval, g_vcpu_timer[c].set_cval);  // its own, not another CPU's
    EXPECT_EQ(g_vcpu_timer[c].read_ctl, 3);                          // enabled, masked, not yet
    for (unsigned o = 0; o < c; ++o) EXPECT_TRUE(g_vcpu_timer[o].set_cval != g_vcpu_timer[c].set_cval);
  }
  const unsigned again = harness::run_on_every_cpu([](unsigned) {
    const uint64_t ms = arch::cntfrq() / 1000;
    (void)request(kMp, kTimer, 5 * ms, 2);
    wait_ticks(40 * ms);
    // Not gone before its vCPU's handler turned the timer off (a loaded
    // host can raise the interrupt late; going off would drop it).
    const uint64_t until = arch::cntpct() + 2 * arch::cntfrq();
    while (request(kMp, kTimerRead).x[4] != 0 && arch::cntpct() < until) wait_ticks(ms);
  });
  EXPECT_EQ(again, cpus);
  // One interrupt per vCPU, each handled on its own CPU (the handler
  // turned each timer off).
  const ffa::Regs r = request(kMp, kTimerRead);
  EXPECT_EQ(r.x[6], before + cpus);
  EXPECT_EQ(r.x[4], 0);
}

// The EL1 physical timer is one for both worlds: the SPMC traps a
// partition's accesses (CNTHCTL_EL2.EL1PCEN) and gives each vCPU its own,
// watched by its host timer, and the deadline comes as Hafnium's virtual
// timer interrupt (3): with FFA_INTERRUPT once the normal world runs and
// the partition waits, or at once, on its virtual line, while it runs.
PART(each_vcpu_has_its_own_physical_timer) {
  constexpr uint64_t kEnable = 1, kImask = 2, kIstatus = 4;
  constexpr uint32_t kVirtualTimer = 3;
  const uint64_t ms = arch::cntfrq() / 1000;
  // mp-c's masked and far away, then up-c4's in 20 ms (we wait meanwhile:
  // up-c4 waits too, for the SPMC to run it; its IRQs masked until then,
  // so that a slow host that lets the deadline pass while it answers
  // still brings it by FFA_INTERRUPT).
  const ffa::Regs entries = request(kUp4, kStatus);
  ffa::Regs mine = request(kMp, kTimer, 1ull << 30, 1);
  ASSERT_TRUE(answered(mine));
  EXPECT_EQ(mine.x[4], kEnable | kImask);
  const uint64_t t0 = arch::cntpct();
  ffa::Regs up = request(kUp4, kTimer, 20 * ms, 2);
  ASSERT_TRUE(answered(up));
  EXPECT_EQ(up.x[4] & (kEnable | kImask), kEnable);
  EXPECT_TRUE(up.x[5] >= t0 + 20 * ms && up.x[5] <= arch::cntpct() + 20 * ms);
  // TVAL counts down (and, on a host busy enough to let the deadline pass
  // already, is negative when ISTATUS says so).
  const auto tval = static_cast<int32_t>(up.x[6]);
  EXPECT_TRUE(tval <= static_cast<int32_t>(20 * ms));
  if (up.x[4] & kIstatus) EXPECT_TRUE(tval <= 0);
  const uint64_t events = up.x[7];
  wait_ticks(60 * ms);
  // up-c4 was run for it while we waited: its handler took it (HF_INTERRUPT_GET
  // gave 3), turned its timer off and ended it. (A host under load can
  // raise it late: it then comes while we ask, on its line.)
  ffa::Regs r = request(kUp4, kTimerRead);
  ASSERT_TRUE(answered(r));
  const bool while_we_waited = r.x[6] == events + 1;
  if (!while_we_waited) r = timer_read_until(kUp4, events + 1);
  EXPECT_EQ(r.x[6], events + 1);
  EXPECT_EQ(r.x[4], 0);
  r = request(kUp4, kStatus);
  EXPECT_EQ(r.x[5], kVirtualTimer);
  if (while_we_waited) {
    EXPECT_EQ(r.x[6], entries.x[6] + 1);  // one FFA_INTERRUPT
  } else {
    harness::printf("# a slow host: up-c4's deadline came while we asked, not while we waited\n");
  }
  // mp-c's is untouched, not yet due.
  r = request(kMp, kTimerRead);
  EXPECT_EQ(r.x[4], kEnable | kImask);
  EXPECT_EQ(r.x[5], mine.x[5]);
  // Masked and past its deadline: ISTATUS, and no interrupt.
  r = request(kUp4, kTimer, 64, 1);
  wait_ticks(1000);
  r = request(kUp4, kTimerRead);
  EXPECT_EQ(r.x[4], kEnable | kImask | kIstatus);
  EXPECT_EQ(r.x[6], events + 1);
  // A deadline already past (a negative TVAL), unmasked: taken at once,
  // on its virtual line while it runs, or by the next request.
  (void)request(kUp4, kTimer, static_cast<uint32_t>(-1000));
  wait_ticks(10 * ms);
  r = timer_read_until(kUp4, events + 2);
  EXPECT_EQ(r.x[6], events + 2);
  EXPECT_EQ(r.x[4], 0);
  // Off again (the benchmarks measure vCPUs without a timer).
  EXPECT_TRUE(answered(request(kMp, kTimer, 0)));
  EXPECT_EQ(request(kMp, kTimerRead).x[4], 0);
  EXPECT_TRUE(answered(request(kUp4, kEcho)));
}

// SVE is the partitions' at the 128-bit vector length (sel2/cpu_switch.h):
// each vCPU's Z and P registers and FFR stay its own whoever else used SVE
// or FP/SIMD on the CPU meanwhile, on every CPU at once, and the normal
// world's whole SVE state (at its own, longer, vector length) and its
// ZCR_EL2 are untouched.
PART(sve_registers_are_each_vcpus_own) {
  if (((TESSERA_SYSREG_READ(id_aa64pfr0_el1) >> 32) & 0xF) == 0) return;  // no SVE on this CPU
  if (arch::current_el() != 2) return;  // (the harness runs at NS-EL2 here)
  TESSERA_SYSREG_WRITE(S3_4_C1_C2_0, 0xF);  // ZCR_EL2: the longest vector length
  __asm__ volatile("isb");
  const uint64_t ns_vl = harness_sve_fill(0x5000);
  ffa::Regs r = request(kUp3, kSve);
  ASSERT_TRUE(answered(r));
  EXPECT_EQ(r.x[4], 16);  // RDVL: 128 bits
  for (unsigned round = 0; round < 3; ++round) {
    EXPECT_EQ(request(kMp, kSveSet, 0x1000 + round).x[4], 16);
    EXPECT_EQ(request(kUp3, kSveSet, 0x2001 + round).x[4], 16);
    ASSERT_TRUE(answered(request(kUp, kFpSet, 0x3000 + round)));  // FP/SIMD on the same CPU meanwhile
    EXPECT_EQ(request(kMp, kSveCheck, 0x1000 + round).x[4], 1);
    EXPECT_EQ(request(kUp3, kSveCheck, 0x2001 + round).x[4], 1);
    EXPECT_EQ(request(kUp, kFpCheck, 0x3000 + round).x[4], 1);
  }
  // The check is a check: another pattern does not pass for this one.
  EXPECT_EQ(request(kMp, kSveCheck, 0x1001).x[4], 0);
  // Two vCPUs in one visit of the secure world: mp-c sets its pattern and
  // asks up-c3 to set another, on the same CPU, while it waits for the
  // answer (the SPMC moves the EL1 registers and the predicates from one
  // to the other: mp-c's context, pinned here, keeps them in the CPU until
  // up-c3 takes them), then checks its own; up-c3's is its own too.
  for (unsigned round = 0; round < 2; ++round) {
    const ffa::Regs f = request(kMp, kForward, 0x4001 + round, kUp3, kSveSet, 0x5002 + round);
    ASSERT_TRUE(answered(f));
    EXPECT_EQ(f.x[4], 1);   // mp-c's own, after up-c3 ran
    EXPECT_EQ(f.x[5], 16);  // up-c3's SVE_SET answer
    EXPECT_EQ(request(kUp3, kSveCheck, 0x5002 + round).x[4], 1);
  }
  const unsigned cpus = harness::run_on_every_cpu([](unsigned cpu) {
    unsigned right = 0;
    for (unsigned i = 0; i < 10; ++i) {
      const uint64_t base = 0x9000 + cpu * 0x100 + i;
      right += request(kMp, kSveSet, base).x[4] == 16 && request(kMp, kSveCheck, base).x[4] == 1;
    }
    if (cpu < 8) g_right[cpu] = right;
  });
  for (unsigned c = 0; c < cpus && c < 4; ++c) EXPECT_EQ(g_right[c], 10u);
  EXPECT_EQ(harness_sve_check(0x5000), 0);
  EXPECT_EQ(TESSERA_SYSREG_READ(S3_4_C1_C2_0) & 0xF, 0xF);
  EXPECT_TRUE(ns_vl > 16);
}

// Last: up-c does not survive it.
PART(a_stage2_fault_is_contained) {
  // mp-c reads its own data; up-c's stage 2 does not have it.
  ffa::Regs r = request(kMp, kTouch, kMpData);
  ASSERT_TRUE(answered(r));
  r = request(kUp, kTouch, kMpData);
  EXPECT_EQ(error_code(r), kAborted);
  // up-c is stopped for good; mp-c and the rest of the machine carry on.
  EXPECT_EQ(error_code(request(kUp, kEcho, 1)), kAborted);
  r = request(kMp, kEcho, 0, 42);
  ASSERT_TRUE(answered(r));
  EXPECT_EQ(r.x[5], 42u);
}

// A UP partition's EL1 registers go with it from CPU to CPU. Echo (at
// S-EL0) asks up-c5 on CPU 1 to put a new value in TPIDR_EL1 (EL1_SET),
// then spins there: the SPMC runs echo without the core's lock, on the CPU
// that up-c5 just left. CPU 0 meanwhile asks up-c5 for the value
// (EL1_GET): up-c5 now runs on CPU 0 and must find it. (The SPMC gives a
// UP vCPU's EL1 registers back to its record before it lets the core's
// lock go for an S-EL0 partition; without that, CPU 0 loaded the record
// as it was before, and up-c5 answered with the old value while CPU 1
// still held the new one.)
namespace {
constexpr uint16_t kEchoPartition = 0x8001;
constexpr uint64_t kForwardThenSpin = 0x5EEF0000, kEl1Set = 27, kEl1Get = 28, kSpinSeed = 0x7E1D5EED;
// The value up-c5 holds, set and confirmed before each run; a run sets it
// to one more, which CPU 0 knows before the run starts (it never reads a
// value CPU 1 is still about to write).
volatile uint64_t g_el1_value = 0x7E1D000000000000ull;
volatile uint64_t g_el1_replaced;
uint64_t next_el1_value() { return g_el1_value + 1; }

uint64_t el1_set_then_spin_on_cpu1(uint64_t rounds) {
  const ffa::Regs r = harness::until_answered(call(Func::msg_send_direct_req_64, kEchoPartition, 0,
                                                   kForwardThenSpin | kUp5, kEl1Set, next_el1_value(), rounds, kSpinSeed));
  if (!answered(r)) return ~0ull;
  g_el1_replaced = r.x[3];
  return r.x[4];
}

// CPU 0: up-c5's TPIDR_EL1 as it answers here, until it is the value CPU 1
// had it set (a call that came before CPU 1's got there sees the one
// before; one that finds up-c5 busy there is made again), for up to 2 s:
// a loaded host may hold CPU 1 back for a while. 1 once seen. (Without
// the give-back it is seen only once echo's spin ends, which the probe
// tells apart.)
unsigned el1_get_on_cpu0() {
  const uint64_t until = arch::cntpct() + 2 * arch::cntfrq();
  while (arch::cntpct() < until) {
    const ffa::Regs r = call(Func::msg_send_direct_req_64, kUp5, 0, kEl1Get);
    if (answered(r) && r.x[4] == next_el1_value()) return 1;
    wait_ticks(arch::cntfrq() / 10000);  // 100 us
  }
  return 0;
}

void check_el1_followed(const harness::StallRun& run) {
  EXPECT_EQ(run.answered, 1u);  // seen at last, the spin over or not
  EXPECT_TRUE(run.spin_done);
  EXPECT_EQ(run.spin_result, lib::lcg_spin(run.rounds, kSpinSeed));
  EXPECT_EQ(g_el1_replaced, g_el1_value);  // EL1_SET found the last run's value
  g_el1_value = next_el1_value();          // the next run's starting point
  harness::printf("# up-c5 set on CPU 1, read on CPU 0: {} in {} us, {} echo's spin on CPU 1 ended\n",
                  run.answered ? "found" : "NOT found", run.micros, run.answered_while_spinning ? "before" : "after");
}
}  // namespace

PART(a_up_partitions_el1_registers_follow_it_across_cpus) {
  ASSERT_TRUE(harness::has(harness::Needs::sel0_echo));  // echo, at S-EL0
  // Its starting value, so that each run's EL1_SET knows what it replaces.
  ASSERT_TRUE(answered(request(kUp5, kEl1Set, g_el1_value)));
  EXPECT_TRUE(harness::show_no_stall({&el1_set_then_spin_on_cpu1, &el1_get_on_cpu0, &check_el1_followed}));
  // Wherever it runs next, it has the last value.
  const ffa::Regs r = request(kUp5, kEl1Get);
  ASSERT_TRUE(answered(r));
  EXPECT_EQ(r.x[4], g_el1_value);
}

// CPU_ON cold-boots mp-c's context for that CPU before the normal world
// runs there (the SPMD enters the SPMC's cold boot at every CPU_ON, after
// a CPU_OFF too): each CPU's context has booted once more after each
// round, and before the normal world's code on that CPU started. (With a
// monitor that resumed only the normal world after CPU_OFF, the context
// booted at the first call the CPU made: after.)
namespace {
volatile uint64_t g_nwd_started[plat::kMaxCpus];
volatile uint64_t g_boots_seen[plat::kMaxCpus];
volatile uint64_t g_booted_at_seen[plat::kMaxCpus];
void boots_on_this_cpu(unsigned cpu) {
  const uint64_t started = arch::cntpct();
  const ffa::Regs r = request(kMp, kBoots);
  g_nwd_started[cpu] = started;
  g_boots_seen[cpu] = answered(r) ? r.x[4] : ~0ull;
  g_booted_at_seen[cpu] = answered(r) ? r.x[5] : ~0ull;
}
}  // namespace

PART(mp_contexts_cold_boot_at_cpu_on_before_the_normal_world) {
  uint64_t first[plat::kMaxCpus] = {};
  const unsigned cpus = harness::run_on_every_cpu(boots_on_this_cpu);
  ASSERT_TRUE(cpus >= 1);
  for (unsigned c = 1; c < cpus; ++c) first[c] = g_boots_seen[c];
  ASSERT_EQ(harness::run_on_every_cpu(boots_on_this_cpu), cpus);
  for (unsigned c = 1; c < cpus; ++c) {
    EXPECT_TRUE(first[c] >= 1 && first[c] != ~0ull);
    EXPECT_EQ(g_boots_seen[c], first[c] + 1);
    EXPECT_TRUE(g_booted_at_seen[c] != 0 && g_booted_at_seen[c] < g_nwd_started[c]);
  }
  for (unsigned c = 1; c < cpus; ++c)
    harness::printf("# CPU {}: mp-c's context cold-booted {} times, the last at counter {}; the normal world's code there "
                    "started at {}\n",
                    c, g_boots_seen[c], g_booted_at_seen[c], g_nwd_started[c]);
}

// PSCI CPU_OFF is told to mp-c's context on the CPU going off (its
// manifest asks for it: power-management-messages), as a framework direct
// request from the SPMC, and its answer decides. On each secondary CPU:
// told to refuse (DENIED), the normal world's CPU_OFF returns DENIED and
// the CPU stays on; told to answer with a partition message instead of
// the framework response, the same; then the CPU_OFF the harness makes
// when the work is done is agreed, and the CPU goes. On CPU 0, which the
// SPMC keeps, CPU_OFF is refused before mp-c is told anything.
namespace {
constexpr uint32_t kPsciCpuOff = 0x84000002;
constexpr int64_t kPsciDenied = -3;
constexpr uint64_t kAgree = 0, kRefuse = 1, kPlainAnswer = 2;
volatile uint64_t g_offs_before[plat::kMaxCpus], g_offs_after[plat::kMaxCpus], g_offs_next[plat::kMaxCpus];
volatile int64_t g_refused[plat::kMaxCpus], g_plain[plat::kMaxCpus];
volatile uint64_t g_told_at[plat::kMaxCpus], g_off_called_at[plat::kMaxCpus];
uint64_t offs_here() {
  const ffa::Regs r = request(kMp, kPower);
  return answered(r) ? r.x[4] : ~0ull;
}
void refuse_then_go(unsigned cpu) {
  if (cpu == 0) return;
  g_offs_before[cpu] = offs_here();
  (void)request(kMp, kPower, kRefuse, 1);
  g_refused[cpu] = static_cast<int64_t>(call(kPsciCpuOff).x[0]);
  (void)request(kMp, kPower, kPlainAnswer, 1);
  g_plain[cpu] = static_cast<int64_t>(call(kPsciCpuOff).x[0]);
  g_offs_after[cpu] = offs_here();
  (void)request(kMp, kPower, kAgree, 1);
  g_off_called_at[cpu] = arch::cntpct();  // the harness's CPU_OFF follows
}
void offs_since(unsigned cpu) {
  const ffa::Regs r = request(kMp, kPower);
  g_offs_next[cpu] = answered(r) ? r.x[4] : ~0ull;
  g_told_at[cpu] = answered(r) ? r.x[5] : ~0ull;
}
}  // namespace

PART(mp_partition_is_told_of_cpu_off_and_its_answer_decides) {
  const uint64_t on_cpu0 = offs_here();
  EXPECT_EQ(static_cast<int64_t>(call(kPsciCpuOff).x[0]), kPsciDenied);  // the boot CPU stays
  EXPECT_EQ(offs_here(), on_cpu0);                                      // and nobody was told
  const unsigned cpus = harness::run_on_every_cpu(refuse_then_go);
  ASSERT_TRUE(cpus >= 1);
  if (cpus == 1) {
    harness::printf("# one CPU: no CPU_OFF to tell mp-c of\n");
    return;
  }
  ASSERT_EQ(harness::run_on_every_cpu(offs_since), cpus);
  for (unsigned c = 1; c < cpus; ++c) {
    EXPECT_EQ(g_refused[c], kPsciDenied);
    EXPECT_EQ(g_plain[c], kPsciDenied);
    EXPECT_EQ(g_offs_after[c], g_offs_before[c] + 2);
    // The agreed one: the CPU went (its context booted afresh since, the
    // count in mp-c's memory goes on), told after the work on it ended.
    EXPECT_EQ(g_offs_next[c], g_offs_after[c] + 1);
    EXPECT_TRUE(g_told_at[c] > g_off_called_at[c]);
    harness::printf("# CPU {}: mp-c told of CPU_OFF {} times; refused twice here, then agreed\n", c, g_offs_next[c]);
  }
}
