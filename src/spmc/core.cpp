#include "spmc/core.h"

#include "ffa/abi.h"
#include "ffa/hf_interrupt.h"

namespace spmc {

using ffa::Error;
using ffa::Func;

Core::Core(Placement& placement, const CoreConfig& config)
    : placement_(placement), config_(config), transactions_(config.nwd_quota, config.sp_quota) {
  nwd_.id = ffa::kNormalWorldId;
  for (uint8_t& slot : by_low_byte_) slot = kNoPartition;
}

ffa::Status Core::add_partition(const Partition& p) {
  if (!p.info.id.is_secure() || p.info.id == config_.spmc_id || p.info.id == ffa::kSpmdId)
    return Error::invalid_parameters;
  if (find_partition(p.info.id)) return Error::invalid_parameters;
  if (partition_count_ == kMaxPartitions) return Error::no_memory;
  // Notification bitmaps exist for at most kMaxVcpus execution contexts.
  if (p.notifications.vcpu_count > NotificationBitmaps::kMaxVcpus) return Error::invalid_parameters;
  // One execution context (UP) or one per CPU (MP), at most kMaxContexts.
  if (p.has_contexts() && (p.info.exec_ctx_count == 0 || p.info.exec_ctx_count > Partition::kMaxContexts))
    return Error::invalid_parameters;
  // An endpoint in the SPMC's image takes direct requests and nothing that
  // needs a context of its own (endpoint.h).
  constexpr uint32_t kNeedsContexts = ffa::partition_props::direct_req2_recv | ffa::partition_props::indirect_msg |
                                      ffa::partition_props::direct_req_send | ffa::partition_props::direct_req2_send;
  if (p.in_image() && (p.info.properties & kNeedsContexts) != 0) return Error::invalid_parameters;
  // Its interrupts: SPIs, each with one owner.
  if (p.interrupt_count > Partition::kMaxInterrupts) return Error::invalid_parameters;
  for (unsigned i = 0; i < p.interrupt_count; ++i) {
    const uint32_t id = p.interrupts[i].id;
    if (id < ffa::hf::kFirstSpi || id > ffa::hf::kLastSpi || owned_interrupt(id, nullptr))
      return Error::invalid_parameters;
    for (unsigned j = 0; j < i; ++j)
      if (p.interrupts[j].id == id) return Error::invalid_parameters;
  }
  // Found by its ID's low byte from now on (find_partition).
  uint8_t& slot = by_low_byte_[p.info.id.raw() & 0xFF];
  slot = slot == kNoPartition ? static_cast<uint8_t>(partition_count_) : kSharedLowByte;
  Partition& added = partitions_[partition_count_++];
  added = p;
  // Its contexts start unstarted, whatever the caller left in them.
  for (ExecutionContext& c : added.contexts) c = ExecutionContext{};
  // Its interrupts start quiet, whatever the caller left in them.
  for (unsigned i = 0; i < added.interrupt_count; ++i) added.interrupts[i] = OwnedInterrupt{added.interrupts[i].id};
  added.may_leave_interrupts_untaken = added.interrupt_count != 0;
  return {};
}

ExecutionContext& Core::mp_context_here(Partition& p) const {
  const unsigned c = cpu();
  return p.contexts[c < p.info.exec_ctx_count ? c : 0];
}

const Partition* Core::find_partition(ffa::EndpointId id) const {
  // One look-up, whatever the number of partitions (a direct request's
  // cost must not grow with it); a scan only for IDs that share a low
  // byte with another partition's.
  const uint8_t slot = by_low_byte_[id.raw() & 0xFF];
  if (slot == kNoPartition) return nullptr;
  if (slot != kSharedLowByte) return partitions_[slot].info.id == id ? &partitions_[slot] : nullptr;
  for (size_t i = 0; i < partition_count_; ++i)
    if (partitions_[i].info.id == id) return &partitions_[i];
  return nullptr;
}

}  // namespace spmc
