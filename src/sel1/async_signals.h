// How OP-TEE's asynchronous notifications (optee/async_notif.h) reach the
// normal world in each configuration.
#pragma once

#include <cstdint>

#include "ffa/ids.h"
#include "optee/async_notif.h"
#include "spmc/endpoint.h"

namespace sel1 {

// FF-A: the notification the driver bound and named, set by the trusted
// OS's endpoint. Refused (so enable is refused) when it is not bound.
class FfaAsyncSignal final : public optee::AsyncNotif::Signal {
 public:
  FfaAsyncSignal(spmc::LocalNotifications& notifications, ffa::EndpointId self)
      : notifications_(notifications), self_(self) {}
  bool raise(uint16_t owner, uint32_t value) override {
    return static_cast<bool>(
        notifications_.local_notification_set(self_, ffa::EndpointId(owner), uint64_t{1} << value));
  }

 private:
  spmc::LocalNotifications& notifications_;
  ffa::EndpointId self_;
};

// The SMC ABI: a Non-secure Group 1 SPI made pending at the distributor
// (edge-triggered, as /firmware/optee's `interrupts` says); the driver's
// handler then asks OPTEE_SMC_GET_ASYNC_NOTIF_VALUE. OP-TEE's QEMU port
// uses the same interrupt (CFG_CORE_ASYNC_NOTIF_GIC_INTID = 219).
inline constexpr unsigned kAsyncNotifIntid = 219;

class GicAsyncSignal final : public optee::AsyncNotif::Signal {
 public:
  bool raise(uint16_t owner, uint32_t value) override;
};

}  // namespace sel1
