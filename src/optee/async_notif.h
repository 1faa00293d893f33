// OP-TEE's asynchronous notifications, as both of its ABIs carry them: the
// trusted OS asks the normal world's driver to come back with a yielding
// call, OPTEE_MSG_CMD_DO_BOTTOM_HALF, in which the drivers' bottom halves
// run in a thread (where they may be preempted, sleep or make RPCs).
//  - FF-A: the driver binds one of our FF-A notifications and names it in
//    OPTEE_FFA_ENABLE_ASYNC_NOTIF (w4 < 64); a request sets it.
//  - SMC: OPTEE_SMC_ENABLE_ASYNC_NOTIF; a request raises the interrupt that
//    /firmware/optee names, and OPTEE_SMC_GET_ASYNC_NOTIF_VALUE hands out
//    value 0 (OPTEE_SMC_ASYNC_NOTIF_VALUE_DO_BOTTOM_HALF).
// One normal-world endpoint owns them (the first to enable; another is
// refused BUSY until the owner sends OPTEE_MSG_CMD_STOP_ASYNC_NOTIF).
// Enabling requests one bottom half at once: the drivers get their first
// run (OP-TEE delivers NOTIF_EVENT_STARTED there) and the whole path is
// exercised the moment the driver turns it on, not at the first event.
//
// Portable. request() may run on any CPU with interrupts masked (a top
// half) while a thread runs the bottom halves on another: the owed flags
// are atomic; enable/stop/do_bottom_half run under the front end's lock.
#pragma once

#include <cstdint>

namespace optee {

class AsyncNotif {
 public:
  static constexpr uint32_t kMaxValue = 64;  // OPTEE_FFA_MAX_ASYNC_NOTIF_VALUE
  static constexpr unsigned kMaxDrivers = 4;
  static constexpr uint16_t kNobody = 0xFFFF;

  // How a request reaches the owner: false when it could not be delivered.
  class Signal {
   public:
    virtual bool raise(uint16_t owner, uint32_t value) = 0;

   protected:
    ~Signal() = default;
  };
  // A driver's bottom half, run by DO_BOTTOM_HALF in a thread.
  using BottomHalf = void (*)(void* context);

  explicit AsyncNotif(Signal& signal) : signal_(signal) {}

  // At boot, before any call: false when kMaxDrivers are registered.
  bool add_driver(BottomHalf fn, void* context);

  // OPTEE_*_ENABLE_ASYNC_NOTIF from `owner`: a TEE result. `value` is the
  // FF-A notification ID to set (the SMC ABI passes 0).
  //   TEE_ERROR_BAD_PARAMETERS: value >= 64, or the first request could not
  //     be delivered (over FF-A: the owner did not bind that notification);
  //   TEE_ERROR_BUSY: another endpoint owns them.
  uint32_t enable(uint16_t owner, uint32_t value);
  // OPTEE_MSG_CMD_STOP_ASYNC_NOTIF: 0, or TEE_ERROR_ACCESS_DENIED from an
  // endpoint that is not the owner. Requests are kept, not signalled.
  uint32_t stop(uint16_t caller);
  // From a top half: a bottom half is owed. Signalled at once when enabled
  // (false if the signal failed); otherwise kept for the next enable.
  bool request();
  // OPTEE_MSG_CMD_DO_BOTTOM_HALF, in a thread: runs every driver's bottom
  // half. TEE_ERROR_BAD_STATE when not enabled, TEE_ERROR_ACCESS_DENIED
  // from an endpoint that is not the owner.
  uint32_t do_bottom_half(uint16_t caller);
  // OPTEE_SMC_GET_ASYNC_NOTIF_VALUE: the next posted value (only 0, the
  // bottom half, is ever posted); false when none is.
  bool take_value(uint32_t& value);

  bool enabled() const { return __atomic_load_n(&owner_, __ATOMIC_ACQUIRE) != kNobody; }
  uint16_t owner() const { return __atomic_load_n(&owner_, __ATOMIC_ACQUIRE); }
  uint32_t value() const { return value_; }
  bool owed() const { return __atomic_load_n(&owed_, __ATOMIC_ACQUIRE); }
  uint64_t bottom_halves() const { return runs_; }

 private:
  Signal& signal_;
  BottomHalf drivers_[kMaxDrivers] = {};
  void* contexts_[kMaxDrivers] = {};
  unsigned driver_count_ = 0;
  uint16_t owner_ = kNobody;
  uint32_t value_ = 0;
  bool owed_ = false;    // a bottom half was requested and has not run
  bool posted_ = false;  // SMC: value 0 not yet taken by GET_ASYNC_NOTIF_VALUE
  uint64_t runs_ = 0;
};

// OPTEE_MSG_CMD_DO_BOTTOM_HALF (`bottom_half`) or _STOP_ASYNC_NOTIF from
// `caller`, answered the same way over both ABIs (a TEE result):
// TEE_ERROR_BAD_PARAMETERS with parameters (they carry none; Linux sends
// none), TEE_ERROR_NOT_IMPLEMENTED without asynchronous notifications
// (`async` null), otherwise do_bottom_half() or stop(). The first bottom
// half that runs is logged: the console shows that a normal world's driver
// answers the notifications.
uint32_t async_notif_command(AsyncNotif* async, bool bottom_half, uint32_t num_params, uint16_t caller);

}  // namespace optee
