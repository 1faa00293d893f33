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
#include <optional>

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
  // The v1.2 implementation-defined value (two words); 0 in older layouts.
  uint64_t impdef[2];
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
  // The length the descriptor implies: the end of its last constituent (of
  // its last access descriptor when a retrieve request has no composite).
  // Bytes past it are not part of the descriptor: a caller's total length
  // must be exactly this.
  uint64_t length;
};

// One constituent memory region (Table 10.14).
struct MemConstituent {
  uint64_t address;
  uint32_t pages;
};
// Its size in a descriptor: address, page count, 4 bytes reserved.
inline constexpr uint32_t kMemConstituentSize = 16;

// Memory region attributes (Table 10.18): the only combination Tessera maps
// (normal memory, write-back cacheable, inner shareable) and the bit a
// retrieve response sets for non-secure memory (MBZ in every request).
namespace mem_attr {
inline constexpr uint16_t type_mask = 3u << 4, type_normal = 2u << 4, type_device = 1u << 4;
inline constexpr uint16_t cache_mask = 3u << 2, cache_wb = 3u << 2, cache_nc = 1u << 2;
inline constexpr uint16_t share_mask = 3u, share_inner = 3u, share_reserved = 1u;
inline constexpr uint16_t ns = 1u << 6;
inline constexpr uint16_t normal_wb_inner = type_normal | cache_wb | share_inner;  // 0x2F
}  // namespace mem_attr

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

// The length a descriptor implies, from its first fragment alone: the end
// of its last constituent, known once the fragment holds the header, the
// first access descriptor and the composite region's header. nullopt when
// the fragment is too short to tell (or its offsets are unreadable: the
// whole descriptor is checked when it is complete).
std::optional<uint64_t> mem_transaction_length(lib::ByteView first, Version version);

// Constituent `index` (< constituent_count) of a transaction that
// parse_mem_transaction accepted from the same buffer.
MemConstituent mem_constituent(lib::ByteView buf, const MemTransaction& t, uint32_t index);

}  // namespace ffa
