// Endpoints the core knows: the normal world (as one endpoint per VM ID,
// here just ID 0 until the mediator issue) and secure partitions. An
// endpoint implemented inside the SPMC's own image (the trusted OS in the
// S-EL1 placement) is a LocalEndpoint: the core calls it directly.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ffa/ids.h"
#include "ffa/partition_info.h"
#include "ffa/regs.h"
#include "ffa/version.h"
#include "ffa/mem_transaction.h"
#include "ffa/partition_manifest.h"
#include "lib/bytes.h"
#include "spmc/execution_context.h"
#include "spmc/mailbox.h"
#include "spmc/notification_bitmaps.h"
#include "spmc/partition_interrupts.h"

namespace spmc {

// Partitions the core holds at most.
inline constexpr size_t kMaxPartitions = 16;

// A direct request's payload and the answer to it: x3-x7 (w3-w7 for SMC32).
struct DirectMessage {
  ffa::EndpointId sender;
  ffa::EndpointId receiver;
  bool is_64bit;
  uint64_t payload[5];
};

class LocalEndpoint {
 public:
  // Handles a partition message (never a framework message) and fills
  // `response.payload`; the core builds the FFA_MSG_SEND_DIRECT_RESP.
  // The placement may let other CPUs into the core while this runs (the
  // S-EL1 placement lets go of the core's lock: sel1/trusted_os_gate.h),
  // so the core keeps nothing of its own across the call: it builds the
  // answer from the request and `response` alone, and then resumes the
  // caller, which no other CPU can run or change meanwhile.
  virtual void on_direct_request(const DirectMessage& request, DirectMessage& response) = 0;

 protected:
  ~LocalEndpoint() = default;
};

// A memory transaction the SPMC keeps from FFA_MEM_SHARE/LEND/DONATE until
// it is reclaimed (or, for a donation, until the receiver retrieved it).
struct MemShare {
  enum class Type : uint8_t { share = 1, lend = 2, donate = 3 };  // the retrieve flags' encoding
  enum class State : uint8_t {
    free,
    receiving,  // the descriptor is arriving in fragments (FFA_MEM_FRAG_TX)
    ready,      // complete: receivers may retrieve it
  };
  // Ranges one transaction may have (its descriptor must also fit
  // Core::kMaxDescriptor, 8 KiB).
  static constexpr unsigned kMaxConstituents = 256;
  static constexpr unsigned kMaxReceivers = ffa::MemTransaction::kMaxReceivers;
  State state = State::free;
  uint64_t handle = 0;
  ffa::EndpointId sender;
  bool ns = true;               // normal-world memory (false: the sending partition's own)
  uint16_t attributes = 0;
  uint32_t flags = 0;
  uint64_t tag = 0;
  Type type = Type::share;
  unsigned receiver_count = 0;
  ffa::EndpointId receivers[kMaxReceivers];
  uint8_t permissions[kMaxReceivers] = {};  // granted by the sender
  uint8_t retrieved_as[kMaxReceivers] = {};  // what the receiver holds; 0 = not retrieved
  // The lender's implementation-defined value for each receiver (v1.2
  // access descriptors; 0 from older layouts): a retrieve must repeat it.
  uint64_t impdef[kMaxReceivers][2] = {};
  // The receiver asked (retrieve flag bit 2) to have it zeroed when it
  // relinquishes.
  bool zero_on_relinquish[kMaxReceivers] = {};
  // A borrower that asked for zeroing was made to let go (it stopped)
  // and the zeroing could not be done then: it is owed before the lender
  // gets the memory back (its reclaim zeroes first, or is refused).
  bool zero_owed = false;
  uint8_t* local_va = nullptr;  // where the SPMC mapped it for an endpoint in its image
  // Its ranges: [first_constituent, first_constituent + constituent_count)
  // of the core's shared pool (Core::constituents), taken once the whole
  // descriptor is known; none while it still arrives in fragments.
  uint32_t first_constituent = 0;
  uint32_t constituent_count = 0;

