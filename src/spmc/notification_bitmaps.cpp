// One receiver's notification bitmaps and their rules
// (notification_bitmaps.h).
#include "spmc/notification_bitmaps.h"

namespace spmc {

using ffa::Error;

uint64_t NotificationBitmaps::pending_ids() const {
  uint64_t pending = global_from_sp | global_from_vm;
  for (unsigned v = 0; v < kMaxVcpus; ++v) pending |= vcpu_from_sp[v] | vcpu_from_vm[v];
  return pending;
}

ffa::Status NotificationBitmaps::bind(uint64_t ids, ffa::EndpointId from, bool per_vcpu_ids) {
  if (bound & ids) return Error::denied;
  bound |= ids;
  if (per_vcpu_ids) per_vcpu |= ids;
  for (unsigned i = 0; i < kIds; ++i)
    if ((ids >> i) & 1) sender[i] = from;
  return {};
}

ffa::Status NotificationBitmaps::unbind(uint64_t ids, ffa::EndpointId from) {
  for (unsigned i = 0; i < kIds; ++i)
    if (((ids >> i) & 1) && (!((bound >> i) & 1) || !(sender[i] == from))) return Error::denied;
  if (pending_ids() & ids) return Error::denied;
  bound &= ~ids;
  per_vcpu &= ~ids;
  return {};
}

}  // namespace spmc
