// The secure physical timer (CNTPS, PPI 29) as a device the trusted OS
// owns: FF-A's top-half/bottom-half driver pattern, end to end. (As an
// S-EL1 partition, the EL1 physical timer the S-EL2 SPMC emulates for it:
// secure_timer.cpp.)
//  - arm(): the normal world asks (a Tessera message to the trusted OS) for
//    an interrupt some ticks from now, and names the notification IDs it
//    bound to the trusted OS for it.
//  - top_half(): the interrupt arrives (FFA_INTERRUPT from the SPMD while
//    the normal world runs); it only records the event and sets the
//    notification, which raises the schedule receiver interrupt.
//  - bottom_half(): the normal world's driver, told by the notification,
//    comes back with a call that takes the recorded events.
// Armed without notification IDs, the timer uses OP-TEE's own pattern
// instead: the top half requests a bottom half (optee::AsyncNotif), and the
// normal world's OPTEE_MSG_CMD_DO_BOTTOM_HALF takes the events in a thread.
#pragma once

#include <cstdint>

#include "ffa/ids.h"
#include "sel1/optee_endpoint.h"
#include "spmc/endpoint.h"

namespace sel1 {

inline constexpr unsigned kSecureTimerPpi = 29;

class SecureTimer final : public DeviceService {
 public:
  // Claims PPI 29 at the GIC (Secure Group 1) for this CPU (as a
  // partition: nothing to claim).
  void init(spmc::LocalNotifications& notifications, ffa::EndpointId self);
  uint32_t arm(uint64_t ticks, ffa::EndpointId receiver, uint64_t ids) override;
  void bottom_half(uint64_t out[3]) override;
  void attach_async(optee::AsyncNotif& async) override;
  // From the interrupt path, with interrupts masked: record, notify.
  void top_half();
  // This CPU goes off (PSCI CPU_OFF): its timer stops.
  void stop_on_this_cpu();

 private:
  static void async_bottom_half(void* self);
  spmc::LocalNotifications* notifications_ = nullptr;
  optee::AsyncNotif* async_ = nullptr;
  ffa::EndpointId self_;
  ffa::EndpointId receiver_;
  uint64_t ids_ = 0;            // 0: OP-TEE's bottom half (async_) instead
  uint64_t events_ = 0;         // top halves run
  uint64_t taken_ = 0;          // events the bottom half has taken
  uint64_t last_latency_ = 0;   // counter ticks from the deadline to the top half
  uint64_t deadline_ = 0;
  // The CPU whose timer holds the deadline (the timer is per CPU).
  static constexpr unsigned kNoCpu = ~0u;
  unsigned armed_cpu_ = kNoCpu;
};

// The one instance (the placement's interrupt path reaches it here).
SecureTimer& secure_timer();

}  // namespace sel1
