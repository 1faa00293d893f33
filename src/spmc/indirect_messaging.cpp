// FF-A v1.2 chapter 14 "Indirect messaging": FFA_MSG_SEND2 from the normal
// world into a partition's RX buffer, from a partition into another's or
// into the normal world's. The message is announced to the
// receiver by the "RX buffer full" framework notification once
// notifications exist; until then the receiver finds it when it next runs.
#include "spmc/core.h"

#include "ffa/calls.h"
#include "lib/mem.h"

namespace spmc {

using ffa::Error;

namespace {
// Partition message header (Table 6.2): flags, reserved, payload offset,
// receiver [15:0] | sender [31:16], payload size; v1.2 adds a reserved
// word and a UUID (40 bytes in all).
constexpr size_t kHeaderV1_1 = 20;
constexpr size_t kHeaderV1_2 = 40;
}  // namespace

void Core::msg_send2(ffa::EndpointId caller, ffa::Version version, const Mailbox& tx, const ffa::Regs& in,
                     ffa::Regs& out) {
  const uint32_t call_flags = ffa::calls::msg_send2(in).flags;
  if (call_flags & ~2u) return ffa::set_error(out, Error::invalid_parameters);  // bit 1: delay SRI
  if (!tx.mapped()) return ffa::set_error(out, Error::denied);
  // Copy the header in before looking at it: the sender may rewrite its
  // TX buffer while we work (from another CPU), and we must act on one
  // consistent header.
  alignas(8) uint8_t header[kHeaderV1_2];
  const lib::ByteView buf = tx.tx();
  memcpy(header, buf.data(), kHeaderV1_2);
  const lib::ByteView h(header, sizeof(header));
  const uint32_t flags = *h.le32(0), offset = *h.le32(8), ids = *h.le32(12), size = *h.le32(16);
  const ffa::EndpointId sender(static_cast<uint16_t>(ids >> 16)), receiver(static_cast<uint16_t>(ids));
  if (flags != 0 || !(sender == caller)) return ffa::set_error(out, Error::invalid_parameters);
  const size_t min_header = version >= ffa::kVersion1_2 ? kHeaderV1_2 : kHeaderV1_1;
  if (offset < min_header || !buf.contains(offset, size)) return ffa::set_error(out, Error::invalid_parameters);
  if (receiver == caller) return ffa::set_error(out, Error::invalid_parameters);
  Mailbox* mailbox = nullptr;
  if (!receiver.is_secure()) {
    // A partition writes to the normal world's RX buffer (its ID: 0).
    if (!caller.is_secure() || !(receiver == nwd_.id)) return ffa::set_error(out, Error::invalid_parameters);
    mailbox = &nwd_.mailbox;
  } else {
    const Partition* target = find_partition(receiver);
    if (!target) return ffa::set_error(out, Error::invalid_parameters);
    // One that takes none (its properties say so) is DENIED, wherever it
    // runs: the trusted OS answers alike in the SPMC's image and as a
    // partition of its own.
    if (!(target->info.properties & ffa::partition_props::indirect_msg)) return ffa::set_error(out, Error::denied);
    Partition& t = partitions_[index_of(target)];
    if (t.aborted()) return ffa::set_error(out, Error::aborted);
    mailbox = &t.mailbox;
  }
  if (!mailbox->rx_free()) return ffa::set_error(out, Error::busy);
  lib::MutableByteView rx = mailbox->rx();
  if (uint64_t{offset} + size > rx.size()) return ffa::set_error(out, Error::invalid_parameters);
  // Our validated header, then the payload as the sender wrote it.
  // (Whole words where they line up: the buffers are page-aligned.)
  memcpy(rx.data(), header, min_header);
  memset(rx.data() + min_header, 0, offset - min_header);
  memcpy(rx.data() + offset, buf.data() + offset, size);
  mailbox->mark_rx_full();
  // The receiver learns of it from the framework notification "RX buffer
  // full", if it takes notifications, and the normal world's scheduler
  // from the SRI (w2 bit 1 from a partition: delayed).
  notify_rx_buffer_full(receiver, caller.is_secure() && (call_flags & 2u) != 0);
  ffa::set_success(out);
}

}  // namespace spmc
