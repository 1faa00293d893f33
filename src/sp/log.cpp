#include "ffa/console_log.h"
#include "sp/ffa.h"

namespace sp {

void log(const char* s) {
  size_t len = 0;
  while (s[len]) ++len;
  ffa::console_log(s, len, [](ffa::Regs& r) { arch_svc(&r); });
}

}  // namespace sp
