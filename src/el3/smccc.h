// SMC Calling Convention v1.2: function ID ranges and the monitor's
// top-level dispatcher (owner: Arm architecture, standard secure service
// i.e. PSCI and FF-A, trusted OS).
#pragma once

#include <cstdint>

#include "el3/context.h"

namespace el3 {

inline constexpr uint32_t kSmcccVersion = 0x80000000;
inline constexpr uint32_t kSmcccArchFeatures = 0x80000001;
inline constexpr uint64_t kSmcccNotSupported = ~0ull;  // -1
inline constexpr uint64_t kSmcccInvalidParameter = ~2ull;  // -3
inline constexpr uint32_t kSmcccVersion1_2 = 0x10002;

enum class World : uint8_t { secure = 0, nonsecure = 1 };

// Handles an SMC from `ctx` (whose world is `from`) and returns the context
// to resume: the caller's, or the other world's.
CpuContext* smc_dispatch(CpuContext* ctx, World from);

}  // namespace el3
