#include "spmc/core.h"

#include "ffa/abi.h"
#include "ffa/hf_interrupt.h"

namespace spmc {

using ffa::Error;
using ffa::Func;

Core::Core(Placement& placement, const CoreConfig& config) : placement_(placement), config_(config) {
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
  if (!p.local && (p.info.exec_ctx_count == 0 || p.info.exec_ctx_count > Partition::kMaxContexts))
    return Error::invalid_parameters;
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

Outcome Core::handle_nwd_call(const ffa::Regs& in, ffa::Regs& out) {
  const uint32_t fid = in.fid();
  // Direct requests first: the hot path, supported at every version.
  if (fid == ffa::raw(Func::msg_send_direct_req_32) || fid == ffa::raw(Func::msg_send_direct_req_64)) {
    // Framework messages come from the SPMD, not from the normal world's
    // endpoint: they must not fix the endpoint's version.
    if (is_spmd_framework_message(in)) {
      spmd_framework_message(in, out);
      return Outcome::reply_to_caller;
    }
    nwd_.version_negotiated = true;
    return direct_request_from_nwd(in, out);
  }
  if (fid == ffa::raw(Func::version)) {
    version(nwd_, in.w(1), out);
    return Outcome::reply_to_caller;
  }
  if (fid == ffa::raw(Func::interrupt)) {
    // From the SPMD, not the normal world's endpoint: a secure interrupt
    // while the normal world ran. Once handled, the normal world resumes.
    return leaving(secure_interrupt(out));
  }
  // A caller that made any call but FFA_VERSION has fixed its version.
  nwd_.version_negotiated = true;
  // Every call read through the ABI table (ffa/abi.h) before its
  // handler: unknown FF-A IDs, calls newer than the caller's version,
  // calls the normal world may not make, and every other SMCCC ID are
  // NOT_SUPPORTED; a reserved register set is INVALID_PARAMETERS.
  const ffa::abi::Abi* abi = ffa::abi::find(fid);
  if (!abi || !ffa::abi::allowed(*abi, ffa::abi::kNwd, nwd_.version)) {
    ffa::set_error(out, Error::not_supported);
    return Outcome::reply_to_caller;
  }
  if (!ffa::abi::reserved_clear(*abi, in)) {
    ffa::set_error(out, Error::invalid_parameters);
    return Outcome::reply_to_caller;
  }
  switch (static_cast<Func>(fid)) {
    case Func::msg_send_direct_req2:
      return direct_request2_from_nwd(in, out);
    case Func::run:
      return run_from_nwd(in, out);
    case Func::mem_share_32:
    case Func::mem_share_64:
      mem_transfer(MemShare::Type::share, nwd_lender(), in, out);
      break;
    case Func::mem_lend_32:
    case Func::mem_lend_64:
      mem_transfer(MemShare::Type::lend, nwd_lender(), in, out);
      break;
    case Func::mem_donate_32:
    case Func::mem_donate_64:
      mem_transfer(MemShare::Type::donate, nwd_lender(), in, out);
      break;
    case Func::mem_frag_tx:
      mem_frag_tx(nwd_lender(), in, out);
      break;
    case Func::mem_reclaim:
      mem_reclaim(nwd_.id, in, out);
      break;
    case Func::notification_bitmap_create:
      notification_bitmap_create(in, out);
      break;
    case Func::notification_bitmap_destroy:
      notification_bitmap_destroy(in, out);
      break;
    case Func::notification_bind:
    case Func::notification_unbind:
      notification_bind(nwd_.id, in, out);
      break;
    case Func::notification_set:
      notification_set(nwd_.id, in, out);
      break;
    case Func::notification_get:
      notification_get(nwd_.id, in, out);
      break;
    case Func::notification_info_get_32:
    case Func::notification_info_get_64:
      notification_info_get(in, out);
      break;
    case Func::features:
      features(nwd_, in, out);
      break;
    case Func::id_get:
      // The SPMD answers this itself; the core answers the same if asked.
      ffa::set_success(out, nwd_.id.raw());
      break;
    case Func::spm_id_get:
      ffa::set_success(out, config_.spmc_id.raw());
      break;
    case Func::partition_info_get:
      partition_info_get(nwd_.version, nwd_.mailbox, in, out);
      break;
    case Func::partition_info_get_regs:
      partition_info_get_regs(in, out);
      break;
    case Func::msg_send2:
      // w1[31:16] names the sender only when a hypervisor forwards it.
      if (in.w(1) != 0) {
        ffa::set_error(out, Error::invalid_parameters);
        break;
      }
      msg_send2(nwd_.id, nwd_.version, nwd_.mailbox, in, out);
      break;
    case Func::rxtx_map_32:
    case Func::rxtx_map_64:
      rxtx_map(nwd_, in, out);
      break;
    case Func::rxtx_unmap:
      rxtx_unmap(nwd_, in, out);
      break;
    case Func::rx_release:
      rx_release(nwd_, in, out);
      break;
    default:
      // Supported for FFA_FEATURES' sake (FFA_SUCCESS, FFA_ERROR) but not
      // a call the normal world makes to us.
      ffa::set_error(out, Error::not_supported);
      break;
  }
  return Outcome::reply_to_caller;
}

}  // namespace spmc
