// Who may do what with memory that a transaction covers, on spmc::Core and
// the fake placement: the normal world cannot take such pages for its
// RX/TX pair, and a partition cannot change the permissions of anything
// but its own image and declared regions (FFA_MEM_PERM_GET/SET): never
// what it borrowed, what it shares, or its RX/TX pair. The fake placement
// changes any page it has mapped, so these tests see what the core alone
// lets through.
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

// kSp2 boots first and lends its memory to kSp, which is still
// initialising (and so may still call FFA_MEM_PERM_GET/SET).
constexpr uint16_t kSp = 0x8001, kSp2 = 0x8002;
constexpr size_t kSpIndex = 0, kSp2Index = 1;
constexpr uint64_t kNs = 0x40000000;
constexpr uint64_t kTx = kNs, kRx = kNs + 0x1000;  // the normal world's pair
constexpr uint64_t kPage = kNs + 0x10000;          // normal-world memory it lends
constexpr int32_t kInvalid = -2, kDenied = -6;
// Partitions' memory in the fake's secure array: kSp2's lendable pages sit
// right below kSp's image.
constexpr uint64_t kSp2Own = FakePlacement::kSecureBase;  // 2 pages, read-write
constexpr uint64_t kImage = kSp2Own + 0x2000;            // kSp's image, 2 pages
constexpr uint64_t kData = kImage + 0x2000;              // kSp's declared region, 2 pages
constexpr uint64_t kSpRx = kData + 0x2000, kSpTx = kSpRx + 0x1000;
constexpr uint64_t kSp2Rx = kSpTx + 0x1000, kSp2Tx = kSp2Rx + 0x1000;
// FFA_MEM_PERM_GET/SET's encoding: data [1:0] 1 read-write, 3 read-only;
// bit 2 not executable.
constexpr uint32_t kPermRw = 1 | 4, kPermRo = 3 | 4, kPermRx = 3;
// Access granted in a transaction (FF-A's memory access permissions:
// data [1:0] 1 read-only, 2 read-write; instruction [3:2] 1 not executable).
constexpr uint8_t kGrantRo = ffa::mem_perm::data_ro | ffa::mem_perm::instr_nx;
constexpr uint8_t kGrantRw = ffa::mem_perm::data_rw | ffa::mem_perm::instr_nx;

void put(uint8_t* b, size_t off, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
}

