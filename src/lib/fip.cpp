#include "lib/fip.h"

namespace lib::fip {
namespace {
constexpr size_t kHeaderSize = 16;
constexpr size_t kEntrySize = 40;

bool uuid_at(ByteView fip, size_t off, const ImageUuid& uuid, bool& is_nil) {
  bool eq = true;
  is_nil = true;
  for (size_t i = 0; i < 16; ++i) {
    uint8_t b = *fip.u8(off + i);
    eq = eq && b == uuid.bytes[i];
    is_nil = is_nil && b == 0;
  }
  return eq;
}
}  // namespace

bool valid_header(ByteView fip) {
  auto name = fip.le32(0);
  return name && *name == kTocName && fip.contains(0, kHeaderSize);
}

std::optional<ByteView> find(ByteView fip, const ImageUuid& uuid) {
  if (!valid_header(fip)) return std::nullopt;
  for (unsigned i = 0; i < kMaxEntries; ++i) {
    size_t off = kHeaderSize + i * kEntrySize;
    if (!fip.contains(off, kEntrySize)) return std::nullopt;
    bool is_nil = false;
    bool match = uuid_at(fip, off, uuid, is_nil);
    if (is_nil) return std::nullopt;  // end of the ToC
    if (!match) continue;
    uint64_t image_off = *fip.le64(off + 16);
    uint64_t size = *fip.le64(off + 24);
    if (image_off > fip.size() || size > fip.size() - image_off) return std::nullopt;
    return fip.sub(static_cast<size_t>(image_off), static_cast<size_t>(size));
  }
  return std::nullopt;
}

}  // namespace lib::fip
