// Memory sharing on spmc::Core: every transition of a transaction (share,
// lend, donate from the normal world and from partitions; retrieve,
// fragments both ways, relinquish, reclaim, abort) and every refusal. The
// fake placement models each partition's pages, so the tests check what
// is mapped where, not only the answers.
#include <gtest/gtest.h>

#include <cstring>
#include <utility>
#include <vector>

#include "arch/fake/fake_placement.h"
#include "spmc/core.h"
#include "mem_desc_util.h"

namespace {

using ffa::EndpointId;
using ffa::Error;
using ffa::Func;
using ffa::Regs;
using fake::FakePlacement;
using spmc::Outcome;
using test::build_desc;
using test::get;
using test::put;
using test::Range;
using test::Receiver;

constexpr uint16_t kNwd = 0, kSp = 0x8001, kSp2 = 0x8002, kTos = 0x8100;
constexpr uint64_t kNs = 0x40000000, kTx = kNs, kRx = kNs + 0x1000, kPage1 = kNs + 0x10000;
constexpr uint64_t kOwn = FakePlacement::kSecureBase;  // kSp's own lendable memory
constexpr int32_t kInvalid = -2, kNoMemory = -3, kBusy = -4, kDenied = -6;

class Dummy final : public spmc::LocalEndpoint {
 public:
  void on_direct_request(const spmc::DirectMessage&, spmc::DirectMessage&) override {}
};

class MemorySharing : public ::testing::Test {
 protected:
  explicit MemorySharing(uint64_t ns_size = 8u << 20,
                         spmc::CoreConfig config = spmc::CoreConfig{EndpointId(0x8000), ffa::kVersion1_2})
      : placement_(kNs, ns_size), core_(placement_, config) {}

  void SetUp() override {
    for (uint16_t id : {kSp, kSp2}) {
      spmc::Partition p{};
      p.info = ffa::PartitionInfo{EndpointId(id), 1, ffa::partition_props::direct_req_recv, ffa::Uuid{{id, 2, 3, 4}}};
      p.version = ffa::kVersion1_2;
      ASSERT_TRUE(core_.add_partition(p).ok());
    }
    spmc::Partition tos{};
    tos.info = ffa::PartitionInfo{EndpointId(kTos), 1, ffa::partition_props::direct_req_recv, ffa::Uuid{{9, 9, 9, 9}}};
    tos.local = &dummy_;
    ASSERT_TRUE(core_.add_partition(tos).ok());
    core_.attach_partition_mailbox(0, sp_tx_[0], sp_rx_[0], 1);
    core_.attach_partition_mailbox(1, sp_tx_[1], sp_rx_[1], 1);
    placement_.give_partition_memory(EndpointId(kSp), kOwn, 4, true);
    placement_.give_partition_memory(EndpointId(kSp), kOwn + 0x4000, 1, false);
    Regs out{};
    ASSERT_EQ(core_.boot_next(out), Outcome::run_partition);
    ASSERT_EQ(core_.handle_sp_call(0, Regs{{ffa::raw(Func::msg_wait)}}, out), Outcome::run_partition);
    ASSERT_EQ(core_.handle_sp_call(1, Regs{{ffa::raw(Func::msg_wait)}}, out), Outcome::boot_done);
    ASSERT_TRUE(nwd({{ffa::raw(Func::version), 0x10002}}).x[0] == 0x10002);
    ASSERT_EQ(nwd({{ffa::raw(Func::rxtx_map_64), kTx, kRx, 1}}).x[0], ffa::raw(Func::success_32));
  }

  Regs nwd(Regs in) {
    Regs out{};
    (void)core_.handle_nwd_call(in, out);
    return out;
  }
  Regs sp(Regs in, size_t index = 0) {
    Regs out{};
    (void)core_.handle_sp_call(index, in, out);
    return out;
  }
  uint8_t* nwd_tx() { return placement_.ns_memory(kTx); }
  // One receiver, one range: the common case. Read-write, the instruction
  // access left unspecified, as a lender must.
  uint32_t share_desc(uint16_t receiver, uint64_t address, uint32_t pages, uint8_t perm = 2) {
    return build_desc(nwd_tx(), 0, {{receiver, perm}}, {{address, pages}});
  }
  // A lend to one borrower or a donation leaves the memory attributes to
  // the borrower (build_desc names them, as a share must): cleared here.
  static void borrower_chooses_attributes(Func f, uint8_t* desc) {
    const bool one = get(desc, 28, 4) == 1;
    if (f == Func::mem_donate_64 || f == Func::mem_donate_32 || (one && (f == Func::mem_lend_64 || f == Func::mem_lend_32)))
      put(desc, 2, 0, 2);
  }
  uint64_t transfer(Func f, uint32_t length) {
    borrower_chooses_attributes(f, nwd_tx());
    Regs r = nwd({{ffa::raw(f), length, length}});
    return r.x[0] == ffa::raw(Func::success_32) ? (r.x[2] | r.x[3] << 32) : 0;
  }
  uint64_t share(uint32_t length, Func f = Func::mem_share_64) { return transfer(f, length); }
  uint64_t sp_transfer(Func f, uint32_t length, size_t index = 0) {
    borrower_chooses_attributes(f, sp_tx_[index]);
    Regs r = sp({{ffa::raw(f), length, length}}, index);
    return r.x[0] == ffa::raw(Func::success_32) ? (r.x[2] | r.x[3] << 32) : 0;
  }
  // A retrieve request naming the caller alone (flag bit 10: the multiple
  // borrower check bypassed), as the Tessera runtime's.
  Regs retrieve(uint64_t handle, size_t index = 0, uint8_t perm = 0, uint16_t sender = 0, uint64_t tag = 0,
                uint32_t flags = 1u << 10, uint16_t attributes = 0) {
    uint8_t* tx = sp_tx_[index];
    std::memset(tx, 0, 128);
    put(tx, 0, sender, 2);
    put(tx, 2, attributes, 2);
    put(tx, 4, flags, 4);
    put(tx, 8, handle, 8);
    put(tx, 16, tag, 8);
    put(tx, 24, 32, 4);
    put(tx, 28, 1, 4);
    put(tx, 32, 48, 4);
    put(tx, 48, index == 0 ? kSp : kSp2, 2);
    put(tx, 50, perm, 1);
    return sp({{ffa::raw(Func::mem_retrieve_req_64), 80, 80}}, index);
  }
  Regs relinquish(uint64_t handle, size_t index = 0, uint32_t flags = 0) {
    uint8_t* tx = sp_tx_[index];
    std::memset(tx, 0, 32);
    put(tx, 0, handle, 8);
    put(tx, 8, flags, 4);
    put(tx, 12, 1, 4);
    put(tx, 16, index == 0 ? kSp : kSp2, 2);
    return sp({{ffa::raw(Func::mem_relinquish)}}, index);
  }
  Regs rx_release(size_t index = 0) { return sp({{ffa::raw(Func::rx_release)}}, index); }
  Regs reclaim(uint64_t handle, uint32_t flags = 0) {
    return nwd({{ffa::raw(Func::mem_reclaim), static_cast<uint32_t>(handle), handle >> 32, flags}});
  }
  Regs sp_reclaim(uint64_t handle, size_t index = 0) {
    return sp({{ffa::raw(Func::mem_reclaim), static_cast<uint32_t>(handle), handle >> 32}}, index);
  }
  static int32_t err(const Regs& r) { return r.x[0] == ffa::raw(Func::error) ? static_cast<int32_t>(r.x[2]) : 0; }
  static bool ok(const Regs& r) { return r.x[0] == ffa::raw(Func::success_32); }
  const FakePlacement::Page* page(uint16_t id, uint64_t pa) { return placement_.page(EndpointId(id), pa); }

