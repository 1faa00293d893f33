// The portable SPMC core: all FF-A policy, no system registers. A call comes
// in (who made it, its registers), the answer goes out in a second register
// set together with an Outcome that tells the placement's run loop what to
// do.
//
// The interface is split by the specification's chapters, as Hafnium does:
// setup_and_discovery.cpp, rxtx.cpp, direct_messaging.cpp, framework.cpp.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ffa/ids.h"
#include "ffa/regs.h"
#include "ffa/version.h"
#include "spmc/endpoint.h"
#include "spmc/placement.h"

namespace spmc {

inline constexpr size_t kMaxPartitions = 16;

struct CoreConfig {
  ffa::EndpointId spmc_id;
  // The FF-A version of this SPMC (from its manifest's maj_ver/min_ver).
  ffa::Version version = ffa::kImplementedVersion;
};

// What the run loop does after a call. Today every call completes at once
// and its answer goes back to the caller; scheduling outcomes (run a
// partition, wait for an interrupt) join when partitions do.
enum class Outcome : uint8_t {
  reply_to_caller,
};

class Core {
 public:
  Core(Placement& placement, const CoreConfig& config);

  // Registers a partition. INVALID_PARAMETERS for a normal-world or duplicate
  // ID, NO_MEMORY when the table is full.
  ffa::Status add_partition(const Partition& p);

  // A call that the SPMD forwarded from the normal world: `in` holds the
  // call, `out` (a different register set) receives the whole answer.
  Outcome handle_nwd_call(const ffa::Regs& in, ffa::Regs& out);
  // Convenience for tests and tools: the answer replaces the call in `regs`.
  Outcome handle_nwd_call(ffa::Regs& regs) {
    ffa::Regs out;
    const Outcome o = handle_nwd_call(regs, out);
    regs = out;
    return o;
  }

  // Introspection for tests and diagnostics.
  size_t partition_count() const { return partition_count_; }
  const Partition* find_partition(ffa::EndpointId id) const;
  const NwdEndpoint& nwd() const { return nwd_; }

 private:
  // setup_and_discovery.cpp
  void version(NwdEndpoint& caller, uint32_t requested, ffa::Regs& out);
  void features(const NwdEndpoint& caller, const ffa::Regs& in, ffa::Regs& out) const;
  void partition_info_get(NwdEndpoint& caller, const ffa::Regs& in, ffa::Regs& out);
  // rxtx.cpp
  void rxtx_map(NwdEndpoint& caller, const ffa::Regs& in, ffa::Regs& out);
  void rxtx_unmap(NwdEndpoint& caller, const ffa::Regs& in, ffa::Regs& out);
  void rx_release(NwdEndpoint& caller, const ffa::Regs& in, ffa::Regs& out);
  // direct_messaging.cpp
  void direct_request_from_nwd(const ffa::Regs& in, ffa::Regs& out);
  // framework.cpp: framework messages from the SPMD (FF-A v1.2 section 18.3).
  bool is_spmd_framework_message(const ffa::Regs& in) const;
  void spmd_framework_message(const ffa::Regs& in, ffa::Regs& out);

  bool is_supported_for_nwd(uint32_t fid, ffa::Version caller_version) const;

  Placement& placement_;
  CoreConfig config_;
  Partition partitions_[kMaxPartitions];
  size_t partition_count_ = 0;
  NwdEndpoint nwd_;
};

}  // namespace spmc
