// The trusted OS's front end for the classic OP-TEE SMC ABI (Linux's
// drivers/tee/optee/optee_smc.h and optee_msg.h), used in the `optee-smc`
// configuration where no FF-A runs: the normal world's driver calls the
// trusted OS by SMC and the monitor's OP-TEE dispatcher (src/el3/opteed.cpp)
// hands each call over in x0-x7. The answer is a0-a3.
//
// Portable: no system register, no mapping. The normal world's memory is
// reached through NsMemory, and only after every byte of a range was found
// in the normal world's DRAM (the ranges given at construction; any range
// that touches secure RAM is dropped there). Everything the normal world
// passes is hostile until checked: function IDs, physical addresses,
// page lists (every entry page-aligned and in its DRAM), registered
// shared-memory cookies, argument sizes and parameter counts.
//
// Memory references become optee::MemrefPages for the TA host:
//   TMEM (physical): contiguous [buf_ptr, buf_ptr + size), or with
//        OPTEE_MSG_ATTR_NONCONTIG a page list at buf_ptr (its low 12 bits
//        are the offset into the first page); buf_ptr 0 is a null memref.
//   RMEM (registered): { offs, size, shm_ref } within a buffer registered
//        with OPTEE_MSG_CMD_REGISTER_SHM (a TMEM page list).
// Calls to TAs (OPEN_SESSION, INVOKE_COMMAND, CLOSE_SESSION) run in a
// trusted OS thread: a normal-world interrupt suspends it and the call
// answers OPTEE_SMC_RETURN_RPC_FOREIGN_INTR with the thread in a3;
// OPTEE_SMC_CALL_RETURN_FROM_RPC (a3 the thread) resumes it.
//
// RPC (optee::RpcService, for the TA host's storage, wait queues, time):
// EXCHANGE_CAPABILITIES offers OPTEE_SMC_SEC_CAP_RPC_ARG with room for
// kRpcMaxParams parameters, so Linux calls with CALL_WITH_RPC_ARG or
// CALL_WITH_REGD_ARG and leaves room for an RPC argument right after the
// call's own. A thread's rpc() writes its request there, the call answers
// OPTEE_SMC_RETURN_RPC_CMD (a3 the thread), Linux carries it out and
// resumes with OPTEE_SMC_CALL_RETURN_FROM_RPC; the answer is copied out
// once and checked. rpc_alloc asks OPTEE_RPC_CMD_SHM_ALLOC (APPL) and
// takes the answered TMEM_OUTPUT (contiguous, or a NONCONTIG page list)
// only when every page is the normal world's DRAM; the buffer is mapped
// (NsMemory::map_runs) until rpc_free, which sends SHM_FREE with the
// shm_ref Linux gave. References to it in requests are RMEM { offs, size,
// shm_ref }, as OP-TEE sends them: only ever Linux's own shm_ref.
#pragma once

#include <cstdint>

#include "ffa/core_manifest.h"
#include "ffa/mem_transaction.h"
#include "lib/bytes.h"
#include "optee/async_notif.h"
#include "optee/msg_arg.h"
#include "optee/rpc_service.h"
#include "optee/ta_service.h"
#include "sel1/thread_service.h"

