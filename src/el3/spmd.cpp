#include "el3/spmd.h"
#include "el3/psci.h"

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

// SCR_EL3 bits.
constexpr uint64_t kScrNs = 1ull << 0;
constexpr uint64_t kScrFiq = 1ull << 2;   // FIQs to EL3: secure interrupts while the normal world runs
constexpr uint64_t kScrSt = 1ull << 11;   // S-EL1 may use the secure physical timer
constexpr uint64_t kScrRes1 = 3ull << 4;
constexpr uint64_t kScrHce = 1ull << 8;
constexpr uint64_t kScrTerr = 1ull << 15;  // RAS error-record registers trap to EL3 (see start_normal_world)
constexpr uint64_t kScrRw = 1ull << 10;
constexpr uint64_t kScrApk = 1ull << 16;
constexpr uint64_t kScrApi = 1ull << 17;
constexpr uint64_t kScrEnScxt = 1ull << 25;
constexpr uint64_t kScrFgtEn = 1ull << 27;
constexpr uint64_t kScrHxEn = 1ull << 38;
constexpr uint64_t kScrEnTp2 = 1ull << 41;  // SME: TPIDR2_EL0 usable below EL3
// CPTR_EL3 bits.
constexpr uint64_t kCptrEz = 1ull << 8;
constexpr uint64_t kCptrEsm = 1ull << 12;  // SME (and streaming SVE) not trapped
constexpr uint64_t kCptrTfp = 1ull << 10;
// SMCR_EL3: LEN (the longest streaming vector length the CPU has), FA64
// (the whole A64 instruction set in streaming mode), EZT0 (SME2's ZT0).
constexpr uint64_t kSmcrLenMax = 0xF;
constexpr uint64_t kSmcrFa64 = 1ull << 31;
constexpr uint64_t kSmcrEzt0 = 1ull << 30;
// SPSR: EL1h / EL2h with D, A, I, F masked.
constexpr uint64_t kSpsrEl1h = 0x3C5;
constexpr uint64_t kSpsrEl2h = 0x3C9;
constexpr uint64_t kSctlrEl1Reset = 0x30D00800;  // RES1 bits, MMU off

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

struct PerCpu {
  CpuContext secure;
  CpuContext nonsecure;
  Pending pending = Pending::boot;
  bool secure_owns_fp = false;
  bool ns_streaming = false;  // the normal world's streaming state is parked (SME)
  uint64_t ns_entry = 0;  // where the normal world starts on this CPU (PSCI CPU_ON)
  uint64_t ns_arg = 0;    // and its x0
  uint32_t version_input = 0;  // the normal world's FFA_VERSION input the SPMC is asked about
};

// The normal world's SVE registers while the secure world holds FP/SIMD
// (only the normal world may use SVE: CPTR_EL3.EZ is clear for secure).
// A save area, written before it is read: not part of the BSS.
[[gnu::section(".noinit")]] SveRegs g_ns_sve[plat::kMaxCpus];
// The normal world's streaming SVE registers while the secure world runs
// (a call made in streaming mode; see park_streaming), and its FPSR.
[[gnu::section(".noinit")]] SveRegs g_ns_streaming[plat::kMaxCpus];
[[gnu::section(".noinit")]] uint64_t g_ns_streaming_fpsr[plat::kMaxCpus];

constinit PerCpu g_cpu[plat::kMaxCpus] = {};
constinit BootInfo g_boot = {};
constinit bool g_spmc_alive = false;
// FFA_VERSION answers are cached per input: the SPMC's answer for an input
// only changes when it is asked a different one, so repeating the same
// call (as every normal-world driver does) costs no world switch.
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
// The normal world's CPTR_EL3: SVE and SME enabled where the CPU has them
// (TF-A's ENABLE_SVE_FOR_NS and ENABLE_SME_FOR_NS); FP/SIMD never trapped.
uint64_t ns_cptr() { return (has_sve() ? kCptrEz : 0) | (has_sme() ? kCptrEsm : 0); }

// A normal world that calls in streaming mode (PSTATE.SM, SME): its
// streaming registers are parked and the CPU leaves streaming mode before
// the secure world runs, which may not use SME and must neither see nor
// corrupt that state. ZA (and ZT0) stay live, untouched: PSTATE.ZA is left
// as the normal world set it, and with CPTR_EL3.ESM clear for the secure
// world no instruction there can read or write them. Called with the
// normal world's CPTR_EL3 (ESM set) in force.
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

void init_context(CpuContext& c, uint64_t entry, uint64_t spsr, uint64_t scr, uint64_t cptr) {
  c = CpuContext{};
  c.elr_el3 = entry;
  c.spsr_el3 = spsr;
  c.scr_el3 = scr;
  c.cptr_el3 = cptr;
  c.runtime_sp = reinterpret_cast<uint64_t>(__stack_top) - arch::cpu_index() * 0x2000;
  c.el1.sctlr_el1 = kSctlrEl1Reset;
}

