// Loading S-EL0 partitions from the SP packages the monitor staged, one
// step at a time: parse the package, read and validate its manifest (the
// portable rules in partition_plan.cpp), take its translation tables, lay
// its memory out and fill it, map it, and register it with the core and
// the hosted table. Every step that refuses logs why (docs/manifests.md
// lists the messages); a refused partition is skipped, the others start.
#include "arch/aarch64/zero_memory.h"
#include "arch/aarch64/gicv3.h"
#include "arch/aarch64/spmc_boot.h"
#include "arch/aarch64/pgtable.h"
#include "arch/aarch64/sysreg.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "plat/qemu_virt/memory_map.h"
#include "sel1/hosted_partitions.h"
#include "sel1/mmu.h"
#include "spmc/partition_from_manifest.h"
#include "spmc/partition_plan.h"
#include "sel1/partitions.h"

extern "C" char __trampoline_start[];

namespace sel1 {

using namespace spmc::loading;
namespace {

constexpr size_t kTablesPerPartition = 8;
constexpr uint64_t kPage = kPartitionPage;
static_assert(kMaxPartitionInterrupts == spmc::Partition::kMaxInterrupts);
static_assert(HostedPartitions::kMax == 8, "docs/manifests.md: the trusted OS hosts at most 8");

// Each step stays a function of its own (noinline): the boot stack (8 KiB)
// then holds one step's locals at a time beside load_one's manifest.

// Why a partition did not start (its message is logged already).
enum class LoadError : uint8_t {
  too_many,
  refused,      // validate_manifest or lay_out: a rule of this placement
  no_tables,
  bad_boot_info,
  map_failed,
  not_registered,
};

// This placement's rules on this machine: S-EL0 partitions in the
// partition region, the trusted OS's console and the power GPIO kept.
PlacementLimits limits() {
  return PlacementLimits{arch::gicv3::max_spi(), ffa::ExceptionLevel::s_el0,
                         Span{plat::kPartitionRegionBase, plat::kPartitionRegionEnd}, plat::kSecureUartSpi,
                         Span{plat::kPeripheralsBase, plat::kPeripheralsEnd},
                         {plat::kSecureUartBase, plat::kSecureGpioBase}};
}

// Validate: this placement's rules (partition_plan.h), against the
// partitions hosted already. The partition's memory, image and regions.
[[gnu::noinline]] lib::Result<Span, LoadError> validate(const ffa::PartitionManifest& m, const SpPackage& pkg,
                                      const HostedPartitions& hosted) {
  auto memory = validate_manifest(m, pkg.image.size(), limits(), hosted.memory());
  if (!memory) return LoadError::refused;
  return *memory;
}

// Its translation tables, in the record it will have (a partition refused
// later keeps them: they are not given back to the pool).
[[gnu::noinline]] lib::Result<arch::mmu::PageTable*, LoadError> take_tables(const ffa::PartitionManifest& m, HostedPartition& h) {
  arch::mmu::Table* pool = alloc_partition_tables(kTablesPerPartition);
  if (!pool) {
    lib::log::error("partition \"{}\": out of translation tables; not started", m.description);
    return LoadError::no_tables;
  }
  h.space.tables.emplace(pool, kTablesPerPartition, arch::mmu::Regime::el1_0, &invalidate_va_all_asids);
  // A UP partition's tables change only on its own calls, or while it
  // does not run.
  h.space.tables->set_break_before_make();
  return &*h.space.tables;
}

// Lay out: the memory plan (partition_plan.h), then the memory itself:
// the image copied in, the rest zeroed, the boot information written.
[[gnu::noinline]] lib::Result<Layout, LoadError> lay_out_memory(const ffa::PartitionManifest& m, const SpPackage& pkg, Span memory,
                                             const HostedPartitions& hosted) {
  auto plan = lay_out(m, pkg.image.size(), pkg.manifest.size(), memory, limits(), hosted.memory());
  if (!plan) return LoadError::refused;
  const Layout& l = *plan;
  arch::zero_normal_memory(reinterpret_cast<void*>(l.memory.start), l.memory.end - l.memory.start);
  memcpy(reinterpret_cast<void*>(l.load), pkg.image.data(), pkg.image.size());
  if (l.boot_info &&
      !write_boot_info(lib::MutableByteView(reinterpret_cast<uint8_t*>(l.boot_info), l.boot_info_pages * kPage),
                       l.boot_info, pkg.manifest))
    return LoadError::bad_boot_info;  // cannot happen: the pages hold 64 + the manifest's size
  return l;
}

// Map: its regions, image, devices and boot information
// (el0_address_space.h), and the trampoline.
[[gnu::noinline]] lib::Status<LoadError> map_partition(const ffa::PartitionManifest& m, const Layout& l, arch::mmu::PageTable& pt) {
  if (!arch::el0::map_el0_partition(m, l, pt, reinterpret_cast<uint64_t>(__trampoline_start)))
    return LoadError::map_failed;
  return {};
}

// Register: the core partition, its interrupts at the GIC, its mailbox,
// and the hosted record (context, boot registers, what it may lend).
[[gnu::noinline]] lib::Status<LoadError> register_partition(const ffa::PartitionManifest& m, const Layout& l,
                                          HostedPartitions& hosted) {
  spmc::Core& core = hosted.core();
  const spmc::Partition p = spmc::partition_from_manifest(m, core);
  const ffa::EndpointId id = p.info.id;
  if (auto s = core.add_partition(p); !s) {
    lib::log::error("partition \"{}\": endpoint ID {:x} or an interrupt refused (duplicate, or not secure); not "
                    "started",
                    m.description, id.raw());
    return LoadError::not_registered;
  }
  arch::spmc_boot::configure_partition_interrupts(m);
  HostedPartition& h = hosted.next();
  const uint64_t asid = hosted.count() + 1;
  h.ctx = SpContext{};
  h.ctx.elr = l.load + m.entrypoint_offset;
  h.ctx.spsr = kSpsrFiqMask;  // EL0t; HostedPartitions::run sets the FIQ mask per entry
  h.ctx.ttbr0 = h.space.tables->root_address() | (asid << 48);
  h.started = false;
  for (uint64_t& x : h.boot_x) x = 0;
  if (l.boot_info) h.boot_x[m.boot_info_register] = l.boot_info;
  const size_t core_index = core.partition_count() - 1;
  // The SPMC reaches its pair through its own mapping of the partition
  // region (VA = PA).
  spmc::attach_manifest_mailbox(core, core_index, m);
  h.space.describe(m, l);
  hosted.add_next(core_index, l.memory);
  lib::log::info("partition {:x} \"{}\" loaded at {:x} (S-EL0, ASID {})", id.raw(), m.description, l.load, asid);
  return {};
}

// One partition from its package; false (with the reason logged) when it
// cannot start.
bool load_one(unsigned n, const ffa::PackageRef& ref, HostedPartitions& hosted) {
  if (hosted.full()) {
    lib::log::error("partition package {}: more than {} partitions; not started", n, HostedPartitions::kMax);
    return false;
  }
  SpPackage pkg;
  if (!read_package(n, ref, Span{plat::kPackageRegionBase, plat::kPackageRegionEnd}, pkg)) return false;
  const auto manifest = ffa::parse_partition_manifest(pkg.manifest);
  if (!manifest_matches(n, ref, manifest)) return false;
  const ffa::PartitionManifest& m = manifest.value();
  auto memory = validate(m, pkg, hosted);
  if (!memory) return false;
  auto tables = take_tables(m, hosted.next());
  if (!tables) return false;
  auto layout = lay_out_memory(m, pkg, *memory, hosted);
  if (!layout) return false;
  if (!map_partition(m, *layout, **tables)) return false;
  return register_partition(m, *layout, hosted).ok();
}

}  // namespace

unsigned load_partitions(const ffa::CoreManifest& manifest, HostedPartitions& hosted) {
  unsigned loaded = 0;
  for (unsigned i = 0; i < manifest.package_count; ++i) loaded += load_one(i, manifest.packages[i], hosted) ? 1 : 0;
  return loaded;
}

}  // namespace sel1
