// FF-A v1.2 chapter 13 "Setup and discovery interfaces": FFA_VERSION,
// FFA_FEATURES, FFA_PARTITION_INFO_GET.
#include "ffa/abi.h"
#include "ffa/calls.h"
#include "ffa/notifications.h"
#include "ffa/partition_info.h"
#include "spmc/core.h"

namespace spmc {

using ffa::Error;
using ffa::Func;
using ffa::Version;

void Core::version(NwdEndpoint& caller, uint32_t w1, ffa::Regs& out) {
  // FFA_VERSION answers in w0 alone: the callee's own version, or
  // NOT_SUPPORTED (-1 as a 32-bit value).
  constexpr uint32_t kNotSupported = static_cast<uint32_t>(Error::not_supported);
  // Not an FF-A version word, or a major version we do not speak.
  if (!Version::valid_word(w1)) return ffa::set_regs(out, kNotSupported);
  Version agreed = ffa::negotiate(Version::from_word(w1), config_.version);
  if (agreed.major == 0) return ffa::set_regs(out, kNotSupported);
  // Once the caller used other ABIs at one version it cannot switch to
  // another (the descriptors it already exchanged were in that layout).
  // (Once negotiated the version is never written again: FFA_FEATURES
  // reads it without the core's lock, Core::answer_without_lock.)
  if (caller.version_negotiated) {
    if (agreed != caller.version) return ffa::set_regs(out, kNotSupported);
  } else {
    caller.version = agreed;
  }
  ffa::set_regs(out, config_.version.word());
}

bool Core::is_supported_for_nwd(uint32_t fid, Version caller_version) const {
  const ffa::abi::Abi* a = ffa::abi::find(fid);
  return a && ffa::abi::allowed(*a, ffa::abi::kNwd, caller_version);
}

bool Core::features_without_lock(const ffa::Regs& in, ffa::Regs& out) {
  if (!nwd_version_fixed()) return false;
  features(nwd_, in, out);
  return true;
}

void Core::features(const NwdEndpoint& caller, const ffa::Regs& in, ffa::Regs& out) const {
  const auto [id, input] = ffa::calls::features(in);
  if (ffa::abi::features_reserved_set(in)) return ffa::set_error(out, Error::not_supported);
  // Bit 31 clear: a feature ID (NPI 1, SRI 2, managed exit 3). The normal
  // world may ask for the schedule receiver interrupt's ID, from v1.1 on,
  // where the placement can raise it.
  if ((id & 0x80000000u) == 0) {
    auto sri = placement_.schedule_receiver_interrupt_id();
    // Feature IDs take no input properties (MBZ).
    if (id != ffa::notification::kFeatureSri || input != 0 || caller.version < ffa::kVersion1_1 || !sri)
      return ffa::set_error(out, Error::not_supported);
    return ffa::set_success(out, *sri);
  }
  if (!is_supported_for_nwd(id, caller.version)) return ffa::set_error(out, Error::not_supported);
  // w2 (input properties) is only defined for FFA_MEM_RETRIEVE_REQ, which
  // the normal world does not make here: for every other function it is
  // MBZ, and FFA_FEATURES has one error for what it cannot answer,
  // NOT_SUPPORTED (as Hafnium answers too).
  if (input != 0) return ffa::set_error(out, Error::not_supported);
  // FFA_MEM_SHARE/LEND/DONATE: bit 0, dynamically allocated buffer
  // support: a descriptor may come in a buffer given by address (x3/w4),
  // at every version (FF-A v1.0 8.x; v1.2 memory management, Table 3.1;
  // bits 1 and 2 there concern FFA_MEM_RETRIEVE_REQ alone). Every other
  // call we support has w2 = 0 in its answer, but FFA_RXTX_MAP (below).
  const uint32_t nn = id & 0xFF;
  if (nn == 0x66) return ffa::set_success(out, rxtx_map_properties(caller.version));
  const bool transfer = nn == 0x71 || nn == 0x72 || nn == 0x73;
  ffa::set_success(out, transfer ? 1u : 0u);
}

// FFA_RXTX_MAP's properties: bits [1:0], the minimum buffer size and
// alignment (0: 4 KiB); from v1.2, bits [31:16], the largest buffer in
// 4 KiB pages (kMaxRxTxPages), which earlier versions reserve (MBZ).
uint32_t Core::rxtx_map_properties(ffa::Version version) {
  return version >= ffa::kVersion1_2 ? kMaxRxTxPages << 16 : 0u;
}

void Core::partition_info_get(ffa::Version version, Mailbox& mailbox, const ffa::Regs& in, ffa::Regs& out) {
  const auto [uuid, flags] = ffa::calls::partition_info_get(in);
  if ((flags & ~ffa::kPartitionInfoCountOnly) != 0) return ffa::set_error(out, Error::invalid_parameters);
  const bool v1_1 = version >= ffa::kVersion1_1;
  // The count-only flag was introduced in v1.1; a v1.0 caller's w5 is MBZ.
  if (!v1_1 && flags != 0) return ffa::set_error(out, Error::invalid_parameters);

  size_t count = 0;
  for (size_t i = 0; i < partition_count_; ++i)
    if (uuid.is_nil() || partitions_[i].info.uuid == uuid) ++count;
  if (count == 0) return ffa::set_error(out, Error::invalid_parameters);

  const uint32_t desc_size = static_cast<uint32_t>(ffa::partition_info_size(version));
  // Count only: no descriptors, so no size either (w3 is MBZ).
  if (flags & ffa::kPartitionInfoCountOnly) return ffa::set_success(out, count);

  // The descriptors go to the caller's RX buffer, which must be mapped and
  // owned by us (the producer) right now.
  if (!mailbox.rx_free()) return ffa::set_error(out, Error::busy);
  lib::MutableByteView rx = mailbox.rx();
  if (count * desc_size > rx.size()) return ffa::set_error(out, Error::no_memory);
  size_t index = 0;
  for (size_t i = 0; i < partition_count_; ++i) {
    if (!uuid.is_nil() && !(partitions_[i].info.uuid == uuid)) continue;
    ffa::PartitionInfo info = partitions_[i].info;
    // A v1.1+ caller that asked by UUID gets a nil UUID in the descriptor
    // (FF-A v1.2 Table 6.1: the UUID is only reported for the nil-UUID query).
    if (!uuid.is_nil()) info.uuid = ffa::kNilUuid;
    if (!ffa::write_partition_info(rx, index++, info, version)) return ffa::set_error(out, Error::no_memory);
  }
  mailbox.mark_rx_full();
  ffa::set_success(out, count, v1_1 ? desc_size : 0);
}

}  // namespace spmc

