// The device tree address the harness was entered with (x0).
#pragma once

#include <cstdint>

namespace harness {
uint64_t dtb_address();
void set_dtb_address(uint64_t a);
}  // namespace harness
