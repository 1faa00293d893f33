// PSCI 1.1 (Arm DEN 0022): the calls this monitor implements today.
#pragma once

#include <cstdint>

namespace el3::psci {

inline constexpr uint32_t kVersion = 0x84000000;
inline constexpr uint32_t kCpuSuspend32 = 0x84000001, kCpuSuspend64 = 0xC4000001;
inline constexpr uint32_t kCpuOff = 0x84000002;
inline constexpr uint32_t kCpuOn32 = 0x84000003, kCpuOn64 = 0xC4000003;
inline constexpr uint32_t kAffinityInfo32 = 0x84000004, kAffinityInfo64 = 0xC4000004;
inline constexpr uint32_t kSystemOff = 0x84000008;
inline constexpr uint32_t kSystemReset = 0x84000009;
inline constexpr uint32_t kFeatures = 0x8400000A;

inline constexpr int32_t kSuccess = 0;
inline constexpr int32_t kNotSupported = -1;

constexpr bool is_psci(uint32_t fid) { return (fid & 0xBFFFFFE0u) == 0x84000000u; }

// Handles a PSCI call; returns the value for x0 (sign-extended).
int64_t handle(uint32_t fid, uint64_t x1);

}  // namespace el3::psci
