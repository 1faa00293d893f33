// lib/fip.h: the FIP reader the monitor loads images with. A FIP made by
// fiptool at build time for the happy path; hand-built ToCs for the rest.
#include "lib/fip.h"

#include <gtest/gtest.h>

#include <string>

#include "test_util.h"

namespace {

using test::Bytes;
namespace fip = lib::fip;

constexpr size_t kHeader = 16, kEntry = 40;
constexpr fip::ImageUuid kOther{{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd,
                                 0xee, 0xff, 0x01}};

std::string as_string(lib::ByteView v) { return std::string(reinterpret_cast<const char*>(v.data()), v.size()); }
std::string payload(const char* name) {
  Bytes b = test::read_file(test::src_data_path(std::string("fip/") + name));
  return std::string(b.begin(), b.end());
}

// A ToC built by hand: header, then entries {uuid, offset, size, flags}.
class Toc {
 public:
  explicit Toc(uint32_t name = fip::kTocName) {
    bytes_.resize(kHeader);
    test::put_le32(bytes_, 0, name);
    test::put_le32(bytes_, 4, 0x12345678);  // serial number
  }
  Toc& entry(const fip::ImageUuid& uuid, uint64_t offset, uint64_t size) {
    size_t at = bytes_.size();
    bytes_.resize(at + kEntry);
    std::copy(std::begin(uuid.bytes), std::end(uuid.bytes), bytes_.begin() + static_cast<std::ptrdiff_t>(at));
    test::put_le64(bytes_, at + 16, offset);
    test::put_le64(bytes_, at + 24, size);
    return *this;
  }
  Toc& terminator() { return entry(fip::ImageUuid{}, 0, 0); }
  Toc& data(const std::string& s) {
    bytes_.insert(bytes_.end(), s.begin(), s.end());
    return *this;
  }
  size_t size() const { return bytes_.size(); }
  const Bytes& bytes() const { return bytes_; }

