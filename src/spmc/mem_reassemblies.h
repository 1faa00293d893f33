// Memory transaction descriptors that arrive in fragments (FF-A v1.2
// section 10.3, FFA_MEM_FRAG_TX): each lender may have one at a time, and
// kSlots lenders at once (the normal world, or VMs behind a hypervisor, and
// partitions), each in its own buffer, so that one lender's transaction
// never stalls or mixes with another's.
//
// The rules this part keeps, whichever call moves a reassembly:
//  - one open reassembly per lender, found by the lender's ID alone;
//  - a fragment after the first holds whole constituents (16 bytes each)
//    and never more than the total announced; one that lies is refused
//    (the caller ends the transaction);
//  - a slot belongs to its transaction: it is free again once the
//    descriptor is complete, or once the transaction ends any other way.
// Where the bytes come from (a TX buffer, a buffer given by address) and
// what the complete descriptor means are the core's business.
#pragma once

#include <cstdint>

#include "ffa/ids.h"
#include "ffa/mem_transaction.h"
#include "spmc/endpoint.h"

namespace spmc {

class MemReassemblies {
 public:
  static constexpr unsigned kSlots = 4;
  // A descriptor's size at most (one transaction of 256 ranges fits).
  static constexpr uint32_t kMaxDescriptor = 8192;

  struct Slot {
    MemShare* share = nullptr;  // null: the slot is free
    ffa::EndpointId lender;
    uint32_t total = 0, received = 0;
    uint64_t buffer = 0;  // a buffer given by address, or 0 for the TX buffer
    uint32_t buffer_pages = 0;
    bool open() const { return share != nullptr; }
  };

  // The one `lender` has open, or null.
  Slot* of(ffa::EndpointId lender) {
    for (Slot& s : slots_)
      if (s.open() && s.lender == lender) return &s;
    return nullptr;
  }
  // A free slot for `lender`'s first fragment, or null when it has one open
  // already, or every slot is taken, or its side of the world switch (the
  // partitions, or the normal world's endpoints) holds all but one: the
  // last is the other side's, so that partitions that never finish their
  // transactions cannot stop the normal world's, nor the reverse. The
  // first fragment goes to bytes() of it before start() opens it.
  Slot* free_slot_for(ffa::EndpointId lender) {
    if (of(lender)) return nullptr;
    unsigned same_side = 0;
    for (const Slot& s : slots_)
      if (s.open() && s.lender.is_secure() == lender.is_secure()) ++same_side;
    if (same_side >= kSlots - 1) return nullptr;
    for (Slot& s : slots_)
      if (!s.open()) return &s;
    return nullptr;
  }
  // Opens `slot` for transaction `share`: `first` of `total` bytes arrived.
  void start(Slot& slot, MemShare& share, ffa::EndpointId lender, uint32_t total, uint32_t first, uint64_t buffer,
             uint32_t buffer_pages) {
    slot = Slot{&share, lender, total, first, buffer, buffer_pages};
  }
  // Whether a further fragment of `length` bytes may follow in `slot`.
  static bool fits(const Slot& slot, uint32_t length) {
    return length != 0 && length % ffa::kMemConstituentSize == 0 && length <= slot.total - slot.received;
  }
  // The slot's buffer; the next fragment goes at bytes(slot) + received.
  uint8_t* bytes(const Slot& slot) { return buffers_[&slot - slots_]; }
  // `length` more bytes arrived (fits() said they may): whether the
  // descriptor is complete. A complete one frees its slot; its bytes stay
  // until the next first fragment in it.
  bool received(Slot& slot, uint32_t length) {
    slot.received += length;
    if (slot.received < slot.total) return false;
    slot = Slot{};
    return true;
  }
  // Transaction `share` ends (refused, or freed with its lender): its
  // slot, if it has one, is free again.
  void forget(const MemShare& share) {
    for (Slot& s : slots_)
      if (s.share == &share) s = Slot{};
  }
  unsigned open_count() const {
    unsigned n = 0;
    for (const Slot& s : slots_) n += s.open() ? 1 : 0;
    return n;
  }

 private:
  Slot slots_[kSlots];
  uint8_t buffers_[kSlots][kMaxDescriptor];
};

}  // namespace spmc