  FakePlacement placement_;
  Dummy dummy_;
  spmc::Core core_;
  uint8_t sp_tx_[2][4096] = {}, sp_rx_[2][4096] = {};
};

TEST_F(MemorySharing, WholeLifecycle) {
  const uint64_t h = share(share_desc(kSp, kPage1, 2));
  ASSERT_NE(h, 0u);
  EXPECT_EQ(h >> 63, 0u);
  Regs r = retrieve(h);
  ASSERT_EQ(r.x[0], ffa::raw(Func::mem_retrieve_resp));
  EXPECT_EQ(r.w(1), r.w(2));  // one fragment
  ASSERT_NE(page(kSp, kPage1), nullptr);
  ASSERT_NE(page(kSp, kPage1 + 0x1000), nullptr);
  EXPECT_TRUE(page(kSp, kPage1)->writable);
  EXPECT_TRUE(page(kSp, kPage1)->ns);
  // The response in the partition's RX: the handle, NS attribute, the region.
  EXPECT_EQ(get(sp_rx_[0], 8, 8), h);
  EXPECT_TRUE(sp_rx_[0][2] & 0x40);
  EXPECT_EQ(get(sp_rx_[0], 80 + 16, 8), kPage1);
  EXPECT_EQ(sp_rx_[0][50], 2 | 4);  // read-write, not executable
  EXPECT_EQ(err(reclaim(h)), kDenied);  // still held
  EXPECT_EQ(err(retrieve(h)), kDenied);  // retrieved already
  ASSERT_TRUE(ok(rx_release()));
  ASSERT_TRUE(ok(relinquish(h)));
  EXPECT_EQ(placement_.borrowed_pages(), 0u);
  EXPECT_EQ(err(relinquish(h)), kInvalid);  // not held any more
  ASSERT_TRUE(ok(reclaim(h)));
  EXPECT_EQ(err(reclaim(h)), kInvalid);
  EXPECT_EQ(err(retrieve(h)), kInvalid);
  // A new share of the same page gets a different handle.
  const uint64_t h2 = share(share_desc(kSp, kPage1, 2));
  EXPECT_NE(h2, 0u);
  EXPECT_NE(h2, h);
}

TEST_F(MemorySharing, RetrieveWithAFullRxBufferIsBusy) {
  const uint64_t h1 = share(share_desc(kSp, kPage1, 1));
  const uint64_t h2 = share(share_desc(kSp, kPage1 + 0x1000, 1));
  ASSERT_EQ(retrieve(h1).x[0], ffa::raw(Func::mem_retrieve_resp));
  EXPECT_EQ(err(retrieve(h2)), kBusy);  // the first response still fills the RX buffer
  EXPECT_EQ(placement_.borrowed_pages(), 1u);  // and nothing of h2 was mapped
}

TEST_F(MemorySharing, BorrowerGetsTheStricterOfAskedAndGranted) {
  const uint64_t ro = share(share_desc(kSp, kPage1, 1, 1));
  ASSERT_EQ(retrieve(ro).x[0], ffa::raw(Func::mem_retrieve_resp));
  EXPECT_FALSE(page(kSp, kPage1)->writable);
  ASSERT_TRUE(ok(rx_release()));
  // Granted read-write, asked read-only: read-only.
  const uint64_t rw = share(share_desc(kSp, kPage1 + 0x1000, 1, 2));
  ASSERT_EQ(retrieve(rw, 0, 1).x[0], ffa::raw(Func::mem_retrieve_resp));
  EXPECT_FALSE(page(kSp, kPage1 + 0x1000)->writable);
  EXPECT_EQ(sp_rx_[0][50] & 3, 1);
  ASSERT_TRUE(ok(rx_release()));
  // Asking for more than granted: denied. Naming an instruction access in
  // a share: malformed (it is NX, and only the SPMC says so).
  const uint64_t ro2 = share(share_desc(kSp, kPage1 + 0x2000, 1, 1));
  EXPECT_EQ(err(retrieve(ro2, 0, 2)), kDenied);
  EXPECT_EQ(err(retrieve(ro2, 0, 1 | 8)), kInvalid);
  EXPECT_EQ(page(kSp, kPage1 + 0x2000), nullptr);
}

TEST_F(MemorySharing, RetrieveMustDescribeTheTransaction) {
  const uint64_t h = build_desc(nwd_tx(), 0, {{kSp, 2}}, {{kPage1, 1}}, 0, 0x7A6);
  const uint64_t handle = share(static_cast<uint32_t>(h));
  ASSERT_NE(handle, 0u);
  EXPECT_EQ(err(retrieve(handle, 0, 0, 0, 0x7A7)), kInvalid);  // wrong tag
  EXPECT_EQ(err(retrieve(handle, 0, 0, kSp2, 0x7A6)), kInvalid);  // wrong sender
  EXPECT_EQ(err(retrieve(handle, 1, 0, 0, 0x7A6)), kInvalid);  // not a receiver
  EXPECT_EQ(retrieve(handle, 0, 0, 0, 0x7A6).x[0], ffa::raw(Func::mem_retrieve_resp));
}

TEST_F(MemorySharing, Refusals) {
  EXPECT_EQ(share(share_desc(0x8777, kPage1, 1)), 0u);       // nobody
  EXPECT_EQ(share(share_desc(kSp, 0x0E000000, 1)), 0u);      // not normal-world memory
  EXPECT_EQ(share(share_desc(kSp, kPage1, 1, 2 | 8)), 0u);   // executable
  EXPECT_EQ(share(share_desc(kSp, kPage1, 1, 0)), 0u);       // no data access
  EXPECT_EQ(share(share_desc(kSp, kPage1, 1, 3)), 0u);       // reserved data access
  EXPECT_EQ(share(build_desc(nwd_tx(), 0, {{kSp, 2}, {kSp, 2}}, {{kPage1, 1}})), 0u);  // twice the same
  EXPECT_EQ(share(build_desc(nwd_tx(), 0x8001, {{kSp2, 2}}, {{kPage1, 1}})), 0u);      // forged sender
  EXPECT_EQ(share(build_desc(nwd_tx(), 0, {{kSp, 2}}, {{kPage1, 1}, {kPage1, 1}})), 0u);  // one page twice
  const uint64_t h = share(share_desc(kSp, kPage1, 4));
  ASSERT_NE(h, 0u);
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_share_64), share_desc(kSp, kPage1 + 0x2000, 1),
                      share_desc(kSp, kPage1 + 0x2000, 1)}})),
            kDenied);  // overlaps a live share
  EXPECT_EQ(err(reclaim(0x12345)), kInvalid);  // no such handle
  EXPECT_EQ(err(reclaim(h, 2)), kInvalid);     // flags
  EXPECT_EQ(err(retrieve(h ^ 0x10000)), kInvalid);  // stale generation
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_share_64), 8, 8}})), kInvalid);  // truncated
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_share_64), 100, 0}})), kInvalid);  // empty fragment
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_share_64), 100, 112}})), kInvalid);  // fragment above total
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_share_64), 9000, 9000}})), kNoMemory);  // larger than we hold
  EXPECT_EQ(core_.shares_in_use(), 1u);
}

TEST_F(MemorySharing, LendZeroesOnRequestAndReclaims) {
  uint8_t* page1 = placement_.ns_memory(kPage1);
  std::memset(page1, 0xAB, 4096);
  const uint32_t n = build_desc(nwd_tx(), 0, {{kSp, 2}}, {{kPage1, 1}}, 1);
  const uint64_t h = share(n, Func::mem_lend_64);
  ASSERT_NE(h, 0u);
  EXPECT_EQ(page1[0], 0);
  EXPECT_EQ(page1[4095], 0);
  EXPECT_EQ(placement_.pages_mapped(), 2u);  // the RX/TX pair: our mapping for the zeroing is gone
  ASSERT_EQ(retrieve(h).x[0], ffa::raw(Func::mem_retrieve_resp));
  EXPECT_EQ((get(sp_rx_[0], 4, 4) >> 3) & 3, 2u);  // the response says lend
  ASSERT_TRUE(ok(rx_release()));
  // Zeroing on relinquish: the borrower wrote, the lender sees zeros.
  page1[7] = 0x55;
  ASSERT_TRUE(ok(relinquish(h, 0, 1)));
  EXPECT_EQ(page1[7], 0);
  // Zeroing on reclaim.
  page1[9] = 0x66;
  EXPECT_TRUE(ok(reclaim(h, 1)));
  EXPECT_EQ(page1[9], 0);
  // Sharing may not ask for zeroing.
  EXPECT_EQ(share(build_desc(nwd_tx(), 0, {{kSp, 2}}, {{kPage1, 1}}, 1)), 0u);
}

TEST_F(MemorySharing, ZeroOnRelinquishNeedsLentWritableMemory) {
  const uint64_t shared = share(share_desc(kSp, kPage1, 1));
  ASSERT_EQ(retrieve(shared).x[0], ffa::raw(Func::mem_retrieve_resp));
  ASSERT_TRUE(ok(rx_release()));
  EXPECT_EQ(err(relinquish(shared, 0, 1)), kInvalid);  // shared: the lender still uses it
  const uint64_t lent_ro = share(share_desc(kSp, kPage1 + 0x1000, 1, 1), Func::mem_lend_64);
  ASSERT_EQ(retrieve(lent_ro).x[0], ffa::raw(Func::mem_retrieve_resp));
  EXPECT_EQ(err(relinquish(lent_ro, 0, 1)), kDenied);  // it could not write: nothing to clean
  EXPECT_EQ(err(relinquish(lent_ro, 0, 4)), kInvalid);  // reserved flag
  EXPECT_TRUE(ok(relinquish(lent_ro)));
}

// Zeroing on relinquish comes after the borrower's access went (its other
// execution contexts may still run elsewhere); a zeroing that fails gives
// the access back, and the relinquish is refused.
TEST_F(MemorySharing, ZeroOnRelinquishAfterTheBorrowersAccessWent) {
  const uint64_t lent = share(share_desc(kSp, kPage1, 1), Func::mem_lend_64);
  ASSERT_EQ(retrieve(lent).x[0], ffa::raw(Func::mem_retrieve_resp));
  ASSERT_TRUE(ok(rx_release()));
  uint8_t* page1 = placement_.ns_memory(kPage1);
  page1[5] = 0x77;
  placement_.fail_next_map();
  EXPECT_EQ(err(relinquish(lent, 0, 1)), kNoMemory);
  ASSERT_NE(page(kSp, kPage1), nullptr);  // still its own to use
  EXPECT_TRUE(page(kSp, kPage1)->writable);
  EXPECT_EQ(page1[5], 0x77);
  EXPECT_TRUE(ok(relinquish(lent, 0, 1)));
  EXPECT_EQ(page(kSp, kPage1), nullptr);
  EXPECT_EQ(page1[5], 0);
  EXPECT_EQ(placement_.ns_maps_while_borrowed(), 0u);
  EXPECT_TRUE(ok(reclaim(lent)));
}

TEST_F(MemorySharing, DonationEndsWhenRetrieved) {
  const uint64_t h = share(share_desc(kSp, kPage1, 1, 0), Func::mem_donate_64);
  ASSERT_NE(h, 0u);
  EXPECT_EQ(err(reclaim(h)), kDenied);
  EXPECT_EQ(share(build_desc(nwd_tx(), 0, {{kSp, 0}, {kSp2, 0}}, {{kPage1 + 0x1000, 1}}), Func::mem_donate_64),
            0u);  // one receiver only
  // A retrieve request naming another transaction type is refused.
  std::memset(sp_tx_[0], 0, 128);
  put(sp_tx_[0], 4, 1u << 3, 4);  // "share"
  put(sp_tx_[0], 8, h, 8);
  put(sp_tx_[0], 24, 32, 4);
  put(sp_tx_[0], 28, 1, 4);
  put(sp_tx_[0], 32, 48, 4);
  put(sp_tx_[0], 48, kSp, 2);
  EXPECT_EQ(err(sp({{ffa::raw(Func::mem_retrieve_req_64), 80, 80}})), kInvalid);
  EXPECT_EQ(retrieve(h).x[0], ffa::raw(Func::mem_retrieve_resp));
  // The receiver owns it now: the handle is gone, the page stays mapped,
  // and nobody can pass the page on again.
  EXPECT_EQ(core_.shares_in_use(), 0u);
  EXPECT_EQ(err(reclaim(h)), kInvalid);
  EXPECT_EQ(err(relinquish(h)), kInvalid);
  EXPECT_NE(page(kSp, kPage1), nullptr);
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_share_64), share_desc(kSp2, kPage1, 1), share_desc(kSp2, kPage1, 1)}})),
            kDenied);
}

TEST_F(MemorySharing, QuotaFullIsNoMemory) {
  const uint32_t quota = spmc::CoreConfig{}.nwd_quota.transactions;
  for (unsigned i = 0; i < quota; ++i) ASSERT_NE(share(share_desc(kSp, kPage1 + i * 0x1000, 1)), 0u);
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_share_64), share_desc(kSp, kPage1 + 0x200000, 1),
                      share_desc(kSp, kPage1 + 0x200000, 1)}})),
            kNoMemory);
  EXPECT_EQ(core_.shares_in_use(), quota);
  EXPECT_EQ(core_.pool_in_use(), quota);
}

