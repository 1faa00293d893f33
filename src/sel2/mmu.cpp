#include "sel2/mmu.h"

#include "arch/aarch64/sysreg.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "plat/qemu_virt/memory_map.h"

extern "C" char __image_start[], __text_end[], __rodata_end[], __image_end[];

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

void map_or_panic(arch::mmu::PageTable& pt, uint64_t base, uint64_t end, Attrs a) {
  auto s = pt.map(base, base, end - base, a);
  if (!s) {
    lib::log::error("S-EL2 map {:x}-{:x}: {}", base, end, arch::mmu::to_string(s.error()));
    lib::panic("secure hypervisor translation tables");
  }
}

}  // namespace

arch::mmu::PageTable& mmu_init(uint64_t manifest_pa) {
  static arch::mmu::PageTable pt(g_pool, kTables, arch::mmu::Regime::el2, &invalidate_va);
  const auto start = reinterpret_cast<uint64_t>(__image_start);
  const auto text_end = reinterpret_cast<uint64_t>(__text_end);
  const auto ro_end = reinterpret_cast<uint64_t>(__rodata_end);
  const auto end = reinterpret_cast<uint64_t>(__image_end);
  map_or_panic(pt, start, text_end, Attrs{.type = MemType::normal, .exec = true});
  map_or_panic(pt, text_end, ro_end, Attrs{.type = MemType::normal});
  map_or_panic(pt, ro_end, end, Attrs{.type = MemType::normal, .write = true});
  const uint64_t mpage = manifest_pa & ~(arch::mmu::kPageSize - 1);
  map_or_panic(pt, mpage, mpage + arch::mmu::kPageSize, Attrs{.type = MemType::normal});
  map_or_panic(pt, plat::kSecureUartBase, plat::kSecureUartBase + arch::mmu::kPageSize,
               Attrs{.type = MemType::device, .write = true});
  // The GIC: distributor and every CPU's redistributor, in one 2 MiB block.
  static_assert(plat::kGicrBase + plat::kMaxCpus * plat::kGicrFrameSize <= plat::kGicdBase + (2u << 20));
  map_or_panic(pt, plat::kGicdBase, plat::kGicdBase + (2u << 20), Attrs{.type = MemType::device, .write = true});
  // Where partitions live (the hypervisor loads them: it copies images,
  // zeroes memory, writes boot information) and where their packages wait.
  map_or_panic(pt, plat::kPartitionRegionBase, plat::kPartitionRegionEnd,
               Attrs{.type = MemType::normal, .write = true});
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
