// Memory another endpoint shared with the partition: retrieve it (the SPMC
// maps it and describes it in the RX buffer, in fragments when the
// description is longer than the buffer) and relinquish it again; and the
// partition's own memory lent to another partition. FF-A v1.2 layouts; the
// partition passes its own RX/TX buffers.
#pragma once

#include <cstdint>

#include "sp/rx.h"

namespace sp {

// The partition's TX buffer, and its RX buffer with what it holds (the
// retrieve response is read through sp::RxBuffer's checked view).
struct Buffers {
  volatile uint8_t* tx;
  RxBuffer* rx;
};

struct Retrieved {
  bool ok;
  uint32_t status;   // FFA_MEM_RETRIEVE_RESP, or the FFA_ERROR code
  uint64_t address;  // first constituent, where the partition sees it
  uint32_t pages;    // of the first constituent
  bool writable;
  uint32_t constituents;  // how many ranges, over every fragment
  uint32_t total_pages;
  uint64_t last_address;  // of the last range
};

// FFA_MEM_RETRIEVE_REQ for `handle`, lent by `sender`, with `self` as the
// receiver; reads the response (asking for the rest with FFA_MEM_FRAG_RX)
// and releases the RX buffer after each fragment. Every offset and length
// in the response, and every fragment length the SPMC answers, is checked
// against the buffer: a response that does not fit gives ok = false and
// status INVALID_PARAMETERS (0xFFFFFFFE), with the memory still retrieved.
// `attributes`: the memory region attributes to name in the request (0:
// not specified, whatever the SPMC maps; a borrower may name them when the
// lender left them to it, in a lend to one borrower or a donation).
Retrieved retrieve(const Buffers& b, uint16_t self, uint64_t handle, uint16_t sender = 0, uint16_t attributes = 0);
// FFA_MEM_RELINQUISH; returns w0 of the answer.
uint32_t relinquish(const Buffers& b, uint16_t self, uint64_t handle);

// FFA_MEM_LEND (or share, or donate: `func`) of `pages` pages of the
// partition's own memory at `address` to `receiver` with `permissions`
// (the data access only: FF-A leaves the instruction access to the SPMC
// and, in a donation, the data access to the new owner: 0 then). A share
// names the memory attributes (normal, write-back, inner shareable); a
// lend or donation to one borrower leaves them to it, as FF-A requires.
// Returns the handle, or 0 with the FF-A error code in `error`.
uint64_t lend(const Buffers& b, uint32_t func, uint16_t self, uint16_t receiver, uint8_t permissions,
              uint64_t address, uint32_t pages, uint32_t& error);

}  // namespace sp
