// What every SPMC image below EL3 does at cold boot, whatever its
// exception level (the trusted OS at S-EL1, the secure hypervisor at
// S-EL2): read and check its manifest, map itself, agree with the SPMD,
// and tell the SPMD when it cannot start. (spmc_boot.cpp also defines
// lib::panic for both images: PSCI SYSTEM_OFF.)
#pragma once

#include <cstdint>

#include "arch/aarch64/pgtable.h"
#include "ffa/core_manifest.h"
#include "ffa/partition_manifest.h"

namespace arch::spmc_boot {

// Reads the SPMC manifest the monitor staged at `manifest_pa` (MMU off: in
// place) into `out`, and checks what the image needs of it: the load
// address the image is linked at (`image_start`), normal-world memory
// clear of secure RAM. Refuses (fail) otherwise, naming the property.
void read_manifest(uint64_t manifest_pa, uint64_t image_start, ffa::CoreManifest& out);

// The SPMC's own mappings below are never global: they are its own
// address space's (ASID 0), so that a TLB entry of the SPMC's never
// matches while a partition or Trusted Application runs under its own
// ASID, not even speculatively (as KPTI keeps the kernel's entries out of
// user ASIDs).
// Maps [base, end) at VA = PA in the SPMC's own tables, or panics with the
// range and the reason (the SPMC cannot run without its own mappings).
void map_or_panic(arch::mmu::PageTable& tables, uint64_t base, uint64_t end, arch::mmu::Attrs attrs);
// An image's own sections at VA = PA: its code (read-only, executable),
// its constants (read-only), its data, BSS and stacks (read-write), from
// the linker script's __image_start, __text_end, __rodata_end, __image_end.
void map_image_sections(arch::mmu::PageTable& tables);
// What every SPMC image maps for itself, VA = PA: its code (read-only,
// executable), its constants (read-only), its data, BSS and stacks
// (read-write; the linker script's __image_start, __text_end,
// __rodata_end, __image_end), its manifest's page (read-only), the secure
// console and the GIC (distributor and every redistributor, one 2 MiB
// block that holds nothing else).
void map_own_image(arch::mmu::PageTable& tables, uint64_t manifest_pa);

// A partition's interrupts (its device regions') at the GIC: Secure Group
// 1, routed to the boot CPU, disabled until the partition enables them
// (HF_INTERRUPT_ENABLE). Their attributes as Hafnium encodes them:
// priority [7:0], bit 9 level-triggered. The loader has checked them
// (spmc/partition_plan.h).
void configure_partition_interrupts(const ffa::PartitionManifest& m);

// The SPMD and this SPMC agree before the SPMC serves anyone: the same
// FF-A major version, and the SPMD knows it by its manifest's spmc_id.
// Refuses (fail) otherwise.
void agree_with_spmd(const ffa::CoreManifest& m);

// A secondary CPU is ready to serve: logged at its first cold boot only
// (the SPMD enters the SPMC's cold boot again at every CPU_ON after a
// CPU_OFF).
void log_cpu_ready(uint64_t cpu);

// Logs `what` and tells the SPMD that initialisation failed
// (FFA_ERROR(ABORTED)): it boots the normal world without a secure world.
[[noreturn]] void fail(const char* what);

}  // namespace arch::spmc_boot
