// lib/fdt_writer.h: in-place edits of a DTB inside its totalsize (how the
// monitor adds /psci to QEMU's device tree). Every edit must leave a blob
// that Fdt::open() accepts, and a refused edit must leave it unchanged.
#include "lib/fdt_writer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "test_util.h"

namespace {

using lib::Fdt;
using lib::FdtWriteError;
using lib::FdtWriter;
using test::Bytes;
using test::FdtBuilder;

// basic.dtb with `pad` free bytes after its strings block (as dtc -p or
// QEMU leave them), counted in totalsize.
Bytes padded(size_t pad) {
  Bytes b = test::read_file(test::data_path("fdt/basic.dtb"));
  EXPECT_FALSE(b.empty());
  const uint32_t end = test::get_be32(b, FdtBuilder::kOffStrings) + test::get_be32(b, FdtBuilder::kSizeStrings);
  b.resize(end + pad, 0);
  test::put_be32(b, FdtBuilder::kTotalSize, static_cast<uint32_t>(b.size()));
  return b;
}

Fdt reopen(const Bytes& b) {
  auto r = Fdt::open(test::view(b));
  EXPECT_TRUE(r.ok()) << "edited blob no longer opens: " << (r.ok() ? "" : lib::to_string(r.error()));
  return r.ok() ? r.value() : Fdt::reopen_validated(test::view(b));
}

TEST(FdtWriter, OpenRefusesWhatIsNotADeviceTree) {
  Bytes junk(64, 0xAB);
  EXPECT_EQ(test::err(FdtWriter::open(junk.data(), junk.size())), FdtWriteError::bad_blob);
  Bytes b = padded(64);
  // The caller's bound is smaller than the blob's totalsize.
  EXPECT_EQ(test::err(FdtWriter::open(b.data(), b.size() - 1)), FdtWriteError::bad_blob);
}

TEST(FdtWriter, OpenRefusesANonStandardLayout) {
  Bytes b = padded(64);
  // The memory reservation map after the structure block.
  test::put_be32(b, FdtBuilder::kOffRsvmap, test::get_be32(b, FdtBuilder::kOffStruct) + 8);
  EXPECT_EQ(test::err(FdtWriter::open(b.data(), b.size())), FdtWriteError::bad_blob);
  // The strings block before the end of the structure block.
  FdtBuilder fb;
  fb.begin_node("").prop_cells("a", {1}).end_node().end();
  Bytes s = fb.finish();
  const uint32_t off_struct = test::get_be32(s, FdtBuilder::kOffStruct);
  test::put_be32(s, FdtBuilder::kOffStrings, off_struct);  // overlapping the structure block
  test::put_be32(s, FdtBuilder::kSizeStrings, 4);
  ASSERT_TRUE(Fdt::open(test::view(s)).ok());  // the reader does not mind
  EXPECT_EQ(test::err(FdtWriter::open(s.data(), s.size())), FdtWriteError::bad_blob);
}

TEST(FdtWriter, AddsANodeWithProperties) {
  Bytes b = padded(256);
  auto w = FdtWriter::open(b.data(), b.size());
  ASSERT_TRUE(w.ok());
  const uint32_t used_before = w.value().used_size();
  auto psci = w.value().add_node(w.value().reader().root(), "psci");
  ASSERT_TRUE(psci.ok());
  ASSERT_TRUE(w.value().add_prop_string(*psci, "method", "smc").ok());
  ASSERT_TRUE(w.value().add_prop_string(*psci, "compatible", "arm,psci-1.0").ok());
  EXPECT_GT(w.value().used_size(), used_before);
  EXPECT_LE(w.value().used_size(), b.size());

  const Fdt f = reopen(b);
  auto node = f.find("/psci");
  ASSERT_TRUE(node);
  EXPECT_STREQ(f.prop_string(*node, "method").value_or("?"), "smc");
  EXPECT_STREQ(f.prop_string(*node, "compatible").value_or("?"), "arm,psci-1.0");
  // Everything that was there still is.
  EXPECT_STREQ(f.prop_string(f.root(), "compatible").value_or("?"), "tessera,fdt-test");
  EXPECT_EQ(f.prop_u64(f.root(), "u64"), 0x1122334455667788ull);
  auto child = f.find("/node/child");
  ASSERT_TRUE(child);
  EXPECT_EQ(f.prop_u32(*child, "leaf"), 7u);
  // The new node is the root's first child.
  std::vector<std::string> names;
  f.for_each_child(f.root(), [&](Fdt::Node n) {
    names.emplace_back(*f.name(n));
    return true;
  });
  ASSERT_EQ(names.size(), 7u);
  EXPECT_EQ(names[0], "psci");
  EXPECT_EQ(names[1], "node");
  // The writer's own reader sees the same.
  EXPECT_TRUE(w.value().reader().find("/psci").has_value());
}

TEST(FdtWriter, AddsAPropertyToAnInnerNode) {
  Bytes b = padded(128);
  auto w = FdtWriter::open(b.data(), b.size());
  ASSERT_TRUE(w.ok());
  auto node = w.value().reader().find("/node");
  ASSERT_TRUE(node);
  const uint8_t cells[] = {0, 0, 0, 42};
  ASSERT_TRUE(w.value().add_prop(*node, "enable-method", cells, sizeof(cells)).ok());
  const Fdt f = reopen(b);
  auto n = f.find("/node");
  ASSERT_TRUE(n);
  EXPECT_EQ(f.prop_u32(*n, "enable-method"), 42u);
  EXPECT_EQ(f.prop_u32(*n, "inner"), 0xcafeu);
  EXPECT_FALSE(f.has_prop(f.root(), "enable-method"));
}

TEST(FdtWriter, ReusesExistingPropertyNames) {
  Bytes b = padded(128);
  auto w = FdtWriter::open(b.data(), b.size());
  ASSERT_TRUE(w.ok());
  const uint32_t strings_before = test::get_be32(b, FdtBuilder::kSizeStrings);
  const uint32_t used_before = w.value().used_size();
  auto node = w.value().reader().find("/sibling-a");
  ASSERT_TRUE(node);
  ASSERT_TRUE(w.value().add_prop_string(*node, "compatible", "x").ok());
  EXPECT_EQ(test::get_be32(b, FdtBuilder::kSizeStrings), strings_before);
  EXPECT_EQ(w.value().used_size(), used_before + 12 + 4);
  // A name that only ends like an existing one ("cells" of "#size-cells")
  // is not reused from the middle of that string.
  ASSERT_TRUE(w.value().add_prop_string(*w.value().reader().find("/sibling-a"), "cells", "y").ok());
  EXPECT_GT(test::get_be32(b, FdtBuilder::kSizeStrings), strings_before);
  const Fdt f = reopen(b);
  EXPECT_STREQ(f.prop_string(*f.find("/sibling-a"), "cells").value_or("?"), "y");
}

// Names are looked up at each string's start, the first string and the
// last included, and one appended by an edit is found by the next.
TEST(FdtWriter, ReusesNamesAtEveryStringStart) {
  Bytes b = padded(256);
  auto w = FdtWriter::open(b.data(), b.size());
  ASSERT_TRUE(w.ok());
  const uint32_t off_strings = test::get_be32(b, FdtBuilder::kOffStrings);
  const uint32_t strings_before = test::get_be32(b, FdtBuilder::kSizeStrings);
  const std::string first(reinterpret_cast<const char*>(b.data() + off_strings));
  uint32_t last_at = strings_before - 1;
  while (last_at > 0 && b[off_strings + last_at - 1] != 0) --last_at;
  const std::string last(reinterpret_cast<const char*>(b.data() + off_strings + last_at));
  ASSERT_FALSE(first.empty());
  ASSERT_NE(first, last);
  for (const std::string& name : {first, last}) {
    auto node = w.value().reader().find("/sibling-b");
    ASSERT_TRUE(node);
    ASSERT_TRUE(w.value().add_prop_string(*node, name.c_str(), "v").ok());
    EXPECT_EQ(test::get_be32(b, FdtBuilder::kSizeStrings), strings_before) << name;
  }
  // New, then found at its own offset on the second use.
  ASSERT_TRUE(w.value().add_prop_string(*w.value().reader().find("/sibling-a"), "fresh", "1").ok());
  EXPECT_EQ(test::get_be32(b, FdtBuilder::kSizeStrings), strings_before + 6);
  ASSERT_TRUE(w.value().add_prop_string(*w.value().reader().find("/sibling-c"), "fresh", "2").ok());
  EXPECT_EQ(test::get_be32(b, FdtBuilder::kSizeStrings), strings_before + 6);
  const Fdt f = reopen(b);
  EXPECT_STREQ(f.prop_string(*f.find("/sibling-b"), first.c_str()).value_or("?"), "v");
  EXPECT_STREQ(f.prop_string(*f.find("/sibling-b"), last.c_str()).value_or("?"), "v");
  EXPECT_STREQ(f.prop_string(*f.find("/sibling-a"), "fresh").value_or("?"), "1");
  EXPECT_STREQ(f.prop_string(*f.find("/sibling-c"), "fresh").value_or("?"), "2");
}

// A strings block whose last string has no NUL (nothing checks that when
// the blob is opened): the lookup stays inside the block and does not
// take that unterminated string, or the free space after it, for a name.
TEST(FdtWriter, StringsBlockWithoutAFinalNul) {
  Bytes b = padded(256);
  const uint32_t off_strings = test::get_be32(b, FdtBuilder::kOffStrings);
  const uint32_t size_strings = test::get_be32(b, FdtBuilder::kSizeStrings);
  uint32_t last_at = size_strings - 1;
  while (last_at > 0 && b[off_strings + last_at - 1] != 0) --last_at;
  // Drop the last string's NUL: it now runs to the block's end.
  const std::string last(reinterpret_cast<const char*>(b.data() + off_strings + last_at));
  test::put_be32(b, FdtBuilder::kSizeStrings, size_strings - 1);
  auto w = FdtWriter::open(b.data(), b.size());
  ASSERT_TRUE(w.ok());
  auto node = w.value().reader().find("/sibling-a");
  ASSERT_TRUE(node);
  ASSERT_TRUE(w.value().add_prop_string(*node, last.c_str(), "x").ok());
  // Appended after the unterminated one, not matched against it.
  EXPECT_EQ(test::get_be32(b, FdtBuilder::kSizeStrings), size_strings - 1 + last.size() + 1);
}

TEST(FdtWriter, NoSpaceLeavesTheBlobUnchanged) {
  Bytes b = padded(0);
  const Bytes before = b;
  auto w = FdtWriter::open(b.data(), b.size());
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(test::err(w.value().add_node(w.value().reader().root(), "psci")), FdtWriteError::no_space);
  EXPECT_EQ(test::err(w.value().add_prop_string(w.value().reader().root(), "u32", "x")), FdtWriteError::no_space);
  EXPECT_EQ(b, before);
}

TEST(FdtWriter, PropertyThatFitsOnlyWithoutItsNewName) {
  // Room for the new name in the strings block, not for the property too:
  // refused, and the name is not left behind either.
  Bytes b = padded(12);
  const Bytes before = b;
  auto w = FdtWriter::open(b.data(), b.size());
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(test::err(w.value().add_prop_string(w.value().reader().root(), "new-name", "")),
            FdtWriteError::no_space);
  EXPECT_EQ(b, before);
}

TEST(FdtWriter, HugePropertyLengthIsNoSpace) {
  // Lengths whose 4-byte-aligned size wraps around 32 bits.
  Bytes b = padded(64);
  const Bytes before = b;
  auto w = FdtWriter::open(b.data(), b.size());
  ASSERT_TRUE(w.ok());
  const uint8_t value[4] = {1, 2, 3, 4};
  for (uint32_t len : {0xFFFFFFFFu, 0xFFFFFFFDu, 0xFFFFFFF8u, 0xFFFFFFF5u, 0x80000000u, 65u})
    EXPECT_EQ(test::err(w.value().add_prop(w.value().reader().root(), "u32", value, len)), FdtWriteError::no_space)
        << std::hex << len;
  EXPECT_EQ(b, before);
}

TEST(FdtWriter, FillsTheFreeSpaceExactly) {
  // 4 (BEGIN_NODE) + 8 ("abcdefg\0") + 4 (END_NODE) = 16 bytes.
  Bytes b = padded(16);
  auto w = FdtWriter::open(b.data(), b.size());
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(w.value().add_node(w.value().reader().root(), "abcdefg").ok());
  EXPECT_EQ(w.value().used_size(), b.size());
  EXPECT_EQ(test::err(w.value().add_node(w.value().reader().root(), "x")), FdtWriteError::no_space);
  EXPECT_TRUE(reopen(b).find("/abcdefg").has_value());
}

TEST(FdtWriter, BadNames) {
  Bytes b = padded(512);
  const Bytes before = b;
  auto w = FdtWriter::open(b.data(), b.size());
  ASSERT_TRUE(w.ok());
  const Fdt::Node root = w.value().reader().root();
  const std::string long_name(65, 'n');
  EXPECT_EQ(test::err(w.value().add_node(root, "")), FdtWriteError::bad_name);
  EXPECT_EQ(test::err(w.value().add_node(root, long_name.c_str())), FdtWriteError::bad_name);
  EXPECT_EQ(test::err(w.value().add_prop_string(root, "", "v")), FdtWriteError::bad_name);
  EXPECT_EQ(test::err(w.value().add_prop_string(root, long_name.c_str(), "v")), FdtWriteError::bad_name);
  EXPECT_EQ(b, before);
  // 64 characters is the longest name.
  EXPECT_TRUE(w.value().add_node(root, std::string(64, 'n').c_str()).ok());
}

TEST(FdtWriter, NodesThatAreNotNodes) {
  Bytes b = padded(128);
  const Bytes before = b;
  auto w = FdtWriter::open(b.data(), b.size());
  ASSERT_TRUE(w.ok());
  for (uint32_t off : {4u, 8u, 0xFFFFFFF0u, 0xFFFFFFFFu}) {
    EXPECT_EQ(test::err(w.value().add_node(Fdt::Node{off}, "x")), FdtWriteError::not_found) << off;
    EXPECT_EQ(test::err(w.value().add_prop_string(Fdt::Node{off}, "p", "v")), FdtWriteError::not_found) << off;
  }
  EXPECT_EQ(b, before);
}

TEST(FdtWriter, ManyEditsKeepTheBlobValid) {
  Bytes b = padded(4096);
  auto w = FdtWriter::open(b.data(), b.size());
  ASSERT_TRUE(w.ok());
  for (int i = 0; i < 20; ++i) {
    const std::string name = "cpu@" + std::to_string(i);
    auto n = w.value().add_node(w.value().reader().root(), name.c_str());
    ASSERT_TRUE(n.ok()) << i;
    ASSERT_TRUE(w.value().add_prop_string(*n, "enable-method", "psci").ok()) << i;
    ASSERT_TRUE(w.value().add_prop_string(*n, "device_type", "cpu").ok()) << i;
  }
  const Fdt f = reopen(b);
  for (int i = 0; i < 20; ++i) {
    auto n = f.find(("/cpu@" + std::to_string(i)).c_str());
    ASSERT_TRUE(n) << i;
    EXPECT_STREQ(f.prop_string(*n, "enable-method").value_or("?"), "psci");
  }
  EXPECT_EQ(f.prop_u32(*f.find("/node/child"), "leaf"), 7u);
}

TEST(FdtWriteErrorText, EveryErrorHasAMessage) {
  for (FdtWriteError e :
       {FdtWriteError::bad_blob, FdtWriteError::no_space, FdtWriteError::not_found, FdtWriteError::bad_name})
    EXPECT_STRNE(lib::to_string(e), "?");
}

}  // namespace

