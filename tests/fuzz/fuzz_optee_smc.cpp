// The trusted OS's OP-TEE SMC front end (src/sel1/optee_smc_abi.h) fed
// sequences of hostile calls: function IDs, argument addresses and cookies
// biased towards the normal world's (small) DRAM and its edges, its memory
// rewritten between calls, threads that an "interrupt" suspends at random.
// Checks:
//  - the front end reads and writes only the normal world's DRAM;
//  - every page a TA is handed is page-aligned normal-world DRAM;
//  - a fast call never reaches the TA host; a suspended call is named by a
//    thread that exists;
//  - asynchronous notifications: a value is handed out, and a bottom half
//    runs, only while they are enabled.
#include <cstring>
#include <new>

#include "arch/fake/fake_threads.h"
#include "fuzz_check.h"
#include "fuzz_input.h"
#include "sel1/optee_smc_abi.h"

namespace {

constexpr uint64_t kDram = 0x40000000, kDramSize = 16 * 4096;

struct Dram final : sel1::NsMemory {
  uint8_t bytes_[kDramSize];
  lib::MutableByteView bytes(uint64_t pa, uint64_t len) override {
    FUZZ_CHECK(pa >= kDram && len <= kDramSize && pa - kDram <= kDramSize - len);
    return lib::MutableByteView(bytes_ + (pa - kDram), len);
  }
};

// Threads whose work the input stops "by an interrupt" (one bit per run).
struct Threads final : fake::FakeThreads<4> {
  FuzzInput* in = nullptr;
  Threads() { misuse = [](const char*) { FUZZ_CHECK(false); }; }
  bool suspend_now() override { return in->byte() & 1; }
};

struct Tas final : optee::TaService {
  void check(const optee::CallParams& p) {
    for (const optee::MemrefPages& m : p.pages) {
      FUZZ_CHECK(m.count <= optee::MemrefPages::kMaxRanges);
      for (unsigned r = 0; r < m.count; ++r) {
        const ffa::MemConstituent& c = m.ranges[r];
        FUZZ_CHECK((c.address & 0xFFF) == 0);
        FUZZ_CHECK(c.address >= kDram && c.pages <= kDramSize / 4096 &&
                   c.address - kDram + uint64_t{c.pages} * 4096 <= kDramSize);
      }
    }
  }
  uint32_t open_session(const optee::Client&, const optee::TaUuid&, optee::CallParams& p, uint32_t,
                        uint32_t& session, uint32_t& origin) override {
    check(p);
    session = 1;
    origin = 4;
    return 0;
  }
  uint32_t invoke(const optee::Client&, uint32_t, uint32_t, optee::CallParams& p, uint32_t,
                  uint32_t& origin) override {
    check(p);
    p.params.p[1].size += 1;
    origin = 4;
    return 0;
  }
  uint32_t close_session(const optee::Client&, uint32_t, uint32_t& origin) override {
    origin = 3;
    return 0;
  }
  void cancel(const optee::CallId&) override {}
};

struct Interrupt final : optee::AsyncNotif::Signal {
  bool raise(uint16_t owner, uint32_t value) override {
    FUZZ_CHECK(owner == 0 && value == 0);
    return true;
  }
};
optee::AsyncNotif* g_async = nullptr;
void bottom_half(void*) { FUZZ_CHECK(g_async->enabled()); }

constexpr uint32_t kIds[] = {sel1::optee_smc::kCallsUid,           sel1::optee_smc::kExchangeCapabilities,
                             sel1::optee_smc::kCallWithArg,        sel1::optee_smc::kCallWithRpcArg,
                             sel1::optee_smc::kCallWithRegdArg,    sel1::optee_smc::kReturnFromRpc,
                             sel1::optee_smc::kDisableShmCache,    sel1::optee_smc::kGetOsRevision,
                             sel1::optee_smc::kEnableAsyncNotif,   sel1::optee_smc::kGetAsyncNotifValue};

// An address: anywhere, or near the DRAM and its edges.
uint64_t address(FuzzInput& in) {
  switch (in.byte() & 3) {
    case 0: return in.word();
    case 1: return kDram + in.bytes(2);
    case 2: return kDram + kDramSize - in.bytes(1);
    default: return kDram - in.bytes(1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in{data, size};
  static Dram dram;
  std::memset(dram.bytes_, 0, sizeof dram.bytes_);
  // The first bytes seed the DRAM (arguments, page lists) at its start.
  const size_t seed = in.bytes(2) % 2048;
  for (size_t i = 0; i < seed && !in.empty(); ++i) dram.bytes_[i] = in.byte();
  static constexpr ffa::MemRange kRanges[1] = {{kDram, kDramSize}};
  static sel1::OpteeSmcAbi* abi = nullptr;
  alignas(sel1::OpteeSmcAbi) static uint8_t storage[sizeof(sel1::OpteeSmcAbi)];
  abi = new (storage) sel1::OpteeSmcAbi(1, dram, kRanges, 1);  // afresh for every input
  Threads threads;
  threads.in = &in;
  Tas tas;
  abi->attach_threads(threads);
  abi->attach_tas(tas);
  Interrupt interrupt;
  optee::AsyncNotif async(interrupt);
  g_async = &async;
  FUZZ_CHECK(async.add_driver(&bottom_half, nullptr));
  abi->attach_async(async);
  for (unsigned calls = 0; calls < 32 && !in.empty(); ++calls) {
    uint64_t regs[8] = {};
    const uint8_t pick = in.byte();
    regs[0] = pick < 0xF0 ? kIds[pick % (sizeof kIds / sizeof kIds[0])] : in.word();
    const uint64_t pa = address(in);
    regs[1] = pa >> 32;
    regs[2] = pa & 0xFFFFFFFF;
    regs[3] = in.byte() & 0x80 ? in.word() : in.bytes(1);  // a thread, an offset
    if (regs[0] == sel1::optee_smc::kCallWithRegdArg) {
      regs[1] = 0;
      regs[2] = in.bytes(1);  // a small cookie: the ones page lists register
    }
    uint64_t out[4];
    abi->handle(regs, out);
    if (out[0] == sel1::optee_smc::kRpcForeignIntr) FUZZ_CHECK(threads.suspended(static_cast<unsigned>(out[3])));
    if (regs[0] == sel1::optee_smc::kGetAsyncNotifValue && out[0] == sel1::optee_smc::kOk && (out[2] & 1))
      FUZZ_CHECK(async.enabled() && out[1] == 0);
    // The normal world rewrites some of its memory.
    for (unsigned w = in.byte() & 7; w > 0; --w) dram.bytes_[in.bytes(2) % kDramSize] = in.byte();
  }
  return 0;
}
