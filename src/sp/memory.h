// Memory the normal world shared with the partition: retrieve it (the SPMC
// maps it and describes it in the RX buffer) and relinquish it again.
// FF-A v1.2 layouts; the partition passes its own RX/TX buffers.
#pragma once

#include <cstdint>

namespace sp {

struct Buffers {
  volatile uint8_t* tx;
  const volatile uint8_t* rx;
};

struct Retrieved {
  bool ok;
  uint32_t status;   // FFA_MEM_RETRIEVE_RESP, or the FFA_ERROR code
  uint64_t address;  // first constituent, where the partition sees it
  uint32_t pages;    // of the first constituent
  bool writable;
};

// FFA_MEM_RETRIEVE_REQ for `handle` with `self` as the receiver; reads the
// response and releases the RX buffer.
Retrieved retrieve(const Buffers& b, uint16_t self, uint64_t handle);
// FFA_MEM_RELINQUISH; returns w0 of the answer.
uint32_t relinquish(const Buffers& b, uint16_t self, uint64_t handle);

}  // namespace sp