  // Back to free (its ranges must have gone back to the pool first).
  void clear() {
    state = State::free;
    handle = 0;
    sender = ffa::EndpointId();
    ns = true;
    attributes = 0;
    flags = 0;
    tag = 0;
    type = Type::share;
    receiver_count = 0;
    for (unsigned i = 0; i < kMaxReceivers; ++i) {
      receivers[i] = ffa::EndpointId();
      permissions[i] = 0;
      retrieved_as[i] = 0;
      impdef[i][0] = impdef[i][1] = 0;
      zero_on_relinquish[i] = false;
    }
    zero_owed = false;
    local_va = nullptr;
    first_constituent = 0;
    constituent_count = 0;
  }

  bool retrieved(unsigned i) const { return retrieved_as[i] != 0; }
  bool any_retrieved() const {
    for (unsigned i = 0; i < receiver_count; ++i)
      if (retrieved(i)) return true;
    return false;
  }
};

// Memory the normal world shares with an endpoint inside the SPMC's own
// image (the trusted OS), as the SPMC core hands it over: mapped in the
// SPMC's address space, one physically contiguous range.
struct LocalShare {
  lib::MutableByteView bytes;
  bool writable = false;
};

// What an endpoint that cannot make FF-A calls of its own (the trusted OS
// inside the S-EL1 SPMC's image) is offered in place of
// FFA_MEM_RETRIEVE_REQ and FFA_MEM_RELINQUISH; the same trusted OS as an
// S-EL1 partition makes those calls (sel1/ffa_memory_client.h). As in a
// retrieve request, the caller names the transaction's lender: a handle
// someone else lent is INVALID_PARAMETERS.
class LocalMemory {
 public:
  // INVALID_PARAMETERS when `me` is not a receiver of `handle` or `lender`
  // not its lender, DENIED when `me` holds it already, and the mapping's
  // error (NOT_SUPPORTED, NO_MEMORY) when it cannot be mapped as one buffer.
  virtual ffa::Result<LocalShare> local_retrieve(ffa::EndpointId me, ffa::EndpointId lender, uint64_t handle) = 0;
  // The physical ranges of `handle` (its first `max` of them) for an
  // endpoint that maps the memory elsewhere (the trusted OS, into a
  // Trusted Application's address space): retrieves it on first use as
  // local_retrieve does, without mapping it in the SPMC. Returns how many
  // ranges the transaction has; `writable` says what `me` was granted.
  virtual ffa::Result<unsigned> local_ranges(ffa::EndpointId me, ffa::EndpointId lender, uint64_t handle,
                                             ffa::MemConstituent* out, unsigned max, bool& writable) = 0;
  virtual ffa::Status local_relinquish(ffa::EndpointId me, uint64_t handle) = 0;
  // True when `handle` is a live transaction that `lender` gave, with `me`
  // among its receivers. (The endpoint serves several senders and must
  // let only the lender name the handle.)
  virtual bool shared_with(ffa::EndpointId me, uint64_t handle, ffa::EndpointId lender) = 0;

 protected:
  ~LocalMemory() = default;
};

// What the core offers an endpoint inside the SPMC's image (the trusted
// OS's drivers) in place of FFA_NOTIFICATION_SET, which it cannot call on
// itself: sets notification IDs `ids` (bound to `me`) for `receiver`, with
// the same checks and the same schedule receiver interrupt.
class LocalNotifications {
 public:
  virtual ffa::Status local_notification_set(ffa::EndpointId me, ffa::EndpointId receiver, uint64_t ids) = 0;

