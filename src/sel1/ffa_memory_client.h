// The trusted OS's shared memory when it is an S-EL1 partition (the
// sel2-spmc configuration): spmc::LocalMemory over the FF-A calls any
// partition makes, FFA_MEM_RETRIEVE_REQ and FFA_MEM_RELINQUISH through its
// own RX/TX pair, instead of the SPMC core's in-image shortcut. The trusted
// OS above it (OpteeEndpoint) is the same in both placements.
//
// A retrieve request names the lender as its sender (as OP-TEE names the
// caller of the direct request), so the SPMC itself refuses a handle that
// someone else lent: only the lender may name its memory. The request
// also names the transaction type "share": the trusted OS takes only
// FFA_MEM_SHARE transactions, which is what Linux's optee driver sends, so
// that shared_with's probe (a retrieve and its relinquish) can never
// complete a donation by looking at it.
//
// Portable: the calls go through `conduit` (SMC on the target, a host
// SPMC core in the unit tests) and mappings through NsWindowMapper.
#pragma once

#include <cstdint>

#include "ffa/ids.h"
#include "ffa/mem_transaction.h"
#include "ffa/regs.h"
#include "ffa/version.h"
#include "lib/bytes.h"
#include "spmc/endpoint.h"

namespace sel1 {

// Where retrieved normal-world memory appears in the trusted OS's own
// address space (its stage 1): one buffer for all of a transaction's ranges.
class NsWindowMapper {
 public:
  virtual ffa::Result<uint8_t*> map(const ffa::MemConstituent* ranges, unsigned count) = 0;
  virtual void unmap(const ffa::MemConstituent* ranges, unsigned count, uint8_t* va) = 0;

 protected:
  ~NsWindowMapper() = default;
};

// One SMCCC call: x0-x17 in, x0-x17 out.
using FfaConduit = void (*)(ffa::Regs*);

class FfaMemoryClient final : public spmc::LocalMemory {
 public:
  // Transactions held at once (OpteeEndpoint::kMaxShm), and the ranges
  // kept of each (optee::MemrefPages::kMaxRanges): local_ranges of a
  // transaction with more answers with the first kMaxRanges and the count.
  static constexpr unsigned kMaxHeld = 64;
  static constexpr unsigned kMaxRanges = 64;
  // The longest retrieve response read (all its fragments): about 500
  // ranges, more than an SPMC core transaction holds (256). A longer one
  // is given back at once (NO_MEMORY).
  static constexpr unsigned kMaxDescriptor = 8192;

  // `tx` and `rx`: the trusted OS's RX/TX pair, mapped with FFA_RXTX_MAP;
  // `version`: the FF-A version it agreed, which sets the descriptors'
  // layout (v1.1 or later).
  FfaMemoryClient(FfaConduit conduit, lib::MutableByteView tx, lib::ByteView rx, NsWindowMapper& mapper,
                  ffa::Version version)
      : call_(conduit), tx_(tx), rx_(rx), mapper_(mapper), version_(version) {}

  ffa::Result<spmc::LocalShare> local_retrieve(ffa::EndpointId me, ffa::EndpointId lender, uint64_t handle) override;
  ffa::Result<unsigned> local_ranges(ffa::EndpointId me, ffa::EndpointId lender, uint64_t handle,
                                     ffa::MemConstituent* out, unsigned max, bool& writable) override;
  ffa::Status local_relinquish(ffa::EndpointId me, uint64_t handle) override;
  bool shared_with(ffa::EndpointId me, uint64_t handle, ffa::EndpointId lender) override;

  unsigned held() const;

 private:
  struct Held {
    bool used = false;
    bool mapped = false;  // as one buffer (local_retrieve); else as ranges
    bool writable = false;
    uint64_t handle = 0;
    ffa::EndpointId lender;
    uint8_t* va = nullptr;
    uint64_t bytes = 0;
    unsigned total = 0;  // ranges in the transaction; the first kMaxRanges are kept
    ffa::MemConstituent ranges[kMaxRanges] = {};
  };
  Held* find(uint64_t handle);
  Held* free_slot();
  // FFA_MEM_RETRIEVE_REQ, its fragments read (FFA_MEM_FRAG_RX) and each
  // released (FFA_RX_RELEASE): the transaction's ranges into `h`. Gives
  // the memory back itself when it cannot keep it (not normal-world
  // memory, too many ranges to read).
  ffa::Status retrieve(ffa::EndpointId me, ffa::EndpointId lender, uint64_t handle, Held& h);
  ffa::Status relinquish(ffa::EndpointId me, uint64_t handle);
  // relinquish, for memory retrieved and refused here: a refusal logged.
  void give_back(ffa::EndpointId me, uint64_t handle);
  // Copies `len` bytes of the RX buffer to desc_ + `at` and releases it.
  bool take_rx(uint32_t at, uint32_t len);
  // FFA_RX_RELEASE of a fragment not read; false (nothing was read).
  bool release_rx();
  ffa::Regs call(ffa::Regs r) {
    call_(&r);
    return r;
  }

  FfaConduit call_;
  lib::MutableByteView tx_;
  lib::ByteView rx_;
  NsWindowMapper& mapper_;
  ffa::Version version_;
  Held held_[kMaxHeld];
  Held probe_;  // shared_with's look (off the stack: it holds kMaxRanges ranges)
  uint8_t desc_[kMaxDescriptor] = {};
};

}  // namespace sel1
