// lib/fdt.h: the DTB reader that manifests go through. Blobs compiled by
// dtc at build time for the happy paths; hand-made and corrupted blobs for
// the hostile ones.
#include "lib/fdt.h"

#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "test_util.h"

namespace {

using lib::Fdt;
using lib::FdtError;
using test::Bytes;
using test::FdtBuilder;

// Every property value lies inside the blob it came from.
bool inside(const Bytes& blob, lib::ByteView v) {
  const uint8_t* b = blob.data();
  return v.data() >= b && v.data() + v.size() <= b + blob.size();
}

class FdtBasic : public ::testing::Test {
 protected:
  void SetUp() override {
    blob_ = test::read_file(test::data_path("fdt/basic.dtb"));
    ASSERT_FALSE(blob_.empty()) << "build-time data missing: fdt/basic.dtb";
    auto r = Fdt::open(test::view(blob_));
    ASSERT_TRUE(r.ok()) << lib::to_string(r.error());
    fdt_.emplace(r.value());
  }
  const Fdt& fdt() const { return *fdt_; }
  Fdt::Node root() const { return fdt_->root(); }

  Bytes blob_;
  std::optional<Fdt> fdt_;
};

TEST_F(FdtBasic, OpensWithTheBlobsSize) {
  EXPECT_EQ(fdt().total_size(), blob_.size());
  auto name = fdt().name(root());
  ASSERT_TRUE(name);
  EXPECT_STREQ(*name, "");
}

TEST_F(FdtBasic, FindByPath) {
  auto root_again = fdt().find("/");
  ASSERT_TRUE(root_again);
  EXPECT_EQ(root_again->offset, root().offset);

  auto child = fdt().find("/node/child");
  ASSERT_TRUE(child);
  EXPECT_EQ(fdt().prop_u32(*child, "leaf"), 7u);
  auto name = fdt().name(*child);
  ASSERT_TRUE(name);
  EXPECT_STREQ(*name, "child");

  // Empty components are skipped.
  auto same = fdt().find("//node//child/");
  ASSERT_TRUE(same);
  EXPECT_EQ(same->offset, child->offset);
}

TEST_F(FdtBasic, FindRefusesBadPaths) {
  EXPECT_FALSE(fdt().find(nullptr));
  EXPECT_FALSE(fdt().find(""));
  EXPECT_FALSE(fdt().find("node"));  // relative
  EXPECT_FALSE(fdt().find("/missing"));
  EXPECT_FALSE(fdt().find("/node/missing"));
  EXPECT_FALSE(fdt().find("/node/child/leaf"));  // a property, not a node
  EXPECT_FALSE(fdt().find("/nod"));              // a prefix of a name
  EXPECT_FALSE(fdt().find("/node/child/deeper"));
  // A component longer than the reader's 63-character buffer.
  EXPECT_FALSE(fdt().find(("/" + std::string(200, 'n')).c_str()));
}

TEST_F(FdtBasic, UnitAddressMustBeSpelledOut) {
  EXPECT_FALSE(fdt().find("/unit"));
  auto u1 = fdt().find("/unit@1000");
  auto u2 = fdt().find("/unit@2000");
  ASSERT_TRUE(u1);
  ASSERT_TRUE(u2);
  EXPECT_EQ(fdt().prop_u32(*u1, "value"), 1u);
  EXPECT_EQ(fdt().prop_u32(*u2, "value"), 2u);
}

TEST_F(FdtBasic, ChildLooksOnlyAtDirectChildren) {
  auto node = fdt().child(root(), "node");
  ASSERT_TRUE(node);
  EXPECT_EQ(fdt().prop_u32(*node, "inner"), 0xcafeu);
  EXPECT_FALSE(fdt().child(root(), "child"));  // a grandchild
  auto child = fdt().child(*node, "child");
  ASSERT_TRUE(child);
  EXPECT_FALSE(fdt().child(*child, "anything"));  // a leaf has no children
}

TEST_F(FdtBasic, ForEachChildInOrderAndStopsEarly) {
  std::vector<std::string> names;
  EXPECT_TRUE(fdt().for_each_child(root(), [&](Fdt::Node n) {
    names.emplace_back(*fdt().name(n));
    return true;
  }));
  EXPECT_EQ(names, (std::vector<std::string>{"node", "unit@1000", "unit@2000", "sibling-a", "sibling-b",
                                             "sibling-c"}));
  int visited = 0;
  EXPECT_FALSE(fdt().for_each_child(root(), [&](Fdt::Node) { return ++visited < 2; }));
  EXPECT_EQ(visited, 2);

  auto leaf = fdt().find("/sibling-a");
  ASSERT_TRUE(leaf);
  int none = 0;
  EXPECT_TRUE(fdt().for_each_child(*leaf, [&](Fdt::Node) { return ++none > 0; }));
  EXPECT_EQ(none, 0);
}

TEST_F(FdtBasic, PropU32) {
  EXPECT_EQ(fdt().prop_u32(root(), "u32"), 0x12345678u);
  EXPECT_EQ(fdt().prop_u32(root(), "#address-cells"), 2u);
  EXPECT_FALSE(fdt().prop_u32(root(), "u64"));          // two cells
  EXPECT_FALSE(fdt().prop_u32(root(), "empty"));        // no value
  EXPECT_FALSE(fdt().prop_u32(root(), "bytes"));        // 3 bytes
  EXPECT_FALSE(fdt().prop_u32(root(), "missing"));
  EXPECT_FALSE(fdt().prop_u32(root(), "u3"));           // a prefix of a name
  EXPECT_FALSE(fdt().prop_u32(root(), "u32 "));
}

TEST_F(FdtBasic, PropU64AcceptsOneOrTwoCells) {
  EXPECT_EQ(fdt().prop_u64(root(), "u64"), 0x1122334455667788ull);
  EXPECT_EQ(fdt().prop_u64(root(), "u32"), 0x12345678ull);
  EXPECT_FALSE(fdt().prop_u64(root(), "three-cells"));
  EXPECT_FALSE(fdt().prop_u64(root(), "empty"));
  EXPECT_FALSE(fdt().prop_u64(root(), "bytes"));
}

TEST_F(FdtBasic, PropString) {
  EXPECT_STREQ(fdt().prop_string(root(), "compatible").value_or("?"), "tessera,fdt-test");
  EXPECT_STREQ(fdt().prop_string(root(), "str").value_or("?"), "hello");
  // A string list gives its first string.
  EXPECT_STREQ(fdt().prop_string(root(), "strlist").value_or("?"), "first");
  EXPECT_FALSE(fdt().prop_string(root(), "no-nul"));  // "ABCD" without NUL
  EXPECT_FALSE(fdt().prop_string(root(), "bytes"));
  EXPECT_FALSE(fdt().prop_string(root(), "empty"));
  EXPECT_FALSE(fdt().prop_string(root(), "missing"));
}

TEST_F(FdtBasic, PropViewAndHasProp) {
  auto empty = fdt().prop(root(), "empty");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->size(), 0u);
  EXPECT_TRUE(fdt().has_prop(root(), "empty"));
  EXPECT_FALSE(fdt().has_prop(root(), "nope"));
  auto bytes = fdt().prop(root(), "bytes");
  ASSERT_TRUE(bytes);
  ASSERT_EQ(bytes->size(), 3u);
  EXPECT_EQ(bytes->data()[0], 1);
  EXPECT_EQ(bytes->data()[2], 3);
  EXPECT_TRUE(inside(blob_, *bytes));
  // Properties of the root are not properties of its children.
  auto node = fdt().find("/node");
  ASSERT_TRUE(node);
  EXPECT_FALSE(fdt().has_prop(*node, "u32"));
}

