#include "sel1/optee_endpoint.h"

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
      out[1] = kRpcMaxParams;
      // Argument offsets in shared memory are understood (bit 0); async
      // notifications and protected memory are not offered yet.
      out[2] = kSecCapArgOffset;
      break;
    case optee_msg::yielding_call_with_arg:
      yielding_call_with_arg(request.payload, out);
      break;
    case optee_msg::unregister_shm:
      unregister_shm(request.payload, out);
      break;
    case optee_msg::yielding_call_resume:
    case optee_msg::enable_async_notif:
      // Nothing is ever suspended (no RPCs yet) and notifications are a
      // later issue: refused the way OP-TEE refuses what it lacks.
      out[0] = kTeeErrorNotSupported;
      break;
    case kTesseraTimerArm:
      out[0] = device_ ? device_->arm(request.payload[1], request.sender, (request.payload[2] & 0xFFFFFFFF) |
                                                                              (request.payload[3] & 0xFFFFFFFF) << 32)
                       : kTeeErrorNotSupported;
      break;
    case kTesseraTimerBottomHalf:
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

}  // namespace sel1
