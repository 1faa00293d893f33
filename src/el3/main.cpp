// The monitor's cold boot: console, MMU, images from the FIP, then the SPMD
// takes over. And the C++ side of the exception vectors.
#include "arch/aarch64/sysreg.h"
#include "el3/context.h"
#include "el3/inject.h"
#include "el3/mmu.h"
#include "el3/psci.h"
#include "el3/smccc.h"
#include "el3/spmd.h"
#include "ffa/core_manifest.h"
#include "lib/fdt_writer.h"
#include "lib/fip.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "lib/panic.h"
#include "plat/qemu_virt/memory_map.h"
#include "plat/qemu_virt/pl011.h"
#include "plat/qemu_virt/power.h"
#include "plat/qemu_virt/secure_console.h"

namespace {

constexpr plat::Pl011 kConsole(plat::kSecureUartBase);

// The monitor's console: whole lines to the secure UART, under the lock it
// shares with the trusted OS (plat/qemu_virt/secure_console.h). With the
// MMU off (the cold boot's first lines) the lock is not taken: no other CPU
// runs yet, and this CPU's accesses would be Device accesses to memory the
// trusted OS reaches as Normal cacheable. The monitor runs with interrupts
// masked, so nothing on this CPU comes between the lock and the unlock.
void console_write(const char* chars, size_t len) { kConsole.write(chars, len); }
bool console_lock() {
  if (!(TESSERA_SYSREG_READ(sctlr_el3) & 1)) return false;  // SCTLR_EL3.M
  return lib::BakeryLock::must_release(plat::secure_console_lock().acquire(arch::cpu_index()));
}
void console_unlock() { plat::secure_console_lock().release(arch::cpu_index()); }
uint64_t console_millis() { return arch::cntpct() / (arch::cntfrq() / 1000); }  // rate limits' clock
// (el3_main installs it by this name.)
constexpr lib::log::Console console_putc{&console_write, &console_lock, &console_unlock, &console_millis};

// ESR_ELx exception classes the monitor handles.
constexpr uint64_t kEcFpTrap = 0x07;
constexpr uint64_t kEcSveTrap = 0x19;  // CPTR_EL3.EZ
constexpr uint64_t kEcSmc64 = 0x17;
constexpr uint64_t kEcSmc32 = 0x13;  // SMC from AArch32

void copy(uint64_t dst, lib::ByteView src) {
  memcpy(reinterpret_cast<void*>(dst), src.data(), src.size());
  el3::clean_dcache_range(dst, src.size());
}

[[noreturn]] void fatal(const char* what) {
  lib::log::error("{}", what);
  lib::log::error("The flash image is not usable; rebuild it with `./tessera build`. Powering off.");
  plat::system_off();
}

bool same_name(const char* a, const char* b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}

// The normal world's device tree as QEMU built it, edited in place, in one
// pass: one validation (FdtWriter::open), one walk over the root's
// children to find every node the edits touch, then the edits from the
// last offset to the first (an insertion moves only what follows it, so
// the offsets found in that walk stay right).
//
// PSCI: QEMU leaves it out when firmware runs at EL3. A /psci node with the
// SMC conduit and `enable-method = "psci"` on every CPU, as TF-A does on
// this platform; Linux needs both for power-off and CPU bring-up.
//
// Devices QEMU's tree offers the normal world that the secure world owns:
// the PL061 GPIO at 0x09030000 (the gpio-driver partition's device, SPI 7)
// and gpio-keys, whose power button is that GPIO's pin 3. Marked disabled,
// so that an OS (Linux's gpio-pl061, gpio-keys) leaves them alone. QEMU
// itself marks the secure-only devices (secure UART, GPIO, RAM and flash)
// disabled with `secure-status = "okay"`.
#ifdef TESSERA_OPTEED
// The optee-smc configuration: /firmware/optee tells the normal world's
// OP-TEE driver (Linux's drivers/tee/optee/smc_abi.c) to call the trusted
// OS by SMC, as TF-A with OP-TEE describes it. Added after every other
// edit, from offsets read afresh.
bool add_optee_node(lib::FdtWriter& w) {
  const lib::Fdt f = w.reader();
  lib::Fdt::Node firmware{0};
  bool has_firmware = false, has_optee = false;
  f.for_each_child(f.root(), [&](lib::Fdt::Node n) {
    auto name = f.name(n);
    if (name && same_name(*name, "firmware")) firmware = n, has_firmware = true;
    return !has_firmware;
  });
  if (has_firmware) {
    f.for_each_child(firmware, [&](lib::Fdt::Node n) {
      auto name = f.name(n);
      if (name && same_name(*name, "optee")) has_optee = true;
      return !has_optee;
    });
    if (has_optee) return true;
  } else {
    auto added = w.add_node(f.root(), "firmware");
    if (!added) return false;
    firmware = *added;
  }
  // `interrupts`: the trusted OS's asynchronous notifications, SPI 187
  // (INTID 219, sel1/async_signals.h), edge-triggered, as OP-TEE's QEMU
  // port describes it; big-endian cells <GIC_SPI 187 IRQ_TYPE_EDGE_RISING>.
  static constexpr uint8_t kInterrupts[12] = {0, 0, 0, 0, 0, 0, 0, 187, 0, 0, 0, 1};
  auto optee = w.add_node(firmware, "optee");
  return optee && w.add_prop_string(*optee, "method", "smc") &&
         w.add_prop_string(*optee, "compatible", "linaro,optee-tz") &&
         w.add_prop(*optee, "interrupts", kInterrupts, sizeof(kInterrupts));
}
#endif

void edit_normal_world_device_tree() {
  static constexpr const char* kSecureOwned[] = {"/pl061@9030000", "/gpio-keys"};
  constexpr unsigned kHidden = sizeof(kSecureOwned) / sizeof(kSecureOwned[0]);
  auto opened = lib::FdtWriter::open(reinterpret_cast<uint8_t*>(plat::kNsDtbBase), plat::kNsDtbMax);
  if (!opened) {
    lib::log::warn("no usable device tree at {:x}: the normal world gets no PSCI node", plat::kNsDtbBase);
    return;
  }
  lib::FdtWriter& w = opened.value();
  const lib::Fdt f = w.reader();
  bool has_psci = false;
  lib::Fdt::Node cpus{0}, hidden[kHidden] = {};
  bool has_cpus = false, found[kHidden] = {};
  f.for_each_child(f.root(), [&](lib::Fdt::Node n) {
    auto name = f.name(n);
    if (!name) return true;
    if (same_name(*name, "psci")) has_psci = true;
    if (!has_cpus && same_name(*name, "cpus")) cpus = n, has_cpus = true;
    for (unsigned i = 0; i < kHidden; ++i)
      if (!found[i] && same_name(*name, kSecureOwned[i] + 1)) hidden[i] = n, found[i] = true;
    return true;
  });
  // The edits, each at a node: a CPU's enable-method, or a secure-owned
  // device's status.
  constexpr unsigned kMaxNodes = 64;
  struct Edit {
    lib::Fdt::Node node;
    unsigned hidden;  // kHidden: a CPU
  };
  Edit edits[kMaxNodes + kHidden];
  unsigned count = 0, cpu_edits = 0, present = 0;
  if (has_cpus) {
    f.for_each_child(cpus, [&](lib::Fdt::Node n) {
      auto type = f.prop_string(n, "device_type");
      if (type && __builtin_strcmp(*type, "cpu") == 0) {
        ++present;
        if (!f.has_prop(n, "enable-method") && cpu_edits < kMaxNodes) edits[count++] = {n, kHidden}, ++cpu_edits;
      }
      return true;
    });
  }
  el3::psci::set_present_cpus(present);
  for (unsigned i = 0; i < kHidden; ++i)
    if (found[i]) edits[count++] = {hidden[i], i};
  // Last offset first.
  for (unsigned i = 1; i < count; ++i)
    for (unsigned j = i; j > 0 && edits[j - 1].node.offset < edits[j].node.offset; --j) {
      const Edit t = edits[j];
      edits[j] = edits[j - 1];
      edits[j - 1] = t;
    }
  bool psci_ok = true, hidden_ok[kHidden];
  for (unsigned i = 0; i < kHidden; ++i) hidden_ok[i] = true;
  for (unsigned i = 0; i < count; ++i) {
    const Edit& e = edits[i];
    if (e.hidden < kHidden) {
      hidden_ok[e.hidden] = w.set_prop_string(e.node, "status", "disabled").ok();
    } else if (psci_ok) {  // the first CPU refused ends the PSCI edits
      psci_ok = w.add_prop_string(e.node, "enable-method", "psci").ok();
    }
  }
  // Then /psci, as the root's first child: before every other node.
  if (psci_ok && !has_psci) {
    static constexpr char kCompatible[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
    auto psci = w.add_node(f.root(), "psci");
    psci_ok = psci && w.add_prop(*psci, "compatible", kCompatible, sizeof(kCompatible)) &&
              w.add_prop_string(*psci, "method", "smc");
  }
  if (!psci_ok) lib::log::warn("device tree full: the normal world's PSCI description is incomplete");
  for (unsigned i = 0; i < kHidden; ++i)
    if (!hidden_ok[i]) lib::log::warn("device tree full: {} stays visible to the normal world", kSecureOwned[i]);
#ifdef TESSERA_OPTEED
  if (!add_optee_node(w)) lib::log::warn("device tree full: the normal world gets no /firmware/optee node");
#endif
  el3::clean_dcache_range(plat::kNsDtbBase, w.used_size());
}

}  // namespace

// Per-CPU monitor configuration: secure self-hosted debug off, AArch64
// (SDD: the normal world's breakpoints, watchpoints and single step, whose
// registers no world switch moves, never fire in the secure world, as
// TF-A sets it) and AArch32 (SPD32 = 0b10); secure event counting off
// (SPME = 0) and the cycle counter stopped in the secure world (SCCD:
// otherwise the normal world times secure code to the cycle through its
// PMCCNTR; MCCD, with FEAT_PMUv3p7, does so for EL3 itself); GICv3 system
// registers usable by lower ELs (ICC_SRE_EL3: SRE, DFB, DIB, Enable).
static void init_cpu_registers() {
  constexpr uint64_t kSpd32Disabled = 2ull << 14, kSdd = 1ull << 16, kSccd = 1ull << 23, kMccd = 1ull << 34;
  const unsigned pmu_version = (TESSERA_SYSREG_READ(id_aa64dfr0_el1) >> 8) & 0xF;  // PMUVer
  const bool pmuv3p5 = pmu_version >= 6 && pmu_version != 0xF, pmuv3p7 = pmu_version >= 7 && pmu_version != 0xF;
  TESSERA_SYSREG_WRITE(mdcr_el3, kSpd32Disabled | kSdd | (pmuv3p5 ? kSccd : 0) | (pmuv3p7 ? kMccd : 0));
  TESSERA_SYSREG_WRITE(S3_6_C12_C12_5, 0xF);
  arch::isb();
}

// A secondary CPU that PSCI CPU_ON released: the monitor's tables, then
// the SPMC's cold boot on this CPU, then the normal world's entry.
extern "C" [[noreturn]] void el3_secondary_main() {
  // What CPU_ON prepared for this CPU (its normal-world entry) is read
  // after the release that woke it (psci.cpp, cpu_on).
  __atomic_thread_fence(__ATOMIC_ACQUIRE);
  init_cpu_registers();
  el3::mmu_enable_this_cpu();
  el3::spmd::boot_secondary();
}

extern "C" void el3_main() {
  lib::log::init(&console_putc, "EL3");
#ifdef TESSERA_OPTEED
  lib::log::info("Tessera monitor, OP-TEE dispatcher (no FF-A), PSCI 1.1, SMCCC 1.2");
#else
  lib::log::info("Tessera monitor, FF-A SPMD, PSCI 1.1, SMCCC 1.2");
#endif
  init_cpu_registers();
  el3::mmu_init();

  const lib::ByteView fip(reinterpret_cast<const uint8_t*>(plat::kFlashBase + plat::kFipOffset),
                          plat::kFlashSize - plat::kFipOffset);
  if (!lib::fip::valid_header(fip)) fatal("no FIP at flash offset 0x40000");

  auto nt_fw = lib::fip::find(fip, lib::fip::kNtFw);
  if (!nt_fw) fatal("FIP has no normal-world image (nt-fw)");
  if (nt_fw->size() > (256u << 20)) fatal("normal-world image larger than 256 MiB");
  copy(plat::kNwdImageBase, *nt_fw);
  edit_normal_world_device_tree();

  el3::spmd::BootInfo boot{};
  boot.ns_entry = plat::kNwdImageBase;
  boot.ns_arg0 = plat::kNsDtbBase;

  auto tos = lib::fip::find(fip, lib::fip::kTosFw);
  auto tos_config = lib::fip::find(fip, lib::fip::kTosFwConfig);
  if (!tos || !tos_config) {
    lib::log::warn("FIP has no SPMC (tos-fw and tos-fw-config): the normal world runs without a secure world");
    el3::spmd::boot_without_spmc(boot);
  }
  if (tos_config->size() > plat::kSpmcManifestMax) fatal("SPMC manifest larger than 4 KiB");
  copy(plat::kSpmcManifestBase, *tos_config);
  const lib::ByteView manifest_copy(reinterpret_cast<const uint8_t*>(plat::kSpmcManifestBase), tos_config->size());
  auto manifest = ffa::parse_core_manifest(manifest_copy);
  if (!manifest) {
    lib::log::error("SPMC manifest: {}: {}", manifest.error().property, manifest.error().reason);
    fatal("SPMC manifest refused");
  }
  const ffa::CoreManifest& m = manifest.value();
#ifdef TESSERA_SPMC_AT_SEL2
  // The S-EL2 SPMC's partitions live from 0x0e300000 (its linker script
  // holds its image, BSS included, below that).
  const uint64_t region_end = plat::kSel2PartitionRegionBase;
  constexpr const char* kRegionTooSmall =
      "SPMC load_address/entrypoint/size do not fit the S-EL2 SPMC region 0x0e100000-0x0e300000";
#else
  const uint64_t region_end = plat::kSpmcRegionBase + plat::kSpmcRegionSize;
  constexpr const char* kRegionTooSmall =
      "SPMC load_address/entrypoint/size do not fit the SPMC region 0x0e100000-0x0e500000";
#endif
  if (m.load_address < plat::kSpmcRegionBase || m.load_address + tos->size() > region_end ||
      m.entrypoint < m.load_address || m.entrypoint >= m.load_address + tos->size())
    fatal(kRegionTooSmall);
  if (m.binary_size && tos->size() > m.binary_size) fatal("SPMC image larger than the manifest's binary_size");
  copy(m.load_address, *tos);

  // Secure partition packages: each is stored in the FIP under its UUID and
  // staged where the SPMC manifest says; the SPMC reads them from there.
  for (unsigned i = 0; i < m.package_count; ++i) {
    const ffa::PackageRef& ref = m.packages[i];
    lib::fip::ImageUuid key{};
    for (unsigned b = 0; b < 16; ++b) key.bytes[b] = static_cast<uint8_t>(ref.uuid.w[b / 4] >> (8 * (b % 4)));
    auto pkg = lib::fip::find(fip, key);
    if (!pkg) {
      lib::log::error("SP package {} (package-address {:x}) is not in the FIP: that partition will not start", i,
                      ref.address);
      continue;
    }
    if (ref.address < plat::kPackageRegionBase || ref.address + pkg->size() > plat::kPackageRegionEnd) {
      lib::log::error("SP package {} does not fit the staging area 0x0ec00000-0x0ee00000: not loaded", i);
      continue;
    }
    copy(ref.address, *pkg);
  }
  // Trusted Applications (tos-fw-extra1): the trusted OS checks the store.
  if (auto tas = lib::fip::find(fip, lib::fip::kTosFwExtra1)) {
    if (tas->size() <= plat::kTaStoreEnd - plat::kTaStoreBase)
      copy(plat::kTaStoreBase, *tas);
    else
      lib::log::error("TA store (tos-fw-extra1) larger than 2 MiB: not loaded");
  }

  boot.spmc_id = m.spmc_id;
  boot.spmc_version = m.version;
  boot.spmc_entry = m.entrypoint;
  boot.spmc_manifest = plat::kSpmcManifestBase;
  el3::spmd::boot(boot);
}

extern "C" el3::CpuContext* el3_sync_from_lower(el3::CpuContext* ctx) {
  const uint64_t esr = TESSERA_SYSREG_READ(esr_el3);
  const uint64_t ec = esr >> 26;
  const el3::World from = el3::spmd::world_of(ctx);
  if (ec == kEcSmc64) return el3::smc_dispatch(ctx, from);
  if (ec == kEcSmc32) {
    // The monitor serves AArch64 callers (SMCCC's SMC64 and SMC32
    // conventions from AArch64): an AArch32 caller (an EL1 a hypervisor
    // runs in AArch32 without trapping its SMCs) gets SMCCC's "unknown
    // function" in r0, every other register as it was, and goes on after
    // its SMC.
    ctx->x[0] = 0xFFFFFFFF;
    return ctx;
  }
  if (ec == kEcFpTrap) return el3::spmd::fp_trap(ctx);
#ifdef TESSERA_SPMC_AT_SEL2
  // The secure hypervisor's first SVE instruction of a visit (it gives
  // SVE to its S-EL1 partitions): taken as its first FP/SIMD one, which
  // parks the normal world's whole SVE state and lets SVE through too.
  if (ec == kEcSveTrap && from == el3::World::secure) return el3::spmd::fp_trap(ctx);
#endif
  // A trap the monitor does not serve (a register it keeps from the world,
  // such as SME's TPIDR2_EL0 and SMPRI_EL1 from the secure world, which
  // may not use SME; an instruction it does not emulate): the instruction
  // is UNDEFINED for its caller, as on a CPU without it, and the machine
  // goes on. From the secure world that is where its SPMC would take an
  // UNDEF: an S-EL1 partition's own vectors (or the S-EL2 SPMC's, for an
  // S-EL0 partition it runs with HCR_EL2.TGE), where it is stopped as after
  // any fault; the SPMC's own, where it reports its fault. Either world can
  // trap here at will, in a loop: rate limited.
  const uint64_t at = ctx->elr_el3;
  const unsigned el = el3::inject_undef(*ctx);
  static constinit lib::log::RateLimit limit;
  lib::log::warn_limited(limit, "{} world: trap ESR {:x} at {:x} not served by the monitor; UNDEF injected at {}-EL{}",
                         from == el3::World::nonsecure ? "normal" : "secure", esr, at,
                         from == el3::World::nonsecure ? "NS" : "S", el);
  return ctx;
}

extern "C" el3::CpuContext* el3_irq_from_lower(el3::CpuContext*) { lib::panic("IRQ routed to EL3"); }
extern "C" el3::CpuContext* el3_fiq_from_lower(el3::CpuContext* ctx) { return el3::spmd::secure_interrupt(ctx); }
extern "C" el3::CpuContext* el3_serror_from_lower(el3::CpuContext*) { lib::panic("SError routed to EL3"); }

extern "C" [[noreturn]] void el3_unexpected_current(uint64_t kind, uint64_t esr, uint64_t elr, uint64_t far) {
  lib::log::error("fault in the monitor: vector {} ESR {:x} ELR {:x} FAR {:x}", kind, esr, elr, far);
  lib::panic("monitor fault");
}

namespace lib {
void panic(const char* why) {
  // On this development platform a stopped monitor powers the machine off,
  // so that a test run ends at once with the reason on the console.
  lib::log::error("PANIC: {}", why);
  plat::system_off();
}
}  // namespace lib
