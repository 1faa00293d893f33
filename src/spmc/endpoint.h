// Endpoints the core knows: the normal world (as one endpoint per VM ID,
// here just ID 0 until the mediator issue) and secure partitions. An
// endpoint implemented inside the SPMC's own image (the trusted OS in the
// S-EL1 placement) is a LocalEndpoint: the core calls it directly.
#pragma once

#include <cstdint>

#include "ffa/ids.h"
#include "ffa/partition_info.h"
#include "ffa/regs.h"
#include "ffa/version.h"
#include "ffa/mem_transaction.h"
#include "spmc/mailbox.h"

namespace spmc {

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
  virtual void on_direct_request(const DirectMessage& request, DirectMessage& response) = 0;

 protected:
  ~LocalEndpoint() = default;
};

// Where a partition that runs in its own execution context stands (FF-A
// v1.2 section 5.4 "Partition runtime states").
enum class PartitionState : uint8_t {
  created,  // loaded, not yet started
  booting,  // running its initialisation, until its first FFA_MSG_WAIT
  waiting,  // idle in FFA_MSG_WAIT: can take a direct request
  running,  // handling a direct request
  blocked,  // waiting for the answer to its own direct request
  preempted,  // gave its CPU back (FFA_YIELD) in the middle of its work
  aborted,  // stopped after a fault; calls to it get ABORTED
};

// A memory-sharing transaction the SPMC keeps until it is reclaimed.
struct MemShare {
  enum class Type : uint8_t { share = 1, lend = 2, donate = 3 };  // the retrieve flags' encoding
  static constexpr unsigned kMaxConstituents = 16;
  static constexpr unsigned kMaxReceivers = ffa::MemTransaction::kMaxReceivers;
  bool used = false;
  uint64_t handle = 0;
  ffa::EndpointId sender;
  uint16_t attributes = 0;
  uint64_t tag = 0;
  Type type = Type::share;
  unsigned receiver_count = 0;
  ffa::EndpointId receivers[kMaxReceivers];
  uint8_t permissions[kMaxReceivers] = {};
  bool retrieved[kMaxReceivers] = {};
  uint32_t constituent_count = 0;
  ffa::MemConstituent constituents[kMaxConstituents] = {};
};

struct Partition {
  ffa::PartitionInfo info;
  LocalEndpoint* local = nullptr;  // null for partitions that run in their own context
  // For partitions in their own context (local == nullptr):
  PartitionState state = PartitionState::created;
  uint16_t boot_order = 0xFFFF;
  ffa::EndpointId requester;  // who sent the direct request being handled
  uint32_t request_fid = 0;   // and with which call (the answer must match it)
  PartitionState before_blocked = PartitionState::running;  // where it resumes
  ffa::Version version = ffa::kVersion1_0;
  Mailbox mailbox;  // its RX/TX pair, when its manifest declares one
  uint64_t secondary_entry = 0;  // FFA_SECONDARY_EP_REGISTER, for the SMP work
};

// The state the core keeps for a normal-world endpoint.
struct NwdEndpoint {
  ffa::EndpointId id;
  ffa::Version version = ffa::kVersion1_0;  // until FFA_VERSION says otherwise
  bool version_negotiated = false;
  Mailbox mailbox;
};

}  // namespace spmc
