// PSCI 1.1 (Arm DEN 0022): the calls this monitor implements today (every
// mandatory one; CPU_SUSPEND with a standby state only).
#pragma once

#include <cstdint>

namespace el3::psci {

inline constexpr uint32_t kVersion = 0x84000000;
inline constexpr uint32_t kCpuSuspend32 = 0x84000001, kCpuSuspend64 = 0xC4000001;
inline constexpr uint32_t kCpuOff = 0x84000002;
inline constexpr uint32_t kCpuOn32 = 0x84000003, kCpuOn64 = 0xC4000003;
inline constexpr uint32_t kAffinityInfo32 = 0x84000004, kAffinityInfo64 = 0xC4000004;
inline constexpr uint32_t kMigrateInfoType = 0x84000006;
inline constexpr uint32_t kMigrateInfoUpCpu32 = 0x84000007, kMigrateInfoUpCpu64 = 0xC4000007;
inline constexpr uint32_t kSystemOff = 0x84000008;
inline constexpr uint32_t kSystemReset = 0x84000009;
inline constexpr uint32_t kFeatures = 0x8400000A;

inline constexpr int32_t kSuccess = 0;
inline constexpr int32_t kNotSupported = -1;
inline constexpr int32_t kInvalidParameters = -2;
inline constexpr int32_t kDenied = -3;
inline constexpr int32_t kAlreadyOn = -4;
inline constexpr int32_t kOnPending = -5;
inline constexpr int32_t kInvalidAddress = -9;

constexpr bool is_psci(uint32_t fid) { return (fid & 0xBFFFFFE0u) == 0x84000000u; }

// Handles a PSCI call; returns the value for x0 (sign-extended). CPU_OFF
// goes through the SPMD (spmd::cpu_off), which calls cpu_off() below.
int64_t handle(uint32_t fid, uint64_t x1, uint64_t x2, uint64_t x3);
// Parks this CPU until CPU_ON starts it again; does not return.
[[noreturn]] void cpu_off();
// How many CPUs the platform has (the device tree's cpu nodes).
void set_present_cpus(unsigned n);
// This CPU has reached the normal world (AFFINITY_INFO: ON).
void cpu_is_on();

}  // namespace el3::psci
