// The GPIO driver partition: owns QEMU virt's PL061 GPIO controller and its
// interrupt (SPI 7, INTID 39) through its manifest's device-regions, and
// drives it the way FF-A's top-half/bottom-half pattern describes:
//  - its top half runs when the SPMC hands it the interrupt (FFA_INTERRUPT
//    out of its FFA_MSG_WAIT): it takes the interrupt (HF_INTERRUPT_GET),
//    quietens the device, counts the event, ends the interrupt
//    (HF_INTERRUPT_DEACTIVATE) and notifies the normal world;
//  - its bottom half is a direct request the normal world's driver makes
//    once notified: it takes the events and does the long work, during
//    which the normal world's own interrupts may preempt it (its manifest
//    has them signalled) and FFA_RUN resumes it.
// The device: pin 7, an output configured to interrupt while high (level),
// which nothing else on the board drives.
//
// Direct requests (64-bit), command in x3:
//   0x52414953 RAISE   drive pin 7 high (the device asserts its interrupt,
//                      which arrives once the secure world returns), then
//                      spin x4 rounds from seed x5: x3 = 0, x4 = the result
//   0x424F5448 BOTTOM  the bottom half: take the events the top half
//                      counted, spin x4 rounds from seed x5: x3 = events
//                      taken, x4 = events in all, x5 = the result
//   0x4E4F5449 NOTIFY  the notification IDs x4 to set for the normal world
//                      (VM 0) at each event: x3 = 0
//   0x53544154 STATUS  x3 = top halves run, x4 = the last interrupt ID
//                      HF_INTERRUPT_GET gave, x5 = the last FFA_NOTIFICATION_SET
//                      w0 (or FFA_ERROR's w2 in the upper half), x6 = the
//                      initialisation's checks (0x1F when all passed),
//                      x7 = failed HF_INTERRUPT_DEACTIVATE calls
#include "ffa/hf_interrupt.h"
#include "lib/lcg.h"
#include "sp/ffa.h"

namespace {

constexpr uint64_t kRaise = 0x52414953, kBottom = 0x424F5448, kNotify = 0x4E4F5449, kStatus = 0x53544154;
constexpr uint32_t kGpioSpi = 39;
constexpr uint16_t kSelf = 0x8006;  // the manifest's id

// PL061 registers. GPIODATA is addressed through a mask: address bits
// [9:2] select the pins a write changes.
constexpr uint64_t kGpio = 0x09030000;
constexpr uint32_t kPin = 1u << 7;
constexpr uint64_t kData = kPin << 2, kDir = 0x400, kIs = 0x404, kIev = 0x40C, kIe = 0x410, kIc = 0x41C;
volatile uint32_t& reg(uint64_t offset) { return *reinterpret_cast<volatile uint32_t*>(kGpio + offset); }

uint64_t hf(uint32_t fid, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0) {
  return sp::svc(ffa::Regs{{fid, a1, a2, a3}}).x[0];
}

uint64_t g_events, g_taken, g_top_halves, g_last_intid, g_notify_ids, g_notify_result, g_checks,
    g_deactivate_failures;

void top_half(uint32_t) {
  for (uint64_t id = hf(ffa::hf::kInterruptGet); id != ffa::hf::kInvalidIntid; id = hf(ffa::hf::kInterruptGet)) {
    g_last_intid = id;
    if (id == kGpioSpi) {
      // Quieten the device first (the pin low, then its latched state
      // cleared), or the level-triggered line comes straight back.
      reg(kData) = 0;
      reg(kIc) = kPin;
      ++g_events;
    }
    if (hf(ffa::hf::kInterruptDeactivate, id, id) != 0) ++g_deactivate_failures;
  }
  ++g_top_halves;
  if (g_notify_ids == 0) return;
  const ffa::Regs r = sp::svc(ffa::Regs{{ffa::raw(ffa::Func::notification_set), uint32_t{kSelf} << 16, 0,
                                         static_cast<uint32_t>(g_notify_ids), g_notify_ids >> 32}});
  g_notify_result = r.fid() | (ffa::is_error(r) ? uint64_t{r.w(2)} << 32 : 0);
}

// The device set up, its interrupt enabled, and the calls a partition
// must not get away with checked (one bit each).
void init() {
  reg(kIe) = 0;
  reg(kData) = 0;
  reg(kDir) = reg(kDir) | kPin;  // output
  reg(kIs) = reg(kIs) | kPin;    // level-sensitive ...
  reg(kIev) = reg(kIev) | kPin;  // ... while high
  reg(kIc) = kPin;
  reg(kIe) = kPin;
  uint64_t checks = 0;
  if (hf(ffa::hf::kInterruptEnable, kGpioSpi, 1, ffa::hf::kTypeIrq) == 0) checks |= 1;
  if (hf(ffa::hf::kInterruptEnable, 40, 1, ffa::hf::kTypeIrq) == ffa::hf::kFailed) checks |= 2;  // the TOS's UART
  if (hf(ffa::hf::kInterruptEnable, 30, 1, ffa::hf::kTypeIrq) == ffa::hf::kFailed) checks |= 4;  // a PPI
  if (hf(ffa::hf::kInterruptDeactivate, kGpioSpi, kGpioSpi) == ffa::hf::kFailed) checks |= 8;     // not active
  if (hf(ffa::hf::kInterruptGet) == ffa::hf::kInvalidIntid) checks |= 16;                        // none pending
  g_checks = checks;
}

ffa::Regs serve(const ffa::Regs& msg) {
  switch (msg.x[3]) {
    case kRaise:
      reg(kData) = kPin;
      return sp::respond(msg, 0, lib::lcg_spin(msg.x[4], msg.x[5]));
    case kBottom: {
      const uint64_t taken = g_events - g_taken;
      g_taken = g_events;
      const uint64_t result = lib::lcg_spin(msg.x[4], msg.x[5]);
      return sp::respond(msg, taken, g_events, result);
    }
    case kNotify:
      g_notify_ids = msg.x[4];
      return sp::respond(msg, 0);
    case kStatus:
      return sp::respond(msg, g_top_halves, g_last_intid, g_notify_result, g_checks, g_deactivate_failures);
    default:
      return sp::respond(msg, ~uint64_t{0});
  }
}

}  // namespace

extern "C" [[noreturn]] void sp_main(uint64_t) {
  init();
  sp::on_interrupt = top_half;
  sp::log("gpio-driver: PL061 pin 7, interrupt 39\n");
  ffa::Regs msg = sp::wait();
  for (;;) msg = serve(msg);
}
