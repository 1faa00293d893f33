// The parameters of FF-A calls, as typed views read from a call's
// registers once, at the top of its handler (FF-A v1.2 chapters 13-17,
// and the memory management chapter). ffa/abi.h has checked the call
// first: who may make it, and that its reserved registers are clear.
// Widths are settled here: an SMC32 call's addresses are its registers'
// lower halves (SMCCC has the callee ignore the upper ones), an SMC64
// call's the whole registers. What a field may hold (MBZ bits inside a
// parameter, an ID that must be the caller's) is its handler's to check.
#pragma once

#include <cstdint>

#include "ffa/func.h"
#include "ffa/ids.h"
#include "ffa/regs.h"
#include "ffa/uuid.h"

namespace ffa::calls {

// An address parameter: the whole register for an SMC64 call, its lower
// half for an SMC32 one.
constexpr uint64_t address(const Regs& r, unsigned n) { return is_smc64(r.fid()) ? r.x[n] : r.w(n); }

// FFA_RXTX_MAP: the TX and RX buffers' addresses and their size in pages.
struct RxtxMap {
  uint64_t tx, rx;
  uint32_t pages;
};
constexpr RxtxMap rxtx_map(const Regs& r) { return {address(r, 1), address(r, 2), r.w(3)}; }

// FFA_VERSION: the version the caller asks for (w1; bit 31 clear in a
// valid one).
constexpr uint32_t version(const Regs& r) { return r.w(1); }

// FFA_RX_RELEASE: w1[15:0] names whose RX buffer (a hypervisor's callers
// only; otherwise the caller's own ID).
struct RxRelease {
  uint16_t id;
};
constexpr RxRelease rx_release(const Regs& r) { return {static_cast<uint16_t>(r.w(1))}; }

// FFA_RXTX_UNMAP: w1[31:16] names whose buffers (a hypervisor's callers
// only; otherwise the caller's own ID), w1[15:0] MBZ.
struct RxtxUnmap {
  uint16_t id;
  uint16_t mbz;
};
constexpr RxtxUnmap rxtx_unmap(const Regs& r) {
  return {static_cast<uint16_t>(r.w(1) >> 16), static_cast<uint16_t>(r.w(1))};
}

// FFA_MEM_SHARE/LEND/DONATE and FFA_MEM_RETRIEVE_REQ: the transaction
// descriptor's total length and the length of its first fragment, and
// where it is: the caller's TX buffer (buffer 0, buffer_pages 0) or
// buffer_pages pages at buffer.
struct MemTransaction {
  uint32_t total, fragment;
  uint64_t buffer;
  uint32_t buffer_pages;
};
constexpr MemTransaction mem_transaction(const Regs& r) { return {r.w(1), r.w(2), address(r, 3), r.w(4)}; }

// FFA_MEM_FRAG_TX (the fragment's length) and FFA_MEM_FRAG_RX (the offset
// to go on from): the transaction's handle in w1/w2, and w4, where a
// hypervisor names the endpoint (MBZ otherwise).
struct MemFragment {
  uint64_t handle;
  uint32_t length_or_offset;
  uint32_t endpoint;
};
constexpr MemFragment mem_fragment(const Regs& r) { return {r.w64(1), r.w(3), r.w(4)}; }

// FFA_MEM_RECLAIM: the handle and the flags (bit 0: zero the memory).
struct MemReclaim {
  uint64_t handle;
  uint32_t flags;
};
constexpr MemReclaim mem_reclaim(const Regs& r) { return {r.w64(1), r.w(3)}; }

// FFA_MEM_PERM_GET/SET: the first page's address and, for SET, how many
// pages and the permissions to give them (GET names one page).
struct MemPerm {
  bool get;
  uint64_t va;
  uint32_t pages, perm;
};
constexpr MemPerm mem_perm(const Regs& r) {
  const bool get = r.fid() == raw(Func::mem_perm_get_32) || r.fid() == raw(Func::mem_perm_get_64);
  return {get, address(r, 1), get ? 1u : r.w(2), get ? 0u : r.w(3)};  // (GET: one page; its w2 is reserved)
}

// FFA_NOTIFICATION_BIND/UNBIND and _SET: the sender and receiver (w1),
// flags (w2), the notifications' bitmap (w3 low, w4 high).
struct NotificationIds {
  EndpointPair pair;
  uint32_t flags;
  uint64_t ids;
};
constexpr NotificationIds notification_ids(const Regs& r) {
  return {EndpointPair::from_w1(r.w(1)), r.w(2), r.w64(3)};
}

// FFA_PARTITION_INFO_GET: a UUID (w1-w4; nil: every partition) and flags.
struct PartitionInfoGet {
  Uuid uuid;
  uint32_t flags;
};
constexpr PartitionInfoGet partition_info_get(const Regs& r) {
  return {Uuid{{r.w(1), r.w(2), r.w(3), r.w(4)}}, r.w(5)};
}

// FFA_PARTITION_INFO_GET_REGS: a UUID (x1, x2), the index to start from
// and the tag of an earlier answer (x3[15:0], x3[31:16]; x3[63:32] MBZ).
struct PartitionInfoGetRegs {
  Uuid uuid;
  uint16_t start, tag;
  uint32_t mbz;
};
constexpr PartitionInfoGetRegs partition_info_get_regs(const Regs& r) {
  return {Uuid{{static_cast<uint32_t>(r.x[1]), static_cast<uint32_t>(r.x[1] >> 32), static_cast<uint32_t>(r.x[2]),
                static_cast<uint32_t>(r.x[2] >> 32)}},
          static_cast<uint16_t>(r.x[3]), static_cast<uint16_t>(r.x[3] >> 16), static_cast<uint32_t>(r.x[3] >> 32)};
}

// FFA_MSG_SEND_DIRECT_REQ/RESP (32 and 64): the sender and receiver (w1)
// and the flags (w2: bit 31 a framework message, [7:0] its type; MBZ for
// a partition message). The payload, x3-x7, is passed on as it came
// (direct_payload reads one word at the call's width).
struct DirectMessage {
  EndpointPair pair;
  uint32_t flags;
};
constexpr DirectMessage direct_message(const Regs& r) { return {EndpointPair::from_w1(r.w(1)), r.w(2)}; }
// Payload word `i` (0-4: x3-x7), its lower half for an SMC32 call.
constexpr uint64_t direct_payload(const Regs& r, unsigned i) { return address(r, 3 + i); }

// FFA_MSG_SEND_DIRECT_REQ2: the sender and receiver (w1) and the target
// service's UUID (x2, x3: each 64-bit register two of its words, low
// first); the payload is x4-x17.
struct DirectRequest2 {
  EndpointPair pair;
  Uuid uuid;
};
constexpr DirectRequest2 direct_request2(const Regs& r) {
  return {EndpointPair::from_w1(r.w(1)),
          Uuid{{static_cast<uint32_t>(r.x[2]), static_cast<uint32_t>(r.x[2] >> 32), static_cast<uint32_t>(r.x[3]),
                static_cast<uint32_t>(r.x[3] >> 32)}}};
}

// FFA_RUN: the partition (w1[31:16]) and which of its execution contexts
// (w1[15:0], the vCPU index).
struct Run {
  EndpointId target;
  uint16_t vcpu;
};
constexpr Run run(const Regs& r) { return {EndpointId(static_cast<uint16_t>(r.w(1) >> 16)), static_cast<uint16_t>(r.w(1))}; }

// FFA_FEATURES: a function ID (bit 31 set) or a feature ID (bit 31 clear)
// in w1, input properties in w2 (w3-w7 reserved: abi::features_reserved_set).
struct Features {
  uint32_t id;
  uint32_t input;
  bool is_feature_id() const { return (id & 0x80000000u) == 0; }
};
constexpr Features features(const Regs& r) { return {r.w(1), r.w(2)}; }

// FFA_NOTIFICATION_GET: the receiver (w1[15:0]), its vCPU (w1[31:16]) and
// which senders' notifications to get (w2).
struct NotificationGet {
  EndpointId receiver;
  uint16_t vcpu;
  uint32_t flags;
};
constexpr NotificationGet notification_get(const Regs& r) {
  return {EndpointId(static_cast<uint16_t>(r.w(1))), static_cast<uint16_t>(r.w(1) >> 16), r.w(2)};
}

// FFA_NOTIFICATION_BITMAP_CREATE (the VM's ID in w1, its vCPU count in w2)
// and _DESTROY (the VM's ID in w1; w2 reserved). The ID is the whole of
// w1: bits above an endpoint ID's 16 make it no VM's.
struct NotificationBitmap {
  uint32_t vm;
  uint32_t vcpus;
};
constexpr NotificationBitmap notification_bitmap(const Regs& r) {
  return {r.w(1), r.fid() == raw(Func::notification_bitmap_create) ? r.w(2) : 0u};
}

// FFA_MSG_SEND2: w1[31:16] a VM sender (only a hypervisor names one;
// MBZ otherwise), the flags in w2 (bit 1: delay the schedule receiver
// interrupt).
struct MsgSend2 {
  uint32_t sender_vm;
  uint32_t flags;
};
constexpr MsgSend2 msg_send2(const Regs& r) { return {r.w(1), r.w(2)}; }

// FFA_SECONDARY_EP_REGISTER: where the caller's other execution contexts
// start.
constexpr uint64_t secondary_entry(const Regs& r) { return address(r, 1); }

// FFA_CONSOLE_LOG: the character count (w1) and the characters, one per
// byte from x2 on: four per register (w2-w7) for the SMC32 form, eight
// (x2-x17) for the SMC64 one.
struct ConsoleLog {
  uint32_t count;
  uint32_t max;  // what the form can carry: 24 or 128
};
constexpr ConsoleLog console_log(const Regs& r) { return {r.w(1), is_smc64(r.fid()) ? 128u : 24u}; }
constexpr char console_char(const Regs& r, unsigned i) {
  const unsigned per_register = is_smc64(r.fid()) ? 8 : 4;
  return static_cast<char>(r.x[2 + i / per_register] >> (8 * (i % per_register)));
}

}  // namespace ffa::calls
