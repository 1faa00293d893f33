// spmc/mem_reassemblies.h: descriptors arriving in fragments, on their own:
// one reassembly per lender, slots shared by all lenders, fragments that
// lie about their length refused, and slots freed with their transactions.
// (Through FFA_MEM_SHARE and FFA_MEM_FRAG_TX, test_memory_sharing.cpp covers
// what the core does with them.)
#include "spmc/mem_reassemblies.h"

#include <gtest/gtest.h>

namespace {

using spmc::MemReassemblies;
using spmc::MemShare;

const ffa::EndpointId kNwd{0}, kSp{0x8001}, kOther{0x8002};

class MemReassembliesTest : public ::testing::Test {
 protected:
  // Opens a reassembly for `lender` of `total` bytes, `first` of them now.
  MemReassemblies::Slot* open(ffa::EndpointId lender, MemShare& share, uint32_t total, uint32_t first) {
    MemReassemblies::Slot* s = r_.free_slot_for(lender);
    if (s) r_.start(*s, share, lender, total, first, 0, 0);
    return s;
  }
  MemReassemblies r_;
  MemShare shares_[MemReassemblies::kSlots + 1];
};

TEST_F(MemReassembliesTest, OnePerLender) {
  MemReassemblies::Slot* s = open(kNwd, shares_[0], 96, 48);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(r_.of(kNwd), s);
  EXPECT_EQ(r_.of(kSp), nullptr);
  EXPECT_EQ(r_.free_slot_for(kNwd), nullptr);  // its second must wait
  MemReassemblies::Slot* other = open(kSp, shares_[1], 64, 32);
  ASSERT_NE(other, nullptr);
  EXPECT_NE(other, s);
  EXPECT_NE(r_.bytes(*other), r_.bytes(*s));  // never mixed
  EXPECT_EQ(r_.of(kSp)->share, &shares_[1]);
  EXPECT_EQ(r_.open_count(), 2u);
}

// Partitions hold at most all slots but one, which stays the normal
// world's (and the reverse, with VMs behind a hypervisor): a side that
// never finishes its transactions cannot stop the other's.
TEST_F(MemReassembliesTest, EachSideLeavesTheOtherASlot) {
  const ffa::EndpointId partitions[] = {kSp, kOther, ffa::EndpointId(0x8003), ffa::EndpointId(0x8004)};
  for (unsigned i = 0; i + 1 < MemReassemblies::kSlots; ++i)
    ASSERT_NE(open(partitions[i], shares_[i], 64, 32), nullptr);
  EXPECT_EQ(r_.free_slot_for(partitions[MemReassemblies::kSlots - 1]), nullptr);
  EXPECT_NE(open(kNwd, shares_[MemReassemblies::kSlots - 1], 64, 32), nullptr);
  // VMs behind a hypervisor are the normal world's side.
  for (unsigned i = 0; i + 1 < MemReassemblies::kSlots; ++i) r_.forget(shares_[i]);
  r_.forget(shares_[MemReassemblies::kSlots - 1]);
  for (uint16_t vm = 1; vm < MemReassemblies::kSlots; ++vm)
    ASSERT_NE(open(ffa::EndpointId(vm), shares_[vm - 1], 64, 32), nullptr);
  EXPECT_EQ(r_.free_slot_for(ffa::EndpointId(MemReassemblies::kSlots)), nullptr);
  EXPECT_NE(r_.free_slot_for(kSp), nullptr);
}

TEST_F(MemReassembliesTest, SlotsRunOutThenComeBack) {
  const ffa::EndpointId lenders[] = {kNwd, kSp, kOther, ffa::EndpointId(0x8003)};
  for (unsigned i = 0; i < MemReassemblies::kSlots; ++i) ASSERT_NE(open(lenders[i], shares_[i], 64, 32), nullptr);
  EXPECT_EQ(r_.free_slot_for(ffa::EndpointId(0x8004)), nullptr);
  r_.forget(shares_[2]);  // kOther's transaction ended
  EXPECT_EQ(r_.of(kOther), nullptr);
  EXPECT_EQ(r_.open_count(), MemReassemblies::kSlots - 1);
  EXPECT_NE(open(ffa::EndpointId(0x8004), shares_[4], 64, 32), nullptr);
  r_.forget(shares_[2]);  // twice: nothing more
  EXPECT_EQ(r_.open_count(), MemReassemblies::kSlots);
}

TEST_F(MemReassembliesTest, FragmentsHoldWholeConstituentsUpToTheTotal) {
  MemReassemblies::Slot* s = open(kNwd, shares_[0], 48 + 3 * 16, 48);
  ASSERT_NE(s, nullptr);
  EXPECT_FALSE(MemReassemblies::fits(*s, 0));
  EXPECT_FALSE(MemReassemblies::fits(*s, 8));       // half a constituent
  EXPECT_FALSE(MemReassemblies::fits(*s, 4 * 16));  // beyond the total
  EXPECT_TRUE(MemReassemblies::fits(*s, 16));
  EXPECT_TRUE(MemReassemblies::fits(*s, 3 * 16));
  EXPECT_FALSE(r_.received(*s, 16));
  EXPECT_EQ(s->received, 64u);
  EXPECT_FALSE(MemReassemblies::fits(*s, 3 * 16));  // only two are left
  EXPECT_TRUE(MemReassemblies::fits(*s, 2 * 16));
  // A length near 2^32 cannot wrap past the check.
  EXPECT_FALSE(MemReassemblies::fits(*s, 0xFFFFFFF0u));
}

TEST_F(MemReassembliesTest, ACompleteDescriptorFreesItsSlotAndKeepsItsBytes) {
  MemReassemblies::Slot* s = open(kSp, shares_[0], 64, 32);
  ASSERT_NE(s, nullptr);
  uint8_t* bytes = r_.bytes(*s);
  for (unsigned i = 0; i < 64; ++i) bytes[i] = static_cast<uint8_t>(i);
  ASSERT_TRUE(MemReassemblies::fits(*s, 32));
  EXPECT_TRUE(r_.received(*s, 32));
  EXPECT_EQ(r_.of(kSp), nullptr);
  EXPECT_EQ(r_.open_count(), 0u);
  for (unsigned i = 0; i < 64; ++i) ASSERT_EQ(bytes[i], i);  // until the commit
  EXPECT_NE(r_.free_slot_for(kSp), nullptr);                 // its next may start
}

}  // namespace
