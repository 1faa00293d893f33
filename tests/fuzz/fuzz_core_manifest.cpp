// Fuzz target: ffa::parse_core_manifest. Whatever it accepts satisfies
// every rule the parser promises; whatever it refuses names a property.
#include <cstddef>
#include <cstdint>

#include "ffa/core_manifest.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto r = ffa::parse_core_manifest(lib::ByteView(data, size));
  if (!r) {
    FUZZ_CHECK(r.error().property != nullptr && r.error().property[0] != '\0');
    FUZZ_CHECK(r.error().reason != nullptr && r.error().reason[0] != '\0');
    return 0;
  }
  const ffa::CoreManifest& m = r.value();
  FUZZ_CHECK(m.spmc_id.is_secure() && !(m.spmc_id == ffa::kSpmdId));
  FUZZ_CHECK(m.version.major == 1 && m.version.minor <= ffa::kImplementedVersion.minor);
  FUZZ_CHECK(m.exec_state == 0);
  FUZZ_CHECK((m.load_address & 0xFFF) == 0);
  FUZZ_CHECK((m.entrypoint & 3) == 0);
  if (m.has_trusted_os) {
    FUZZ_CHECK(m.trusted_os_id.is_secure());
    FUZZ_CHECK(!(m.trusted_os_id == m.spmc_id) && !(m.trusted_os_id == ffa::kSpmdId));
  }
  FUZZ_CHECK(m.ns_memory_count <= ffa::CoreManifest::kMaxNsRanges);
  for (unsigned i = 0; i < m.ns_memory_count; ++i) {
    const ffa::MemRange& range = m.ns_memory[i];
    FUZZ_CHECK(range.size != 0);
    FUZZ_CHECK(((range.base | range.size) & 0xFFF) == 0);
    FUZZ_CHECK(range.base + range.size > range.base);  // no wrap-around
  }
  return 0;
}
