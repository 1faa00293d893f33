// Fuzz target: lib::fip on arbitrary bytes. An image that is found lies
// wholly inside the buffer; the scan is bounded.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "fuzz_check.h"
#include "lib/fip.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const lib::ByteView fip(data, size);
  const bool header = lib::fip::valid_header(fip);
  FUZZ_CHECK(!header || size >= 16);
  // The images we use, plus the UUID of the first entry (so that the
  // fuzzer does not have to guess 16 bytes to reach the offset checks).
  lib::fip::ImageUuid first{};
  if (size >= 32) std::memcpy(first.bytes, data + 16, 16);
  const lib::fip::ImageUuid* uuids[] = {&lib::fip::kTosFw, &lib::fip::kTosFwConfig, &lib::fip::kNtFw, &first};
  for (const auto* uuid : uuids) {
    auto img = lib::fip::find(fip, *uuid);
    if (!img) continue;
    FUZZ_CHECK(header);
    FUZZ_CHECK(img->data() >= data && img->size() <= size &&
               static_cast<size_t>(img->data() - data) <= size - img->size());
  }
  return 0;
}
