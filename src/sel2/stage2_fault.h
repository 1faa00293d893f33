// Whether a vCPU's stage-2 fault is one to run again: a translation fault
// at an address its stage 2 now maps for that access. The walk met an
// entry while another CPU changed it (a block split's break-before-make,
// under the core's lock, which the exit has waited for). Translation
// faults are never cached, so the access cannot fault again for the same
// reason; any other fault stops the partition. Pure decoding over the
// VM's two IPA spaces' tables, so that the host's unit tests check it.
#pragma once

#include <cstdint>

#include "arch/aarch64/pgtable.h"

namespace sel2 {

struct Stage2Fault {
  uint64_t esr;    // ESR_EL2 of a lower-EL instruction or data abort
  uint64_t hpfar;  // HPFAR_EL2: the faulting IPA [51:12] in FIPA, its space in NS (FEAT_SEL2)
  uint64_t far;    // FAR_EL2: the page offset of the access
  // The faulting IPA (HPFAR_EL2.FIPA [43:4] holds IPA [51:12]).
  uint64_t ipa() const { return (((hpfar >> 4) & ((1ull << 40) - 1)) << 12) | (far & 0xFFF); }
  bool in_ns_space() const { return (hpfar >> 63) != 0; }
};

inline bool stage2_fault_passed(const arch::mmu::PageTable& secure_s2, const arch::mmu::PageTable& ns_s2,
                                const Stage2Fault& f) {
  constexpr uint64_t kEcDataAbortLow = 0x24;
  if ((f.esr & 0x3C) != 0x04) return false;  // DFSC/IFSC 0b0001LL: a translation fault, level LL
  const arch::mmu::PageTable& s2 = f.in_ns_space() ? ns_s2 : secure_s2;
  const auto l = s2.lookup(f.ipa());
  if (!l) return false;
  const bool data = (f.esr >> 26) == kEcDataAbortLow;
  const bool on_walk = (f.esr & (1u << 7)) != 0;  // S1PTW: on its stage-1 walk, which reads
  // WnR (bit 6) counts unless the fault was on its stage-1 walk.
  const bool write = data && (f.esr & (1u << 6)) != 0 && !on_walk;
  if (write && (l->descriptor & (1ull << 7)) == 0) return false;  // S2AP[1]: writable
  // XN[1] (bit 54; the tables here hold XN 0b00 or 0b10), for a fetch
  // itself, not its stage-1 walk.
  if (!data && !on_walk && (l->descriptor & (2ull << 53)) != 0) return false;
  return true;
}

}  // namespace sel2
