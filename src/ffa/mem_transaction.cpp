#include "ffa/mem_transaction.h"

namespace ffa {
namespace {

constexpr size_t kHeaderV1_0 = 32;
constexpr size_t kHeaderV1_1 = 48;
constexpr size_t kAccessV1_0 = 16;     // v1.0 and v1.1
constexpr size_t kAccessV1_2 = 32;     // v1.2 adds two implementation-defined words
constexpr size_t kCompositeHeader = 16;
constexpr uint64_t kPage = 4096;

using Err = lib::Unexpected<Error>;
Err invalid() { return Err{Error::invalid_parameters}; }

}  // namespace

Result<MemTransaction> parse_mem_transaction(lib::ByteView buf, Version version, bool allow_no_composite) {
  MemTransaction t{};
  const bool v1_0 = version < kVersion1_1;
  size_t access_size, receivers_offset;
  if (v1_0) {
    if (!buf.contains(0, kHeaderV1_0)) return invalid();
    t.sender = EndpointId(*buf.le16(0));
    t.attributes = *buf.u8(2);
    if (*buf.u8(3) != 0) return invalid();  // reserved
    t.flags = *buf.le32(4);
    t.handle = *buf.le64(8);
    t.tag = *buf.le64(16);
    if (*buf.le32(24) != 0) return invalid();  // reserved
    t.receiver_count = *buf.le32(28);
    access_size = kAccessV1_0;
    receivers_offset = kHeaderV1_0;
  } else {
    if (!buf.contains(0, kHeaderV1_1)) return invalid();
    t.sender = EndpointId(*buf.le16(0));
    t.attributes = *buf.le16(2);
    if (t.attributes & 0xFF80) return invalid();  // bits [15:7] MBZ
    t.flags = *buf.le32(4);
    t.handle = *buf.le64(8);
    t.tag = *buf.le64(16);
    access_size = *buf.le32(24);
    // The access descriptor's size says which minor version the sender
    // wrote: 16 bytes up to v1.1, 32 from v1.2.
    if (access_size != (version >= kVersion1_2 ? kAccessV1_2 : kAccessV1_0)) return invalid();
    t.receiver_count = *buf.le32(28);
    receivers_offset = *buf.le32(32);
    for (size_t i = 36; i < kHeaderV1_1; i += 4)
      if (*buf.le32(i) != 0) return invalid();  // reserved
    // The receivers follow the header, 16-byte aligned.
    if (receivers_offset < kHeaderV1_1 || (receivers_offset & 15) != 0) return invalid();
  }
  if (t.receiver_count == 0 || t.receiver_count > MemTransaction::kMaxReceivers) return invalid();
  if (!buf.contains(receivers_offset, t.receiver_count * access_size)) return invalid();

  uint32_t composite = 0;
  for (unsigned i = 0; i < t.receiver_count; ++i) {
    const size_t at = receivers_offset + i * access_size;
    MemAccess& a = t.receivers[i];
    a.endpoint = EndpointId(*buf.le16(at));
    a.permissions = *buf.u8(at + 2);
    a.flags = *buf.u8(at + 3);
    a.composite_offset = *buf.le32(at + 4);
    // v1.2 puts two implementation-defined words before the reserved one.
    const size_t reserved_at = access_size == kAccessV1_2 ? at + 24 : at + 8;
    if (access_size == kAccessV1_2) {
      a.impdef[0] = *buf.le64(at + 8);
      a.impdef[1] = *buf.le64(at + 16);
    }
    if (*buf.le64(reserved_at) != 0) return invalid();  // reserved
    if (a.flags & 0xFE) return invalid();  // receiver flags: bits [7:1] reserved
    if (a.permissions & 0xF0) return invalid();  // bits [7:4] reserved
    if ((a.permissions & mem_perm::data_mask) == 3) return invalid();
    if (((a.permissions & mem_perm::instr_mask) >> mem_perm::instr_shift) == 3) return invalid();
    // Every receiver names the same region (a transaction describes one).
    if (i == 0) composite = a.composite_offset;
    if (a.composite_offset != composite) return invalid();
    for (unsigned r = 0; r < i; ++r)
      if (t.receivers[r].endpoint == a.endpoint) return invalid();  // each receiver once
  }
  if (composite == 0 && allow_no_composite) {  // constituent_count 0
    t.length = receivers_offset + uint64_t{t.receiver_count} * access_size;
    return t;
  }
  // The composite region: after the receivers, 8-byte aligned, inside.
  if (composite < receivers_offset + t.receiver_count * access_size || (composite & 7) != 0) return invalid();
  if (!buf.contains(composite, kCompositeHeader)) return invalid();
  t.total_pages = *buf.le32(composite);
  t.constituent_count = *buf.le32(composite + 4);
  if (*buf.le64(composite + 8) != 0) return invalid();  // reserved
  if (t.constituent_count == 0 || t.total_pages == 0) return invalid();
  t.constituents_offset = composite + kCompositeHeader;
  if (!buf.contains(t.constituents_offset, uint64_t{t.constituent_count} * kMemConstituentSize)) return invalid();
  // The constituents' pages add up to the total (in 64 bits: no wrap).
  uint64_t sum = 0;
  for (uint32_t i = 0; i < t.constituent_count; ++i) {
    const size_t at = t.constituents_offset + size_t{i} * kMemConstituentSize;
    const uint64_t address = *buf.le64(at);
    const uint32_t pages = *buf.le32(at + 8);
    if ((address & (kPage - 1)) != 0 || pages == 0 || *buf.le32(at + 12) != 0) return invalid();
    if (address + uint64_t{pages} * kPage < address) return invalid();  // wraps the address space
    sum += pages;
  }
  if (sum != t.total_pages) return invalid();
  t.length = t.constituents_offset + uint64_t{t.constituent_count} * kMemConstituentSize;
  return t;
}

std::optional<uint64_t> mem_transaction_length(lib::ByteView first, Version version) {
  size_t receivers_offset = kHeaderV1_0;
  if (version >= kVersion1_1) {
    const auto offset = first.le32(32);
    if (!offset) return std::nullopt;
    receivers_offset = *offset;
  }
  // Every receiver names the same composite region: the first says where.
  const auto composite = first.le32(receivers_offset + 4);
  if (!composite || *composite == 0) return std::nullopt;
  const auto count = first.le32(size_t{*composite} + 4);
  if (!count) return std::nullopt;
  return uint64_t{*composite} + kCompositeHeader + uint64_t{*count} * kMemConstituentSize;
}

MemConstituent mem_constituent(lib::ByteView buf, const MemTransaction& t, uint32_t index) {
  const size_t at = t.constituents_offset + size_t{index} * kMemConstituentSize;
  return MemConstituent{*buf.le64(at), *buf.le32(at + 8)};
}

}  // namespace ffa
