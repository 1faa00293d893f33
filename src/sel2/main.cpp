// The secure hypervisor at S-EL2 (placement B, configuration sel2-spmc):
// reads its manifest, turns its EL2 MMU on, starts the SPMC core, then
// serves the normal world for ever. Each SMC it makes hands an answer to
// the SPMD and returns with the next call the SPMD forwarded.
//
// What it hosts so far: nothing below it. The S-EL1 partitions (the
// trusted OS among them) and their stage-2 tables come next
// (docs/configurations.md, "sel2-spmc").
#include "arch/aarch64/conduit.h"
#include "arch/aarch64/gicv3.h"
#include "arch/aarch64/spinlock.h"
#include "arch/aarch64/spmc_boot.h"
#include "arch/aarch64/sysreg.h"
#include "ffa/core_manifest.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "plat/qemu_virt/memory_map.h"
#include "plat/qemu_virt/secure_world_console.h"
#include "sel2/mmu.h"
#include "sel2/placement.h"
#include "spmc/core.h"

extern "C" char __image_start[], __image_end[];

namespace {

bool mmu_on() { return TESSERA_SYSREG_READ(sctlr_el2) & 1; }

using arch::spmc_boot::fail;

constexpr arch::gicv3::Layout kGic{plat::kGicdBase, plat::kGicrBase, plat::kMaxCpus};

spmc::Core* g_core = nullptr;  // set once the primary CPU built it
// The core's lock: taken after the SPMD hands a call over, released before
// the answer goes back. Nothing runs under it but the core itself.
constinit volatile uint32_t g_core_lock = 0;

// The service loop every CPU runs. Two register sets, used in turn: the
// answer to one call is built in the other set, which the next SMC then
// carries (no copying).
[[noreturn]] void serve(spmc::Core& core) {
  ffa::Regs a{{ffa::raw(ffa::Func::msg_wait)}};
  ffa::Regs b;
  for (;;) {
    arch_smc(&a);
    arch::spin_acquire(&g_core_lock);
    spmc::Outcome o = core.handle_nwd_call(a, b);
    arch::spin_release(&g_core_lock);
    // With no partition to run, every call is answered at once.
    if (o != spmc::Outcome::reply_to_caller) lib::panic("the core asked to run a partition; none is hosted");
    arch_smc(&b);
    arch::spin_acquire(&g_core_lock);
    o = core.handle_nwd_call(b, a);
    arch::spin_release(&g_core_lock);
    if (o != spmc::Outcome::reply_to_caller) lib::panic("the core asked to run a partition; none is hosted");
  }
}

}  // namespace

extern "C" [[noreturn]] void sel2_main(uint64_t manifest_pa) {
  lib::log::init(&plat::secure_world_console(&mmu_on), "S-EL2");
  // CurrentEL [3:2]: the monitor that entered us must be the one built
  // for an S-EL2 SPMC (el3_sel2.bin); any other would have entered S-EL1.
  if (((TESSERA_SYSREG_READ(CurrentEL) >> 2) & 3) != 2)
    fail("the secure hypervisor was not entered at S-EL2: boot it with the sel2-spmc monitor (el3_sel2.bin)");
  static ffa::CoreManifest manifest{};
  arch::spmc_boot::read_manifest(manifest_pa, reinterpret_cast<uint64_t>(__image_start), manifest);
  arch::mmu::PageTable& tables = sel2::mmu_init(manifest_pa);
  if (const char* why = plat::attach_secure_console_lock(tables, reinterpret_cast<uint64_t>(__image_end)))
    fail(why);
  arch::spmc_boot::agree_with_spmd(manifest);
  if (manifest.has_trusted_os || manifest.package_count)
    lib::log::warn("this S-EL2 SPMC hosts no partitions yet: the manifest's trusted-os node and {} package(s) "
                   "are not loaded",
                   manifest.package_count);

  // The GIC: the secure side configures it for both worlds.
  arch::gicv3::init_distributor(kGic);
  if (!arch::gicv3::init_redistributor(kGic)) fail("no GIC redistributor for this CPU");
  arch::gicv3::init_cpu_interface();

  static sel2::Sel2Placement placement(tables, manifest);
  static spmc::Core core(placement, spmc::CoreConfig{manifest.spmc_id, manifest.version});
  lib::log::info("SPMC {:x} (FF-A {}.{}) ready at S-EL2; no partitions", manifest.spmc_id.raw(),
                 manifest.version.major, manifest.version.minor);
  g_core = &core;
  serve(core);
}

// A secondary CPU, cold-booted by the SPMD after PSCI CPU_ON: the same
// tables, its own redistributor and CPU interface, then the same service.
extern "C" [[noreturn]] void sel2_secondary_main(uint64_t cpu) {
  sel2::mmu_enable_this_cpu();
  if (!arch::gicv3::init_redistributor(kGic)) fail("no GIC redistributor for this CPU");
  arch::gicv3::init_cpu_interface();
  if (!g_core) fail("a secondary CPU arrived before the SPMC was ready");
  lib::log::info("CPU {} ready", cpu);
  serve(*g_core);
}

extern "C" [[noreturn]] void sel2_unexpected_exception(uint64_t kind, uint64_t esr, uint64_t elr, uint64_t far) {
  lib::log::error("unexpected exception at S-EL2: vector {} ESR {:x} ELR {:x} FAR {:x}", kind, esr, elr, far);
  lib::panic("secure hypervisor fault");
}

namespace lib {
void panic(const char* why) {
  // On this development platform a stopped SPMC powers the machine off
  // (PSCI SYSTEM_OFF), so a test run ends at once with the reason.
  lib::log::error("PANIC: {}", why);
  ffa::Regs r{{0x84000008}};
  arch_smc(&r);
  for (;;) arch::wfi();
}
}  // namespace lib