TEST_F(MemorySharing, MultipleBorrowers) {
  const uint64_t h = share(build_desc(nwd_tx(), 0, {{kSp, 2}, {kSp2, 1}}, {{kPage1, 2}}));
  ASSERT_NE(h, 0u);
  ASSERT_EQ(retrieve(h, 0).x[0], ffa::raw(Func::mem_retrieve_resp));
  ASSERT_EQ(retrieve(h, 1).x[0], ffa::raw(Func::mem_retrieve_resp));
  EXPECT_TRUE(page(kSp, kPage1)->writable);
  EXPECT_FALSE(page(kSp2, kPage1)->writable);
  ASSERT_TRUE(ok(relinquish(h, 0)));
  EXPECT_EQ(err(reclaim(h)), kDenied);  // the second borrower still holds it
  ASSERT_TRUE(ok(relinquish(h, 1)));
  EXPECT_TRUE(ok(reclaim(h)));
  EXPECT_EQ(placement_.borrowed_pages(), 0u);
}

// 256 single-page ranges: the descriptor (4,192 bytes) needs two fragments
// into the SPMC, and so does the retrieve response into a 4 KiB RX buffer.
TEST_F(MemorySharing, FragmentsBothWays) {
  std::vector<Range> ranges;
  for (uint32_t i = 0; i < 256; ++i) ranges.push_back({kPage1 + 0x2000ull * i, 1});
  std::vector<uint8_t> desc(8192);
  const uint32_t total = build_desc(desc.data(), 0, {{kSp, 2}}, ranges);
  ASSERT_EQ(total, 4192u);
  std::memcpy(nwd_tx(), desc.data(), 4096);
  Regs r = nwd({{ffa::raw(Func::mem_share_64), total, 4096}});
  ASSERT_EQ(r.x[0], ffa::raw(Func::mem_frag_rx));
  const uint64_t h = r.w(1) | uint64_t{r.w(2)} << 32;
  EXPECT_EQ(r.w(3), 4096u);
  EXPECT_EQ(err(retrieve(h)), kInvalid);  // not complete yet
  std::memcpy(nwd_tx(), desc.data() + 4096, 96);
  r = nwd({{ffa::raw(Func::mem_frag_tx), static_cast<uint32_t>(h), h >> 32, 96}});
  ASSERT_TRUE(ok(r));
  EXPECT_EQ(r.x[2] | r.x[3] << 32, h);
  // Retrieve: the first fragment, then FFA_MEM_FRAG_RX for the rest.
  r = retrieve(h);
  ASSERT_EQ(r.x[0], ffa::raw(Func::mem_retrieve_resp));
  const uint32_t length = r.w(1), first = r.w(2);
  EXPECT_EQ(length, 4192u);
  EXPECT_LT(first, length);
  EXPECT_EQ((first - 96) % 16, 0u);
  std::vector<uint8_t> resp(sp_rx_[0], sp_rx_[0] + first);
  EXPECT_EQ(err(sp({{ffa::raw(Func::mem_frag_rx), static_cast<uint32_t>(h), h >> 32, first}})), kBusy);
  ASSERT_TRUE(ok(rx_release()));
  EXPECT_EQ(err(sp({{ffa::raw(Func::mem_frag_rx), static_cast<uint32_t>(h), h >> 32, first + 8}})), kInvalid);
  EXPECT_EQ(err(sp({{ffa::raw(Func::mem_frag_rx), static_cast<uint32_t>(h), h >> 32, length}})), kInvalid);
  r = sp({{ffa::raw(Func::mem_frag_rx), static_cast<uint32_t>(h), h >> 32, first}});
  ASSERT_EQ(r.x[0], ffa::raw(Func::mem_frag_tx));
  EXPECT_EQ(first + r.w(3), length);
  resp.insert(resp.end(), sp_rx_[0], sp_rx_[0] + r.w(3));
  for (uint32_t i = 0; i < 256; ++i) {
    EXPECT_EQ(get(resp.data(), 96 + 16 * i, 8), kPage1 + 0x2000ull * i);
    ASSERT_NE(page(kSp, kPage1 + 0x2000ull * i), nullptr);
  }
  EXPECT_EQ(placement_.borrowed_pages(), 256u);
  ASSERT_TRUE(ok(rx_release()));
  ASSERT_TRUE(ok(relinquish(h)));
  EXPECT_TRUE(ok(reclaim(h)));
}

TEST_F(MemorySharing, FragmentsThatLieEndTheTransaction) {
  const uint32_t total = share_desc(kSp, kPage1, 1);  // 112 bytes, sent as 96 + 16
  auto start = [&] {
    Regs r = nwd({{ffa::raw(Func::mem_share_64), total, 96}});
    EXPECT_EQ(r.x[0], ffa::raw(Func::mem_frag_rx));
    return r.w(1) | uint64_t{r.w(2)} << 32;
  };
  auto frag = [&](uint64_t h, uint32_t len, uint32_t w4 = 0) {
    return nwd({{ffa::raw(Func::mem_frag_tx), static_cast<uint32_t>(h), h >> 32, len, w4}});
  };
  uint64_t h = start();
  // A second fragmented transaction while this one is open: no room.
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_share_64), total, 96}})), kNoMemory);
  EXPECT_EQ(err(frag(h + 0x10000, 16)), kInvalid);  // another handle: ignored, this one stays
  EXPECT_EQ(err(frag(h, 8)), kInvalid);             // not whole constituents: ends it
  EXPECT_EQ(err(frag(h, 16)), kInvalid);            // gone
  EXPECT_EQ(core_.shares_in_use(), 0u);
  h = start();
  EXPECT_EQ(err(frag(h, 32)), kInvalid);  // more than the total announced
  EXPECT_EQ(core_.shares_in_use(), 0u);
  h = start();
  EXPECT_EQ(err(frag(h, 16, 0x10000)), kInvalid);  // w4 names a sender
  h = start();
  EXPECT_TRUE(ok(reclaim(h)));  // the lender abandons it
  EXPECT_EQ(core_.shares_in_use(), 0u);
  // And a partition cannot continue the normal world's transaction.
  h = start();
  EXPECT_EQ(err(sp({{ffa::raw(Func::mem_frag_tx), static_cast<uint32_t>(h), h >> 32, 16}})), kInvalid);
  // Each fragment starts at the beginning of the TX buffer.
  std::memmove(nwd_tx(), nwd_tx() + 96, 16);
  EXPECT_TRUE(ok(frag(h, 16)));
}

// Issue 12: reassembly is per lender. The normal world and a partition each
// send a descriptor in fragments, interleaved: neither stalls the other,
// neither's bytes end up in the other's, and neither can continue the
// other's. A second one from the same lender is still refused.
TEST_F(MemorySharing, FragmentsOfTwoLendersInterleave) {
  const uint32_t nwd_total = share_desc(kSp, kPage1, 1);  // 112 bytes: 96 + 16
  std::vector<uint8_t> nwd_desc(nwd_tx(), nwd_tx() + nwd_total);
  const uint32_t sp_total = build_desc(sp_tx_[0], kSp, {{kSp2, 2}}, {{kOwn, 1}});
  borrower_chooses_attributes(Func::mem_lend_64, sp_tx_[0]);  // a lend to one borrower
  std::vector<uint8_t> sp_desc(sp_tx_[0], sp_tx_[0] + sp_total);
  ASSERT_EQ(sp_total, 112u);
  // Both first fragments.
  Regs r = nwd({{ffa::raw(Func::mem_share_64), nwd_total, 96}});
  ASSERT_EQ(r.x[0], ffa::raw(Func::mem_frag_rx));
  const uint64_t hn = r.w(1) | uint64_t{r.w(2)} << 32;
  r = sp({{ffa::raw(Func::mem_lend_64), sp_total, 96}});
  ASSERT_EQ(r.x[0], ffa::raw(Func::mem_frag_rx)) << err(r);
  const uint64_t hs = r.w(1) | uint64_t{r.w(2)} << 32;
  EXPECT_NE(hn, hs);
  // Neither lender may start another, nor continue the other's.
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_share_64), nwd_total, 96}})), kNoMemory);
  EXPECT_EQ(err(sp({{ffa::raw(Func::mem_lend_64), sp_total, 96}})), kNoMemory);
  std::memcpy(sp_tx_[0], sp_desc.data() + 96, 16);
  EXPECT_EQ(err(sp({{ffa::raw(Func::mem_frag_tx), static_cast<uint32_t>(hn), hn >> 32, 16}})), kInvalid);
  std::memcpy(nwd_tx(), nwd_desc.data() + 96, 16);
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_frag_tx), static_cast<uint32_t>(hs), hs >> 32, 16}})), kInvalid);
  // Both still open (a wrong handle changes nothing): their second
  // fragments complete each one's own transaction.
  r = sp({{ffa::raw(Func::mem_frag_tx), static_cast<uint32_t>(hs), hs >> 32, 16}});
  ASSERT_TRUE(ok(r)) << err(r);
  r = nwd({{ffa::raw(Func::mem_frag_tx), static_cast<uint32_t>(hn), hn >> 32, 16}});
  ASSERT_TRUE(ok(r)) << err(r);
  ASSERT_EQ(retrieve(hn).x[0], ffa::raw(Func::mem_retrieve_resp));
  EXPECT_NE(page(kSp, kPage1), nullptr);
  ASSERT_TRUE(ok(rx_release()));
  ASSERT_EQ(retrieve(hs, 1, 0, kSp).x[0], ffa::raw(Func::mem_retrieve_resp));
  EXPECT_NE(page(kSp2, kOwn), nullptr);
  EXPECT_EQ(page(kSp, kOwn), nullptr);  // lent: the lender lost its access
  ASSERT_TRUE(ok(relinquish(hs, 1)));
  EXPECT_TRUE(ok(sp_reclaim(hs)));
  ASSERT_TRUE(ok(relinquish(hn)));
  EXPECT_TRUE(ok(reclaim(hn)));
}

// A reassembly slot goes with its transaction: a lender that abandons one
// (reclaim) may start another, while the other lender's stays open.
TEST_F(MemorySharing, ReassemblySlotsAreFreedWithTheirTransactions) {
  const uint32_t total = share_desc(kSp, kPage1, 1);
  Regs r = nwd({{ffa::raw(Func::mem_share_64), total, 96}});
  ASSERT_EQ(r.x[0], ffa::raw(Func::mem_frag_rx));
  const uint64_t h = r.w(1) | uint64_t{r.w(2)} << 32;
  const uint32_t sp_total = build_desc(sp_tx_[0], kSp, {{kSp2, 2}}, {{kOwn, 1}});
  ASSERT_EQ(sp({{ffa::raw(Func::mem_lend_64), sp_total, 96}}).x[0], ffa::raw(Func::mem_frag_rx));
  EXPECT_EQ(core_.shares_in_use(), 2u);
  // The normal world abandons its transaction: its slot and handle go.
  ASSERT_TRUE(ok(reclaim(h)));
  EXPECT_EQ(core_.shares_in_use(), 1u);
  r = nwd({{ffa::raw(Func::mem_share_64), total, 96}});
  EXPECT_EQ(r.x[0], ffa::raw(Func::mem_frag_rx));  // a slot again
}

