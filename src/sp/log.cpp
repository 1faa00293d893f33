#include "sp/ffa.h"

namespace sp {

void log(const char* s) {
  while (*s) {
    ffa::Regs r{{ffa::raw(ffa::Func::console_log_64)}};
    uint64_t n = 0;
    for (unsigned reg = 2; reg < 18 && *s; ++reg) {
      uint64_t packed = 0;
      for (unsigned b = 0; b < 8 && *s; ++b, ++n) packed |= uint64_t{static_cast<uint8_t>(*s++)} << (8 * b);
      r.x[reg] = packed;
    }
    r.x[1] = n;
    arch_svc(&r);
  }
}

}  // namespace sp
