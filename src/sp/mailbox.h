// The calls that hand the partition's RX buffer over and back (Tessera
// runtime), each keeping the sp::RxBuffer's idea of what the buffer holds
// up to date, so that the checked readers of sp/rx.h read only what is
// there:
//  - an indirect message arrives in the buffer, and the partition learns of
//    it from the framework notification "RX buffer full"
//    (FFA_NOTIFICATION_GET, w6 bit 0): sp::notification_get,
//    sp::message_waiting;
//  - FFA_PARTITION_INFO_GET writes its descriptors there:
//    sp::partition_info_get;
//  - FFA_MEM_RETRIEVE_REQ writes its response there: sp::retrieve
//    (sp/memory.h);
//  - FFA_RX_RELEASE gives the buffer back: sp::rx_release.
// A partition that makes these calls through sp::svc instead bypasses the
// bookkeeping, and the readers then refuse (DENIED) or read stale words
// as new.
#pragma once

#include <cstdint>

#include "ffa/notifications.h"
#include "ffa/uuid.h"
#include "sp/ffa.h"
#include "sp/rx.h"

namespace sp {

// FFA_RX_RELEASE. The buffer is the SPMC's again, whatever the answer
// (DENIED: it held nothing).
inline ffa::Status rx_release(RxBuffer& rx) {
  const ffa::Regs r = svc(ffa::Regs{{ffa::raw(ffa::Func::rx_release)}});
  rx.given_back();
  if (ffa::is_success(r)) return {};
  return ffa::error_of(r);
}

// FFA_NOTIFICATION_GET for vCPU 0 of `self` with `flags` (which bitmaps:
// ffa::notification::kGetFrom*). When it asked for the SPM's framework
// notifications and "RX buffer full" is among them, the buffer now holds
// an indirect message for the partition (unless the runtime knows it holds
// something else: the SPMC delivers no message into a full buffer, so
// that notification is stale). Returns the answer as it came.
inline ffa::Regs notification_get(RxBuffer& rx, ffa::EndpointId self, uint32_t flags) {
  const ffa::Regs r = svc(ffa::Regs{{ffa::raw(ffa::Func::notification_get), self.raw(), flags}});
  if (ffa::is_success(r) && (flags & ffa::notification::kGetFromSpm) &&
      (r.w(6) & ffa::notification::kFrameworkRxBufferFull) && !rx.owned())
    rx.took(RxBuffer::Holds::message);
  return r;
}

// Whether an indirect message is in the buffer: already known, or announced
// now by the framework notification (it asks for the framework bitmap
// only, so notifications from partitions and VMs stay pending). Needs the
// manifest's `notification-support`: without it the SPMC announces nothing
// and this is always false.
inline bool message_waiting(RxBuffer& rx, ffa::EndpointId self) {
  if (rx.holds() == RxBuffer::Holds::message) return true;
  (void)notification_get(rx, self, ffa::notification::kGetFromSpm);
  return rx.holds() == RxBuffer::Holds::message;
}

// FFA_PARTITION_INFO_GET for `uuid` (nil: every partition) into the RX
// buffer, with the answer's count and size checked against the buffer
// (sp::RxBuffer::partition_info). The partition reads the list, then gives
// the buffer back with sp::rx_release. On any error the buffer is not the
// partition's: the SPMC refused (BUSY: the buffer is still full), or the
// answer did not fit and the buffer was given back at once.
inline ffa::Result<PartitionInfoList> partition_info_get(RxBuffer& rx, const ffa::Uuid& uuid = ffa::kNilUuid) {
  const ffa::Regs r =
      svc(ffa::Regs{{ffa::raw(ffa::Func::partition_info_get), uuid.w[0], uuid.w[1], uuid.w[2], uuid.w[3], 0}});
  if (!ffa::is_success(r)) return ffa::error_of(r);
  rx.took(RxBuffer::Holds::partition_info);
  auto list = rx.partition_info(r.w(2), r.w(3));
  if (!list) (void)rx_release(rx);
  return list;
}

}  // namespace sp