TEST_F(MemorySharing, DescriptorInABufferGivenByAddress) {
  constexpr uint64_t kBuf = kNs + 0x100000;
  const uint32_t n = build_desc(placement_.ns_memory(kBuf), 0, {{kSp, 2}}, {{kPage1, 1}});
  Regs r = nwd({{ffa::raw(Func::mem_share_64), n, n, kBuf, 1}});
  ASSERT_TRUE(ok(r));
  EXPECT_EQ(placement_.pages_mapped(), 2u);  // the RX/TX pair: the buffer was mapped for the copy only
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_share_64), n, n, kBuf + 8, 1}})), kInvalid);      // unaligned
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_share_64), n, n, kBuf, 0}})), kInvalid);          // no pages
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_share_64), n, n, 0, 1}})), kInvalid);             // pages, no buffer
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_share_64), n, n, 0x0E000000, 1}})), kInvalid);    // secure memory
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_share_64), 5000, 5000, kBuf, 1}})), kInvalid);    // beyond the buffer
  EXPECT_EQ(err(sp({{ffa::raw(Func::mem_share_64), n, n, kBuf, 1}})), kInvalid);           // partitions: TX only
  // FFA_FEATURES says the normal world may do this.
  r = nwd({{ffa::raw(Func::features), ffa::raw(Func::mem_share_64)}});
  EXPECT_EQ(r.w(2), 1u);
}

TEST_F(MemorySharing, PartitionLendsItsOwnMemory) {
  uint8_t* own = placement_.secure_memory(kOwn);
  own[0] = 0x11;
  const uint32_t n = build_desc(sp_tx_[0], kSp, {{kSp2, 2}}, {{kOwn, 1}});
  const uint64_t h = sp_transfer(Func::mem_lend_64, n);
  ASSERT_NE(h, 0u);
  EXPECT_EQ(page(kSp, kOwn), nullptr);  // the lender lost its access
  ASSERT_NE(page(kSp, kOwn + 0x1000), nullptr);  // but not to the rest
  Regs r = retrieve(h, 1, 0, kSp);
  ASSERT_EQ(r.x[0], ffa::raw(Func::mem_retrieve_resp));
  ASSERT_NE(page(kSp2, kOwn), nullptr);
  EXPECT_FALSE(page(kSp2, kOwn)->ns);  // secure memory, mapped secure
  EXPECT_FALSE(sp_rx_[1][2] & 0x40);
  EXPECT_EQ(err(sp_reclaim(h)), kDenied);  // still borrowed
  EXPECT_EQ(err(reclaim(h)), kInvalid);    // the normal world did not lend it
  ASSERT_TRUE(ok(relinquish(h, 1)));
  EXPECT_EQ(err(sp_reclaim(h, 1)), kInvalid);  // only the lender reclaims
  ASSERT_TRUE(ok(sp_reclaim(h)));
  ASSERT_NE(page(kSp, kOwn), nullptr);
  EXPECT_TRUE(page(kSp, kOwn)->own);
  EXPECT_TRUE(page(kSp, kOwn)->writable);
  // Sharing keeps the lender's access.
  const uint64_t s = sp_transfer(Func::mem_share_64, build_desc(sp_tx_[0], kSp, {{kSp2, 1}}, {{kOwn, 2}}));
  ASSERT_NE(s, 0u);
  EXPECT_NE(page(kSp, kOwn), nullptr);
  EXPECT_TRUE(ok(sp_reclaim(s)));
}

TEST_F(MemorySharing, PartitionLendingRefusals) {
  auto lend = [&](const std::vector<Receiver>& to, const std::vector<Range>& ranges, uint16_t sender = kSp) {
    const uint32_t n = build_desc(sp_tx_[0], sender, to, ranges);
    borrower_chooses_attributes(Func::mem_lend_64, sp_tx_[0]);
    return err(sp({{ffa::raw(Func::mem_lend_64), n, n}}));
  };
  EXPECT_EQ(lend({{kSp2, 2}}, {{kOwn + 0x5000, 1}}), kInvalid);  // not its memory
  EXPECT_EQ(lend({{kSp2, 2}}, {{kOwn + 0x3000, 2}}), kInvalid);  // runs past its region
  EXPECT_EQ(lend({{kSp2, 2}}, {{kPage1, 1}}), kInvalid);          // normal-world memory
  EXPECT_EQ(lend({{kSp2, 2}}, {{kOwn + 0x4000, 1}}), kDenied);    // read-only to it: cannot grant write
  EXPECT_EQ(lend({{0, 2}}, {{kOwn, 1}}), kInvalid);               // to the normal world
  EXPECT_EQ(lend({{kSp, 2}}, {{kOwn, 1}}), kInvalid);             // to itself
  EXPECT_EQ(lend({{kTos, 2}}, {{kOwn, 1}}), kInvalid);            // to the trusted OS
  EXPECT_EQ(lend({{kSp2, 2}}, {{kOwn, 1}}, kSp2), kInvalid);      // as someone else
  EXPECT_EQ(core_.shares_in_use(), 0u);
  EXPECT_NE(page(kSp, kOwn), nullptr);  // nothing was taken away
  // The read-only page can be lent read-only.
  EXPECT_EQ(lend({{kSp2, 1}}, {{kOwn + 0x4000, 1}}), 0);
  // A page lent already cannot be lent again, by anyone.
  EXPECT_EQ(lend({{kSp2, 1}}, {{kOwn + 0x4000, 1}}), kInvalid);
  // The normal world cannot pass secure memory off as its own.
  EXPECT_EQ(share(share_desc(kSp2, kOwn, 1)), 0u);
}

TEST_F(MemorySharing, PartitionDonatesItsOwnMemory) {
  const uint64_t h = sp_transfer(Func::mem_donate_64, build_desc(sp_tx_[0], kSp, {{kSp2, 0}}, {{kOwn + 0x1000, 1}}));
  ASSERT_NE(h, 0u);
  EXPECT_EQ(page(kSp, kOwn + 0x1000), nullptr);
  EXPECT_EQ(err(sp_reclaim(h)), kDenied);
  ASSERT_EQ(retrieve(h, 1, 0, kSp).x[0], ffa::raw(Func::mem_retrieve_resp));
  EXPECT_EQ(core_.shares_in_use(), 0u);
  EXPECT_NE(page(kSp2, kOwn + 0x1000), nullptr);
  // Gone from the donor for good.
  EXPECT_EQ(err(sp({{ffa::raw(Func::mem_share_64), build_desc(sp_tx_[0], kSp, {{kSp2, 2}}, {{kOwn + 0x1000, 1}}),
                     build_desc(sp_tx_[0], kSp, {{kSp2, 2}}, {{kOwn + 0x1000, 1}})}})),
            kInvalid);
}

// Donated ranges are remembered for good (no later transaction may include
// them): partitions' donations may fill half the table, the normal world's
// the other half, so that neither side uses up the other's.
TEST_F(MemorySharing, DonationsByPartitionsLeaveTheNormalWorldItsHalf) {
  constexpr uint64_t kMore = kOwn + 0x10000;
  placement_.give_partition_memory(EndpointId(kSp), kMore, 40, true);
  const auto pages = [&](uint64_t first, uint64_t count) {
    std::vector<test::Range> ranges;
    for (uint64_t i = 0; i < count; ++i) ranges.push_back({kMore + (first + i) * 0x1000, 1});
    return ranges;
  };
  // At most 8 of a partition's ranges wait to be retrieved at once (it
  // cannot reclaim a donation): NO_MEMORY for 9.
  EXPECT_EQ(sp_transfer(Func::mem_donate_64, build_desc(sp_tx_[0], kSp, {{kSp2, 0}}, pages(0, 9))), 0u);
  const uint64_t waiting = sp_transfer(Func::mem_donate_64, build_desc(sp_tx_[0], kSp, {{kSp2, 0}}, pages(0, 8)));
  ASSERT_NE(waiting, 0u);
  EXPECT_EQ(sp_transfer(Func::mem_donate_64, build_desc(sp_tx_[0], kSp, {{kSp2, 0}}, pages(8, 1))), 0u);
  // Retrieved, they count against the partitions' half (32) for good.
  ASSERT_EQ(retrieve(waiting, 1, 0, kSp).x[0], ffa::raw(Func::mem_retrieve_resp));
  ASSERT_TRUE(ok(rx_release(1)));
  for (uint64_t batch = 1; batch < 4; ++batch) {
    const uint64_t h = sp_transfer(Func::mem_donate_64, build_desc(sp_tx_[0], kSp, {{kSp2, 0}}, pages(8 * batch, 8)));
    ASSERT_NE(h, 0u);
    ASSERT_EQ(retrieve(h, 1, 0, kSp).x[0], ffa::raw(Func::mem_retrieve_resp));
    ASSERT_TRUE(ok(rx_release(1)));
  }
  EXPECT_EQ(sp_transfer(Func::mem_donate_64, build_desc(sp_tx_[0], kSp, {{kSp2, 0}}, pages(32, 1))), 0u);
  // The normal world still donates.
  const uint64_t d = transfer(Func::mem_donate_64, build_desc(nwd_tx(), 0, {{kSp, 0}}, {{kPage1, 1}}));
  EXPECT_NE(d, 0u);
}

TEST_F(MemorySharing, AnAbortedBorrowerGivesEverythingBack) {
  const uint64_t h = share(share_desc(kSp, kPage1, 1));
  ASSERT_EQ(retrieve(h).x[0], ffa::raw(Func::mem_retrieve_resp));
  Regs out{};
  (void)core_.sp_aborted(0, out);
  EXPECT_EQ(page(kSp, kPage1), nullptr);
  EXPECT_TRUE(ok(reclaim(h)));
}