// Moves this CPU from world `from` to the other one: the EL1 system
// registers follow the world; FP/SIMD follows lazily (fp_trap).
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
    // Writing a V register clears the rest of its Z register: the full
    // SVE state goes back last.
    if (has_sve()) el3_restore_sve(&g_ns_sve[arch::cpu_index()]);
    cpu.secure.cptr_el3 |= kCptrTfp;
    cpu.secure_owns_fp = false;
  }
  // Streaming state last: entering streaming mode zeroes the vector
  // registers that the FP restore above has just written.
  if (to == World::nonsecure) unpark_streaming(cpu);
  return &in;
}

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

// Sets up the normal world's first entry and returns its context; the
// caller erets into it (through the vectors' return path, which also saves
// the secure world's callee-saved registers).
// `secure_was_running`: the live EL1 registers are the secure world's (a
// boot); false when the CPU comes back from CPU_OFF, where they are a
// stale normal world's and must not overwrite the SPMC's saved ones.
CpuContext* start_normal_world(PerCpu& cpu, bool secure_was_running = true) {
  const uint64_t spsr = has_el2() ? kSpsrEl2h : kSpsrEl1h;
  // SCR_EL3.TERR (FEAT_RAS): the RAS error records are firmware's, as
  // with TF-A's RAS_TRAP_NS_ERR_REC_ACCESS, and the monitor does not
  // switch them between worlds; the normal world's accesses trap here and
  // become UNDEF (el3_sync_from_lower), as every trap the monitor does not
  // serve. (Not SCR_EL3.TLOR: Linux's EL2 set-up writes LORC_EL1 whenever
  // the CPU has FEAT_LOR, and the secure world never uses LORegions.)
  init_context(cpu.nonsecure, cpu.ns_entry, spsr,
               scr_common() | kScrNs | kScrHce | (cpu::has_ras() ? kScrTerr : 0) | (g_spmc_alive ? kScrFiq : 0) |
                   (has_sme() ? kScrEnTp2 : 0),
               ns_cptr());
  cpu.nonsecure.sme = has_sme();
  cpu.ns_streaming = false;
  cpu.nonsecure.x[0] = cpu.ns_arg;
  cpu.nonsecure.other = &cpu.secure;
  cpu.secure.other = &cpu.nonsecure;
  cpu.nonsecure.forward32 = kNsForward32;
  cpu.nonsecure.forward64 = kNsForward64;
  cpu.nonsecure.check_sender = 1;
  cpu.secure.forward32 = kSecureForward32;
  cpu.secure.forward64 = kSecureForward64;
  if (has_el2()) {
    // The normal world's EL2 starts clean: MMU off, no traps, no offsets.
    TESSERA_SYSREG_WRITE(sctlr_el2, 0x30C50830);
    TESSERA_SYSREG_WRITE(hcr_el2, 0);
    TESSERA_SYSREG_WRITE(cptr_el2, 0x32FF);
    TESSERA_SYSREG_WRITE(cnthctl_el2, 3);  // EL1 physical timer and counter
    TESSERA_SYSREG_WRITE(cntvoff_el2, 0);
    TESSERA_SYSREG_WRITE(vttbr_el2, 0);
    TESSERA_SYSREG_WRITE(hstr_el2, 0);
    TESSERA_SYSREG_WRITE(vpidr_el2, TESSERA_SYSREG_READ(midr_el1));
    TESSERA_SYSREG_WRITE(vmpidr_el2, TESSERA_SYSREG_READ(mpidr_el1));
    TESSERA_SYSREG_WRITE(S3_4_C12_C9_5, 0xF);  // ICC_SRE_EL2: SRE, DFB, DIB, Enable
  }
  // ZCR_EL3 and SMCR_EL3 are themselves trapped until CPTR_EL3.EZ/ESM are set.
  TESSERA_SYSREG_WRITE(cptr_el3, ns_cptr());
  arch::isb();
  if (has_sve()) TESSERA_SYSREG_WRITE(S3_6_C1_C2_0, 0xF);  // ZCR_EL3: longest vector length
  if (has_sme()) {
    // SMCR_EL3: the longest streaming vector length, FA64 and ZT0 where
    // the CPU has them. Lower ELs narrow these in SMCR_EL2/SMCR_EL1.
    TESSERA_SYSREG_WRITE(S3_6_C1_C2_6, kSmcrLenMax | (has_sme_fa64() ? kSmcrFa64 : 0) |
                                           (sme_level() >= 2 ? kSmcrEzt0 : 0));
    if (has_el2()) TESSERA_SYSREG_WRITE(S3_4_C1_C2_6, kSmcrLenMax);  // SMCR_EL2 starts clean too
  }
  if (secure_was_running) el3_save_el1_sysregs(&cpu.secure.el1);
  el3_restore_el1_sysregs(&cpu.nonsecure.el1);
  lib::log::info("SPMD: CPU {} enters the normal world at {:x} (x0 = {:x}, {})", arch::cpu_index(), cpu.ns_entry,
                 cpu.ns_arg, has_el2() ? "NS-EL2" : "NS-EL1");
  psci::cpu_is_on();
  return &cpu.nonsecure;
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
  CpuContext* s = switch_world(cpu, World::secure);
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
  CpuContext* s = switch_world(cpu, World::secure);
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
      lib::log::info("SPMD: SPMC initialised on CPU {}", arch::cpu_index());
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
    CpuContext* ns = switch_world(cpu, World::nonsecure);
    const auto pair = ffa::EndpointPair::from_w1(s->x[1]);
    const uint32_t flags = static_cast<uint32_t>(s->x[2]);
    uint32_t answer = 0xFFFFFFFFu;
    if (fid == ffa::raw(Func::msg_send_direct_resp_32) && pair.sender == g_boot.spmc_id &&
        pair.receiver == ffa::kSpmdId && flags == (kFrameworkBit | kFwkVersionResp)) {
      answer = static_cast<uint32_t>(s->x[3]);
    }
    const uint32_t input = cpu.version_input;
    version_lock();
    g_version_cache = VersionCache{true, input, answer};
    if (ffa::Version::valid_word(answer)) {
      g_nwd_version = ffa::negotiate(ffa::Version::from_word(input), g_boot.spmc_version);
    }
    version_unlock();
    // The vectors answer a repeat of this input by themselves.
    ns->version_in = (1ull << 32) | input;
    ns->version_out = answer;
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
    CpuContext* ns = switch_world(cpu, World::nonsecure);
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
    return switch_world(cpu, World::nonsecure);
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
      CpuContext* ns = switch_world(cpu, World::nonsecure);
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

World world_of(const CpuContext* ctx) { return (ctx->scr_el3 & kScrNs) ? World::nonsecure : World::secure; }

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
  CpuContext* s = switch_world(cpu, World::secure);
  reply(*s, ffa::raw(Func::interrupt), 0);
  return s;
}