namespace sel1 {

namespace optee_smc {
// Function IDs: SMC32, owner "trusted OS" (50) or its last owner (63) for
// the SMCCC-generic calls. Fast calls 0xB2..../0xBF...., yielding 0x32.....
inline constexpr uint32_t kCallsCount = 0xBF00FF00, kCallsUid = 0xBF00FF01, kCallsRevision = 0xBF00FF03;
inline constexpr uint32_t kGetOsUuid = 0xB2000000, kGetOsRevision = 0xB2000001;
inline constexpr uint32_t kGetShmConfig = 0xB2000007, kExchangeCapabilities = 0xB2000009;
inline constexpr uint32_t kDisableShmCache = 0xB200000A, kEnableShmCache = 0xB200000B;
inline constexpr uint32_t kGetThreadCount = 0xB200000F;
inline constexpr uint32_t kEnableAsyncNotif = 0xB2000010, kGetAsyncNotifValue = 0xB2000011;
inline constexpr uint32_t kReturnFromRpc = 0x32000003, kCallWithArg = 0x32000004;
inline constexpr uint32_t kCallWithRpcArg = 0x32000012, kCallWithRegdArg = 0x32000013;
// OPTEE_SMC_RETURN_*.
inline constexpr uint64_t kOk = 0, kEthreadLimit = 1, kEbusy = 2, kEresume = 3, kEbadaddr = 4, kEbadcmd = 5,
                          kEnomem = 6, kEnotavail = 7, kUnknownFunction = 0xFFFFFFFF;
// OPTEE_SMC_RETURN_RPC_*: a0 of an answer that asks the normal world for
// something and is then resumed with OPTEE_SMC_CALL_RETURN_FROM_RPC. Only
// FOREIGN_INTR and CMD (with the request in the RPC argument) are sent:
// ALLOC/FREE (kernel memory for an RPC argument) are never needed.
inline constexpr uint64_t kRpcAlloc = 0xFFFF0000, kRpcFree = 0xFFFF0002, kRpcForeignIntr = 0xFFFF0004,
                          kRpcCmd = 0xFFFF0005;
// OPTEE_SMC_SEC_CAP_*.
inline constexpr uint64_t kSecCapHaveReservedShm = 1u << 0, kSecCapUnregisteredShm = 1u << 1,
                          kSecCapDynamicShm = 1u << 2, kSecCapMemrefNull = 1u << 4, kSecCapAsyncNotif = 1u << 5,
                          kSecCapRpcArg = 1u << 6;
// What this trusted OS offers: dynamic shared memory (Linux registers its
// buffers page by page), null memory references, and an RPC argument
// after each call's argument (with kRpcArgParams parameters: a3 of
// EXCHANGE_CAPABILITIES).
// Asynchronous notifications (kSecCapAsyncNotif) are offered where there
// are some (attach_async): then a2 is the highest notification value the
// driver must accept, kMaxNotifValue (Linux's default; wait-queue keys are
// 1-255, 0 is the bottom half).
inline constexpr uint64_t kOfferedCaps = kSecCapDynamicShm | kSecCapMemrefNull | kSecCapRpcArg;
inline constexpr uint64_t kMaxNotifValue = 255;
// GET_ASYNC_NOTIF_VALUE's a2: a1 is a value, another one is pending.
inline constexpr uint64_t kAsyncValueValid = 1u << 0, kAsyncValuePending = 1u << 1;
inline constexpr uint64_t kRpcArgParams = optee::kRpcMaxParams;
// OPTEE_MSG_UID_* and OPTEE_MSG_OS_OPTEE_UUID_*; API revision 2.0.
inline constexpr uint32_t kApiUid[4] = {0x384fb3e0, 0xe7f811e3, 0xaf630002, 0xa5d5c51b};
inline constexpr uint32_t kOsUuid[4] = {0x486178e0, 0xe7f811e3, 0xbc5e0002, 0xa5d5c51b};
inline constexpr uint32_t kApiMajor = 2, kApiMinor = 0;
// OPTEE_MSG_CMD_* beyond the four GP commands.
inline constexpr uint32_t kCmdRegisterShm = 4, kCmdUnregisterShm = 5;
// OPTEE_MSG_ATTR_*: TMEM types, NONCONTIG, the cache field.
inline constexpr uint64_t kAttrTmemInput = 9, kAttrTmemOutput = 10, kAttrTmemInout = 11;
inline constexpr uint64_t kAttrNoncontig = 1u << 9, kAttrCacheMask = 7ull << 16;
inline constexpr uint64_t kPageSize = 4096;
}  // namespace optee_smc

// The normal world's memory as the trusted OS reaches it. Called only for
// ranges OpteeSmcAbi has checked lie in the normal world's DRAM.
class NsMemory {
 public:
  virtual lib::MutableByteView bytes(uint64_t pa, uint64_t len) = 0;
  // Checked runs of whole pages as one buffer (an RPC allocation): where
  // it starts, or nullptr when they cannot be mapped so. By default only
  // one run can (it is reached where bytes() reaches it).
  virtual uint8_t* map_runs(const ffa::MemConstituent* runs, unsigned count) {
    if (count != 1) return nullptr;
    return bytes(runs[0].address, uint64_t{runs[0].pages} * optee_smc::kPageSize).data();
  }
  virtual void unmap_runs(const ffa::MemConstituent* runs, unsigned count, uint8_t* va) {
    (void)runs;
    (void)count;
    (void)va;
  }

 protected:
  ~NsMemory() = default;
};

class OpteeSmcAbi final : public optee::RpcService {
 public:
  static constexpr unsigned kMaxThreads = 4;
  // Buffers registered at once (Linux registers every TEE buffer).
  static constexpr unsigned kMaxShm = 64;
  // One registration: its pages in at most this many contiguous runs.
  static constexpr unsigned kMaxShmRanges = optee::MemrefPages::kMaxRanges;
  // The longest page list read (64 MiB): bounds the work of one call.
  static constexpr uint64_t kMaxListPages = 16384;
  static constexpr unsigned kMaxNsRanges = 4;
  // RPC allocations held at once (all threads).
  static constexpr unsigned kMaxRpcBuffers = 8;

  OpteeSmcAbi(uint32_t build_id, NsMemory& memory, const ffa::MemRange* ns, unsigned ns_count);
  void attach_threads(ThreadService& threads) { threads_ = &threads; }
  void attach_tas(optee::TaService& tas) { tas_ = &tas; }
  // OP-TEE's asynchronous notifications: offered once attached.
  void attach_async(optee::AsyncNotif& async) { async_ = &async; }

