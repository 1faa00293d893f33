// FF-A v1.2 chapter 13: FFA_RXTX_MAP, FFA_RXTX_UNMAP, FFA_RX_RELEASE for a
// normal-world endpoint. The buffer rules live in Mailbox.
#include "spmc/core.h"

namespace spmc {

using ffa::Error;
using ffa::Func;

void Core::rxtx_map(NwdEndpoint& caller, const ffa::Regs& in, ffa::Regs& out) {
  const bool is64 = in.fid() == ffa::raw(Func::rxtx_map_64);
  // The SMC32 form carries 32-bit addresses in w1/w2.
  const uint64_t tx = is64 ? in.x[1] : in.w(1);
  const uint64_t rx = is64 ? in.x[2] : in.w(2);
  ffa::Status s = caller.mailbox.map(placement_, *this, tx, rx, in.w(3));
  s ? ffa::set_success(out) : ffa::set_error(out, s.error());
}

void Core::rxtx_unmap(NwdEndpoint& caller, const ffa::Regs& in, ffa::Regs& out) {
  // w1[31:16] names the endpoint whose buffers to unmap; only a hypervisor
  // may name another. Without one, the ID must be the caller's own (0).
  const uint16_t id = static_cast<uint16_t>(in.w(1) >> 16);
  if (id != caller.id.raw() || (in.w(1) & 0xFFFF) != 0) return ffa::set_error(out, Error::invalid_parameters);
  ffa::Status s = caller.mailbox.unmap(placement_);
  s ? ffa::set_success(out) : ffa::set_error(out, s.error());
}

void Core::rx_release(NwdEndpoint& caller, const ffa::Regs& in, ffa::Regs& out) {
  // w1[15:0]: the receiver's ID, again only a hypervisor may name another.
  if ((in.w(1) & 0xFFFF) != caller.id.raw()) return ffa::set_error(out, Error::invalid_parameters);
  ffa::Status s = caller.mailbox.release();
  s ? ffa::set_success(out) : ffa::set_error(out, s.error());
}

}  // namespace spmc
