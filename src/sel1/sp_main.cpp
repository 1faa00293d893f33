// The trusted OS as an S-EL1 partition under the S-EL2 SPMC (configuration
// sel2-spmc), as OP-TEE runs under Hafnium: the same OP-TEE endpoint,
// threads and Trusted Application host as in the S-EL1 SPMC's image, but
// no SPMC core, no GIC and no console of its own. It reaches the SPMC only
// through FF-A calls (SMC, which the SPMC traps):
//  - direct requests arrive out of FFA_MSG_WAIT and are answered with
//    FFA_MSG_SEND_DIRECT_RESP, which brings the next one;
//  - shared memory is retrieved and relinquished through its own RX/TX pair
//    (FfaMemoryClient) and mapped in its own stage 1;
//  - notifications for the normal world are set with FFA_NOTIFICATION_SET;
//  - a normal-world interrupt while one of its threads runs comes as the
//    managed exit signal, a virtual FIQ (its manifest's
//    ns-interrupts-action = 1): the FIQ vector suspends the thread as in the
//    S-EL1 placement, and the call answers "interrupted";
//  - its lines go to the SPMC's console with FFA_CONSOLE_LOG;
//  - its secure timer is the EL1 physical timer, which the SPMC emulates:
//    once a deadline passes, the context on that CPU is run with
//    FFA_INTERRUPT (its IRQs are never unmasked, so the virtual line alone
//    would wait), takes Hafnium's virtual timer interrupt with
//    HF_INTERRUPT_GET, runs the top half and ends it.
// One execution context per CPU: context 0 boots here, the others start at
// sel1_sp_secondary_entry on their CPUs. Its work (endpoint, threads, TA
// host) runs under the trusted OS's lock, one CPU at a time.
#include "arch/aarch64/conduit.h"
#include "arch/aarch64/ns_memory_map.h"
#include "arch/aarch64/spinlock.h"
#include "arch/aarch64/sysreg.h"
#include "ffa/console_log.h"
#include "ffa/func.h"
#include "ffa/hf_interrupt.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "optee/async_notif.h"
#include "plat/qemu_virt/memory_map.h"
#include "sel1/async_signals.h"
#include "sel1/core_lock.h"
#include "sel1/ffa_memory_client.h"
#include "sel1/mmu.h"
#include "sel1/optee_endpoint.h"
#include "sel1/secure_timer.h"
#include "sel1/ta_host.h"
#include "sel1/threads.h"

#ifndef TESSERA_BUILD_ID
#define TESSERA_BUILD_ID 0
#endif

extern "C" void sel1_fp_clobber(uint64_t pattern);
extern "C" void sel1_sp_secondary_entry();

namespace sel1 {
namespace {

using ffa::Func;

bool mmu_on() { return TESSERA_SYSREG_READ(sctlr_el1) & 1; }

// The console: whole lines through FFA_CONSOLE_LOG_64. Lines from several
// CPUs are serialised once the MMU is on (the lock is Normal memory), with
// interrupts masked while one is written (a thread must not be suspended
// holding it).
constinit volatile uint32_t g_console_word = 0;
constinit uint64_t g_console_daif = 0;
// The SPMC ends a partition's line at '\n' and shows other control
// characters as '?': the "\r\n" of our lines goes as "\n".
void console_write(const char* chars, size_t len) {
  if (len >= 2 && chars[len - 2] == '\r' && chars[len - 1] == '\n') {
    ffa::console_log(chars, len - 2, [](ffa::Regs& r) { arch_smc(&r); });
    chars = "\n";
    len = 1;
  }
  ffa::console_log(chars, len, [](ffa::Regs& r) { arch_smc(&r); });
}
bool console_lock() {
  if (!mmu_on()) return false;
  const uint64_t daif = TESSERA_SYSREG_READ(daif);
  __asm__ volatile("msr daifset, #3" ::: "memory");
  arch::spin_acquire(&g_console_word);
  g_console_daif = daif;
  return true;
}
void console_unlock() {
  const uint64_t daif = g_console_daif;
  arch::spin_release(&g_console_word);
  TESSERA_SYSREG_WRITE(daif, daif);
}
constinit const lib::log::Console kConsole{&console_write, &console_lock, &console_unlock, nullptr};

ffa::Regs call(ffa::Regs r) {
  arch_smc(&r);
  return r;
}

// Its RX/TX pair, one page each, at VA = IPA.
alignas(4096) uint8_t g_tx[4096];
alignas(4096) uint8_t g_rx[4096];

// Retrieved normal-world memory in its own stage 1: one range at VA = IPA,
// several back to back in a window (arch::NsMemoryMap, as the SPMC images
// map it). The SPMC checked that the memory is the normal world's.
class StageOneMapper final : public NsWindowMapper {
 public:
  explicit StageOneMapper(arch::mmu::PageTable& tables) : ns_(tables, no_ranges_) {}
  ffa::Result<uint8_t*> map(const ffa::MemConstituent* ranges, unsigned count) override {
    return ns_.map_ranges(ranges, count);
  }
  void unmap(const ffa::MemConstituent* ranges, unsigned count, uint8_t* va) override {
    ns_.unmap_ranges(ranges, count, va);
  }

