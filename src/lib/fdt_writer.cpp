#include "lib/fdt_writer.h"

// The compiler builtins become calls to the C functions: the firmware's own
// (src/lib/mem.cpp) on target, libc's on the host.
#define memmove __builtin_memmove
#define memcpy __builtin_memcpy
#define memset __builtin_memset
#define memcmp __builtin_memcmp

namespace lib {
namespace {

constexpr uint32_t kBeginNode = 1, kEndNode = 2, kProp = 3, kNop = 4;
constexpr unsigned kTotalSize = 1, kOffStruct = 2, kOffStrings = 3, kOffRsvmap = 4, kSizeStrings = 8,
                   kSizeStruct = 9;
constexpr uint32_t kMaxName = 64;

constexpr uint32_t align4(uint32_t v) { return (v + 3u) & ~3u; }

uint32_t name_len(const char* s) {
  uint32_t n = 0;
  while (s[n] && n <= kMaxName) ++n;
  return n;
}

void put_be32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

}  // namespace

const char* to_string(FdtWriteError e) {
  switch (e) {
    case FdtWriteError::bad_blob: return "not a device tree in the standard layout";
    case FdtWriteError::no_space: return "no free space left in the device tree";
    case FdtWriteError::not_found: return "node not found";
    case FdtWriteError::bad_name: return "bad node or property name";
  }
  return "?";
}

uint32_t FdtWriter::header(unsigned index) const {
  const uint8_t* p = blob_ + 4 * index;
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}

void FdtWriter::set_header(unsigned index, uint32_t value) { put_be32(blob_ + 4 * index, value); }

Result<FdtWriter, FdtWriteError> FdtWriter::open(uint8_t* blob, size_t max_size) {
  auto fdt = Fdt::open(ByteView(blob, max_size));
  if (!fdt) return FdtWriteError::bad_blob;
  FdtWriter w(blob, 0);
  const uint32_t total = w.header(kTotalSize);
  const uint32_t off_struct = w.header(kOffStruct), size_struct = w.header(kSizeStruct);
  const uint32_t off_strings = w.header(kOffStrings), size_strings = w.header(kSizeStrings);
  // Standard layout: the reservation map, then the structure block, then
  // the strings block, which ends the used part of the blob.
  if (w.header(kOffRsvmap) > off_struct || off_struct + size_struct > off_strings ||
      off_strings + size_strings > total)
    return FdtWriteError::bad_blob;
  w.capacity_ = total < max_size ? total : max_size;
  return w;
}

Fdt FdtWriter::reader() const {
  // open() validated this blob and every edit keeps it valid.
  return Fdt::reopen_validated(ByteView(blob_, capacity_));
}

uint32_t FdtWriter::used_size() const { return header(kOffStrings) + header(kSizeStrings); }

Status<FdtWriteError> FdtWriter::insert(uint32_t off, uint32_t len) {
  const uint32_t off_struct = header(kOffStruct), size_struct = header(kSizeStruct);
  const uint32_t off_strings = header(kOffStrings), size_strings = header(kSizeStrings);
  const uint32_t used_end = off_strings + size_strings;
  if (uint64_t{used_end} + len > capacity_) return FdtWriteError::no_space;
  const uint32_t at = off_struct + off;
  memmove(blob_ + at + len, blob_ + at, used_end - at);
  memset(blob_ + at, 0, len);
  set_header(kSizeStruct, size_struct + len);
  set_header(kOffStrings, off_strings + len);
  return {};
}

Result<uint32_t, FdtWriteError> FdtWriter::string_offset(const char* name) {
  const uint32_t n = name_len(name);
  if (n == 0 || n > kMaxName) return FdtWriteError::bad_name;
  const uint32_t off_strings = header(kOffStrings), size_strings = header(kSizeStrings);
  const uint8_t* strings = blob_ + off_strings;
  // Reuse an existing string: compare at each string's start only (a
  // match inside another string's tail is not a name), then move to the
  // next string.
  for (uint32_t i = 0; i + n + 1 <= size_strings;) {
    if (memcmp(strings + i, name, n + 1) == 0) return i;
    while (i < size_strings && strings[i]) ++i;
    ++i;
  }
  if (uint64_t{off_strings} + size_strings + n + 1 > capacity_) return FdtWriteError::no_space;
  memcpy(blob_ + off_strings + size_strings, name, n + 1);
  set_header(kSizeStrings, size_strings + n + 1);
  return size_strings;
}

Result<uint32_t, FdtWriteError> FdtWriter::body_of(Fdt::Node node) const {
  const uint8_t* s = blob_ + header(kOffStruct);
  const uint32_t size_struct = header(kSizeStruct);
  if (uint64_t{node.offset} + 4 > size_struct ||
      (uint32_t{s[node.offset]} << 24 | uint32_t{s[node.offset + 1]} << 16 | uint32_t{s[node.offset + 2]} << 8 |
       s[node.offset + 3]) != kBeginNode)
    return FdtWriteError::not_found;
  for (uint32_t i = node.offset + 4; i < size_struct; ++i)
    if (s[i] == 0) return align4(i + 1);
  return FdtWriteError::not_found;
}

Result<Fdt::Node, FdtWriteError> FdtWriter::add_node(Fdt::Node parent, const char* name) {
  const uint32_t n = name_len(name);
  if (n == 0 || n > kMaxName) return FdtWriteError::bad_name;
  auto body = body_of(parent);
  if (!body) return body.error();
  // A new first child goes after the parent's properties.
  uint32_t at = *body;
  const uint8_t* s = blob_ + header(kOffStruct);
  const uint32_t size_struct = header(kSizeStruct);
  while (at + 12 <= size_struct) {
    const uint32_t tok = uint32_t{s[at]} << 24 | uint32_t{s[at + 1]} << 16 | uint32_t{s[at + 2]} << 8 | s[at + 3];
    if (tok != kProp && tok != 4 /* NOP */) break;
    if (tok == 4) {
      at += 4;
      continue;
    }
    const uint32_t len = uint32_t{s[at + 4]} << 24 | uint32_t{s[at + 5]} << 16 | uint32_t{s[at + 6]} << 8 | s[at + 7];
    at += 12 + align4(len);
  }
  const uint32_t size = 4 + align4(n + 1) + 4;
  auto st = insert(at, size);
  if (!st) return st.error();
  uint8_t* p = blob_ + header(kOffStruct) + at;
  put_be32(p, kBeginNode);
  memcpy(p + 4, name, n);
  put_be32(p + size - 4, kEndNode);
  return Fdt::Node{at};
}

Status<FdtWriteError> FdtWriter::add_prop(Fdt::Node node, const char* name, const void* value, uint32_t len) {
  auto body = body_of(node);
  if (!body) return body.error();
  // Never fits (and 12 + align4(len) below would wrap around 32 bits).
  if (uint64_t{len} + 15 > capacity_) return FdtWriteError::no_space;
  const uint32_t strings_before = header(kSizeStrings);
  auto nameoff = string_offset(name);
  if (!nameoff) return nameoff.error();
  const uint32_t size = 12 + align4(len);
  auto st = insert(*body, size);
  if (!st) {
    // Refused: take back the name string_offset() may have appended.
    memset(blob_ + header(kOffStrings) + strings_before, 0, header(kSizeStrings) - strings_before);
    set_header(kSizeStrings, strings_before);
    return st.error();
  }
  uint8_t* p = blob_ + header(kOffStruct) + *body;
  put_be32(p, kProp);
  put_be32(p + 4, len);
  put_be32(p + 8, *nameoff);
  memcpy(p + 12, value, len);
  return {};
}

Status<FdtWriteError> FdtWriter::add_prop_string(Fdt::Node node, const char* name, const char* value) {
  return add_prop(node, name, value, static_cast<uint32_t>(__builtin_strlen(value)) + 1);
}

Status<FdtWriteError> FdtWriter::set_prop_string(Fdt::Node node, const char* name, const char* value) {
  auto st = add_prop_string(node, name, value);
  if (!st) return st;
  // The new property is the node's first; older ones of that name follow.
  auto body = body_of(node);
  if (!body) return body.error();
  uint8_t* s = blob_ + header(kOffStruct);
  const uint8_t* strings = blob_ + header(kOffStrings);
  const uint32_t size_struct = header(kSizeStruct), size_strings = header(kSizeStrings);
  const uint32_t n = name_len(name);
  auto be32 = [&](uint32_t at) {
    return uint32_t{s[at]} << 24 | uint32_t{s[at + 1]} << 16 | uint32_t{s[at + 2]} << 8 | s[at + 3];
  };
  uint32_t at = *body;
  bool first = true;
  while (at + 4 <= size_struct) {
    const uint32_t tok = be32(at);
    if (tok == kNop) {
      at += 4;
      continue;
    }
    if (tok != kProp || at + 12 > size_struct) break;
    const uint32_t len = be32(at + 4), nameoff = be32(at + 8);
    const uint32_t size = 12 + align4(len);
    if (!first && nameoff + n < size_strings && memcmp(strings + nameoff, name, n + 1) == 0) {
      for (uint32_t i = 0; i < size; i += 4) put_be32(s + at + i, kNop);
    }
    first = false;
    at += size;
  }
  return {};
}

}  // namespace lib
