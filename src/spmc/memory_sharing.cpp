// FF-A v1.2 chapter 10 "Memory management", the lender's side: a
// transaction starts with FFA_MEM_SHARE, FFA_MEM_LEND or FFA_MEM_DONATE
// (its descriptor whole, or in fragments continued by FFA_MEM_FRAG_TX, in
// the TX buffer or in a buffer given by address) and ends with
// FFA_MEM_RECLAIM (or, for a donation, when its receiver retrieved it).
//
// Lenders are the normal world (normal-world memory, to partitions and to
// the trusted OS) and partitions (their own declared memory, to other
// partitions). A partition that lends or donates loses its own access
// until it reclaims; the normal world keeps its access, since only a
// hypervisor could take it away.
#include "spmc/core.h"

#include "ffa/calls.h"

namespace spmc {

using ffa::Error;
using ffa::Func;

namespace {
constexpr uint32_t kFlagZero = 1u << 0, kFlagTimeSlice = 1u << 1;
}  // namespace

// Memory region attributes a lender or a borrower names (FF-A v1.2
// Table 10.18, and the memory region attributes usage rules of chapter 10).
// Reserved encodings and anything but normal memory are malformed; normal
// memory that is not write-back inner shareable is well formed but not
// what Tessera maps (the S-EL1 placement maps shared memory normal,
// write-back, inner shareable, as Hafnium does): DENIED, as Hafnium
// answers. The NS bit is the SPMC's to set in responses, MBZ here.
ffa::Status Core::check_mem_attributes(uint16_t a) {
  using namespace ffa::mem_attr;
  if ((a & ns) || (a & type_mask) != type_normal) return Error::invalid_parameters;
  const uint16_t cache = a & cache_mask, share = a & share_mask;
  if (cache != cache_wb && cache != cache_nc) return Error::invalid_parameters;  // 0, 2: reserved
  if (share == share_reserved) return Error::invalid_parameters;
  if (a != normal_wb_inner) return Error::denied;
  return {};
}

unsigned Core::receiver_index(const MemShare& s, ffa::EndpointId id) {
  for (unsigned i = 0; i < s.receiver_count; ++i)
    if (s.receivers[i] == id) return i;
  return s.receiver_count;
}

bool Core::overlaps(const ffa::MemConstituent& a, const ffa::MemConstituent& b) {
  return a.address < b.address + uint64_t{b.pages} * kPageSize && b.address < a.address + uint64_t{a.pages} * kPageSize;
}

bool Core::in_transaction(uint64_t address, uint64_t size) const {
  if (size == 0) return false;
  // The pool holds the ranges of every live transaction (one that is
  // still arriving in fragments has none yet; they are checked when it
  // completes).
  for (const ffa::MemConstituent& r : transactions_.live_ranges())
    if (ranges_overlap(address, size, r.address, uint64_t{r.pages} * kPageSize)) return true;
  for (unsigned i = 0; i < donated_count_; ++i)
    if (ranges_overlap(address, size, donated_[i].range.address, uint64_t{donated_[i].range.pages} * kPageSize))
      return true;
  return false;
}

void Core::free_share(MemShare& s) {
  reassemblies_.forget(s);
  if (s.state == MemShare::State::free) return;
  Holder h;
  (void)holder_of(s.sender, h);  // (every sender is: partitions are never removed)
  transactions_.release(h, s);
}

unsigned Core::donated_reserved(bool by_partition) const {
  unsigned n = 0;
  for (unsigned i = 0; i < donated_count_; ++i) n += donated_[i].by_partition == by_partition ? 1 : 0;
  for (const MemShare& s : transactions_.slots())
    if (s.state == MemShare::State::ready && s.type == MemShare::Type::donate && s.sender.is_secure() == by_partition)
      n += s.constituent_count;
  return n;
}

unsigned Core::pending_donated_ranges(ffa::EndpointId donor) const {
  unsigned n = 0;
  for (const MemShare& s : transactions_.slots())
    if (s.state == MemShare::State::ready && s.type == MemShare::Type::donate && s.sender == donor)
      n += s.constituent_count;
  return n;
}

// `length` bytes of the lender's descriptor into `dst`: from its TX buffer,
// or from `buffer_pages` pages at `buffer` (normal world only), mapped for
// the copy and unmapped again.
ffa::Status Core::read_fragment(const Lender& from, uint64_t buffer, uint32_t buffer_pages, uint32_t length,
                                uint8_t* dst) {
  if (buffer == 0) {
    if (!from.mailbox->mapped()) return Error::denied;
    if (length > from.mailbox->size_bytes()) return Error::invalid_parameters;
    const uint8_t* src = from.mailbox->tx().data();
    for (uint32_t i = 0; i < length; ++i) dst[i] = src[i];
    return {};
  }
  if (length > uint64_t{buffer_pages} * kPageSize) return Error::invalid_parameters;
  auto va = placement_.map_ns_pages(buffer, buffer_pages);
  if (!va) return va.error();
  for (uint32_t i = 0; i < length; ++i) dst[i] = (*va)[i];
  placement_.unmap_ns_pages(buffer, *va, buffer_pages);
  return {};
}

void Core::mem_transfer(MemShare::Type type, const Lender& from, const ffa::Regs& in, ffa::Regs& out) {
  const auto [total, fragment, buffer, buffer_pages] = ffa::calls::mem_transaction(in);
  if (buffer != 0) {
    // A buffer given by address: page-aligned normal-world memory. Only the
    // normal world has memory of its own outside its RX/TX pair to offer.
    if (!from.nwd) return ffa::set_error(out, Error::invalid_parameters);
    if ((buffer & (kPageSize - 1)) != 0 || buffer_pages == 0 || buffer_pages > kMaxDescriptor / kPageSize ||
        !placement_.is_ns_memory(buffer, uint64_t{buffer_pages} * kPageSize))
      return ffa::set_error(out, Error::invalid_parameters);
  } else if (buffer_pages != 0) {
    return ffa::set_error(out, Error::invalid_parameters);
  }
  if (fragment == 0 || fragment > total) return ffa::set_error(out, Error::invalid_parameters);
  if (total > kMaxDescriptor) return ffa::set_error(out, Error::no_memory);
  if (fragment == total) {
    if (auto s = read_fragment(from, buffer, buffer_pages, total, desc_copy_); !s)
      return ffa::set_error(out, s.error());
    MemShare* slot = allocate_share(from.id);
    if (!slot) return ffa::set_error(out, Error::no_memory);
    slot->type = type;
    return mem_transfer_commit(from, lib::ByteView(desc_copy_, total), *slot, out);
  }
  // The first of several fragments: the handle is allocated now and names
  // the transaction in each FFA_MEM_FRAG_TX. One such transaction per
  // lender at a time, in a free reassembly slot.
  MemReassemblies::Slot* r = reassemblies_.free_slot_for(from.id);
  if (!r) return ffa::set_error(out, Error::no_memory);
  uint8_t* bytes = reassemblies_.bytes(*r);
  if (auto s = read_fragment(from, buffer, buffer_pages, fragment, bytes); !s) return ffa::set_error(out, s.error());
  // Once the first fragment holds the composite region's header, the
  // descriptor's length is known: the total must be it. A fragment that
  // holds the whole descriptor with a larger total announces fragments
  // that cannot belong to it.
  if (auto implied = ffa::mem_transaction_length(lib::ByteView(bytes, fragment), from.version);
      implied && *implied != total)
    return ffa::set_error(out, Error::invalid_parameters);
  MemShare* slot = allocate_share(from.id);
  if (!slot) return ffa::set_error(out, Error::no_memory);
  slot->type = type;
  reassemblies_.start(*r, *slot, from.id, total, fragment, buffer, buffer_pages);
  ffa::set_regs(out, ffa::raw(Func::mem_frag_rx), static_cast<uint32_t>(slot->handle),
                static_cast<uint32_t>(slot->handle >> 32), fragment);
}

void Core::mem_frag_tx(const Lender& from, const ffa::Regs& in, ffa::Regs& out) {
  const auto [handle, length, endpoint] = ffa::calls::mem_fragment(in);
  MemReassemblies::Slot* open = reassemblies_.of(from.id);
  // Only the lender continues its transaction, by its handle.
  if (!open || open->share->handle != handle) return ffa::set_error(out, Error::invalid_parameters);
  MemReassemblies::Slot& r = *open;
  MemShare& slot = *r.share;
  // w4[31:16] names the sender only when a hypervisor forwards the call.
  // A fragment that does not fit (MemReassemblies::fits) ends the
  // transaction.
  if (endpoint != 0 || !MemReassemblies::fits(r, length)) {
    free_share(slot);
    return ffa::set_error(out, Error::invalid_parameters);
  }
  uint8_t* bytes = reassemblies_.bytes(r);
  if (auto s = read_fragment(from, r.buffer, r.buffer_pages, length, bytes + r.received); !s) {
    free_share(slot);
    return ffa::set_error(out, s.error());
  }
  const uint32_t total = r.total;
  if (!reassemblies_.received(r, length))
    return ffa::set_regs(out, ffa::raw(Func::mem_frag_rx), static_cast<uint32_t>(handle),
                         static_cast<uint32_t>(handle >> 32), r.received);
  // Complete: the slot is free again, and its bytes stay where they are
  // until the commit (nothing else runs in between).
  mem_transfer_commit(from, lib::ByteView(bytes, total), slot, out);
}

ffa::Status Core::check_constituents(const Lender& from, const MemShare& candidate, bool want_write,
                                     bool& lender_writes) {
  lender_writes = true;
  for (uint32_t i = 0; i < candidate.constituent_count; ++i) {
    const ffa::MemConstituent& c = constituents(candidate)[i];
    // The lender's RX/TX pair is the SPMC's to write: never in a
    // transaction (a partition's pair too, mapped at run time from its
    // own lendable memory).
    if (from.mailbox && from.mailbox->overlaps(c.address, uint64_t{c.pages} * kPageSize)) return Error::denied;
    if (from.nwd) {
      // Normal-world memory only: never secure RAM, never a device.
      if (!placement_.is_ns_memory(c.address, uint64_t{c.pages} * kPageSize)) return Error::invalid_parameters;
    } else {
      // A partition's own memory; it cannot grant more than it holds.
      auto writable = placement_.partition_own_access(from.id, c.address, c.pages);
      if (!writable) return writable.error();
      if (want_write && !*writable) return Error::denied;
      lender_writes = lender_writes && *writable;
    }
  }
  // No page in two transactions (nor twice in this one), nor donated.
  for (uint32_t i = 0; i < candidate.constituent_count; ++i) {
    const ffa::MemConstituent& a = constituents(candidate)[i];
    for (uint32_t j = i + 1; j < candidate.constituent_count; ++j)
      if (overlaps(a, constituents(candidate)[j])) return Error::denied;
    // Every slice of the pool but the candidate's belongs to a ready
    // transaction: ranges are taken only while a descriptor is committed,
    // and that one ends ready or freed.
    const uint32_t mine = candidate.first_constituent, mine_end = mine + candidate.constituent_count;
    const std::span<const ffa::MemConstituent> live = transactions_.live_ranges();
    for (uint32_t j = 0; j < live.size(); ++j)
      if ((j < mine || j >= mine_end) && overlaps(a, live[j])) return Error::denied;
    for (unsigned j = 0; j < donated_count_; ++j)
      if (overlaps(a, donated_[j].range)) return Error::denied;
  }
  return {};
}

bool Core::zero_reachable(const MemShare& s) {
  if (s.ns) return true;  // the normal world's: mapped for the zeroing (failing only for want of room)
  for (uint32_t i = 0; i < s.constituent_count; ++i)
    if (!placement_.partition_memory(constituents(s)[i].address, constituents(s)[i].pages)) return false;
  return true;
}

ffa::Status Core::zero(const MemShare& s) {
  for (uint32_t i = 0; i < s.constituent_count; ++i) {
    const ffa::MemConstituent& c = constituents(s)[i];
    const uint64_t bytes = uint64_t{c.pages} * kPageSize;
    auto va = s.ns ? placement_.map_ns_pages(c.address, c.pages) : placement_.partition_memory(c.address, c.pages);
    // A range the SPMC cannot reach is not zeroed: the caller must refuse,
    // never report success over memory that kept its contents.
    if (!va) return va.error();
    placement_.zero_memory(*va, bytes);
    if (s.ns) placement_.unmap_ns_pages(c.address, *va, c.pages);
  }
  return {};
}

void Core::mem_transfer_commit(const Lender& from, lib::ByteView desc, MemShare& slot, ffa::Regs& out) {
  auto refuse = [&](Error e) {
    free_share(slot);
    ffa::set_error(out, e);
  };
  auto parsed = ffa::parse_mem_transaction(desc, from.version);
  if (!parsed) return refuse(parsed.error());
  const ffa::MemTransaction& t = parsed.value();
  const MemShare::Type type = slot.type;
  if (!(t.sender == from.id) || t.handle != 0) return refuse(Error::invalid_parameters);
  // The caller's total length is the descriptor's, no more (bytes past the
  // last constituent are not part of it).
  if (t.length != desc.size()) return refuse(Error::invalid_parameters);
  // Time slicing always; zeroing for lend and donate only; the rest MBZ.
  const uint32_t allowed = type == MemShare::Type::share ? kFlagTimeSlice : kFlagTimeSlice | kFlagZero;
  if (t.flags & ~allowed) return refuse(Error::invalid_parameters);
  // A donation has exactly one new owner.
  if (type == MemShare::Type::donate && t.receiver_count != 1) return refuse(Error::invalid_parameters);
  // Memory region attributes usage: a donation, or a lend to one borrower,
  // leaves them to the borrower ("not specified": all of them 0; Linux's
  // lends do so); a share, or a lend to several borrowers, names them, and
  // names what Tessera maps.
  const bool borrower_chooses = type == MemShare::Type::donate || (type == MemShare::Type::lend && t.receiver_count == 1);
  if (borrower_chooses) {
    if (t.attributes != 0) return refuse(Error::invalid_parameters);
  } else if (auto a = check_mem_attributes(t.attributes); !a) {
    return refuse(a.error());
  }
  bool want_write = false;
  for (unsigned i = 0; i < t.receiver_count; ++i) {
    const ffa::EndpointId to = t.receivers[i].endpoint;
    const Partition* p = find_partition(to);
    // Receivers are partitions other than the lender, each named once, that
    // may borrow from this lender in this kind of transaction.
    if (!p || to == from.id || p->aborted() || !p->borrows_from(from.nwd, type == MemShare::Type::donate))
      return refuse(Error::invalid_parameters);
    for (unsigned j = 0; j < i; ++j)
      if (t.receivers[j].endpoint == to) return refuse(Error::invalid_parameters);
    const uint8_t data = t.receivers[i].permissions & ffa::mem_perm::data_mask;
    const uint8_t instr = t.receivers[i].permissions & ffa::mem_perm::instr_mask;
    // Instruction access usage: the lender leaves it "not specified" in
    // every transaction (a share or a lend to several borrowers gets NX; a
    // lend to one borrower or a donation is the borrower's to ask for).
    // Data access usage: a share or a lend names read-only or read-write;
    // a donation leaves it "not specified" (the new owner asks).
    if (instr != 0 || data == 3 || (type == MemShare::Type::donate ? data != 0 : data == 0))
      return refuse(Error::invalid_parameters);
    want_write = want_write || data == ffa::mem_perm::data_rw;
  }
  // Its ranges, from the pool (within the lender's quota).
  if (t.constituent_count > MemShare::kMaxConstituents || !allocate_constituents(slot, t.constituent_count))
    return refuse(Error::no_memory);
  ffa::MemConstituent* ranges = mutable_constituents(slot);
  for (uint32_t i = 0; i < t.constituent_count; ++i) ranges[i] = ffa::mem_constituent(desc, t, i);
  slot.ns = from.nwd;
  bool lender_writes = true;
  if (auto s = check_constituents(from, slot, want_write, lender_writes); !s) return refuse(s.error());
  // Memory the lender cannot write cannot be zeroed on its behalf.
  if ((t.flags & kFlagZero) && !lender_writes) return refuse(Error::denied);
  // A donation's ranges are remembered for good once retrieved: there must
  // be room to do so.
  if (type == MemShare::Type::donate && donated_reserved(!from.nwd) + t.constituent_count > kMaxDonatedBySide)
    return refuse(Error::no_memory);
  // A partition's donations that nobody has retrieved yet (it cannot
  // reclaim them) hold at most a quarter of its side: one partition, or a
  // receiver that never retrieves, cannot leave the others none.
  if (type == MemShare::Type::donate && !from.nwd &&
      pending_donated_ranges(from.id) + t.constituent_count > kMaxPendingDonatedByPartition)
    return refuse(Error::no_memory);
  if (!from.nwd && type != MemShare::Type::share) {
    // The lender gives up its own access before anyone else gets it.
    for (uint32_t i = 0; i < slot.constituent_count; ++i) {
      if (auto s = placement_.partition_revoke_own(from.id, constituents(slot)[i].address, constituents(slot)[i].pages);
          !s) {
        for (uint32_t j = 0; j < i; ++j)
          placement_.partition_restore_own(from.id, constituents(slot)[j].address, constituents(slot)[j].pages);
        return refuse(s.error());
      }
    }
  }
  // Zero it before any borrower sees it, through a mapping of our own.
  if (t.flags & kFlagZero) {
    if (auto z = zero(slot); !z) {
      if (!from.nwd && type != MemShare::Type::share)
        for (uint32_t i = 0; i < slot.constituent_count; ++i)
          placement_.partition_restore_own(from.id, constituents(slot)[i].address, constituents(slot)[i].pages);
      return refuse(z.error());
    }
  }
  slot.attributes = t.attributes;
  slot.flags = t.flags;
  slot.tag = t.tag;
  slot.receiver_count = t.receiver_count;
  for (unsigned i = 0; i < t.receiver_count; ++i) {
    slot.receivers[i] = t.receivers[i].endpoint;
    slot.permissions[i] = t.receivers[i].permissions;
    // A donation grants what the donor held: read-write, or read-only for
    // a partition's read-only region (its new owner may read it).
    if (type == MemShare::Type::donate)
      slot.permissions[i] = lender_writes ? ffa::mem_perm::data_rw : ffa::mem_perm::data_ro;
    slot.impdef[i][0] = t.receivers[i].impdef[0];
    slot.impdef[i][1] = t.receivers[i].impdef[1];
    slot.retrieved_as[i] = 0;
    slot.zero_on_relinquish[i] = false;
  }
  slot.state = MemShare::State::ready;
  ffa::set_success(out, static_cast<uint32_t>(slot.handle), static_cast<uint32_t>(slot.handle >> 32));
}

void Core::mem_reclaim(ffa::EndpointId caller, const ffa::Regs& in, ffa::Regs& out) {
  const auto [handle, flags] = ffa::calls::mem_reclaim(in);
  MemShare* s = find_share(handle);
  if (!s || !(s->sender == caller)) return ffa::set_error(out, Error::invalid_parameters);
  // Bit 0 of the flags: zero the memory before the lender has it back;
  // the rest MBZ.
  if (flags & ~kFlagZero) return ffa::set_error(out, Error::invalid_parameters);
  if (s->state == MemShare::State::receiving) {
    // The lender abandons a transaction it was still sending.
    free_share(*s);
    return ffa::set_success(out);
  }
  // Donated memory has a new owner: there is nothing to take back.
  if (s->type == MemShare::Type::donate) return ffa::set_error(out, Error::denied);
  if (s->any_retrieved()) return ffa::set_error(out, Error::denied);  // still in a borrower's hands
  if ((flags & kFlagZero) || s->zero_owed) {
    if (auto z = zero(*s); !z) return ffa::set_error(out, z.error());
  }
  if (!s->ns && s->type == MemShare::Type::lend)
    for (uint32_t i = 0; i < s->constituent_count; ++i)
      placement_.partition_restore_own(s->sender, constituents(*s)[i].address, constituents(*s)[i].pages);
  free_share(*s);
  ffa::set_success(out);
}

}  // namespace spmc
