// The memory transactions the SPMC keeps (FF-A v1.2 chapter 10), a part of
// the core with its own state: the table of live transactions, the pool
// of ranges they hold, their handles, and what each lender holds against
// its quota. The rules of who may share what with whom, and the
// descriptors, are the core's (memory_sharing.cpp, memory_retrieval.cpp);
// this part only finds, allocates and frees, exactly, and never lets a
// lender past its quota (unit tests: test_mem_transactions.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "ffa/ids.h"
#include "ffa/mem_transaction.h"
#include "spmc/endpoint.h"

namespace spmc {

// Memory transactions live at once (Linux registers every TEE shared
// buffer as a transaction of its own), and the ranges they hold in all:
// one pool that transactions take slices of.
inline constexpr size_t kMaxShares = 256;
inline constexpr size_t kMaxPoolConstituents = 4096;

// What one lender may hold at once: live transactions (from its first
// fragment until reclaim, or until a donation is retrieved) and their
// ranges. Going over answers NO_MEMORY, as a full table or pool does.
struct MemQuota {
  uint32_t transactions;
  uint32_t ranges;
};

// Whose quota a transaction counts against: the normal world's, or that
// of partition `index` of the core's table.
struct Holder {
  bool nwd = true;
  size_t index = 0;
};

class MemTransactions {
 public:
  // `nwd_quota` is the normal world's, and is kept for it: partitions
  // together never hold more than what it leaves of the table and pool;
  // `sp_quota` is each partition's within that.
  MemTransactions(MemQuota nwd_quota, MemQuota sp_quota) : nwd_quota_(nwd_quota), sp_quota_(sp_quota) {}

  // The live transaction with this handle, or null (a handle of one that
  // ended is never valid again).
  MemShare* find(uint64_t handle);
  const MemShare* find(uint64_t handle) const { return const_cast<MemTransactions*>(this)->find(handle); }
  // A free slot (state receiving, a new handle) for `sender`, whose quota
  // is `h`'s; null when the table is full or the quota is.
  MemShare* allocate(Holder h, ffa::EndpointId sender);
  // `n` ranges from the pool for `s` (none yet), counted against `h`;
  // false (nothing taken) when the pool or the quota has no room.
  bool allocate_ranges(Holder h, MemShare& s, uint32_t n);
  // The slot and its ranges back, uncounted from `h` (its sender's).
  void release(Holder h, MemShare& s);

  // The ranges of `s` (constituent_count of them).
  ffa::MemConstituent* ranges(const MemShare& s) { return pool_ + s.first_constituent; }
  const ffa::MemConstituent* ranges(const MemShare& s) const { return pool_ + s.first_constituent; }
  // The ranges of every live transaction (one still arriving in fragments
  // has none yet).
  std::span<const ffa::MemConstituent> live_ranges() const { return {pool_, pool_used_}; }
  std::span<MemShare> slots() { return shares_; }
  std::span<const MemShare> slots() const { return shares_; }
  size_t in_use() const;
  size_t ranges_in_use() const { return pool_used_; }
  // What `h` holds now.
  MemQuota held(Holder h) const { return h.nwd ? nwd_held_ : sp_held_[h.index]; }
  // Whether `h` may hold `more` than it does: within its quota and, for a
  // partition, within what the normal world's quota leaves.
  bool within_quota(Holder h, MemQuota more) const;

 private:
  MemQuota& held_ref(Holder h) { return h.nwd ? nwd_held_ : sp_held_[h.index]; }

  MemQuota nwd_quota_, sp_quota_;
  MemShare shares_[kMaxShares];
  // The ranges of every live transaction, each a contiguous slice, kept
  // packed in [0, pool_used_) (mem_transactions.cpp says why).
  ffa::MemConstituent pool_[kMaxPoolConstituents];
  uint32_t pool_used_ = 0;
  MemQuota nwd_held_{0, 0};
  MemQuota sp_held_[kMaxPartitions] = {};
  MemQuota sp_total_{0, 0};  // the partitions together
  uint64_t generation_ = 0;
};

}  // namespace spmc
