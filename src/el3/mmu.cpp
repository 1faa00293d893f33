#include "el3/mmu.h"

#include "arch/aarch64/pgtable.h"
#include "arch/aarch64/sysreg.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "plat/qemu_virt/memory_map.h"

extern "C" char __image_start[], __text_end[], __rodata_end[], __image_end[];

namespace el3 {
namespace {

using arch::mmu::Attrs;
using arch::mmu::MemType;

constexpr size_t kTables = 8;
// Zeroed when handed out (PageTable::alloc_table): not part of the BSS.
[[gnu::section(".noinit")]] alignas(4096) arch::mmu::Table g_tables[kTables];
constinit uint64_t g_root = 0;  // the tables every CPU uses

void map_or_panic(arch::mmu::PageTable& pt, uint64_t base, uint64_t end, Attrs a) {
  auto s = pt.map(base, base, end - base, a);
  if (!s) {
    lib::log::error("EL3 map {:x}-{:x}: {}", base, end, arch::mmu::to_string(s.error()));
    lib::panic("EL3 translation tables");
  }
}

}  // namespace

void mmu_init() {
  arch::mmu::PageTable pt(g_tables, kTables, arch::mmu::Regime::el3);
  const auto start = reinterpret_cast<uint64_t>(__image_start);
  const auto text_end = reinterpret_cast<uint64_t>(__text_end);
  const auto ro_end = reinterpret_cast<uint64_t>(__rodata_end);
  const auto end = reinterpret_cast<uint64_t>(__image_end);
  // The monitor: code read-only executable, constants read-only, data
  // read-write never executable.
  map_or_panic(pt, start, text_end, Attrs{.type = MemType::normal, .write = false, .exec = true});
  if (ro_end > text_end) map_or_panic(pt, text_end, ro_end, Attrs{.type = MemType::normal});
  map_or_panic(pt, ro_end, end, Attrs{.type = MemType::normal, .write = true});
  // The rest of secure RAM: where the SPMC manifest, the SPMC and
  // partitions are loaded. Writable, never executable at EL3.
  map_or_panic(pt, end, plat::kSecureRamBase + plat::kSecureRamSize,
               Attrs{.type = MemType::normal, .write = true});
  // Flash (the FIP is read from it) and the device window.
  map_or_panic(pt, plat::kFlashBase, plat::kFlashBase + plat::kFlashSize, Attrs{.type = MemType::normal});
  map_or_panic(pt, plat::kDeviceBase, plat::kDeviceBase + plat::kDeviceSize,
               Attrs{.type = MemType::device, .write = true});
  // Normal-world DRAM, non-secure, for loading the normal-world image.
  map_or_panic(pt, plat::kNsDramBase, plat::kNsDramBase + (1ull << 30),
               Attrs{.type = MemType::normal, .write = true, .ns = true});

  g_root = pt.root_address();
  mmu_enable_this_cpu();
}

void mmu_enable_this_cpu() {
  TESSERA_SYSREG_WRITE(mair_el3, arch::mmu::kMairValue);
  // TCR_EL3: T0SZ = 25 (39-bit VA), inner/outer write-back write-allocate,
  // inner shareable, 4 KiB granule, 40-bit PA, RES1 bits 31 and 23.
  const uint64_t tcr = (64 - arch::mmu::kVaBits) | (1ull << 8) | (1ull << 10) | (3ull << 12) | (0ull << 14) |
                       (2ull << 16) | (1ull << 23) | (1ull << 31);
  TESSERA_SYSREG_WRITE(tcr_el3, tcr);
  TESSERA_SYSREG_WRITE(ttbr0_el3, g_root);
  arch::dsb_sy();
  __asm__ volatile("tlbi alle3" ::: "memory");
  arch::dsb_sy();
  arch::isb();
  uint64_t sctlr = TESSERA_SYSREG_READ(sctlr_el3);
  sctlr |= (1ull << 0) | (1ull << 2) | (1ull << 12) | (1ull << 19);  // M, C, I, WXN
  TESSERA_SYSREG_WRITE(sctlr_el3, sctlr);
  arch::isb();
}

void clean_dcache_range(uint64_t addr, uint64_t size) {
  const uint64_t line = 4u << ((TESSERA_SYSREG_READ(ctr_el0) >> 16) & 0xF);
  for (uint64_t a = addr & ~(line - 1); a < addr + size; a += line) __asm__ volatile("dc cvac, %0" ::"r"(a) : "memory");
  arch::dsb_sy();
  __asm__ volatile("ic iallu" ::: "memory");
  arch::dsb_sy();
  arch::isb();
}

}  // namespace el3
