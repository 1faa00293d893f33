// The trusted OS in the `optee-smc` configuration: no FF-A, no SPMC core,
// no S-EL0 partitions; the TA host served over the classic OP-TEE SMC ABI
// (sel1/optee_smc_abi.h) through the monitor's OP-TEE dispatcher
// (optee/opteed.h). sel1_main switches here when the monitor says so.
#pragma once

#include <cstdint>

#include "arch/aarch64/pgtable.h"
#include "ffa/core_manifest.h"

namespace sel1 {

// The primary CPU, MMU on, manifest checked: sets up and serves for ever.
[[noreturn]] void optee_smc_main(const ffa::CoreManifest& manifest, arch::mmu::PageTable& tables);
// A CPU that PSCI CPU_ON started: its GIC interface, then the same service.
[[noreturn]] void optee_smc_secondary(uint64_t cpu);

}  // namespace sel1
