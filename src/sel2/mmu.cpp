#include "sel2/mmu.h"

#include "arch/aarch64/spmc_boot.h"
#include "arch/aarch64/sysreg.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "plat/qemu_virt/memory_map.h"
#include "plat/qemu_virt/secure_console.h"

namespace sel2 {
namespace {

using arch::mmu::Attrs;
using arch::mmu::MemType;

constexpr size_t kTables = 32;
// Tables are zeroed when handed out (PageTable::alloc_table): not BSS.
[[gnu::section(".noinit")]] alignas(4096) arch::mmu::Table g_pool[kTables];
constinit uint64_t g_root = 0;  // every CPU uses the same tables

// TLB maintenance after an entry changed: this VA in the EL2 regime, on
// every CPU (inner shareable).
void invalidate_va(uint64_t va) {
  arch::dsb_ishst();
  __asm__ volatile("tlbi vae2is, %0" ::"r"(va >> 12) : "memory");
  arch::dsb_ish();
  arch::isb();
}
}  // namespace

arch::mmu::PageTable& mmu_init(uint64_t manifest_pa) {
  static arch::mmu::PageTable pt(g_pool, kTables, arch::mmu::Regime::el2, &invalidate_va);
  arch::spmc_boot::map_own_image(pt, manifest_pa);
  // Where partitions live (the hypervisor loads them: it copies images,
  // zeroes memory, writes boot information) and where their packages wait.
  using arch::spmc_boot::map_or_panic;
  // (The console lock page between them is mapped by the console.)
  map_or_panic(pt, plat::kSel2PartitionRegionBase, plat::kSecureConsoleLockPage,
               Attrs{.type = MemType::normal, .write = true});
  map_or_panic(pt, plat::kPartitionRegionBase, plat::kPartitionRegionEnd, Attrs{.type = MemType::normal, .write = true});
  map_or_panic(pt, plat::kPackageRegionBase, plat::kPackageRegionEnd, Attrs{.type = MemType::normal});
  g_root = pt.root_address();
  mmu_enable_this_cpu();
  return pt;
}

void mmu_enable_this_cpu() {
  TESSERA_SYSREG_WRITE(mair_el2, arch::mmu::kMairValue);
  // TCR_EL2 (E2H = 0): T0SZ = 25, WBWA inner/outer, inner shareable,
  // 4 KiB granule, PS = 40 bits, RES1 bits 31 and 23.
  const uint64_t tcr = (64 - arch::mmu::kVaBits) | (1ull << 8) | (1ull << 10) | (3ull << 12) | (2ull << 16) |
                       (1ull << 23) | (1ull << 31);
  TESSERA_SYSREG_WRITE(tcr_el2, tcr);
  TESSERA_SYSREG_WRITE(ttbr0_el2, g_root);
  arch::dsb_sy();
  __asm__ volatile("tlbi alle2" ::: "memory");
  arch::dsb_sy();
  arch::isb();
  // M, C, SA, I, WXN, on top of the RES1 bits.
  const uint64_t sctlr = 0x30C50830ull | (1ull << 0) | (1ull << 2) | (1ull << 3) | (1ull << 12) | (1ull << 19);
  TESSERA_SYSREG_WRITE(sctlr_el2, sctlr);
  arch::isb();
}

}  // namespace sel2
