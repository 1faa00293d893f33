// optee/ta_store.h: the TA store the monitor stages and every TA header
// in it, refused with a reason when anything is out of place.
#include "optee/ta_store.h"

#include <gtest/gtest.h>

#include <vector>

namespace {

void put32(std::vector<uint8_t>& b, size_t off, uint32_t v) {
  for (unsigned i = 0; i < 4; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
}

// A TA image: code to 0x1000, constants to 0x2000, data to 0x2100, memory
// to 0x8000, the stack top at 0x7000.
std::vector<uint8_t> image(uint8_t id, uint32_t flags = TA_FLAG_SINGLE_INSTANCE) {
  std::vector<uint8_t> b(0x2100, 0);
  const uint32_t h[8] = {TA_HEADER_MAGIC, TA_HEADER_VERSION, 0x40, 0x1000, 0x2000, 0x2100, 0x8000, 0x7000};
  for (unsigned i = 0; i < 8; ++i) put32(b, 4 * i, h[i]);
  for (unsigned i = 0; i < 16; ++i) b[32 + i] = static_cast<uint8_t>(id + i);
  put32(b, 48, flags);
  return b;
}

std::vector<uint8_t> store(const std::vector<std::vector<uint8_t>>& tas) {
  std::vector<uint8_t> s(16 + 24 * tas.size(), 0);
  put32(s, 0, optee::kStoreMagic);
  put32(s, 4, optee::kStoreVersion);
  put32(s, 8, static_cast<uint32_t>(tas.size()));
  for (size_t i = 0; i < tas.size(); ++i) {
    const size_t e = 16 + 24 * i;
    for (unsigned k = 0; k < 16; ++k) s[e + k] = tas[i][32 + k];
    put32(s, e + 16, static_cast<uint32_t>(s.size()));
    put32(s, e + 20, static_cast<uint32_t>(tas[i].size()));
    s.insert(s.end(), tas[i].begin(), tas[i].end());
  }
  put32(s, 12, static_cast<uint32_t>(s.size()));
  return s;
}

lib::ByteView view(const std::vector<uint8_t>& b) { return lib::ByteView(b.data(), b.size()); }

TEST(TaStore, ParsesEveryTa) {
  const auto s = store({image(1), image(0x40, TA_FLAG_SINGLE_INSTANCE | TA_FLAG_MULTI_SESSION), image(0x80, 0)});
  auto p = optee::parse_ta_store(view(s));
  ASSERT_TRUE(p);
  ASSERT_EQ(p->count, 3u);
  EXPECT_EQ(p->tas[0].entry, 0x40u);
  EXPECT_EQ(p->tas[0].image.size(), 0x2100u);
  EXPECT_TRUE(p->tas[1].multi_session());
  EXPECT_FALSE(p->tas[2].single_instance());
  optee::TaUuid u;
  for (unsigned k = 0; k < 16; ++k) u.bytes[k] = static_cast<uint8_t>(0x40 + k);
  ASSERT_NE(p->find(u), nullptr);
  EXPECT_EQ(p->find(u), &p->tas[1]);
  u.bytes[0] = 0;
  EXPECT_EQ(p->find(u), nullptr);
}

TEST(TaStore, RefusesBadStores) {
  auto s = store({image(1)});
  auto bad = s;
  bad[0] ^= 1;
  EXPECT_FALSE(optee::parse_ta_store(view(bad)));
  bad = s;
  put32(bad, 8, 17);
  EXPECT_FALSE(optee::parse_ta_store(view(bad)));
  bad = s;
  put32(bad, 12, static_cast<uint32_t>(s.size() + 1));  // longer than the bytes there
  EXPECT_FALSE(optee::parse_ta_store(view(bad)));
  bad = s;
  put32(bad, 16 + 20, 0x3000);  // the image runs out of the store
  EXPECT_EQ(optee::parse_ta_store(view(bad)).error().index, 0u);
  bad = s;
  bad[16] ^= 0xFF;  // entry and image UUIDs differ
  EXPECT_FALSE(optee::parse_ta_store(view(bad)));
  EXPECT_FALSE(optee::parse_ta_store(view(store({image(1), image(1)}))));  // one UUID twice
  EXPECT_FALSE(optee::parse_ta_store(lib::ByteView(s.data(), 15)));
}

TEST(TaStore, RefusesBadHeaders) {
  struct Change {
    size_t field;
    uint32_t value;
  } changes[] = {
      {0, 0x12345678},  // magic
      {4, 2},           // version
      {8, 0x10},        // entry inside the header
      {8, 0x1000},      // entry outside the code
      {8, 0x42},        // entry not aligned
      {12, 0x1100},     // code not page aligned
      {16, 0x800},      // constants before code
      {20, 0x9000},     // file past the memory
      {24, 0x41000},    // more than a slot
      {24, 0x8100},     // memory end not page aligned
      {28, 0x2000},     // stack top in the file
      {28, 0x9000},     // stack top past the memory
      {28, 0x7008},     // stack top misaligned
      {48, 1u << 5},    // unknown flag
      {48, TA_FLAG_MULTI_SESSION},  // multi-session without single-instance
  };
  for (const Change& c : changes) {
    auto img = image(1);
    put32(img, c.field, c.value);
    EXPECT_FALSE(optee::parse_ta_image(view(img))) << c.field << " " << c.value;
  }
  auto short_file = image(1);
  short_file.resize(0x2000);  // shorter than file_end
  EXPECT_FALSE(optee::parse_ta_image(view(short_file)));
  EXPECT_TRUE(optee::parse_ta_image(view(image(1))));
}

}  // namespace