// The structure block's words are read a word at a time where they are
// aligned in memory and byte by byte where they are not (Fdt::token): a
// copy of the blob at each misalignment gives the same answers.
TEST_F(FdtBasic, UnalignedCopiesGiveTheSameAnswers) {
  for (size_t shift = 1; shift < 4; ++shift) {
    SCOPED_TRACE(shift);
    Bytes buf(blob_.size() + shift, 0);
    std::memcpy(buf.data() + shift, blob_.data(), blob_.size());
    auto r = Fdt::open(lib::ByteView(buf.data() + shift, blob_.size()));
    ASSERT_TRUE(r.ok());
    const Fdt& f = r.value();
    auto child = f.find("/node/child");
    ASSERT_TRUE(child);
    EXPECT_EQ(child->offset, fdt().find("/node/child")->offset);
    EXPECT_EQ(f.prop_u32(*child, "leaf"), 7u);
    EXPECT_EQ(f.prop_u64(f.root(), "u64"), 0x1122334455667788ull);
    EXPECT_STREQ(f.prop_string(f.root(), "strlist").value_or("?"), "first");
    EXPECT_EQ(f.find("/unit@2000")->offset, fdt().find("/unit@2000")->offset);
    EXPECT_EQ(f.prop_u32(*f.find("/unit@2000"), "value"), 2u);
    unsigned children = 0;
    f.for_each_child(f.root(), [&](Fdt::Node) { return ++children, true; });
    EXPECT_EQ(children, 6u);
  }
}