 private:
  ffa::CoreManifest no_ranges_{};  // only NsMemoryMap::contains reads it, and nothing here asks
  arch::NsMemoryMap ns_;
};

// FFA_NOTIFICATION_SET, for OP-TEE's asynchronous notifications: the
// normal world's driver bound the ID to us.
class FfaNotifications final : public spmc::LocalNotifications {
 public:
  ffa::Status local_notification_set(ffa::EndpointId me, ffa::EndpointId receiver, uint64_t ids) override {
    const ffa::Regs r = call(ffa::Regs{{ffa::raw(Func::notification_set), ffa::EndpointPair{me, receiver}.w1(), 0,
                                        static_cast<uint32_t>(ids), static_cast<uint32_t>(ids >> 32)}});
    if (ffa::is_success(r)) return {};
    return ffa::is_error(r) ? ffa::error_of(r) : ffa::Error::not_supported;
  }
};

// FFA_INTERRUPT: the SPMC runs this context for its interrupts. Each is
// taken (HF_INTERRUPT_GET) until none is left; the timer's top half runs
// under the timer's lock (core_lock.h) and its interrupt is ended. Others
// (the notification pending interrupt: the trusted OS receives none it
// acts on) are only taken. Bounded: the SPMC has a handful of IDs.
[[gnu::noinline, gnu::cold]] void take_interrupts() {
  for (int i = 0; i < 8; ++i) {
    const uint64_t id = call(ffa::Regs{{ffa::hf::kInterruptGet}}).x[0];
    if (id == ffa::hf::kInvalidIntid || id == ffa::hf::kFailed) return;
    if (id != ffa::hf::kVirtualTimerIntid) continue;
    {
      CoreLock held;
      secure_timer().top_half();
    }
    (void)call(ffa::Regs{{ffa::hf::kInterruptDeactivate, id, id}});
  }
}

constinit OpteeEndpoint* g_endpoint = nullptr;  // set once context 0 built it
constinit ffa::EndpointId g_self;

// Each context's loop: wait for a direct request, answer it, which brings
// the next. FFA_INTERRUPT runs its interrupts' handlers; FFA_RUN (cycles
// the normal world gives) finds nothing to do: wait again. A request it
// does not serve (DIRECT_REQ2, which its manifest does not take) is
// answered empty. An FFA_ERROR means
// the SPMC refused a wait or an answer: waiting again would spin for ever
// in a request it cannot end, so it stops (the SPMC aborts it, and its
// caller is told).
[[noreturn]] void serve(OpteeEndpoint& endpoint) {
  ffa::Regs r{{ffa::raw(Func::msg_wait)}};
  for (;;) {
    arch_smc(&r);
    const uint32_t fid = r.fid();
    if (fid == ffa::raw(Func::error)) {
      lib::log::error("the SPMC answered FFA_ERROR {} to the trusted OS's wait or answer",
                      ffa::to_string(ffa::error_of(r)));
      lib::panic("refused by the SPMC");
    }
    const auto pair = ffa::EndpointPair::from_w1(r.x[1]);
    const uint32_t back = ffa::EndpointPair{pair.receiver, pair.sender}.w1();
    if (fid == ffa::raw(Func::msg_send_direct_req2)) {
      r = ffa::Regs{{ffa::raw(Func::msg_send_direct_resp2), back}};
      continue;
    }
    if (fid != ffa::raw(Func::msg_send_direct_req_32) && fid != ffa::raw(Func::msg_send_direct_req_64)) {
      if (fid == ffa::raw(Func::interrupt)) take_interrupts();
      r = ffa::Regs{{ffa::raw(Func::msg_wait)}};
      continue;
    }
    const bool is64 = fid == ffa::raw(Func::msg_send_direct_req_64);
    const uint64_t mask = is64 ? ~0ull : 0xFFFFFFFFull;
    const spmc::DirectMessage request{pair.sender, pair.receiver, is64,
                                      {r.x[3] & mask, r.x[4] & mask, r.x[5] & mask, r.x[6] & mask, r.x[7] & mask}};
    spmc::DirectMessage response{pair.receiver, pair.sender, is64, {}};
    lock_trusted_os();
    endpoint.on_direct_request(request, response);
    unlock_trusted_os();
    const uint64_t p[5] = {response.payload[0] & mask, response.payload[1] & mask, response.payload[2] & mask,
                           response.payload[3] & mask, response.payload[4] & mask};
    r = ffa::Regs{{ffa::raw(is64 ? Func::msg_send_direct_resp_64 : Func::msg_send_direct_resp_32), back, 0, p[0], p[1],
                   p[2], p[3], p[4]}};
  }
}

// Setting up stops here: the SPMC is told (the error goes to whoever
// waits for our first FFA_MSG_WAIT) by the fault lib::panic makes.
[[noreturn]] void fail(const char* what) { lib::panic(what); }

}  // namespace
}  // namespace sel1

