// The trusted OS: reads its manifest, turns its MMU on, starts the SPMC
// core with itself as the OP-TEE endpoint, then serves the normal world
// forever. Each SMC it makes hands an answer to the SPMD and returns with
// the next call the SPMD forwarded.
#include "arch/aarch64/conduit.h"
#include "arch/aarch64/sysreg.h"
#include "ffa/core_manifest.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "plat/qemu_virt/memory_map.h"
#include "plat/qemu_virt/pl011.h"
#include "plat/qemu_virt/secure_console.h"
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

constexpr plat::Pl011 kConsole(plat::kSecureUartBase);

// The trusted OS's console: whole lines to the secure UART, under the lock
// it shares with the monitor (plat/qemu_virt/secure_console.h), once that
// lock's page is mapped (attach_console_lock) and this CPU's MMU is on.
// Interrupts are masked while the lock is held: a thread of the trusted OS
// runs with FIQ unmasked, and one suspended in the middle of a line must
// not keep the console from everyone while the normal world runs.
constinit bool g_console_lock_attached = false;
constinit uint64_t g_console_daif[plat::kMaxCpus] = {};

void console_write(const char* chars, size_t len) { kConsole.write(chars, len); }
bool console_lock() {
  const unsigned cpu = arch::cpu_index();
  if (!g_console_lock_attached || cpu >= plat::kMaxCpus || !(TESSERA_SYSREG_READ(sctlr_el1) & 1)) return false;
  const uint64_t daif = TESSERA_SYSREG_READ(daif);
  __asm__ volatile("msr daifset, #3" ::: "memory");
  if (!lib::BakeryLock::must_release(plat::secure_console_lock().acquire(cpu))) {
    TESSERA_SYSREG_WRITE(daif, daif);
    return false;
  }
  g_console_daif[cpu] = daif;
  return true;
}
void console_unlock() {
  const unsigned cpu = arch::cpu_index();
  plat::secure_console_lock().release(cpu);
  TESSERA_SYSREG_WRITE(daif, g_console_daif[cpu]);
}
uint64_t console_millis() { return arch::cntpct() / (arch::cntfrq() / 1000); }  // rate limits' clock
constexpr lib::log::Console kConsoleOut{&console_write, &console_lock, &console_unlock, &console_millis};

[[noreturn]] void fail_boot(const char* what) {
  lib::log::error("{}", what);
  // Tell the SPMD that initialisation failed; it boots the normal world
  // without us.
  ffa::Regs r = ffa::error(ffa::Error::aborted);
  arch_smc(&r);
  lib::panic("SPMD resumed a trusted OS that failed to start");
}

// Once the MMU is on, on the primary CPU while it is the only CPU on (the
// monitor waits for this boot to finish): the shared lock's page, mapped
// Normal write-back as the monitor maps it, and reset.
void attach_console_lock(arch::mmu::PageTable& tables) {
  constexpr uint64_t page = plat::kSecureConsoleLockPage;
  if (reinterpret_cast<uint64_t>(__image_end) > page)
    fail_boot("trusted OS image reaches the secure console's lock page 0x0e4ff000");
  auto s = tables.map(page, page, 0x1000, arch::mmu::Attrs{.type = arch::mmu::MemType::normal, .write = true});
  if (!s) {
    lib::log::error("secure console lock page {:x}: {}; lines from several CPUs may mix", page,
                    arch::mmu::to_string(s.error()));
    return;
  }
  plat::secure_console_lock().reset();
  g_console_lock_attached = true;
}

}  // namespace

namespace {

spmc::Core* g_core = nullptr;  // set once the primary CPU built it
sel1::HostedPartitions* g_hosted = nullptr;  // its S-EL0 partitions, with it

// The SPMC core's lock (sel1/core_lock.h) covers the core and the
// partitions it runs (a partition with one execution context runs on one
// CPU at a time): taken after the SPMD hands a call over, released before
// the answer goes back. The trusted OS runs under its own lock instead
// (TrustedOsGate lets go of the core's on the way in).
using sel1::lock_core;
using sel1::unlock_core;

// The service loop every CPU runs. Two register sets, used in turn: the
// answer to one call is built in the other set, which the next SMC then
// carries (no copying). A call for a partition runs it until its answer is
// ready.
[[noreturn]] void serve(spmc::Core& core, sel1::HostedPartitions& hosted) {
  ffa::Regs a{{ffa::raw(ffa::Func::msg_wait)}};
  ffa::Regs b;
  for (;;) {
    arch_smc(&a);
    lock_core();
    spmc::Outcome o = core.handle_nwd_call(a, b);
    if (o != spmc::Outcome::reply_to_caller) o = hosted.run(o, b);
    unlock_core();
    arch_smc(&b);
    lock_core();
    o = core.handle_nwd_call(b, a);
    if (o != spmc::Outcome::reply_to_caller) o = hosted.run(o, a);
    unlock_core();
  }
}

}  // namespace

