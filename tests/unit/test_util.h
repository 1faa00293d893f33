// Helpers shared by the unit tests: reading build-time test data, and a
// small flattened-device-tree writer for blobs that dtc would refuse to
// make (corrupt headers, unterminated names, absurd lengths, deep nesting).
#pragma once

#include <cstdint>
#include <cstring>
#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "lib/bytes.h"

namespace test {

// The error of a refused call; a call that succeeded fails the test (and
// yields a value that is no error of any enum used here).
template <typename R>
auto err(const R& r) -> decltype(r.error()) {
  if (r.ok()) {
    ADD_FAILURE() << "the call succeeded, an error was expected";
    return static_cast<decltype(r.error())>(0x7F);
  }
  return r.error();
}

using Bytes = std::vector<uint8_t>;

// The whole file, or an empty vector when it cannot be read (tests assert
// that it is not empty, so a missing data file fails loudly).
inline Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Compiled data (build tree) and source data (tests/unit/data).
inline std::string data_path(const std::string& rel) { return std::string(TESSERA_UNIT_DATA_DIR) + "/" + rel; }
inline std::string src_data_path(const std::string& rel) {
  return std::string(TESSERA_UNIT_SRC_DATA_DIR) + "/" + rel;
}

inline lib::ByteView view(const Bytes& b) { return lib::ByteView(b.data(), b.size()); }

inline void put_be32(Bytes& b, size_t off, uint32_t v) {
  for (int i = 0; i < 4; ++i) b.at(off + i) = static_cast<uint8_t>(v >> (24 - 8 * i));
}
inline uint32_t get_be32(const Bytes& b, size_t off) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = v << 8 | b.at(off + i);
  return v;
}
inline void put_le32(Bytes& b, size_t off, uint32_t v) {
  for (int i = 0; i < 4; ++i) b.at(off + i) = static_cast<uint8_t>(v >> (8 * i));
}
inline void put_le64(Bytes& b, size_t off, uint64_t v) {
  for (int i = 0; i < 8; ++i) b.at(off + i) = static_cast<uint8_t>(v >> (8 * i));
}
inline uint32_t get_le32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}
inline uint16_t get_le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }

// Writes a DTB: 40-byte header, an empty memory reservation map, the
// structure block, the strings block. Nothing is validated, on purpose.
class FdtBuilder {
 public:
  // Header field offsets, for corrupting a finished blob.
  static constexpr size_t kMagic = 0, kTotalSize = 4, kOffStruct = 8, kOffStrings = 12, kOffRsvmap = 16,
                          kVersion = 20, kLastCompVersion = 24, kSizeStrings = 32, kSizeStruct = 36;
  static constexpr size_t kHeaderSize = 40;
  static constexpr uint32_t kBeginNode = 1, kEndNode = 2, kProp = 3, kNop = 4, kEnd = 9;

  FdtBuilder& begin_node(std::string_view name) {
    token(kBeginNode);
    str_.insert(str_.end(), name.begin(), name.end());
    str_.push_back(0);
    pad();
    return *this;
  }
  // A node name with no NUL anywhere after it (the block just ends).
  FdtBuilder& begin_node_unterminated(std::string_view name) {
    token(kBeginNode);
    str_.insert(str_.end(), name.begin(), name.end());
    return *this;
  }
  FdtBuilder& end_node() { return token(kEndNode); }
  FdtBuilder& nop() { return token(kNop); }
  FdtBuilder& end() { return token(kEnd); }
  FdtBuilder& token(uint32_t t) {
    be32(str_, t);
    return *this;
  }
  // A property with an explicit length field, which may lie about the value.
  FdtBuilder& prop_raw(uint32_t len, uint32_t nameoff, const Bytes& value) {
    token(kProp);
    be32(str_, len);
    be32(str_, nameoff);
    str_.insert(str_.end(), value.begin(), value.end());
    pad();
    return *this;
  }
  FdtBuilder& prop(std::string_view name, const Bytes& value) {
    return prop_raw(static_cast<uint32_t>(value.size()), name_offset(name), value);
  }
  FdtBuilder& prop_cells(std::string_view name, std::initializer_list<uint32_t> cells) {
    Bytes v;
    for (uint32_t c : cells) be32(v, c);
    return prop(name, v);
  }
  FdtBuilder& prop_string(std::string_view name, std::string_view s) {
    Bytes v(s.begin(), s.end());
    v.push_back(0);
    return prop(name, v);
  }
  // Adds raw bytes to the strings block (e.g. a name without its NUL).
  uint32_t add_raw_string(const Bytes& b) {
    uint32_t off = static_cast<uint32_t>(strings_.size());
    strings_.insert(strings_.end(), b.begin(), b.end());
    return off;
  }
  uint32_t name_offset(std::string_view name) {
    // Reuse an existing string (as dtc does) so offsets stay stable.
    size_t i = 0;
    while (i < strings_.size()) {
      size_t len = 0;
      while (i + len < strings_.size() && strings_[i + len] != 0) ++len;
      if (i + len < strings_.size() && len == name.size() &&
          std::memcmp(strings_.data() + i, name.data(), len) == 0)
        return static_cast<uint32_t>(i);
      i += len + 1;
    }
    uint32_t off = static_cast<uint32_t>(strings_.size());
    strings_.insert(strings_.end(), name.begin(), name.end());
    strings_.push_back(0);
    return off;
  }

  Bytes finish() const {
    const size_t off_rsv = kHeaderSize, off_struct = off_rsv + 16;
    const size_t off_strings = off_struct + str_.size();
    const size_t total = off_strings + strings_.size();
    Bytes b(total, 0);
    put_be32(b, kMagic, 0xd00dfeed);
    put_be32(b, kTotalSize, static_cast<uint32_t>(total));
    put_be32(b, kOffStruct, static_cast<uint32_t>(off_struct));
    put_be32(b, kOffStrings, static_cast<uint32_t>(off_strings));
    put_be32(b, kOffRsvmap, static_cast<uint32_t>(off_rsv));
    put_be32(b, kVersion, 17);
    put_be32(b, kLastCompVersion, 16);
    put_be32(b, kSizeStrings, static_cast<uint32_t>(strings_.size()));
    put_be32(b, kSizeStruct, static_cast<uint32_t>(str_.size()));
    std::copy(str_.begin(), str_.end(), b.begin() + static_cast<std::ptrdiff_t>(off_struct));
    std::copy(strings_.begin(), strings_.end(), b.begin() + static_cast<std::ptrdiff_t>(off_strings));
    return b;
  }
  size_t struct_size() const { return str_.size(); }

 private:
  static void be32(Bytes& b, uint32_t v) {
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(v >> (24 - 8 * i)));
  }
  void pad() {
    while (str_.size() % 4) str_.push_back(0);
  }
  Bytes str_;
  Bytes strings_;
};

}  // namespace test
