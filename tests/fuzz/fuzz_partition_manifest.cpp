// Fuzz target: ffa::parse_partition_manifest. Whatever it accepts keeps
// every promise the SPMC relies on when it maps the partition; whatever it
// refuses names a property and a reason. What it accepts then goes through
// the S-EL2 placement's plan (spmc/partition_plan.h, with a reserved page
// and staged spans, and a partition loaded already): whatever the plan
// accepts lies where the placement allows and touches nothing taken.
#include <cstddef>
#include <cstdint>

#include "ffa/partition_manifest.h"
#include "fuzz_check.h"
#include "spmc/partition_plan.h"

namespace {

using spmc::loading::Span;

bool touches(Span a, uint64_t start, uint64_t end) { return start < a.end && a.start < end; }

// The S-EL2 SPMC's rules (sel2/partition_loader.cpp), with one partition
// loaded and one staged span claimed already.
void check_plan(const ffa::PartitionManifest& m, uint64_t image_size, size_t manifest_size) {
  spmc::loading::PlacementLimits limits{287, ffa::ExceptionLevel::s_el1, Span{0x0E300000, 0x0E800000}, 40,
                                        Span{0x09000000, 0x0A000000}, {0x09040000, 0x090B0000}};
  limits.reserved = Span{0x0E4FF000, 0x0E500000};
  // Set aside for OP-TEE's UUID (the seeds' trusted OS manifest has it).
  limits.staged[0] = {Span{0x0E800000, 0x0EC00000}, ffa::kOpteeUuid};
  limits.staged[1] = {Span{0x0EE00000, 0x0F000000}, ffa::kOpteeUuid};
  const Span taken[] = {Span{0x0E600000, 0x0E640000}, Span{0x0EF00000, 0x0EF10000}};
  auto memory = spmc::loading::validate_manifest(m, image_size, limits, taken);
  if (!memory) return;
  const Span s = *memory;
  FUZZ_CHECK(s.start <= s.end && s.start >= limits.region.start && s.end <= limits.region.end);
  FUZZ_CHECK(!touches(limits.reserved, s.start, s.end));
  for (const Span& t : taken) FUZZ_CHECK(!touches(t, s.start, s.end));
  FUZZ_CHECK(m.load_address >= s.start && m.load_address + image_size <= s.end);
  for (unsigned i = 0; i < m.memory_region_count; ++i) {
    const ffa::MemoryRegion& r = m.memory_regions[i];
    const uint64_t b = spmc::loading::region_base(m, r), e = b + uint64_t{r.pages} * 4096;
    if (spmc::loading::is_staged(m, r, limits)) {
      // Outside the span, wholly in a staged span, never in a taken one.
      FUZZ_CHECK(!r.relative && m.uuids[0] == ffa::kOpteeUuid);
      FUZZ_CHECK((b >= limits.staged[0].span.start && e <= limits.staged[0].span.end) ||
                 (b >= limits.staged[1].span.start && e <= limits.staged[1].span.end));
      for (const Span& t : taken) FUZZ_CHECK(!touches(t, b, e));
    } else {
      FUZZ_CHECK(b >= s.start && e <= s.end);
    }
  }
  auto plan = spmc::loading::lay_out(m, image_size, manifest_size, s, limits, taken);
  if (!plan) return;
  FUZZ_CHECK(plan->memory.start == s.start && plan->memory.end >= s.end && plan->memory.end <= limits.region.end);
  for (const Span& t : taken) FUZZ_CHECK(!touches(t, plan->memory.start, plan->memory.end));
  FUZZ_CHECK(!touches(limits.reserved, plan->memory.start, plan->memory.end));
}

}  // namespace

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
  // The image's size from the input's length: the plan sees every size.
  check_plan(m, (size & 0xFF) * 0x1000 + (size & 0xFFF), size);
  return 0;
}
