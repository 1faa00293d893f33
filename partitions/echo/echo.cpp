// The echo partition: answers every direct request with its own payload,
// so the normal world can check a message's round trip register by
// register. One command makes it a client of another partition:
//   x3 = 0x5EED0000 | ID  send x4-x7 to partition ID as a direct request
//                         and answer with what came back (x3 = its w0,
//                         x4-x7 = its x3-x6, or w2 of an FFA_ERROR in x4)
#include "sp/ffa.h"

namespace {
constexpr uint64_t kForward = 0x5EED0000;

ffa::Regs forward(const ffa::Regs& msg) {
  const uint32_t self = static_cast<uint32_t>(msg.x[1]) & 0xFFFF;
  const uint32_t target = static_cast<uint32_t>(msg.x[3]) & 0xFFFF;
  const ffa::Regs r = sp::svc(ffa::Regs{{ffa::raw(ffa::Func::msg_send_direct_req_64), (self << 16) | target, 0,
                                         msg.x[4], msg.x[5], msg.x[6], msg.x[7]}});
  if (r.fid() == ffa::raw(ffa::Func::error)) return sp::respond(msg, r.fid(), r.w(2));
  return sp::respond(msg, r.fid(), r.x[3], r.x[4], r.x[5], r.x[6]);
}
}  // namespace

extern "C" [[noreturn]] void sp_main(uint64_t) {
  sp::log("echo: ready\n");
  ffa::Regs msg = sp::wait();
  for (;;) {
    if (msg.fid() == ffa::raw(ffa::Func::msg_send_direct_req2)) {
      msg = sp::respond2(msg, msg);  // x4-x17 back as they came
    } else if ((msg.x[3] & ~0xFFFFull) == kForward) {
      msg = forward(msg);
    } else {
      msg = sp::respond(msg, msg.x[3], msg.x[4], msg.x[5], msg.x[6], msg.x[7]);
    }
  }
}
