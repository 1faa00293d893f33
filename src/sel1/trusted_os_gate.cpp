#include "sel1/trusted_os_gate.h"

#include "sel1/core_lock.h"

namespace sel1 {

void TrustedOsGate::on_direct_request(const spmc::DirectMessage& request, spmc::DirectMessage& response) {
  // From the normal world (the serve loop answers it without the core's
  // lock: spmc::Core::answer_without_lock) or from a partition (hosted.run
  // holds it, and it is let go of here), so that the trusted OS's lock is
  // never waited for with the core's held.
  const unsigned depth = release_core();
  lock_trusted_os();
  os_.on_direct_request(request, response);
  unlock_trusted_os();
  reacquire_core(depth);
}

ffa::Result<spmc::LocalShare> TrustedOsGate::local_retrieve(ffa::EndpointId me, ffa::EndpointId lender,
                                                            uint64_t handle) {
  CoreLock held;
  return memory_.local_retrieve(me, lender, handle);
}

ffa::Result<unsigned> TrustedOsGate::local_ranges(ffa::EndpointId me, ffa::EndpointId lender, uint64_t handle,
                                                  ffa::MemConstituent* out, unsigned max, bool& writable) {
  CoreLock held;
  return memory_.local_ranges(me, lender, handle, out, max, writable);
}

ffa::Status TrustedOsGate::local_relinquish(ffa::EndpointId me, uint64_t handle) {
  CoreLock held;
  return memory_.local_relinquish(me, handle);
}

bool TrustedOsGate::shared_with(ffa::EndpointId me, uint64_t handle, ffa::EndpointId lender) {
  CoreLock held;
  return memory_.shared_with(me, handle, lender);
}

ffa::Status TrustedOsGate::local_notification_set(ffa::EndpointId me, ffa::EndpointId receiver, uint64_t ids) {
  CoreLock held;  // from the trusted OS; from a top half the core's lock is this CPU's already
  return notifications_.local_notification_set(me, receiver, ids);
}

}  // namespace sel1
