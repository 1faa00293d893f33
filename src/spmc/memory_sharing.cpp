// FF-A v1.2 chapter 10 "Memory management": the normal world shares,
// lends or donates memory to S-EL0 partitions (FFA_MEM_SHARE/LEND/DONATE), a partition
// retrieves it into its address space (FFA_MEM_RETRIEVE_REQ/_RESP) and
// gives it back (FFA_MEM_RELINQUISH), the normal world reclaims it
// (FFA_MEM_RECLAIM). Fragmented descriptors come next.
//
// Without a hypervisor the SPMC cannot take a normal-world lender's own
// access away: lend differs from share in what it promises the borrower
// (zeroing on request, one exclusive owner for donate), and a donation
// cannot be reclaimed.
#include "spmc/core.h"

namespace spmc {

using ffa::Error;
using ffa::Func;

namespace {
constexpr uint32_t kTypeShift = 3;         // retrieve flags [4:3]: 1 share, 2 lend, 3 donate
constexpr uint32_t kTypeMask = 3u << kTypeShift;
constexpr uint16_t kAttrNs = 1u << 6;      // retrieve response: memory is non-secure
constexpr uint16_t kAttrTypeMask = 3u << 4, kAttrTypeNormal = 2u << 4;
constexpr uint64_t kPage = 4096;
}  // namespace

// The transaction descriptor of a call (w1 total, w2 fragment length, x3
// buffer address, w4 its pages), copied out of the caller's TX buffer: we
// check and use only the copy, which the caller cannot change under us.
// The descriptor must come whole in the TX buffer: a buffer given by
// address and fragments (FFA_MEM_FRAG_TX) are not offered yet.
ffa::Result<lib::ByteView> Core::copy_descriptor_in(const Mailbox& mailbox, const ffa::Regs& in) {
  const uint32_t total = in.w(1), fragment = in.w(2);
  if (in.x[3] != 0 || in.w(4) != 0 || total != fragment) return Error::not_supported;
  if (!mailbox.mapped()) return Error::denied;
  if (total == 0 || total > mailbox.size_bytes() || total > sizeof(desc_copy_)) return Error::invalid_parameters;
  const lib::ByteView tx = mailbox.tx();
  for (uint32_t i = 0; i < total; ++i) desc_copy_[i] = tx.data()[i];
  return lib::ByteView(desc_copy_, total);
}

unsigned Core::receiver_index(const MemShare& s, ffa::EndpointId id) {
  for (unsigned i = 0; i < s.receiver_count; ++i)
    if (s.receivers[i] == id) return i;
  return s.receiver_count;
}

bool Core::overlaps(const ffa::MemConstituent& a, const ffa::MemConstituent& b) {
  return a.address < b.address + uint64_t{b.pages} * kPage && b.address < a.address + uint64_t{a.pages} * kPage;
}

MemShare* Core::find_share(uint64_t handle) {
  const uint64_t slot = (handle & 0xFFFF);
  if (slot == 0 || slot > kMaxShares || (handle >> 63) != 0) return nullptr;
  MemShare& s = shares_[slot - 1];
  return s.used && s.handle == handle ? &s : nullptr;
}

void Core::mem_transfer_from_nwd(MemShare::Type type, const ffa::Regs& in, ffa::Regs& out) {
  auto copied = copy_descriptor_in(nwd_.mailbox, in);
  if (!copied) return ffa::set_error(out, copied.error());
  const lib::ByteView desc = copied.value();
  auto parsed = ffa::parse_mem_transaction(desc, nwd_.version);
  if (!parsed) return ffa::set_error(out, parsed.error());
  const ffa::MemTransaction& t = parsed.value();
  if (!(t.sender == nwd_.id) || t.handle != 0) return ffa::set_error(out, Error::invalid_parameters);
  // Bit 1 (time slicing) always; bit 0 (zero the memory) for lend and
  // donate only; the rest MBZ.
  const uint32_t allowed = type == MemShare::Type::share ? 2u : 3u;
  if (t.flags & ~allowed) return ffa::set_error(out, Error::invalid_parameters);
  // A donation has exactly one new owner.
  if (type == MemShare::Type::donate && t.receiver_count != 1) return ffa::set_error(out, Error::invalid_parameters);
  if ((t.attributes & kAttrTypeMask) != kAttrTypeNormal) return ffa::set_error(out, Error::invalid_parameters);
  for (unsigned i = 0; i < t.receiver_count; ++i) {
    const Partition* p = find_partition(t.receivers[i].endpoint);
    if (!p || p->local || p->state == PartitionState::aborted) return ffa::set_error(out, Error::invalid_parameters);
    const uint8_t data = t.receivers[i].permissions & ffa::mem_perm::data_mask;
    const uint8_t instr = t.receivers[i].permissions & ffa::mem_perm::instr_mask;
    // Shared normal-world memory is data: never executable in the secure world.
    if (data == 0 || instr == ffa::mem_perm::instr_x) return ffa::set_error(out, Error::invalid_parameters);
  }
  if (t.constituent_count > MemShare::kMaxConstituents) return ffa::set_error(out, Error::no_memory);
  MemShare candidate{};
  for (uint32_t i = 0; i < t.constituent_count; ++i) {
    const ffa::MemConstituent c = ffa::mem_constituent(desc, t, i);
    if (!placement_.is_ns_memory(c.address, uint64_t{c.pages} * kPage))
      return ffa::set_error(out, Error::invalid_parameters);
    candidate.constituents[i] = c;
  }
  candidate.constituent_count = t.constituent_count;
  // No page in two transactions (nor twice in this one).
  for (uint32_t i = 0; i < candidate.constituent_count; ++i) {
    const ffa::MemConstituent& a = candidate.constituents[i];
    for (uint32_t j = i + 1; j < candidate.constituent_count; ++j)
      if (overlaps(a, candidate.constituents[j])) return ffa::set_error(out, Error::denied);
    for (const MemShare& s : shares_) {
      if (!s.used) continue;
      for (uint32_t j = 0; j < s.constituent_count; ++j)
        if (overlaps(a, s.constituents[j])) return ffa::set_error(out, Error::denied);
    }
  }
  MemShare* slot = nullptr;
  for (MemShare& s : shares_)
    if (!s.used) {
      slot = &s;
      break;
    }
  if (!slot) return ffa::set_error(out, Error::no_memory);
  *slot = candidate;
  slot->used = true;
  slot->sender = t.sender;
  slot->attributes = t.attributes;
  slot->tag = t.tag;
  slot->type = type;
  if (t.flags & 1u) {
    // Zero it before any borrower sees it, through a mapping of our own.
    for (uint32_t i = 0; i < slot->constituent_count; ++i) {
      auto va = placement_.map_ns_pages(slot->constituents[i].address, slot->constituents[i].pages);
      if (!va) {
        *slot = MemShare{};
        return ffa::set_error(out, va.error());
      }
      for (uint64_t b = 0; b < uint64_t{slot->constituents[i].pages} * kPage; ++b) (*va)[b] = 0;
      placement_.unmap_ns_pages(slot->constituents[i].address, *va, slot->constituents[i].pages);
    }
  }
  slot->receiver_count = t.receiver_count;
  for (unsigned i = 0; i < t.receiver_count; ++i) {
    slot->receivers[i] = t.receivers[i].endpoint;
    slot->permissions[i] = t.receivers[i].permissions;
    slot->retrieved[i] = false;
  }
  // Handle: bit 63 clear (allocated by the SPMC), a generation above the
  // slot number so that a reclaimed handle is never valid again.
  ++share_generation_;
  slot->handle = (uint64_t{share_generation_} << 16) | static_cast<uint64_t>(slot - shares_ + 1);
  ffa::set_success(out, static_cast<uint32_t>(slot->handle), static_cast<uint32_t>(slot->handle >> 32));
}

void Core::mem_reclaim_from_nwd(const ffa::Regs& in, ffa::Regs& out) {
  const uint64_t handle = uint64_t{in.w(1)} | uint64_t{in.w(2)} << 32;
  MemShare* s = find_share(handle);
  if (!s || !(s->sender == nwd_.id)) return ffa::set_error(out, Error::invalid_parameters);
  // Zeroing on reclaim (bit 0) is not offered; other bits MBZ.
  if (in.w(3) != 0) return ffa::set_error(out, Error::invalid_parameters);
  // Donated memory has a new owner: there is nothing to take back.
  if (s->type == MemShare::Type::donate) return ffa::set_error(out, Error::denied);
  for (unsigned i = 0; i < s->receiver_count; ++i)
    if (s->retrieved[i]) return ffa::set_error(out, Error::denied);  // still in a partition's hands
  *s = MemShare{};
  ffa::set_success(out);
}

void Core::mem_retrieve_from_sp(size_t index, const ffa::Regs& in, ffa::Regs& out) {
  Partition& p = partitions_[index];
  auto copied = copy_descriptor_in(p.mailbox, in);
  if (!copied) return ffa::set_error(out, copied.error());
  auto parsed = ffa::parse_mem_transaction(copied.value(), p.version, true);
  if (!parsed) return ffa::set_error(out, parsed.error());
  const ffa::MemTransaction& req = parsed.value();
  MemShare* s = find_share(req.handle);
  if (!s) return ffa::set_error(out, Error::invalid_parameters);
  // The caller must be a receiver of the transaction, and name itself.
  const unsigned me = receiver_index(*s, p.info.id);
  bool named = false;
  for (unsigned i = 0; i < req.receiver_count; ++i) named = named || req.receivers[i].endpoint == p.info.id;
  if (me == s->receiver_count || !named) return ffa::set_error(out, Error::invalid_parameters);
  if (s->retrieved[me]) return ffa::set_error(out, Error::denied);
  // A retrieve request may name the transaction type; it must be this one.
  const uint32_t type_bits = static_cast<uint32_t>(s->type) << kTypeShift;
  if ((req.flags & kTypeMask) != 0 && (req.flags & kTypeMask) != type_bits)
    return ffa::set_error(out, Error::invalid_parameters);
  if (!p.mailbox.rx_free()) return ffa::set_error(out, Error::busy);
  // Map every constituent into the partition (non-secure, never executable).
  const bool writable = (s->permissions[me] & ffa::mem_perm::data_mask) == ffa::mem_perm::data_rw;
  for (uint32_t i = 0; i < s->constituent_count; ++i) {
    auto st = placement_.partition_map_ns(p.info.id, s->constituents[i].address, s->constituents[i].pages, writable);
    if (!st) {
      for (uint32_t j = 0; j < i; ++j)
        placement_.partition_unmap_ns(p.info.id, s->constituents[j].address, s->constituents[j].pages);
      return ffa::set_error(out, st.error());
    }
  }
  s->retrieved[me] = true;
  // The retrieve response (Table 10.21 layout, the partition's version):
  // one receiver (itself), the composite region, the constituents at the
  // addresses it sees them (VA = PA).
  lib::MutableByteView rx = p.mailbox.rx();
  const bool v1_2 = p.version >= ffa::kVersion1_2;
  const uint32_t access = v1_2 ? 32 : 16, recv_off = 48, composite = recv_off + access;
  const uint32_t length = composite + 16 + 16 * s->constituent_count;
  bool ok = length <= rx.size();
  for (uint32_t i = 0; ok && i < length; i += 4) ok = rx.put_le32(i, 0);
  uint32_t total_pages = 0;
  for (uint32_t i = 0; i < s->constituent_count; ++i) total_pages += s->constituents[i].pages;
  ok = ok && rx.put_le16(0, s->sender.raw()) && rx.put_le16(2, s->attributes | kAttrNs) &&
       rx.put_le32(4, type_bits) && rx.put_le64(8, s->handle) && rx.put_le64(16, s->tag) &&
       rx.put_le32(24, access) && rx.put_le32(28, 1) && rx.put_le32(32, recv_off) &&
       rx.put_le16(recv_off, p.info.id.raw()) && rx.put_le32(recv_off + 4, composite) &&
       rx.put_le32(composite, total_pages) && rx.put_le32(composite + 4, s->constituent_count);
  if (ok) rx.data()[recv_off + 2] = s->permissions[me];
  for (uint32_t i = 0; ok && i < s->constituent_count; ++i)
    ok = rx.put_le64(composite + 16 + 16 * i, s->constituents[i].address) &&
         rx.put_le32(composite + 24 + 16 * i, s->constituents[i].pages);
  if (!ok) {  // a response larger than the partition's RX buffer
    for (uint32_t i = 0; i < s->constituent_count; ++i)
      placement_.partition_unmap_ns(p.info.id, s->constituents[i].address, s->constituents[i].pages);
    s->retrieved[me] = false;
    return ffa::set_error(out, Error::no_memory);
  }
  p.mailbox.mark_rx_full();
  ffa::set_regs(out, ffa::raw(Func::mem_retrieve_resp), length, length);
}

void Core::mem_relinquish_from_sp(size_t index, ffa::Regs& out) {
  Partition& p = partitions_[index];
  if (!p.mailbox.mapped()) return ffa::set_error(out, Error::denied);
  // Relinquish descriptor (Table 10.26): u64 handle, u32 flags, u32
  // endpoint count, u16 endpoints[].
  const lib::ByteView tx = p.mailbox.tx();
  uint8_t copy[18];
  for (unsigned i = 0; i < sizeof(copy); ++i) copy[i] = tx.data()[i];
  const lib::ByteView d(copy, sizeof(copy));
  const uint64_t handle = *d.le64(0);
  const uint32_t flags = *d.le32(8), count = *d.le32(12);
  const uint16_t who = *d.le16(16);
  MemShare* s = find_share(handle);
  if (!s || flags != 0 || count != 1 || who != p.info.id.raw()) return ffa::set_error(out, Error::invalid_parameters);
  const unsigned me = receiver_index(*s, p.info.id);
  if (me == s->receiver_count || !s->retrieved[me]) return ffa::set_error(out, Error::invalid_parameters);
  for (uint32_t i = 0; i < s->constituent_count; ++i)
    placement_.partition_unmap_ns(p.info.id, s->constituents[i].address, s->constituents[i].pages);
  s->retrieved[me] = false;
  ffa::set_success(out);
}

}  // namespace spmc
