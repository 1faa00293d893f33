// optee/msg_arg.h: struct optee_msg_arg read once from shared memory and
// checked, the answer written through one encoder, and the client's
// parameters in the GP model; optee/ta_service.h's memref_pages.
#include "optee/msg_arg.h"

#include <gtest/gtest.h>

#include <vector>

#include "optee/ta_service.h"

namespace {

using optee::MsgArg;

struct Buf {
  std::vector<uint8_t> b = std::vector<uint8_t>(4096, 0);
  void put(size_t off, uint64_t v, unsigned n) {
    for (unsigned i = 0; i < n; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
  }
  uint64_t get(size_t off, unsigned n) const {
    uint64_t v = 0;
    for (unsigned i = 0; i < n; ++i) v |= uint64_t{b[off + i]} << (8 * i);
    return v;
  }
  void header(size_t at, uint32_t cmd, uint32_t num_params) {
    put(at, cmd, 4);
    put(at + 4, 0x77, 4);     // func
    put(at + 8, 0x1234, 4);   // session
    put(at + 12, 0x55, 4);    // cancel_id
    put(at + 28, num_params, 4);
  }
  void param(size_t at, unsigned i, uint64_t attr, uint64_t a, uint64_t b2 = 0, uint64_t c = 0) {
    put(at + 32 + 32 * i, attr, 8);
    put(at + 40 + 32 * i, a, 8);
    put(at + 48 + 32 * i, b2, 8);
    put(at + 56 + 32 * i, c, 8);
  }
  lib::ByteView view() const { return lib::ByteView(b.data(), b.size()); }
  lib::MutableByteView mut() { return lib::MutableByteView(b.data(), b.size()); }
};

TEST(OpteeMsgArg, ReadsHeaderAndParameters) {
  Buf m;
  m.header(0x100, 1, 2);
  m.param(0x100, 0, 3, 0xAAAA, 0xBBBB, 0xCCCC);
  m.param(0x100, 1, 6, 0x10, 0x20, 0x30);
  auto a = optee::read_msg_arg(m.view(), 0x100);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->cmd, 1u);
  EXPECT_EQ(a->func, 0x77u);
  EXPECT_EQ(a->session, 0x1234u);
  EXPECT_EQ(a->cancel_id, 0x55u);
  EXPECT_EQ(a->num_params, 2u);
  EXPECT_EQ(a->params[0].attr, 3u);
  EXPECT_EQ(a->params[0].c, 0xCCCCu);
  EXPECT_EQ(a->params[1].c, 0x30u);
}

TEST(OpteeMsgArg, RefusesWhatDoesNotFit) {
  Buf m;
  m.header(0, 0, 6);
  EXPECT_TRUE(optee::read_msg_arg(m.view(), 0));  // 32 + 6 * 32 fits
  EXPECT_EQ(optee::read_msg_arg(m.view(), 4).error(), optee::ArgError::misaligned);
  EXPECT_EQ(optee::read_msg_arg(m.view(), 4096).error(), optee::ArgError::outside);
  EXPECT_EQ(optee::read_msg_arg(m.view(), ~uint64_t{7}).error(), optee::ArgError::outside);
  m.header(4096 - 32 - 5 * 32, 0, 6);  // the sixth parameter runs past the end
  EXPECT_EQ(optee::read_msg_arg(m.view(), 4096 - 32 - 5 * 32).error(), optee::ArgError::outside);
  m.header(0, 0, 7);
  EXPECT_EQ(optee::read_msg_arg(m.view(), 0).error(), optee::ArgError::too_many_params);
  m.header(0, 0, 0xFFFFFFFF);
  EXPECT_EQ(optee::read_msg_arg(m.view(), 0).error(), optee::ArgError::too_many_params);
}

TEST(OpteeMsgArg, AnswerWritesOnlyWhatOpteeChanges) {
  Buf m;
  m.header(0, 1, 4);
  m.param(0, 0, 1, 0x11, 0x12, 0x13);  // value input
  m.param(0, 1, 3, 0x21, 0x22, 0x23);  // value inout
  m.param(0, 2, 5, 0x31, 0x32, 0x33);  // memref input
  m.param(0, 3, 7, 0x41, 0x42, 0x43);  // memref inout
  auto req = optee::read_msg_arg(m.view(), 0);
  ASSERT_TRUE(req);
  MsgArg ans = *req;
  ans.ret = 0xFFFF0010;
  ans.ret_origin = 4;
  ans.session = 9;
  for (auto& p : ans.params) p = optee::MsgParam{0xEE, 0xE1, 0xE2, 0xE3};
  const Buf before = m;
  optee::write_msg_answer(m.mut(), 0, *req, ans);
  EXPECT_EQ(m.get(8, 4), 9u);
  EXPECT_EQ(m.get(20, 4), 0xFFFF0010u);
  EXPECT_EQ(m.get(24, 4), 4u);
  // Inputs untouched; the inout value's a, b, c; the inout memref's size only.
  // (Parameter i starts at 32 + 32 i: attr, a, b, c.)
  for (size_t off : {32u, 40u, 48u, 56u, 64u, 96u, 104u, 112u, 120u, 128u, 136u, 152u}) {
    EXPECT_EQ(m.get(off, 8), before.get(off, 8)) << off;
  }
  EXPECT_EQ(m.get(72, 8), 0xE1u);
  EXPECT_EQ(m.get(80, 8), 0xE2u);
  EXPECT_EQ(m.get(88, 8), 0xE3u);
  EXPECT_EQ(m.get(144, 8), 0xE2u);  // the size; its offset (a) and handle (c) stay
  EXPECT_EQ(m.get(0, 4), 1u);      // cmd as the client wrote it
  EXPECT_EQ(m.get(4, 4), 0x77u);
}

TEST(OpteeMsgArg, ClientParamsInTheGpModel) {
  MsgArg a{};
  a.num_params = 4;
  a.params[0] = {1, 0x1'0000'0005, 0x2'0000'0006, 0};  // value input: the low halves
  a.params[1] = {6, (uint64_t{0x10} << 48) | 0x2000, 100, 0xABCD};  // fmem output: internal_offs 0x10
  a.params[2] = {5, 0, 0, optee::kFmemInvalidGlobalId};             // null memref
  a.params[3] = {0, 0, 0, 0};
  auto p = optee::client_params(a, 0);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->p[0].type, 1);
  EXPECT_EQ(p->p[0].a, 5u);
  EXPECT_EQ(p->p[0].b, 6u);
  EXPECT_EQ(p->p[1].type, 6);
  EXPECT_EQ(p->p[1].offset, 0x2010u);
  EXPECT_EQ(p->p[1].size, 100u);
  EXPECT_EQ(p->p[1].handle, 0xABCDu);
  EXPECT_EQ(p->p[2].handle, optee::kFmemInvalidGlobalId);
  EXPECT_EQ(p->types(), 0x0561u);
}

