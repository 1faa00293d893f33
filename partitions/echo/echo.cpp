// The echo partition: answers every direct request with its own payload,
// so the normal world can check a message's round trip register by
// register. On command it misbehaves, to prove containment:
//   x3 = 0xDEAD0001  read an address it has no mapping for (data abort)
//   x3 = 0xDEAD0002  write to its own code (permission fault)
//   x3 = 0xDEAD0003  execute an undefined instruction
#include "sp/ffa.h"

namespace {
constexpr uint64_t kFaultRead = 0xDEAD0001, kFaultWriteCode = 0xDEAD0002, kFaultUndef = 0xDEAD0003;

}  // namespace

extern "C" [[noreturn]] void sp_main(uint64_t);

static void misbehave(uint64_t command) {
  if (command == kFaultRead) (void)*reinterpret_cast<volatile uint64_t*>(0x0E100000);  // the SPMC's memory
  if (command == kFaultWriteCode) *reinterpret_cast<volatile uint32_t*>(reinterpret_cast<uintptr_t>(&sp_main)) = 0;
  if (command == kFaultUndef) __asm__ volatile("udf #0");
}

extern "C" [[noreturn]] void sp_main(uint64_t) {
  sp::log("echo: ready\n");
  ffa::Regs msg = sp::wait();
  for (;;) {
    misbehave(msg.x[3]);
    msg = sp::respond(msg, msg.x[3], msg.x[4], msg.x[5], msg.x[6], msg.x[7]);
  }
}