// --- Header checks -------------------------------------------------------

Bytes minimal() {
  FdtBuilder b;
  b.begin_node("").prop_cells("a", {1}).begin_node("c").prop_string("s", "x").end_node().end_node().end();
  return b.finish();
}

FdtError open_error(const Bytes& blob) {
  auto r = Fdt::open(test::view(blob));
  EXPECT_FALSE(r.ok());
  return r.ok() ? FdtError::not_found : r.error();
}

TEST(FdtHeader, MinimalHandBuiltBlobOpens) {
  Bytes blob = minimal();
  auto r = Fdt::open(test::view(blob));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().prop_u32(r.value().root(), "a"), 1u);
  auto c = r.value().find("/c");
  ASSERT_TRUE(c);
  EXPECT_STREQ(r.value().prop_string(*c, "s").value_or("?"), "x");
}

TEST(FdtHeader, EmptyAndTinyBuffers) {
  EXPECT_EQ(open_error(Bytes{}), FdtError::truncated);
  EXPECT_EQ(open_error(Bytes{0xd0, 0x0d, 0xfe}), FdtError::truncated);
  // The magic alone, without the rest of the header.
  EXPECT_EQ(open_error(Bytes{0xd0, 0x0d, 0xfe, 0xed, 0, 0, 0, 0}), FdtError::truncated);
  Bytes blob = minimal();
  blob.resize(FdtBuilder::kHeaderSize - 1);
  EXPECT_EQ(open_error(blob), FdtError::truncated);
}

TEST(FdtHeader, BadMagic) {
  Bytes blob = minimal();
  test::put_be32(blob, FdtBuilder::kMagic, 0xedfe0dd0);  // little-endian magic
  EXPECT_EQ(open_error(blob), FdtError::bad_magic);
  EXPECT_EQ(open_error(Bytes(64, 0)), FdtError::bad_magic);
}

TEST(FdtHeader, TotalSizeBeyondBuffer) {
  Bytes blob = minimal();
  test::put_be32(blob, FdtBuilder::kTotalSize, static_cast<uint32_t>(blob.size() + 1));
  EXPECT_EQ(open_error(blob), FdtError::truncated);
  test::put_be32(blob, FdtBuilder::kTotalSize, 0xFFFFFFFF);
  EXPECT_EQ(open_error(blob), FdtError::truncated);
}

TEST(FdtHeader, BufferCutShortOfTotalSize) {
  const Bytes full = minimal();
  for (size_t len = 0; len < full.size(); ++len) {
    Bytes cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(len));
    auto r = Fdt::open(test::view(cut));
    ASSERT_FALSE(r.ok()) << "length " << len;
    EXPECT_EQ(r.error(), FdtError::truncated) << "length " << len;
  }
}

