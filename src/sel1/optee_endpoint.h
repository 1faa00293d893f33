// The trusted OS as an FF-A endpoint speaking OP-TEE's FF-A ABI
// (optee_ffa.h): a normal-world client written for OP-TEE finds it by
// OP-TEE's UUID and identifies it with these messages. The message ID is w3.
//
// Yielding calls carry their argument (struct optee_msg_arg, optee_msg.h)
// in memory the normal world shared with the trusted OS: w4/w5 the
// FFA_MEM_SHARE handle, w6 the offset. The trusted OS retrieves the memory
// on first use and keeps it until OPTEE_FFA_UNREGISTER_SHM, as OP-TEE does.
// Only the handle's lender may name it in either message; to any other
// sender the handle does not exist (INVALID_PARAMETERS).
#pragma once

#include <cstdint>

#include "ffa/ids.h"
#include "optee/async_notif.h"
#include "optee/msg_arg.h"
#include "optee/rpc_service.h"
#include "optee/ta_service.h"
#include "sel1/thread_service.h"
#include "spmc/endpoint.h"

namespace sel1 {

namespace optee_msg {
inline constexpr uint32_t get_api_version = 0;
inline constexpr uint32_t get_os_version = 1;
inline constexpr uint32_t exchange_capabilities = 2;
inline constexpr uint32_t unregister_shm = 3;
inline constexpr uint32_t enable_async_notif = 5;
inline constexpr uint32_t yielding_call_with_arg = 0x80000000;
inline constexpr uint32_t yielding_call_resume = 0x80000001;
}  // namespace optee_msg

// The commands of struct optee_msg_arg (OPTEE_MSG_CMD_*).
namespace optee_cmd {
inline constexpr uint32_t open_session = 0;
inline constexpr uint32_t invoke_command = 1;
inline constexpr uint32_t close_session = 2;
inline constexpr uint32_t cancel = 3;
inline constexpr uint32_t do_bottom_half = 6;
inline constexpr uint32_t stop_async_notif = 7;
}  // namespace optee_cmd

// FF-A status codes in w3 of OP-TEE's answers (0 is success).
inline constexpr uint32_t kFfaInvalidParameters = 0xFFFFFFFE;
inline constexpr uint32_t kFfaNoMemory = 0xFFFFFFFD;
inline constexpr uint32_t kFfaDenied = 0xFFFFFFFA;
// GlobalPlatform results written to optee_msg_arg.ret, and their origin.
inline constexpr uint32_t kTeeErrorItemNotFound = 0xFFFF0008;
inline constexpr uint32_t kTeeErrorNotImplemented = 0xFFFF0009;
inline constexpr uint32_t kTeeOriginTee = 3;
inline constexpr uint32_t kTeeErrorTargetDead = 0xFFFF3024;
inline constexpr uint32_t kTeeErrorOutOfMemory = 0xFFFF000C;
inline constexpr uint32_t kTeeOriginComms = optee::kTeeOriginComms;
inline constexpr uint32_t kTeeErrorCommunication = optee::kTeeErrorCommunication;

// OP-TEE's FF-A ABI version (OPTEE_FFA_VERSION_MAJOR/MINOR).
inline constexpr uint32_t kOpteeFfaApiMajor = 1;
inline constexpr uint32_t kOpteeFfaApiMinor = 0;
// Tessera's own version, reported by GET_OS_VERSION.
inline constexpr uint32_t kOsVersionMajor = 0;
inline constexpr uint32_t kOsVersionMinor = 1;
// Tessera's diagnostic message (not part of OP-TEE's ABI): the trusted OS
// fills its FP/SIMD registers with w4-derived values, so that the normal
// world can check its own FP/SIMD state survives (see docs/abi-support.md).
inline constexpr uint32_t kTesseraFpSelfTest = 0xFFFF5446;
// TEE_ERROR_BAD_PARAMETERS, OP-TEE's answer to an unknown message.
inline constexpr uint32_t kTeeErrorBadParameters = 0xFFFF0006;
inline constexpr uint32_t kTeeErrorNotSupported = 0xFFFF000A;
// EXCHANGE_CAPABILITIES: w4[7:0] RPC parameter count, w5 capability bits,
// w6 the highest notification value (0: Linux's default, 255).
inline constexpr uint32_t kSecCapArgOffset = 1u << 0;
inline constexpr uint32_t kSecCapAsyncNotif = 1u << 1;

// Tessera's secure-device messages (not OP-TEE's ABI): arm the secure
// timer (w4 ticks, w5/w6 the notification IDs the caller bound to us for
// it; answer w3 = 0 or an FF-A status) and its bottom half (answer w3 = 0,
// w4 = new events, w5 = all events, w6 = the last interrupt's latency in
// counter ticks). Armed with no notification IDs (w5 = w6 = 0), the timer
// asks for OP-TEE's bottom half instead (OPTEE_FFA_ENABLE_ASYNC_NOTIF must
// be on): the normal world's OPTEE_MSG_CMD_DO_BOTTOM_HALF takes the events.
inline constexpr uint32_t kTesseraTimerArm = 0xFFFF5354;
inline constexpr uint32_t kTesseraTimerBottomHalf = 0xFFFF4248;
// Tessera's long yielding call (not OP-TEE's ABI, but OP-TEE's yielding
// protocol): spin w4 rounds of a linear congruential step from the seed
// w5 | w6 << 32, in a thread the normal world's interrupts can stop. The
// answer is OP-TEE's: w3 = 0, w4 = OPTEE_FFA_YIELDING_CALL_RETURN_DONE
// with the result in w5 (low) and w6 (high), or
// OPTEE_FFA_YIELDING_CALL_RETURN_INTERRUPT with w7 = the thread, which
// OPTEE_FFA_YIELDING_CALL_RESUME (w7 = the thread) continues; w3 =
// TEE_ERROR_BUSY when every thread is suspended.
inline constexpr uint32_t kTesseraSpin = 0xFFFF5350;
inline constexpr uint32_t kYieldingReturnDone = 0;
inline constexpr uint32_t kYieldingReturnRpc = 1;
inline constexpr uint32_t kYieldingReturnInterrupt = 2;
inline constexpr uint32_t kTeeErrorBusy = 0xFFFF000D;

// A device the trusted OS drives for the normal world.
class DeviceService {
 public:
  virtual uint32_t arm(uint64_t ticks, ffa::EndpointId receiver, uint64_t ids) = 0;
  virtual void bottom_half(uint64_t out[3]) = 0;
  // OP-TEE's asynchronous notifications, for events armed without IDs.
  virtual void attach_async(optee::AsyncNotif& async) = 0;

