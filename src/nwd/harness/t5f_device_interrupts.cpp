// A partition that owns a device and its interrupt (the gpio-driver
// partition, 0x8006, with QEMU virt's PL061 GPIO controller and SPI 7):
// the secure interrupt reaches it while we run, its top half notifies us,
// and our driver runs its bottom half, which our own interrupts preempt.
#include "arch/aarch64/sysreg.h"
#include "ffa/notifications.h"
#include "lib/lcg.h"
#include "nwd/harness/ffa_client.h"
#include "nwd/harness/gic.h"
#include "nwd/harness/smp.h"
#include "nwd/harness/test.h"

using ffa::Func;
using harness::call;
using harness::error_code;

namespace {
constexpr uint16_t kDriver = 0x8006;
constexpr uint64_t kRaise = 0x52414953, kBottom = 0x424F5448, kNotify = 0x4E4F5449, kStatus = 0x53544154;
constexpr uint64_t kId = 1ull << 41;  // the notification the driver's top half sets for us
constexpr uint32_t kGpioSpi = 39;

ffa::Regs driver(uint64_t command, uint64_t a = 0, uint64_t b = 0, unsigned* interruptions = nullptr) {
  return harness::until_answered(call(Func::msg_send_direct_req_64, kDriver, 0, command, a, b), interruptions);
}
uint64_t top_halves() { return driver(kStatus).x[3]; }

}  // namespace

TEST(device_interrupts, partition_initialised_its_device_and_was_refused_the_rest) {
  const ffa::Regs r = driver(kStatus);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_64));
  // HF_INTERRUPT_ENABLE of its own SPI worked; of the trusted OS's UART
  // SPI and of a PPI it was refused; DEACTIVATE of an inactive interrupt
  // and GET with nothing pending were refused.
  EXPECT_EQ(r.x[6], 0x1F);
}

TEST(device_interrupts, top_half_in_the_partition_bottom_half_on_our_request) {
  ASSERT_TRUE(harness::discover());
  const unsigned sgi = call(Func::features, ffa::notification::kFeatureSri).w(2);
  harness::gic::enable_sgi(sgi);
  // Our bitmap may exist already (an earlier test made it).
  const ffa::Regs created = call(Func::notification_bitmap_create, 0, 1);
  ASSERT_TRUE(ffa::is_success(created) || error_code(created) == -6);
  ASSERT_TRUE(ffa::is_success(call(Func::notification_bind, uint32_t{kDriver} << 16, 0, 0, kId >> 32)));
  ASSERT_EQ(driver(kNotify, kId).x[3], 0);
  const uint64_t halves = top_halves();
  const unsigned before = harness::gic::taken(sgi);

  // The device asserts its interrupt while the driver answers us; it
  // reaches the secure world as soon as we run again.
  ASSERT_EQ(driver(kRaise).x[3], 0);
  (void)harness::gic::wait_taken(sgi, before, arch::cntfrq() / 10);
  ASSERT_EQ(harness::gic::taken(sgi), before + 1);
  ffa::Regs r = call(Func::notification_info_get_64);
  ASSERT_TRUE(ffa::is_success(r));
  r = call(Func::notification_get, 0, ffa::notification::kGetFromSp);
  EXPECT_TRUE((r.w(3) & (kId >> 32)) != 0);  // (earlier tests may have left others)

  // The bottom half: long enough for our timer to preempt it.
  harness::gic::enable_private(harness::gic::kPhysicalTimerPpi);
  constexpr uint64_t kRounds = 2000000, kSeed = 0xB0B;
  const uint64_t want = lib::lcg_spin(kRounds, kSeed);
  unsigned interruptions = 0;
  harness::gic::arm_physical_timer(arch::cntfrq() / 10000);  // 100 us
  r = driver(kBottom, kRounds, kSeed, &interruptions);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_64));
  EXPECT_EQ(r.x[3], 1);  // one event taken
  EXPECT_EQ(r.x[5], want);
  harness::printf("# gpio driver: bottom half preempted {} times\n", interruptions);
  EXPECT_EQ(driver(kBottom).x[3], 0);  // nothing new

  r = driver(kStatus);
  EXPECT_EQ(r.x[3], halves + 1);
  EXPECT_EQ(r.x[4], kGpioSpi);
  EXPECT_EQ(r.x[5], ffa::raw(Func::success_32));  // its FFA_NOTIFICATION_SET
  EXPECT_EQ(r.x[7], 0);                            // every deactivation accepted
  ASSERT_TRUE(ffa::is_success(call(Func::notification_unbind, uint32_t{kDriver} << 16, 0, 0, kId >> 32)));
  ASSERT_EQ(driver(kNotify, 0).x[3], 0);
}