TEST(FdtHeader, TotalSizeSmallerThanTheBlocks) {
  // The buffer is big enough, but the header claims less: the blocks must
  // lie inside totalsize, not just inside the buffer.
  Bytes blob = minimal();
  test::put_be32(blob, FdtBuilder::kTotalSize, static_cast<uint32_t>(blob.size() - 1));
  EXPECT_EQ(open_error(blob), FdtError::truncated);
  test::put_be32(blob, FdtBuilder::kTotalSize, 40);
  EXPECT_EQ(open_error(blob), FdtError::truncated);
}

TEST(FdtHeader, BlockOffsetsAndSizesOutOfRange) {
  const Bytes good = minimal();
  const uint32_t total = static_cast<uint32_t>(good.size());
  struct Case {
    size_t field;
    uint32_t value;
  } cases[] = {
      {FdtBuilder::kOffStruct, total},           {FdtBuilder::kOffStruct, 0xFFFFFFFC},
      {FdtBuilder::kSizeStruct, total},          {FdtBuilder::kSizeStruct, 0xFFFFFFFF},
      {FdtBuilder::kOffStrings, total + 1},      {FdtBuilder::kOffStrings, 0xFFFFFFF0},
      {FdtBuilder::kSizeStrings, total},         {FdtBuilder::kSizeStrings, 0xFFFFFFFF},
  };
  for (const Case& c : cases) {
    Bytes blob = good;
    test::put_be32(blob, c.field, c.value);
    EXPECT_EQ(open_error(blob), FdtError::truncated) << "field " << c.field << " = " << c.value;
  }
}

TEST(FdtHeader, VersionChecks) {
  Bytes blob = minimal();
  test::put_be32(blob, FdtBuilder::kVersion, 16);
  EXPECT_EQ(open_error(blob), FdtError::bad_version);
  blob = minimal();
  test::put_be32(blob, FdtBuilder::kLastCompVersion, 18);
  EXPECT_EQ(open_error(blob), FdtError::bad_version);
  // A newer version that stays compatible with 17 is fine.
  blob = minimal();
  test::put_be32(blob, FdtBuilder::kVersion, 18);
  EXPECT_TRUE(Fdt::open(test::view(blob)).ok());
}

TEST(FdtHeader, UnalignedStructureBlock) {
  Bytes blob = minimal();
  // Shift the structure block by two bytes (the size still fits).
  uint32_t off = test::get_be32(blob, FdtBuilder::kOffStruct);
  test::put_be32(blob, FdtBuilder::kOffStruct, off + 2);
  test::put_be32(blob, FdtBuilder::kSizeStruct, test::get_be32(blob, FdtBuilder::kSizeStruct) - 4);
  EXPECT_EQ(open_error(blob), FdtError::bad_structure);
}

// --- Structure checks ----------------------------------------------------

TEST(FdtStructure, MustStartWithTheRootNode) {
  FdtBuilder b;
  b.prop_cells("a", {1}).begin_node("").end_node().end();
  EXPECT_EQ(open_error(b.finish()), FdtError::bad_structure);
  FdtBuilder e;
  e.end();
  EXPECT_EQ(open_error(e.finish()), FdtError::bad_structure);
  FdtBuilder empty;
  EXPECT_EQ(open_error(empty.finish()), FdtError::bad_structure);
}

TEST(FdtStructure, RootNeverClosed) {
  FdtBuilder b;
  b.begin_node("").prop_cells("a", {1}).begin_node("c").end_node();
  EXPECT_EQ(open_error(b.finish()), FdtError::bad_structure);
}

TEST(FdtStructure, EndTokenOrGarbageInsideANode) {
  FdtBuilder b;
  b.begin_node("").end().end_node().end();
  EXPECT_EQ(open_error(b.finish()), FdtError::bad_structure);
  FdtBuilder g;
  g.begin_node("").token(0x77).end_node().end();
  EXPECT_EQ(open_error(g.finish()), FdtError::bad_structure);
}

