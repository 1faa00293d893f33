// The TA side of the system-call instruction (entry.S).
#pragma once

#include <cstdint>

#include "ta/ta_abi.h"

extern "C" uint64_t ta_syscall(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t number,
                               uint64_t* second = nullptr, uint64_t* third = nullptr);

namespace ta {
inline ta_param_page* param_page() { return reinterpret_cast<ta_param_page*>(uintptr_t{TA_PARAM_VA}); }
}  // namespace ta