// A v1.2 transaction descriptor with one receiver and one range; its length.
// As the lender must write it for `f`: the instruction access left
// unspecified (the grant's NX is the SPMC's to set); a donation leaves the
// data access to the new owner too; a lend to one borrower or a donation
// leaves the memory attributes to the borrower.
uint32_t descriptor(uint8_t* b, Func f, uint16_t sender, uint16_t receiver, uint8_t perm, uint64_t address,
                    uint32_t pages) {
  constexpr uint32_t kComposite = 48 + 32, kLength = kComposite + 16 + 16;
  const bool share = f == Func::mem_share_64 || f == Func::mem_share_32;
  const bool donate = f == Func::mem_donate_64 || f == Func::mem_donate_32;
  perm = donate ? 0 : static_cast<uint8_t>(perm & ffa::mem_perm::data_mask);
  std::memset(b, 0, kLength);
  put(b, 0, sender, 2);
  put(b, 2, share ? 0x2F : 0, 2);  // a share: normal memory, write-back, inner shareable
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
      p.boot_order = id == kSp2 ? 1 : 2;
      ASSERT_TRUE(core_.add_partition(p).ok());
    }
    placement_.give_partition_image(EndpointId(kSp), kImage, 2);
    placement_.give_partition_memory(EndpointId(kSp), kData, 2, true);
    placement_.give_partition_buffers(EndpointId(kSp), kSpRx, 2);
    placement_.give_partition_memory(EndpointId(kSp2), kSp2Own, 2, true);
    placement_.give_partition_buffers(EndpointId(kSp2), kSp2Rx, 2);
    core_.attach_partition_mailbox(kSpIndex, tx(kSpIndex), placement_.secure_memory(kSpRx), 1, kSpTx, kSpRx);
    core_.attach_partition_mailbox(kSp2Index, tx(kSp2Index), placement_.secure_memory(kSp2Rx), 1, kSp2Tx, kSp2Rx);
    ASSERT_EQ(nwd({{ffa::raw(Func::version), 0x10002}}).x[0], 0x10002u);
  }

  uint8_t* tx(size_t index) { return placement_.secure_memory(index == kSpIndex ? kSpTx : kSp2Tx); }

  // kSp2 starts (booting); `while_kSp2_boots` runs; kSp2 waits and kSp
  // starts: it is booting when this returns.
  template <typename F>
  void boot_until_kSp_initialises(F while_kSp2_boots) {
    Regs out{};
    ASSERT_EQ(core_.boot_next(out), Outcome::run_partition);
    ASSERT_EQ(core_.scheduled(), kSp2Index);
    while_kSp2_boots();
    ASSERT_EQ(core_.handle_sp_call(kSp2Index, Regs{{ffa::raw(Func::msg_wait)}}, out), Outcome::run_partition);
    ASSERT_EQ(core_.scheduled(), kSpIndex);
    ASSERT_EQ(core_.partition(kSpIndex).contexts[0].state(), spmc::PartitionState::booting);
  }
  void boot_until_kSp_initialises() {
    boot_until_kSp_initialises([] {});
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
    const uint32_t n = descriptor(placement_.ns_memory(kTx), f, 0, receiver, perm, address, pages);
    const Regs r = nwd({{ffa::raw(f), n, n}});
    return ok(r) ? (r.x[2] | r.x[3] << 32) : 0;
  }
  // Partition `index` lends, shares or donates its own memory to `receiver`.
  uint64_t sp_transfer(size_t index, Func f, uint16_t receiver, uint8_t perm, uint64_t address, uint32_t pages = 1) {
    const uint16_t self = core_.partition(index).info.id.raw();
    const uint32_t n = descriptor(tx(index), f, self, receiver, perm, address, pages);
    const Regs r = sp({{ffa::raw(f), n, n}}, index);
    return ok(r) ? (r.x[2] | r.x[3] << 32) : 0;
  }
  // kSp retrieves `handle` from `lender`, asking for `perm` (0: what it was
  // granted).
  Regs retrieve(uint64_t handle, uint16_t lender = 0, uint8_t perm = 0) {
    uint8_t* b = tx(kSpIndex);
    std::memset(b, 0, 128);
    put(b, 0, lender, 2);
    put(b, 8, handle, 8);
    put(b, 24, 32, 4);
    put(b, 28, 1, 4);
    put(b, 32, 48, 4);
    put(b, 48, kSp, 2);
    put(b, 50, perm, 1);
    const Regs r = sp({{ffa::raw(Func::mem_retrieve_req_64), 80, 80}});
    (void)sp({{ffa::raw(Func::rx_release)}});
    return r;
  }
  Regs relinquish(uint64_t handle) {
    uint8_t* b = tx(kSpIndex);
    std::memset(b, 0, 32);
    put(b, 0, handle, 8);
    put(b, 12, 1, 4);
    put(b, 16, kSp, 2);
    return sp({{ffa::raw(Func::mem_relinquish)}});
  }
  // kSp's FFA_MEM_PERM_GET/SET (SMC64): the permissions, or the error.
  int64_t perm_get(uint64_t va) {
    const Regs r = sp({{ffa::raw(Func::mem_perm_get_64), va}});
    return ok(r) ? static_cast<int64_t>(r.w(2)) : err(r);
  }
  int32_t perm_set(uint64_t va, uint32_t pages, uint32_t perm) {
    return err(sp({{ffa::raw(Func::mem_perm_set_64), va, pages, perm}}));
  }
  const FakePlacement::Page* page(uint64_t pa, uint16_t id = kSp) { return placement_.page(EndpointId(id), pa); }
  Regs reclaim(uint64_t handle) {
    return nwd({{ffa::raw(Func::mem_reclaim), static_cast<uint32_t>(handle), handle >> 32}});
  }
  static int32_t err(const Regs& r) { return r.x[0] == ffa::raw(Func::error) ? static_cast<int32_t>(r.x[2]) : 0; }
  static bool ok(const Regs& r) { return r.x[0] == ffa::raw(Func::success_32); }

  FakePlacement placement_;
  spmc::Core core_;
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