namespace spmc {

// FFA_PARTITION_INFO_GET_REGS (v1.2): the descriptors in registers, five
// per call, three registers each, from the start index the caller gives.
void Core::partition_info_get_regs(const ffa::Regs& in, ffa::Regs& out) const {
  const auto [uuid, start, tag, mbz] = ffa::calls::partition_info_get_regs(in);
  // No tag is ever handed out (the list cannot change while the normal
  // world runs), so a caller's nonzero tag names nothing of ours.
  if (tag != 0 || mbz != 0) return ffa::set_error(out, Error::invalid_parameters);
  const Partition* matches[kMaxPartitions];
  size_t count = 0;
  for (size_t i = 0; i < partition_count_; ++i)
    if (uuid.is_nil() || partitions_[i].info.uuid == uuid) matches[count++] = &partitions_[i];
  if (count == 0 || start >= count) return ffa::set_error(out, Error::invalid_parameters);
  constexpr size_t kPerCall = 5;
  const size_t end = start + kPerCall < count ? start + kPerCall : count;
  ffa::set_regs(out, ffa::raw(Func::success_64));
  out.x[2] = (count - 1) | (uint64_t{end - 1} << 16) | (uint64_t{tag} << 32) | (uint64_t{24} << 48);
  for (size_t i = start; i < end; ++i) {
    const ffa::PartitionInfo& p = matches[i]->info;
    const ffa::Uuid u = uuid.is_nil() ? p.uuid : ffa::kNilUuid;
    uint64_t* r = &out.x[3 + 3 * (i - start)];
    r[0] = p.id.raw() | (uint64_t{p.exec_ctx_count} << 16) | (uint64_t{p.properties} << 32);
    r[1] = u.w[0] | (uint64_t{u.w[1]} << 32);
    r[2] = u.w[2] | (uint64_t{u.w[3]} << 32);
  }
}

}  // namespace spmc
