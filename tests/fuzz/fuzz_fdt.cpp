// Fuzz target: lib::Fdt on arbitrary bytes. open() must refuse or accept
// without reading outside the buffer, and an accepted blob must be walkable
// end to end (every node, the usual properties, path lookups) with every
// view it hands out inside the buffer. Then lib::FdtWriter edits a copy
// (with free space added): every accepted edit leaves a blob that open()
// still accepts and that holds the edit.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "fuzz_check.h"
#include "lib/fdt.h"
#include "lib/fdt_writer.h"

namespace {

const uint8_t* g_begin;
const uint8_t* g_end;

bool inside(const void* p, size_t n) {
  const auto* b = static_cast<const uint8_t*>(p);
  return b >= g_begin && b <= g_end && n <= static_cast<size_t>(g_end - b);
}

constexpr const char* kPropNames[] = {"compatible", "reg",     "#address-cells", "#size-cells", "spmc_id",
                                      "uuid",       "maj_ver", "device_type",    "value",       ""};

void check_prop(const lib::Fdt& f, lib::Fdt::Node n, const char* pname) {
  auto v = f.prop(n, pname);
  auto u32 = f.prop_u32(n, pname);
  auto u64 = f.prop_u64(n, pname);
  auto s = f.prop_string(n, pname);
  if (!v) {
    FUZZ_CHECK(!u32 && !u64 && !s);
    return;
  }
  FUZZ_CHECK(inside(v->data(), v->size()));
  FUZZ_CHECK(u32.has_value() == (v->size() == 4));
  FUZZ_CHECK(u64.has_value() == (v->size() == 4 || v->size() == 8));
  if (s) {
    FUZZ_CHECK(*s == reinterpret_cast<const char*>(v->data()));
    FUZZ_CHECK(std::strlen(*s) < v->size());
  }
}

void walk(const lib::Fdt& f, lib::Fdt::Node n, unsigned depth, unsigned& nodes) {
  // open() bounds the depth of the root's subtree; nothing deeper is reachable.
  FUZZ_CHECK(depth < 32);
  ++nodes;
  auto name = f.name(n);
  FUZZ_CHECK(name.has_value());  // every reachable node was validated
  FUZZ_CHECK(inside(*name, std::strlen(*name) + 1));
  for (const char* p : kPropNames) check_prop(f, n, p);
  check_prop(f, n, *name);  // a name taken from the blob itself
  f.for_each_child(n, [&](lib::Fdt::Node c) {
    FUZZ_CHECK(c.offset > n.offset);
    walk(f, c, depth + 1, nodes);
    // child() finds this node (or an earlier sibling with the same name).
    auto cname = f.name(c);
    FUZZ_CHECK(cname && f.child(n, *cname).has_value());
    return true;
  });
}

bool still_valid(const std::vector<uint8_t>& buf) {
  auto r = lib::Fdt::open(lib::ByteView(buf.data(), buf.size()));
  return r.ok();
}

// The writer on a copy with 128 bytes of free space after the blob.
void edit_copy(const uint8_t* data, size_t size) {
  constexpr size_t kFree = 128;
  std::vector<uint8_t> buf(data, data + size);
  buf.resize(size + kFree, 0);
  const uint32_t total = static_cast<uint32_t>(size + kFree);
  buf[4] = static_cast<uint8_t>(total >> 24);
  buf[5] = static_cast<uint8_t>(total >> 16);
  buf[6] = static_cast<uint8_t>(total >> 8);
  buf[7] = static_cast<uint8_t>(total);
  auto opened = lib::FdtWriter::open(buf.data(), buf.size());
  if (!opened) return;
  lib::FdtWriter& w = opened.value();
  FUZZ_CHECK(still_valid(buf));  // open() changes nothing
  const uint32_t used = w.used_size();
  FUZZ_CHECK(used <= buf.size());

  auto node = w.add_node(w.reader().root(), "fz");
  if (node) {
    FUZZ_CHECK(still_valid(buf));
    FUZZ_CHECK(w.reader().child(w.reader().root(), "fz").has_value());
    if (w.add_prop_string(*node, "compatible", "fz,1").ok()) {
      FUZZ_CHECK(still_valid(buf));
      auto n = w.reader().child(w.reader().root(), "fz");
      FUZZ_CHECK(n && w.reader().prop_string(*n, "compatible").has_value());
    }
  }
  // A property named after the first child (a name taken from the input).
  const lib::Fdt r = w.reader();
  std::optional<lib::Fdt::Node> first;
  r.for_each_child(r.root(), [&](lib::Fdt::Node c) {
    first = c;
    return false;
  });
  if (first) {
    auto name = r.name(*first);
    const uint8_t value[3] = {1, 2, 3};
    if (name && w.add_prop(*first, *name, value, sizeof(value)).ok()) {
      FUZZ_CHECK(still_valid(buf));
      FUZZ_CHECK(w.reader().prop(*first, *name).has_value());
    }
  }
  FUZZ_CHECK(w.used_size() <= buf.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  g_begin = data;
  g_end = data + size;
  auto r = lib::Fdt::open(lib::ByteView(data, size));
  if (!r) {
    FUZZ_CHECK(lib::to_string(r.error()) != nullptr);
    return 0;
  }
  const lib::Fdt& f = r.value();
  FUZZ_CHECK(f.total_size() <= size);
  unsigned nodes = 0;
  walk(f, f.root(), 0, nodes);
  FUZZ_CHECK(nodes >= 1);
  for (const char* path : {"/", "/attribute", "/trusted-os", "/memory@40000000", "/node@1000/child", "//x//"}) {
    if (auto n = f.find(path)) FUZZ_CHECK(f.name(*n).has_value());
  }
  edit_copy(data, size);
  return 0;
}