// --- FFA_MEM_PERM_GET/SET: only the partition's own memory ----------------

TEST_F(MemoryRights, MemPermChangesItsOwnImageAndDeclaredRegions) {
  boot_until_kSp_initialises();
  EXPECT_EQ(perm_get(kImage), 3);   // read-only, executable
  EXPECT_EQ(perm_get(kData), 5);    // read-write, not executable
  // A code page becomes data, a data page code, and back, across both.
  EXPECT_EQ(perm_set(kImage + 0x1000, 1, kPermRw), 0);
  EXPECT_EQ(perm_get(kImage + 0x1000), 5);
  EXPECT_EQ(perm_set(kData, 2, kPermRx), 0);
  EXPECT_EQ(perm_get(kData + 0x1000), 3);
  EXPECT_EQ(perm_set(kImage, 4, kPermRo), 0);
  for (uint64_t a = kImage; a < kData + 0x2000; a += 0x1000) {
    ASSERT_NE(page(a), nullptr);
    EXPECT_FALSE(page(a)->writable);
    EXPECT_FALSE(page(a)->exec);
    EXPECT_FALSE(page(a)->ns);  // its own memory stays secure
  }
}

TEST_F(MemoryRights, MemPermCannotMakeABorrowedReadOnlyPageWritable) {
  uint64_t h = 0;
  boot_until_kSp_initialises([&] { h = sp_transfer(kSp2Index, Func::mem_lend_64, kSp, kGrantRo, kSp2Own); });
  ASSERT_NE(h, 0u);
  ASSERT_EQ(retrieve(h, kSp2).w(0), ffa::raw(Func::mem_retrieve_resp));
  ASSERT_NE(page(kSp2Own), nullptr);
  EXPECT_EQ(perm_set(kSp2Own, 1, kPermRw), kInvalid);
  EXPECT_EQ(perm_get(kSp2Own), kInvalid);  // not its to look at either
  EXPECT_FALSE(page(kSp2Own)->writable);
  // Nor by naming more pages than it borrowed.
  EXPECT_EQ(perm_set(kSp2Own, 2, kPermRw), kInvalid);
  EXPECT_FALSE(page(kSp2Own)->writable);
}

TEST_F(MemoryRights, MemPermCannotMakeABorrowedPageExecutable) {
  uint64_t h = 0;
  boot_until_kSp_initialises([&] { h = sp_transfer(kSp2Index, Func::mem_lend_64, kSp, kGrantRo, kSp2Own); });
  ASSERT_NE(h, 0u);
  ASSERT_EQ(retrieve(h, kSp2).w(0), ffa::raw(Func::mem_retrieve_resp));
  EXPECT_EQ(perm_set(kSp2Own, 1, kPermRx), kInvalid);
  EXPECT_FALSE(page(kSp2Own)->exec);
  // Relinquished, it is not mapped for kSp at all.
  ASSERT_TRUE(ok(relinquish(h)));
  EXPECT_EQ(perm_set(kSp2Own, 1, kPermRx), kInvalid);
}

TEST_F(MemoryRights, MemPermLeavesNormalWorldPagesAsTheyWereLent) {
  // The normal world lends a page read-only to kSp before kSp starts.
  ASSERT_TRUE(ok(rxtx_map(kTx, kRx)));
  const uint64_t h = nwd_transfer(Func::mem_lend_64, kSp, kGrantRo, kPage);
  ASSERT_NE(h, 0u);
  boot_until_kSp_initialises();
  ASSERT_EQ(retrieve(h).w(0), ffa::raw(Func::mem_retrieve_resp));
  ASSERT_NE(page(kPage), nullptr);
  ASSERT_TRUE(page(kPage)->ns);
  for (uint32_t perm : {kPermRw, kPermRo, kPermRx}) EXPECT_EQ(perm_set(kPage, 1, perm), kInvalid);
  EXPECT_EQ(perm_get(kPage), kInvalid);
  EXPECT_TRUE(page(kPage)->ns);  // still non-secure
  EXPECT_FALSE(page(kPage)->writable);
  EXPECT_FALSE(page(kPage)->exec);
}

