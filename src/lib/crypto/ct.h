// Constant-time helpers: comparisons of secrets (MACs, tags) whose timing
// must not say where the first difference is, and wiping that the
// compiler may not drop as a dead store.
#pragma once

#include <cstddef>
#include <cstdint>

namespace crypto {

// True if the len bytes at a and b are equal. Reads every byte whatever
// they hold: the time depends on len only.
bool equal(const uint8_t* a, const uint8_t* b, size_t len);

// Zeroes len bytes at p, even when p is never read again.
void secure_zero(void* p, size_t len);

}  // namespace crypto
