// Loading the partitions the SPMC manifest names, S-EL1 and S-EL0: each package read
// in the staging area, its manifest checked against this placement's rules
// (spmc/partition_plan.h), its image and memory laid out in the partition
// region, its VM's stage-2 tables built, and the partition registered with
// the core. Each step logs why a partition does not start.
#include <optional>

#include "arch/aarch64/zero_memory.h"
#include "arch/aarch64/gicv3.h"
#include "arch/aarch64/spmc_boot.h"
#include "arch/aarch64/sysreg.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "plat/qemu_virt/memory_map.h"
#include "plat/qemu_virt/secure_console.h"
#include "sel2/hosted_vms.h"
#include "arch/aarch64/el0_address_space.h"
#include "spmc/partition_from_manifest.h"
#include "spmc/partition_plan.h"

extern "C" char __sel2_trampoline_start[];

namespace sel2 {
namespace {

using namespace spmc::loading;
using arch::mmu::Attrs;
using arch::mmu::MemType;

// Stage-2 tables, handed out from one pool as partitions load: each VM
// takes kTablesPerSpace for its secure IPA space (its own memory) and as
// many for its non-secure one (memory the normal world shares with it;
// tables an unmap empties go back), except a partition with staged
// regions, the trusted OS: Linux shares every buffer separately, scattered
// over its RAM, and the trusted OS holds its callers' argument buffers
// until they are unregistered, so its non-secure space takes
// kTrustedOsNsTables (each 2 MiB window of the normal world's RAM it holds
// pages in takes a table). Zeroed when handed out; a partition refused
// after it took its tables gives them back (they are the last taken).
constexpr size_t kTablesPerSpace = 8, kTrustedOsNsTables = 40;
constexpr size_t kPoolTables = HostedVms::kMax * 2 * kTablesPerSpace + kTrustedOsNsTables;
[[gnu::section(".noinit")]] alignas(4096) arch::mmu::Table g_s2_pool[kPoolTables];
constinit size_t g_s2_used = 0;
arch::mmu::Table* take_tables(size_t n) {
  if (n > kPoolTables - g_s2_used) return nullptr;
  g_s2_used += n;
  return &g_s2_pool[g_s2_used - n];
}

// S-EL1 partitions from the SPMC region's upper half to the end of the
// partition region, around the console lock page; the TA memory and the TA
// store (which the monitor staged) for the trusted OS (OP-TEE's UUID) alone.
// The SPMC's console and the power GPIO kept.
PlacementLimits limits(ffa::ExceptionLevel level) {
  PlacementLimits l{arch::gicv3::max_spi(), level,
                    Span{plat::kSel2PartitionRegionBase, plat::kPartitionRegionEnd}, plat::kSecureUartSpi,
                    Span{plat::kPeripheralsBase, plat::kPeripheralsEnd},
                    {plat::kSecureUartBase, plat::kSecureGpioBase}};
  l.reserved = Span{plat::kSecureConsoleLockPage, plat::kSecureConsoleLockPage + kPartitionPage};
  if (level == ffa::ExceptionLevel::s_el0) return l;  // nothing staged for S-EL0 partitions
  l.staged[0] = {Span{plat::kTaRamBase, plat::kTaRamEnd}, ffa::kOpteeUuid};
  l.staged[1] = {Span{plat::kTaStoreBase, plat::kTaStoreEnd}, ffa::kOpteeUuid};
  return l;
}

// What a new partition must not touch: the memory of those loaded, and
// the staged regions one of them claimed.
struct Taken {
  static constexpr unsigned kCapacity = HostedVms::kMax + HostedVms::kMaxEl0 + ffa::PartitionManifest::kMaxMemoryRegions;
  Span spans[kCapacity] = {};
  unsigned count = 0;
};
constinit Taken g_taken;

// The VM's secure IPA space: IPA = PA for everything it owns. Its image
// and memory regions as Normal memory, readable, writable and executable
// at stage 2 (the partition's own stage 1 decides what is what); its
// device regions as Device memory; its boot information read-only.
// Memory region `r` of `m`: [base, end).
Span region_span(const ffa::PartitionManifest& m, const ffa::MemoryRegion& r) {
  return Span{region_base(m, r), region_base(m, r) + uint64_t{r.pages} * kPartitionPage};
}

// `staged[i]`: whether memory region i lies in a staged span (is_staged).
bool map_vm(const ffa::PartitionManifest& m, const Layout& l, const bool* staged, arch::mmu::PageTable& s2) {
  bool ok = true;
  auto map = [&](uint64_t base, uint64_t size, Attrs a) {
    if (!ok || size == 0) return;
    if (auto s = s2.map(base, base, size, a); !s) {
      lib::log::error("partition \"{}\": stage 2 {:x} (+{:x}): {}", m.description, base, size,
                      arch::mmu::to_string(s.error()));
      ok = false;
    }
  };
  const uint64_t owned_end = l.boot_info ? l.boot_info : l.memory.end;
  map(l.memory.start, owned_end - l.memory.start, Attrs{.type = MemType::normal, .write = true, .exec = true});
  // Staged regions as the rest of its memory (the trusted OS runs its
  // Trusted Applications in its TA memory), but one declared read-only
  // read-only.
  for (unsigned i = 0; i < m.memory_region_count; ++i) {
    const ffa::MemoryRegion& r = m.memory_regions[i];
    if (staged[i])
      map(region_base(m, r), uint64_t{r.pages} * kPartitionPage,
          Attrs{.type = MemType::normal, .write = (r.attributes & ffa::region_attr::write) != 0, .exec = true});
  }
  if (l.boot_info) map(l.boot_info, l.boot_info_pages * kPartitionPage, Attrs{.type = MemType::normal});
  for (unsigned i = 0; i < m.device_region_count; ++i) {
    const ffa::DeviceRegion& d = m.device_regions[i];
    map(d.base, uint64_t{d.pages} * kPartitionPage,
        Attrs{.type = MemType::device, .write = (d.attributes & ffa::region_attr::write) != 0});
  }
  return ok;
}

// What was written to a partition's memory with our MMU and caches on
// goes to memory (clean and invalidate to the point of coherency: an
// S-EL1 partition starts with its MMU and caches off), and instruction
// fetches see it.
void make_visible(Span memory) {
  const uint64_t line = 4ull << ((TESSERA_SYSREG_READ(ctr_el0) >> 16) & 0xF);  // CTR_EL0.DminLine
  for (uint64_t a = memory.start & ~(line - 1); a < memory.end; a += line)
    __asm__ volatile("dc civac, %0" ::"r"(a) : "memory");
  arch::dsb_ish();
  __asm__ volatile("ic ialluis" ::: "memory");
  arch::dsb_ish();
}

// This placement's rules for `m` (spmc/partition_plan.h) against what the
// partitions loaded already take, and its memory plan; nothing when a
// rule refuses it (logged).
std::optional<Layout> plan_memory(const ffa::PartitionManifest& m, const SpPackage& pkg, const PlacementLimits& lim) {
  const std::span<const Span> taken(g_taken.spans, g_taken.count);
  auto memory = validate_manifest(m, pkg.image.size(), lim, taken);
  if (!memory) return std::nullopt;
  auto plan = lay_out(m, pkg.image.size(), pkg.manifest.size(), *memory, lim, taken);
  if (!plan) return std::nullopt;
  return *plan;
}

// Registers partition `p` (made from manifest `m`) with the core and
// configures its interrupts at the GIC; false (logged) when the core
// refuses it.
bool register_with_core(const ffa::PartitionManifest& m, const spmc::Partition& p, spmc::Core& core) {
  if (auto s = core.add_partition(p); !s) {
    lib::log::error("partition \"{}\": endpoint ID {:x} or an interrupt refused (duplicate, or not secure); not "
                    "started",
                    m.description, p.info.id.raw());
    return false;
  }
  arch::spmc_boot::configure_partition_interrupts(m);
  return true;
}

// A partition's memory: zeroed, the image copied in, the boot information
// written, all of it visible to a partition that starts with its MMU off
// (make_visible).
bool fill_memory(const Layout& l, const SpPackage& pkg) {
  arch::zero_normal_memory(reinterpret_cast<void*>(l.memory.start), l.memory.end - l.memory.start);
  memcpy(reinterpret_cast<void*>(l.load), pkg.image.data(), pkg.image.size());
  if (l.boot_info &&
      !write_boot_info(lib::MutableByteView(reinterpret_cast<uint8_t*>(l.boot_info), l.boot_info_pages * kPartitionPage),
                       l.boot_info, pkg.manifest))
    return false;  // cannot happen: the pages hold 64 bytes + the manifest
  make_visible(l.memory);
  return true;
}

// S-EL0 partitions' stage-1 tables (EL2&0 regime), from one pool: each
// takes kEl0Tables, given back when it is refused after taking them.
constexpr size_t kEl0Tables = 8;
[[gnu::section(".noinit")]] alignas(4096) arch::mmu::Table g_el0_pool[HostedVms::kMaxEl0 * kEl0Tables];
constinit size_t g_el0_used = 0;

// An S-EL0 partition: validated and laid out by the same rules as under
// the S-EL1 SPMC (at S-EL0, in the partition region), its memory filled,
// its tables built (its image, regions, devices, boot information and the
// trampoline: el0_address_space.h), registered with the core.
[[gnu::noinline]] bool load_el0(const ffa::PartitionManifest& m, const SpPackage& pkg, HostedVms& vms) {
  if (vms.el0_full()) {
    lib::log::error("partition \"{}\": more than {} S-EL0 partitions; not started", m.description,
                    HostedVms::kMaxEl0);
    return false;
  }
  const PlacementLimits lim = limits(ffa::ExceptionLevel::s_el0);
  const std::optional<Layout> plan = plan_memory(m, pkg, lim);
  if (!plan) return false;
  const Layout& l = *plan;
  if (g_taken.count == Taken::kCapacity) {
    lib::log::error("partition \"{}\": the SPMC cannot record more partitions' memory; not started", m.description);
    return false;
  }
  if (!fill_memory(l, pkg)) return false;

  HostedEl0& a = vms.next_el0();
  a = HostedEl0{};
  a.asid = vms.next_asid();
  const size_t tables_before = g_el0_used;
  a.space.tables.emplace(&g_el0_pool[g_el0_used], kEl0Tables, arch::mmu::Regime::el1_0, el0_invalidate(a.asid));
  a.space.tables->set_break_before_make();  // (a UP partition: changed only on its calls or while it does not run)
  g_el0_used += kEl0Tables;
  const auto give_tables_back = [&] {
    a.space.tables.reset();
    g_el0_used = tables_before;
  };
  if (!arch::el0::map_el0_partition(m, l, *a.space.tables, reinterpret_cast<uint64_t>(__sel2_trampoline_start))) {
    give_tables_back();
    return false;
  }
  spmc::Core& core = vms.core();
  const spmc::Partition p = spmc::partition_from_manifest(m, core);
  if (!register_with_core(m, p, core)) {
    give_tables_back();
    return false;
  }
  const size_t core_index = core.partition_count() - 1;
  // The SPMC reaches its RX/TX pair through its own mapping of the
  // partition region (VA = PA).
  spmc::attach_manifest_mailbox(core, core_index, m);
  a.space.describe(m, l);
  a.vcpu.regs.elr = l.load + m.entrypoint_offset;
  a.vcpu.regs.ttbr0 = a.space.tables->root_address() | (uint64_t{a.asid} << 48);
  if (l.boot_info) a.boot_x[m.boot_info_register] = l.boot_info;
  vms.add_el0(core_index);
  g_taken.spans[g_taken.count++] = l.memory;
  lib::log::info("partition {:x} \"{}\" loaded at {:x} (S-EL0, ASID {})", p.info.id.raw(), m.description, l.load,
                 a.asid);
  return true;
}

bool load_one(unsigned n, const ffa::PackageRef& ref, HostedVms& vms) {
  SpPackage pkg;
  if (!read_package(n, ref, Span{plat::kPackageRegionBase, plat::kPackageRegionEnd}, pkg)) return false;
  const auto manifest = ffa::parse_partition_manifest(pkg.manifest);
  if (!manifest_matches(n, ref, manifest)) return false;
  const ffa::PartitionManifest& m = manifest.value();
  if (m.exception_level == ffa::ExceptionLevel::s_el0) return load_el0(m, pkg, vms);
  if (vms.full()) {
    lib::log::error("partition \"{}\": more than {} S-EL1 partitions; not started", m.description, HostedVms::kMax);
    return false;
  }
  if (m.exec_ctx_count > spmc::Partition::kMaxContexts) {
    lib::log::error("partition \"{}\": execution-ctx-count {} is more than {}; not started", m.description,
                    m.exec_ctx_count, spmc::Partition::kMaxContexts);
    return false;
  }
  const PlacementLimits lim = limits(ffa::ExceptionLevel::s_el1);
  const std::optional<Layout> plan = plan_memory(m, pkg, lim);
  if (!plan) return false;
  const Layout& l = *plan;
  // Room to record what it takes (its span and its staged regions), before
  // anything is written: one partition may declare up to eight staged
  // regions, and what is not recorded could be claimed twice.
  bool staged_region[ffa::PartitionManifest::kMaxMemoryRegions] = {};
  unsigned staged = 0;
  for (unsigned i = 0; i < m.memory_region_count; ++i) {
    staged_region[i] = is_staged(m, m.memory_regions[i], lim);
    staged += staged_region[i] ? 1 : 0;
  }
  if (1 + staged > Taken::kCapacity - g_taken.count) {
    lib::log::error("partition \"{}\": {} staged memory regions are more than the SPMC can record; not started",
                    m.description, staged);
    return false;
  }
  if (!fill_memory(l, pkg)) return false;

  HostedVm& vm = vms.next();
  const unsigned slot = vms.count();
  vm.vmid = static_cast<uint16_t>(slot + 1);
  const size_t ns_tables = staged != 0 ? kTrustedOsNsTables : kTablesPerSpace;
  const size_t tables_before = g_s2_used;
  const auto give_tables_back = [&] { g_s2_used = tables_before; };
  arch::mmu::Table* secure_tables = take_tables(kTablesPerSpace);
  arch::mmu::Table* ns_tables_at = take_tables(ns_tables);
  if (!secure_tables || !ns_tables_at) {
    give_tables_back();
    lib::log::error("partition \"{}\": out of stage-2 tables; not started", m.description);
    return false;
  }
  vm.secure_s2.emplace(secure_tables, kTablesPerSpace, arch::mmu::Regime::stage2);
  vm.ns_s2.emplace(ns_tables_at, ns_tables, arch::mmu::Regime::stage2);
  vm.secure_s2->set_split_invalidate(&invalidate_all_vms);
  vm.ns_s2->set_split_invalidate(&invalidate_all_vms);
  if (!map_vm(m, l, staged_region, *vm.secure_s2)) {
    give_tables_back();
    return false;
  }
  invalidate_vm(vm);

  spmc::Core& core = vms.core();
  const spmc::Partition p = spmc::partition_from_manifest(m, core);
  if (!register_with_core(m, p, core)) {
    give_tables_back();
    return false;
  }
  // Its regions for its RX/TX pair and the memory it may lend: not the
  // staged ones, which the SPMC's own stage 1 does not map (and which are
  // the platform's, not the partition's, to give).
  vm.region_count = 0;
  for (unsigned i = 0; i < m.memory_region_count; ++i)
    if (!staged_region[i]) vm.regions[vm.region_count++] = region_span(m, m.memory_regions[i]);
  vm.entry = l.load + m.entrypoint_offset;
  for (uint64_t& x : vm.boot_x) x = 0;
  if (l.boot_info) vm.boot_x[m.boot_info_register] = l.boot_info;
  for (Vcpu& v : vm.vcpus) v = Vcpu{};
  vms.add_next(core.partition_count() - 1, l.memory);
  g_taken.spans[g_taken.count++] = l.memory;
  for (unsigned i = 0; i < m.memory_region_count; ++i)
    if (staged_region[i]) g_taken.spans[g_taken.count++] = region_span(m, m.memory_regions[i]);
  lib::log::info("partition {:x} \"{}\" loaded at {:x} (S-EL1, VMID {}, {} execution context(s))", p.info.id.raw(),
                 m.description, l.load, vm.vmid, m.exec_ctx_count);
  return true;
}

}  // namespace

unsigned load_partitions(const ffa::CoreManifest& manifest, HostedVms& vms) {
  unsigned loaded = 0;
  for (unsigned i = 0; i < manifest.package_count; ++i) loaded += load_one(i, manifest.packages[i], vms) ? 1 : 0;
  return loaded;
}

}  // namespace sel2
