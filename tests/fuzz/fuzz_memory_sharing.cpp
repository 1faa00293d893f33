// Fuzz target: the memory-sharing state machine. The input is a sequence
// of operations by random endpoints (the normal world, three partitions,
// the trusted OS inside the SPMC): share, lend and donate (whole or in
// fragments, normal-world memory or a partition's own), retrieve, the rest
// of a response, relinquish, reclaim, RX release, aborts, and raw
// descriptors. After every step the invariants of FF-A's ownership rules
// are checked against the fake placement's model of every address space:
//  - a page a partition borrowed is mapped only while a live transaction
//    says it holds it (or it was donated to it), never writable unless it
//    holds it writable, and in the right security state;
//  - a partition that lent or donated memory has no access to it, and gets
//    it back when the transaction ends;
//  - no page is in two live transactions;
//  - no handle is lost: every handle a lender was given stays valid until
//    reclaimed, completed as a donation, abandoned, or its lender aborted;
//  - the SPMC's own mappings are the RX/TX pair and what the trusted OS holds.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "arch/fake/fake_placement.h"
#include "fuzz_check.h"
#include "fuzz_input.h"
#include "spmc/core.h"

namespace {

using ffa::EndpointId;
using ffa::Func;
using ffa::Regs;
using spmc::MemShare;

constexpr uint64_t kNs = 0x40000000, kTx = kNs, kRx = kNs + 0x1000, kPool = kNs + 0x10000;
constexpr unsigned kPoolPages = 32, kOwnPages = 8, kSps = 3;
constexpr uint16_t kTos = 0x8100;
constexpr uint64_t kOwnBase = fake::FakePlacement::kSecureBase;
uint16_t sp_id(unsigned i) { return static_cast<uint16_t>(0x8001 + i); }
uint64_t own_base(unsigned i) { return kOwnBase + uint64_t{i} * kOwnPages * 0x1000; }

class Dummy final : public spmc::LocalEndpoint {
 public:
  void on_direct_request(const spmc::DirectMessage&, spmc::DirectMessage&) override {}
};

void put(uint8_t* b, size_t off, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
}
uint64_t get(const uint8_t* b, size_t off, size_t n) {
  uint64_t v = 0;
  for (size_t k = 0; k < n; ++k) v |= uint64_t{b[off + k]} << (8 * k);
  return v;
}

struct World {
  fake::FakePlacement placement{kNs, 1u << 20};
  Dummy dummy;
  spmc::Core core{placement, spmc::CoreConfig{EndpointId(0x8000), ffa::kVersion1_2}};
  uint8_t sp_tx[kSps][4096] = {}, sp_rx[kSps][4096] = {};
  uint8_t desc[8192] = {};
  bool aborted[kSps] = {};
  // Handles lenders were given, and whether they may vanish without the
  // lender's doing (its lender aborted).
  std::map<uint64_t, bool> live;
  std::set<uint64_t> handles_seen;
  std::set<std::pair<uint16_t, uint64_t>> donated_to;  // (owner, page) after a completed donation
  std::map<uint64_t, uint16_t> lender_of;
  std::map<uint64_t, MemShare::Type> type_of;