// A borrower that asked for zeroing when it lets go stops, and the SPMC
// cannot reach the memory to zero it then: what it wrote must still never
// reach the lender. The zeroing is owed: the lender's reclaim does it (and
// is refused, to be made again, while it cannot).
TEST_F(MemorySharing, AZeroingOwedByAnAbortedBorrowerIsDoneAtReclaim) {
  const uint64_t h = share(share_desc(kSp, kPage1, 1), Func::mem_lend_64);
  ASSERT_EQ(retrieve(h, 0, 0, 0, 0, 1u << 10 | 4).x[0], ffa::raw(Func::mem_retrieve_resp));
  ASSERT_TRUE(ok(rx_release()));
  uint8_t* page1 = placement_.ns_memory(kPage1);
  page1[11] = 0x42;  // the borrower's secret
  placement_.fail_next_map();
  Regs out{};
  (void)core_.sp_aborted(0, out);
  EXPECT_EQ(page(kSp, kPage1), nullptr);
  EXPECT_EQ(page1[11], 0x42);  // not zeroed yet
  placement_.fail_next_map();
  EXPECT_EQ(err(reclaim(h)), kNoMemory);  // the lender does not get it unzeroed
  EXPECT_EQ(page1[11], 0x42);
  EXPECT_TRUE(ok(reclaim(h)));
  EXPECT_EQ(page1[11], 0);
  EXPECT_EQ(core_.shares_in_use(), 0u);
}

// Zeroing after relinquish is refused for memory the SPMC can never reach
// (a partition's own memory outside what its placement's partition_memory
// serves): otherwise the relinquish, or the reclaim once the zeroing was
// owed, would be refused for good.
TEST_F(MemorySharing, ZeroAfterRelinquishOnlyWhereTheSpmcCanZero) {
  constexpr uint64_t kFar = FakePlacement::kSecureBase + FakePlacement::kSecureSize;  // beyond the SPMC's reach
  placement_.give_partition_memory(EndpointId(kSp), kFar, 1, true);
  const uint64_t h = sp_transfer(Func::mem_lend_64, build_desc(sp_tx_[0], kSp, {{kSp2, 2}}, {{kFar, 1}}));
  ASSERT_NE(h, 0u);
  EXPECT_EQ(err(retrieve(h, 1, 0, kSp, 0, 1u << 10 | 4)), kDenied);
  ASSERT_EQ(retrieve(h, 1, 0, kSp).x[0], ffa::raw(Func::mem_retrieve_resp));  // without zeroing
  ASSERT_TRUE(ok(rx_release(1)));
  ASSERT_TRUE(ok(relinquish(h, 1)));
  EXPECT_TRUE(ok(sp_reclaim(h)));
}

TEST_F(MemorySharing, WhatAnAbortedLenderLentIsFreedWhenReturned) {
  const uint64_t h = sp_transfer(Func::mem_lend_64, build_desc(sp_tx_[0], kSp, {{kSp2, 2}}, {{kOwn, 1}}));
  const uint64_t never = sp_transfer(Func::mem_lend_64, build_desc(sp_tx_[0], kSp, {{kSp2, 2}}, {{kOwn + 0x1000, 1}}));
  ASSERT_NE(h, 0u);
  ASSERT_NE(never, 0u);
  ASSERT_EQ(retrieve(h, 1, 0, kSp).x[0], ffa::raw(Func::mem_retrieve_resp));
  Regs out{};
  (void)core_.sp_aborted(0, out);
  EXPECT_EQ(core_.shares_in_use(), 1u);  // the unretrieved one is gone
  EXPECT_EQ(err(retrieve(never, 1, 0, kSp)), kInvalid);
  ASSERT_TRUE(ok(relinquish(h, 1)));
  EXPECT_EQ(core_.shares_in_use(), 0u);
}

TEST_F(MemorySharing, TrustedOsBorrowsThroughLocalMemory) {
  const uint64_t h = share(share_desc(kTos, kPage1, 1));
  ASSERT_NE(h, 0u);
  EXPECT_EQ(core_.local_retrieve(EndpointId(kSp), EndpointId(kNwd), h).error(),
            Error::invalid_parameters);  // not a local receiver
  // The lender named wrongly: as a retrieve request naming another sender.
  EXPECT_EQ(core_.local_retrieve(EndpointId(kTos), EndpointId(kSp), h).error(), Error::invalid_parameters);
  bool writable = false;
  ffa::MemConstituent range{};
  EXPECT_EQ(core_.local_ranges(EndpointId(kTos), EndpointId(kSp), h, &range, 1, writable).error(),
            Error::invalid_parameters);
  auto view = core_.local_retrieve(EndpointId(kTos), EndpointId(kNwd), h);
  ASSERT_TRUE(view.ok());
  EXPECT_TRUE(view->writable);
  EXPECT_EQ(view->bytes.size(), 4096u);
  view->bytes.data()[5] = 0x42;
  EXPECT_EQ(placement_.ns_memory(kPage1)[5], 0x42);
  EXPECT_EQ(core_.local_retrieve(EndpointId(kTos), EndpointId(kNwd), h).error(), Error::denied);  // held already
  EXPECT_EQ(err(reclaim(h)), kDenied);
  EXPECT_TRUE(core_.local_relinquish(EndpointId(kTos), h).ok());
  EXPECT_EQ(core_.local_relinquish(EndpointId(kTos), h).error(), Error::invalid_parameters);
  EXPECT_EQ(placement_.pages_mapped(), 2u);  // the RX/TX pair only
  EXPECT_TRUE(ok(reclaim(h)));
  // Several ranges do not make one buffer.
  const uint64_t two = share(build_desc(nwd_tx(), 0, {{kTos, 2}}, {{kPage1, 1}, {kPage1 + 0x2000, 1}}));
  EXPECT_EQ(core_.local_retrieve(EndpointId(kTos), EndpointId(kNwd), two).error(), Error::not_supported);
}

TEST_F(MemorySharing, FeaturesForPartitions) {
  // A v1.1+ partition says it handles the NS bit (input bit 1) and is told
  // the responses carry it; without that input the answer is NOT_SUPPORTED.
  Regs r = sp({{ffa::raw(Func::features), ffa::raw(Func::mem_retrieve_req_64), 2}});
  ASSERT_TRUE(ok(r));
  EXPECT_EQ(r.w(2), 2u);  // NS bit in responses
  EXPECT_EQ(err(sp({{ffa::raw(Func::features), ffa::raw(Func::mem_retrieve_req_64)}})), -1);
  for (Func f : {Func::mem_lend_64, Func::mem_frag_rx, Func::mem_frag_tx, Func::mem_reclaim})
    EXPECT_TRUE(ok(sp({{ffa::raw(Func::features), ffa::raw(f)}}))) << ffa::raw(f);
}

// The review's findings, each a test.
TEST_F(MemorySharing, TheLendersOwnRxTxPairIsNeverInATransaction) {
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_share_64), share_desc(kSp, kRx, 1), share_desc(kSp, kRx, 1)}})), kDenied);
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_share_64), share_desc(kSp, kTx, 2), share_desc(kSp, kTx, 2)}})), kDenied);
}

TEST_F(MemorySharing, ZeroingThatCannotHappenIsRefused) {
  const uint32_t n = build_desc(nwd_tx(), 0, {{kSp, 2}}, {{kPage1, 1}}, 1);
  borrower_chooses_attributes(Func::mem_lend_64, nwd_tx());
  placement_.fail_next_map();  // the SPMC cannot reach the memory to zero it
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_lend_64), n, n}})), kNoMemory);
  EXPECT_EQ(core_.shares_in_use(), 0u);
}

TEST_F(MemorySharing, LendAndDonateMayLeaveAttributesAndAccessUnspecified) {
  uint32_t n = build_desc(nwd_tx(), 0, {{kSp, 2}}, {{kPage1, 1}});
  put(nwd_tx(), 2, 0, 2);  // memory type "not specified", as Linux lends
  EXPECT_NE(transfer(Func::mem_lend_64, n), 0u);
  n = build_desc(nwd_tx(), 0, {{kSp, 2}}, {{kPage1 + 0x1000, 1}});
  put(nwd_tx(), 2, 0, 2);
  EXPECT_EQ(transfer(Func::mem_share_64, n), 0u);  // a share must say
  n = build_desc(nwd_tx(), 0, {{kSp, 0}}, {{kPage1 + 0x2000, 1}});  // donate: access not specified
  const uint64_t d = transfer(Func::mem_donate_64, n);
  ASSERT_NE(d, 0u);
  ASSERT_EQ(retrieve(d).x[0], ffa::raw(Func::mem_retrieve_resp));
  EXPECT_TRUE(page(kSp, kPage1 + 0x2000)->writable);  // the new owner may write
  n = build_desc(nwd_tx(), 0, {{kSp, 0}}, {{kPage1 + 0x3000, 1}});
  EXPECT_EQ(transfer(Func::mem_lend_64, n), 0u);  // a lend must say
}

TEST_F(MemorySharing, NoDonationToTheTrustedOs) {
  EXPECT_EQ(share(share_desc(kTos, kPage1, 1, 0), Func::mem_donate_64), 0u);
}

TEST_F(MemorySharing, ZeroOnRelinquishOnlyForTheOnlyBorrower) {
  const uint64_t h = share(build_desc(nwd_tx(), 0, {{kSp, 2}, {kSp2, 2}}, {{kPage1, 1}}), Func::mem_lend_64);
  ASSERT_EQ(retrieve(h, 0).x[0], ffa::raw(Func::mem_retrieve_resp));
  ASSERT_EQ(retrieve(h, 1).x[0], ffa::raw(Func::mem_retrieve_resp));
  placement_.ns_memory(kPage1)[0] = 0x77;
  EXPECT_EQ(err(relinquish(h, 0, 1)), kInvalid);  // kSp2 still holds it
  EXPECT_EQ(placement_.ns_memory(kPage1)[0], 0x77);
  EXPECT_TRUE(ok(relinquish(h, 0)));
}

TEST_F(MemorySharing, HandlesNeverComeBack) {
  uint64_t first = 0;
  for (unsigned i = 0; i < 70000; ++i) {  // more than 16 bits of generations
    const uint64_t h = share(share_desc(kSp, kPage1, 1));
    ASSERT_NE(h, 0u);
    if (i == 0) first = h;
    ASSERT_TRUE(i == 0 || h != first);
    ASSERT_TRUE(ok(reclaim(h)));
  }
}

// --- Issue 11, items 9-15: FF-A v1.2 memory management conformance --------