TEST(OpteeMsgArg, ClientParamsRefuseWhatGpHasNot) {
  for (uint64_t attr : {4ull, 8ull, 9ull, 0x101ull, 0x205ull, 0x10001ull, 1ull << 40}) {
    MsgArg a{};
    a.num_params = 1;
    a.params[0].attr = attr;
    EXPECT_FALSE(optee::client_params(a, 0)) << attr;
  }
  MsgArg five{};
  five.num_params = 5;
  EXPECT_FALSE(optee::client_params(five, 0));
  EXPECT_TRUE(optee::client_params(five, 1));  // after one meta parameter: four
  MsgArg one{};
  one.num_params = 1;
  EXPECT_FALSE(optee::client_params(one, 2));  // fewer than the meta parameters
}

TEST(OpteeMsgArg, OutputsGoBackIntoTheirParameters) {
  MsgArg a{};
  a.num_params = 4;
  a.params[2] = {2, 0, 0, 0};
  a.params[3] = {7, 0, 64, 0x99};
  optee::ClientParams out;
  out.p[0] = {2, 7, 8, 0, 0, 0};
  out.p[1] = {7, 0, 0, 0x99, 0, 32};
  optee::put_client_outputs(a, 2, out);
  EXPECT_EQ(a.params[2].a, 7u);
  EXPECT_EQ(a.params[2].b, 8u);
  EXPECT_EQ(a.params[3].b, 32u);
  EXPECT_EQ(a.params[3].c, 0x99u);  // the handle stays
}

TEST(MemrefPages, TrimsToThePagesTheReferenceCovers) {
  const ffa::MemConstituent r[] = {{0x40000000, 1}, {0x40002000, 1}, {0x40004000, 3}};
  optee::MemrefPages m;
  // 32 bytes across the first two ranges.
  ASSERT_TRUE(optee::memref_pages(r, 3, 0xFF0, 32, m));
  ASSERT_EQ(m.count, 2u);
  EXPECT_EQ(m.in_page, 0xFF0u);
  EXPECT_EQ(m.ranges[0].address, 0x40000000u);
  EXPECT_EQ(m.ranges[1].address, 0x40002000u);
  EXPECT_EQ(m.ranges[1].pages, 1u);
  // The middle of the third range.
  ASSERT_TRUE(optee::memref_pages(r, 3, 0x3000, 0x1000, m));
  ASSERT_EQ(m.count, 1u);
  EXPECT_EQ(m.ranges[0].address, 0x40005000u);
  EXPECT_EQ(m.ranges[0].pages, 1u);
  // Up to the very end; one byte more is outside.
  EXPECT_TRUE(optee::memref_pages(r, 3, 0, 5 * 4096, m));
  EXPECT_EQ(m.count, 3u);
  EXPECT_FALSE(optee::memref_pages(r, 3, 1, 5 * 4096, m));
  EXPECT_FALSE(optee::memref_pages(r, 3, ~uint64_t{0}, 2, m));
  // Empty: no pages, inside or at the end.
  EXPECT_TRUE(optee::memref_pages(r, 3, 5 * 4096, 0, m));
  EXPECT_EQ(m.count, 0u);
  EXPECT_FALSE(optee::memref_pages(r, 3, 5 * 4096 + 1, 0, m));
}

TEST(MemrefPages, InPlaceAndBounded) {
  optee::MemrefPages m;
  for (unsigned i = 0; i < optee::MemrefPages::kMaxRanges; ++i)
    m.ranges[i] = ffa::MemConstituent{0x40000000 + 0x2000ull * i, 1};
  // In place (the ranges are `out.ranges`): every page but the first.
  ASSERT_TRUE(optee::memref_pages(m.ranges, optee::MemrefPages::kMaxRanges, 4096,
                                  (optee::MemrefPages::kMaxRanges - 1) * 4096ull, m));
  EXPECT_EQ(m.count, optee::MemrefPages::kMaxRanges - 1);
  EXPECT_EQ(m.ranges[0].address, 0x40002000u);
}

}  // namespace
