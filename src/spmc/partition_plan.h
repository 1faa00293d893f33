// The portable steps of loading a partition, for every placement that
// loads them from SP packages (S-EL0 partitions under the S-EL1 SPMC,
// sel1/partition_loader.cpp; S-EL1 partitions under the S-EL2 SPMC,
// sel2/partition_loader.cpp): reading its SP package, checking its
// manifest against the placement's rules (PlacementLimits: the machine's
// facts come from the caller), and planning its memory. Nothing here
// touches the memory it plans or the hardware, so the host's unit tests
// run it with hostile inputs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "ffa/core_manifest.h"
#include "ffa/partition_manifest.h"
#include "ffa/uuid.h"
#include "lib/bytes.h"
#include "lib/result.h"

namespace spmc::loading {

inline constexpr uint64_t kPartitionPage = 4096;
inline constexpr uint32_t kPackageMagic = 0x474B5053;  // "SPKG"
inline constexpr uint32_t kPackageVersion = 2;
// Boot information (FF-A v1.2 Table 5.8/5.9): header and one descriptor,
// then the manifest copied behind them.
inline constexpr uint64_t kBootInfoHeader = 64;

// Memory [start, end).
struct Span {
  uint64_t start, end;
};

// An SP package (tools/sp_pkg.py): a header of six little-endian words
// (magic, version, manifest offset and size, image offset and size), then
// the manifest DTB and the image, both inside the package.
struct SpPackage {
  lib::ByteView manifest;
  lib::ByteView image;  // never empty
};
enum class PackageError : uint8_t {
  not_a_package,  // no SPKG magic, or not version 2
  outside,        // the manifest or image runs past the package, or the image is empty
};
lib::Result<SpPackage, PackageError> parse_sp_package(lib::ByteView package);

// Package `n` of the SPMC manifest (`ref`: its package-address and UUID),
// which the monitor staged in `staging`: the package read in place, and
// its manifest, which must be valid and name the UUID `ref` names. Each
// refusal is logged (docs/manifests.md lists the messages), and false.
bool read_package(unsigned n, const ffa::PackageRef& ref, Span staging, SpPackage& package);
bool manifest_matches(unsigned n, const ffa::PackageRef& ref,
                      const lib::Result<ffa::PartitionManifest, ffa::ManifestError>& parsed);


// The rule a manifest breaks (each refusal also logs its message, the
// ones docs/manifests.md lists, naming the partition).
enum class Refusal : uint8_t {
  exception_level,  // not the placement's (PlacementLimits::level)
  no_load_address,
  ns_region,        // a non-secure memory region
  outside_region,   // image or regions outside the partition region, or the entry outside the image
  overlap,          // touches a partition loaded already
  interrupt,        // not a secure SPI it may own, or too many
  device_region,    // not a peripheral it may own
  no_boot_info_room,
};

// At most this many interrupts per partition (the core's
// spmc::Partition::kMaxInterrupts).
inline constexpr unsigned kMaxPartitionInterrupts = 8;

// Memory [start, end) is inside `s`. (A start past the end must not make
// the subtraction wrap.)
constexpr bool inside(Span s, uint64_t start, uint64_t size) {
  return start >= s.start && start <= s.end && size <= s.end - start;
}

// What validation needs to know of the placement and the machine.
struct PlacementLimits {
  unsigned max_spi;                // the distributor's last SPI
  ffa::ExceptionLevel level;       // where this placement runs partitions
  Span region;                     // where partitions' images and memory lie
  uint32_t reserved_spi;           // an SPI no partition may own (the SPMC's console), 0: none
  Span peripherals;                // where device regions may lie
  uint64_t reserved_devices[2];    // pages no partition may map (the SPMC's console, power control)
  // Memory in `region` no partition may have (the console lock page the
  // S-EL2 SPMC shares with the monitor); empty: none.
  Span reserved = {0, 0};
  // Memory outside `region` that the platform set aside and staged for one
  // partition, named by its UUID (the trusted OS's TA memory and TA store,
  // for OP-TEE's UUID): a memory region of that partition (by
  // base-address) may lie wholly in one of these. Such a region is mapped
  // as declared but never zeroed, and is not part of the partition's
  // memory span; the loader passes claimed ones in `loaded`, so that a
  // second instance is refused. Empty spans: none.
  struct Staged {
    Span span;
    ffa::Uuid owner;
  };
  Staged staged[2] = {{{0, 0}, {}}, {{0, 0}, {}}};
};

// Whether memory region `r` of `m` lies in one of limits.staged set aside
// for `m`'s partition (its first UUID), rather than in the partition region.
bool is_staged(const ffa::PartitionManifest& m, const ffa::MemoryRegion& r, const PlacementLimits& limits);

// Where a memory region lies: relative ones from the load address.
constexpr uint64_t region_base(const ffa::PartitionManifest& m, const ffa::MemoryRegion& r) {
  return r.relative ? m.load_address + r.address : r.address;
}
constexpr uint64_t page_align_up(uint64_t v) { return (v + kPartitionPage - 1) & ~(kPartitionPage - 1); }

// The manifest's rules for this placement: its exception level, a load address, secure
// regions that with the image (`image_size` bytes) lie in the partition
// region (or, a region, wholly in a staged span), the entry inside the image, no overlap with `loaded`, secure
// SPIs it may own, peripherals it may own. Returns the partition's
// memory (image and regions), or the first rule broken.
lib::Result<Span, Refusal> validate_manifest(const ffa::PartitionManifest& m, uint64_t image_size,
                                             const PlacementLimits& limits, std::span<const Span> loaded);

// The memory plan: the image at the load address, the partition's memory
// `memory` (from validate_manifest), and the boot information pages after
// it when the manifest asks for them (gp-register-num), which must still
// lie in the partition region and overlap nothing in `loaded`.
struct Layout {
  uint64_t load;                  // the image's first byte
  uint64_t image_end;             // its end, page aligned
  Span memory;                    // everything the partition owns, boot information included
  uint64_t boot_info;             // 0: none
  uint64_t boot_info_pages;
};
lib::Result<Layout, Refusal> lay_out(const ffa::PartitionManifest& m, uint64_t image_size, size_t manifest_size,
                                     Span memory, const PlacementLimits& limits, std::span<const Span> loaded);

// Writes the boot information blob (header, one FDT descriptor naming the
// manifest copied behind it at `blob_address` + 64) into `out`; false
// when `out` is too small.
bool write_boot_info(lib::MutableByteView out, uint64_t blob_address, lib::ByteView manifest);

}  // namespace spmc::loading