extern "C" [[noreturn]] void sel1_main(uint64_t manifest_pa, uint64_t dispatcher) {
  lib::log::init(&kConsoleOut, "S-EL1");
  // MMU off: the manifest is read in place (it is secure RAM that only EL3
  // wrote); the parsed copy lives in our data.
  static ffa::CoreManifest manifest{};
  auto parsed =
      ffa::parse_core_manifest(lib::ByteView(reinterpret_cast<const uint8_t*>(manifest_pa), plat::kSpmcManifestMax));
  if (!parsed) {
    lib::log::error("SPMC manifest: {}: {}", parsed.error().property, parsed.error().reason);
    fail_boot("refusing to start with a bad manifest");
  }
  manifest = parsed.value();
  if (!manifest.has_trusted_os) fail_boot("SPMC manifest has no trusted-os node (endpoint-id, uuid)");
  // This image is linked to run where it was loaded: the manifest must say
  // the same, or nothing works after the MMU is on.
  if (manifest.load_address != reinterpret_cast<uint64_t>(__image_start))
    fail_boot("SPMC manifest load_address differs from the trusted OS's link address 0x0e100000");
  // Normal-world memory must never include secure RAM.
  for (unsigned i = 0; i < manifest.ns_memory_count; ++i) {
    const ffa::MemRange& r = manifest.ns_memory[i];
    if (r.base < plat::kSecureRamBase + plat::kSecureRamSize && plat::kSecureRamBase < r.base + r.size)
      fail_boot("SPMC manifest ns-memory overlaps secure RAM (0x0e000000-0x0f000000)");
  }
  arch::mmu::PageTable& tables = sel1::mmu_init(manifest_pa);
  attach_console_lock(tables);
  // The optee-smc configuration: the monitor runs the OP-TEE dispatcher,
  // not the SPMD; no FF-A, no SPMC core, no partitions.
  if (dispatcher == optee::opteed::kEntryMagic) sel1::optee_smc_main(manifest, tables);

  // Agree with the SPMD before serving anyone: same FF-A major version, and
  // the SPMD knows us by the ID our manifest gives.
  ffa::Regs v{{ffa::raw(ffa::Func::version), manifest.version.word()}};
  arch_smc(&v);
  if (!ffa::Version::valid_word(v.w(0)) || ffa::Version::from_word(v.w(0)).major != manifest.version.major)
    fail_boot("the SPMD speaks another FF-A major version");
  ffa::Regs id{{ffa::raw(ffa::Func::id_get)}};
  arch_smc(&id);
  if (!ffa::is_success(id) || id.w(2) != manifest.spmc_id.raw())
    fail_boot("the SPMD does not know this SPMC by the manifest's spmc_id");

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
  arch::gicv3::configure_secure_ppi(sel1::kSecureTimerPpi, 0x40);
  if (!g_core || !g_hosted) fail_boot("a secondary CPU arrived before the SPMC was ready");
  lib::log::info("CPU {} ready", cpu);
  serve(*g_core, *g_hosted);
}

extern "C" [[noreturn]] void sel1_unexpected_exception(uint64_t kind, uint64_t esr, uint64_t elr, uint64_t far) {
  lib::log::error("unexpected exception at S-EL1: vector {} ESR {:x} ELR {:x} FAR {:x}", kind, esr, elr, far);
  lib::panic("trusted OS fault");
}

namespace lib {
void panic(const char* why) {
  // On this development platform a stopped trusted OS powers the machine
  // off (PSCI SYSTEM_OFF), so a test run ends at once with the reason.
  lib::log::error("PANIC: {}", why);
  ffa::Regs r{{0x84000008}};
  arch_smc(&r);
  for (;;) arch::wfi();
}
}  // namespace lib