extern "C" [[noreturn]] void sel1_sp_main(uint64_t boot_info) {
  using namespace sel1;
  lib::log::init(&kConsole, "TOS");
  (void)boot_info;  // its manifest: nothing in it that FF-A calls do not tell
  arch::mmu::PageTable& tables = mmu_init_partition();
  // FF-A v1.2 (descriptors in the v1.2 layout), who we are, our RX/TX pair.
  const ffa::Regs version = call(ffa::Regs{{ffa::raw(Func::version), 0x10002}});
  if (version.w(0) >> 16 != 1 || (version.w(0) & 0xFFFF) < 2) fail("the SPMC does not speak FF-A v1.2");
  const ffa::Regs id = call(ffa::Regs{{ffa::raw(Func::id_get)}});
  if (!ffa::is_success(id)) fail("FFA_ID_GET refused");
  g_self = ffa::EndpointId(static_cast<uint16_t>(id.w(2)));
  const ffa::Regs rxtx = call(ffa::Regs{{ffa::raw(Func::rxtx_map_64), reinterpret_cast<uint64_t>(g_tx),
                                         reinterpret_cast<uint64_t>(g_rx), 1}});
  if (!ffa::is_success(rxtx)) fail("FFA_RXTX_MAP refused: the trusted OS needs its RX/TX pair for shared memory");
  const ffa::Regs ep = call(ffa::Regs{{ffa::raw(Func::secondary_ep_register_64),
                                       reinterpret_cast<uint64_t>(&sel1_sp_secondary_entry)}});
  // NOT_SUPPORTED: its manifest made it UP, one context for every CPU.
  // Anything else would leave an MP partition's other contexts no entry.
  if (!ffa::is_success(ep) && !(ffa::is_error(ep) && ffa::error_of(ep) == ffa::Error::not_supported))
    fail("FFA_SECONDARY_EP_REGISTER refused: the other execution contexts would have no entry");

  static StageOneMapper mapper(tables);
  static FfaMemoryClient memory(&arch_smc, lib::MutableByteView(g_tx, sizeof g_tx), lib::ByteView(g_rx, sizeof g_rx),
                                mapper, ffa::kVersion1_2);
  static FfaNotifications notifications;
  static OpteeEndpoint optee(TESSERA_BUILD_ID, &sel1_fp_clobber);
  optee.attach_memory(memory, g_self);
  secure_timer().init(notifications, g_self);
  optee.attach_device(secure_timer());
  optee.attach_threads(threads());
  static FfaAsyncSignal async_signal(notifications, g_self);
  static optee::AsyncNotif async(async_signal);
  optee.attach_async(async);
  ta_host().init(lib::ByteView(reinterpret_cast<const uint8_t*>(plat::kTaStoreBase),
                               plat::kTaStoreEnd - plat::kTaStoreBase),
                 g_self, &tables);
  optee.attach_tas(ta_host());
  ta_host().attach_rpc(optee);
  lib::log::info("trusted OS {:x} ready as an S-EL1 partition (OP-TEE's FF-A ABI, {} threads)", g_self.raw(),
                 Threads::kCount);
  __atomic_store_n(&g_endpoint, &optee, __ATOMIC_RELEASE);
  serve(optee);
}

extern "C" [[noreturn]] void sel1_sp_secondary_main(uint64_t vcpu) {
  using namespace sel1;
  mmu_enable_this_cpu();
  OpteeEndpoint* endpoint = __atomic_load_n(&g_endpoint, __ATOMIC_ACQUIRE);
  if (!endpoint) fail("a secondary execution context started before context 0 was ready");
  (void)vcpu;
  serve(*endpoint);
}

extern "C" [[noreturn]] void sel1_unexpected_exception(uint64_t kind, uint64_t esr, uint64_t elr, uint64_t far) {
  lib::log::error("unexpected exception in the trusted OS partition: vector {} ESR {:x} ELR {:x} FAR {:x}", kind, esr,
                  elr, far);
  lib::panic("trusted OS fault");
}

namespace lib {
// A partition cannot power the machine off (its PSCI calls are refused):
// it stops by faulting at stage 2, which the SPMC turns into an aborted
// partition (its callers get FFA_ERROR(ABORTED)). With the MMU off, a load
// from the monitor's memory, which no partition's stage 2 maps. The
// trusted OS's lock is let go first: another context waiting for it then
// runs on to its next FF-A call (or exit), where the SPMC stops it too,
// rather than spinning for ever with the normal world's interrupts held.
void panic(const char* why) {
  lib::log::error("PANIC: {}", why);
  __asm__ volatile("msr daifset, #0xf" ::: "memory");
  arch::spin_release(&sel1::lock_detail::g_tos_word);
  TESSERA_SYSREG_WRITE(sctlr_el1, TESSERA_SYSREG_READ(sctlr_el1) & ~1ull);
  __asm__ volatile("isb" ::: "memory");
  (void)*reinterpret_cast<volatile uint64_t*>(plat::kEl3Base);
  for (;;) __asm__ volatile("wfi");
}
}  // namespace lib
