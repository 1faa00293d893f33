// What the OP-TEE endpoint (src/sel1/optee_endpoint.h) asks of whoever
// hosts Trusted Applications: sessions and commands in the GP model. The
// endpoint has already read and checked the client's message, and turned
// each memory reference into the physical pages it covers; the host maps
// those into the TA, runs it and reports the GP result and its origin.
// The S-EL1 trusted OS implements it in src/sel1/ta_host.cpp; tests bring
// their own.
#pragma once

#include <cstdint>

#include "ffa/ids.h"
#include "ffa/mem_transaction.h"
#include "optee/msg_arg.h"
#include "optee/ta_store.h"

namespace optee {

// The client: the FF-A endpoint that called (sessions are its own), and
// the login and identity it gave at OPEN_SESSION.
struct Client {
  ffa::EndpointId endpoint;
  uint32_t login = 0;
  uint8_t uuid[16] = {};
};

// One memory reference's pages: the ranges that cover [offset, offset +
// size) of the client's shared memory, starting `in_page` bytes into the
// first page. No pages for a null or empty reference.
struct MemrefPages {
  static constexpr unsigned kMaxRanges = 64;
  ffa::MemConstituent ranges[kMaxRanges];
  unsigned count = 0;
  uint32_t in_page = 0;
  bool writable = false;
  bool ns = true;  // the client's memory is the normal world's (false: another TA's)
};

struct CallParams {
  ClientParams params;  // values in and out; memory reference sizes in and out
  MemrefPages pages[4];
};

// Identifies one yielding call in flight, so that CANCEL can find it.
struct CallId {
  ffa::EndpointId client;
  uint32_t session, cancel_id;
};

class TaService {
 public:
  // Each returns the GP result and sets `origin` (TEE_ORIGIN_*).
  virtual uint32_t open_session(const Client& client, const TaUuid& ta, CallParams& params, uint32_t cancel_id,
                                uint32_t& session, uint32_t& origin) = 0;
  virtual uint32_t invoke(const Client& client, uint32_t session, uint32_t command, CallParams& params,
                          uint32_t cancel_id, uint32_t& origin) = 0;
  virtual uint32_t close_session(const Client& client, uint32_t session, uint32_t& origin) = 0;
  // Marks the client's call (session, cancel_id) cancelled, if it runs.
  virtual void cancel(const CallId& call) = 0;

 protected:
  ~TaService() = default;
};

// The pages of `ranges` (the whole transaction, `count` ranges) that cover
// [offset, offset + size), into `out`. False when the range is not inside
// the memory or needs more than MemrefPages::kMaxRanges ranges. `ranges`
// may be `out.ranges`: the pages are trimmed in place.
bool memref_pages(const ffa::MemConstituent* ranges, unsigned count, uint64_t offset, uint64_t size,
                  MemrefPages& out);

}  // namespace optee
