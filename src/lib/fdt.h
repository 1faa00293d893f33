// Read-only flattened device tree (DTB) reader. Manifests arrive as DTBs
// that users build, so every offset, length and string is checked against
// the blob; a malformed blob yields errors, never an out-of-bounds read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "lib/bytes.h"
#include "lib/result.h"

namespace lib {

enum class FdtError : uint8_t {
  bad_magic,
  truncated,
  bad_version,
  bad_structure,
  not_found,
};

const char* to_string(FdtError e);

class Fdt {
 public:
  // A node is the offset of its FDT_BEGIN_NODE token in the structure block.
  struct Node {
    uint32_t offset;
  };

  static Result<Fdt, FdtError> open(ByteView blob);
  // For a blob that open() accepted and that only FdtWriter changed since:
  // skips the whole-tree validation walk (every accessor stays
  // bounds-checked regardless).
  static Fdt reopen_validated(ByteView blob);

  Node root() const { return Node{0}; }
  // Node by absolute path ("/", "/attribute", "/memory-regions/rx"). Unit
  // addresses must be spelled out when the node name has one.
  std::optional<Node> find(const char* path) const;
  std::optional<Node> child(Node parent, const char* name) const;
  // Calls fn(Node) for each direct child; stops early when fn returns false.
  template <typename Fn>
  bool for_each_child(Node parent, Fn&& fn) const;
  std::optional<const char*> name(Node n) const;

  std::optional<ByteView> prop(Node n, const char* name) const;
  std::optional<uint32_t> prop_u32(Node n, const char* name) const;
  // One cell (u32) or two cells (u64); anything else is refused.
  std::optional<uint64_t> prop_u64(Node n, const char* name) const;
  // A NUL-terminated string that fits its property exactly.
  std::optional<const char*> prop_string(Node n, const char* name) const;
  bool has_prop(Node n, const char* name) const { return prop(n, name).has_value(); }

  size_t total_size() const { return blob_.size(); }

 private:
  Fdt(ByteView blob, ByteView structs, ByteView strings) : blob_(blob), struct_(structs), strings_(strings) {}

  // Offset just past the node's name (aligned), i.e. its first property token.
  std::optional<uint32_t> body(Node n) const;
  // Offset of the token after the subtree that starts at `n` (its END_NODE + 4).
  std::optional<uint32_t> skip_node(uint32_t offset) const;
  // A big-endian word of the structure block (a token, a length, a name
  // offset), bounds-checked as ByteView::be32; defined inline in fdt.cpp.
  std::optional<uint32_t> token(uint32_t offset) const;
  bool name_eq(uint32_t nameoff, const char* s) const;
  std::optional<uint32_t> first_child(Node parent) const;
  std::optional<uint32_t> next_sibling(uint32_t child_end) const;

  ByteView blob_;
  ByteView struct_;
  ByteView strings_;
};

template <typename Fn>
bool Fdt::for_each_child(Node parent, Fn&& fn) const {
  auto off = first_child(parent);
  while (off) {
    if (!fn(Node{*off})) return false;
    auto end = skip_node(*off);
    if (!end) return false;
    off = next_sibling(*end);
  }
  return true;
}

}  // namespace lib
