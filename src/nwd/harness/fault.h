// Probing memory that may fault, and the exception handler behind it.
#pragma once

#include <cstdint>

namespace harness {
struct Probe {
  bool faulted;
  uint64_t value;
  uint64_t esr;
};
Probe probe_read(uint64_t addr);
}  // namespace harness
