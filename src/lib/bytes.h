// Bounds-checked views over byte buffers. Memory that a less-trusted world
// can write is read through these after being copied in: every access is
// checked against the view's length, and failure is a value, not a fault.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace lib {

template <typename T>
constexpr T byteswap(T v) {
  if constexpr (sizeof(T) == 2) return static_cast<T>(__builtin_bswap16(v));
  if constexpr (sizeof(T) == 4) return static_cast<T>(__builtin_bswap32(v));
  if constexpr (sizeof(T) == 8) return static_cast<T>(__builtin_bswap64(v));
  return v;
}

class ByteView {
 public:
  constexpr ByteView() = default;
  constexpr ByteView(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  constexpr size_t size() const { return size_; }
  constexpr const uint8_t* data() const { return data_; }

  // True when [offset, offset + len) lies inside the view (overflow-safe).
  constexpr bool contains(size_t offset, size_t len) const {
    return offset <= size_ && len <= size_ - offset;
  }
  constexpr std::optional<ByteView> sub(size_t offset, size_t len) const {
    if (!contains(offset, len)) return std::nullopt;
    return ByteView(data_ + offset, len);
  }
  std::optional<uint8_t> u8(size_t off) const { return load<uint8_t>(off, false); }
  std::optional<uint16_t> le16(size_t off) const { return load<uint16_t>(off, false); }
  std::optional<uint32_t> le32(size_t off) const { return load<uint32_t>(off, false); }
  std::optional<uint64_t> le64(size_t off) const { return load<uint64_t>(off, false); }
  std::optional<uint32_t> be32(size_t off) const { return load<uint32_t>(off, true); }
  std::optional<uint64_t> be64(size_t off) const { return load<uint64_t>(off, true); }

 private:
  template <typename T>
  std::optional<T> load(size_t off, bool big_endian) const {
    if (!contains(off, sizeof(T))) return std::nullopt;
    // Naturally aligned: one load, byte-swapped for big-endian fields (this
    // code runs little-endian only; firmware runs with strict alignment, so
    // unaligned data takes the byte-wise path below).
    if ((reinterpret_cast<uintptr_t>(data_ + off) & (sizeof(T) - 1)) == 0) {
      T v;
      __builtin_memcpy(&v, __builtin_assume_aligned(data_ + off, sizeof(T)), sizeof(T));
      if constexpr (sizeof(T) > 1) {
        if (big_endian) v = byteswap(v);
      }
      return v;
    }
    T v = 0;
    for (size_t i = 0; i < sizeof(T); ++i) {
      size_t shift = big_endian ? (sizeof(T) - 1 - i) * 8 : i * 8;
      v = static_cast<T>(v | (static_cast<T>(data_[off + i]) << shift));
    }
    return v;
  }

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

// A writable window with the same checks; writes out of range are refused.
class MutableByteView {
 public:
  constexpr MutableByteView() = default;
  constexpr MutableByteView(uint8_t* data, size_t size) : data_(data), size_(size) {}
  constexpr size_t size() const { return size_; }
  constexpr uint8_t* data() const { return data_; }
  constexpr ByteView view() const { return ByteView(data_, size_); }

  [[nodiscard]] bool put_le16(size_t off, uint16_t v) { return store(off, v); }
  [[nodiscard]] bool put_le32(size_t off, uint32_t v) { return store(off, v); }
  [[nodiscard]] bool put_le64(size_t off, uint64_t v) { return store(off, v); }

 private:
  template <typename T>
  bool store(size_t off, T v) {
    if (off > size_ || sizeof(T) > size_ - off) return false;
    for (size_t i = 0; i < sizeof(T); ++i) data_[off + i] = static_cast<uint8_t>(v >> (i * 8));
    return true;
  }
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace lib
