// ffa::parse_mem_transaction: the v1.0 and v1.1/v1.2 layouts read into one
// form; every malformed descriptor refused with INVALID_PARAMETERS.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "ffa/mem_transaction.h"

namespace {

using ffa::Error;

struct Builder {
  std::vector<uint8_t> b;
  void put(size_t off, uint64_t v, size_t n) {
    if (b.size() < off + n) b.resize(off + n);
    for (size_t i = 0; i < n; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
  }
};

struct Region {
  uint64_t address;
  uint32_t pages;
};

// A well-formed descriptor for `version` with `receivers` and `regions`.
std::vector<uint8_t> make(ffa::Version version, std::vector<uint16_t> receivers, std::vector<Region> regions) {
  Builder d;
  const bool v1_0 = version < ffa::kVersion1_1;
  const size_t access = version >= ffa::kVersion1_2 ? 32 : 16;
  const size_t recv_off = v1_0 ? 32 : 48;
  d.put(0, 0x0000, 2);  // sender: the normal world
  if (v1_0) {
    d.put(2, 0x2F, 1);  // attributes: normal, write-back, inner shareable
    d.put(28, receivers.size(), 4);
  } else {
    d.put(2, 0x2F, 2);
    d.put(24, access, 4);
    d.put(28, receivers.size(), 4);
    d.put(32, recv_off, 4);
  }
  d.put(4, 0, 4);
  d.put(8, 0, 8);
  d.put(16, 0x1234, 8);
  const size_t composite = recv_off + receivers.size() * access;
  for (size_t i = 0; i < receivers.size(); ++i) {
    const size_t at = recv_off + i * access;
    d.put(at, receivers[i], 2);
    d.put(at + 2, ffa::mem_perm::data_rw | ffa::mem_perm::instr_nx, 1);
    d.put(at + 4, composite, 4);
    d.put(at + access - 8, 0, 8);
  }
  uint32_t total = 0;
  for (auto& r : regions) total += r.pages;
  d.put(composite, total, 4);
  d.put(composite + 4, regions.size(), 4);
  d.put(composite + 8, 0, 8);
  for (size_t i = 0; i < regions.size(); ++i) {
    d.put(composite + 16 + 16 * i, regions[i].address, 8);
    d.put(composite + 24 + 16 * i, regions[i].pages, 4);
    d.put(composite + 28 + 16 * i, 0, 4);
  }
  return d.b;
}

ffa::Result<ffa::MemTransaction> parse(const std::vector<uint8_t>& b, ffa::Version v) {
  return ffa::parse_mem_transaction(lib::ByteView(b.data(), b.size()), v);
}

class MemTransactionLayouts : public ::testing::TestWithParam<ffa::Version> {};

TEST_P(MemTransactionLayouts, WellFormedIsReadTheSameWayInEveryLayout) {
  const auto b = make(GetParam(), {0x8001, 0x8002}, {{0x40000000, 1}, {0x40010000, 16}});
  auto t = parse(b, GetParam());
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->sender.raw(), 0);
  EXPECT_EQ(t->attributes, 0x2F);
  EXPECT_EQ(t->tag, 0x1234u);
  ASSERT_EQ(t->receiver_count, 2u);
  EXPECT_EQ(t->receivers[1].endpoint.raw(), 0x8002);
  EXPECT_EQ(t->receivers[0].permissions, ffa::mem_perm::data_rw | ffa::mem_perm::instr_nx);
  EXPECT_EQ(t->total_pages, 17u);
  ASSERT_EQ(t->constituent_count, 2u);
  const auto c = ffa::mem_constituent(lib::ByteView(b.data(), b.size()), t.value(), 1);
  EXPECT_EQ(c.address, 0x40010000u);
  EXPECT_EQ(c.pages, 16u);
}

TEST_P(MemTransactionLayouts, TruncatedAnywhereIsRefused) {
  const auto b = make(GetParam(), {0x8001}, {{0x40000000, 2}, {0x40002000, 3}});
  for (size_t len = 0; len < b.size(); ++len) {
    std::vector<uint8_t> cut(b.begin(), b.begin() + len);
    EXPECT_FALSE(parse(cut, GetParam()).ok()) << "length " << len;
  }
}

TEST_P(MemTransactionLayouts, CountsThatDisagreeAreRefused) {
  auto b = make(GetParam(), {0x8001}, {{0x40000000, 2}});
  const size_t composite = (GetParam() < ffa::kVersion1_1 ? 32 : 48) + (GetParam() >= ffa::kVersion1_2 ? 32 : 16);
  b[composite] = 3;  // total pages 3, constituents add up to 2
  EXPECT_EQ(parse(b, GetParam()).error(), Error::invalid_parameters);
  b[composite] = 2;
  b[composite + 4] = 0;  // no constituents
  EXPECT_FALSE(parse(b, GetParam()).ok());
  b[composite + 4] = 0xFF;  // more than the buffer holds
  EXPECT_FALSE(parse(b, GetParam()).ok());
}

TEST_P(MemTransactionLayouts, BadConstituentsAreRefused) {
  EXPECT_FALSE(parse(make(GetParam(), {0x8001}, {{0x40000800, 1}}), GetParam()).ok());  // unaligned
  EXPECT_FALSE(parse(make(GetParam(), {0x8001}, {{0x40000000, 0}}), GetParam()).ok());  // empty
  EXPECT_FALSE(parse(make(GetParam(), {0x8001}, {{0xFFFFFFFFFFFFF000ull, 2}}), GetParam()).ok());  // wraps
}

TEST_P(MemTransactionLayouts, ReceiverRules) {
  EXPECT_FALSE(parse(make(GetParam(), {}, {{0x40000000, 1}}), GetParam()).ok());  // nobody
  EXPECT_FALSE(parse(make(GetParam(), {0x8001, 0x8001}, {{0x40000000, 1}}), GetParam()).ok());  // twice
  EXPECT_FALSE(parse(make(GetParam(), std::vector<uint16_t>(9, 0x8001), {{0x40000000, 1}}), GetParam()).ok());
  auto b = make(GetParam(), {0x8001}, {{0x40000000, 1}});
  const size_t recv = GetParam() < ffa::kVersion1_1 ? 32 : 48;
  b[recv + 2] = 3;  // data access 3 is reserved
  EXPECT_FALSE(parse(b, GetParam()).ok());
  b[recv + 2] = 0x10 | ffa::mem_perm::data_ro;  // reserved permission bits
  EXPECT_FALSE(parse(b, GetParam()).ok());
  b[recv + 2] = ffa::mem_perm::data_ro;
  b[recv + 4] += 8;  // composite offset past the real one
  EXPECT_FALSE(parse(b, GetParam()).ok());
}

// The access descriptor's reserved word (its last 8 bytes) and receiver
// flags bits [7:1] are MBZ; the descriptor's length is the end of its last
// constituent, and the first fragment tells it once it holds the
// composite region's header.
TEST_P(MemTransactionLayouts, ReservedAccessFieldsAndLength) {
  const ffa::Version v = GetParam();
  const size_t recv = v < ffa::kVersion1_1 ? 32 : 48, access = v >= ffa::kVersion1_2 ? 32 : 16;
  auto b = make(v, {0x8001}, {{0x40000000, 1}, {0x40002000, 2}});
  auto t = parse(b, v);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->length, b.size());
  auto first = ffa::mem_transaction_length(lib::ByteView(b.data(), recv + access + 16), v);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(*first, b.size());
  EXPECT_FALSE(ffa::mem_transaction_length(lib::ByteView(b.data(), recv + access + 4), v).has_value());
  auto r = b;
  r[recv + access - 1] = 1;  // reserved word
  EXPECT_FALSE(parse(r, v).ok());
  r = b;
  r[recv + 3] = 2;  // receiver flags bit 1
  EXPECT_FALSE(parse(r, v).ok());
  r = b;
  r[recv + 3] = 1;  // bit 0 (non-retrieval borrower) is defined
  EXPECT_TRUE(parse(r, v).ok());
}

