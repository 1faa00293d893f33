// The trusted OS: reads its manifest, turns its MMU on, starts the SPMC
// core with itself as the OP-TEE endpoint, then serves the normal world
// forever. Each SMC it makes hands an answer to the SPMD and returns with
// the next call the SPMD forwarded.
#include "arch/aarch64/conduit.h"
#include "arch/aarch64/spmc_boot.h"
#include "arch/aarch64/sysreg.h"
#include "ffa/core_manifest.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "plat/qemu_virt/memory_map.h"
#include "plat/qemu_virt/secure_console.h"
#include "plat/qemu_virt/secure_world_console.h"
#include "sel1/mmu.h"
#include "arch/aarch64/gicv3.h"
#include "plat/qemu_virt/memory_map.h"
#include "optee/opteed.h"
#include "sel1/async_signals.h"
#include "sel1/core_lock.h"
#include "sel1/trusted_os_gate.h"
#include "sel1/optee_endpoint.h"
#include "sel1/optee_smc_entry.h"
#include "sel1/secure_timer.h"
#include "sel1/ta_host.h"
#include "sel1/threads.h"
#include "sel1/partitions.h"
#include "sel1/placement.h"
#include "spmc/core.h"

#ifndef TESSERA_BUILD_ID
#define TESSERA_BUILD_ID 0
#endif

extern "C" void sel1_fp_clobber(uint64_t pattern);
extern "C" char __image_start[], __image_end[];

namespace {

bool mmu_on() { return TESSERA_SYSREG_READ(sctlr_el1) & 1; }

// Tells the SPMD that initialisation failed; it boots the normal world
// without us.
[[noreturn]] void fail_boot(const char* what) { arch::spmc_boot::fail(what); }

}  // namespace

namespace {

spmc::Core* g_core = nullptr;  // set once the primary CPU built it
sel1::HostedPartitions* g_hosted = nullptr;  // its S-EL0 partitions, with it

// The SPMC core's lock (sel1/core_lock.h) covers the core and the
// partitions it runs (a partition with one execution context runs on one
// CPU at a time): taken after the SPMD hands a call over, released before
// the answer goes back, except for the normal world's direct requests to
// the trusted OS and its FFA_FEATURES, which need none. The trusted OS runs under its own lock
// (TrustedOsGate lets go of the core's on the way in when a partition's
// request brings it there).
using sel1::lock_core;
using sel1::unlock_core;

// One call the SPMD handed over (`in`), its answer in `out`. The normal
// world's direct requests to the trusted OS and its FFA_FEATURES pass no
// core lock (the core answers them from what is fixed while it serves,
// Core::answer_without_lock); every other call is handled under it.
inline void handle(spmc::Core& core, sel1::HostedPartitions& hosted, const ffa::Regs& in, ffa::Regs& out) {
  if (core.answer_without_lock(in, out)) return;
  lock_core();
  spmc::Outcome o = core.handle_nwd_call(in, out);
  if (o != spmc::Outcome::reply_to_caller) o = hosted.run(o, out);
  unlock_core();
}

// The service loop every CPU runs. Two register sets, used in turn: the
// answer to one call is built in the other set, which the next SMC then
// carries (no copying). A call for a partition runs it until its answer is
// ready.
[[noreturn]] void serve(spmc::Core& core, sel1::HostedPartitions& hosted) {
  ffa::Regs a{{ffa::raw(ffa::Func::msg_wait)}};
  ffa::Regs b;
  for (;;) {
    arch_smc(&a);
    handle(core, hosted, a, b);
    arch_smc(&b);
    handle(core, hosted, b, a);
  }
}

}  // namespace

// Whether the CPU has PMUv3 (el0.S then keeps the normal world's
// PMUSERENR_EL0 away from S-EL0).
extern "C" {
constinit uint64_t sel1_pmu_present = 0;
}

