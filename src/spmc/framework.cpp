// SPMD-to-SPMC framework messages (FF-A v1.2 section 18.3): direct requests
// with w2 bit 31 set, from the SPMD's ID 0xFFFF to the SPMC's ID.
#include "spmc/core.h"

namespace spmc {

using ffa::Error;
using ffa::Func;

namespace {
constexpr uint32_t kFrameworkMessage = 1u << 31;
constexpr uint32_t kTypeMask = 0xFF;
constexpr uint32_t kVersionRequest = 8;
constexpr uint32_t kVersionResponse = 9;
}  // namespace

// The SPMD is the only sender of framework messages from its side of the
// world switch; it refuses normal-world requests that claim a secure ID, so
// a request from 0xFFFF to the SPMC can only be the SPMD's.
bool Core::is_spmd_framework_message(const ffa::Regs& in) const {
  if (in.fid() != ffa::raw(Func::msg_send_direct_req_32)) return false;
  const auto pair = ffa::EndpointPair::from_w1(in.x[1]);
  return pair.sender == ffa::kSpmdId && pair.receiver == config_.spmc_id && (in.w(2) & kFrameworkMessage);
}

ffa::Regs Core::spmd_framework_message(const ffa::Regs& in) {
  const uint32_t type = in.w(2) & kTypeMask;
  if (type != kVersionRequest) return ffa::error(Error::not_supported);
  // The SPMD tells us the version the normal world asked for; we record
  // what it will use and answer with our own version (or NOT_SUPPORTED).
  ffa::Regs v = version(nwd_, ffa::Regs{{ffa::raw(Func::version), in.w(3)}});
  ffa::Regs out{};
  out.x[0] = ffa::raw(Func::msg_send_direct_resp_32);
  out.x[1] = ffa::EndpointPair{config_.spmc_id, ffa::kSpmdId}.w1();
  out.x[2] = kFrameworkMessage | kVersionResponse;
  out.x[3] = v.w(0);
  return out;
}

}  // namespace spmc
