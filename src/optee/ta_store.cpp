#include "optee/ta_store.h"

namespace optee {

lib::Result<TaImage, const char*> parse_ta_image(lib::ByteView image) {
  uint32_t f[8];
  for (unsigned i = 0; i < 8; ++i) {
    auto v = image.le32(4 * i);
    if (!v) return "shorter than a TA header";
    f[i] = *v;
  }
  if (f[0] != TA_HEADER_MAGIC || f[1] != TA_HEADER_VERSION) return "not a TA image (magic or version)";
  TaImage t{};
  t.entry = f[2];
  t.text_end = f[3];
  t.ro_end = f[4];
  t.file_end = f[5];
  t.mem_end = f[6];
  t.stack_top = f[7];
  auto flags = image.le32(48);
  if (!flags) return "shorter than a TA header";
  t.flags = *flags;
  for (unsigned i = 0; i < 16; ++i) t.uuid.bytes[i] = image.data()[32 + i];
  // Everything a TA's memory holds lies in one slot, in this order, with
  // page-aligned permission boundaries (code, constants, data).
  if (!(TA_HEADER_SIZE <= t.entry && t.entry < t.text_end && t.text_end <= t.ro_end && t.ro_end <= t.file_end &&
        t.file_end <= t.mem_end && t.mem_end <= TA_IMAGE_MAX))
    return "header offsets out of order or beyond 256 KiB";
  if ((t.text_end | t.ro_end | t.mem_end) % 4096 != 0 || (t.entry & 3) != 0)
    return "code, constants and memory must end on page boundaries";
  if (!(t.file_end < t.stack_top && t.stack_top <= t.mem_end) || (t.stack_top & 15) != 0)
    return "the stack must lie in the zeroed memory, 16-byte aligned";
  if (t.flags & ~TA_FLAGS_KNOWN) return "unknown flags";
  if ((t.flags & TA_FLAG_MULTI_SESSION) && !(t.flags & TA_FLAG_SINGLE_INSTANCE))
    return "multi-session needs single-instance";
  auto file = image.sub(0, t.file_end);
  if (!file) return "image shorter than its header says";
  t.image = *file;
  return t;
}

lib::Result<TaStore, StoreError> parse_ta_store(lib::ByteView store) {
  const auto magic = store.le32(0), version = store.le32(4), count = store.le32(8), total = store.le32(12);
  if (!total) return StoreError{"shorter than a store header", kMaxTas};
  if (*magic != kStoreMagic || *version != kStoreVersion) return StoreError{"not a TA store (magic or version)", kMaxTas};
  if (*count > kMaxTas) return StoreError{"more than 16 TAs", kMaxTas};
  auto body = store.sub(0, *total);
  if (!body || *total < kStoreHeader + *count * kStoreEntry) return StoreError{"store size out of range", kMaxTas};
  TaStore s;
  for (unsigned i = 0; i < *count; ++i) {
    const uint32_t e = kStoreHeader + i * kStoreEntry;
    const auto off = body->le32(e + 16), size = body->le32(e + 20);
    auto image = body->sub(*off, *size);
    if (!image) return StoreError{"image outside the store", i};
    auto t = parse_ta_image(*image);
    if (!t) return StoreError{t.error(), i};
    TaUuid listed;
    for (unsigned k = 0; k < 16; ++k) listed.bytes[k] = body->data()[e + k];
    if (!(listed == t->uuid)) return StoreError{"entry and image UUIDs differ", i};
    if (s.find(t->uuid)) return StoreError{"two TAs with one UUID", i};
    s.tas[s.count++] = *t;
  }
  return s;
}

}  // namespace optee
