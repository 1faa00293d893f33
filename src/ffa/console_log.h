// FFA_CONSOLE_LOG_64 from a partition: characters packed eight to a
// register, little-endian, in x2-x17 (128 a call), their count in x1. The
// SPMC prints a partition's characters a line at a time.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ffa/func.h"
#include "ffa/regs.h"

namespace ffa {

// `call` makes one SMCCC call with the registers it is given (SVC from
// S-EL0, SMC or HVC from S-EL1).
template <typename Call>
void console_log(const char* chars, size_t len, Call&& call) {
  while (len != 0) {
    Regs r{{raw(Func::console_log_64)}};
    uint64_t n = 0;
    for (unsigned reg = 2; reg < 18 && n < len; ++reg) {
      uint64_t packed = 0;
      for (unsigned b = 0; b < 8 && n < len; ++b, ++n) packed |= uint64_t{static_cast<uint8_t>(chars[n])} << (8 * b);
      r.x[reg] = packed;
    }
    r.x[1] = n;
    call(r);
    chars += n;
    len -= n;
  }
}

}  // namespace ffa