// Item 9: the lender leaves the instruction access "not specified" in every
// transaction; a borrower of shared memory, or one of several borrowers of
// lent memory, leaves it too; the only borrower of lent or donated memory
// may ask for NX (never for execution).
TEST_F(MemorySharing, InstructionAccessIsNotTheLendersToSpecify) {
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_share_64), share_desc(kSp, kPage1, 1, 2 | 4),
                      share_desc(kSp, kPage1, 1, 2 | 4)}})),
            kInvalid);  // share, NX
  uint32_t n = share_desc(kSp, kPage1, 1, 2 | 4);
  borrower_chooses_attributes(Func::mem_lend_64, nwd_tx());
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_lend_64), n, n}})), kInvalid);  // lend to one, NX
  n = build_desc(nwd_tx(), 0, {{kSp, 2}, {kSp2, 2 | 4}}, {{kPage1, 1}});
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_lend_64), n, n}})), kInvalid);  // lend to several, NX for one
  n = share_desc(kSp, kPage1, 1, 4);
  borrower_chooses_attributes(Func::mem_donate_64, nwd_tx());
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_donate_64), n, n}})), kInvalid);  // donate, NX
  EXPECT_EQ(core_.shares_in_use(), 0u);
  // Left unspecified: accepted, and the borrower of shared memory gets NX.
  const uint64_t shared = share(share_desc(kSp, kPage1, 1));
  ASSERT_NE(shared, 0u);
  EXPECT_EQ(err(retrieve(shared, 0, 2 | 4)), kInvalid);  // a share: NX is not the borrower's to ask
  ASSERT_EQ(retrieve(shared).x[0], ffa::raw(Func::mem_retrieve_resp));
  EXPECT_EQ(sp_rx_[0][50], 2 | 4);
  ASSERT_TRUE(ok(rx_release()));
  // Lent to several: the same for each borrower.
  const uint64_t several = share(build_desc(nwd_tx(), 0, {{kSp, 2}, {kSp2, 2}}, {{kPage1 + 0x1000, 1}}),
                                 Func::mem_lend_64);
  ASSERT_NE(several, 0u);
  EXPECT_EQ(err(retrieve(several, 1, 2 | 4)), kInvalid);
  EXPECT_EQ(err(retrieve(several, 1, 2 | 8)), kInvalid);
  ASSERT_EQ(retrieve(several, 1).x[0], ffa::raw(Func::mem_retrieve_resp));
  EXPECT_EQ(sp_rx_[1][50], 2 | 4);
  // Lent to one: the borrower may ask for NX, not for execution.
  const uint64_t one = share(share_desc(kSp2, kPage1 + 0x2000, 1), Func::mem_lend_64);
  ASSERT_NE(one, 0u);
  ASSERT_TRUE(ok(rx_release(1)));
  EXPECT_EQ(err(retrieve(one, 1, 2 | 8)), kDenied);
  ASSERT_EQ(retrieve(one, 1, 2 | 4).x[0], ffa::raw(Func::mem_retrieve_resp));
  EXPECT_EQ(sp_rx_[1][50], 2 | 4);
}

// Item 10: a donor leaves the data access to the new owner.
TEST_F(MemorySharing, DonationLeavesTheDataAccessUnspecified) {
  for (uint8_t perm : {uint8_t{1}, uint8_t{2}}) {
    const uint32_t n = share_desc(kSp, kPage1, 1, perm);
    borrower_chooses_attributes(Func::mem_donate_64, nwd_tx());
    EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_donate_64), n, n}})), kInvalid) << int{perm};
  }
  EXPECT_EQ(err(sp({{ffa::raw(Func::mem_donate_64), build_desc(sp_tx_[0], kSp, {{kSp2, 2}}, {{kOwn, 1}}),
                     build_desc(sp_tx_[0], kSp, {{kSp2, 2}}, {{kOwn, 1}})}})),
            kInvalid);
  EXPECT_EQ(core_.shares_in_use(), 0u);
  const uint64_t d = share(share_desc(kSp, kPage1, 1, 0), Func::mem_donate_64);
  ASSERT_NE(d, 0u);
  ASSERT_EQ(retrieve(d, 0, 1).x[0], ffa::raw(Func::mem_retrieve_resp));  // the new owner asks for read-only
  EXPECT_FALSE(page(kSp, kPage1)->writable);
}

// Item 11: the total length is the descriptor's. A first fragment that
// holds the whole descriptor (or says how long it is) with another total
// is malformed, not the first of several.
TEST_F(MemorySharing, TotalLengthMustMatchTheDescriptor) {
  const uint32_t n = share_desc(kSp, kPage1, 1);  // 112 bytes
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_share_64), n + 16, n}})), kInvalid);       // whole, a larger total
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_share_64), n + 16, n + 16}})), kInvalid);  // trailing bytes
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_share_64), n + 32, 96}})), kInvalid);      // count says 112
  EXPECT_EQ(core_.shares_in_use(), 0u);
  // The total the descriptor implies, in fragments: as before.
  Regs r = nwd({{ffa::raw(Func::mem_share_64), n, 96}});
  ASSERT_EQ(r.x[0], ffa::raw(Func::mem_frag_rx));
  const uint64_t h = r.w(1) | uint64_t{r.w(2)} << 32;
  std::memmove(nwd_tx(), nwd_tx() + 96, 16);
  EXPECT_TRUE(ok(nwd({{ffa::raw(Func::mem_frag_tx), static_cast<uint32_t>(h), h >> 32, 16}})));
  // A first fragment too short to tell: decided when the rest arrives.
  share_desc(kSp, kPage1 + 0x1000, 1);
  r = nwd({{ffa::raw(Func::mem_share_64), n + 16, 48}});
  ASSERT_EQ(r.x[0], ffa::raw(Func::mem_frag_rx));
  const uint64_t h2 = r.w(1) | uint64_t{r.w(2)} << 32;
  std::memmove(nwd_tx(), nwd_tx() + 48, 80);
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_frag_tx), static_cast<uint32_t>(h2), h2 >> 32, 80}})), kInvalid);
  EXPECT_EQ(core_.shares_in_use(), 1u);
}

// Item 12: memory region attributes. A donation or a lend to one borrower
// leaves them to the borrower, which names what Tessera maps (normal,
// write-back, inner shareable) or nothing; a share or a lend to several
// names them, and the borrower repeats them or names nothing.
TEST_F(MemorySharing, MemoryAttributesLeftToTheBorrower) {
  const uint64_t lent = share(share_desc(kSp, kPage1, 1), Func::mem_lend_64);  // attributes 0
  ASSERT_NE(lent, 0u);
  constexpr uint32_t kBypass = 1u << 10;
  EXPECT_EQ(err(retrieve(lent, 0, 0, 0, 0, kBypass, 0x27)), kDenied);   // normal, non-cacheable: not mapped so
  EXPECT_EQ(err(retrieve(lent, 0, 0, 0, 0, kBypass, 0x2E)), kDenied);   // outer shareable
  EXPECT_EQ(err(retrieve(lent, 0, 0, 0, 0, kBypass, 0x13)), kInvalid);  // device memory
  EXPECT_EQ(err(retrieve(lent, 0, 0, 0, 0, kBypass, 0x23)), kInvalid);  // reserved cacheability
  EXPECT_EQ(err(retrieve(lent, 0, 0, 0, 0, kBypass, 0x6F)), kInvalid);  // NS bit
  ASSERT_EQ(retrieve(lent, 0, 0, 0, 0, kBypass, 0x2F).x[0], ffa::raw(Func::mem_retrieve_resp));
  EXPECT_EQ(get(sp_rx_[0], 2, 2), 0x2Fu | 0x40u);  // as mapped, non-secure
  ASSERT_TRUE(ok(rx_release()));
  // Not named by either: described as mapped.
  const uint64_t lent2 = share(share_desc(kSp, kPage1 + 0x1000, 1), Func::mem_lend_64);
  ASSERT_EQ(retrieve(lent2).x[0], ffa::raw(Func::mem_retrieve_resp));
  EXPECT_EQ(get(sp_rx_[0], 2, 2), 0x2Fu | 0x40u);
  ASSERT_TRUE(ok(rx_release()));
  // The lender of a donation or of a lend to one borrower names nothing.
  uint32_t n = share_desc(kSp, kPage1 + 0x2000, 1);
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_lend_64), n, n}})), kInvalid);  // 0x2F
  n = share_desc(kSp, kPage1 + 0x2000, 1, 0);
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_donate_64), n, n}})), kInvalid);
  // A share or a lend to several names them: normal, write-back, inner
  // shareable; others are not what Tessera maps.
  n = build_desc(nwd_tx(), 0, {{kSp, 2}, {kSp2, 2}}, {{kPage1 + 0x2000, 1}});
  put(nwd_tx(), 2, 0, 2);
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_lend_64), n, n}})), kInvalid);
  for (uint16_t a : {uint16_t{0x27}, uint16_t{0x2E}, uint16_t{0x2C}}) {
    n = share_desc(kSp, kPage1 + 0x2000, 1);
    put(nwd_tx(), 2, a, 2);
    EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_share_64), n, n}})), kDenied) << a;
  }
  for (uint16_t a : {uint16_t{0x13}, uint16_t{0x22}, uint16_t{0x2D}, uint16_t{0x6F}, uint16_t{0x3F}}) {
    n = share_desc(kSp, kPage1 + 0x2000, 1);
    put(nwd_tx(), 2, a, 2);
    EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_share_64), n, n}})), kInvalid) << a;
  }
  const uint64_t shared = share(share_desc(kSp2, kPage1 + 0x2000, 1));
  ASSERT_NE(shared, 0u);
  EXPECT_EQ(err(retrieve(shared, 1, 0, 0, 0, kBypass, 0x27)), kInvalid);  // not what the lender named
  ASSERT_EQ(retrieve(shared, 1, 0, 0, 0, kBypass, 0x2F).x[0], ffa::raw(Func::mem_retrieve_resp));
}