  Regs nwd(const Regs& in) {
    Regs out{};
    (void)core.handle_nwd_call(in, out);
    return out;
  }
  Regs sp(unsigned i, const Regs& in) {
    Regs out{};
    (void)core.handle_sp_call(i, in, out);
    return out;
  }
};

// A transaction descriptor built from the input: 1-3 receivers, 1-3 ranges
// from `base` (pages counted from it), in `desc`. Its length.
// Mostly as FF-A's usage rules want for `f` (attributes and data access
// left to the borrower in a donation, attributes in a lend to one
// borrower too; the instruction access never named), now and then not.
uint32_t build(World& w, FuzzInput& in, uint16_t sender, uint64_t base, unsigned pages_avail, Func f) {
  const unsigned nrecv = 1 + in.byte() % 3, nrange = 1 + in.byte() % 3;
  const uint32_t composite = 48 + 32 * nrecv, length = composite + 16 + 16 * nrange;
  const uint32_t nn = ffa::raw(f) & 0xFF;
  const bool donate = nn == 0x71, borrower_chooses = donate || (nn == 0x72 && nrecv == 1);
  std::memset(w.desc, 0, length);
  put(w.desc, 0, (in.byte() % 16) == 0 ? in.byte() | 0x8000 : sender, 2);
  put(w.desc, 2, (in.byte() % 8) == 0 ? in.byte() : borrower_chooses ? 0 : 0x2F, 2);
  put(w.desc, 4, in.byte() % 4, 4);  // zero, time-slice
  put(w.desc, 24, 32, 4);
  put(w.desc, 28, nrecv, 4);
  put(w.desc, 32, 48, 4);
  static constexpr uint16_t kTargets[] = {0x8001, 0x8002, 0x8003, kTos, 0x0000, 0x8777};
  for (unsigned i = 0; i < nrecv; ++i) {
    put(w.desc, 48 + 32 * i, kTargets[in.byte() % 6], 2);
    put(w.desc, 50 + 32 * i, (in.byte() % 8) == 0 ? in.byte() % 16 : donate ? 0 : 1 + in.byte() % 2, 1);
    put(w.desc, 52 + 32 * i, composite, 4);
  }
  uint32_t total = 0;
  for (unsigned i = 0; i < nrange; ++i) {
    const unsigned first = in.byte() % pages_avail;
    const unsigned count = 1 + in.byte() % 3;
    put(w.desc, composite + 16 + 16 * i, base + uint64_t{first} * 0x1000, 8);
    put(w.desc, composite + 24 + 16 * i, count, 4);
    total += count;
  }
  put(w.desc, composite, total, 4);
  put(w.desc, composite + 4, nrange, 4);
  return length;
}

constexpr Func kTransfers[] = {Func::mem_share_64, Func::mem_lend_64, Func::mem_donate_64, Func::mem_share_32};

void note_handle(World& w, const Regs& r, uint16_t lender, Func f) {
  if (r.w(0) != ffa::raw(Func::success_32)) return;
  const uint64_t h = r.w(2) | uint64_t{r.w(3)} << 32;
  FUZZ_CHECK(!w.handles_seen.count(h));  // a handle is never given out twice
  w.handles_seen.insert(h);
  w.live[h] = false;
  w.lender_of[h] = lender;
  const uint32_t nn = ffa::raw(f) & 0xFF;
  w.type_of[h] = nn == 0x71 ? MemShare::Type::donate : nn == 0x72 ? MemShare::Type::lend : MemShare::Type::share;
}

void transfer_from_nwd(World& w, FuzzInput& in) {
  const Func f = kTransfers[in.byte() % 4];
  const uint32_t length = build(w, in, 0, kPool, kPoolPages, f);
  std::memcpy(w.placement.ns_memory(kTx), w.desc, length);
  if (in.byte() % 8 == 0) {
    // A total that is not the descriptor's: refused, whether the fragment
    // holds the whole descriptor or it is whole with bytes past its end.
    const uint32_t more = 16 * (1 + in.byte() % 4);
    const Regs r = w.nwd({{ffa::raw(f), length + more, in.byte() % 2 ? length : length + more}});
    FUZZ_CHECK(r.w(0) == ffa::raw(Func::error));
    return;
  }
  if (in.byte() % 4 != 0) {
    note_handle(w, w.nwd({{ffa::raw(f), length, length}}), 0, f);
    return;
  }
  // In fragments: the first cut anywhere, the rest in 16-byte steps (or
  // a lie now and then).
  uint32_t sent = 1 + in.byte() % length;
  Regs r = w.nwd({{ffa::raw(f), length, sent}});
  while (r.w(0) == ffa::raw(Func::mem_frag_rx)) {
    const uint64_t h = r.w(1) | uint64_t{r.w(2)} << 32;
    FUZZ_CHECK(r.w(3) == sent);
    if (in.byte() % 8 == 0) {  // abandon it
      FUZZ_CHECK(w.nwd({{ffa::raw(Func::mem_reclaim), static_cast<uint32_t>(h), h >> 32}}).w(0) ==
                 ffa::raw(Func::success_32));
      FUZZ_CHECK(w.core.share(h) == nullptr);
      return;
    }
    uint32_t len = 16 * (1 + in.byte() % 8);
    if (in.byte() % 8 == 0) len = in.byte();
    std::memcpy(w.placement.ns_memory(kTx), w.desc + sent, sent + len <= length ? len : length - sent);
    r = w.nwd({{ffa::raw(Func::mem_frag_tx), static_cast<uint32_t>(h), h >> 32, len}});
    sent += len;
    if (r.w(0) == ffa::raw(Func::error)) FUZZ_CHECK(w.core.share(h) == nullptr);  // a lie ends it
    if (r.w(0) == ffa::raw(Func::success_32)) FUZZ_CHECK((r.w(2) | uint64_t{r.w(3)} << 32) == h);
  }
  note_handle(w, r, 0, f);
}

void transfer_from_sp(World& w, FuzzInput& in, unsigned i) {
  const Func f = kTransfers[in.byte() % 4];
  const uint32_t length = build(w, in, sp_id(i), own_base(in.byte() % kSps), kOwnPages, f);
  std::memcpy(w.sp_tx[i], w.desc, length);
  note_handle(w, w.sp(i, {{ffa::raw(f), length, length}}), sp_id(i), f);
}

uint64_t pick_handle(World& w, FuzzInput& in) {
  if (w.handles_seen.empty() || in.byte() % 16 == 0) return in.byte() | uint64_t{in.byte()} << 16;
  auto it = w.handles_seen.begin();
  std::advance(it, in.byte() % w.handles_seen.size());
  return *it;
}

// Pages of a transaction, before an operation that may end it.
std::set<uint64_t> pages_of(const spmc::Core& core, const MemShare* s) {
  std::set<uint64_t> pages;
  if (!s) return pages;
  const ffa::MemConstituent* ranges = core.constituents(*s);
  for (uint32_t c = 0; c < s->constituent_count; ++c)
    for (uint32_t p = 0; p < ranges[c].pages; ++p) pages.insert(ranges[c].address + p * 0x1000ull);
  return pages;
}

// A donation that ended with this call (its handle gone) belongs to `to`.
void note_donation(World& w, uint64_t h, uint16_t to, const std::set<uint64_t>& pages) {
  if (w.core.share(h) != nullptr) return;
  FUZZ_CHECK(w.type_of.count(h) && w.type_of[h] == MemShare::Type::donate);
  for (uint64_t p : pages) w.donated_to.insert({to, p});
  w.live.erase(h);
}

void retrieve(World& w, FuzzInput& in, unsigned i) {
  const uint64_t h = pick_handle(w, in);
  const MemShare* s = w.core.share(h);
  const std::set<uint64_t> pages = pages_of(w.core, s);
  uint8_t* tx = w.sp_tx[i];
  std::memset(tx, 0, 80);
  put(tx, 0, s && in.byte() % 8 ? s->sender.raw() : in.byte(), 2);
  put(tx, 2, in.byte() % 4 == 0 ? (in.byte() % 2 ? 0x2F : in.byte()) : 0, 2);
  // The transaction type; mostly the bypass flag (it names itself alone),
  // now and then the zero flags or any bit.
  uint32_t flags = (in.byte() % 4) << 3 | (in.byte() % 8 ? 1u << 10 : 0);
  if (in.byte() % 8 == 0) flags |= in.byte() % 8 == 0 ? 1u << (in.byte() % 32) : in.byte() % 8;
  put(tx, 4, flags, 4);
  put(tx, 8, h, 8);
  put(tx, 24, 32, 4);
  put(tx, 28, 1, 4);
  put(tx, 32, 48, 4);
  put(tx, 48, sp_id(i), 2);
  put(tx, 50, in.byte() % 16, 1);
  const Regs r = w.sp(i, {{ffa::raw(Func::mem_retrieve_req_64), 80, 80}});
  if (r.w(0) != ffa::raw(Func::mem_retrieve_resp)) return;
  FUZZ_CHECK(s != nullptr);
  FUZZ_CHECK(r.w(2) <= r.w(1) && r.w(2) <= 4096);
  // Described as mapped: normal memory, write-back, inner shareable, not
  // executable; a zeroing flag only on memory it may write.
  FUZZ_CHECK((get(w.sp_rx[i], 2, 2) & 0x3F) == 0x2F);
  FUZZ_CHECK((w.sp_rx[i][48 + 2] & 0xC) == ffa::mem_perm::instr_nx);
  if (flags & 5) FUZZ_CHECK((w.sp_rx[i][48 + 2] & 3) == ffa::mem_perm::data_rw);
  note_donation(w, h, sp_id(i), pages);
}

void frag_rx(World& w, FuzzInput& in, unsigned i) {
  const uint64_t h = pick_handle(w, in);
  const std::set<uint64_t> pages = pages_of(w.core, w.core.share(h));
  const uint32_t offset = in.byte() % 2 ? 96 + 16 * in.byte() : in.byte() | uint32_t{in.byte()} << 8;
  const Regs r = w.sp(i, {{ffa::raw(Func::mem_frag_rx), static_cast<uint32_t>(h), h >> 32, offset}});
  if (r.w(0) != ffa::raw(Func::mem_frag_tx)) return;
  FUZZ_CHECK(r.w(3) > 0 && r.w(3) <= 4096);
  note_donation(w, h, sp_id(i), pages);
}

void relinquish(World& w, FuzzInput& in, unsigned i) {
  const uint64_t h = pick_handle(w, in);
  uint8_t* tx = w.sp_tx[i];
  put(tx, 0, h, 8);
  put(tx, 8, in.byte() % 8 == 0 ? in.byte() : in.byte() % 2, 4);
  put(tx, 12, in.byte() % 8 == 0 ? 2 : 1, 4);
  put(tx, 16, in.byte() % 8 == 0 ? sp_id(in.byte() % kSps) : sp_id(i), 2);
  const Regs r = w.sp(i, {{ffa::raw(Func::mem_relinquish)}});
  // An aborted lender's transaction may end with its last borrower.
  (void)r;
}

void reclaim(World& w, FuzzInput& in) {
  const uint64_t h = pick_handle(w, in);
  const uint16_t lender = w.lender_of.count(h) ? w.lender_of[h] : 0;
  const uint32_t flags = in.byte() % 8 == 0 ? in.byte() : in.byte() % 2;
  const Regs call{{ffa::raw(Func::mem_reclaim), static_cast<uint32_t>(h), h >> 32, flags}};
  Regs r;
  if (lender == 0 || in.byte() % 8 == 0) {
    r = w.nwd(call);
  } else {
    const unsigned i = lender - 0x8001u;
    r = w.sp(i, call);
  }
  if (r.w(0) == ffa::raw(Func::success_32)) {
    FUZZ_CHECK(w.core.share(h) == nullptr);
    w.live.erase(h);
  }
}

void raw_descriptor(World& w, FuzzInput& in) {
  const uint32_t length = 1 + in.byte() % 200;
  uint8_t* tx = w.placement.ns_memory(kTx);
  for (uint32_t b = 0; b < length; ++b) tx[b] = in.byte();
  const Func f = kTransfers[in.byte() % 4];
  note_handle(w, w.nwd({{ffa::raw(f), length, length}}), 0, f);
}

void local(World& w, FuzzInput& in) {
  const uint64_t h = pick_handle(w, in);
  const std::set<uint64_t> pages = pages_of(w.core, w.core.share(h));
  // Mostly the true lender; sometimes another endpoint, which must fail.
  const MemShare* s = w.core.share(h);
  const EndpointId lender = s && in.byte() % 8 ? s->sender : EndpointId(sp_id(in.byte() % kSps));
  if (in.byte() % 2) {
    if (w.core.local_retrieve(EndpointId(kTos), lender, h).ok()) note_donation(w, h, kTos, pages);
  } else {
    (void)w.core.local_relinquish(EndpointId(kTos), h);
  }
}

// The pool of ranges: the ranges in use are exactly those of the live
// transactions (each a slice of its own, inside the used part), and no
// lender holds more than its quota.
void check_pool(const spmc::Core& core) {
  size_t in_use = 0;
  std::vector<bool> taken(core.pool_in_use(), false);
  std::map<uint16_t, spmc::MemQuota> held;
  spmc::MemQuota partitions{0, 0};
  for (size_t slot = 0; slot < spmc::kMaxShares; ++slot) {
    const MemShare& s = core.share_slot(slot);
    if (s.state == MemShare::State::free) {
      FUZZ_CHECK(s.constituent_count == 0);
      continue;
    }
    if (s.state == MemShare::State::receiving) FUZZ_CHECK(s.constituent_count == 0);
    FUZZ_CHECK(s.constituent_count <= MemShare::kMaxConstituents);
    in_use += s.constituent_count;
    for (uint32_t c = 0; c < s.constituent_count; ++c) {
      const size_t at = size_t{s.first_constituent} + c;
      FUZZ_CHECK(at < taken.size() && !taken[at]);
      taken[at] = true;
    }
    spmc::MemQuota& h = held[s.sender.raw()];
    ++h.transactions;
    h.ranges += s.constituent_count;
    if (s.sender.is_secure()) {
      ++partitions.transactions;
      partitions.ranges += s.constituent_count;
    }
  }
  FUZZ_CHECK(in_use == core.pool_in_use());
  const spmc::CoreConfig config{};
  for (const auto& [id, h] : held) {
    const spmc::MemQuota q = (id & 0x8000) ? config.sp_quota : config.nwd_quota;
    FUZZ_CHECK(h.transactions <= q.transactions && h.ranges <= q.ranges);
    FUZZ_CHECK(h.transactions == core.held_by(EndpointId(id)).transactions);
    FUZZ_CHECK(h.ranges == core.held_by(EndpointId(id)).ranges);
  }
  // The core's counts for lenders that hold nothing.
  std::vector<uint16_t> lenders{0};
  for (size_t i = 0; i < core.partition_count(); ++i) lenders.push_back(core.partition(i).info.id.raw());
  for (uint16_t id : lenders)
    if (!held.count(id)) FUZZ_CHECK(core.held_by(EndpointId(id)).transactions == 0 && core.held_by(EndpointId(id)).ranges == 0);
  FUZZ_CHECK(partitions.transactions + config.nwd_quota.transactions <= spmc::kMaxShares);
  FUZZ_CHECK(partitions.ranges + config.nwd_quota.ranges <= spmc::kMaxPoolConstituents);
}

void check_invariants(World& w) {
  check_pool(w.core);
  // Live transactions: no page in two of them; who holds what.
  std::map<std::pair<uint16_t, uint64_t>, uint8_t> held;  // (borrower, page) -> access it retrieved
  std::set<uint64_t> in_transaction;
  size_t local_pages = 0;
  for (size_t slot = 0; slot < spmc::kMaxShares; ++slot) {
    const MemShare& s = w.core.share_slot(slot);
    if (s.state != MemShare::State::ready) continue;
    // What a lender may grant (FF-A's usage rules): a data access, never
    // an instruction access (a borrower gets NX); a donation what its
    // donor held. Attributes: left to the borrower, or what Tessera maps.
    for (unsigned r = 0; r < s.receiver_count; ++r) {
      FUZZ_CHECK((s.permissions[r] & ffa::mem_perm::instr_mask) == 0);
      FUZZ_CHECK((s.permissions[r] & 3) == 1 || (s.permissions[r] & 3) == 2);
      if (s.retrieved(r)) FUZZ_CHECK((s.retrieved_as[r] & ffa::mem_perm::instr_mask) == ffa::mem_perm::instr_nx);
    }
    const bool borrower_chooses =
        s.type == MemShare::Type::donate || (s.type == MemShare::Type::lend && s.receiver_count == 1);
    FUZZ_CHECK(s.attributes == (borrower_chooses ? 0 : 0x2F));
    for (uint64_t p : pages_of(w.core, &s)) {
      FUZZ_CHECK(in_transaction.insert(p).second);
      for (unsigned r = 0; r < s.receiver_count; ++r) {
        if (!s.retrieved(r)) continue;
        held[{s.receivers[r].raw(), p}] = s.retrieved_as[r];
        if (s.receivers[r].raw() == kTos) ++local_pages;
      }
      // A partition that lent or donated its memory cannot reach it.
      if (!s.ns && s.type != MemShare::Type::share) FUZZ_CHECK(w.placement.page(s.sender, p) == nullptr);
    }
  }
  // Every borrowed page in a partition is held under a live transaction or
  // was donated to it; never writable beyond what it holds; NS memory
  // mapped NS and secure memory secure.
  for (const auto& [key, page] : w.placement.pages()) {
    if (page.own) continue;
    const bool ns_page = key.second >= kNs;
    FUZZ_CHECK(page.ns == ns_page);
    auto it = held.find(key);
    if (it == held.end()) {
      FUZZ_CHECK(w.donated_to.count(key));
      continue;
    }
    if (page.writable) FUZZ_CHECK((it->second & 3) == 2);
  }
  for (const auto& [key, access] : held) {
    if (key.first == kTos) continue;
    FUZZ_CHECK(w.placement.page(EndpointId(key.first), key.second) != nullptr);
  }
  // A partition's own memory outside every live transaction, and not
  // donated away, is its own again.
  for (unsigned i = 0; i < kSps; ++i) {
    if (w.aborted[i]) continue;
    for (unsigned p = 0; p < kOwnPages; ++p) {
      const uint64_t pa = own_base(i) + p * 0x1000ull;
      if (in_transaction.count(pa)) continue;
      bool donated = false;
      for (unsigned j = 0; j < kSps; ++j) donated = donated || w.donated_to.count({sp_id(j), pa});
      if (donated) continue;
      const fake::FakePlacement::Page* own = w.placement.page(EndpointId(sp_id(i)), pa);
      FUZZ_CHECK(own != nullptr && own->own);
    }
  }
  // No handle lost.
  for (const auto& [h, may_vanish] : w.live) {
    if (may_vanish) continue;
    FUZZ_CHECK(w.core.share(h) != nullptr);
  }
  // The SPMC's own mappings: the RX/TX pair and what the trusted OS holds
  // (borrowed or donated to it).
  for (const auto& [owner, page] : w.donated_to) local_pages += owner == kTos ? 1 : 0;
  FUZZ_CHECK(w.placement.pages_mapped() == 2 + local_pages);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in{data, size};
  static World* world_storage = nullptr;
  delete world_storage;  // one world per input, kept off the stack (it is large)
  world_storage = new World();
  World& w = *world_storage;
  for (unsigned i = 0; i < kSps; ++i) {
    spmc::Partition p{};
    p.info = ffa::PartitionInfo{EndpointId(sp_id(i)), 1, ffa::partition_props::direct_req_recv,
                                ffa::Uuid{{sp_id(i), 1, 2, 3}}};
    p.version = ffa::kVersion1_2;
    FUZZ_CHECK(w.core.add_partition(p).ok());
    w.core.attach_partition_mailbox(i, w.sp_tx[i], w.sp_rx[i], 1);
    // Partition i owns kOwnPages pages; the last one it holds read-only.
    w.placement.give_partition_memory(EndpointId(sp_id(i)), own_base(i), kOwnPages - 1, true);
    w.placement.give_partition_memory(EndpointId(sp_id(i)), own_base(i) + (kOwnPages - 1) * 0x1000ull, 1, false);
  }
  spmc::Partition tos{};
  tos.info = ffa::PartitionInfo{EndpointId(kTos), 1, ffa::partition_props::direct_req_recv, ffa::Uuid{{9, 9, 9, 9}}};
  tos.local = &w.dummy;
  FUZZ_CHECK(w.core.add_partition(tos).ok());
  Regs out{};
  spmc::Outcome o = w.core.boot_next(out);
  for (unsigned i = 0; i < kSps && o == spmc::Outcome::run_partition; ++i)
    o = w.core.handle_sp_call(w.core.scheduled(), Regs{{ffa::raw(Func::msg_wait)}}, out);
  FUZZ_CHECK(o == spmc::Outcome::boot_done);
  FUZZ_CHECK(w.nwd({{ffa::raw(Func::version), 0x10002}}).w(0) == 0x10002);
  FUZZ_CHECK(w.nwd({{ffa::raw(Func::rxtx_map_64), kTx, kRx, 1}}).w(0) == ffa::raw(Func::success_32));

  for (unsigned step = 0; step < 64 && !in.empty(); ++step) {
    const uint8_t op = in.byte();
    const unsigned i = (op >> 4) % kSps;
    const bool alive = !w.aborted[i];
    switch (op % 11) {
      case 0: transfer_from_nwd(w, in); break;
      case 1: if (alive) transfer_from_sp(w, in, i); break;
      case 2: if (alive) retrieve(w, in, i); break;
      case 3: if (alive) frag_rx(w, in, i); break;
      case 4: if (alive) relinquish(w, in, i); break;
      case 5: reclaim(w, in); break;
      case 6: if (alive) (void)w.sp(i, {{ffa::raw(Func::rx_release)}}); break;
      case 7: local(w, in); break;
      case 8: raw_descriptor(w, in); break;
      case 9:
        if (alive && in.byte() % 4 == 0) {
          (void)w.core.sp_aborted(i, out);
          w.aborted[i] = true;
          // What it lent may now end without a reclaim.
          for (auto& [h, may_vanish] : w.live)
            if (w.lender_of[h] == sp_id(i)) may_vanish = true;
        }
        break;
      default: transfer_from_nwd(w, in); break;
    }
    check_invariants(w);
  }
  return 0;
}
