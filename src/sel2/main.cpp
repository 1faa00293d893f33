// The secure hypervisor at S-EL2 (placement B, configuration sel2-spmc):
// reads its manifest, turns its EL2 MMU on, starts the SPMC core, then
// serves the normal world for ever. Each SMC it makes hands an answer to
// the SPMD and returns with the next call the SPMD forwarded.
//
// What it hosts (docs/configurations.md, "sel2-spmc"): S-EL1 partitions
// as VMs (sel2/hosted_vms.h), each with its stage-2 tables and a vCPU per
// execution context, the trusted OS among them; S-EL0 partitions in its
// EL2&0 regime (sel2/hosted_el0.cpp). Memory shared with an S-EL1
// partition is mapped into its stage 2.
#include "arch/aarch64/conduit.h"
#include "arch/aarch64/gicv3.h"
#include "arch/aarch64/spmc_boot.h"
#include "arch/aarch64/sysreg.h"
#include "ffa/core_manifest.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "plat/qemu_virt/memory_map.h"
#include "plat/qemu_virt/secure_world_console.h"
#include "sel2/core_lock.h"
#include "sel2/hosted_vms.h"
#include "sel2/mmu.h"
#include "sel2/placement.h"
#include "spmc/core.h"

extern "C" char __image_start[], __image_end[];

namespace {

bool mmu_on() { return TESSERA_SYSREG_READ(sctlr_el2) & 1; }

using arch::spmc_boot::fail;

constexpr arch::gicv3::Layout kGic{plat::kGicdBase, plat::kGicrBase, plat::kMaxCpus};

spmc::Core* g_core = nullptr;        // set once the primary CPU built it
sel2::HostedVms* g_vms = nullptr;    // its partitions, with it

// This CPU's execution contexts of MP partitions (their secondary entries),
// before the normal world runs here: at the CPU's cold boot, which the
// SPMD enters at every CPU_ON (after a CPU_OFF too); and, should a monitor
// resume only the normal world after CPU_OFF, at the first call it hands
// over on the CPU (HostedVms::boot_pending).
void boot_contexts(spmc::Core& core, sel2::HostedVms& vms) {
  ffa::Regs regs;
  (void)vms.run(core.boot_next(regs), regs);
  vms.booted(arch::cpu_index());
}

// One call the SPMD handed over (`in`), its answer in `out`.
void handle(spmc::Core& core, sel2::HostedVms& vms, const ffa::Regs& in, ffa::Regs& out) {
  sel2::lock_core();
  if (vms.boot_pending(arch::cpu_index())) [[unlikely]]
    boot_contexts(core, vms);
  spmc::Outcome o = core.handle_nwd_call(in, out);
  if (o != spmc::Outcome::reply_to_caller) o = vms.run(o, out);
  sel2::unlock_core();
}

// The service loop every CPU runs. Two register sets, used in turn: the
// answer to one call is built in the other set, which the next SMC then
// carries (no copying). A call for a partition runs it until its answer
// is ready.
[[noreturn]] void serve(spmc::Core& core, sel2::HostedVms& vms) {
  ffa::Regs a{{ffa::raw(ffa::Func::msg_wait)}};
  ffa::Regs b;
  for (;;) {
    arch_smc(&a);
    handle(core, vms, a, b);
    arch_smc(&b);
    handle(core, vms, b, a);
  }
}

}  // namespace

extern "C" [[noreturn]] void sel2_main(uint64_t manifest_pa) {
  lib::log::init(&plat::secure_world_console(&mmu_on), "S-EL2");
  // The monitor that entered us must be the one built
  // for an S-EL2 SPMC (el3_sel2.bin); any other would have entered S-EL1.
  if (arch::current_el() != 2)
    fail("the secure hypervisor was not entered at S-EL2: boot it with the sel2-spmc monitor (el3_sel2.bin)");
  static ffa::CoreManifest manifest{};
  arch::spmc_boot::read_manifest(manifest_pa, reinterpret_cast<uint64_t>(__image_start), manifest);
  arch::mmu::PageTable& tables = sel2::mmu_init(manifest_pa);
  if (const char* why = plat::attach_secure_console_lock(tables, reinterpret_cast<uint64_t>(__image_end)))
    fail(why);
  arch::spmc_boot::agree_with_spmd(manifest);
  if (manifest.has_trusted_os)
    lib::log::warn("this S-EL2 SPMC has no trusted OS of its own: the manifest's trusted-os node is ignored (the "
                   "trusted OS runs as an S-EL1 partition, with a partition manifest)");

  // The GIC: the secure side configures it for both worlds.
  arch::gicv3::init_distributor(kGic);
  if (!arch::gicv3::init_redistributor(kGic)) fail("no GIC redistributor for this CPU");
  arch::gicv3::init_cpu_interface();

  static sel2::Sel2Placement placement(tables, manifest);
  static spmc::Core core(placement, spmc::CoreConfig{manifest.spmc_id, manifest.version});
  static sel2::HostedVms vms(core);
  placement.attach_vms(vms);
  sel2::HostedVms::init_cpu();
  const unsigned loaded = sel2::load_partitions(manifest, vms);
  lib::log::info("SPMC {:x} (FF-A {}.{}) ready at S-EL2; {} partition(s): {} at S-EL1, {} at S-EL0",
                 manifest.spmc_id.raw(), manifest.version.major, manifest.version.minor, loaded, vms.count(),
                 vms.el0_count());
  g_vms = &vms;
  g_core = &core;
  // Each partition's first context, in boot order, until it waits.
  sel2::lock_core();
  boot_contexts(core, vms);
  sel2::unlock_core();
  serve(core, vms);
}

// A secondary CPU, cold-booted by the SPMD after PSCI CPU_ON: the same
// tables, its own redistributor and CPU interface, then the same service.
extern "C" [[noreturn]] void sel2_secondary_main(uint64_t cpu) {
  sel2::mmu_enable_this_cpu();
  if (!arch::gicv3::init_redistributor(kGic)) fail("no GIC redistributor for this CPU");
  arch::gicv3::init_cpu_interface();
  if (!g_core || !g_vms) fail("a secondary CPU arrived before the SPMC was ready");
  // Under the core's lock: its host timer's record is shared with the
  // other CPUs' retriggers (hosted_vms.cpp).
  sel2::lock_core();
  sel2::HostedVms::init_cpu();
  boot_contexts(*g_core, *g_vms);
  sel2::unlock_core();
  arch::spmc_boot::log_cpu_ready(cpu);
  serve(*g_core, *g_vms);
}

extern "C" [[noreturn]] void sel2_unexpected_exception(uint64_t kind, uint64_t esr, uint64_t elr, uint64_t far) {
  lib::log::error("unexpected exception at S-EL2: vector {} ESR {:x} ELR {:x} FAR {:x}", kind, esr, elr, far);
  lib::panic("secure hypervisor fault");
}
