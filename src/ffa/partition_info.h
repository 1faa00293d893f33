// FFA_PARTITION_INFO_GET descriptors (FF-A v1.2, Table 6.1 "Partition
// information descriptor"). v1.0 callers get 8 bytes per partition without
// the UUID and only properties bits [2:0]; v1.1+ callers get 24 bytes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ffa/ids.h"
#include "ffa/uuid.h"
#include "ffa/version.h"
#include "lib/bytes.h"

namespace ffa {

namespace partition_props {
inline constexpr uint32_t direct_req_recv = 1u << 0;
inline constexpr uint32_t direct_req_send = 1u << 1;
inline constexpr uint32_t indirect_msg = 1u << 2;
inline constexpr uint32_t notification_recv = 1u << 3;
inline constexpr uint32_t id_type_shift = 4;  // [5:4]: 0 PE endpoint
inline constexpr uint32_t vm_created_msg = 1u << 6;
inline constexpr uint32_t vm_destroyed_msg = 1u << 7;
inline constexpr uint32_t aarch64 = 1u << 8;
inline constexpr uint32_t direct_req2_recv = 1u << 9;
inline constexpr uint32_t direct_req2_send = 1u << 10;
inline constexpr uint32_t v1_0_mask = 0x7;
}  // namespace partition_props

struct PartitionInfo {
  EndpointId id;
  uint16_t exec_ctx_count;
  uint32_t properties;
  Uuid uuid;
};

// FFA_PARTITION_INFO_GET w5 bit 0: return the count only.
inline constexpr uint32_t kPartitionInfoCountOnly = 1u << 0;

constexpr size_t partition_info_size(Version v) { return v >= kVersion1_1 ? 24 : 8; }

// Writes one descriptor at `index` in the layout for `v`; false when the
// buffer is too small.
[[nodiscard]] inline bool write_partition_info(lib::MutableByteView out, size_t index, const PartitionInfo& p,
                                               Version v) {
  size_t sz = partition_info_size(v);
  size_t off = index * sz;
  uint32_t props = v >= kVersion1_1 ? p.properties : (p.properties & partition_props::v1_0_mask);
  bool ok = out.put_le16(off, p.id.raw()) && out.put_le16(off + 2, p.exec_ctx_count) &&
            out.put_le32(off + 4, props);
  if (ok && sz == 24) {
    for (unsigned i = 0; i < 4; ++i) ok = ok && out.put_le32(off + 8 + 4 * i, p.uuid.w[i]);
  }
  return ok;
}

}  // namespace ffa
