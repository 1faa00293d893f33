// The SPMC manifest (`compatible = "arm,ffa-core-manifest-1.0"`, TF-A's
// binding): where the SPMC loads and starts, its ID and FF-A version. The
// monitor reads it to boot the SPMC; the SPMC reads it for its own setup.
//
// Tessera adds, in the same DTB:
//   trusted-os { endpoint-id; uuid; }        the S-EL1 SPMC's own endpoint
//   memory@... { device_type = "ns-memory"; reg = <addr size>; }  (2+2 cells)
//                                            normal-world memory ranges
//   partitions { NAME { uuid = <4 cells>; package-address = <2 cells>; }; }
//                                            SP packages the monitor stages
#pragma once

#include <cstdint>

#include "ffa/ids.h"
#include "ffa/uuid.h"
#include "ffa/version.h"
#include "lib/fdt.h"

namespace ffa {

struct MemRange {
  uint64_t base;
  uint64_t size;
};

// A secure partition's package in the FIP (stored under the partition's
// UUID) and where the monitor stages it for the SPMC.
struct PackageRef {
  Uuid uuid;
  uint64_t address;
};

struct CoreManifest {
  static constexpr unsigned kMaxNsRanges = 4;
  static constexpr unsigned kMaxPackages = 16;  // the core's partition table (spmc::kMaxPartitions)

  EndpointId spmc_id;
  Version version;
  uint32_t exec_state;  // 0 AArch64
  uint64_t load_address;
  uint64_t entrypoint;
  uint64_t binary_size;  // 0 when absent
  // The trusted OS endpoint (placement A); absent => no such endpoint.
  bool has_trusted_os = false;
  EndpointId trusted_os_id;
  Uuid trusted_os_uuid{};
  MemRange ns_memory[kMaxNsRanges]{};
  unsigned ns_memory_count = 0;
  // partitions { NAME { uuid; package-address; }; ... }
  PackageRef packages[kMaxPackages]{};
  unsigned package_count = 0;
};

// Why a manifest was refused: which property and what was wrong with it.
struct ManifestError {
  const char* property;
  const char* reason;
};

lib::Result<CoreManifest, ManifestError> parse_core_manifest(lib::ByteView dtb);

}  // namespace ffa
