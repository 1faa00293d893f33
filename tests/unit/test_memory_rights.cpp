// Who may do what with memory that a transaction covers, on spmc::Core and
// the fake placement: the normal world cannot take such pages for its
// RX/TX pair.
#include <gtest/gtest.h>

#include <cstring>

#include "arch/fake/fake_placement.h"
#include "spmc/core.h"

namespace {

using ffa::EndpointId;
using ffa::Func;
using ffa::Regs;
using fake::FakePlacement;
using spmc::Outcome;

constexpr uint16_t kSp = 0x8001, kSp2 = 0x8002;
constexpr uint64_t kNs = 0x40000000;
constexpr uint64_t kTx = kNs, kRx = kNs + 0x1000;  // the normal world's pair
constexpr uint64_t kPage = kNs + 0x10000;          // normal-world memory it lends
constexpr int32_t kDenied = -6;
// Access granted in a transaction (FF-A's memory access permissions:
// data [1:0] 1 read-only, 2 read-write; instruction [3:2] 1 not executable).
constexpr uint8_t kGrantRo = ffa::mem_perm::data_ro | ffa::mem_perm::instr_nx;
constexpr uint8_t kGrantRw = ffa::mem_perm::data_rw | ffa::mem_perm::instr_nx;

void put(uint8_t* b, size_t off, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
}

// A v1.2 transaction descriptor with one receiver and one range; its length.
uint32_t descriptor(uint8_t* b, uint16_t sender, uint16_t receiver, uint8_t perm, uint64_t address, uint32_t pages) {
  constexpr uint32_t kComposite = 48 + 32, kLength = kComposite + 16 + 16;
  std::memset(b, 0, kLength);
  put(b, 0, sender, 2);
  put(b, 2, 0x2F, 2);  // normal memory, write-back, inner shareable
  put(b, 24, 32, 4);   // access descriptor size
  put(b, 28, 1, 4);    // one receiver
  put(b, 32, 48, 4);   // at offset 48
  put(b, 48, receiver, 2);
  put(b, 50, perm, 1);
  put(b, 52, kComposite, 4);
  put(b, kComposite, pages, 4);
  put(b, kComposite + 4, 1, 4);
  put(b, kComposite + 16, address, 8);
  put(b, kComposite + 24, pages, 4);
  return kLength;
}

class MemoryRights : public ::testing::Test {
 protected:
  MemoryRights() : placement_(kNs, 8u << 20), core_(placement_, spmc::CoreConfig{EndpointId(0x8000), ffa::kVersion1_2}) {}

  void SetUp() override {
    for (uint16_t id : {kSp, kSp2}) {
      spmc::Partition p{};
      p.info = ffa::PartitionInfo{EndpointId(id), 1, ffa::partition_props::direct_req_recv, ffa::Uuid{{id, 2, 3, 4}}};
      p.version = ffa::kVersion1_2;
      p.boot_order = id;
      ASSERT_TRUE(core_.add_partition(p).ok());
    }
    core_.attach_partition_mailbox(0, sp_tx_, sp_rx_, 1);
    ASSERT_EQ(nwd({{ffa::raw(Func::version), 0x10002}}).x[0], 0x10002u);
  }

