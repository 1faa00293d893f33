// FF-A v1.2 chapter 13: FFA_RXTX_MAP, FFA_RXTX_UNMAP, FFA_RX_RELEASE for a
// normal-world endpoint. The buffer rules live in Mailbox.
#include "spmc/core.h"

#include "ffa/calls.h"

namespace spmc {

using ffa::Error;
using ffa::Func;

void Core::rxtx_map(NwdEndpoint& caller, const ffa::Regs& in, ffa::Regs& out) {
  const auto c = ffa::calls::rxtx_map(in);
  ffa::Status s = caller.mailbox.map(placement_, *this, c.tx, c.rx, c.pages);
  s ? ffa::set_success(out) : ffa::set_error(out, s.error());
}

void Core::rxtx_unmap(NwdEndpoint& caller, const ffa::Regs& in, ffa::Regs& out) {
  // w1[31:16] names the endpoint whose buffers to unmap; only a hypervisor
  // may name another. Without one, the ID must be the caller's own (0).
  const auto c = ffa::calls::rxtx_unmap(in);
  if (c.id != caller.id.raw() || c.mbz != 0) return ffa::set_error(out, Error::invalid_parameters);
  ffa::Status s = caller.mailbox.unmap(placement_);
  s ? ffa::set_success(out) : ffa::set_error(out, s.error());
}

void Core::rx_release(NwdEndpoint& caller, const ffa::Regs& in, ffa::Regs& out) {
  // w1[15:0]: the receiver's ID, again only a hypervisor may name another.
  if (ffa::calls::rx_release(in).id != caller.id.raw()) return ffa::set_error(out, Error::invalid_parameters);
  ffa::Status s = caller.mailbox.release();
  s ? ffa::set_success(out) : ffa::set_error(out, s.error());
}

}  // namespace spmc
