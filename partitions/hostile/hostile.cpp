// The hostile partition: behaves like echo until told to misbehave, so the
// tests can prove that a partition's fault stops it alone.
//   x3 = 0xDEAD0001  read the trusted OS's memory (not mapped for it)
//   x3 = 0xDEAD0002  write to its own code (read-only)
//   x3 = 0xDEAD0003  execute an undefined instruction
//   x3 = 0xDEAD0004  answer as if it were another partition
//   x3 = 0xDEAD0005  call FFA_MSG_WAIT instead of answering
//   x3 = 0xDEAD0006  send a direct request to echo (its manifest forbids it)
//   x3 = 0xDEAD0007  send a direct request to itself
#include "sp/ffa.h"

extern "C" [[noreturn]] void sp_main(uint64_t);

namespace {

// Returns the error an illegal call got, or 0 when there was nothing to do.
ffa::Regs misbehave(const ffa::Regs& msg) {
  switch (msg.x[3]) {
    case 0xDEAD0001:
      (void)*reinterpret_cast<volatile uint64_t*>(0x0E100000);
      break;
    case 0xDEAD0002:
      *reinterpret_cast<volatile uint32_t*>(reinterpret_cast<uintptr_t>(&sp_main)) = 0;
      break;
    case 0xDEAD0003:
      __asm__ volatile("udf #0");
      break;
    case 0xDEAD0004: {
      // Claim to be someone else: the SPMC refuses and we answer properly.
      const uint32_t w1 = static_cast<uint32_t>(msg.x[1]);
      ffa::Regs forged{{ffa::raw(ffa::Func::msg_send_direct_resp_32), (0x8123u << 16) | (w1 >> 16)}};
      return sp::svc(forged);
    }
    case 0xDEAD0005:
      return sp::svc(ffa::Regs{{ffa::raw(ffa::Func::msg_wait)}});
    case 0xDEAD0006:
    case 0xDEAD0007: {
      const uint32_t self = static_cast<uint32_t>(msg.x[1]) & 0xFFFF;
      const uint32_t target = msg.x[3] == 0xDEAD0006 ? 0x8001 : self;
      return sp::svc(ffa::Regs{{ffa::raw(ffa::Func::msg_send_direct_req_32), (self << 16) | target}});
    }
    default:
      break;
  }
  return ffa::Regs{};
}

}  // namespace

extern "C" [[noreturn]] void sp_main(uint64_t) {
  sp::log("hostile: ready (and well-behaved until told otherwise)\n");
  ffa::Regs msg = sp::wait();
  for (;;) {
    const ffa::Regs refused = misbehave(msg);
    // Report what the SPMC answered to an illegal call (w0, w2).
    msg = sp::respond(msg, msg.x[3], refused.x[0], refused.x[2]);
  }
}
