// The S-EL1 side of the OP-TEE SMC configuration: the normal world's DRAM
// mapped for the SMC front end, the TA host and the threads attached, then
// each CPU's service loop. Every SMC it makes carries an answer to the
// monitor and returns with the next call (optee/opteed.h).
#include "sel1/optee_smc_entry.h"

#include "arch/aarch64/conduit.h"
#include "arch/aarch64/gicv3.h"
#include "arch/aarch64/spinlock.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "optee/opteed.h"
#include "plat/qemu_virt/memory_map.h"
#include "sel1/mmu.h"
#include "sel1/async_signals.h"
#include "sel1/optee_smc_abi.h"
#include "sel1/placement.h"
#include "sel1/ta_host.h"
#include "sel1/threads.h"

#ifndef TESSERA_BUILD_ID
#define TESSERA_BUILD_ID 0
#endif

namespace sel1 {
namespace {

namespace opteed = optee::opteed;
static_assert(Threads::kCount <= OpteeSmcAbi::kMaxThreads, "every thread needs a call record");

// The normal world's DRAM, mapped at VA = PA (not global: TAs map normal-
// world pages at the same VAs under their own ASIDs). Scattered pages an
// RPC allocated are mapped back to back in one of the placement's windows.
class MappedNsMemory final : public NsMemory {
 public:
  explicit MappedNsMemory(Sel1Placement& placement) : placement_(placement) {}
  lib::MutableByteView bytes(uint64_t pa, uint64_t len) override {
    return lib::MutableByteView(reinterpret_cast<uint8_t*>(pa), len);
  }
  uint8_t* map_runs(const ffa::MemConstituent* runs, unsigned count) override {
    if (count == 1) return reinterpret_cast<uint8_t*>(runs[0].address);
    auto va = placement_.map_ns_ranges(runs, count);
    return va ? *va : nullptr;
  }
  void unmap_runs(const ffa::MemConstituent* runs, unsigned count, uint8_t* va) override {
    if (count > 1) placement_.unmap_ns_ranges(runs, count, va);
  }

 private:
  Sel1Placement& placement_;
};

constinit OpteeSmcAbi* g_abi = nullptr;

// One lock for the front end, the TA host and the threads: taken when a
// call arrives, released before the answer goes back (a thread an
// interrupt suspended gives it up with its answer).
constinit volatile uint32_t g_lock = 0;
void lock() { arch::spin_acquire(&g_lock); }
void unlock() { arch::spin_release(&g_lock); }

}  // namespace

bool GicAsyncSignal::raise(uint16_t, uint32_t) {
  arch::gicv3::set_spi_pending(kAsyncNotifIntid);
  return true;
}

namespace {

[[noreturn]] void fail(const char* what) {
  lib::log::error("{}", what);
  ffa::Regs r{{opteed::kReturnEntryDone, 1}};
  arch_smc(&r);
  lib::panic("the monitor resumed a trusted OS that failed to start");
}

[[noreturn]] void serve(OpteeSmcAbi& abi, uint32_t ready) {
  ffa::Regs r{{ready, 0}};
  for (;;) {
    arch_smc(&r);  // returns with the normal world's x0-x7
    uint64_t out[4];
    lock();
    abi.handle(r.x, out);
    unlock();
    r = ffa::Regs{{opteed::kReturnCallDone, out[0], out[1], out[2], out[3]}};
  }
}

}  // namespace

void optee_smc_main(const ffa::CoreManifest& manifest, arch::mmu::PageTable& tables) {
  if (manifest.ns_memory_count == 0) fail("SPMC manifest names no ns-memory: no normal-world memory to share");
  for (unsigned i = 0; i < manifest.ns_memory_count; ++i) {
    const ffa::MemRange& r = manifest.ns_memory[i];
    auto s = tables.map(r.base, r.base, r.size,
                        arch::mmu::Attrs{.type = arch::mmu::MemType::normal, .write = true, .ns = true,
                                         .global = false});
    if (!s) {
      lib::log::error("normal-world memory {:x} (+{:x}): {}", r.base, r.size, arch::mmu::to_string(s.error()));
      fail("cannot map the normal world's memory");
    }
  }
  constexpr arch::gicv3::Layout gic{plat::kGicdBase, plat::kGicrBase, plat::kMaxCpus};
  arch::gicv3::init_distributor(gic);
  if (!arch::gicv3::init_redistributor(gic)) fail("no GIC redistributor for this CPU");
  arch::gicv3::init_cpu_interface();

  static Sel1Placement placement(tables, manifest);
  static MappedNsMemory memory(placement);
  // Not in the BSS: its tables (about 90 KiB) would be cleared at every
  // boot of every configuration; the constructor clears them here, in
  // this one.
  [[gnu::section(".noinit")]] static OpteeSmcAbi abi(TESSERA_BUILD_ID, memory, manifest.ns_memory,
                                                     manifest.ns_memory_count);
  abi.attach_threads(threads());
  ta_host().init(lib::ByteView(reinterpret_cast<const uint8_t*>(plat::kTaStoreBase),
                               plat::kTaStoreEnd - plat::kTaStoreBase),
                 manifest.trusted_os_id, &tables);
  abi.attach_tas(ta_host());
  static GicAsyncSignal async_signal;
  static optee::AsyncNotif async(async_signal);
  abi.attach_async(async);
  ta_host().attach_rpc(abi);  // storage, wait queues, TEE_Wait and time, over OPTEE_SMC_RETURN_RPC_CMD
  lib::log::info("trusted OS ready: OP-TEE SMC ABI {}.{}, {} threads, no FF-A", optee_smc::kApiMajor,
                 optee_smc::kApiMinor, OpteeSmcAbi::kMaxThreads);
  __atomic_store_n(&g_abi, &abi, __ATOMIC_RELEASE);
  serve(abi, opteed::kReturnEntryDone);
}

void optee_smc_secondary(uint64_t cpu) {
  mmu_enable_this_cpu();
  constexpr arch::gicv3::Layout gic{plat::kGicdBase, plat::kGicrBase, plat::kMaxCpus};
  if (!arch::gicv3::init_redistributor(gic)) fail("no GIC redistributor for this CPU");
  arch::gicv3::init_cpu_interface();
  OpteeSmcAbi* abi = __atomic_load_n(&g_abi, __ATOMIC_ACQUIRE);
  if (!abi) fail("a secondary CPU arrived before the trusted OS was ready");
  lib::log::info("CPU {} ready", cpu);
  serve(*abi, opteed::kReturnOnDone);
}

}  // namespace sel1
