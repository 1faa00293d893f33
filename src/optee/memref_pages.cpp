#include "optee/ta_service.h"

namespace optee {

bool memref_pages(const ffa::MemConstituent* ranges, unsigned count, uint64_t offset, uint64_t size,
                  MemrefPages& out) {
  constexpr uint64_t kPage = 4096;
  out.count = 0;
  out.in_page = static_cast<uint32_t>(offset % kPage);
  if (size > ~uint64_t{0} - offset) return false;
  const uint64_t end = offset + size;  // bytes into the transaction
  uint64_t at = 0;                     // where range r starts, in bytes
  for (unsigned r = 0; r < count && at < end; ++r) {
    const uint64_t len = uint64_t{ranges[r].pages} * kPage;
    const uint64_t first = offset > at ? (offset - at) / kPage : 0;  // pages of r before the reference
    // (An empty range holds none of the reference; the core never keeps
    // one, but nothing here relies on that.)
    if (size != 0 && len != 0 && offset < at + len) {
      const uint64_t last = (end - at + kPage - 1) / kPage;  // pages of r up to the reference's end
      const uint64_t pages = (last < ranges[r].pages ? last : ranges[r].pages) - first;
      if (out.count == MemrefPages::kMaxRanges) return false;
      out.ranges[out.count++] = ffa::MemConstituent{ranges[r].address + first * kPage, static_cast<uint32_t>(pages)};
    }
    at += len;
  }
  return end <= at;
}

}  // namespace optee
