#include "lib/fdt.h"

namespace lib {
namespace {

constexpr uint32_t kMagic = 0xd00dfeed;
// FDT_END (9) ends the structure block; inside a node it is an error (the
// default case of every walk), so no walk names it.
constexpr uint32_t kBeginNode = 1, kEndNode = 2, kProp = 3, kNop = 4;
// Bounds the depth of any walk so that a hostile blob cannot make a skip
// recurse or loop without end.
constexpr unsigned kMaxDepth = 32;

constexpr uint32_t align4(uint32_t v) { return (v + 3u) & ~3u; }

}  // namespace

// Every step of every walk reads a word here: inline whatever the
// optimisation level (the monitor's -Os copy would otherwise make
// ByteView::be32 a call per token). The same checks as ByteView::be32.
[[gnu::always_inline]] inline std::optional<uint32_t> Fdt::token(uint32_t offset) const {
  if (offset > struct_.size() || struct_.size() - offset < 4) return std::nullopt;
  const uint8_t* p = struct_.data() + offset;
  if ((reinterpret_cast<uintptr_t>(p) & 3) == 0) {
    uint32_t v;
    __builtin_memcpy(&v, __builtin_assume_aligned(p, 4), 4);
    return __builtin_bswap32(v);
  }
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}

const char* to_string(FdtError e) {
  switch (e) {
    case FdtError::bad_magic: return "not a device tree blob (bad magic)";
    case FdtError::truncated: return "device tree blob is truncated";
    case FdtError::bad_version: return "unsupported device tree blob version";
    case FdtError::bad_structure: return "malformed device tree structure";
    case FdtError::not_found: return "not found";
  }
  return "?";
}

Result<Fdt, FdtError> Fdt::open(ByteView blob) {
  auto magic = blob.be32(0);
  if (!magic) return FdtError::truncated;
  if (*magic != kMagic) return FdtError::bad_magic;
  auto total = blob.be32(4);
  auto off_struct = blob.be32(8);
  auto off_strings = blob.be32(12);
  auto version = blob.be32(20);
  auto last_compat = blob.be32(24);
  auto size_strings = blob.be32(32);
  auto size_struct = blob.be32(36);
  if (!total || !off_struct || !off_strings || !version || !last_compat || !size_strings || !size_struct)
    return FdtError::truncated;
  if (*version < 17 || *last_compat > 17) return FdtError::bad_version;
  if (*total > blob.size()) return FdtError::truncated;
  ByteView whole(blob.data(), *total);
  auto structs = whole.sub(*off_struct, *size_struct);
  auto strings = whole.sub(*off_strings, *size_strings);
  if (!structs || !strings) return FdtError::truncated;
  if ((*off_struct & 3) != 0) return FdtError::bad_structure;
  Fdt fdt(whole, *structs, *strings);
  // The structure block must start with the root node.
  auto first = fdt.token(0);
  if (!first || *first != kBeginNode) return FdtError::bad_structure;
  if (!fdt.skip_node(0)) return FdtError::bad_structure;
  return fdt;
}

Fdt Fdt::reopen_validated(ByteView blob) {
  const uint32_t total = *blob.be32(4);
  ByteView whole(blob.data(), total < blob.size() ? total : blob.size());
  auto structs = whole.sub(*whole.be32(8), *whole.be32(36));
  auto strings = whole.sub(*whole.be32(12), *whole.be32(32));
  return Fdt(whole, structs.value_or(ByteView()), strings.value_or(ByteView()));
}

std::optional<const char*> Fdt::name(Node n) const {
  auto tok = token(n.offset);
  if (!tok || *tok != kBeginNode) return std::nullopt;
  uint32_t start = n.offset + 4;
  for (uint32_t i = start; i < struct_.size(); ++i) {
    if (struct_.data()[i] == '\0') return reinterpret_cast<const char*>(struct_.data() + start);
  }
  return std::nullopt;
}

std::optional<uint32_t> Fdt::body(Node n) const {
  // One pass over the name (as name() checks it), to its NUL.
  auto tok = token(n.offset);
  if (!tok || *tok != kBeginNode) return std::nullopt;
  for (uint32_t i = n.offset + 4; i < struct_.size(); ++i) {
    if (struct_.data()[i] == '\0') {
      const uint32_t off = align4(i + 1);
      if (off > struct_.size()) return std::nullopt;
      return off;
    }
  }
  return std::nullopt;
}

std::optional<uint32_t> Fdt::skip_node(uint32_t offset) const {
  unsigned depth = 0;
  uint32_t off = offset;
  // Each iteration consumes at least 4 bytes, so this ends within the block.
  while (off < struct_.size()) {
    auto tok = token(off);
    if (!tok) return std::nullopt;
    switch (*tok) {
      case kBeginNode: {
        if (++depth > kMaxDepth) return std::nullopt;
        auto b = body(Node{off});
        if (!b) return std::nullopt;
        off = *b;
        break;
      }
      case kEndNode:
        if (depth == 0) return std::nullopt;
        off += 4;
        if (--depth == 0) return off;
        break;
      case kProp: {
        auto len = token(off + 4);
        if (!len || *len > struct_.size()) return std::nullopt;
        uint64_t next = uint64_t{off} + 12 + align4(*len);
        if (next > struct_.size()) return std::nullopt;
        off = static_cast<uint32_t>(next);
        break;
      }
      case kNop:
        off += 4;
        break;
      default:  // kEnd inside a node, or garbage
        return std::nullopt;
    }
  }
  return std::nullopt;
}

std::optional<uint32_t> Fdt::next_sibling(uint32_t off) const {
  while (true) {
    auto tok = token(off);
    if (!tok) return std::nullopt;
    if (*tok == kNop) {
      off += 4;
      continue;
    }
    if (*tok == kBeginNode) return off;
    return std::nullopt;  // END_NODE of the parent, or END
  }
}

std::optional<uint32_t> Fdt::first_child(Node parent) const {
  auto off = body(parent);
  if (!off) return std::nullopt;
  uint32_t o = *off;
  // Properties come before children.
  while (true) {
    auto tok = token(o);
    if (!tok) return std::nullopt;
    if (*tok == kProp) {
      auto len = token(o + 4);
      if (!len || *len > struct_.size()) return std::nullopt;
      o += 12 + align4(*len);
    } else if (*tok == kNop) {
      o += 4;
    } else if (*tok == kBeginNode) {
      return o;
    } else {
      return std::nullopt;
    }
  }
}

bool Fdt::name_eq(uint32_t nameoff, const char* s) const {
  if (nameoff >= strings_.size()) return false;
  const uint8_t* p = strings_.data() + nameoff;
  size_t room = strings_.size() - nameoff;
  size_t i = 0;
  for (; s[i]; ++i) {
    if (i >= room || p[i] != static_cast<uint8_t>(s[i])) return false;
  }
  return i < room && p[i] == 0;
}

std::optional<ByteView> Fdt::prop(Node n, const char* pname) const {
  auto off = body(n);
  if (!off) return std::nullopt;
  uint32_t o = *off;
  while (true) {
    auto tok = token(o);
    if (!tok) return std::nullopt;
    if (*tok == kNop) {
      o += 4;
      continue;
    }
    if (*tok != kProp) return std::nullopt;
    auto len = token(o + 4);
    auto nameoff = token(o + 8);
    if (!len || !nameoff) return std::nullopt;
    auto value = struct_.sub(o + 12, *len);
    if (!value) return std::nullopt;
    if (name_eq(*nameoff, pname)) return value;
    o += 12 + align4(*len);
  }
}

std::optional<uint32_t> Fdt::prop_u32(Node n, const char* pname) const {
  auto v = prop(n, pname);
  if (!v || v->size() != 4) return std::nullopt;
  return v->be32(0);
}

std::optional<uint64_t> Fdt::prop_u64(Node n, const char* pname) const {
  auto v = prop(n, pname);
  if (!v) return std::nullopt;
  if (v->size() == 4) return v->be32(0);
  if (v->size() == 8) return v->be64(0);
  return std::nullopt;
}

std::optional<const char*> Fdt::prop_string(Node n, const char* pname) const {
  auto v = prop(n, pname);
  if (!v || v->size() == 0 || v->data()[v->size() - 1] != '\0') return std::nullopt;
  return reinterpret_cast<const char*>(v->data());
}

std::optional<Fdt::Node> Fdt::child(Node parent, const char* cname) const {
  std::optional<Node> found;
  for_each_child(parent, [&](Node c) {
    auto nm = name(c);
    if (!nm) return false;
    const char* a = *nm;
    const char* b = cname;
    while (*a && *a == *b) ++a, ++b;
    if (*a == *b) {
      found = c;
      return false;
    }
    return true;
  });
  return found;
}

std::optional<Fdt::Node> Fdt::find(const char* path) const {
  if (!path || path[0] != '/') return std::nullopt;
  Node cur = root();
  const char* p = path + 1;
  char part[64];
  while (*p) {
    size_t n = 0;
    while (*p && *p != '/') {
      if (n + 1 >= sizeof(part)) return std::nullopt;
      part[n++] = *p++;
    }
    part[n] = '\0';
    if (*p == '/') ++p;
    if (n == 0) continue;
    auto c = child(cur, part);
    if (!c) return std::nullopt;
    cur = *c;
  }
  return cur;
}

}  // namespace lib