 protected:
  ~DeviceService() = default;
};

// kTesseraSpin's work in a thread: its input, then its result.
struct SpinJob {
  uint64_t rounds, value;
  ThreadService* threads;  // for its preemption points
};

class OpteeEndpoint final : public spmc::LocalEndpoint, public optee::RpcService {
 public:
  // `fp_clobber` runs the FP self-test; null where there is none (host).
  explicit OpteeEndpoint(uint32_t build_id, void (*fp_clobber)(uint64_t) = nullptr)
      : build_id_(build_id), fp_clobber_(fp_clobber) {}
  void on_direct_request(const spmc::DirectMessage& request, spmc::DirectMessage& response) override;
  // Where shared memory comes from (the SPMC core), and our endpoint ID.
  void attach_memory(spmc::LocalMemory& memory, ffa::EndpointId self) {
    memory_ = &memory;
    self_ = self;
  }
  void attach_device(DeviceService& device) {
    device_ = &device;
    if (async_) device_->attach_async(*async_);
  }
  void attach_threads(ThreadService& threads) { threads_ = &threads; }
  // OP-TEE's asynchronous notifications (optee/async_notif.h); without
  // them EXCHANGE_CAPABILITIES does not offer OPTEE_FFA_SEC_CAP_ASYNC_NOTIF.
  void attach_async(optee::AsyncNotif& async) {
    async_ = &async;
    if (device_) device_->attach_async(async);
  }
  // Who hosts Trusted Applications; without one, no TA is found.
  void attach_tas(optee::TaService& tas) { tas_ = &tas; }
  // RpcService (optee_rpc.cpp), for the TA host's storage.
  bool rpc(optee::RpcMsg& msg) override;
  bool rpc_alloc(uint64_t size, optee::RpcBuffer& out) override;
  void rpc_free(const optee::RpcBuffer& buffer) override;
  // The trusted OS's threads (sel1::Threads::kCount): each carries one call.
  static constexpr unsigned kMaxThreads = 4;
  // Shared buffers the trusted OS holds at once (OP-TEE's registered
  // shared memory): Linux registers every TEE buffer separately.
  static constexpr unsigned kMaxShm = 64;

