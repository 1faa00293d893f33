// FF-A v1.2 chapter 13 "Setup and discovery interfaces": FFA_VERSION,
// FFA_FEATURES, FFA_PARTITION_INFO_GET.
#include "ffa/partition_info.h"
#include "spmc/core.h"

namespace spmc {

using ffa::Error;
using ffa::Func;
using ffa::Version;

ffa::Regs Core::version(NwdEndpoint& caller, const ffa::Regs& in) {
  const uint32_t w1 = in.w(1);
  // Not an FF-A version word, or a major version we do not speak.
  if (!Version::valid_word(w1)) return ffa::Regs{{static_cast<uint32_t>(Error::not_supported)}};
  Version requested = Version::from_word(w1);
  Version agreed = ffa::negotiate(requested, config_.version);
  if (agreed.major == 0) return ffa::Regs{{static_cast<uint32_t>(Error::not_supported)}};
  // Once the caller used other ABIs at one version it cannot switch to
  // another (the descriptors it already exchanged were in that layout).
  if (caller.version_negotiated && agreed != caller.version)
    return ffa::Regs{{static_cast<uint32_t>(Error::not_supported)}};
  caller.version = agreed;
  // FFA_VERSION answers in w0 alone: the callee's own version.
  return ffa::Regs{{config_.version.word()}};
}

bool Core::is_supported_for_nwd(uint32_t fid, Version caller_version) const {
  switch (static_cast<Func>(fid)) {
    case Func::error:
    case Func::success_32:
    case Func::success_64:
    case Func::version:
    case Func::features:
    case Func::rx_release:
    case Func::rxtx_map_32:
    case Func::rxtx_map_64:
    case Func::rxtx_unmap:
    case Func::partition_info_get:
    case Func::id_get:
    case Func::msg_send_direct_req_32:
    case Func::msg_send_direct_req_64:
    case Func::spm_id_get:
      return caller_version >= ffa::min_version(static_cast<Func>(fid));
    default:
      return false;
  }
}

ffa::Regs Core::features(const NwdEndpoint& caller, const ffa::Regs& in) const {
  const uint32_t id = in.w(1);
  // Bit 31 clear: a feature ID (NPI 1, SRI 2, managed exit 3). None of them
  // is offered to the normal world yet: interrupts are a later chapter.
  if ((id & 0x80000000u) == 0) return ffa::error(Error::not_supported);
  if (!is_supported_for_nwd(id, caller.version)) return ffa::error(Error::not_supported);
  // w2 (input properties) is only defined for FFA_MEM_RETRIEVE_REQ.
  if (in.w(2) != 0) return ffa::error(Error::invalid_parameters);
  switch (static_cast<Func>(id)) {
    case Func::rxtx_map_32:
    case Func::rxtx_map_64:
      // w2[1:0] = 0: the minimum buffer size and alignment is 4 KiB.
      return ffa::success(0);
    default:
      return ffa::success(0);
  }
}

ffa::Regs Core::partition_info_get(NwdEndpoint& caller, const ffa::Regs& in) {
  const ffa::Uuid uuid{{in.w(1), in.w(2), in.w(3), in.w(4)}};
  const uint32_t flags = in.w(5);
  if ((flags & ~ffa::kPartitionInfoCountOnly) != 0) return ffa::error(Error::invalid_parameters);
  const bool v1_1 = caller.version >= ffa::kVersion1_1;
  // The count-only flag was introduced in v1.1; a v1.0 caller's w5 is MBZ.
  if (!v1_1 && flags != 0) return ffa::error(Error::invalid_parameters);

  size_t count = 0;
  for (size_t i = 0; i < partition_count_; ++i)
    if (uuid.is_nil() || partitions_[i].info.uuid == uuid) ++count;
  if (count == 0) return ffa::error(Error::invalid_parameters);

  const uint32_t desc_size = static_cast<uint32_t>(ffa::partition_info_size(caller.version));
  if (flags & ffa::kPartitionInfoCountOnly) return ffa::success(count, v1_1 ? desc_size : 0);

  // The descriptors go to the caller's RX buffer, which must be mapped and
  // owned by us (the producer) right now.
  if (!caller.mailbox.rx_free()) return ffa::error(Error::busy);
  lib::MutableByteView rx = caller.mailbox.rx();
  if (count * desc_size > rx.size()) return ffa::error(Error::no_memory);
  size_t index = 0;
  for (size_t i = 0; i < partition_count_; ++i) {
    if (!uuid.is_nil() && !(partitions_[i].info.uuid == uuid)) continue;
    ffa::PartitionInfo info = partitions_[i].info;
    // A v1.1+ caller that asked by UUID gets a nil UUID in the descriptor
    // (FF-A v1.2 Table 6.1: the UUID is only reported for the nil-UUID query).
    if (!uuid.is_nil()) info.uuid = ffa::kNilUuid;
    if (!ffa::write_partition_info(rx, index++, info, caller.version)) return ffa::error(Error::no_memory);
  }
  caller.mailbox.mark_rx_full();
  return ffa::success(count, v1_1 ? desc_size : 0);
}

}  // namespace spmc
