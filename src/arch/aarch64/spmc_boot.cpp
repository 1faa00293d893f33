#include "arch/aarch64/spmc_boot.h"

#include "arch/aarch64/conduit.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "plat/qemu_virt/memory_map.h"

namespace arch::spmc_boot {

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
