#include "sel1/mmu.h"

#include "arch/aarch64/spmc_boot.h"
#include "arch/aarch64/sysreg.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "plat/qemu_virt/memory_map.h"

namespace sel1 {
namespace {

using arch::mmu::Attrs;
using arch::mmu::MemType;

constexpr size_t kTables = 32;
// Tables are zeroed when handed out (PageTable::alloc_table), so the pools
// stay out of the BSS that startup clears.
[[gnu::section(".noinit")]] alignas(4096) arch::mmu::Table g_pool[kTables];
constinit uint64_t g_root = 0;  // every CPU uses the same tables
// Translation tables for S-EL0 partitions (8 partitions x 8 tables).
constexpr size_t kPartitionTables = 64;
[[gnu::section(".noinit")]] alignas(4096) arch::mmu::Table g_partition_pool[kPartitionTables];
size_t g_partition_pool_used = 0;

}  // namespace

// TLB maintenance after an entry changed: invalidate the VA for every ASID,
// inner shareable (all CPUs).
void invalidate_va_all_asids(uint64_t va) {
  arch::dsb_ishst();
  __asm__ volatile("tlbi vaae1is, %0" ::"r"(va >> 12) : "memory");
  arch::dsb_ish();
  arch::isb();
}

arch::mmu::Table* alloc_partition_tables(size_t count) {
  if (count > kPartitionTables - g_partition_pool_used) return nullptr;
  arch::mmu::Table* t = &g_partition_pool[g_partition_pool_used];
  g_partition_pool_used += count;
  return t;
}

arch::mmu::PageTable& mmu_init(uint64_t manifest_pa) {
  static arch::mmu::PageTable pt(g_pool, kTables, arch::mmu::Regime::el1_0, &invalidate_va_all_asids);
  arch::spmc_boot::map_own_image(pt, manifest_pa);
  // Where partitions run and where their packages wait: the trusted OS
  // loads them, never executes them.
  // Not global: partitions map this range themselves, under their own
  // ASIDs, and must never hit our entries in the TLB.
  // TAs run in the TA memory; the TA store follows the packages.
  static_assert(plat::kPartitionRegionEnd == plat::kTaRamBase && plat::kTaRamEnd == plat::kPackageRegionBase &&
                plat::kPackageRegionEnd == plat::kTaStoreBase);
  arch::spmc_boot::map_or_panic(pt, plat::kPartitionRegionBase, plat::kTaStoreEnd,
                                Attrs{.type = MemType::normal, .write = true, .global = false});

  g_root = pt.root_address();
  mmu_enable_this_cpu();
  return pt;
}

arch::mmu::PageTable& mmu_init_partition() {
  static arch::mmu::PageTable pt(g_pool, kTables, arch::mmu::Regime::el1_0, &invalidate_va_all_asids);
  arch::spmc_boot::map_image_sections(pt);
  // Its manifest declares both to the SPMC (configs/sel2-spmc/tos_manifest.dts),
  // which maps them in its stage 2 at IPA = PA. Not global, as above.
  arch::spmc_boot::map_or_panic(pt, plat::kTaRamBase, plat::kTaRamEnd,
                                Attrs{.type = MemType::normal, .write = true, .global = false});
  // The TA store's free end takes TAs loaded from the normal world.
  arch::spmc_boot::map_or_panic(pt, plat::kTaStoreBase, plat::kTaStoreEnd,
                                Attrs{.type = MemType::normal, .write = true, .global = false});
  g_root = pt.root_address();
  mmu_enable_this_cpu();
  return pt;
}

void mmu_enable_this_cpu() {
  TESSERA_SYSREG_WRITE(mair_el1, arch::mmu::kMairValue);
  // T0SZ = 25, WBWA inner/outer, inner shareable, 4 KiB granule, EPD1 (no
  // TTBR1 walks), IPS = 40 bits.
  const uint64_t tcr = (64 - arch::mmu::kVaBits) | (1ull << 8) | (1ull << 10) | (3ull << 12) | (1ull << 23) |
                       (2ull << 32);
  TESSERA_SYSREG_WRITE(tcr_el1, tcr);
  TESSERA_SYSREG_WRITE(ttbr0_el1, g_root);
  // TTBR1_EL1 translates nothing (EPD1): it keeps our own TTBR0 value for
  // the trampoline to switch back to when a partition traps (el0.S).
  TESSERA_SYSREG_WRITE(ttbr1_el1, g_root);
  arch::dsb_sy();
  __asm__ volatile("tlbi vmalle1" ::: "memory");
  arch::dsb_sy();
  arch::isb();
  // M, C, SA, SA0, I, WXN, on top of the RES1 bits.
  const uint64_t sctlr = 0x30D00800ull | (1ull << 0) | (1ull << 2) | (1ull << 3) | (1ull << 4) | (1ull << 12) |
                         (1ull << 19);
  TESSERA_SYSREG_WRITE(sctlr_el1, sctlr);
  arch::isb();
}

}  // namespace sel1