CpuContext* fp_trap(CpuContext* ctx) {
  PerCpu& cpu = this_cpu();
  if (world_of(ctx) != World::secure || cpu.secure_owns_fp) lib::panic("unexpected FP trap");
  // The secure world touches FP/SIMD for the first time since it last
  // entered: park the normal world's registers and give it its own.
  TESSERA_SYSREG_WRITE(cptr_el3, ns_cptr());
  arch::isb();
  el3_save_fp(&cpu.nonsecure.fp);
  // With SVE the normal world's registers are wider than q0-q31: keep
  // all of Z, P and FFR (FF-A's secure world may clobber any of them).
  if (has_sve()) el3_save_sve(&g_ns_sve[arch::cpu_index()]);
  el3_restore_fp(&cpu.secure.fp);
  cpu.secure.cptr_el3 &= ~kCptrTfp;
  cpu.secure_owns_fp = true;
  refresh_fast_path(cpu);
  return ctx;  // re-executes the trapped instruction
}

CpuContext* cpu_off() {
  PerCpu& cpu = this_cpu();
  if (!g_spmc_alive) psci::cpu_off();
  cpu.pending = Pending::cpu_off;
  refresh_fast_path(cpu);
  CpuContext* s = switch_world(cpu, World::secure);
  reply(*s, ffa::raw(Func::msg_send_direct_req_32), kFrameworkBit | kFwkPsci,
        ffa::EndpointPair{ffa::kSpmdId, g_boot.spmc_id}.w1(), psci::kCpuOff);
  for (unsigned i = 8; i < 18; ++i) s->x[i] = 0;
  return s;
}

// The SPMC's cold boot on this CPU: its entry with the manifest in x0 and
// the CPU's index in x4; its FFA_MSG_WAIT then starts the normal world.
[[noreturn]] void enter_spmc(PerCpu& cpu) {
  cpu.pending = Pending::boot;
  // The secure world runs with FP/SIMD trapped until it first uses it.
  init_context(cpu.secure, g_boot.spmc_entry, kSpsrEl1h, scr_common() | kScrSt, kCptrTfp);
  cpu.secure.x[0] = g_boot.spmc_manifest;
  cpu.secure.x[4] = arch::cpu_index();
  el3_restore_el1_sysregs(&cpu.secure.el1);
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
  // Back from CPU_OFF: the SPMC's context on this CPU is still waiting in
  // FFA_MSG_WAIT; only the normal world starts again.
  el3_exit(start_normal_world(this_cpu(), false));
}

void boot(const BootInfo& info) {
  g_boot = info;
  PerCpu& cpu = this_cpu();
  cpu.ns_entry = info.ns_entry;
  cpu.ns_arg = info.ns_arg0;
  lib::log::info("SPMD: entering SPMC {:x} at {:x} (S-EL1)", info.spmc_id.raw(), info.spmc_entry);
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
