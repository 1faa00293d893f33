#include "sel1/secure_timer.h"

#include "arch/aarch64/sysreg.h"
#if !TESSERA_TOS_PARTITION
#include "arch/aarch64/gicv3.h"
#endif
#include "lib/log.h"
#include "sel1/core_lock.h"

namespace sel1 {
namespace {
constexpr uint64_t kCtlEnable = 1u << 0;
constinit SecureTimer g_timer;

// Which timer. In the S-EL1 SPMC's image: the secure physical timer
// (CNTPS_CTL_EL1, CNTPS_CVAL_EL1), its PPI claimed at the GIC. As an S-EL1
// partition under the S-EL2 SPMC, CNTPS is not S-EL1's to use (with S-EL2
// enabled its accesses are UNDEFINED there): the EL1 physical timer
// (CNTP_CTL_EL0, CNTP_CVAL_EL0), which the SPMC emulates for each vCPU
// and whose interrupt comes as Hafnium's virtual timer interrupt (the
// serve loop's FFA_INTERRUPT, sp_main.cpp).
#if TESSERA_TOS_PARTITION
void write_ctl(uint64_t v) { TESSERA_SYSREG_WRITE(cntp_ctl_el0, v); }
void write_cval(uint64_t v) { TESSERA_SYSREG_WRITE(cntp_cval_el0, v); }
void claim_interrupt() {}
#else
constexpr uint8_t kPriority = 0x40;  // above anything the normal world uses
void write_ctl(uint64_t v) { TESSERA_SYSREG_WRITE(S3_7_C14_C2_1, v); }   // CNTPS_CTL_EL1
void write_cval(uint64_t v) { TESSERA_SYSREG_WRITE(S3_7_C14_C2_2, v); }  // CNTPS_CVAL_EL1
void claim_interrupt() { arch::gicv3::configure_secure_private(kSecureTimerPpi, kPriority); }
#endif
}  // namespace

SecureTimer& secure_timer() { return g_timer; }

void SecureTimer::init(spmc::LocalNotifications& notifications, ffa::EndpointId self) {
  notifications_ = &notifications;
  self_ = self;
  write_ctl(0);
  claim_interrupt();
}

void SecureTimer::attach_async(optee::AsyncNotif& async) {
  if (async.add_driver(&SecureTimer::async_bottom_half, this)) async_ = &async;
}

// arm() and the bottom halves come from the trusted OS, the top half from
// the core's interrupt path, on any CPU: the timer's record is kept under
// the core's lock (sel1/core_lock.h), which the top half already holds.
uint32_t SecureTimer::arm(uint64_t ticks, ffa::EndpointId receiver, uint64_t ids) {
  CoreLock held;
  // A deadline far away is no test of anything and would never end a run.
  if (ticks == 0 || ticks > arch::cntfrq()) return static_cast<uint32_t>(ffa::Error::invalid_parameters);
  // No IDs: OP-TEE's bottom half, which only its owner can be told of.
  if (ids == 0 && !(async_ && async_->owner() == receiver.raw()))
    return static_cast<uint32_t>(ffa::Error::invalid_parameters);
  // One deadline at a time: one armed on another CPU (its timer is that
  // CPU's) is superseded, and its interrupt, if it still comes, ends
  // there without an event (top_half).
  armed_cpu_ = arch::cpu_index();
  receiver_ = receiver;
  ids_ = ids;
  deadline_ = arch::cntpct() + ticks;
  write_cval(deadline_);
  write_ctl(kCtlEnable);  // on, unmasked
  arch::isb();
  return 0;
}

void SecureTimer::top_half() {
  // Quiet the device first (a level-triggered PPI would fire again), note
  // the event, and tell its client. Nothing else runs here.
  write_ctl(0);
  arch::isb();
  if (arch::cpu_index() != armed_cpu_) return;  // a superseded deadline (arm)
  armed_cpu_ = kNoCpu;
  last_latency_ = arch::cntpct() - deadline_;
  ++events_;
  if (ids_ == 0) {
    if (async_ && !async_->request()) {
      static constinit lib::log::RateLimit limit;
      lib::log::warn_limited(limit, "secure timer: the bottom-half notification could not be set");
    }
  } else if (notifications_) {
    auto s = notifications_->local_notification_set(self_, receiver_, ids_);
    if (!s) {
      // The receiver decides whether it binds the notification, and the
      // timer can fire every tick: rate limited.
      static constinit lib::log::RateLimit limit;
      lib::log::warn_limited(limit, "secure timer: notification refused ({}); the event waits for a bottom half",
                             ffa::to_string(s.error()));
    }
  }
}

void SecureTimer::stop_on_this_cpu() {
  write_ctl(0);
  arch::isb();
}

// OPTEE_MSG_CMD_DO_BOTTOM_HALF, in a thread: the events are taken here,
// so kTesseraTimerBottomHalf finds none new.
void SecureTimer::async_bottom_half(void* self) {
  auto* timer = static_cast<SecureTimer*>(self);
  CoreLock held;
  timer->taken_ = timer->events_;
}

void SecureTimer::bottom_half(uint64_t out[3]) {
  CoreLock held;
  // The slow part of the driver would run here, preemptible; this one
  // hands over what the top half recorded.
  out[0] = events_ - taken_;
  out[1] = events_;
  out[2] = last_latency_;
  taken_ = events_;
}

}  // namespace sel1
