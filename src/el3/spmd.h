// The Secure Partition Manager Dispatcher: boots the SPMC, switches worlds,
// forwards FF-A calls between them and answers the few calls that are its
// own. It never parses memory descriptors: FF-A policy lives in the SPMC.
//
// This is also the interface of the monitor's other secure dispatcher, the
// OP-TEE one (el3/opteed.cpp, linked instead of spmd.cpp into el3_opteed.bin
// with TESSERA_OPTEED defined): there "SPMC" reads "trusted OS".
#pragma once

#include <cstdint>

#include "el3/context.h"
#include "el3/smccc.h"
#include "ffa/ids.h"
#include "ffa/version.h"

namespace el3::spmd {

struct BootInfo {
  ffa::EndpointId spmc_id;
  ffa::Version spmc_version;
  uint64_t spmc_entry;
  uint64_t spmc_manifest;  // passed to the SPMC in x0
  uint64_t ns_entry;
  uint64_t ns_arg0;        // the device tree address, for the normal world's x0
};

// Enters the SPMC on the primary CPU; the normal world starts once the SPMC
// reports that it is ready (its first FFA_MSG_WAIT), or failed (FFA_ERROR).
[[noreturn]] void boot(const BootInfo& info);
// Boots the normal world without a secure world (when the SPMC is missing).
[[noreturn]] void boot_without_spmc(const BootInfo& info);

// SMP (PSCI CPU_ON/CPU_OFF): where the normal world starts on CPU
// `index`; a released secondary's first entry (the SPMC's cold boot there,
// then the normal world); a CPU coming back from CPU_OFF.
void prepare_cpu(unsigned index, uint64_t ns_entry, uint64_t ns_arg);
[[noreturn]] void boot_secondary();
[[noreturn]] void resume_cpu();

CpuContext* handle_ffa(CpuContext* ctx, World from);
#ifdef TESSERA_OPTEED
// A call in SMCCC's trusted-OS range (owners 50-63), from either world.
CpuContext* handle_trusted_os(CpuContext* ctx, World from);
#endif

// This CPU's context for `world`.
CpuContext* context(World world);
World world_of(const CpuContext* ctx);

// A secure interrupt (FIQ) while the normal world runs: the SPMC gets
// FFA_INTERRUPT and ends with FFA_NORMAL_WORLD_RESUME.
CpuContext* secure_interrupt(CpuContext* ns);
// PSCI CPU_OFF from the normal world: the SPMC hears of it first (an FF-A
// power management framework message on this CPU); once it answers, the
// CPU goes off, or the normal world gets the SPMC's refusal. Without an
// SPMC the CPU goes off at once.
CpuContext* cpu_off();

// Lazily switched FP/SIMD: called on an FP trap from a lower EL.
CpuContext* fp_trap(CpuContext* ctx);

}  // namespace el3::spmd
