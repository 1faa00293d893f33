// The OP-TEE dispatcher: the monitor of the `optee-smc` configuration
// (el3_opteed.bin, built from the monitor's sources with TESSERA_OPTEED and
// this file in place of spmd.cpp). It implements the same interface as the
// SPMD (el3/spmd.h) but speaks no FF-A: it boots the trusted OS on each CPU,
// forwards the normal world's trusted-OS calls (SMCCC owners 50-63: the
// classic OP-TEE SMC ABI) to it and carries its answers back, world-
// switching as the SPMD does (EL1 system registers, lazily FP/SIMD, the
// normal world's streaming SVE state). The protocol with the trusted OS is
// in optee/opteed.h. FF-A calls get SMCCC NOT_SUPPORTED (-1) from either
// world. No secure interrupt is routed to EL3 while the normal world runs
// (SCR_EL3.FIQ stays clear): the trusted OS enables none in this
// configuration; normal-world interrupts that arrive while it runs stop
// its thread (OPTEE_SMC_RETURN_RPC_FOREIGN_INTR).
#include "el3/spmd.h"

#include "arch/aarch64/sysreg.h"
#include "el3/psci.h"
#include "el3/world_switch.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "optee/opteed.h"
#include "plat/qemu_virt/memory_map.h"

namespace el3::spmd {
namespace {

namespace opteed = optee::opteed;

// What the dispatcher waits for from the trusted OS on this CPU.
enum class Pending : uint8_t {
  boot,  // its ENTRY_DONE / ON_DONE
  none,  // nothing: it waits for a call
  call,  // its CALL_DONE for the normal world's call
};

// The world switch's state (el3/world_switch.h) and the dispatcher's own.
struct PerCpu : world::Cpu {
  Pending pending = Pending::boot;
};

constinit PerCpu g_cpu[plat::kMaxCpus] = {};
constinit BootInfo g_boot = {};
constinit bool g_tos_alive = false;

PerCpu& this_cpu() { return g_cpu[arch::cpu_index()]; }

// The normal world's first entry on this CPU, without SCR_EL3.FIQ: no
// secure interrupt is taken while it runs. The vectors' FF-A fast path
// stays off (`fast` is 0 in both contexts).
CpuContext* start_normal_world(PerCpu& cpu, bool secure_was_running = true) {
  return world::start_normal_world(cpu, 0, "OPTEED", secure_was_running);
}
// Anything the trusted OS says, by SMC, that PSCI and SMCCC did not take.
CpuContext* from_secure(PerCpu& cpu, CpuContext* s) {
  const uint32_t fid = static_cast<uint32_t>(s->x[0]);
  if (cpu.pending == Pending::boot) {
    const uint32_t ready = arch::cpu_index() == 0 && !g_tos_alive ? opteed::kReturnEntryDone : opteed::kReturnOnDone;
    if ((fid == opteed::kReturnEntryDone || fid == opteed::kReturnOnDone) && s->x[1] == 0) {
      if (fid != ready) lib::log::warn("OPTEED: CPU {}: {:x} where {:x} was due", arch::cpu_index(), fid, ready);
      lib::log::info("OPTEED: trusted OS initialised on CPU {}", arch::cpu_index());
      g_tos_alive = true;
    } else {
      lib::log::error("OPTEED: trusted OS failed to initialise on CPU {} (call {:x}, x1 = {:x}); "
                      "the normal world runs without it",
                      arch::cpu_index(), fid, s->x[1]);
      g_tos_alive = false;
    }
    cpu.pending = Pending::none;
    return start_normal_world(cpu);
  }
  if (cpu.pending == Pending::call && fid == opteed::kReturnCallDone) {
    cpu.pending = Pending::none;
    CpuContext* ns = world::switch_to(cpu, World::nonsecure);
    for (unsigned i = 0; i < 4; ++i) ns->x[i] = s->x[i + 1];  // a0-a3; the caller's x4-x17 stay
    return ns;
  }
  // Nothing else is the trusted OS's to say.
  s->x[0] = kSmcccNotSupported;
  return s;
}

}  // namespace

CpuContext* context(World world) {
  PerCpu& cpu = this_cpu();
  return world == World::secure ? &cpu.secure : &cpu.nonsecure;
}

World world_of(const CpuContext* ctx) { return (ctx->scr_el3 & world::kScrNs) ? World::nonsecure : World::secure; }

CpuContext* handle_ffa(CpuContext* ctx, World from) {
  // No FF-A here: SMCCC's unknown function, so that the normal world's
  // FF-A driver gives up quietly. From the trusted OS at boot, FFA_ERROR
  // is how it reports a failure before it knows the dispatcher.
  if (from == World::secure && this_cpu().pending == Pending::boot) return from_secure(this_cpu(), ctx);
  ctx->x[0] = kSmcccNotSupported;
  return ctx;
}

CpuContext* handle_trusted_os(CpuContext* ctx, World from) {
  PerCpu& cpu = this_cpu();
  if (from == World::secure) return from_secure(cpu, ctx);
  if (!g_tos_alive || cpu.pending != Pending::none) {
    ctx->x[0] = kSmcccNotSupported;  // OPTEE_SMC_RETURN_UNKNOWN_FUNCTION: no trusted OS
    return ctx;
  }
  cpu.pending = Pending::call;
  CpuContext* s = world::switch_to(cpu, World::secure);
  for (unsigned i = 0; i < 8; ++i) s->x[i] = ctx->x[i];
  for (unsigned i = 8; i < 18; ++i) s->x[i] = 0;
  return s;
}

CpuContext* secure_interrupt(CpuContext*) { lib::panic("FIQ at EL3: none is routed here in this configuration"); }

CpuContext* fp_trap(CpuContext* ctx) {
  PerCpu& cpu = this_cpu();
  if (world_of(ctx) != World::secure || cpu.secure_owns_fp) lib::panic("unexpected FP trap");
  world::fp_trap(cpu);
  return ctx;  // re-executes the trapped instruction
}

// PSCI CPU_OFF: the trusted OS's context on this CPU waits for a call and
// holds nothing (a call an interrupt stopped lives in one of its threads,
// which any CPU resumes), so the CPU goes off at once.
CpuContext* cpu_off() { psci::cpu_off(); }

namespace {
[[noreturn]] void enter_tos(PerCpu& cpu) {
  cpu.pending = Pending::boot;
  world::init_secure(cpu, g_boot.spmc_entry);
  cpu.secure.x[0] = g_boot.spmc_manifest;
  cpu.secure.x[4] = arch::cpu_index();
  cpu.secure.x[5] = opteed::kEntryMagic;
  el3_restore_el1_sysregs(&cpu.secure.el1);
  el3_exit(&cpu.secure);
}
}  // namespace

void prepare_cpu(unsigned index, uint64_t ns_entry, uint64_t ns_arg) {
  g_cpu[index].ns_entry = ns_entry;
  g_cpu[index].ns_arg = ns_arg;
}

void boot_secondary() {
  PerCpu& cpu = this_cpu();
  if (!g_tos_alive) el3_exit(start_normal_world(cpu));
  enter_tos(cpu);
}

void resume_cpu() { el3_exit(start_normal_world(this_cpu(), false)); }

void boot(const BootInfo& info) {
  g_boot = info;
  PerCpu& cpu = this_cpu();
  cpu.ns_entry = info.ns_entry;
  cpu.ns_arg = info.ns_arg0;
  lib::log::info("OPTEED: entering the trusted OS at {:x} (S-EL1)", info.spmc_entry);
  enter_tos(cpu);
}

void boot_without_spmc(const BootInfo& info) {
  g_boot = info;
  this_cpu().ns_entry = info.ns_entry;
  this_cpu().ns_arg = info.ns_arg0;
  g_tos_alive = false;
  el3_exit(start_normal_world(this_cpu()));
}

}  // namespace el3::spmd