  void boot_all() {
    Regs out{};
    Outcome o = core_.boot_next(out);
    while (o == Outcome::run_partition) o = core_.handle_sp_call(core_.scheduled(), Regs{{ffa::raw(Func::msg_wait)}}, out);
    ASSERT_EQ(o, Outcome::boot_done);
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
  Regs rxtx_map(uint64_t tx, uint64_t rx, uint32_t pages = 1) {
    return nwd({{ffa::raw(Func::rxtx_map_64), tx, rx, pages}});
  }
  Regs rxtx_unmap() { return nwd({{ffa::raw(Func::rxtx_unmap)}}); }
  // The normal world lends, shares or donates `pages` at `address` to
  // `receiver` through its TX buffer: the handle, or 0.
  uint64_t nwd_transfer(Func f, uint16_t receiver, uint8_t perm, uint64_t address, uint32_t pages = 1) {
    const uint32_t n = descriptor(placement_.ns_memory(kTx), 0, receiver, perm, address, pages);
    const Regs r = nwd({{ffa::raw(f), n, n}});
    return ok(r) ? (r.x[2] | r.x[3] << 32) : 0;
  }
  // Partition `index` retrieves `handle` from `lender` (the permissions it
  // asks for: 0, what it was granted).
  Regs retrieve(uint64_t handle, uint16_t lender = 0, size_t index = 0) {
    uint8_t* tx = sp_tx_;
    std::memset(tx, 0, 128);
    put(tx, 0, lender, 2);
    put(tx, 8, handle, 8);
    put(tx, 24, 32, 4);
    put(tx, 28, 1, 4);
    put(tx, 32, 48, 4);
    put(tx, 48, kSp, 2);
    const Regs r = sp({{ffa::raw(Func::mem_retrieve_req_64), 80, 80}}, index);
    (void)sp({{ffa::raw(Func::rx_release)}}, index);
    return r;
  }
  Regs relinquish(uint64_t handle) {
    std::memset(sp_tx_, 0, 32);
    put(sp_tx_, 0, handle, 8);
    put(sp_tx_, 12, 1, 4);
    put(sp_tx_, 16, kSp, 2);
    return sp({{ffa::raw(Func::mem_relinquish)}});
  }
  Regs reclaim(uint64_t handle) {
    return nwd({{ffa::raw(Func::mem_reclaim), static_cast<uint32_t>(handle), handle >> 32}});
  }
  static int32_t err(const Regs& r) { return r.x[0] == ffa::raw(Func::error) ? static_cast<int32_t>(r.x[2]) : 0; }
  static bool ok(const Regs& r) { return r.x[0] == ffa::raw(Func::success_32); }

  FakePlacement placement_;
  spmc::Core core_;
  uint8_t sp_tx_[4096] = {}, sp_rx_[4096] = {};
};

// --- FFA_RXTX_MAP and live transactions ------------------------------------

TEST_F(MemoryRights, RxTxMapRefusesPagesATransactionCovers) {
  boot_all();
  // A page lent to kSp (read-only); the pair it was sent through goes away.
  ASSERT_TRUE(ok(rxtx_map(kTx, kRx)));
  const uint64_t h = nwd_transfer(Func::mem_lend_64, kSp, kGrantRo, kPage);
  ASSERT_NE(h, 0u);
  ASSERT_TRUE(ok(rxtx_unmap()));
  const uint64_t mapped = placement_.pages_mapped();
  // Not as TX, not as RX, not in part: the same DENIED a transaction gets
  // for pages of the pair.
  EXPECT_EQ(err(rxtx_map(kPage, kNs + 0x20000)), kDenied);
  EXPECT_EQ(err(rxtx_map(kNs + 0x20000, kPage)), kDenied);
  EXPECT_EQ(err(rxtx_map(kPage - 0x1000, kNs + 0x20000, 2)), kDenied);
  EXPECT_EQ(placement_.pages_mapped(), mapped);
  // Retrieved or not.
  ASSERT_TRUE(ok(rxtx_map(kTx, kRx)));
  ASSERT_EQ(retrieve(h).w(0), ffa::raw(Func::mem_retrieve_resp));
  ASSERT_TRUE(ok(rxtx_unmap()));
  EXPECT_EQ(err(rxtx_map(kPage, kNs + 0x20000)), kDenied);
  // Relinquished and reclaimed, the page is the normal world's alone again.
  ASSERT_TRUE(ok(relinquish(h)));
  ASSERT_TRUE(ok(reclaim(h)));
  EXPECT_TRUE(ok(rxtx_map(kPage, kNs + 0x20000)));
  ASSERT_TRUE(ok(rxtx_unmap()));
  // A donation, once retrieved, has no handle any more, and the page is
  // still not the normal world's.
  ASSERT_TRUE(ok(rxtx_map(kTx, kRx)));
  const uint64_t d = nwd_transfer(Func::mem_donate_64, kSp, kGrantRw, kPage + 0x1000);
  ASSERT_NE(d, 0u);
  ASSERT_EQ(retrieve(d).w(0), ffa::raw(Func::mem_retrieve_resp));
  ASSERT_EQ(core_.share(d), nullptr);
  ASSERT_TRUE(ok(rxtx_unmap()));
  EXPECT_EQ(err(rxtx_map(kNs + 0x20000, kPage + 0x1000)), kDenied);
}

}  // namespace
