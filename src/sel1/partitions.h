// S-EL0 secure partitions in the trusted OS (placement A): loading them
// from the SP packages the monitor staged, their isolated address spaces,
// and running them as the SPMC core directs.
#pragma once

#include <cstdint>

#include "ffa/core_manifest.h"
#include "ffa/regs.h"
#include "spmc/core.h"

namespace sel1 {

// Loads every package the SPMC manifest lists and registers the partitions
// that pass every check with `core`; a bad one is reported and skipped,
// the others start. Returns how many were registered.
unsigned load_partitions(const ffa::CoreManifest& manifest, spmc::Core& core);

// FFA_MEM_PERM_GET/SET on partition `id`'s own pages (never the
// trampoline or anything else it cannot reach from EL0).
ffa::Result<uint32_t> partition_mem_perm_get(ffa::EndpointId id, uint64_t va);
ffa::Status partition_mem_perm_set(ffa::EndpointId id, uint64_t va, uint32_t pages, uint32_t perm);

// Memory shared with partition `id`, mapped at VA = PA (normal-world
// memory non-secure, another partition's secure).
ffa::Status partition_map_shared(ffa::EndpointId id, uint64_t pa, uint32_t pages, bool writable, bool ns);
void partition_unmap_shared(ffa::EndpointId id, uint64_t pa, uint32_t pages);
// A partition lending its own memory: whether the pages are its to give
// (and writable), taking its access away and giving it back.
ffa::Result<bool> partition_own_access(ffa::EndpointId id, uint64_t pa, uint32_t pages);
ffa::Result<uint8_t*> partition_buffer_pages(ffa::EndpointId id, uint64_t va, uint32_t pages);
ffa::Status partition_revoke_own(ffa::EndpointId id, uint64_t pa, uint32_t pages);
void partition_restore_own(ffa::EndpointId id, uint64_t pa, uint32_t pages);

// Carries out run_partition outcomes until the core says where the answer
// goes (reply_to_caller) or that boot is over (boot_done).
spmc::Outcome run_partitions(spmc::Core& core, spmc::Outcome outcome, ffa::Regs& out);

}  // namespace sel1
