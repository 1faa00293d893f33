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
#include "el3/cpu_features.h"
#include "el3/psci.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "optee/opteed.h"
#include "plat/qemu_virt/memory_map.h"

namespace el3::spmd {
namespace {

namespace opteed = optee::opteed;

// SCR_EL3, CPTR_EL3, SMCR_EL3 and SPSR values: as in spmd.cpp.
constexpr uint64_t kScrNs = 1ull << 0;
constexpr uint64_t kScrSt = 1ull << 11;
constexpr uint64_t kScrRes1 = 3ull << 4;
constexpr uint64_t kScrHce = 1ull << 8;
constexpr uint64_t kScrTerr = 1ull << 15;
constexpr uint64_t kScrRw = 1ull << 10;
constexpr uint64_t kScrApk = 1ull << 16;
constexpr uint64_t kScrApi = 1ull << 17;
constexpr uint64_t kScrEnScxt = 1ull << 25;
constexpr uint64_t kScrFgtEn = 1ull << 27;
constexpr uint64_t kScrHxEn = 1ull << 38;
constexpr uint64_t kScrEnTp2 = 1ull << 41;
constexpr uint64_t kCptrEz = 1ull << 8;
constexpr uint64_t kCptrEsm = 1ull << 12;
constexpr uint64_t kCptrTfp = 1ull << 10;
constexpr uint64_t kSmcrLenMax = 0xF;
constexpr uint64_t kSmcrFa64 = 1ull << 31;
constexpr uint64_t kSmcrEzt0 = 1ull << 30;
constexpr uint64_t kSpsrEl1h = 0x3C5;
constexpr uint64_t kSpsrEl2h = 0x3C9;
constexpr uint64_t kSctlrEl1Reset = 0x30D00800;

// What the dispatcher waits for from the trusted OS on this CPU.
enum class Pending : uint8_t {
  boot,  // its ENTRY_DONE / ON_DONE
  none,  // nothing: it waits for a call
  call,  // its CALL_DONE for the normal world's call
};

struct PerCpu {
  CpuContext secure;
  CpuContext nonsecure;
  Pending pending = Pending::boot;
  bool secure_owns_fp = false;
  bool ns_streaming = false;
  uint64_t ns_entry = 0;
  uint64_t ns_arg = 0;
};

[[gnu::section(".noinit")]] SveRegs g_ns_sve[plat::kMaxCpus];
[[gnu::section(".noinit")]] SveRegs g_ns_streaming[plat::kMaxCpus];
[[gnu::section(".noinit")]] uint64_t g_ns_streaming_fpsr[plat::kMaxCpus];

constinit PerCpu g_cpu[plat::kMaxCpus] = {};
constinit BootInfo g_boot = {};
constinit bool g_tos_alive = false;

extern "C" char __stack_top[];

PerCpu& this_cpu() { return g_cpu[arch::cpu_index()]; }

uint64_t scr_common() {
  uint64_t scr = kScrRes1 | kScrRw | kScrApk | kScrApi | kScrEnScxt;
  if (cpu::has_fgt()) scr |= kScrFgtEn;
  if (cpu::has_hcx()) scr |= kScrHxEn;
  return scr;
}

using cpu::has_el2;
using cpu::has_sme;
using cpu::has_sme_fa64;
using cpu::has_sve;
using cpu::sme_level;
uint64_t ns_cptr() { return (has_sve() ? kCptrEz : 0) | (has_sme() ? kCptrEsm : 0); }

// The normal world's streaming SVE state while the trusted OS runs (see
// park_streaming in spmd.cpp).
void park_streaming(PerCpu& cpu) {
  if (!cpu.nonsecure.sme || cpu.ns_streaming) return;
  if ((TESSERA_SYSREG_READ(S3_3_C4_C2_2) & 1) == 0) return;  // SVCR.SM clear
  const unsigned i = arch::cpu_index();
  el3_save_streaming(&g_ns_streaming[i], &g_ns_streaming_fpsr[i], has_sme_fa64());
  cpu.ns_streaming = true;
}
void unpark_streaming(PerCpu& cpu) {
  if (!cpu.ns_streaming) return;
  TESSERA_SYSREG_WRITE(cptr_el3, ns_cptr());
  arch::isb();
  const unsigned i = arch::cpu_index();
  el3_restore_streaming(&g_ns_streaming[i], &g_ns_streaming_fpsr[i], has_sme_fa64());
  cpu.ns_streaming = false;
}

void init_context(CpuContext& c, uint64_t entry, uint64_t spsr, uint64_t scr, uint64_t cptr) {
  c = CpuContext{};
  c.elr_el3 = entry;
  c.spsr_el3 = spsr;
  c.scr_el3 = scr;
  c.cptr_el3 = cptr;
  c.runtime_sp = reinterpret_cast<uint64_t>(__stack_top) - arch::cpu_index() * 0x2000;
  c.el1.sctlr_el1 = kSctlrEl1Reset;
}

CpuContext* switch_world(PerCpu& cpu, World to) {
  CpuContext& out = to == World::secure ? cpu.nonsecure : cpu.secure;
  CpuContext& in = to == World::secure ? cpu.secure : cpu.nonsecure;
  if (to == World::secure) park_streaming(cpu);
  el3_save_el1_sysregs(&out.el1);
  el3_restore_el1_sysregs(&in.el1);
  if (to == World::nonsecure && cpu.secure_owns_fp) {
    TESSERA_SYSREG_WRITE(cptr_el3, ns_cptr());
    arch::isb();
    el3_save_fp(&cpu.secure.fp);
    el3_restore_fp(&cpu.nonsecure.fp);
    if (has_sve()) el3_restore_sve(&g_ns_sve[arch::cpu_index()]);
    cpu.secure.cptr_el3 |= kCptrTfp;
    cpu.secure_owns_fp = false;
  }
  if (to == World::nonsecure) unpark_streaming(cpu);
  return &in;
}

// The normal world's first entry on this CPU (as spmd.cpp's, without
// SCR_EL3.FIQ: no secure interrupt is taken while it runs).
CpuContext* start_normal_world(PerCpu& cpu, bool secure_was_running = true) {
  const uint64_t spsr = has_el2() ? kSpsrEl2h : kSpsrEl1h;
  init_context(cpu.nonsecure, cpu.ns_entry, spsr,
               scr_common() | kScrNs | kScrHce | (cpu::has_ras() ? kScrTerr : 0) | (has_sme() ? kScrEnTp2 : 0),
               ns_cptr());
  cpu.nonsecure.sme = has_sme();
  cpu.ns_streaming = false;
  cpu.nonsecure.x[0] = cpu.ns_arg;
  cpu.nonsecure.other = &cpu.secure;
  cpu.secure.other = &cpu.nonsecure;
  // The vectors' FF-A fast path stays off (`fast` is 0 in both contexts).
  if (has_el2()) {
    TESSERA_SYSREG_WRITE(sctlr_el2, 0x30C50830);
    TESSERA_SYSREG_WRITE(hcr_el2, 0);
    TESSERA_SYSREG_WRITE(cptr_el2, 0x32FF);
    TESSERA_SYSREG_WRITE(cnthctl_el2, 3);
    TESSERA_SYSREG_WRITE(cntvoff_el2, 0);
    TESSERA_SYSREG_WRITE(vttbr_el2, 0);
    TESSERA_SYSREG_WRITE(hstr_el2, 0);
    TESSERA_SYSREG_WRITE(vpidr_el2, TESSERA_SYSREG_READ(midr_el1));
    TESSERA_SYSREG_WRITE(vmpidr_el2, TESSERA_SYSREG_READ(mpidr_el1));
    TESSERA_SYSREG_WRITE(S3_4_C12_C9_5, 0xF);  // ICC_SRE_EL2
  }
  TESSERA_SYSREG_WRITE(cptr_el3, ns_cptr());
  arch::isb();
  if (has_sve()) TESSERA_SYSREG_WRITE(S3_6_C1_C2_0, 0xF);  // ZCR_EL3
  if (has_sme()) {
    TESSERA_SYSREG_WRITE(S3_6_C1_C2_6, kSmcrLenMax | (has_sme_fa64() ? kSmcrFa64 : 0) |
                                           (sme_level() >= 2 ? kSmcrEzt0 : 0));
    if (has_el2()) TESSERA_SYSREG_WRITE(S3_4_C1_C2_6, kSmcrLenMax);
  }
  if (secure_was_running) el3_save_el1_sysregs(&cpu.secure.el1);
  el3_restore_el1_sysregs(&cpu.nonsecure.el1);
  lib::log::info("OPTEED: CPU {} enters the normal world at {:x} (x0 = {:x}, {})", arch::cpu_index(), cpu.ns_entry,
                 cpu.ns_arg, has_el2() ? "NS-EL2" : "NS-EL1");
  psci::cpu_is_on();
  return &cpu.nonsecure;
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
    CpuContext* ns = switch_world(cpu, World::nonsecure);
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

World world_of(const CpuContext* ctx) { return (ctx->scr_el3 & kScrNs) ? World::nonsecure : World::secure; }

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
  CpuContext* s = switch_world(cpu, World::secure);
  for (unsigned i = 0; i < 8; ++i) s->x[i] = ctx->x[i];
  for (unsigned i = 8; i < 18; ++i) s->x[i] = 0;
  return s;
}

CpuContext* secure_interrupt(CpuContext*) { lib::panic("FIQ at EL3: none is routed here in this configuration"); }

CpuContext* fp_trap(CpuContext* ctx) {
  PerCpu& cpu = this_cpu();
  if (world_of(ctx) != World::secure || cpu.secure_owns_fp) lib::panic("unexpected FP trap");
  TESSERA_SYSREG_WRITE(cptr_el3, ns_cptr());
  arch::isb();
  el3_save_fp(&cpu.nonsecure.fp);
  if (has_sve()) el3_save_sve(&g_ns_sve[arch::cpu_index()]);
  el3_restore_fp(&cpu.secure.fp);
  cpu.secure.cptr_el3 &= ~kCptrTfp;
  cpu.secure_owns_fp = true;
  return ctx;
}

// PSCI CPU_OFF: the trusted OS's context on this CPU waits for a call and
// holds nothing (a call an interrupt stopped lives in one of its threads,
// which any CPU resumes), so the CPU goes off at once.
CpuContext* cpu_off() { psci::cpu_off(); }

namespace {
[[noreturn]] void enter_tos(PerCpu& cpu) {
  cpu.pending = Pending::boot;
  init_context(cpu.secure, g_boot.spmc_entry, kSpsrEl1h, scr_common() | kScrSt, kCptrTfp);
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
