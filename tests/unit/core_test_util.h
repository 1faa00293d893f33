// Helpers for the unit tests of spmc::Core.
#pragma once

#include <cstddef>
#include <cstdint>

#include "spmc/core.h"

namespace test {

// The core's index of partition `id`, or ~0 when it has none.
inline size_t index_of(const spmc::Core& core, uint16_t id) {
  for (size_t i = 0; i < core.partition_count(); ++i)
    if (core.partition(i).info.id.raw() == id) return i;
  return ~size_t{0};
}

}  // namespace test
