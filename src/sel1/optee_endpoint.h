// The trusted OS as an FF-A endpoint speaking OP-TEE's FF-A ABI
// (optee_ffa.h): a normal-world client written for OP-TEE finds it by
// OP-TEE's UUID and identifies it with these messages. The message ID is w3.
#pragma once

#include <cstdint>

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
// EXCHANGE_CAPABILITIES: w4[7:0] RPC parameter count, w5 capability bits.
inline constexpr uint32_t kRpcMaxParams = 4;
inline constexpr uint32_t kSecCapArgOffset = 1u << 0;

class OpteeEndpoint final : public spmc::LocalEndpoint {
 public:
  // `fp_clobber` runs the FP self-test; null where there is none (host).
  explicit OpteeEndpoint(uint32_t build_id, void (*fp_clobber)(uint64_t) = nullptr)
      : build_id_(build_id), fp_clobber_(fp_clobber) {}
  void on_direct_request(const spmc::DirectMessage& request, spmc::DirectMessage& response) override;

 private:
  uint32_t build_id_;
  void (*fp_clobber_)(uint64_t);
};

}  // namespace sel1