namespace {
// CPU 1 asks the driver to raise its device's line and then spin; CPU 1's
// timer preempts the spin. The SPI goes to CPU 0, which waits here in the
// normal world meanwhile.
volatile unsigned g_cpu1_interruptions;
volatile uint64_t g_cpu1_last;
volatile bool g_cpu1_done, g_cpu1_right;
void raise_on_cpu1(unsigned cpu) {
  if (cpu == 1) {
    constexpr uint64_t kRounds = 2000000, kSeed = 0x600D;
    harness::gic::enable_private(harness::gic::kPhysicalTimerPpi);
    unsigned interruptions = 0;
    // Every 100 us until the first stops the driver, so that an interrupt
    // the normal world takes before its call reaches the secure world (a
    // slow or busy host) is followed by one that does. Then off: the
    // driver must get on with its work.
    harness::gic::set_physical_timer_period(arch::cntfrq() / 10000);
    harness::gic::arm_physical_timer(arch::cntfrq() / 10000);
    ffa::Regs r = call(Func::msg_send_direct_req_64, kDriver, 0, kRaise, kRounds, kSeed);
    while (r.w(0) == ffa::raw(Func::interrupt) && interruptions < 100000) {
      if (interruptions++ == 0) harness::gic::set_physical_timer_period(0);
      r = call(Func::run, r.w(1));
    }
    harness::gic::set_physical_timer_period(0);  // (off, if no interrupt came)
    g_cpu1_last = r.x[0] | uint64_t{r.w(2)} << 32;
    g_cpu1_right = r.w(0) == ffa::raw(Func::msg_send_direct_resp_64) && r.x[4] == lib::lcg_spin(kRounds, kSeed);
    g_cpu1_interruptions = interruptions;
    g_cpu1_done = true;
  } else if (cpu == 0) {
    // Wait for CPU 1 while it is on (0) or on its way (2); without a CPU 1
    // (-2) there is nothing to wait for.
    const uint64_t t0 = arch::cntpct();
    for (;;) {
      const int64_t state = static_cast<int64_t>(call(0xC4000004, 1, 0).x[0]);  // AFFINITY_INFO
      if (g_cpu1_done || (state != 0 && state != 2) || arch::cntpct() - t0 > arch::cntfrq() * 30) break;
    }
  }
}
}  // namespace

TEST(device_interrupts, interrupt_while_its_owner_is_preempted_waits_until_it_answers) {
  // The driver runs on CPU 1 for CPU 1's request. The SPI it raises is
  // routed to CPU 0, whose SPMC entry finds the driver busy (running, then
  // preempted by CPU 1's timer): the interrupt is held back, and comes
  // back to CPU 0 once the driver has answered CPU 1.
  unsigned interruptions = 0;
  int attempt = 0;
  for (; attempt < 10 && interruptions == 0; ++attempt) {
    const uint64_t halves = top_halves();
    g_cpu1_done = false;
    g_cpu1_right = false;
    g_cpu1_interruptions = 0;
    const unsigned n = harness::run_on_every_cpu(raise_on_cpu1);
    ASSERT_TRUE(n != 0);  // every CPU finished
    if (n == 1) {
      harness::printf("# one CPU: nothing to check\n");
      return;
    }
    ASSERT_TRUE(g_cpu1_done);
    EXPECT_TRUE(g_cpu1_right);  // (g_cpu1_last: the answer's w0 | w2 << 32)
    if (!g_cpu1_right) harness::printf("# CPU 1's answer: {:x}\n", g_cpu1_last);
    interruptions = g_cpu1_interruptions;
    // The top half ran once, here on CPU 0, whichever way it went.
    const uint64_t t0 = arch::cntpct();
    while (top_halves() == halves && arch::cntpct() - t0 < arch::cntfrq()) {
    }
    EXPECT_EQ(top_halves(), halves + 1);
    EXPECT_EQ(driver(kBottom).x[3], 1);
  }
  EXPECT_TRUE(interruptions >= 1);
  harness::printf("# gpio driver: preempted on CPU 1 while its interrupt was pending for CPU 0, attempt {}\n", attempt);
}
TEST(device_interrupts, other_partitions_cannot_take_its_interrupt) {
  // Echo asks Hafnium's calls for the driver's SPI: refused (-1), and the
  // driver's device still works afterwards.
  ffa::Regs r = call(Func::msg_send_direct_req_64, 0x8001, 0, 0x48464945, kGpioSpi);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_64));
  EXPECT_EQ(r.x[3], ~uint64_t{0});
  EXPECT_EQ(r.x[4], ~uint64_t{0});
  const uint64_t halves = top_halves();
  ASSERT_EQ(driver(kRaise).x[3], 0);
  EXPECT_EQ(top_halves(), halves + 1);
  EXPECT_EQ(driver(kBottom).x[3], 1);
}