TEST(FdtStructure, PropertyLengthPastTheEnd) {
  for (uint32_t len : {16u, 1000u, 0x7FFFFFFFu, 0xFFFFFFF0u, 0xFFFFFFFFu}) {
    FdtBuilder b;
    b.begin_node("").prop_raw(len, b.name_offset("p"), Bytes{1, 2, 3, 4}).end_node().end();
    EXPECT_EQ(open_error(b.finish()), FdtError::bad_structure) << "len " << len;
  }
}

TEST(FdtStructure, PropertyLengthIntoTheStringsBlock) {
  // The value would end inside the blob (in the strings block), but past
  // the structure block: still refused.
  FdtBuilder b;
  b.begin_node("").prop_raw(4, b.name_offset("p"), Bytes{1, 2, 3, 4}).end_node();
  b.name_offset("a-long-string-to-make-the-strings-block-bigger");
  Bytes blob = b.finish();
  // The property's length field sits at struct offset 8 + 4.
  const size_t len_at = test::get_be32(blob, FdtBuilder::kOffStruct) + 8 + 4;
  ASSERT_EQ(test::get_be32(blob, len_at), 4u);
  test::put_be32(blob, len_at, 4 + 8);  // value + END_NODE + 4 more bytes
  EXPECT_EQ(open_error(blob), FdtError::bad_structure);
}

TEST(FdtStructure, NodeNameWithoutNul) {
  FdtBuilder b;
  b.begin_node("").begin_node_unterminated("runaway");
  EXPECT_EQ(open_error(b.finish()), FdtError::bad_structure);
  // Even the root's name.
  FdtBuilder r;
  r.begin_node_unterminated("abc");
  EXPECT_EQ(open_error(r.finish()), FdtError::bad_structure);
}

Bytes nested(unsigned depth) {
  // `depth` nodes including the root, each the only child of the last.
  FdtBuilder b;
  b.begin_node("");
  for (unsigned i = 1; i < depth; ++i) b.begin_node("n");
  b.prop_cells("deepest", {depth});
  for (unsigned i = 0; i < depth; ++i) b.end_node();
  b.end();
  return b.finish();
}

TEST(FdtStructure, NestingUpTo32LevelsIsFine) {
  Bytes blob = nested(32);
  auto r = Fdt::open(test::view(blob));
  ASSERT_TRUE(r.ok());
  std::string path;
  for (int i = 1; i < 32; ++i) path += "/n";
  auto deepest = r.value().find(path.c_str());
  ASSERT_TRUE(deepest);
  EXPECT_EQ(r.value().prop_u32(*deepest, "deepest"), 32u);
}

TEST(FdtStructure, DeeperNestingIsRefused) {
  EXPECT_EQ(open_error(nested(33)), FdtError::bad_structure);
  EXPECT_EQ(open_error(nested(1000)), FdtError::bad_structure);
}

TEST(FdtStructure, NopsAreSkippedEverywhere) {
  FdtBuilder b;
  b.begin_node("").nop().prop_cells("a", {5}).nop().nop().prop_string("s", "v").nop();
  b.begin_node("c1").nop().end_node().nop().begin_node("c2").prop_cells("b", {6}).end_node().nop();
  b.end_node().end();
  Bytes blob = b.finish();
  auto r = Fdt::open(test::view(blob));
  ASSERT_TRUE(r.ok());
  const Fdt& f = r.value();
  EXPECT_EQ(f.prop_u32(f.root(), "a"), 5u);
  EXPECT_STREQ(f.prop_string(f.root(), "s").value_or("?"), "v");
  auto c2 = f.find("/c2");
  ASSERT_TRUE(c2);
  EXPECT_EQ(f.prop_u32(*c2, "b"), 6u);
  int children = 0;
  EXPECT_TRUE(f.for_each_child(f.root(), [&](Fdt::Node) { return ++children > 0; }));
  EXPECT_EQ(children, 2);
}

