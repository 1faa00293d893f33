#include "spmc/core.h"

namespace spmc {

using ffa::Error;
using ffa::Func;

Core::Core(Placement& placement, const CoreConfig& config) : placement_(placement), config_(config) {
  nwd_.id = ffa::kNormalWorldId;
}

ffa::Status Core::add_partition(const Partition& p) {
  if (!p.info.id.is_secure() || p.info.id == config_.spmc_id || p.info.id == ffa::kSpmdId)
    return Error::invalid_parameters;
  if (find_partition(p.info.id)) return Error::invalid_parameters;
  if (partition_count_ == kMaxPartitions) return Error::no_memory;
  partitions_[partition_count_++] = p;
  return {};
}

const Partition* Core::find_partition(ffa::EndpointId id) const {
  for (size_t i = 0; i < partition_count_; ++i)
    if (partitions_[i].info.id == id) return &partitions_[i];
  return nullptr;
}

Outcome Core::handle_nwd_call(ffa::Regs& regs) {
  const ffa::Regs in = regs;
  const uint32_t fid = in.fid();
  // Framework messages come from the SPMD, not from the normal world's
  // endpoint: they must not fix the endpoint's version.
  if (is_spmd_framework_message(in)) {
    regs = spmd_framework_message(in);
    return Outcome::reply_to_caller;
  }
  // A caller that made any call but FFA_VERSION has fixed its version.
  if (fid != ffa::raw(Func::version)) nwd_.version_negotiated = true;

  if (ffa::is_ffa_id(fid) && !is_supported_for_nwd(fid, nwd_.version) && fid != ffa::raw(Func::version)) {
    regs = ffa::error(Error::not_supported);
    return Outcome::reply_to_caller;
  }
  switch (static_cast<Func>(fid)) {
    case Func::version:
      regs = version(nwd_, in);
      break;
    case Func::features:
      regs = features(nwd_, in);
      break;
    case Func::id_get:
      // The SPMD answers this itself; the core answers the same if asked.
      regs = ffa::success(nwd_.id.raw());
      break;
    case Func::spm_id_get:
      regs = ffa::success(config_.spmc_id.raw());
      break;
    case Func::partition_info_get:
      regs = partition_info_get(nwd_, in);
      break;
    case Func::rxtx_map_32:
    case Func::rxtx_map_64:
      regs = rxtx_map(nwd_, in);
      break;
    case Func::rxtx_unmap:
      regs = rxtx_unmap(nwd_, in);
      break;
    case Func::rx_release:
      regs = rx_release(nwd_, in);
      break;
    case Func::msg_send_direct_req_32:
    case Func::msg_send_direct_req_64:
      regs = direct_request_from_nwd(in);
      break;
    default:
      // Unknown FF-A IDs and every other SMCCC ID: FF-A's NOT_SUPPORTED.
      regs = ffa::error(Error::not_supported);
      break;
  }
  return Outcome::reply_to_caller;
}

}  // namespace spmc