TEST_F(MemoryRights, MemPermRefusesDonatedMemory) {
  // Donated and retrieved: the transaction is over, the page is not part
  // of kSp's image or regions.
  uint64_t h = 0;
  boot_until_kSp_initialises([&] { h = sp_transfer(kSp2Index, Func::mem_donate_64, kSp, kGrantRo, kSp2Own); });
  ASSERT_NE(h, 0u);
  // The new owner asks for read-only (a donor leaves the access to it).
  ASSERT_EQ(retrieve(h, kSp2, ffa::mem_perm::data_ro).w(0), ffa::raw(Func::mem_retrieve_resp));
  ASSERT_EQ(core_.share(h), nullptr);
  EXPECT_EQ(perm_set(kSp2Own, 1, kPermRw), kInvalid);
  EXPECT_FALSE(page(kSp2Own)->writable);
}

TEST_F(MemoryRights, MemPermRefusesTheRxTxPair) {
  boot_until_kSp_initialises();
  for (uint64_t a : {kSpRx, kSpTx}) {
    EXPECT_EQ(perm_get(a), kInvalid);
    EXPECT_EQ(perm_set(a, 1, kPermRo), kInvalid);
    EXPECT_EQ(perm_set(a, 1, kPermRx), kInvalid);
    EXPECT_TRUE(page(a)->writable);
    EXPECT_FALSE(page(a)->exec);
  }
  // Nor as the end of a range of its own data.
  EXPECT_EQ(perm_set(kData, 3, kPermRo), kInvalid);
  EXPECT_TRUE(page(kData)->writable);
}

TEST_F(MemoryRights, MemPermRefusesARangeStraddlingItsImageAndABorrowedPage) {
  // kSp2's second page, right below kSp's image, lent read-write.
  uint64_t h = 0;
  boot_until_kSp_initialises(
      [&] { h = sp_transfer(kSp2Index, Func::mem_lend_64, kSp, kGrantRw, kSp2Own + 0x1000); });
  ASSERT_NE(h, 0u);
  ASSERT_EQ(retrieve(h, kSp2).w(0), ffa::raw(Func::mem_retrieve_resp));
  // Read-only and executable over the borrowed page and the image: all or
  // nothing, so nothing.
  EXPECT_EQ(perm_set(kSp2Own + 0x1000, 2, kPermRx), kInvalid);
  EXPECT_FALSE(page(kSp2Own + 0x1000)->exec);
  EXPECT_TRUE(page(kSp2Own + 0x1000)->writable);
  EXPECT_EQ(perm_get(kImage), 3);
  // The image alone is its own.
  EXPECT_EQ(perm_set(kImage, 1, kPermRx), 0);
}

TEST_F(MemoryRights, MemPermRefusesItsOwnMemoryWhileItIsShared) {
  // kSp shares a page of its own declared region with kSp2 (it keeps its
  // access): while the transaction lives, its permissions are fixed.
  boot_until_kSp_initialises();
  const uint64_t h = sp_transfer(kSpIndex, Func::mem_share_64, kSp2, kGrantRo, kData);
  ASSERT_NE(h, 0u);
  EXPECT_EQ(perm_set(kData, 1, kPermRx), kInvalid);
  EXPECT_EQ(perm_get(kData), kInvalid);
  EXPECT_FALSE(page(kData)->exec);
  // Its other page, outside the transaction, is still its to change.
  EXPECT_EQ(perm_set(kData + 0x1000, 1, kPermRo), 0);
  // Reclaimed: its own again.
  ASSERT_TRUE(ok(sp({{ffa::raw(Func::mem_reclaim), static_cast<uint32_t>(h), h >> 32}})));
  EXPECT_EQ(perm_set(kData, 1, kPermRx), 0);
}

}  // namespace
