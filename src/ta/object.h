// What a TEE_ObjectHandle holds in the TA runtime: a transient object (a
// key, crypto_api.cpp) or an open persistent object (storage_api.cpp),
// which keeps the object's data in the TA's heap and writes it through to
// the trusted OS on every change.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ta/tee_internal_api.h"

struct __TEE_ObjectHandle {
  uint32_t type, max_bits;
  bool populated;
  size_t key_len;
  uint8_t key[64];
  // Persistent objects only.
  bool persistent;
  uint32_t flags;  // TEE_DATA_FLAG_*
  uint8_t id[64];
  size_t id_len;
  uint8_t* data;  // TA heap, kMaxData bytes
  size_t len, pos;
};
