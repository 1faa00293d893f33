// Fuzz target: ffa::parse_partition_manifest. Whatever it accepts keeps
// every promise the SPMC relies on when it maps the partition; whatever it
// refuses names a property and a reason.
#include <cstddef>
#include <cstdint>

#include "ffa/partition_manifest.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto r = ffa::parse_partition_manifest(lib::ByteView(data, size));
  if (!r) {
    FUZZ_CHECK(r.error().property != nullptr && r.error().property[0] != '\0');
    FUZZ_CHECK(r.error().reason != nullptr && r.error().reason[0] != '\0');
    return 0;
  }
  const ffa::PartitionManifest& m = r.value();
  FUZZ_CHECK(m.ffa_version.major == 1 && m.ffa_version.minor <= ffa::kImplementedVersion.minor);
  FUZZ_CHECK(m.uuid_count >= 1 && m.uuid_count <= ffa::PartitionManifest::kMaxUuids);
  for (unsigned i = 0; i < m.uuid_count; ++i) FUZZ_CHECK(!m.uuids[i].is_nil());
  if (m.has_id) FUZZ_CHECK(m.id.is_secure() && m.id.raw() != 0x8000 && m.id.raw() != 0xFFFF);
  FUZZ_CHECK(m.exec_ctx_count >= 1 && m.exec_ctx_count <= 64);
  FUZZ_CHECK(m.exception_level == ffa::ExceptionLevel::s_el0 || m.exception_level == ffa::ExceptionLevel::s_el1);
  if (m.exception_level == ffa::ExceptionLevel::s_el0) FUZZ_CHECK(m.exec_ctx_count == 1);
  FUZZ_CHECK((m.load_address & 0xFFF) == 0 && (m.entrypoint_offset & 3) == 0);
  FUZZ_CHECK((m.messaging_method & ~ffa::messaging::all) == 0);
  FUZZ_CHECK(m.description[sizeof(m.description) - 1] == '\0' || m.description[0] == '\0' ||
             __builtin_strlen(m.description) < sizeof(m.description));
  FUZZ_CHECK(m.memory_region_count <= ffa::PartitionManifest::kMaxMemoryRegions);
  for (unsigned i = 0; i < m.memory_region_count; ++i) {
    const ffa::MemoryRegion& reg = m.memory_regions[i];
    FUZZ_CHECK(reg.pages != 0 && (reg.address & 0xFFF) == 0);
    FUZZ_CHECK(reg.address + uint64_t{reg.pages} * 4096 > reg.address);
    FUZZ_CHECK((reg.attributes & ffa::region_attr::read) && (reg.attributes & ~ffa::region_attr::all) == 0);
    FUZZ_CHECK(!((reg.attributes & ffa::region_attr::write) && (reg.attributes & ffa::region_attr::exec)));
  }
  FUZZ_CHECK(m.device_region_count <= ffa::PartitionManifest::kMaxDeviceRegions);
  for (unsigned i = 0; i < m.device_region_count; ++i) {
    const ffa::DeviceRegion& d = m.device_regions[i];
    FUZZ_CHECK(d.pages != 0 && (d.base & 0xFFF) == 0 && !(d.attributes & ffa::region_attr::exec));
    FUZZ_CHECK(d.interrupt_count <= 8);
  }
  if (m.rx_region >= 0 || m.tx_region >= 0) {
    FUZZ_CHECK(m.rx_region >= 0 && m.tx_region >= 0 && m.rx_region != m.tx_region);
    FUZZ_CHECK(static_cast<unsigned>(m.rx_region) < m.memory_region_count);
    FUZZ_CHECK(static_cast<unsigned>(m.tx_region) < m.memory_region_count);
  }
  return 0;
}
