// Where the SPMC core and the trusted OS meet in the S-EL1 placement, and
// the locks change hands (sel1/core_lock.h):
//  - a direct request to the trusted OS: the core's lock, where this CPU
//    holds it (a partition's request; the normal world's come without it,
//    spmc::Core::answer_without_lock), is let go, the trusted OS's taken, the trusted OS answers (a yielding call may run a
//    Trusted Application in one of its threads until it ends, needs the
//    normal world, or a normal-world interrupt stops it), and the locks go
//    back as they were. The core keeps nothing of its own across the call
//    (spmc::LocalEndpoint says so).
//  - the trusted OS's calls into the core (its shared memory, the
//    notifications it sets): each under the core's lock.
#pragma once

#include "spmc/endpoint.h"

namespace sel1 {

class TrustedOsGate final : public spmc::LocalEndpoint,
                            public spmc::LocalMemory,
                            public spmc::LocalNotifications {
 public:
  TrustedOsGate(spmc::LocalEndpoint& os, spmc::LocalMemory& memory, spmc::LocalNotifications& notifications)
      : os_(os), memory_(memory), notifications_(notifications) {}

  void on_direct_request(const spmc::DirectMessage& request, spmc::DirectMessage& response) override;

  ffa::Result<spmc::LocalShare> local_retrieve(ffa::EndpointId me, ffa::EndpointId lender, uint64_t handle) override;
  ffa::Result<unsigned> local_ranges(ffa::EndpointId me, ffa::EndpointId lender, uint64_t handle,
                                     ffa::MemConstituent* out, unsigned max,
                                     bool& writable) override;
  ffa::Status local_relinquish(ffa::EndpointId me, uint64_t handle) override;
  bool shared_with(ffa::EndpointId me, uint64_t handle, ffa::EndpointId lender) override;

  ffa::Status local_notification_set(ffa::EndpointId me, ffa::EndpointId receiver, uint64_t ids) override;

 private:
  spmc::LocalEndpoint& os_;
  spmc::LocalMemory& memory_;
  spmc::LocalNotifications& notifications_;
};

}  // namespace sel1
