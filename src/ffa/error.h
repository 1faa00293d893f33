// FF-A status codes (FF-A v1.2, Table 2.x "Error status codes"). They travel
// in w2 of FFA_ERROR as a signed 32-bit value.
#pragma once

#include <cstdint>

#include "lib/result.h"

namespace ffa {

enum class Error : int32_t {
  not_supported = -1,
  invalid_parameters = -2,
  no_memory = -3,
  busy = -4,
  interrupted = -5,
  denied = -6,
  retry = -7,
  aborted = -8,
  no_data = -9,
  not_ready = -10,
};

const char* to_string(Error e);

template <typename T>
using Result = lib::Result<T, Error>;
using Status = lib::Status<Error>;

}  // namespace ffa
