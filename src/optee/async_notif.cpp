#include "optee/async_notif.h"

#include "lib/log.h"
#include "ta/tee_internal_api.h"  // GlobalPlatform's result codes

namespace optee {
namespace {
constexpr uint32_t kTeeSuccess = TEE_SUCCESS;
constexpr uint32_t kTeeErrorAccessDenied = TEE_ERROR_ACCESS_DENIED;
constexpr uint32_t kTeeErrorBadState = TEE_ERROR_BAD_STATE;
constexpr uint32_t kTeeErrorBadParameters = TEE_ERROR_BAD_PARAMETERS;
constexpr uint32_t kTeeErrorBusy = TEE_ERROR_BUSY;
}  // namespace

bool AsyncNotif::add_driver(BottomHalf fn, void* context) {
  if (driver_count_ == kMaxDrivers || !fn) return false;
  drivers_[driver_count_] = fn;
  contexts_[driver_count_] = context;
  ++driver_count_;
  return true;
}

uint32_t AsyncNotif::enable(uint16_t owner, uint32_t value) {
  if (value >= kMaxValue || owner == kNobody) return kTeeErrorBadParameters;
  const uint16_t current = this->owner();
  if (current != kNobody && current != owner) return kTeeErrorBusy;
  // The first request goes out before the state changes: a value the
  // owner cannot receive leaves things as they were.
  __atomic_store_n(&owed_, true, __ATOMIC_RELEASE);
  __atomic_store_n(&posted_, true, __ATOMIC_RELEASE);
  if (!signal_.raise(owner, value)) {
    if (current == kNobody) __atomic_store_n(&posted_, false, __ATOMIC_RELEASE);
    return kTeeErrorBadParameters;
  }
  value_ = value;
  __atomic_store_n(&owner_, owner, __ATOMIC_RELEASE);
  return kTeeSuccess;
}

uint32_t AsyncNotif::stop(uint16_t caller) {
  const uint16_t current = owner();
  if (current == kNobody) return kTeeSuccess;  // already stopped: a driver that unloads twice
  if (current != caller) return kTeeErrorAccessDenied;
  __atomic_store_n(&owner_, kNobody, __ATOMIC_RELEASE);
  __atomic_store_n(&posted_, false, __ATOMIC_RELEASE);
  return kTeeSuccess;
}

bool AsyncNotif::request() {
  __atomic_store_n(&owed_, true, __ATOMIC_RELEASE);
  const uint16_t owner = this->owner();
  if (owner == kNobody) return true;  // kept for the next enable
  __atomic_store_n(&posted_, true, __ATOMIC_RELEASE);
  return signal_.raise(owner, value_);
}

uint32_t AsyncNotif::do_bottom_half(uint16_t caller) {
  const uint16_t current = owner();
  if (current == kNobody) return kTeeErrorBadState;
  if (current != caller) return kTeeErrorAccessDenied;
  // Cleared before the drivers run: a request that arrives while they do
  // is signalled again and not lost.
  __atomic_store_n(&owed_, false, __ATOMIC_RELEASE);
  for (unsigned i = 0; i < driver_count_; ++i) drivers_[i](contexts_[i]);
  ++runs_;
  return kTeeSuccess;
}

uint32_t async_notif_command(AsyncNotif* async, bool bottom_half, uint32_t num_params, uint16_t caller) {
  if (num_params != 0) return kTeeErrorBadParameters;
  if (!async) return TEE_ERROR_NOT_IMPLEMENTED;
  if (!bottom_half) return async->stop(caller);
  const uint64_t before = async->bottom_halves();
  const uint32_t r = async->do_bottom_half(caller);
  if (r == 0 && before == 0) lib::log::info("async notifications: first bottom half for endpoint {:x}", caller);
  return r;
}

bool AsyncNotif::take_value(uint32_t& value) {
  // A load and a store, not an exchange (no outline atomics in firmware):
  // a request racing in between is not lost, since every request raises
  // the signal again and the bottom half it owes runs after this anyway.
  if (!enabled() || !__atomic_load_n(&posted_, __ATOMIC_ACQUIRE)) return false;
  __atomic_store_n(&posted_, false, __ATOMIC_RELEASE);
  value = 0;  // OPTEE_SMC_ASYNC_NOTIF_VALUE_DO_BOTTOM_HALF
  return true;
}

}  // namespace optee
