// The partition's RX buffer (Tessera runtime): who owns it right now, and
// checked readers for what the SPMC puts there. The SPMC writes the buffer
// only while it owns it; it hands the buffer over with what it wrote (an
// indirect message, partition information, a memory retrieve response),
// and the partition gives it back with FFA_RX_RELEASE. Before that hand-over
// the buffer holds whatever was there last, so a reader that does not know
// what the buffer holds reads someone else's words as a message header.
//
// Every read goes through a bounds-checked view, the message header is
// copied in before it is checked, and a reader answers an ffa::Error, never
// a fault. This header makes no FF-A call (it builds on the host too, for
// the unit tests); the calls that hand the buffer over and back are in
// sp/mailbox.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "ffa/error.h"
#include "ffa/ids.h"
#include "lib/bytes.h"

namespace sp {

// The partition message header of FFA_MSG_SEND2 (FF-A v1.1 Table 6.2; v1.2
// Table 6.3; Hafnium's struct ffa_partition_rxtx_header): u32 flags, u32
// reserved, u32 payload offset from the start of the buffer, u32 sender
// [31:16] | receiver [15:0], u32 payload size. v1.2 adds a reserved u32 and
// the 16-byte UUID of the message's protocol. The sender's version decides
// the header it writes, so a v1.2 partition may receive a 20-byte header
// from a v1.1 sender: the payload starts at 20 or later.
inline constexpr uint32_t kMessageHeaderV1_1 = 20;
inline constexpr uint32_t kMessageHeaderV1_2 = 40;

// An indirect message, checked: the payload lies inside the buffer, after
// the header, and the message is addressed to the partition.
struct Message {
  ffa::EndpointId sender;
  ffa::EndpointId receiver;
  uint32_t offset;        // of the payload, from the start of the buffer
  uint32_t size;          // of the payload
  lib::ByteView payload;  // exactly [offset, offset + size) of the buffer
};

// FFA_PARTITION_INFO_GET's descriptors, checked: count * size bytes from
// the start of the buffer, all inside it.
struct PartitionInfoList {
  uint32_t count;
  uint32_t descriptor_size;  // 8 (FF-A v1.0 layout) or 24 (v1.1 and later)
  lib::ByteView descriptors;
  // The endpoint ID in descriptor `i` (its first 16 bits); nothing past the
  // count.
  std::optional<ffa::EndpointId> id(uint32_t i) const {
    if (i >= count) return std::nullopt;
    const auto v = descriptors.le16(size_t{i} * descriptor_size);
    if (!v) return std::nullopt;
    return ffa::EndpointId(*v);
  }
};

class RxBuffer {
 public:
  // What the buffer holds while the partition owns it.
  enum class Holds : uint8_t {
    nothing,         // not the partition's: the SPMC may write it at any time
    message,         // an indirect message (FFA_MSG_SEND2)
    partition_info,  // FFA_PARTITION_INFO_GET's descriptors
    mem_retrieve,    // a fragment of FFA_MEM_RETRIEVE_RESP / FFA_MEM_FRAG_TX
  };

  // `address` and `size`: the RX buffer the manifest declares.
  constexpr RxBuffer(uintptr_t address, size_t size) : address_(address), size_(size) {}
  // No buffer yet: every reader refuses (DENIED) until attach(). A global
  // `constinit sp::RxBuffer g_rx;` stays in the BSS; one with an address in
  // its initialiser is data, which the runtime's fixed layout (src/sp/sp.ld)
  // places at +0x10000, so the image file grows by 64 KiB of padding.
  constexpr RxBuffer() = default;
  // The RX buffer the manifest declares; nothing held yet.
  void attach(uintptr_t address, size_t size) {
    address_ = address;
    size_ = size;
    holds_ = Holds::nothing;
  }

  // The SPMC handed the buffer over holding `what` (sp/mailbox.h calls this
  // when a call's answer or the "RX buffer full" framework notification
  // says so). A partition that learns of a message some other way, from
  // its own protocol, may call it too: the readers still check everything.
  void took(Holds what) { holds_ = what; }
  // The buffer went back to the SPMC (FFA_RX_RELEASE).
  void given_back() { holds_ = Holds::nothing; }
  Holds holds() const { return holds_; }
  bool owned() const { return holds_ != Holds::nothing; }
  size_t size() const { return size_; }

  // The indirect message in the buffer, checked against the buffer and
  // against `self`, the partition's own endpoint ID. DENIED when the buffer
  // holds no message (not owned, or owned for something else);
  // INVALID_PARAMETERS when the header is malformed: the payload offset
  // inside the header or past the buffer, the payload past the buffer
  // (offset + size computed without overflow), a receiver other than
  // `self`, or `self` as the sender.
  ffa::Result<Message> message(ffa::EndpointId self) const {
    if (holds_ != Holds::message) return ffa::Error::denied;
    const lib::ByteView buf = view();
    // Copy the header in, then look only at the copy.
    uint8_t copy[kMessageHeaderV1_1];
    if (!buf.contains(0, sizeof(copy))) return ffa::Error::invalid_parameters;
    for (size_t i = 0; i < sizeof(copy); ++i) copy[i] = buf.data()[i];
    const lib::ByteView h(copy, sizeof(copy));
    const uint32_t offset = *h.le32(8), ids = *h.le32(12), size = *h.le32(16);
    const ffa::EndpointId sender(static_cast<uint16_t>(ids >> 16)), receiver(static_cast<uint16_t>(ids));
    if (offset < kMessageHeaderV1_1) return ffa::Error::invalid_parameters;
    const auto payload = buf.sub(offset, size);  // overflow-safe
    if (!payload) return ffa::Error::invalid_parameters;
    if (!(receiver == self) || sender == self) return ffa::Error::invalid_parameters;
    return Message{sender, receiver, offset, size, *payload};
  }

  // FFA_PARTITION_INFO_GET's answer, checked: `count` (w2) descriptors of
  // `descriptor_size` (w3; 0 from a v1.0 partition, whose answer has no
  // size: 8) must fit in the buffer. DENIED unless the buffer holds
  // partition information; INVALID_PARAMETERS for a size below 8 or
  // descriptors past the buffer.
  ffa::Result<PartitionInfoList> partition_info(uint32_t count, uint32_t descriptor_size) const {
    if (holds_ != Holds::partition_info) return ffa::Error::denied;
    const uint32_t size = descriptor_size == 0 ? 8 : descriptor_size;
    if (size < 8) return ffa::Error::invalid_parameters;
    const uint64_t bytes = uint64_t{count} * size;  // both below 2^32: no overflow
    if (bytes > size_) return ffa::Error::invalid_parameters;
    return PartitionInfoList{count, size, *view().sub(0, static_cast<size_t>(bytes))};
  }

  // The first `length` bytes (w2 of FFA_MEM_RETRIEVE_RESP, w3 of
  // FFA_MEM_FRAG_TX) of a retrieve response fragment. DENIED unless the
  // buffer holds one; INVALID_PARAMETERS for a length past the buffer.
  ffa::Result<lib::ByteView> retrieve_fragment(uint32_t length) const {
    if (holds_ != Holds::mem_retrieve) return ffa::Error::denied;
    const auto d = view().sub(0, length);
    if (!d) return ffa::Error::invalid_parameters;
    return *d;
  }

 private:
  lib::ByteView view() const { return lib::ByteView(reinterpret_cast<const uint8_t*>(address_), size_); }

  uintptr_t address_ = 0;
  size_t size_ = 0;
  Holds holds_ = Holds::nothing;
};

}  // namespace sp