 private:
  // optee_shm_calls.cpp. `caller` is the request's sender.
  void yielding_call_with_arg(ffa::EndpointId caller, const uint64_t* in, uint64_t* out);
  void unregister_shm(ffa::EndpointId caller, const uint64_t* in, uint64_t* out);
  struct Shm;
  // The buffer `handle` that `caller` lent us, taken on first use as a
  // mapped buffer (an argument); null when it is not the caller's.
  Shm* shm_for(ffa::EndpointId caller, uint64_t handle, uint32_t& status);
  // A yielding call with an argument, in a thread: its input, its answer.
  struct Call {
    OpteeEndpoint* self;
    ffa::EndpointId caller;
    uint64_t handle, offset;
    optee::MsgArg request, answer;
    optee::CallParams params;
    // The buffers its memory references resolved to, held (Shm::users)
    // until the command is over.
    Shm* held[4];
  };
  static void call_work(void* call);
  void run_command(Call& c);
  void run_one_command(Call& c);
  // The client's memory references: their pages, from its shared memory.
  uint32_t resolve_memrefs(Call& c);
  void release_memrefs(Call& c);
  void finish_call(Call& c);
  void open_session(Call& c);

  uint32_t build_id_;
  void (*fp_clobber_)(uint64_t);
  spmc::LocalMemory* memory_ = nullptr;
  DeviceService* device_ = nullptr;
  ThreadService* threads_ = nullptr;
  // Yielding work in threads, one job per thread.
  SpinJob jobs_[kMaxThreads] = {};
  ffa::EndpointId thread_owner_[kMaxThreads];  // who started each thread's call
  // What each thread runs: a spin (jobs_) or a call with an argument.
  enum class Work : uint8_t { spin, call };
  Work work_[kMaxThreads] = {};
  Call calls_[kMaxThreads] = {};
  optee::TaService* tas_ = nullptr;
  optee::AsyncNotif* async_ = nullptr;
  void enable_async_notif(ffa::EndpointId caller, const uint64_t* in, uint64_t* out);
  void spin(ffa::EndpointId caller, const uint64_t* in, uint64_t* out);
  void resume(ffa::EndpointId caller, const uint64_t* in, uint64_t* out);
  // The answer for thread `t` after it ran: done, or interrupted.
  void yielding_answer(unsigned t, bool done, uint64_t* out);
  ffa::EndpointId self_;
  // Shared memory the normal world passed in a yielding call: retrieved
  // on first use, kept until it unregisters it. Only `lender` (the
  // transaction's sender, as the SPMC core knows it) may name `handle`.
  // Taken either as one mapped buffer for arguments (`mapped`, `share`)
  // or as pages for TA memory references (`pages`; nothing mapped here),
  // never both; neither yet while a slot is being filled.
  // `users`: calls that hold it now, as a memory reference their TA has
  // mapped or as an RPC buffer; it cannot be unregistered meanwhile (the
  // memory would go from under the call, and where the trusted OS is a
  // partition, from its stage 2: its next touch would stop the trusted OS).
  struct Shm {
    bool used;
    bool mapped, pages;
    uint8_t users;
    uint64_t handle;
    ffa::EndpointId lender;
    spmc::LocalShare share;
    // Taken by rpc_alloc, for the trusted OS's own use until rpc_free: never
    // also a call's argument buffer (rpc_free gives it back whatever a call
    // would still need from it).
    bool rpc_buffer;
  };
  Shm shm_[kMaxShm] = {};
};

}  // namespace sel1
