#include "el3/spmd.h"
#include "el3/psci.h"
#include "el3/world_switch.h"

#include "arch/aarch64/sysreg.h"
#include "el3/cpu_features.h"
#include "ffa/func.h"
#include "ffa/regs.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "plat/qemu_virt/memory_map.h"

namespace el3::spmd {
namespace {

using ffa::Func;


constexpr uint32_t kFrameworkBit = 1u << 31;
constexpr uint32_t kFwkPsci = 0, kFwkPmResp = 2;  // power management request, response
constexpr uint32_t kFwkVersionReq = 8;
constexpr uint32_t kFwkVersionResp = 9;

// What the SPMD is waiting for from the SPMC on this CPU.
enum class Pending : uint8_t {
  boot,           // the SPMC's first FFA_MSG_WAIT (or FFA_ERROR)
  none,           // the SPMC answers a normal-world call when it returns
  version_reply,  // a framework FFA_VERSION response
  interrupt,      // the SPMC handles a secure interrupt; FFA_NORMAL_WORLD_RESUME ends it
  cpu_off,        // a framework power management response (PSCI CPU_OFF)
};

// The world switch's state (el3/world_switch.h) and the SPMD's own.
struct PerCpu : world::Cpu {
  Pending pending = Pending::boot;
  uint32_t version_input = 0;  // the normal world's FFA_VERSION input the SPMC is asked about
  bool spmc_started = false;   // the SPMC has booted on this CPU once (later boots: after CPU_OFF)
};


constinit PerCpu g_cpu[plat::kMaxCpus] = {};
constinit BootInfo g_boot = {};
constinit bool g_spmc_alive = false;
// FFA_VERSION answers are cached per input: the SPMC's answer for an input
// only changes when it is asked a different one, so repeating the same
// call (as every normal-world driver does) costs no world switch.
// Known and left: two CPUs that ask the SPMC different inputs at the same
// time may have their answers cached in another order than the SPMC gave
// them, so a repeat may get the answer the SPMC gave before a later input
// changed it. Only a normal world that races its own FFA_VERSION calls
// sees that; the version the SPMC holds is its own and never wrong.
struct VersionCache {
  bool valid = false;
  uint32_t input = 0;
  uint32_t answer = 0;
};
// Every CPU reads and refills the cache and the negotiated version: they
// change together under this lock (taken only with the MMU and caches on,
// so exclusives work), and each CPU keeps the input it asked about in its
// own PerCpu while the SPMC answers.
constinit VersionCache g_version_cache = {};
constinit uint32_t g_version_lock = 0;
void version_lock() {
  while (__atomic_exchange_n(&g_version_lock, 1u, __ATOMIC_ACQUIRE)) {
    while (__atomic_load_n(&g_version_lock, __ATOMIC_RELAXED)) {
    }
  }
}
void version_unlock() { __atomic_store_n(&g_version_lock, 0u, __ATOMIC_RELEASE); }
// Zero until the normal world negotiates: older than every version, so
// v1.0 rules apply (and the variable needs no initialised data).
constinit ffa::Version g_nwd_version = {};


PerCpu& this_cpu() { return g_cpu[arch::cpu_index()]; }




// The FF-A calls each world's fast path forwards as is (vectors.S): bit n
// stands for function 0x60 + n. From the normal world: everything but what
// the SPMD answers itself (VERSION, ID_GET, SPM_ID_GET) or refuses
// (MSG_WAIT, YIELD, INTERRUPT). From the secure world: the answers that go
// back to the normal world (FRAG_RX and FRAG_TX among them: the memory
// management calls answer with them).
constexpr uint64_t fn_bit(Func f) { return 1ull << ((ffa::raw(f) & 0xFF) - 0x60); }
constexpr uint64_t kNsSpmdOwn = fn_bit(Func::version) | fn_bit(Func::id_get) | fn_bit(Func::spm_id_get) |
                                fn_bit(Func::msg_wait) | fn_bit(Func::yield) | fn_bit(Func::interrupt);
constexpr uint64_t kNsForward32 = ~kNsSpmdOwn;
constexpr uint64_t kNsForward64 = ~kNsSpmdOwn;
constexpr uint64_t kSecureForward32 = fn_bit(Func::success_32) | fn_bit(Func::error) |
                                      fn_bit(Func::msg_send_direct_resp_32) | fn_bit(Func::interrupt) |
                                      fn_bit(Func::msg_wait) | fn_bit(Func::yield) | fn_bit(Func::mem_frag_rx) |
                                      fn_bit(Func::mem_frag_tx);
constexpr uint64_t kSecureForward64 =
    fn_bit(Func::success_64) | fn_bit(Func::msg_send_direct_resp_64) | fn_bit(Func::msg_send_direct_resp2);



// Forwarding hands over x0-x17 (SMCCC v1.2 arguments and results).
void copy_args(CpuContext& to, const CpuContext& from) {
#pragma GCC unroll 18
  for (unsigned i = 0; i < 18; ++i) to.x[i] = from.x[i];
}

// Answers the SPMD gives itself: x0-x7; x8-x17 are preserved for the
// caller, as SMCCC asks of registers that carry no result.
void reply(CpuContext& c, uint64_t x0, uint64_t x2 = 0, uint64_t x1 = 0, uint64_t x3 = 0) {
  c.x[0] = x0;
  c.x[1] = x1;
  c.x[2] = x2;
  c.x[3] = x3;
  c.x[4] = c.x[5] = c.x[6] = c.x[7] = 0;
}
void reply_success(CpuContext& c, uint64_t w2) { reply(c, ffa::raw(Func::success_32), w2); }
// FFA_VERSION answers in w0 alone (a version word, or NOT_SUPPORTED as
// 0xFFFFFFFF); w1-w7 are MBZ, so the caller's input never echoes back.
void reply_version(CpuContext& c, uint32_t w0) { reply(c, w0); }
void set_error(CpuContext& c, ffa::Error e) {
  reply(c, ffa::raw(Func::error), static_cast<uint32_t>(static_cast<int32_t>(e)));
}


// The normal world's first entry on this CPU (world::start_normal_world;
// the caller erets into it through the vectors' return path), with the
// fast path's bitmaps and, once an SPMC is up, secure interrupts routed
// here (SCR_EL3.FIQ).
CpuContext* start_normal_world(PerCpu& cpu, bool secure_was_running = true) {
  CpuContext* ns = world::start_normal_world(cpu, g_spmc_alive ? world::kScrFiq : 0, "SPMD", secure_was_running);
  cpu.nonsecure.forward32 = kNsForward32;
  cpu.nonsecure.forward64 = kNsForward64;
  cpu.nonsecure.check_sender = 1;
  cpu.secure.forward32 = kSecureForward32;
  cpu.secure.forward64 = kSecureForward64;
  return ns;
}

// FFA_VERSION from the normal world (see VersionCache).
CpuContext* nwd_version(PerCpu& cpu, CpuContext& ns) {
  const uint32_t input = static_cast<uint32_t>(ns.x[1]);
  if (!ffa::Version::valid_word(input) || !g_spmc_alive) {
    reply_version(ns, 0xFFFFFFFFu);  // NOT_SUPPORTED, in w0 for FFA_VERSION
    return &ns;
  }
  version_lock();
  const VersionCache cached = g_version_cache;
  version_unlock();
  if (cached.valid && cached.input == input) {
    reply_version(ns, cached.answer);
    return &ns;
  }
  // Tell the SPMC, which records what the normal world will use.
  cpu.version_input = input;
  cpu.pending = Pending::version_reply;
  CpuContext* s = world::switch_to(cpu, World::secure);
  reply(*s, ffa::raw(Func::msg_send_direct_req_32), kFrameworkBit | kFwkVersionReq,
        ffa::EndpointPair{ffa::kSpmdId, g_boot.spmc_id}.w1(), input);
  for (unsigned i = 8; i < 18; ++i) s->x[i] = 0;
  return s;
}

CpuContext* from_nonsecure(PerCpu& cpu, CpuContext* ns) {
  const uint32_t fid = static_cast<uint32_t>(ns->x[0]);
  switch (static_cast<Func>(fid)) {
    case Func::version:
      return nwd_version(cpu, *ns);
    case Func::id_get:
      if (!g_spmc_alive) {
        set_error(*ns, ffa::Error::not_supported);
      } else {
        reply_success(*ns, ffa::kNormalWorldId.raw());
      }
      return ns;
    case Func::spm_id_get: {
      version_lock();
      const ffa::Version negotiated = g_nwd_version;
      version_unlock();
      if (negotiated < ffa::kVersion1_1 || !g_spmc_alive) {
        set_error(*ns, ffa::Error::not_supported);
      } else {
        reply_success(*ns, g_boot.spmc_id.raw());
      }
      return ns;
    }
    case Func::msg_wait:
    case Func::yield:
    case Func::interrupt:
      set_error(*ns, ffa::Error::not_supported);
      return ns;
    case Func::msg_send_direct_req_32:
    case Func::msg_send_direct_req_64:
      // Only the SPMD speaks with a secure sender ID; a normal-world caller
      // claiming one (0xFFFF included) could forge framework messages.
      if (ffa::EndpointPair::from_w1(ns->x[1]).sender.is_secure()) {
        set_error(*ns, ffa::Error::invalid_parameters);
        return ns;
      }
      break;
    default:
      break;
  }
  if (!g_spmc_alive) {
    set_error(*ns, ffa::Error::not_supported);
    return ns;
  }
  CpuContext* s = world::switch_to(cpu, World::secure);
  copy_args(*s, *ns);
  return s;
}

CpuContext* from_secure(PerCpu& cpu, CpuContext* s) {
  const uint32_t fid = static_cast<uint32_t>(s->x[0]);
  switch (static_cast<Func>(fid)) {
    case Func::version:
      // The SPMC asks for the SPMD's version.
      reply_version(*s, ffa::kImplementedVersion.word());
      return s;
    case Func::id_get:
      reply_success(*s, g_boot.spmc_id.raw());
      return s;
    case Func::spm_id_get:
      reply_success(*s, ffa::kSpmdId.raw());
      return s;
    default:
      break;
  }

  if (cpu.pending == Pending::boot) {
    if (fid == ffa::raw(Func::msg_wait)) {
      // Once per CPU: it boots again at every CPU_ON after a CPU_OFF.
      if (!cpu.spmc_started) lib::log::info("SPMD: SPMC initialised on CPU {}", arch::cpu_index());
      cpu.spmc_started = true;
      g_spmc_alive = true;
    } else {
      lib::log::error("SPMD: SPMC failed to initialise (call {:x}, w2 = {:x}); booting the normal world without it",
                      fid, s->x[2]);
    }
    cpu.pending = Pending::none;
    return start_normal_world(cpu);
  }

  if (cpu.pending == Pending::version_reply) {
    cpu.pending = Pending::none;
    CpuContext* ns = world::switch_to(cpu, World::nonsecure);
    const auto pair = ffa::EndpointPair::from_w1(s->x[1]);
    const uint32_t flags = static_cast<uint32_t>(s->x[2]);
    uint32_t answer = 0xFFFFFFFFu;
    if (fid == ffa::raw(Func::msg_send_direct_resp_32) && pair.sender == g_boot.spmc_id &&
        pair.receiver == ffa::kSpmdId && flags == (kFrameworkBit | kFwkVersionResp)) {
      answer = static_cast<uint32_t>(s->x[3]);
    }
    const uint32_t input = cpu.version_input;
    version_lock();
    // Another input than the last one asked: every CPU's own cache (the
    // vectors' answer to a repeat, CTX_VERSION_IN) may hold an answer the
    // SPMC would no longer give once it fixes the version at this one (an
    // input other than its fixed version gets NOT_SUPPORTED): they go.
    if (!g_version_cache.valid || g_version_cache.input != input)
      for (PerCpu& other : g_cpu) __atomic_store_n(&other.nonsecure.version_in, uint64_t{0}, __ATOMIC_RELAXED);
    g_version_cache = VersionCache{true, input, answer};
    if (ffa::Version::valid_word(answer)) {
      g_nwd_version = ffa::negotiate(ffa::Version::from_word(input), g_boot.spmc_version);
    }
    // The vectors answer a repeat of this input by themselves; filled
    // under the lock, so that another CPU's new input, which empties every
    // CPU's cache, cannot come between and leave this one's stale.
    ns->version_out = answer;
    __atomic_store_n(&ns->version_in, (1ull << 32) | input, __ATOMIC_RELAXED);
    version_unlock();
    reply_version(*ns, answer);
    return ns;
  }

  if (cpu.pending == Pending::cpu_off) {
    // The SPMC's answer to CPU_OFF: PSCI's status in w3 of a framework
    // power management response. Anything else refuses.
    cpu.pending = Pending::none;
    // Only the SPMC's answer, addressed to the SPMD, counts.
    int64_t status = psci::kDenied;
    const auto pair = ffa::EndpointPair::from_w1(s->x[1]);
    if (fid == ffa::raw(Func::msg_send_direct_resp_32) && pair.sender == g_boot.spmc_id &&
        pair.receiver == ffa::kSpmdId && static_cast<uint32_t>(s->x[2]) == (kFrameworkBit | kFwkPmResp))
      status = static_cast<int32_t>(s->x[3]);
    CpuContext* ns = world::switch_to(cpu, World::nonsecure);
    if (status == psci::kSuccess) psci::cpu_off();
    ns->x[0] = static_cast<uint64_t>(status);
    return ns;
  }

  if (cpu.pending == Pending::interrupt) {
    // The normal world resumes where the interrupt stopped it, once the
    // SPMC is done (and nothing else goes through meanwhile).
    if (fid != ffa::raw(Func::normal_world_resume)) {
      set_error(*s, ffa::Error::denied);
      return s;
    }
    cpu.pending = Pending::none;
    return world::switch_to(cpu, World::nonsecure);
  }

  // Answers to the normal world's calls go back to it.
  switch (static_cast<Func>(fid)) {
    case Func::success_32:
    case Func::success_64:
    case Func::error:
    case Func::msg_send_direct_resp_32:
    case Func::msg_send_direct_resp_64:
    case Func::msg_send_direct_resp2:
    case Func::interrupt:
    case Func::yield:
    case Func::msg_wait:
    case Func::mem_frag_rx:  // "send the next fragment", to a fragmented FFA_MEM_SHARE/LEND/DONATE
    case Func::mem_frag_tx: {
      CpuContext* ns = world::switch_to(cpu, World::nonsecure);
      copy_args(*ns, *s);
      return ns;
    }
    default:
      set_error(*s, ffa::Error::not_supported);
      return s;
  }
}

// The fast path may forward only while the SPMD expects nothing special:
// the SPMC is up, no framework exchange is in flight, and (for answers
// going back to the normal world) FP/SIMD is not the secure world's.
void refresh_fast_path(PerCpu& cpu) {
  const bool idle = g_spmc_alive && cpu.pending == Pending::none;
  cpu.nonsecure.fast = idle;
  cpu.secure.fast = idle && !cpu.secure_owns_fp && !cpu.ns_streaming;
}

}  // namespace

CpuContext* context(World world) {
  PerCpu& cpu = this_cpu();
  return world == World::secure ? &cpu.secure : &cpu.nonsecure;
}

World world_of(const CpuContext* ctx) { return (ctx->scr_el3 & world::kScrNs) ? World::nonsecure : World::secure; }

CpuContext* handle_ffa(CpuContext* ctx, World from) {
  PerCpu& cpu = this_cpu();
  CpuContext* next = from == World::nonsecure ? from_nonsecure(cpu, ctx) : from_secure(cpu, ctx);
  refresh_fast_path(cpu);
  return next;
}

CpuContext* secure_interrupt(CpuContext* ns) {
  PerCpu& cpu = this_cpu();
  // Routed here only while the normal world runs (SCR_EL3.FIQ is set in
  // its context alone, and only with an SPMC to take the interrupt).
  if (world_of(ns) != World::nonsecure || cpu.pending != Pending::none) lib::panic("unexpected FIQ");
  cpu.pending = Pending::interrupt;
  refresh_fast_path(cpu);
  // The SPMC's FFA_MSG_WAIT returns FFA_INTERRUPT; it acknowledges the
  // interrupt at the GIC itself.
  CpuContext* s = world::switch_to(cpu, World::secure);
  reply(*s, ffa::raw(Func::interrupt), 0);
  return s;
}

CpuContext* fp_trap(CpuContext* ctx) {
  PerCpu& cpu = this_cpu();
  if (world_of(ctx) != World::secure || cpu.secure_owns_fp) lib::panic("unexpected FP trap");
  world::fp_trap(cpu);
  refresh_fast_path(cpu);
  return ctx;  // re-executes the trapped instruction
}

CpuContext* cpu_off() {
  PerCpu& cpu = this_cpu();
  if (!g_spmc_alive) psci::cpu_off();
  cpu.pending = Pending::cpu_off;
  refresh_fast_path(cpu);
  CpuContext* s = world::switch_to(cpu, World::secure);
  reply(*s, ffa::raw(Func::msg_send_direct_req_32), kFrameworkBit | kFwkPsci,
        ffa::EndpointPair{ffa::kSpmdId, g_boot.spmc_id}.w1(), psci::kCpuOff);
  for (unsigned i = 8; i < 18; ++i) s->x[i] = 0;
  return s;
}

// The SPMC's cold boot on this CPU: its entry with the manifest in x0 and
// the CPU's index in x4; its FFA_MSG_WAIT then starts the normal world.
[[noreturn]] void enter_spmc(PerCpu& cpu) {
  cpu.pending = Pending::boot;
  world::init_secure(cpu, g_boot.spmc_entry);
  cpu.secure.x[0] = g_boot.spmc_manifest;
  cpu.secure.x[4] = arch::cpu_index();
#ifdef TESSERA_SPMC_AT_SEL2
  el3_restore_el2_sysregs(&cpu.secure.el2);
#else
  el3_restore_el1_sysregs(&cpu.secure.el1);
#endif
  el3_exit(&cpu.secure);
}

void prepare_cpu(unsigned index, uint64_t ns_entry, uint64_t ns_arg) {
  g_cpu[index].ns_entry = ns_entry;
  g_cpu[index].ns_arg = ns_arg;
}

void boot_secondary() {
  PerCpu& cpu = this_cpu();
  if (!g_spmc_alive) el3_exit(start_normal_world(cpu));
  enter_spmc(cpu);
}

void resume_cpu() {
  // Back from CPU_OFF: the SPMC's cold boot on this CPU again, at its
  // secondary entry, as at the CPU's first CPU_ON (TF-A's SPMD does the
  // same on every CPU_ON): the SPMC brings the CPU's MMU and GIC interface
  // up and cold-boots its MP partitions' contexts for this CPU before the
  // normal world runs; its FFA_MSG_WAIT then starts the normal world at
  // the entry CPU_ON named.
  PerCpu& cpu = this_cpu();
  if (!g_spmc_alive) el3_exit(start_normal_world(cpu, false));
  enter_spmc(cpu);
}

void boot(const BootInfo& info) {
  g_boot = info;
  PerCpu& cpu = this_cpu();
  cpu.ns_entry = info.ns_entry;
  cpu.ns_arg = info.ns_arg0;
#ifdef TESSERA_SPMC_AT_SEL2
  // Entering S-EL2 on a CPU without it would be an illegal exception
  // return: the normal world runs without a secure world instead.
  if (!cpu::has_sel2()) {
    lib::log::error("SPMD: this monitor enters the SPMC at S-EL2, and this CPU has no Secure EL2 (FEAT_SEL2, "
                    "ID_AA64PFR0_EL1.SEL2 = 0): use -cpu max, or a configuration with the SPMC at S-EL1 "
                    "(sel1-spmc). The normal world runs without a secure world.");
    boot_without_spmc(info);
  }
  lib::log::info("SPMD: entering SPMC {:x} at {:x} (S-EL2)", info.spmc_id.raw(), info.spmc_entry);
#else
  lib::log::info("SPMD: entering SPMC {:x} at {:x} (S-EL1)", info.spmc_id.raw(), info.spmc_entry);
#endif
  enter_spmc(cpu);
}

void boot_without_spmc(const BootInfo& info) {
  g_boot = info;
  this_cpu().ns_entry = info.ns_entry;
  this_cpu().ns_arg = info.ns_arg0;
  g_spmc_alive = false;
  el3_exit(start_normal_world(this_cpu()));
}

}  // namespace el3::spmd
