#include "sel1/optee_endpoint.h"

#include "lib/lcg.h"

namespace sel1 {

void OpteeEndpoint::on_direct_request(const spmc::DirectMessage& request, spmc::DirectMessage& response) {
  uint64_t* out = response.payload;
  const uint32_t msg = static_cast<uint32_t>(request.payload[0]);
  switch (msg) {
    case optee_msg::get_api_version:
      out[0] = kOpteeFfaApiMajor;
      out[1] = kOpteeFfaApiMinor;
      break;
    case optee_msg::get_os_version:
      out[0] = kOsVersionMajor;
      out[1] = kOsVersionMinor;
      out[2] = build_id_;
      break;
    case optee_msg::exchange_capabilities:
      out[0] = 0;  // success
      out[1] = optee::kRpcMaxParams;
      // Argument offsets in shared memory are understood (bit 0), and
      // asynchronous notifications where there are some (bit 1; w6 = 0:
      // values up to Linux's default). No protected memory.
      out[2] = kSecCapArgOffset | (async_ ? kSecCapAsyncNotif : 0);
      break;
    case optee_msg::yielding_call_with_arg:
      // The normal world's, as RESUME below: a partition's call that an
      // interrupt or an RPC stopped could never be resumed, and would hold
      // a thread and its TA instance for good.
      if (request.sender.is_secure()) {
        out[0] = kFfaDenied;
        break;
      }
      yielding_call_with_arg(request.sender, request.payload, out);
      break;
    case optee_msg::unregister_shm:
      unregister_shm(request.sender, request.payload, out);
      break;
    case optee_msg::yielding_call_resume:
    case kTesseraSpin:
      // Yielding calls are the normal world's: only its interrupts can
      // stop a thread, and only it can take them. A partition's thread
      // would be stopped by an interrupt nobody takes while the secure
      // world runs, for ever.
      if (request.sender.is_secure()) {
        out[0] = kFfaDenied;
      } else if (msg == kTesseraSpin) {
        spin(request.sender, request.payload, out);
      } else {
        resume(request.sender, request.payload, out);
      }
      break;
    case optee_msg::enable_async_notif:
      enable_async_notif(request.sender, request.payload, out);
      break;
    case kTesseraTimerArm:
    case kTesseraTimerBottomHalf:
      // The example secure device serves the normal world's driver alone:
      // a partition could otherwise rearm it under the normal world or
      // take its events (and read their latency).
      if (request.sender.is_secure()) {
        out[0] = kFfaDenied;
        break;
      }
      if (msg == kTesseraTimerArm) {
        out[0] = device_ ? device_->arm(request.payload[1], request.sender,
                                        (request.payload[2] & 0xFFFFFFFF) | (request.payload[3] & 0xFFFFFFFF) << 32)
                         : kTeeErrorNotSupported;
        break;
      }
      if (!device_) {
        out[0] = kTeeErrorNotSupported;
        break;
      }
      out[0] = 0;
      device_->bottom_half(out + 1);
      break;
    case kTesseraFpSelfTest:
      if (!fp_clobber_) {
        out[0] = kTeeErrorNotSupported;
        break;
      }
      fp_clobber_(request.payload[1]);
      out[0] = 0;
      break;
    default:
      out[0] = kTeeErrorBadParameters;
      break;
  }
}

void OpteeEndpoint::enable_async_notif(ffa::EndpointId caller, const uint64_t* in, uint64_t* out) {
  if (!async_) {
    out[0] = kTeeErrorNotImplemented;  // OP-TEE's answer when they are not ready
    return;
  }
  // OP-TEE's driver is the normal world's: a partition has its own FF-A
  // notifications and no bottom halves to run for us.
  if (caller.is_secure()) {
    out[0] = kFfaDenied;
    return;
  }
  // w4 is a notification ID (< 64); w5-w7 MBZ as optee_ffa.h says.
  if ((in[2] & 0xFFFFFFFF) != 0 || (in[3] & 0xFFFFFFFF) != 0 || (in[4] & 0xFFFFFFFF) != 0) {
    out[0] = kTeeErrorBadParameters;
    return;
  }
  out[0] = async_->enable(caller.raw(), static_cast<uint32_t>(in[1] & 0xFFFFFFFF));
}

namespace {
// The spin's work, in a thread: nothing shared with the rest of the
// trusted OS, so a normal-world interrupt may stop it between any two
// slices (a few thousand instructions each).
void spin_work(void* arg) {
  auto* job = static_cast<SpinJob*>(arg);
  constexpr uint64_t kSlice = 1024;
  for (uint64_t done = 0; done < job->rounds; done += kSlice) {
    const uint64_t n = job->rounds - done < kSlice ? job->rounds - done : kSlice;
    job->value = lib::lcg_spin(n, job->value);
    job->threads->preemption_point();
  }
}
}  // namespace

void OpteeEndpoint::spin(ffa::EndpointId caller, const uint64_t* in, uint64_t* out) {
  if (!threads_) {
    out[0] = kTeeErrorNotSupported;
    return;
  }
  const unsigned t = threads_->free_thread();
  if (t >= kMaxThreads) {
    out[0] = kTeeErrorBusy;  // every thread is suspended: try again later
    return;
  }
  jobs_[t] = SpinJob{in[1] & 0xFFFFFFFF, (in[2] & 0xFFFFFFFF) | (in[3] & 0xFFFFFFFF) << 32, threads_};
  thread_owner_[t] = caller;  // only it may resume the thread
  work_[t] = Work::spin;
  yielding_answer(t, threads_->run(t, spin_work, &jobs_[t]), out);
}

void OpteeEndpoint::resume(ffa::EndpointId caller, const uint64_t* in, uint64_t* out) {
  const uint64_t t = in[4] & 0xFFFFFFFF;  // w7: the thread the interrupted answer named
  if (!threads_ || t >= kMaxThreads || !threads_->suspended(static_cast<unsigned>(t)) ||
      !(thread_owner_[t] == caller)) {
    out[0] = kFfaInvalidParameters;  // OP-TEE's answer to bad resume information
    return;
  }
  yielding_answer(static_cast<unsigned>(t), threads_->resume(static_cast<unsigned>(t)), out);
}

void OpteeEndpoint::yielding_answer(unsigned t, bool done, uint64_t* out) {
  out[0] = 0;
  if (!done) {
    // Stopped for an RPC (its request is in the call's argument memory)
    // or by an interrupt; either way RESUME with w7 = t continues it.
    out[1] = threads_->waiting_rpc(t) ? kYieldingReturnRpc : kYieldingReturnInterrupt;
    out[4] = t;
    return;
  }
  out[1] = kYieldingReturnDone;
  if (work_[t] == Work::call) {
    finish_call(calls_[t]);  // the answer goes into the argument; w5-w7 stay 0
    return;
  }
  out[2] = jobs_[t].value & 0xFFFFFFFF;
  out[3] = jobs_[t].value >> 32;
}

}  // namespace sel1