TEST(FdtStructure, PropertyNameOffsetOutsideStrings) {
  FdtBuilder b;
  b.begin_node("").prop_raw(4, 0xFFFFFF00, Bytes{0, 0, 0, 1}).prop_cells("ok", {2}).end_node().end();
  Bytes blob = b.finish();
  auto r = Fdt::open(test::view(blob));
  ASSERT_TRUE(r.ok());  // names are checked when looked up
  const Fdt& f = r.value();
  EXPECT_EQ(f.prop_u32(f.root(), "ok"), 2u);  // the bad one is skipped over
  EXPECT_FALSE(f.has_prop(f.root(), ""));
}

TEST(FdtStructure, PropertyNameWithoutNulAtEndOfStrings) {
  FdtBuilder b;
  b.name_offset("first");
  const uint32_t raw = b.add_raw_string(Bytes{'a', 'b', 'c'});  // no NUL: the block ends
  b.begin_node("").prop_raw(4, raw, Bytes{0, 0, 0, 9}).end_node().end();
  Bytes blob = b.finish();
  auto r = Fdt::open(test::view(blob));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.value().has_prop(r.value().root(), "abc"));
  EXPECT_FALSE(r.value().has_prop(r.value().root(), "ab"));
}

// Walks everything reachable and checks that every view stays in the blob.
void walk(const Bytes& blob, const Fdt& f, Fdt::Node n, int depth, int& nodes) {
  ASSERT_LT(depth, 40);
  ++nodes;
  auto name = f.name(n);
  if (name) {
    const auto* p = reinterpret_cast<const uint8_t*>(*name);
    EXPECT_TRUE(p >= blob.data() && p + std::strlen(*name) < blob.data() + blob.size());
  }
  for (const char* prop : {"compatible", "a", "s", "u32", "u64", "str", "reg", "leaf", ""}) {
    if (auto v = f.prop(n, prop)) EXPECT_TRUE(inside(blob, *v)) << prop;
    if (auto s = f.prop_string(n, prop)) EXPECT_LT(std::strlen(*s), blob.size());
    (void)f.prop_u32(n, prop);
    (void)f.prop_u64(n, prop);
  }
  f.for_each_child(n, [&](Fdt::Node c) {
    walk(blob, f, c, depth + 1, nodes);
    return true;
  });
}

TEST(FdtStructure, EverySingleByteCorruptionIsHandled) {
  // Under ASan: no corruption of a real blob reads outside it, and a blob
  // that still opens can be walked completely.
  const Bytes good = test::read_file(test::data_path("fdt/basic.dtb"));
  ASSERT_FALSE(good.empty());
  size_t opened = 0, refused = 0;
  for (size_t i = 0; i < good.size(); ++i) {
    for (uint8_t v : {uint8_t{0x00}, uint8_t{0xFF}, uint8_t{0x01}, uint8_t{0x80}}) {
      Bytes blob = good;
      if (blob[i] == v) continue;
      blob[i] = v;
      auto r = Fdt::open(test::view(blob));
      if (!r.ok()) {
        ++refused;
        continue;
      }
      ++opened;
      int nodes = 0;
      walk(blob, r.value(), r.value().root(), 0, nodes);
      EXPECT_GE(nodes, 1);
      if (HasFatalFailure()) return;
    }
  }
  // Both outcomes occur: header corruption is refused, value corruption is not.
  EXPECT_GT(opened, 0u);
  EXPECT_GT(refused, 0u);
}

TEST(FdtErrorText, EveryErrorHasAMessage) {
  for (FdtError e : {FdtError::bad_magic, FdtError::truncated, FdtError::bad_version, FdtError::bad_structure,
                     FdtError::not_found}) {
    EXPECT_STRNE(lib::to_string(e), "?");
  }
  EXPECT_STREQ(lib::to_string(static_cast<FdtError>(200)), "?");
}

}  // namespace
