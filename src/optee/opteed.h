// The protocol between the monitor's OP-TEE dispatcher (src/el3/opteed.cpp,
// the `optee-smc` configuration) and the trusted OS (src/sel1/
// optee_smc_entry.cpp). Modelled on TF-A's opteed (services/spd/opteed,
// teesmc_opteed.h), whose function IDs it keeps, but "return to the SMC"
// rather than TF-A's vector table: the trusted OS reports with an SMC, and
// that SMC returns when the monitor has the next call for it.
//
//   Entry (each CPU's cold boot): x0 = the SPMC manifest (it names the
//   trusted OS's load address and the normal world's memory), x4 = the CPU
//   index, x5 = kEntryMagic. Without kEntryMagic in x5 the trusted OS
//   boots as the FF-A SPMC.
//   The trusted OS is ready: SMC kReturnEntryDone (primary CPU) or
//   kReturnOnDone (a CPU PSCI CPU_ON started), x1 = 0 (ready) or not
//   (failed: the normal world boots without it; so does any other call).
//   A normal-world call for it (SMCCC owners 50-63): the pending SMC
//   returns with the caller's x0-x7 in x0-x7.
//   Its answer: SMC kReturnCallDone, x1-x4 = the caller's a0-a3 (x4-x17 of
//   the caller are left as they were).
#pragma once

#include <cstdint>

namespace optee::opteed {

inline constexpr uint64_t kEntryMagic = 0x4F505445'45534D43;  // "OPTEESMC"
inline constexpr uint32_t kReturnEntryDone = 0xBE000000;
inline constexpr uint32_t kReturnOnDone = 0xBE000001;
inline constexpr uint32_t kReturnCallDone = 0xBE000005;

// The calls the dispatcher hands to the trusted OS, and the trusted OS's
// own reports: SMCCC owners 50-63 (trusted OS), fast or yielding, SMC32 or
// SMC64; bits [23:16] are zero in every such ID.
constexpr bool is_trusted_os_call(uint32_t fid) {
  const uint32_t owner = (fid >> 24) & 0x3F;
  return owner >= 50 && owner <= 63 && ((fid >> 16) & 0xFF) == 0;
}

}  // namespace optee::opteed
