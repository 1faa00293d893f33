// The table of memory transactions, their pool of ranges and the lenders'
// quotas (mem_transactions.h).
#include "spmc/mem_transactions.h"

namespace spmc {

MemShare* MemTransactions::find(uint64_t handle) {
  const uint64_t slot = handle & 0xFFFF;
  if (slot == 0 || slot > kMaxShares || (handle >> 63) != 0) return nullptr;
  MemShare& s = shares_[slot - 1];
  return s.state != MemShare::State::free && s.handle == handle ? &s : nullptr;
}

size_t MemTransactions::in_use() const {
  size_t n = 0;
  for (const MemShare& s : shares_) n += s.state != MemShare::State::free ? 1 : 0;
  return n;
}

bool MemTransactions::within_quota(Holder h, MemQuota more) const {
  const MemQuota held = this->held(h);
  const MemQuota q = h.nwd ? nwd_quota_ : sp_quota_;
  if (uint64_t{held.transactions} + more.transactions > q.transactions || uint64_t{held.ranges} + more.ranges > q.ranges)
    return false;
  if (h.nwd) return true;
  // Partitions together: what the normal world's quota leaves.
  return uint64_t{sp_total_.transactions} + more.transactions + nwd_quota_.transactions <= kMaxShares &&
         uint64_t{sp_total_.ranges} + more.ranges + nwd_quota_.ranges <= kMaxPoolConstituents;
}

MemShare* MemTransactions::allocate(Holder h, ffa::EndpointId sender) {
  if (!within_quota(h, MemQuota{1, 0})) return nullptr;
  for (MemShare& s : shares_) {
    if (s.state != MemShare::State::free) continue;
    s.clear();
    s.state = MemShare::State::receiving;
    s.sender = sender;
    // Handle: the slot number, and above it a 47-bit generation (it never
    // wraps in practice) so that an ended transaction's handle is never
    // valid again; bit 63 stays clear (allocated by the SPMC).
    generation_ = (generation_ + 1) & ((1ull << 47) - 1);
    s.handle = (generation_ << 16) | static_cast<uint64_t>(&s - shares_ + 1);
    ++held_ref(h).transactions;
    if (!h.nwd) ++sp_total_.transactions;
    return &s;
  }
  return nullptr;
}

// The pool of ranges: each transaction holds one contiguous slice, and the
// slices are kept packed at the start of the pool (a transaction that ends
// moves the slices after its own down over it). This is the simplest
// scheme that is exact: a transaction of n ranges fits whenever n ranges
// are free (no fragmentation, so the quotas are what a lender can really
// get, and nothing depends on the order transactions end in), allocation
// is taking the next n entries, and the accounting is one counter. The
// price is a copy of the slices that follow when a transaction ends: at
// most 4,096 entries of 16 bytes, none when it is the last one, as in a
// lone share-reclaim cycle. A free list with first fit would avoid the
// copy but could refuse a transaction with enough ranges free in pieces.
bool MemTransactions::allocate_ranges(Holder h, MemShare& s, uint32_t n) {
  if (s.constituent_count != 0 || n > kMaxPoolConstituents - pool_used_) return false;
  if (!within_quota(h, MemQuota{0, n})) return false;
  s.first_constituent = pool_used_;
  s.constituent_count = n;
  pool_used_ += n;
  held_ref(h).ranges += n;
  if (!h.nwd) sp_total_.ranges += n;
  return true;
}

void MemTransactions::release(Holder h, MemShare& s) {
  if (s.state == MemShare::State::free) return;
  const uint32_t n = s.constituent_count;
  MemQuota& held = held_ref(h);
  --held.transactions;
  held.ranges -= n;
  if (!h.nwd) {
    --sp_total_.transactions;
    sp_total_.ranges -= n;
  }
  if (n != 0 && s.first_constituent + n != pool_used_) {  // not the last slice: close the gap
    const uint32_t first = s.first_constituent;
    for (uint32_t i = first + n; i < pool_used_; ++i) pool_[i - n] = pool_[i];
    for (MemShare& other : shares_)
      if (other.constituent_count != 0 && other.first_constituent > first) other.first_constituent -= n;
  }
  pool_used_ -= n;
  s.constituent_count = 0;
  s.clear();
}

}  // namespace spmc
