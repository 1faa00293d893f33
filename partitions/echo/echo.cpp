// The echo partition: answers every direct request with its own payload,
// so the normal world can check a message's round trip register by
// register.
#include "sp/ffa.h"

extern "C" [[noreturn]] void sp_main(uint64_t) {
  sp::log("echo: ready\n");
  ffa::Regs msg = sp::wait();
  for (;;) msg = sp::respond(msg, msg.x[3], msg.x[4], msg.x[5], msg.x[6], msg.x[7]);
}
