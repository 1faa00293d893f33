// The normal world's side of FF-A: thin typed wrappers over the SMC
// conduit, used by the tests and the demo (call, smc) and the benchmarks
// (raw_call).
#pragma once

#include <cstdint>

#include "arch/aarch64/conduit.h"
#include "ffa/func.h"
#include "ffa/regs.h"
#include "ffa/uuid.h"
#include "nwd/harness/call_log.h"

namespace harness {

// The SMC alone, recording nothing: for the benchmarks, whose figures are
// instruction counts of exactly this.
inline ffa::Regs raw_call(uint64_t x0, uint64_t x1 = 0, uint64_t x2 = 0, uint64_t x3 = 0, uint64_t x4 = 0,
                          uint64_t x5 = 0, uint64_t x6 = 0, uint64_t x7 = 0) {
  ffa::Regs r{{x0, x1, x2, x3, x4, x5, x6, x7}};
  arch_smc(&r);
  return r;
}
inline ffa::Regs raw_call(ffa::Func f, uint64_t x1 = 0, uint64_t x2 = 0, uint64_t x3 = 0, uint64_t x4 = 0,
                          uint64_t x5 = 0, uint64_t x6 = 0, uint64_t x7 = 0) {
  return raw_call(ffa::raw(f), x1, x2, x3, x4, x5, x6, x7);
}

// What tests call: the SMC, noted in the running test's call log
// (call_log.h), which the system test compares with docs/abi-support.md.
// smc() is out of line so that a call site costs what raw_call's does
// (the image's size and layout move the benchmark figures); tests that set
// x8-x17 themselves call it directly.
void smc(ffa::Regs& r);
inline ffa::Regs call(uint64_t x0, uint64_t x1 = 0, uint64_t x2 = 0, uint64_t x3 = 0, uint64_t x4 = 0,
                      uint64_t x5 = 0, uint64_t x6 = 0, uint64_t x7 = 0) {
  ffa::Regs r{{x0, x1, x2, x3, x4, x5, x6, x7}};
  smc(r);
  return r;
}
inline ffa::Regs call(ffa::Func f, uint64_t x1 = 0, uint64_t x2 = 0, uint64_t x3 = 0, uint64_t x4 = 0,
                      uint64_t x5 = 0, uint64_t x6 = 0, uint64_t x7 = 0) {
  return call(ffa::raw(f), x1, x2, x3, x4, x5, x6, x7);
}

// A call to a partition whose manifest has normal-world interrupts
// signalled may come back FFA_INTERRUPT (w1 = the partition << 16 | vCPU)
// when one arrived meanwhile: after taking it, a driver resumes the
// partition with FFA_RUN until the real answer comes, as Linux does.
// `interruptions` (if given) counts how often that happened.
inline ffa::Regs until_answered(ffa::Regs r, unsigned* interruptions = nullptr) {
  while (r.w(0) == ffa::raw(ffa::Func::interrupt)) {
    if (interruptions) ++*interruptions;
    r = call(ffa::Func::run, r.w(1));
  }
  return r;
}

// FFA_ERROR's code as the signed value the spec names, or 0 for success.
inline int32_t error_code(const ffa::Regs& r) {
  return ffa::is_error(r) ? static_cast<int32_t>(r.w(2)) : 0;
}

// The RX/TX buffer pair the harness maps (one 4 KiB page each).
struct Buffers {
  alignas(4096) uint8_t tx[4096];
  alignas(4096) uint8_t rx[4096];
};
Buffers& buffers();
uint64_t tx_pa();
uint64_t rx_pa();
// Maps buffers() unless already mapped; true when mapped afterwards.
bool ensure_rxtx_mapped();

// The trusted OS's endpoint ID, discovered by OP-TEE's UUID at start (as a
// real OP-TEE driver does), and the SPMC's ID from FFA_SPM_ID_GET.
uint16_t trusted_os_id();
uint16_t spmc_id();
// Runs discovery once; false when the secure world did not answer.
bool discover();
// How many partitions FFA_PARTITION_INFO_GET counts (0: it failed). The
// trusted OS and the seven S-EL0 partitions come first in both
// placements (sel1-spmc, sel2-spmc); sel2-spmc's S-EL1 partitions follow.
uint32_t partition_count();
void note_rxtx_unmapped();

}  // namespace harness