extern "C" [[noreturn]] void sel1_main(uint64_t manifest_pa, uint64_t dispatcher) {
  sel1_pmu_present = arch::pmu_present() ? 1 : 0;
  lib::log::init(&plat::secure_world_console(&mmu_on), "S-EL1");
  // MMU off: the manifest is read in place (it is secure RAM that only EL3
  // wrote); the parsed copy lives in our data.
  static ffa::CoreManifest manifest{};
  arch::spmc_boot::read_manifest(manifest_pa, reinterpret_cast<uint64_t>(__image_start), manifest);
  if (!manifest.has_trusted_os) fail_boot("SPMC manifest has no trusted-os node (endpoint-id, uuid)");
  arch::mmu::PageTable& tables = sel1::mmu_init(manifest_pa);
  if (const char* why = plat::attach_secure_console_lock(tables, reinterpret_cast<uint64_t>(__image_end)))
    fail_boot(why);
  // The optee-smc configuration: the monitor runs the OP-TEE dispatcher,
  // not the SPMD; no FF-A, no SPMC core, no partitions.
  if (dispatcher == optee::opteed::kEntryMagic) sel1::optee_smc_main(manifest, tables);

  arch::spmc_boot::agree_with_spmd(manifest);

  // The GIC: the secure side configures it for both worlds.
  constexpr arch::gicv3::Layout gic{plat::kGicdBase, plat::kGicrBase, plat::kMaxCpus};
  arch::gicv3::init_distributor(gic);
  if (!arch::gicv3::init_redistributor(gic)) fail_boot("no GIC redistributor for this CPU");
  arch::gicv3::init_cpu_interface();

  static sel1::Sel1Placement placement(tables, manifest);
  static spmc::Core core(placement, spmc::CoreConfig{manifest.spmc_id, manifest.version});
  static sel1::HostedPartitions hosted(core);
  placement.attach_partitions(hosted);
  static sel1::OpteeEndpoint optee(TESSERA_BUILD_ID, &sel1_fp_clobber);
  // The trusted OS reaches the core, and the core the trusted OS, only
  // through the gate, where the locks change hands.
  static sel1::TrustedOsGate gate(optee, core, core);
  spmc::Partition tos{};
  tos.info = ffa::PartitionInfo{manifest.trusted_os_id, 1,
                                ffa::partition_props::direct_req_recv | ffa::partition_props::aarch64,
                                manifest.trusted_os_uuid};
  tos.local = &gate;
  if (!core.add_partition(tos)) fail_boot("cannot register the trusted OS endpoint");
  optee.attach_memory(gate, manifest.trusted_os_id);
  sel1::secure_timer().init(gate, manifest.trusted_os_id);
  optee.attach_device(sel1::secure_timer());
  optee.attach_threads(sel1::threads());
  static sel1::FfaAsyncSignal async_signal(gate, manifest.trusted_os_id);
  static optee::AsyncNotif async(async_signal);
  optee.attach_async(async);
  // Trusted Applications, from the store the monitor staged.
  sel1::ta_host().init(lib::ByteView(reinterpret_cast<const uint8_t*>(plat::kTaStoreBase),
                                     plat::kTaStoreEnd - plat::kTaStoreBase),
                       manifest.trusted_os_id, &tables);
  optee.attach_tas(sel1::ta_host());
  sel1::ta_host().attach_rpc(optee);
  lib::log::info("SPMC {:x} (FF-A {}.{}) ready; trusted OS endpoint {:x}", manifest.spmc_id.raw(),
                 manifest.version.major, manifest.version.minor, manifest.trusted_os_id.raw());

  // S-EL0 partitions: load, then start each in boot order until it waits.
  sel1::load_partitions(manifest, hosted);
  ffa::Regs boot_regs;
  (void)hosted.run(core.boot_next(boot_regs), boot_regs);

  g_hosted = &hosted;
  g_core = &core;
  serve(core, hosted);
}

// A secondary CPU, cold-booted by the SPMD after PSCI CPU_ON: the same
// tables, its own redistributor and CPU interface, then the same service.
extern "C" [[noreturn]] void sel1_secondary_main(uint64_t cpu, uint64_t dispatcher) {
  if (dispatcher == optee::opteed::kEntryMagic) sel1::optee_smc_secondary(cpu);
  sel1::mmu_enable_this_cpu();
  constexpr arch::gicv3::Layout gic{plat::kGicdBase, plat::kGicrBase, plat::kMaxCpus};
  if (!arch::gicv3::init_redistributor(gic)) fail_boot("no GIC redistributor for this CPU");
  arch::gicv3::init_cpu_interface();
  arch::gicv3::configure_secure_private(sel1::kSecureTimerPpi, 0x40);
  if (!g_core || !g_hosted) fail_boot("a secondary CPU arrived before the SPMC was ready");
  arch::spmc_boot::log_cpu_ready(cpu);
  serve(*g_core, *g_hosted);
}

extern "C" [[noreturn]] void sel1_unexpected_exception(uint64_t kind, uint64_t esr, uint64_t elr, uint64_t far) {
  lib::log::error("unexpected exception at S-EL1: vector {} ESR {:x} ELR {:x} FAR {:x}", kind, esr, elr, far);
  lib::panic("trusted OS fault");
}
