// Fuzz target: ffa::parse_mem_transaction in all three layouts. Whatever
// it accepts lies inside the buffer and adds up; it never reads outside.
#include <cstddef>
#include <cstdint>

#include "ffa/mem_transaction.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const ffa::Version versions[] = {ffa::kVersion1_0, ffa::kVersion1_1, ffa::kVersion1_2};
  const ffa::Version v = versions[data[0] % 3];
  const lib::ByteView buf(data + 1, size - 1);
  auto r = ffa::parse_mem_transaction(buf, v);
  if (!r) {
    FUZZ_CHECK(r.error() == ffa::Error::invalid_parameters);
    return 0;
  }
  const ffa::MemTransaction& t = r.value();
  FUZZ_CHECK(t.receiver_count >= 1 && t.receiver_count <= ffa::MemTransaction::kMaxReceivers);
  FUZZ_CHECK(t.constituent_count >= 1 && t.total_pages >= 1);
  FUZZ_CHECK(buf.contains(t.constituents_offset, uint64_t{t.constituent_count} * 16));
  uint64_t sum = 0;
  for (uint32_t i = 0; i < t.constituent_count; ++i) {
    const ffa::MemConstituent c = ffa::mem_constituent(buf, t, i);
    FUZZ_CHECK((c.address & 0xFFF) == 0 && c.pages != 0);
    sum += c.pages;
  }
  FUZZ_CHECK(sum == t.total_pages);
  return 0;
}