 private:
  Bytes bytes_;
};

class FipFromFiptool : public ::testing::Test {
 protected:
  void SetUp() override {
    fip_ = test::read_file(test::data_path("fip/test.fip"));
    ASSERT_FALSE(fip_.empty()) << "build-time data missing: fip/test.fip";
  }
  Bytes fip_;
};

TEST_F(FipFromFiptool, HeaderIsValid) { EXPECT_TRUE(fip::valid_header(test::view(fip_))); }

TEST_F(FipFromFiptool, FindsEveryImageWithItsContents) {
  auto tos = fip::find(test::view(fip_), fip::kTosFw);
  auto cfg = fip::find(test::view(fip_), fip::kTosFwConfig);
  auto nt = fip::find(test::view(fip_), fip::kNtFw);
  ASSERT_TRUE(tos);
  ASSERT_TRUE(cfg);
  ASSERT_TRUE(nt);
  EXPECT_EQ(as_string(*tos), payload("tos_fw.txt"));
  EXPECT_EQ(as_string(*cfg), payload("tos_fw_config.txt"));
  EXPECT_EQ(as_string(*nt), payload("nt_fw.txt"));
  // --align 16: each image starts on a 16-byte boundary of the file.
  for (auto v : {*tos, *cfg, *nt}) EXPECT_EQ((v.data() - fip_.data()) % 16, 0);
}

TEST_F(FipFromFiptool, AbsentImageIsNotFound) { EXPECT_FALSE(fip::find(test::view(fip_), kOther)); }

TEST_F(FipFromFiptool, TruncatedFileNeverYieldsAnImageOutsideIt) {
  // Every prefix of the real FIP: an image is either found whole inside the
  // prefix or not found.
  for (size_t len = 0; len <= fip_.size(); ++len) {
    lib::ByteView cut(fip_.data(), len);
    for (const auto* uuid : {&fip::kTosFw, &fip::kTosFwConfig, &fip::kNtFw}) {
      auto img = fip::find(cut, *uuid);
      if (img) EXPECT_LE(img->data() + img->size(), fip_.data() + len) << "length " << len;
    }
    if (len < kHeader) EXPECT_FALSE(fip::valid_header(cut));
  }
  // The whole ToC but not the last image: that image is refused.
  auto nt_full = fip::find(test::view(fip_), fip::kNtFw);
  ASSERT_TRUE(nt_full);
  size_t nt_end = static_cast<size_t>(nt_full->data() - fip_.data()) + nt_full->size();
  EXPECT_FALSE(fip::find(lib::ByteView(fip_.data(), nt_end - 1), fip::kNtFw));
  EXPECT_TRUE(fip::find(lib::ByteView(fip_.data(), nt_end), fip::kNtFw));
}

TEST(FipHeader, EmptyAndShortBuffers) {
  EXPECT_FALSE(fip::valid_header(lib::ByteView()));
  EXPECT_FALSE(fip::find(lib::ByteView(), fip::kTosFw));
  Toc toc;
  Bytes b = toc.bytes();
  b.resize(kHeader - 1);
  EXPECT_FALSE(fip::valid_header(test::view(b)));
  b.resize(3);
  EXPECT_FALSE(fip::valid_header(test::view(b)));
}

TEST(FipHeader, BadTocName) {
  for (uint32_t name : {0u, 0xAA640000u, 0x0100AA64u, 0x0164AAu, 0xFFFFFFFFu}) {
    Toc toc(name);
    toc.entry(fip::kTosFw, 16 + 2 * kEntry, 4).terminator().data("IMG!");
    EXPECT_FALSE(fip::valid_header(test::view(toc.bytes()))) << std::hex << name;
    EXPECT_FALSE(fip::find(test::view(toc.bytes()), fip::kTosFw)) << std::hex << name;
  }
}

TEST(FipEntries, HandBuiltTocFindsImages) {
  Toc toc;
  const size_t data_at = kHeader + 3 * kEntry;
  toc.entry(fip::kTosFw, data_at, 4).entry(fip::kNtFw, data_at + 4, 6).terminator().data("TOS!NTFW!!");
  auto tos = fip::find(test::view(toc.bytes()), fip::kTosFw);
  auto nt = fip::find(test::view(toc.bytes()), fip::kNtFw);
  ASSERT_TRUE(tos);
  ASSERT_TRUE(nt);
  EXPECT_EQ(as_string(*tos), "TOS!");
  EXPECT_EQ(as_string(*nt), "NTFW!!");
  EXPECT_FALSE(fip::find(test::view(toc.bytes()), fip::kTosFwConfig));
}

TEST(FipEntries, ImageOffsetBeyondTheBuffer) {
  Toc toc;
  toc.entry(fip::kTosFw, 1000, 4).terminator().data("IMG!");
  EXPECT_FALSE(fip::find(test::view(toc.bytes()), fip::kTosFw));
  Toc far_away;
  far_away.entry(fip::kTosFw, 0xFFFFFFFFFFFFFFF0ull, 4).terminator();
  EXPECT_FALSE(fip::find(test::view(far_away.bytes()), fip::kTosFw));
}

TEST(FipEntries, ImageSizeBeyondTheBuffer) {
  Toc toc;
  const size_t data_at = kHeader + 2 * kEntry;
  toc.entry(fip::kTosFw, data_at, 5).terminator().data("IMG!");  // one byte too many
  EXPECT_FALSE(fip::find(test::view(toc.bytes()), fip::kTosFw));
  Toc huge;
  huge.entry(fip::kTosFw, data_at, 0xFFFFFFFFFFFFFFFFull).terminator().data("IMG!");
  EXPECT_FALSE(fip::find(test::view(huge.bytes()), fip::kTosFw));
}

TEST(FipEntries, OffsetPlusSizeWrapsAround) {
  Toc toc;
  toc.entry(fip::kTosFw, 0x10, 0xFFFFFFFFFFFFFFF8ull).terminator().data("IMG!");
  EXPECT_FALSE(fip::find(test::view(toc.bytes()), fip::kTosFw));
}

TEST(FipEntries, EmptyImageAtTheEndIsAnEmptyView) {
  Toc toc;
  toc.entry(fip::kTosFw, kHeader + 2 * kEntry, 0).terminator();
  auto img = fip::find(test::view(toc.bytes()), fip::kTosFw);
  ASSERT_TRUE(img);
  EXPECT_EQ(img->size(), 0u);
}

TEST(FipEntries, MissingTerminator) {
  // The buffer ends right after the last entry: the scan stops there.
  Toc toc;
  toc.entry(fip::kTosFw, 0, 16);
  EXPECT_FALSE(fip::find(test::view(toc.bytes()), fip::kNtFw));
  EXPECT_TRUE(fip::find(test::view(toc.bytes()), fip::kTosFw));  // it may point at the ToC itself
  // The buffer ends in the middle of an entry.
  Bytes cut = toc.bytes();
  cut.resize(cut.size() - 1);
  EXPECT_FALSE(fip::find(test::view(cut), fip::kTosFw));
}

TEST(FipEntries, EntriesAfterTheTerminatorAreIgnored) {
  Toc toc;
  const size_t data_at = kHeader + 3 * kEntry;
  toc.terminator().entry(fip::kTosFw, data_at, 4).terminator().data("IMG!");
  EXPECT_FALSE(fip::find(test::view(toc.bytes()), fip::kTosFw));
}

TEST(FipEntries, ScanIsBoundedToMaxEntries) {
  // kMaxEntries - 1 other entries, then the image: found (the last allowed).
  Toc ok;
  for (unsigned i = 0; i + 1 < fip::kMaxEntries; ++i) ok.entry(kOther, 0, 0);
  size_t data_at = kHeader + (fip::kMaxEntries + 1) * kEntry;
  ok.entry(fip::kTosFw, data_at, 4).terminator().data("IMG!");
  auto img = fip::find(test::view(ok.bytes()), fip::kTosFw);
  ASSERT_TRUE(img);
  EXPECT_EQ(as_string(*img), "IMG!");
  // One more entry before it: beyond the bound, not found.
  Toc too_many;
  for (unsigned i = 0; i < fip::kMaxEntries; ++i) too_many.entry(kOther, 0, 0);
  data_at = kHeader + (fip::kMaxEntries + 2) * kEntry;
  too_many.entry(fip::kTosFw, data_at, 4).terminator().data("IMG!");
  EXPECT_FALSE(fip::find(test::view(too_many.bytes()), fip::kTosFw));
}

TEST(FipEntries, PartialUuidMatchIsNoMatch) {
  fip::ImageUuid almost = fip::kTosFw;
  almost.bytes[15] ^= 1;
  Toc toc;
  toc.entry(almost, kHeader + 2 * kEntry, 4).terminator().data("IMG!");
  EXPECT_FALSE(fip::find(test::view(toc.bytes()), fip::kTosFw));
  EXPECT_TRUE(fip::find(test::view(toc.bytes()), almost));
}

}  // namespace
