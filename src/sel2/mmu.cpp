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
}  // namespace

// Tables are zeroed when handed out (PageTable::alloc_table): not BSS. The
// first is the root, which the exception vectors switch TTBR0_EL2 back to
// when an S-EL0 partition traps (vectors.S): its address, with ASID 0, is
// the hypervisor's TTBR0_EL2 value.
extern "C" {
[[gnu::section(".noinit")]] alignas(4096) arch::mmu::Table sel2_stage1_tables[kTables];
}

namespace {
constinit uint64_t g_root = 0;  // every CPU uses the same tables

// TLB maintenance after an entry changed: this VA in the EL2&0 regime, on
// every CPU (inner shareable). With E2H set the operation names ASID 0:
// it covers global entries and our non-global ones.
void invalidate_va(uint64_t va) {
  arch::dsb_ishst();
  __asm__ volatile("tlbi vae2is, %0" ::"r"(va >> 12) : "memory");
  arch::dsb_ish();
  arch::isb();
}
}  // namespace

arch::mmu::PageTable& mmu_init(uint64_t manifest_pa) {
  // The EL2&0 regime (E2H set) encodes permissions as EL1&0 does.
  static arch::mmu::PageTable pt(sel2_stage1_tables, kTables, arch::mmu::Regime::el1_0, &invalidate_va);
  arch::spmc_boot::map_own_image(pt, manifest_pa);
  // Where partitions live (the hypervisor loads them: it copies images,
  // zeroes memory, writes boot information) and where their packages wait.
  using arch::spmc_boot::map_or_panic;
  // (The console lock page between them is mapped by the console.) Not
  // global: S-EL0 partitions map their part of it themselves, under their
  // own ASIDs, and must never hit our entries in the TLB.
  map_or_panic(pt, plat::kSel2PartitionRegionBase, plat::kSecureConsoleLockPage,
               Attrs{.type = MemType::normal, .write = true, .global = false});
  map_or_panic(pt, plat::kPartitionRegionBase, plat::kPartitionRegionEnd,
               Attrs{.type = MemType::normal, .write = true, .global = false});
  map_or_panic(pt, plat::kPackageRegionBase, plat::kPackageRegionEnd, Attrs{.type = MemType::normal, .global = false});
  g_root = pt.root_address();
  mmu_enable_this_cpu();
  return pt;
}

void mmu_enable_this_cpu() {
  TESSERA_SYSREG_WRITE(mair_el2, arch::mmu::kMairValue);
  // TCR_EL2 (E2H = 1, TCR_EL1's layout): T0SZ = 25, WBWA inner/outer,
  // inner shareable, 4 KiB granule for TTBR0; TTBR1 walks off (EPD1, its
  // granule field still a valid 4 KiB); ASID from TTBR0 (A1 clear), 8
  // bits; IPS = 40 bits.
  const uint64_t tcr = (64 - arch::mmu::kVaBits) | (1ull << 8) | (1ull << 10) | (3ull << 12) | (1ull << 23) |
                       (2ull << 30) | (2ull << 32);
  TESSERA_SYSREG_WRITE(tcr_el2, tcr);
  TESSERA_SYSREG_WRITE(ttbr0_el2, g_root);
  arch::dsb_sy();
  __asm__ volatile("tlbi alle2" ::: "memory");  // the EL2&0 regime's entries, every ASID
  arch::dsb_sy();
  arch::isb();
  // SCTLR_EL2 (E2H = 1, SCTLR_EL1's layout): M, C, SA, SA0, I, WXN on top
  // of the RES1 bits, SPAN (PSTATE.PAN left alone on exceptions), EIS and
  // EOS; EL0 (S-EL0 partitions) may not use WFI/WFE (nTWI, nTWE clear:
  // they trap, and stop the partition), cache maintenance, CTR_EL0 or DAIF.
  const uint64_t sctlr = 0x30D00800ull | (1ull << 0) | (1ull << 2) | (1ull << 3) | (1ull << 4) | (1ull << 12) |
                         (1ull << 19);
  TESSERA_SYSREG_WRITE(sctlr_el2, sctlr);
  arch::isb();
}

}  // namespace sel2
