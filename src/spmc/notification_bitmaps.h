// One receiver's notifications (FF-A v1.2 chapter 11), a part of the core
// with its own state and rules: which IDs it bound to which sender,
// which are pending (global, or per vCPU, split by whether a partition or
// a VM set them), and whether FFA_NOTIFICATION_INFO_GET has reported them
// yet. Who may call what on whose bitmaps, and the schedule receiver and
// notification pending interrupts, are the core's (notifications.cpp);
// the bitmaps' own rules are here (unit tests:
// test_notification_bitmaps.cpp).
#pragma once

#include <cstdint>

#include "ffa/error.h"
#include "ffa/ids.h"
#include "ffa/notifications.h"

namespace spmc {

struct NotificationBitmaps {
  static constexpr unsigned kMaxVcpus = 8;
  static constexpr unsigned kIds = ffa::notification::kIds;
  bool created = false;  // BITMAP_CREATE for a VM; the manifest's notification-support for a partition
  uint16_t vcpu_count = 0;
  uint64_t bound = 0;     // IDs bound to a sender
  uint64_t per_vcpu = 0;  // of those, the ones bound per vCPU
  ffa::EndpointId sender[kIds];
  // Pending, split by who set them (FFA_NOTIFICATION_GET returns the
  // partitions' and the VMs' separately).
  uint64_t global_from_sp = 0, global_from_vm = 0;
  uint64_t vcpu_from_sp[kMaxVcpus] = {}, vcpu_from_vm[kMaxVcpus] = {};
  uint32_t framework = 0;  // the SPM's framework notifications (bit 0: RX buffer full)
  // Reported by INFO_GET since they were last set.
  bool global_reported = false;
  uint8_t vcpus_reported = 0;

  bool global_pending() const { return (global_from_sp | global_from_vm) != 0 || framework != 0; }
  bool vcpu_pending(unsigned v) const { return (vcpu_from_sp[v] | vcpu_from_vm[v]) != 0; }
  bool any_pending() const {
    for (unsigned v = 0; v < kMaxVcpus; ++v)
      if (vcpu_pending(v)) return true;
    return global_pending();
  }
  // The IDs pending from anyone, globally or on any vCPU.
  uint64_t pending_ids() const;

  // Binds `ids` (not 0) to `sender`, per vCPU or globally: DENIED when one
  // of them is bound already (each ID has one sender).
  ffa::Status bind(uint64_t ids, ffa::EndpointId sender, bool per_vcpu);
  // Unbinds `ids` (not 0) from `sender`: DENIED when one of them is not
  // bound to it, or is pending (the receiver gets it first).
  ffa::Status unbind(uint64_t ids, ffa::EndpointId sender);
  // `sender` (a partition when `from_sp`) sets `ids` (not 0), on vCPU
  // `vcpu` when `per_vcpu`: INVALID_PARAMETERS for a vCPU the receiver
  // does not have, or an ID bound the other way (per vCPU or global);
  // DENIED for an ID not bound to `sender`; checked ID by ID from 0.
  // Nothing changes unless it succeeds; it is reported anew then.
  ffa::Status set(uint64_t ids, ffa::EndpointId sender, bool from_sp, bool per_vcpu, unsigned vcpu);
  // What FFA_NOTIFICATION_GET takes for vCPU `vcpu` (below vcpu_count),
  // from partitions, VMs and the SPM as asked, and clears.
  struct Got {
    uint64_t from_sp = 0, from_vm = 0;
    uint32_t framework = 0;
  };
  Got get(unsigned vcpu, bool from_sp, bool from_vm, bool from_spm);
};

// Inline: on every notification's way (FFA_NOTIFICATION_SET and _GET).
inline ffa::Status NotificationBitmaps::set(uint64_t ids, ffa::EndpointId from, bool from_sp, bool per_vcpu_ids,
                                            unsigned vcpu) {
  if (per_vcpu_ids && vcpu >= vcpu_count) return ffa::Error::invalid_parameters;
  // Every ID must be bound to this sender, per vCPU exactly when set so.
  for (unsigned i = 0; i < kIds; ++i) {
    if (!((ids >> i) & 1)) continue;
    if (!((bound >> i) & 1) || !(sender[i] == from)) return ffa::Error::denied;
    if (((per_vcpu >> i) & 1) != (per_vcpu_ids ? 1u : 0u)) return ffa::Error::invalid_parameters;
  }
  if (per_vcpu_ids) {
    (from_sp ? vcpu_from_sp : vcpu_from_vm)[vcpu] |= ids;
    vcpus_reported &= static_cast<uint8_t>(~(1u << vcpu));
  } else {
    (from_sp ? global_from_sp : global_from_vm) |= ids;
    global_reported = false;
  }
  return {};
}

inline NotificationBitmaps::Got NotificationBitmaps::get(unsigned vcpu, bool from_sp, bool from_vm, bool from_spm) {
  Got got;
  if (from_sp) {
    got.from_sp = global_from_sp | vcpu_from_sp[vcpu];
    global_from_sp = 0;
    vcpu_from_sp[vcpu] = 0;
  }
  if (from_vm) {
    got.from_vm = global_from_vm | vcpu_from_vm[vcpu];
    global_from_vm = 0;
    vcpu_from_vm[vcpu] = 0;
  }
  if (from_spm) {
    got.framework = framework;
    framework = 0;
  }
  return got;
}

}  // namespace spmc
