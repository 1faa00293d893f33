// FF-A v1.2 chapter 10 "Memory management", the borrower's side: a
// partition retrieves a transaction into its address space
// (FFA_MEM_RETRIEVE_REQ; the response comes in its RX buffer, continued by
// FFA_MEM_FRAG_RX when longer than the buffer) and gives it back
// (FFA_MEM_RELINQUISH). The trusted OS, inside the SPMC, does the same
// through LocalMemory.
#include "spmc/core.h"

#include "ffa/calls.h"
#include "lib/log.h"

namespace spmc {

using ffa::Error;
using ffa::Func;
using ffa::kMemConstituentSize;

namespace {
constexpr uint32_t kTypeShift = 3;  // retrieve flags [4:3]: 1 share, 2 lend, 3 donate
constexpr uint32_t kTypeMask = 3u << kTypeShift;
constexpr uint32_t kFlagZero = 1u << 0;
// Retrieve request flags (FF-A v1.2, flags usage in FFA_MEM_RETRIEVE_REQ):
// bit 0 zero before retrieve, 1 time slicing, 2 zero after relinquish,
// [4:3] transaction type, [8:5] address range alignment hint, 9 hint
// valid, 10 (v1.2) bypass the multiple borrower identification check.
constexpr uint32_t kRetrieveZeroAfter = 1u << 2;
constexpr uint32_t kRetrieveHint = 0xFu << 5, kRetrieveHintValid = 1u << 9;
constexpr uint32_t kRetrieveBypass = 1u << 10;
constexpr uint32_t kRetrieveFlagsV1_2 = (1u << 11) - 1, kRetrieveFlagsV1_1 = (1u << 10) - 1;
constexpr uint16_t kAttrNs = 1u << 6;  // retrieve response: the memory is non-secure

// Where things are in a retrieve response for one receiver (Table 10.21):
// the v1.0 header is 32 bytes with the access descriptor inline, the
// v1.1+ header 48 bytes with it at an offset; v1.2 access descriptors
// are 32 bytes, older ones 16.
struct ResponseLayout {
  uint32_t access_offset, access_size, composite_offset;
  uint32_t constituents_offset() const { return composite_offset + 16; }
  uint32_t length(uint32_t constituents) const { return constituents_offset() + kMemConstituentSize * constituents; }
};
ResponseLayout response_layout(ffa::Version v) {
  const uint32_t header = v >= ffa::kVersion1_1 ? 48 : 32;
  const uint32_t access = v >= ffa::kVersion1_2 ? 32 : 16;
  return ResponseLayout{header, access, header + access};
}
}  // namespace

uint32_t Core::build_retrieve_response(const MemShare& s, unsigned me, ffa::Version version) {
  const ResponseLayout l = response_layout(version);
  const uint32_t length = l.length(s.constituent_count);
  lib::MutableByteView b(desc_copy_, length);  // length <= kMaxDescriptor: 256 constituents
  for (uint32_t i = 0; i < length; ++i) desc_copy_[i] = 0;
  uint32_t total_pages = 0;
  for (uint32_t i = 0; i < s.constituent_count; ++i) total_pages += constituents(s)[i].pages;
  // Memory the lender left to the borrower is described as it is mapped.
  const uint16_t mapped = s.attributes != 0 ? s.attributes : ffa::mem_attr::normal_wb_inner;
  const uint16_t attributes = static_cast<uint16_t>(mapped | (s.ns ? kAttrNs : 0));
  const uint32_t flags = static_cast<uint32_t>(s.type) << kTypeShift;
  (void)b.put_le16(0, s.sender.raw());
  if (version >= ffa::kVersion1_1) {
    (void)b.put_le16(2, attributes);
    (void)b.put_le32(24, l.access_size);
    (void)b.put_le32(28, 1);
    (void)b.put_le32(32, l.access_offset);
  } else {
    desc_copy_[2] = static_cast<uint8_t>(attributes);
    (void)b.put_le32(28, 1);
  }
  (void)b.put_le32(4, flags);
  (void)b.put_le64(8, s.handle);
  (void)b.put_le64(16, s.tag);
  (void)b.put_le16(l.access_offset, s.receivers[me].raw());
  desc_copy_[l.access_offset + 2] = s.retrieved_as[me];
  if (l.access_size == 32) {  // v1.2: the lender's implementation-defined value
    (void)b.put_le64(l.access_offset + 8, s.impdef[me][0]);
    (void)b.put_le64(l.access_offset + 16, s.impdef[me][1]);
  }
  (void)b.put_le32(l.access_offset + 4, l.composite_offset);
  (void)b.put_le32(l.composite_offset, total_pages);
  (void)b.put_le32(l.composite_offset + 4, s.constituent_count);
  for (uint32_t i = 0; i < s.constituent_count; ++i) {
    (void)b.put_le64(l.constituents_offset() + kMemConstituentSize * i, constituents(s)[i].address);
    (void)b.put_le32(l.constituents_offset() + kMemConstituentSize * i + 8, constituents(s)[i].pages);
  }
  return length;
}

// Copies the response fragment at `offset` (built in desc_copy_) into the
// RX buffer and hands the buffer over. A fragment that is not the last
// ends on a constituent boundary, as FF-A requires.
uint32_t Core::deliver_response_fragment(Mailbox& mailbox, uint32_t total, uint32_t offset,
                                         uint32_t constituents_offset) {
  const lib::MutableByteView rx = mailbox.rx();
  uint32_t end = total;
  if (total - offset > rx.size()) {
    end = offset + static_cast<uint32_t>(rx.size());
    if (end > constituents_offset) end -= (end - constituents_offset) % kMemConstituentSize;
  }
  for (uint32_t i = offset; i < end; ++i) rx.data()[i - offset] = desc_copy_[i];
  mailbox.mark_rx_full();
  return end - offset;
}

void Core::donation_delivered(MemShare& s, unsigned me) {
  // The receiver owns the memory now; the handle has served its purpose.
  for (uint32_t i = 0; i < s.constituent_count && donated_count_ < kMaxDonated; ++i)
    donated_[donated_count_++] = Donated{s.receivers[me], constituents(s)[i], s.sender.is_secure()};
  free_share(s);
}

void Core::mem_retrieve_from_sp(size_t index, const ffa::Regs& in, ffa::Regs& out) {
  Partition& p = partitions_[index];
  const auto [total, fragment, buffer, buffer_pages] = ffa::calls::mem_transaction(in);
  // The request comes whole in the TX buffer.
  if (buffer != 0 || buffer_pages != 0 || fragment != total || total == 0)
    return ffa::set_error(out, Error::invalid_parameters);
  if (!p.mailbox.mapped()) return ffa::set_error(out, Error::denied);
  if (total > p.mailbox.size_bytes() || total > kMaxDescriptor) return ffa::set_error(out, Error::invalid_parameters);
  for (uint32_t i = 0; i < total; ++i) desc_copy_[i] = p.mailbox.tx().data()[i];
  auto parsed = ffa::parse_mem_transaction(lib::ByteView(desc_copy_, total), p.version, true);
  if (!parsed) return ffa::set_error(out, parsed.error());
  const ffa::MemTransaction& req = parsed.value();
  // The request (retrieve request descriptor, FF-A v1.2 chapter 10) field
  // by field. Its length is the header and the access descriptors, no
  // more; it names no ranges (Tessera maps at VA = PA, it cannot map where
  // a borrower asks), and the receiver flags are the SPMC's to set.
  if (req.length != total || req.constituent_count != 0) return ffa::set_error(out, Error::invalid_parameters);
  for (unsigned i = 0; i < req.receiver_count; ++i)
    if (req.receivers[i].flags != 0) return ffa::set_error(out, Error::invalid_parameters);
  MemShare* s = find_share(req.handle);
  if (!s || s->state != MemShare::State::ready) return ffa::set_error(out, Error::invalid_parameters);
  // The caller must be a receiver of the transaction, name itself, and
  // describe the transaction as its lender did (sender, tag, type when
  // given).
  const unsigned me = receiver_index(*s, p.info.id);
  unsigned named = req.receiver_count;
  for (unsigned i = 0; i < req.receiver_count; ++i)
    if (req.receivers[i].endpoint == p.info.id) named = i;
  if (me == s->receiver_count || named == req.receiver_count || !(req.sender == s->sender) || req.tag != s->tag)
    return ffa::set_error(out, Error::invalid_parameters);
  // Flags: the bits this version defines; no alignment hint (the memory
  // goes at VA = PA); the transaction type when given.
  const uint32_t flags = req.flags;
  if ((flags & ~(p.version >= ffa::kVersion1_2 ? kRetrieveFlagsV1_2 : kRetrieveFlagsV1_1)) != 0 ||
      (flags & (kRetrieveHint | kRetrieveHintValid)) != 0)
    return ffa::set_error(out, Error::invalid_parameters);
  const uint32_t type_bits = static_cast<uint32_t>(s->type) << kTypeShift;
  if ((flags & kTypeMask) != 0 && (flags & kTypeMask) != type_bits)
    return ffa::set_error(out, Error::invalid_parameters);
  // The borrowers: every one the lender named (each once: the parser
  // refuses duplicates), or, with the bypass flag, the caller alone.
  if (flags & kRetrieveBypass) {
    if (req.receiver_count != 1) return ffa::set_error(out, Error::invalid_parameters);
  } else {
    if (req.receiver_count != s->receiver_count) return ffa::set_error(out, Error::invalid_parameters);
    for (unsigned i = 0; i < req.receiver_count; ++i)
      if (receiver_index(*s, req.receivers[i].endpoint) == s->receiver_count)
        return ffa::set_error(out, Error::invalid_parameters);
  }
  const ffa::MemAccess& mine = req.receivers[named];
  // The implementation-defined value the lender gave this borrower (v1.2
  // access descriptors carry it) comes back unchanged.
  if (mine.impdef[0] != s->impdef[me][0] || mine.impdef[1] != s->impdef[me][1])
    return ffa::set_error(out, Error::invalid_parameters);
  if (s->retrieved(me)) return ffa::set_error(out, Error::denied);
  // Instruction access usage: a share, or a lend to several borrowers,
  // leaves it "not specified" (the borrower gets NX); a lend to one
  // borrower or a donation may ask for NX, never for execution.
  const uint8_t asked_instr = mine.permissions & ffa::mem_perm::instr_mask;
  const bool single = s->type != MemShare::Type::share && s->receiver_count == 1;
  if (!single && asked_instr != 0) return ffa::set_error(out, Error::invalid_parameters);
  if (asked_instr == ffa::mem_perm::instr_x) return ffa::set_error(out, Error::denied);
  // Memory region attributes: where the lender named them, the borrower
  // names the same or nothing; where it left them to the borrower, the
  // borrower names what Tessera maps (normal, write-back, inner shareable)
  // or nothing.
  if (req.attributes != 0) {
    if (s->attributes != 0) {
      if (req.attributes != s->attributes) return ffa::set_error(out, Error::invalid_parameters);
    } else if (auto a = check_mem_attributes(req.attributes); !a) {
      return ffa::set_error(out, a.error());
    }
  }
  // It gets the stricter of what it asks for and what it was granted; it
  // cannot ask for more.
  const uint8_t granted = s->permissions[me] & ffa::mem_perm::data_mask;
  const uint8_t asked = mine.permissions & ffa::mem_perm::data_mask;
  if (asked > granted) return ffa::set_error(out, Error::denied);
  const uint8_t data = asked != 0 ? asked : granted;
  // Zeroing (bits 0 and 2): never for shared memory, which the lender
  // still uses; before retrieve only if the lender zeroed it (it did, at
  // the lend); after relinquish only for the only borrower (as
  // FFA_MEM_RELINQUISH's flag). Either needs write access.
  const bool zero_before = (flags & kFlagZero) != 0, zero_after = (flags & kRetrieveZeroAfter) != 0;
  if ((zero_before || zero_after) && s->type == MemShare::Type::share)
    return ffa::set_error(out, Error::invalid_parameters);
  if (zero_after && s->receiver_count > 1) return ffa::set_error(out, Error::invalid_parameters);
  if (zero_before && (s->flags & kFlagZero) == 0) return ffa::set_error(out, Error::denied);
  if ((zero_before || zero_after) && data != ffa::mem_perm::data_rw) return ffa::set_error(out, Error::denied);
  // Nor after relinquish where the SPMC could never reach the memory to
  // zero it (a partition's own memory outside what partition_memory
  // serves): the relinquish, or the lender's reclaim once the zeroing is
  // owed, would be refused for good.
  if (zero_after && !zero_reachable(*s)) return ffa::set_error(out, Error::denied);
  if (!p.mailbox.rx_free()) return ffa::set_error(out, Error::busy);
  // Map every constituent into the partition, never executable.
  const bool writable = data == ffa::mem_perm::data_rw;
  for (uint32_t i = 0; i < s->constituent_count; ++i) {
    auto st = placement_.partition_map_shared(p.info.id, constituents(*s)[i].address, constituents(*s)[i].pages,
                                              writable, s->ns);
    if (!st) {
      for (uint32_t j = 0; j < i; ++j)
        placement_.partition_unmap_shared(p.info.id, constituents(*s)[j].address, constituents(*s)[j].pages);
      return ffa::set_error(out, st.error());
    }
  }
  s->retrieved_as[me] = static_cast<uint8_t>(data | ffa::mem_perm::instr_nx);
  s->zero_on_relinquish[me] = zero_after;
  const uint32_t length = build_retrieve_response(*s, me, p.version);
  const uint32_t sent = deliver_response_fragment(p.mailbox, length, 0, response_layout(p.version).constituents_offset());
  ffa::set_regs(out, ffa::raw(Func::mem_retrieve_resp), length, sent);
  if (sent == length && s->type == MemShare::Type::donate) donation_delivered(*s, me);
}

void Core::mem_frag_rx_from_sp(size_t index, const ffa::Regs& in, ffa::Regs& out) {
  Partition& p = partitions_[index];
  const auto [handle, offset, endpoint] = ffa::calls::mem_fragment(in);
  MemShare* s = find_share(handle);
  // w4[31:16] names the endpoint only when a hypervisor asks.
  if (!s || s->state != MemShare::State::ready || endpoint != 0) return ffa::set_error(out, Error::invalid_parameters);
  const unsigned me = receiver_index(*s, p.info.id);
  if (me == s->receiver_count || !s->retrieved(me)) return ffa::set_error(out, Error::invalid_parameters);
  const ResponseLayout l = response_layout(p.version);
  const uint32_t length = l.length(s->constituent_count);
  // Fragments after the first start at a constituent.
  if (offset <= l.constituents_offset() || offset >= length || (offset - l.constituents_offset()) % kMemConstituentSize)
    return ffa::set_error(out, Error::invalid_parameters);
  if (!p.mailbox.rx_free()) return ffa::set_error(out, Error::busy);
  (void)build_retrieve_response(*s, me, p.version);
  const uint32_t sent = deliver_response_fragment(p.mailbox, length, offset, l.constituents_offset());
  ffa::set_regs(out, ffa::raw(Func::mem_frag_tx), static_cast<uint32_t>(handle), static_cast<uint32_t>(handle >> 32),
                sent);
  if (offset + sent == length && s->type == MemShare::Type::donate) donation_delivered(*s, me);
}

void Core::unmap_from(const MemShare& s, ffa::EndpointId borrower) {
  for (uint32_t i = 0; i < s.constituent_count; ++i)
    placement_.partition_unmap_shared(borrower, constituents(s)[i].address, constituents(s)[i].pages);
}

void Core::map_back(const MemShare& s, ffa::EndpointId borrower) {
  // (Read-write: only such a borrower gets here. The tables the unmap just
  // let go are there to take again, under the same lock, so this does not
  // fail; if it did, the borrower would fault on what it still holds.)
  for (uint32_t i = 0; i < s.constituent_count; ++i)
    if (!placement_.partition_map_shared(borrower, constituents(s)[i].address, constituents(s)[i].pages, true, s.ns))
      lib::log::error("partition {:x}: its access to {:x} (+{} pages) could not be given back", borrower.raw(),
                      constituents(s)[i].address, constituents(s)[i].pages);
}

void Core::mem_relinquish_from_sp(size_t index, ffa::Regs& out) {
  Partition& p = partitions_[index];
  if (!p.mailbox.mapped()) return ffa::set_error(out, Error::denied);
  // Relinquish descriptor (Table 10.26): u64 handle, u32 flags, u32
  // endpoint count, u16 endpoints[]. A partition relinquishes for itself.
  uint8_t copy[18];
  for (unsigned i = 0; i < sizeof(copy); ++i) copy[i] = p.mailbox.tx().data()[i];
  const lib::ByteView d(copy, sizeof(copy));
  const uint64_t handle = *d.le64(0);
  const uint32_t flags = *d.le32(8), count = *d.le32(12);
  const uint16_t who = *d.le16(16);
  MemShare* s = find_share(handle);
  if (!s || s->state != MemShare::State::ready || (flags & ~kFlagZero) != 0 || count != 1 || who != p.info.id.raw())
    return ffa::set_error(out, Error::invalid_parameters);
  const unsigned me = receiver_index(*s, p.info.id);
  if (me == s->receiver_count || !s->retrieved(me)) return ffa::set_error(out, Error::invalid_parameters);
  const bool zeroing = (flags & kFlagZero) || s->zero_on_relinquish[me];
  if (zeroing) {
    // Zeroing on the way out (asked now, or when it retrieved): for lent
    // memory the borrower could write.
    // Not while others may still use it: shared memory, or several borrowers.
    if (s->type == MemShare::Type::share || s->receiver_count > 1)
      return ffa::set_error(out, Error::invalid_parameters);
    if ((s->retrieved_as[me] & ffa::mem_perm::data_mask) != ffa::mem_perm::data_rw)
      return ffa::set_error(out, Error::denied);
  }
  // Its access goes first, from every CPU's TLB: its other execution
  // contexts may be running, and must not write after the zeroing.
  unmap_from(*s, p.info.id);
  if (zeroing) {
    if (auto z = zero(*s); !z) {
      // Not zeroed: refused, and its access comes back as it was.
      map_back(*s, p.info.id);
      return ffa::set_error(out, z.error());
    }
  }
  s->retrieved_as[me] = 0;
  s->zero_on_relinquish[me] = false;
  // Nobody will reclaim what an aborted partition lent: free it when the
  // last borrower lets go.
  if (lender_aborted(*s) && !s->any_retrieved()) free_share(*s);
  ffa::set_success(out);
}

bool Core::lender_aborted(const MemShare& s) const {
  const Partition* lender = s.sender.is_secure() ? find_partition(s.sender) : nullptr;
  return lender && lender->aborted();
}

void Core::release_memory_of(size_t index) {
  const ffa::EndpointId id = partitions_[index].info.id;
  if (MemReassemblies::Slot* r = reassemblies_.of(id)) free_share(*r->share);
  for (MemShare& s : transactions_.slots()) {
    if (s.state != MemShare::State::ready) continue;
    const unsigned me = receiver_index(s, id);
    if (me < s.receiver_count && s.retrieved(me)) {
      // It asked for the memory to be zeroed when it lets go: so it is,
      // when it is made to, once none of its contexts still running
      // elsewhere can write it; if that cannot be done now, before the
      // lender gets it back (zero_owed): what it wrote never reaches the
      // lender.
      unmap_from(s, id);
      if (s.zero_on_relinquish[me] && !zero(s)) s.zero_owed = true;
      s.retrieved_as[me] = 0;
      s.zero_on_relinquish[me] = false;
    }
    if (lender_aborted(s) && !s.any_retrieved()) free_share(s);
  }
}

ffa::Result<LocalShare> Core::local_retrieve(ffa::EndpointId me, ffa::EndpointId lender, uint64_t handle) {
  MemShare* s = find_share(handle);
  if (!s || s->state != MemShare::State::ready || !(s->sender == lender)) return Error::invalid_parameters;
  const unsigned i = receiver_index(*s, me);
  const Partition* p = find_partition(me);
  if (i == s->receiver_count || !p || !p->in_image()) return Error::invalid_parameters;
  if (s->retrieved(i)) return Error::denied;
  // The endpoint sees it as one buffer: one range, or (where the
  // placement can) several mapped back to back.
  uint64_t pages = 0;
  for (uint32_t k = 0; k < s->constituent_count; ++k) pages += constituents(*s)[k].pages;
  auto va = placement_.map_ns_ranges(constituents(*s), s->constituent_count);
  if (!va) return va.error();
  const uint8_t data = s->permissions[i] & ffa::mem_perm::data_mask;
  s->retrieved_as[i] = static_cast<uint8_t>(data | ffa::mem_perm::instr_nx);
  s->local_va = *va;
  if (s->type == MemShare::Type::donate) donation_delivered(*s, i);
  return LocalShare{lib::MutableByteView(*va, pages * kPageSize), data == ffa::mem_perm::data_rw};
}

ffa::Result<unsigned> Core::local_ranges(ffa::EndpointId me, ffa::EndpointId lender, uint64_t handle,
                                         ffa::MemConstituent* out, unsigned max, bool& writable) {
  MemShare* s = find_share(handle);
  if (!s || s->state != MemShare::State::ready || !(s->sender == lender)) return Error::invalid_parameters;
  const unsigned i = receiver_index(*s, me);
  const Partition* p = find_partition(me);
  if (i == s->receiver_count || !p || !p->in_image()) return Error::invalid_parameters;
  // Held already as one mapped buffer (local_retrieve): not both ways. A
  // donation would end the transaction these ranges are read from.
  if (s->local_va || s->type == MemShare::Type::donate) return Error::denied;
  const uint8_t data = s->permissions[i] & ffa::mem_perm::data_mask;
  if (!s->retrieved(i)) s->retrieved_as[i] = static_cast<uint8_t>(data | ffa::mem_perm::instr_nx);
  writable = data == ffa::mem_perm::data_rw;
  // Copies: the pool compacts when other transactions end.
  const ffa::MemConstituent* c = constituents(*s);
  for (unsigned k = 0; k < s->constituent_count && k < max; ++k) out[k] = c[k];
  return s->constituent_count;
}

ffa::Status Core::local_relinquish(ffa::EndpointId me, uint64_t handle) {
  MemShare* s = find_share(handle);
  if (!s || s->state != MemShare::State::ready) return Error::invalid_parameters;
  const unsigned i = receiver_index(*s, me);
  if (i == s->receiver_count || !s->retrieved(i)) return Error::invalid_parameters;
  // Mapped in the SPMC only when taken as one buffer (local_retrieve).
  if (s->local_va) placement_.unmap_ns_ranges(constituents(*s), s->constituent_count, s->local_va);
  s->retrieved_as[i] = 0;
  s->local_va = nullptr;
  return {};
}

}  // namespace spmc
