// What every SPMC image below EL3 does at cold boot, whatever its
// exception level (the trusted OS at S-EL1, the secure hypervisor at
// S-EL2): read and check its manifest, agree with the SPMD, and tell the
// SPMD when it cannot start.
#pragma once

#include <cstdint>

#include "ffa/core_manifest.h"

namespace arch::spmc_boot {

// Reads the SPMC manifest the monitor staged at `manifest_pa` (MMU off: in
// place) into `out`, and checks what the image needs of it: the load
// address the image is linked at (`image_start`), normal-world memory
// clear of secure RAM. Refuses (fail) otherwise, naming the property.
void read_manifest(uint64_t manifest_pa, uint64_t image_start, ffa::CoreManifest& out);

// The SPMD and this SPMC agree before the SPMC serves anyone: the same
// FF-A major version, and the SPMD knows it by its manifest's spmc_id.
// Refuses (fail) otherwise.
void agree_with_spmd(const ffa::CoreManifest& m);

// Logs `what` and tells the SPMD that initialisation failed
// (FFA_ERROR(ABORTED)): it boots the normal world without a secure world.
[[noreturn]] void fail(const char* what);

}  // namespace arch::spmc_boot
