#include "sel1/secure_timer.h"

#include "arch/aarch64/gicv3.h"
#include "arch/aarch64/sysreg.h"
#include "lib/log.h"
#include "sel1/core_lock.h"

namespace sel1 {
namespace {
constexpr uint64_t kCtlEnable = 1u << 0;
constexpr uint8_t kPriority = 0x40;  // above anything the normal world uses
constinit SecureTimer g_timer;
}  // namespace

SecureTimer& secure_timer() { return g_timer; }

void SecureTimer::init(spmc::LocalNotifications& notifications, ffa::EndpointId self) {
  notifications_ = &notifications;
  self_ = self;
  TESSERA_SYSREG_WRITE(S3_7_C14_C2_1, 0);  // CNTPS_CTL_EL1: off
  arch::gicv3::configure_secure_ppi(kSecureTimerPpi, kPriority);
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
  receiver_ = receiver;
  ids_ = ids;
  deadline_ = arch::cntpct() + ticks;
  TESSERA_SYSREG_WRITE(S3_7_C14_C2_2, deadline_);   // CNTPS_CVAL_EL1
  TESSERA_SYSREG_WRITE(S3_7_C14_C2_1, kCtlEnable);  // CNTPS_CTL_EL1: on, unmasked
  arch::isb();
  return 0;
}

void SecureTimer::top_half() {
  // Quiet the device first (a level-triggered PPI would fire again), note
  // the event, and tell its client. Nothing else runs here.
  TESSERA_SYSREG_WRITE(S3_7_C14_C2_1, 0);
  arch::isb();
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
  TESSERA_SYSREG_WRITE(S3_7_C14_C2_1, 0);  // CNTPS_CTL_EL1: off
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
