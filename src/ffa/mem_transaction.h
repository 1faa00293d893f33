// FF-A memory transaction descriptors (FF-A v1.2 chapter 10, Tables 10.20,
// 10.21, 10.13, 10.14) read into one layout-independent form, as OP-TEE's
// ffa_mem_transaction_x does: the v1.0 layout (32-byte header, access
// descriptors inline) and the v1.1/v1.2 layout (48-byte header, access
// descriptors at an offset, 16 or 32 bytes each) are normalised at this
// edge, and every offset, count and size is checked against the buffer.
//
// The caller copies the descriptor out of the sender's buffer first (no
// time-of-check/time-of-use) and passes the copy here.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ffa/error.h"
#include "ffa/ids.h"
#include "ffa/version.h"
#include "lib/bytes.h"

namespace ffa {

// Endpoint memory access descriptor (Table 10.16), normalised.
struct MemAccess {
  EndpointId endpoint;
  uint8_t permissions;  // [1:0] data access (1 RO, 2 RW), [3:2] instruction access (1 NX, 2 X)
  uint8_t flags;
  uint32_t composite_offset;
};

struct MemTransaction {
  static constexpr unsigned kMaxReceivers = 8;

  EndpointId sender;
  uint16_t attributes;  // memory region attributes (Table 10.18)
  uint32_t flags;
  uint64_t handle;
  uint64_t tag;
  unsigned receiver_count;
  MemAccess receivers[kMaxReceivers];
  // The composite memory region all receivers share (Table 10.13).
  uint32_t total_pages;
  uint32_t constituent_count;
  uint32_t constituents_offset;  // of constituent 0, from the start of the buffer
};

// One constituent memory region (Table 10.14).
struct MemConstituent {
  uint64_t address;
  uint32_t pages;
};

namespace mem_perm {
inline constexpr uint8_t data_mask = 3, data_ro = 1, data_rw = 2;
inline constexpr uint8_t instr_shift = 2, instr_mask = 3u << 2, instr_nx = 1u << 2, instr_x = 2u << 2;
}  // namespace mem_perm

// Reads a transaction descriptor in the layout of `version` from `buf`.
// INVALID_PARAMETERS for anything malformed: truncated, offsets outside
// the buffer or misaligned, counts that disagree, a wrong access
// descriptor size, reserved fields set, unaligned or empty constituents.
// A retrieve request (Table 10.25) may leave the composite region out
// (composite offset 0 in every access descriptor): allow_no_composite.
Result<MemTransaction> parse_mem_transaction(lib::ByteView buf, Version version, bool allow_no_composite = false);

// Constituent `index` (< constituent_count) of a transaction that
// parse_mem_transaction accepted from the same buffer.
MemConstituent mem_constituent(lib::ByteView buf, const MemTransaction& t, uint32_t index);

}  // namespace ffa