 protected:
  ~LocalNotifications() = default;
};

// 1024-aligned: the core indexes its table of partitions on every call, and a
// power-of-two size makes that a shift rather than a multiplication.
struct alignas(1024) Partition {
  static constexpr unsigned kMaxInterrupts = 8;
  // Execution contexts at most: one per CPU of the platform.
  static constexpr unsigned kMaxContexts = 8;
  ffa::PartitionInfo info;  // info.exec_ctx_count: 1 for UP, the CPU count for MP
  // An endpoint inside the SPMC's own image (the trusted OS in the S-EL1
  // placement), which the core calls through `local` instead of running
  // it; null for partitions that run in their own contexts. What that
  // changes, in one place (rather than `local` checks through the
  // chapters):
  // - it has no execution contexts of its own (has_contexts): no FFA_RUN,
  //   no boot order, no power management, no timer or interrupts of its
  //   own; its direct requests are answered by the call, at once;
  // - it takes direct requests (REQ) and nothing that needs a context of
  //   its own: add_partition refuses it properties for REQ2, indirect
  //   messages or sending (so those calls never reach it: their property
  //   checks answer);
  // - it borrows memory through LocalMemory, mapped in the SPMC, from the
  //   normal world only and never as a donation (borrows_from), and sets
  //   notifications through LocalNotifications (in_image).
  LocalEndpoint* local = nullptr;
  // For partitions in their own contexts (local == nullptr): contexts
  // [0, info.exec_ctx_count). Context 0 boots; an MP partition's others
  // start on their CPUs at secondary_entry. A fault in one stops the
  // partition: its idle contexts at once, one that runs on another CPU at
  // its next call or interrupt there (its requester is told then).
  ExecutionContext contexts[kMaxContexts];
  bool stopped = false;
  bool mp() const { return info.exec_ctx_count > 1; }
  bool aborted() const { return stopped; }
  bool in_image() const { return local != nullptr; }
  bool has_contexts() const { return local == nullptr; }
  // Whether it may borrow in a transaction from `lender_is_nwd`'s lender
  // of this kind: an endpoint in the SPMC's image borrows from the normal
  // world only, and never a donation (it would stay mapped in the SPMC for
  // good).
  bool borrows_from(bool lender_is_nwd, bool donation) const {
    return has_contexts() || (lender_is_nwd && !donation);
  }
  uint16_t boot_order = 0xFFFF;
  ffa::Version version = ffa::kVersion1_0;  // its manifest's ffa-version, or what FFA_VERSION agreed
  // Set by its first FF-A call other than FFA_VERSION: from then on its
  // version is fixed (descriptors were exchanged in that layout).
  bool version_negotiated = false;
  Mailbox mailbox;  // its RX/TX pair, when its manifest declares one
  uint64_t secondary_entry = 0;  // FFA_SECONDARY_EP_REGISTER, for the SMP work
  // Its manifest's power-management-messages (ffa::power_messages): an MP
  // partition with cpu_off is told of PSCI CPU_OFF on each CPU before the
  // CPU goes (framework.cpp).
  uint32_t power_messages = 0;
  NotificationBitmaps notifications;  // created when its manifest has notification-support
  // The notification pending interrupt (where partitions take virtual
  // interrupts): a notification was set for it, and it has neither taken
  // the NPI (HF_INTERRUPT_GET) nor its notifications (FFA_NOTIFICATION_GET).
  bool npi_pending = false;
  // What a normal-world interrupt does while it runs (its manifest's
  // ns-interrupts-action).
  ffa::NsInterruptAction ns_action = ffa::NsInterruptAction::queued;
  // It runs at S-EL0 (its manifest's exception-level): it never takes
  // virtual interrupts, whatever the placement gives others (FF-A v1.2
  // section 8.3); its interrupts, managed exit and notifications come as
  // at an S-EL1 SPMC.
  bool at_s_el0 = false;
  // Another partition's secure interrupt, whose owner waits on this CPU,
  // waits while this one runs (its manifest's other-s-interrupts-action 0)
  // rather than preempting it for the owner's handler (1, the default).
  bool other_secure_interrupts_queued = false;
  // The pin its managed exit signal comes on: its manifest's
  // managed-exit-virq chooses IRQ, FIQ otherwise (as Hafnium); it may
  // change it with HF_INTERRUPT_ENABLE(kManagedExitIntid).
  bool managed_exit_fiq = true;
  // Its timer's pin (HF_INTERRUPT_ENABLE(HF_VIRTUAL_TIMER_INTID)): IRQ
  // unless it chose FIQ.
  bool timer_fiq = false;
  // Secure interrupts it owns (SPIs, each owned by one partition).
  OwnedInterrupt interrupts[kMaxInterrupts];
  unsigned interrupt_count = 0;
  // It owns interrupts, or its timer has interrupted it: when a context's
  // work ends, the core looks for interrupts signalled to it in place that
  // it left untaken (Core::request_over). Set by the core.
  bool may_leave_interrupts_untaken = false;
};

// The state the core keeps for a normal-world endpoint.
struct NwdEndpoint {
  ffa::EndpointId id;
  ffa::Version version = ffa::kVersion1_0;  // until FFA_VERSION says otherwise
  bool version_negotiated = false;
  Mailbox mailbox;
  NotificationBitmaps notifications;  // created by FFA_NOTIFICATION_BITMAP_CREATE
};

}  // namespace spmc