// Item 13: the retrieve request, field by field.
TEST_F(MemorySharing, RetrieveRequestFieldByField) {
  // The lender's implementation-defined value for kSp comes back unchanged.
  uint32_t n = share_desc(kSp, kPage1, 1);
  put(nwd_tx(), 48 + 8, 0x1122334455667788ull, 8);
  put(nwd_tx(), 48 + 16, 0x99, 8);
  const uint64_t h = share(n);
  ASSERT_NE(h, 0u);
  EXPECT_EQ(err(retrieve(h)), kInvalid);  // impdef 0
  auto with_impdef = [&](uint32_t flags = 1u << 10) {
    std::memset(sp_tx_[0], 0, 128);
    put(sp_tx_[0], 4, flags, 4);
    put(sp_tx_[0], 8, h, 8);
    put(sp_tx_[0], 24, 32, 4);
    put(sp_tx_[0], 28, 1, 4);
    put(sp_tx_[0], 32, 48, 4);
    put(sp_tx_[0], 48, kSp, 2);
    put(sp_tx_[0], 56, 0x1122334455667788ull, 8);
    put(sp_tx_[0], 64, 0x99, 8);
  };
  auto req = [&](uint32_t total) { return sp({{ffa::raw(Func::mem_retrieve_req_64), total, total}}); };
  with_impdef();
  put(sp_tx_[0], 64, 0x98, 8);
  EXPECT_EQ(err(req(80)), kInvalid);  // the second word differs
  with_impdef();
  EXPECT_EQ(err(req(96)), kInvalid);  // longer than its descriptor
  with_impdef();
  sp_tx_[0][51] = 1;  // receiver flags: the SPMC's
  EXPECT_EQ(err(req(80)), kInvalid);
  with_impdef();
  sp_tx_[0][2] = 0x40;  // NS bit
  EXPECT_EQ(err(req(80)), kInvalid);
  with_impdef(1u << 10 | 1u << 9 | 1u << 5);  // an alignment hint: VA = PA here
  EXPECT_EQ(err(req(80)), kInvalid);
  with_impdef(1u << 10 | 1u << 6);  // hint bits without "valid"
  EXPECT_EQ(err(req(80)), kInvalid);
  with_impdef(1u << 11);  // reserved
  EXPECT_EQ(err(req(80)), kInvalid);
  with_impdef(1u << 10 | 1u);  // zero a share before retrieving: the lender still uses it
  EXPECT_EQ(err(req(80)), kInvalid);
  with_impdef(1u << 10 | 4u);  // ... or after relinquishing
  EXPECT_EQ(err(req(80)), kInvalid);
  with_impdef();
  put(sp_tx_[0], 52, 80, 4);  // a composite region: ranges Tessera cannot honour
  put(sp_tx_[0], 80, 1, 4);
  put(sp_tx_[0], 84, 1, 4);
  put(sp_tx_[0], 96, kPage1, 8);
  put(sp_tx_[0], 104, 1, 4);
  EXPECT_EQ(err(req(112)), kInvalid);
  with_impdef();
  ASSERT_EQ(req(80).x[0], ffa::raw(Func::mem_retrieve_resp));
  EXPECT_EQ(get(sp_rx_[0], 48 + 8, 8), 0x1122334455667788ull);  // in the response too
  EXPECT_EQ(get(sp_rx_[0], 48 + 16, 8), 0x99u);
  ASSERT_TRUE(ok(rx_release()));
}

TEST_F(MemorySharing, RetrieveNamesEveryBorrowerOrBypassesTheCheck) {
  const uint64_t h = share(build_desc(nwd_tx(), 0, {{kSp, 2}, {kSp2, 1}}, {{kPage1, 1}}));
  ASSERT_NE(h, 0u);
  EXPECT_EQ(err(retrieve(h, 0, 0, 0, 0, 0)), kInvalid);  // itself alone, without the bypass flag
  // Both borrowers, without the flag: accepted.
  auto both = [&](uint32_t flags, uint16_t second) {
    std::memset(sp_tx_[0], 0, 128);
    put(sp_tx_[0], 4, flags, 4);
    put(sp_tx_[0], 8, h, 8);
    put(sp_tx_[0], 24, 32, 4);
    put(sp_tx_[0], 28, 2, 4);
    put(sp_tx_[0], 32, 48, 4);
    put(sp_tx_[0], 48, kSp, 2);
    put(sp_tx_[0], 80, second, 2);
    return sp({{ffa::raw(Func::mem_retrieve_req_64), 112, 112}});
  };
  EXPECT_EQ(err(both(1u << 10, kSp2)), kInvalid);  // the bypass flag with two descriptors
  EXPECT_EQ(err(both(0, 0x8003)), kInvalid);       // someone the lender did not name
  ASSERT_EQ(both(0, kSp2).x[0], ffa::raw(Func::mem_retrieve_resp));
  EXPECT_TRUE(page(kSp, kPage1)->writable);
}

TEST_F(MemorySharing, RetrieveZeroFlagsNeedTheirConditions) {
  constexpr uint32_t kBypass = 1u << 10;
  // Zero before retrieve: only if the lender had it zeroed.
  const uint64_t plain = share(share_desc(kSp, kPage1, 1), Func::mem_lend_64);
  EXPECT_EQ(err(retrieve(plain, 0, 0, 0, 0, kBypass | 1)), kDenied);
  uint32_t n = build_desc(nwd_tx(), 0, {{kSp, 2}}, {{kPage1 + 0x1000, 1}}, 1);
  const uint64_t zeroed = transfer(Func::mem_lend_64, n);
  ASSERT_NE(zeroed, 0u);
  EXPECT_EQ(err(retrieve(zeroed, 0, 1, 0, 0, kBypass | 1)), kDenied);  // read-only: it cannot clear
  ASSERT_EQ(retrieve(zeroed, 0, 0, 0, 0, kBypass | 1).x[0], ffa::raw(Func::mem_retrieve_resp));
  ASSERT_TRUE(ok(rx_release()));
  // Zero after relinquish: writable memory of its only borrower, zeroed
  // when it relinquishes (without asking again).
  EXPECT_EQ(err(retrieve(plain, 0, 1, 0, 0, kBypass | 4)), kDenied);
  ASSERT_EQ(retrieve(plain, 0, 0, 0, 0, kBypass | 4).x[0], ffa::raw(Func::mem_retrieve_resp));
  ASSERT_TRUE(ok(rx_release()));
  placement_.ns_memory(kPage1)[3] = 0x5A;
  ASSERT_TRUE(ok(relinquish(plain)));
  EXPECT_EQ(placement_.ns_memory(kPage1)[3], 0);
  const uint64_t two = share(build_desc(nwd_tx(), 0, {{kSp, 2}, {kSp2, 2}}, {{kPage1 + 0x2000, 1}}),
                             Func::mem_lend_64);
  EXPECT_EQ(err(retrieve(two, 0, 0, 0, 0, kBypass | 4)), kInvalid);  // another borrower still uses it
}

// Item 14: memory the lender cannot write cannot be zeroed on its behalf.
TEST_F(MemorySharing, ZeroingMemoryTheLenderCannotWriteIsDenied) {
  auto transfer_ro = [&](Func f, uint8_t perm, uint32_t flags) {
    const uint32_t n = build_desc(sp_tx_[0], kSp, {{kSp2, perm}}, {{kOwn + 0x4000, 1}}, flags);
    borrower_chooses_attributes(f, sp_tx_[0]);
    return sp({{ffa::raw(f), n, n}});
  };
  placement_.secure_memory(kOwn + 0x4000)[0] = 0x3C;
  EXPECT_EQ(err(transfer_ro(Func::mem_lend_64, 1, 1)), kDenied);
  EXPECT_EQ(err(transfer_ro(Func::mem_donate_64, 0, 1)), kDenied);
  EXPECT_EQ(placement_.secure_memory(kOwn + 0x4000)[0], 0x3C);
  EXPECT_NE(page(kSp, kOwn + 0x4000), nullptr);  // still the lender's
  EXPECT_EQ(core_.shares_in_use(), 0u);
  const Regs r = transfer_ro(Func::mem_lend_64, 1, 0);
  EXPECT_TRUE(ok(r));
}

// Item 15: a donor of read-only memory leaves the access unspecified; the
// new owner may have it read-only, not more.
TEST_F(MemorySharing, DonatingReadOnlyMemory) {
  const uint64_t h = sp_transfer(Func::mem_donate_64, build_desc(sp_tx_[0], kSp, {{kSp2, 0}}, {{kOwn + 0x4000, 1}}));
  ASSERT_NE(h, 0u);
  EXPECT_EQ(err(retrieve(h, 1, 2, kSp)), kDenied);  // read-write: more than the donor had
  ASSERT_EQ(retrieve(h, 1, 0, kSp).x[0], ffa::raw(Func::mem_retrieve_resp));
  EXPECT_EQ(sp_rx_[1][50] & 3, 1);
  ASSERT_NE(page(kSp2, kOwn + 0x4000), nullptr);
  EXPECT_FALSE(page(kSp2, kOwn + 0x4000)->writable);
  EXPECT_EQ(core_.shares_in_use(), 0u);
}

// The pool of ranges and the lenders' quotas (issue 12): 256 transactions
// and 4,096 ranges in all, the normal world at most 192 and 3,072 (and
// that much kept for it), a partition at most 32 and 512.
class MemoryPool : public MemorySharing {
 protected:
  static constexpr uint64_t kSpOwn = kOwn + 0x10000, kSp2Own = kSpOwn + 0x400000;
  static constexpr uint32_t kRanges = 16;  // per transaction: 4,096 / 256
  explicit MemoryPool(spmc::CoreConfig config = spmc::CoreConfig{EndpointId(0x8000), ffa::kVersion1_2})
      : MemorySharing(32u << 20, config) {}
  void SetUp() override {
    MemorySharing::SetUp();
    // Enough memory of their own for 512 one-page ranges each and more
    // (shared, never lent: nothing needs the fake's secure array).
    placement_.give_partition_memory(EndpointId(kSp), kSpOwn, 1024, true);
    placement_.give_partition_memory(EndpointId(kSp2), kSp2Own, 1024, true);
  }
  static std::vector<Range> pages(uint64_t first, uint32_t n) {
    std::vector<Range> r;
    for (uint32_t i = 0; i < n; ++i) r.push_back({first + i * 0x1000ull, 1});
    return r;
  }
  // Transaction `i` of the normal world: `n` one-page ranges of its own.
  Regs nwd_share(unsigned i, uint32_t n = kRanges) {
    const uint32_t len = build_desc(nwd_tx(), 0, {{kSp, 2}}, pages(kPage1 + i * kRanges * 0x1000ull, n));
    return nwd({{ffa::raw(Func::mem_share_64), len, len}});
  }
  // Transaction `i` of partition `index` (to the other one).
  Regs sp_share(size_t index, unsigned i, uint32_t n = kRanges) {
    const uint16_t from = index == 0 ? kSp : kSp2, to = index == 0 ? kSp2 : kSp;
    const uint64_t own = index == 0 ? kSpOwn : kSp2Own;
    const uint32_t len = build_desc(sp_tx_[index], from, {{to, 1}}, pages(own + i * kRanges * 0x1000ull, n));
    return sp({{ffa::raw(Func::mem_share_64), len, len}}, index);
  }
  static uint64_t handle(const Regs& r) { return ok(r) ? (r.x[2] | r.x[3] << 32) : 0; }
  // Pool accounting: ranges in use == the ranges of the live transactions.
  void expect_accounted() {
    size_t ranges = 0;
    for (size_t i = 0; i < spmc::kMaxShares; ++i) ranges += core_.share_slot(i).constituent_count;
    EXPECT_EQ(core_.pool_in_use(), ranges);
  }
};

