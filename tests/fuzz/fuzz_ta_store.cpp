// Fuzz target: the TA store (optee/ta_store.h) on arbitrary bytes. A store
// that parses holds at most 16 TAs with distinct UUIDs, each image inside
// the store, with its header's offsets ordered, page-aligned where the
// trusted OS maps them, and within one 256 KiB slot.
#include <cstddef>
#include <cstdint>

#include "fuzz_check.h"
#include "optee/ta_store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto s = optee::parse_ta_store(lib::ByteView(data, size));
  if (!s) return 0;
  FUZZ_CHECK(s->count <= optee::kMaxTas);
  for (unsigned i = 0; i < s->count; ++i) {
    const optee::TaImage& t = s->tas[i];
    FUZZ_CHECK(t.image.data() >= data && t.image.size() <= size &&
               static_cast<size_t>(t.image.data() - data) <= size - t.image.size());
    FUZZ_CHECK(t.image.size() == t.file_end);
    FUZZ_CHECK(TA_HEADER_SIZE <= t.entry && t.entry < t.text_end && t.text_end <= t.ro_end &&
               t.ro_end <= t.file_end && t.file_end < t.stack_top && t.stack_top <= t.mem_end &&
               t.mem_end <= TA_IMAGE_MAX);
    FUZZ_CHECK(t.text_end % 4096 == 0 && t.ro_end % 4096 == 0 && t.mem_end % 4096 == 0);
    for (unsigned k = 0; k < i; ++k) FUZZ_CHECK(!(s->tas[k].uuid == t.uuid));
    FUZZ_CHECK(s->find(t.uuid) == &t);
  }
  return 0;
}