  // One call: `in` the normal world's x0-x7, `out` its a0-a3 (registers
  // the ABI says are preserved come back as they went in).
  void handle(const uint64_t in[8], uint64_t out[4]);

  // [pa, pa + len) lies entirely in one of the normal world's DRAM ranges
  // (len 0: pa itself does). Overflow-safe.
  bool is_ns(uint64_t pa, uint64_t len) const;
  // The `pages` pages of the non-contiguous list at `list_pa` (OP-TEE's
  // layout: 511 page addresses and the next list page's address in each
  // 4 KiB list page), merged into contiguous runs. False when a list page
  // or an entry is not a page-aligned page of normal-world DRAM, or more
  // than `max` runs (or kMaxListPages pages) are needed.
  bool read_page_list(uint64_t list_pa, uint64_t pages, ffa::MemConstituent* out, unsigned max,
                      unsigned& count);
  unsigned registered_count() const;
  unsigned rpc_buffer_count() const;

  // optee::RpcService: from inside a call's thread.
  bool rpc(optee::RpcMsg& msg) override;
  bool rpc_alloc(uint64_t size, optee::RpcBuffer& out) override;
  void rpc_free(const optee::RpcBuffer& buffer) override;
  optee::MsgParam null_memref(uint64_t attr) const override { return optee::MsgParam{attr, 0, 0, 0}; }

 private:
  struct Shm {
    bool used;
    uint64_t cookie;
    uint32_t in_page;  // the buffer's offset in its first page
    uint64_t size;
    unsigned count;
    ffa::MemConstituent ranges[kMaxShmRanges];
  };
  // A yielding call to a TA, in a thread.
  struct Call {
    OpteeSmcAbi* self;
    uint64_t arg_pa, arg_len;  // where its argument lives (checked) and how much of it
    optee::MsgArg request, answer;
    optee::CallParams params;
    uint64_t cookies[4];  // the registered buffers its references use (0: none)
    uint64_t arg_cookie;  // CALL_WITH_REGD_ARG: the registered buffer holding the argument (0: none)
    uint64_t rpc_pa;      // where its RPC argument goes (checked; 0: no room was given)
  };
  // Memory an RPC allocated, mapped for the trusted OS until rpc_free.
  struct RpcAlloc {
    bool used;
    unsigned thread;
    uint64_t shm_ref;
    uint8_t* va;
    unsigned count;
    ffa::MemConstituent runs[kMaxShmRanges];
  };

  void fast_call(uint32_t fid, const uint64_t in[8], uint64_t out[4]);
  void call_with_arg(uint32_t fid, const uint64_t in[8], uint64_t out[4]);
  void return_from_rpc(const uint64_t in[8], uint64_t out[4]);
  // Where the argument is: a physical address, or an offset in a
  // registered buffer (REGD_ARG). The contiguous bytes from there that are
  // the normal world's, at most one full argument.
  bool locate_arg(uint32_t fid, const uint64_t in[8], uint64_t& pa, uint64_t& len);
  // `offs` bytes into registered buffer `s`: the physical address and how
  // many contiguous bytes of the buffer follow it in the same run.
  static bool locate_in_shm(const Shm& s, uint64_t offs, uint64_t& pa, uint64_t& len);
  // Where the RPC argument of a call goes (0: nowhere), from where its
  // argument is and its parameter count.
  uint64_t locate_rpc_arg(uint32_t fid, const uint64_t in[8], uint64_t pa, uint32_t num_params);
  void release_rpc_buffer(RpcAlloc& b);
  Shm* find_shm(uint64_t cookie);
  // The client's parameters [first, num_params) into c.params (values,
  // and memory references resolved to pages); a GP error otherwise.
  uint32_t resolve_params(const optee::MsgArg& a, unsigned first, Call& c);
  uint32_t resolve_memref(const optee::MsgParam& m, unsigned i, Call& c);
  void register_shm(optee::MsgArg& a);
  void unregister_shm(optee::MsgArg& a);
  static void call_work(void* call);
  void run_command(Call& c);
  void answer(unsigned t, bool done, uint64_t out[4]);
  void finish(Call& c);

  uint32_t build_id_;
  NsMemory& memory_;
  ffa::MemRange ns_[kMaxNsRanges] = {};
  unsigned ns_count_ = 0;
  ThreadService* threads_ = nullptr;
  optee::TaService* tas_ = nullptr;
  optee::AsyncNotif* async_ = nullptr;
  Call calls_[kMaxThreads] = {};
  Shm shm_[kMaxShm] = {};
  RpcAlloc rpc_bufs_[kMaxRpcBuffers] = {};
};

}  // namespace sel1
