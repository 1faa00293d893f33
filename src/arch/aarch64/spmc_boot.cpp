#include "arch/aarch64/spmc_boot.h"

#include "arch/aarch64/conduit.h"
#include "arch/aarch64/gicv3.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "arch/aarch64/sysreg.h"
#include "plat/qemu_virt/memory_map.h"

extern "C" char __image_start[], __text_end[], __rodata_end[], __image_end[];

namespace arch::spmc_boot {

using arch::mmu::Attrs;
using arch::mmu::MemType;

void map_or_panic(arch::mmu::PageTable& tables, uint64_t base, uint64_t end, Attrs attrs) {
  auto s = tables.map(base, base, end - base, attrs);
  if (!s) {
    lib::log::error("SPMC map {:x}-{:x}: {}", base, end, arch::mmu::to_string(s.error()));
    lib::panic("SPMC translation tables");
  }
}

void map_image_sections(arch::mmu::PageTable& tables) {
  const auto start = reinterpret_cast<uint64_t>(__image_start);
  const auto text_end = reinterpret_cast<uint64_t>(__text_end);
  const auto ro_end = reinterpret_cast<uint64_t>(__rodata_end);
  const auto end = reinterpret_cast<uint64_t>(__image_end);
  map_or_panic(tables, start, text_end, Attrs{.type = MemType::normal, .exec = true, .global = false});
  map_or_panic(tables, text_end, ro_end, Attrs{.type = MemType::normal, .global = false});
  map_or_panic(tables, ro_end, end, Attrs{.type = MemType::normal, .write = true, .global = false});
}

void map_own_image(arch::mmu::PageTable& tables, uint64_t manifest_pa) {
  map_image_sections(tables);
  const uint64_t mpage = manifest_pa & ~(arch::mmu::kPageSize - 1);
  map_or_panic(tables, mpage, mpage + arch::mmu::kPageSize, Attrs{.type = MemType::normal, .global = false});
  map_or_panic(tables, plat::kSecureUartBase, plat::kSecureUartBase + arch::mmu::kPageSize,
               Attrs{.type = MemType::device, .write = true, .global = false});
  static_assert(plat::kGicrBase + plat::kMaxCpus * plat::kGicrFrameSize <= plat::kGicdBase + (2u << 20));
  map_or_panic(tables, plat::kGicdBase, plat::kGicdBase + (2u << 20), Attrs{.type = MemType::device, .write = true, .global = false});
}

void fail(const char* what) {
  lib::log::error("{}", what);
  ffa::Regs r = ffa::error(ffa::Error::aborted);
  arch_smc(&r);
  lib::panic("the SPMD resumed an SPMC that failed to start");
}

void read_manifest(uint64_t manifest_pa, uint64_t image_start, ffa::CoreManifest& out) {
  auto parsed =
      ffa::parse_core_manifest(lib::ByteView(reinterpret_cast<const uint8_t*>(manifest_pa), plat::kSpmcManifestMax));
  if (!parsed) {
    lib::log::error("SPMC manifest: {}: {}", parsed.error().property, parsed.error().reason);
    fail("refusing to start with a bad manifest");
  }
  out = parsed.value();
  // The image is linked to run where it was loaded: the manifest must say
  // the same, or nothing works after the MMU is on.
  if (out.load_address != image_start) {
    lib::log::error("SPMC manifest load_address {:x}, image linked at {:x}", out.load_address, image_start);
    fail("SPMC manifest load_address differs from the image's link address");
  }
  // Normal-world memory must never include secure RAM.
  for (unsigned i = 0; i < out.ns_memory_count; ++i) {
    const ffa::MemRange& r = out.ns_memory[i];
    if (r.base < plat::kSecureRamBase + plat::kSecureRamSize && plat::kSecureRamBase < r.base + r.size)
      fail("SPMC manifest ns-memory overlaps secure RAM (0x0e000000-0x0f000000)");
  }
}

void configure_partition_interrupts(const ffa::PartitionManifest& m) {
  constexpr uint32_t kLevel = 1u << 9;
  for (unsigned i = 0; i < m.device_region_count; ++i)
    for (unsigned k = 0; k < m.device_regions[i].interrupt_count; ++k) {
      const uint32_t attr = m.device_regions[i].interrupts[k][1];
      arch::gicv3::configure_secure_spi(m.device_regions[i].interrupts[k][0], static_cast<uint8_t>(attr),
                                        (attr & kLevel) != 0, arch::mpidr());
    }
}

void log_cpu_ready(uint64_t cpu) {
  static bool logged[plat::kMaxCpus] = {};
  if (cpu >= plat::kMaxCpus || logged[cpu]) return;
  logged[cpu] = true;
  lib::log::info("CPU {} ready", cpu);
}

void agree_with_spmd(const ffa::CoreManifest& m) {
  ffa::Regs v{{ffa::raw(ffa::Func::version), m.version.word()}};
  arch_smc(&v);
  if (!ffa::Version::valid_word(v.w(0)) || ffa::Version::from_word(v.w(0)).major != m.version.major)
    fail("the SPMD speaks another FF-A major version");
  ffa::Regs id{{ffa::raw(ffa::Func::id_get)}};
  arch_smc(&id);
  if (!ffa::is_success(id) || id.w(2) != m.spmc_id.raw())
    fail("the SPMD does not know this SPMC by the manifest's spmc_id");
}

}  // namespace arch::spmc_boot