namespace {

TEST(FdtWriter, SetPropStringAddsOrReplaces) {
  Bytes b = padded(256);
  auto w = FdtWriter::open(b.data(), b.size());
  ASSERT_TRUE(w.ok());
  auto node = w.value().reader().find("/node");
  ASSERT_TRUE(node);
  // Absent: added.
  ASSERT_TRUE(w.value().set_prop_string(*node, "status", "okay").ok());
  // Present: replaced by a longer value, the old one gone (a reader sees one).
  node = w.value().reader().find("/node");
  ASSERT_TRUE(node);
  ASSERT_TRUE(w.value().set_prop_string(*node, "status", "disabled").ok());
  const Fdt f = reopen(b);
  auto n = f.find("/node");
  ASSERT_TRUE(n);
  auto status = f.prop_string(*n, "status");
  ASSERT_TRUE(status);
  EXPECT_STREQ(*status, "disabled");
  unsigned seen = 0;
  // Only one property named status is left (the old one is NOP tokens).
  for (size_t i = 0; i + 9 <= b.size(); ++i) seen += std::memcmp(b.data() + i, "disabled", 9) == 0;
  EXPECT_EQ(seen, 1u);
  EXPECT_EQ(f.prop_u32(*n, "inner"), 0xcafeu);  // other properties untouched
  // A child after the edited node still reads.
  EXPECT_TRUE(f.find("/node").has_value());
}

TEST(FdtWriter, SetPropStringWithoutSpaceLeavesTheBlobUnchanged) {
  Bytes b = padded(0);
  const Bytes before = b;
  auto w = FdtWriter::open(b.data(), b.size());
  ASSERT_TRUE(w.ok());
  auto node = w.value().reader().find("/node");
  ASSERT_TRUE(node);
  EXPECT_EQ(w.value().set_prop_string(*node, "status", "disabled").error(), FdtWriteError::no_space);
  EXPECT_EQ(b, before);
}

}  // namespace
