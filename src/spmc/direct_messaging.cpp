// FF-A v1.2 chapter 15 "Direct messaging": FFA_MSG_SEND_DIRECT_REQ/_RESP
// (SMC32 and SMC64) from the normal world to a partition.
#include "spmc/core.h"

namespace spmc {

using ffa::Error;
using ffa::Func;

ffa::Regs Core::direct_request_from_nwd(const ffa::Regs& in) {
  const bool is64 = in.fid() == ffa::raw(Func::msg_send_direct_req_64);
  const auto pair = ffa::EndpointPair::from_w1(in.x[1]);
  const uint32_t flags = in.w(2);

  // The sender must be a normal-world ID (without a hypervisor: exactly 0).
  if (pair.sender.is_secure() || !(pair.sender == nwd_.id)) return ffa::error(Error::invalid_parameters);
  // The normal world sends no framework messages to partitions (VM
  // availability messages come with the mediator issue); partition
  // messages have w2 MBZ.
  if (flags != 0) return ffa::error(Error::invalid_parameters);
  const Partition* target = find_partition(pair.receiver);
  if (!target) return ffa::error(Error::invalid_parameters);
  if (!(target->info.properties & ffa::partition_props::direct_req_recv)) return ffa::error(Error::denied);
  if (!target->local) return ffa::error(Error::not_supported);

  DirectMessage request{pair.sender, pair.receiver, is64, {}};
  for (unsigned i = 0; i < 5; ++i) request.payload[i] = is64 ? in.x[3 + i] : in.w(3 + i);
  DirectMessage response{pair.receiver, pair.sender, is64, {}};
  target->local->on_direct_request(request, response);

  ffa::Regs out{};
  out.x[0] = ffa::raw(is64 ? Func::msg_send_direct_resp_64 : Func::msg_send_direct_resp_32);
  out.x[1] = ffa::EndpointPair{pair.receiver, pair.sender}.w1();
  out.x[2] = 0;
  for (unsigned i = 0; i < 5; ++i)
    out.x[3 + i] = is64 ? response.payload[i] : static_cast<uint32_t>(response.payload[i]);
  return out;
}

}  // namespace spmc