TEST(MemTransaction, V1_2ImplementationDefinedValueIsRead) {
  auto b = make(ffa::kVersion1_2, {0x8001}, {{0x40000000, 1}});
  for (size_t i = 0; i < 16; ++i) b[48 + 8 + i] = static_cast<uint8_t>(i + 1);
  auto t = parse(b, ffa::kVersion1_2);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->receivers[0].impdef[0], 0x0807060504030201ull);
  EXPECT_EQ(t->receivers[0].impdef[1], 0x100F0E0D0C0B0A09ull);
  EXPECT_EQ(parse(make(ffa::kVersion1_1, {0x8001}, {{0x40000000, 1}}), ffa::kVersion1_1)->receivers[0].impdef[0], 0u);
}

INSTANTIATE_TEST_SUITE_P(Versions, MemTransactionLayouts,
                         ::testing::Values(ffa::kVersion1_0, ffa::kVersion1_1, ffa::kVersion1_2));

TEST(MemTransaction, V1_1HeaderRules) {
  auto b = make(ffa::kVersion1_1, {0x8001}, {{0x40000000, 1}});
  // The v1.2 access-descriptor size from a v1.1 sender, and the reverse.
  EXPECT_FALSE(parse(b, ffa::kVersion1_2).ok());
  EXPECT_FALSE(parse(make(ffa::kVersion1_2, {0x8001}, {{0x40000000, 1}}), ffa::kVersion1_1).ok());
  auto r = b;
  r[3] = 0x01;  // attributes bits [15:7]
  EXPECT_FALSE(parse(r, ffa::kVersion1_1).ok());
  r = b;
  r[40] = 1;  // reserved header bytes
  EXPECT_FALSE(parse(r, ffa::kVersion1_1).ok());
  r = b;
  r[32] = 40;  // receivers overlapping the header
  EXPECT_FALSE(parse(r, ffa::kVersion1_1).ok());
  r = b;
  r[32] = 52;  // not 16-byte aligned
  EXPECT_FALSE(parse(r, ffa::kVersion1_1).ok());
}

}  // namespace