TEST_F(MemoryPool, EveryTransactionAndRangeInUseThenAllBack) {
  for (int round = 0; round < 2; ++round) {  // the second one reuses what the first gave back
    std::vector<uint64_t> nwd_handles, sp_handles[2];
    // The normal world: 192 transactions, 3,072 ranges; then nothing more.
    for (unsigned i = 0; i < 192; ++i) {
      nwd_handles.push_back(handle(nwd_share(i)));
      ASSERT_NE(nwd_handles.back(), 0u) << i;
    }
    EXPECT_EQ(err(nwd_share(192, 1)), kNoMemory);
    EXPECT_EQ(core_.held_by(EndpointId(0)).ranges, 3072u);
    // Each partition: 32 transactions, 512 ranges, the normal world's
    // quota notwithstanding.
    for (size_t p = 0; p < 2; ++p) {
      for (unsigned i = 0; i < 32; ++i) {
        sp_handles[p].push_back(handle(sp_share(p, i)));
        ASSERT_NE(sp_handles[p].back(), 0u) << p << " " << i;
      }
      EXPECT_EQ(err(sp_share(p, 32, 1)), kNoMemory);
    }
    // 256 transactions, 4,096 ranges: all of it.
    EXPECT_EQ(core_.shares_in_use(), spmc::kMaxShares);
    EXPECT_EQ(core_.pool_in_use(), spmc::kMaxPoolConstituents);
    expect_accounted();
    // Every one keeps its own ranges: a retrieve sees them.
    ASSERT_EQ(retrieve(nwd_handles[100]).x[0], ffa::raw(Func::mem_retrieve_resp));
    EXPECT_EQ(get(sp_rx_[0], 80 + 4, 4), kRanges);
    for (uint32_t c = 0; c < kRanges; ++c)
      EXPECT_EQ(get(sp_rx_[0], 96 + 16 * c, 8), kPage1 + (100 * kRanges + c) * 0x1000ull);
    ASSERT_TRUE(ok(rx_release()));
    ASSERT_TRUE(ok(relinquish(nwd_handles[100])));
    // Everything back, in an order that is neither first-in nor last-in.
    for (size_t i = 0; i < nwd_handles.size(); i += 2) ASSERT_TRUE(ok(reclaim(nwd_handles[i])));
    expect_accounted();
    for (uint64_t h : sp_handles[1]) ASSERT_TRUE(ok(sp_reclaim(h, 1)));
    for (size_t i = 1; i < nwd_handles.size(); i += 2) ASSERT_TRUE(ok(reclaim(nwd_handles[i])));
    for (uint64_t h : sp_handles[0]) ASSERT_TRUE(ok(sp_reclaim(h, 0)));
    EXPECT_EQ(core_.shares_in_use(), 0u);
    EXPECT_EQ(core_.pool_in_use(), 0u);
    EXPECT_EQ(core_.held_by(EndpointId(0)).transactions, 0u);
  }
}

TEST_F(MemoryPool, NormalWorldRangeQuota) {
  for (unsigned i = 0; i < 191; ++i) ASSERT_NE(handle(nwd_share(i)), 0u) << i;  // 3,056 ranges
  EXPECT_EQ(err(nwd_share(191, kRanges + 1)), kNoMemory);  // 3,073
  EXPECT_EQ(core_.shares_in_use(), 191u);  // nothing left allocated
  EXPECT_EQ(core_.pool_in_use(), 191u * kRanges);
  EXPECT_NE(handle(nwd_share(191, kRanges)), 0u);  // 3,072
  expect_accounted();
}

TEST_F(MemoryPool, APartitionDoesNotStarveTheNormalWorld) {
  // A partition takes all it may, in transactions and in ranges...
  for (unsigned i = 0; i < 32; ++i) ASSERT_NE(handle(sp_share(0, i)), 0u) << i;
  EXPECT_EQ(err(sp_share(0, 32, 1)), kNoMemory);
  EXPECT_EQ(core_.held_by(EndpointId(kSp)).ranges, 512u);
  // ...and the normal world still gets all of its own.
  for (unsigned i = 0; i < 192; ++i) ASSERT_NE(handle(nwd_share(i)), 0u) << i;
  expect_accounted();
}

TEST_F(MemoryPool, PartitionRangeQuota) {
  // (A descriptor of 256 ranges does not fit its one-page TX buffer.)
  ASSERT_NE(handle(sp_share(0, 0, 200)), 0u);
  ASSERT_NE(handle(sp_share(0, 13, 200)), 0u);
  EXPECT_EQ(err(sp_share(0, 26, 113)), kNoMemory);  // 513
  EXPECT_EQ(core_.shares_in_use(), 2u);
  EXPECT_EQ(core_.pool_in_use(), 400u);
  EXPECT_NE(handle(sp_share(0, 26, 112)), 0u);  // 512
  EXPECT_EQ(core_.pool_in_use(), 512u);
}

TEST_F(MemoryPool, ARefusedTransactionLeavesNothingAllocated) {
  const uint64_t a = handle(nwd_share(0, 3));
  ASSERT_NE(a, 0u);
  // Overlaps a: refused after its ranges were taken, which go back.
  const uint32_t len = build_desc(nwd_tx(), 0, {{kSp, 2}}, pages(kPage1 + 0x2000, 5));
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_share_64), len, len}})), kDenied);
  EXPECT_EQ(core_.pool_in_use(), 3u);
  EXPECT_EQ(core_.shares_in_use(), 1u);
  expect_accounted();
}

TEST_F(MemoryPool, ReclaimingInTheMiddleKeepsTheOthersRanges) {
  const uint64_t a = handle(nwd_share(0, 2)), b = handle(nwd_share(1, 3)), c = handle(nwd_share(2, 1));
  ASSERT_TRUE(a && b && c);
  ASSERT_TRUE(ok(reclaim(a)));
  EXPECT_EQ(core_.pool_in_use(), 4u);
  const spmc::MemShare* sb = core_.share(b);
  const spmc::MemShare* sc = core_.share(c);
  ASSERT_TRUE(sb && sc);
  for (uint32_t i = 0; i < 3; ++i) EXPECT_EQ(core_.constituents(*sb)[i].address, kPage1 + (kRanges + i) * 0x1000ull);
  EXPECT_EQ(core_.constituents(*sc)[0].address, kPage1 + 2 * kRanges * 0x1000ull);
  ASSERT_EQ(retrieve(c).x[0], ffa::raw(Func::mem_retrieve_resp));
  EXPECT_EQ(get(sp_rx_[0], 96, 8), kPage1 + 2 * kRanges * 0x1000ull);
  EXPECT_NE(page(kSp, kPage1 + 2 * kRanges * 0x1000ull), nullptr);
  // a's pages are free again, in a new transaction.
  EXPECT_NE(handle(nwd_share(0, 2)), 0u);
  expect_accounted();
}

TEST_F(MemoryPool, FragmentedTransactionsCountTowardsTheQuota) {
  for (unsigned i = 0; i < 191; ++i) ASSERT_NE(handle(nwd_share(i, 1)), 0u) << i;
  // The 192nd arrives in fragments: its slot is taken at the first one,
  // its ranges at the last.
  const uint32_t len = build_desc(nwd_tx(), 0, {{kSp, 2}}, pages(kPage1 + 191 * kRanges * 0x1000ull, 4));
  Regs r = nwd({{ffa::raw(Func::mem_share_64), len, len - 32}});
  ASSERT_EQ(r.x[0], ffa::raw(Func::mem_frag_rx)) << err(r);
  const uint64_t h = r.x[1] | r.x[2] << 32;
  EXPECT_EQ(err(nwd_share(192, 1)), kNoMemory);  // at the quota already
  EXPECT_EQ(core_.pool_in_use(), 191u);
  std::memmove(nwd_tx(), nwd_tx() + len - 32, 32);
  r = nwd({{ffa::raw(Func::mem_frag_tx), static_cast<uint32_t>(h), h >> 32, 32}});
  ASSERT_TRUE(ok(r));
  EXPECT_EQ(core_.pool_in_use(), 195u);
  // Abandoned or reclaimed, it gives both back.
  ASSERT_TRUE(ok(reclaim(h)));
  EXPECT_EQ(core_.pool_in_use(), 191u);
  (void)build_desc(nwd_tx(), 0, {{kSp, 2}}, pages(kPage1 + 191 * kRanges * 0x1000ull, 4));
  r = nwd({{ffa::raw(Func::mem_share_64), len, len - 32}});
  ASSERT_EQ(r.x[0], ffa::raw(Func::mem_frag_rx));
  ASSERT_TRUE(ok(reclaim(r.x[1] | r.x[2] << 32)));
  EXPECT_EQ(core_.shares_in_use(), 191u);
  expect_accounted();
}

// With a quota that lets it, the normal world alone fills the table: 256
// transactions, the 257th refused; one reclaimed makes room for one more.
class MemoryPoolNwdOnly : public MemoryPool {
 protected:
  MemoryPoolNwdOnly()
      : MemoryPool(spmc::CoreConfig{EndpointId(0x8000), ffa::kVersion1_2, {256, 4096}, {32, 512}}) {}
};

TEST_F(MemoryPoolNwdOnly, TwoHundredFiftySixTransactions) {
  std::vector<uint64_t> handles;
  for (unsigned i = 0; i < 256; ++i) {
    handles.push_back(handle(nwd_share(i)));
    ASSERT_NE(handles.back(), 0u) << i;
  }
  EXPECT_EQ(core_.pool_in_use(), 4096u);
  // Nothing left: not for the normal world, not for a partition (whose
  // share is what the normal world's quota leaves: none here).
  EXPECT_EQ(err(nwd({{ffa::raw(Func::mem_share_64), share_desc(kSp, kPage1 + 0x1800000, 1),
                      share_desc(kSp, kPage1 + 0x1800000, 1)}})),
            kNoMemory);
  EXPECT_EQ(err(sp_share(0, 0, 1)), kNoMemory);
  ASSERT_TRUE(ok(reclaim(handles[7])));
  EXPECT_NE(handle(nwd_share(7)), 0u);
  EXPECT_EQ(err(nwd_share(7, 1)), kNoMemory);
  handles[7] = 0;
  for (uint64_t h : handles)
    if (h) ASSERT_TRUE(ok(reclaim(h)));
  EXPECT_EQ(core_.shares_in_use(), 1u);
  EXPECT_EQ(core_.pool_in_use(), kRanges);
}

}  // namespace
