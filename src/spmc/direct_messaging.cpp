// FF-A v1.2 chapter 15 "Direct messaging": FFA_MSG_SEND_DIRECT_REQ/_RESP
// (SMC32 and SMC64) from the normal world to a partition.
#include "spmc/core.h"

#include "ffa/calls.h"

namespace spmc {

using ffa::Error;
using ffa::Func;

namespace {

// Hands a direct message on as it came, with w1 as given (the validated
// sender/receiver pair): REQ2/RESP2 carry x4-x17 (RESP2's x2-x3 are
// reserved), REQ/RESP carry x3-x7, cut to 32 bits for the SMC32 forms.
[[gnu::always_inline]] inline void pass_on(const ffa::Regs& in, uint32_t w1, ffa::Regs& out) {
  const uint32_t fid = in.fid();
  if (fid == ffa::raw(Func::msg_send_direct_req2) || fid == ffa::raw(Func::msg_send_direct_resp2)) {
    ffa::copy_regs(out, in);
    out.x[1] = w1;
    if (fid == ffa::raw(Func::msg_send_direct_resp2)) out.x[2] = out.x[3] = 0;
    return;
  }
  using ffa::calls::direct_payload;
  ffa::set_regs(out, fid, w1, 0, direct_payload(in, 0), direct_payload(in, 1), direct_payload(in, 2),
                direct_payload(in, 3), direct_payload(in, 4));
}

// A direct request to an endpoint inside the SPMC (the trusted OS in the
// S-EL1 placement): it answers at once, and its answer is built here.
// Inlined: it is on the hot path of every request to the trusted OS.
[[gnu::always_inline]] inline void call_local_endpoint(LocalEndpoint& endpoint, const ffa::Regs& in, ffa::Regs& out) {
  using ffa::calls::direct_payload;
  const bool is64 = ffa::is_smc64(in.fid());  // (a REQ_32 or a REQ_64)
  const auto pair = ffa::calls::direct_message(in).pair;
  const uint64_t mask = is64 ? ~0ull : 0xFFFFFFFFull;
  const DirectMessage request{pair.sender, pair.receiver, is64,
                              {direct_payload(in, 0), direct_payload(in, 1), direct_payload(in, 2),
                               direct_payload(in, 3), direct_payload(in, 4)}};
  // Field by field: an aggregate initialiser also zeroes the padding after
  // is_64bit, which the compiler does with a call to memset.
  DirectMessage response;
  response.sender = pair.receiver;
  response.receiver = pair.sender;
  response.is_64bit = is64;
  for (uint64_t& word : response.payload) word = 0;
  endpoint.on_direct_request(request, response);
  ffa::set_regs(out, ffa::raw(is64 ? Func::msg_send_direct_resp_64 : Func::msg_send_direct_resp_32),
                ffa::EndpointPair{pair.receiver, pair.sender}.w1(), 0, response.payload[0] & mask,
                response.payload[1] & mask, response.payload[2] & mask, response.payload[3] & mask,
                response.payload[4] & mask);
}

}  // namespace

Outcome Core::direct_request_from_nwd(const ffa::Regs& in, ffa::Regs& out) {
  const auto [pair, flags] = ffa::calls::direct_message(in);

  // The sender must be a normal-world ID (without a hypervisor: exactly 0).
  auto refuse = [&](Error e) {
    ffa::set_error(out, e);
    return Outcome::reply_to_caller;
  };
  if (pair.sender.is_secure() || !(pair.sender == nwd_.id)) return refuse(Error::invalid_parameters);
  // The normal world sends no framework messages to partitions (VM
  // availability messages come with the mediator issue); partition
  // messages have w2 MBZ.
  if (flags != 0) return refuse(Error::invalid_parameters);
  const Partition* target = find_partition(pair.receiver);
  if (!target) return refuse(Error::invalid_parameters);
  if (!(target->info.properties & ffa::partition_props::direct_req_recv)) return refuse(Error::denied);
  if (!target->in_image()) {
    // A partition in its own context takes the request when it waits for
    // one; the answer comes with its FFA_MSG_SEND_DIRECT_RESP.
    Partition& p = partitions_[target - partitions_];
    if (p.aborted()) return refuse(Error::aborted);
    // Its context on this CPU (an MP partition's may be missing here):
    // the CPU looked up once.
    unsigned ctx = 0;
    if (p.mp()) [[unlikely]] {
      ctx = cpu();
      if (ctx >= p.info.exec_ctx_count) return refuse(Error::invalid_parameters);
    }
    ExecutionContext& c = p.contexts[ctx];
    if (!c.take(pair.sender, in.fid())) return refuse(c.refusal());
    pass_on(in, pair.w1(), out);
    return resume(static_cast<size_t>(target - partitions_));
  }

  call_local_endpoint(*target->local, in, out);
  return Outcome::reply_to_caller;
}

bool Core::in_image_request_without_lock(const Partition& target, const ffa::Regs& in, ffa::Regs& out) {
  const auto [pair, flags] = ffa::calls::direct_message(in);
  // The normal world's own partition messages only, to the endpoint
  // itself: the SPMD's framework messages, and anything handle_nwd_call
  // refuses, go the locked way.
  if (pair.sender.is_secure() || !(pair.sender == nwd_.id) || flags != 0) return false;
  if (!(target.info.id == pair.receiver) || !(target.info.properties & ffa::partition_props::direct_req_recv))
    return false;
  if (!nwd_version_fixed()) return false;
  call_local_endpoint(*target.local, in, out);
  return true;
}

// FFA_MSG_SEND_DIRECT_REQ2 (v1.2): addressed to a partition and one of its
// services by UUID (x2/x3), payload x4-x17; answered with _RESP2.
Outcome Core::direct_request2_from_nwd(const ffa::Regs& in, ffa::Regs& out) {
  const auto [pair, uuid] = ffa::calls::direct_request2(in);
  auto refuse = [&](Error e) {
    ffa::set_error(out, e);
    return Outcome::reply_to_caller;
  };
  if (pair.sender.is_secure() || !(pair.sender == nwd_.id)) return refuse(Error::invalid_parameters);
  const Partition* target = find_partition(pair.receiver);
  if (!target) return refuse(Error::invalid_parameters);
  // The nil UUID asks for the partition itself; any other must be its own.
  if (!uuid.is_nil() && !(uuid == target->info.uuid)) return refuse(Error::invalid_parameters);
  // (No endpoint in the SPMC's image has this property: endpoint.h.)
  if (!(target->info.properties & ffa::partition_props::direct_req2_recv)) return refuse(Error::denied);
  Partition& p = partitions_[index_of(target)];
  if (!has_context_here(p)) return refuse(Error::invalid_parameters);
  if (p.aborted()) return refuse(Error::aborted);
  ExecutionContext& c = here(p);
  if (!c.take(pair.sender, in.fid())) return refuse(c.refusal());
  pass_on(in, pair.w1(), out);
  return resume(index_of(target));
}

Outcome Core::direct_response_from_sp(size_t index, const ffa::Regs& in, ffa::Regs& out) {
  Partition& p = partitions_[index];
  ExecutionContext& c = here(p);
  const auto [pair, flags] = ffa::calls::direct_message(in);
  // Only an answer to the request in hand, from the partition itself, to
  // the endpoint that asked.
  // Only a request can be answered: not cycles given by FFA_RUN, nor an
  // interrupt to handle.
  if (!c.handles_request()) {
    ffa::set_error(out, Error::denied);
    return resume(index);
  }
  const bool resp2 = in.fid() == ffa::raw(Func::msg_send_direct_resp2);
  // A wrong sender or receiver, or flags on a partition message: not an
  // answer to this request at all; the partition is still handling it.
  if (!(pair.sender == p.info.id) || !(pair.receiver == c.requester()) || (!resp2 && flags != 0)) [[unlikely]]
    return not_an_answer(index, in, out);
  // The answer's kind follows the request's: RESP2 answers REQ2, and
  // RESP answers REQ in either width (FF-A ties RESP to REQ, not SMC32 to
  // SMC32; Hafnium and Linux's driver accept a RESP_32 to a REQ_64 and
  // the reverse), delivered as sent, with its own width.
  const bool req2 = c.request_fid() == ffa::raw(Func::msg_send_direct_req2);
  c.done();
  request_over(p, c);  // answered (early, if its managed exit was signalled)
  if (resp2 != req2) {
    // The other kind (RESP2 to REQ, RESP to REQ2) answers nothing the
    // caller can read: the exchange ends, the caller gets ABORTED rather
    // than a wait for an answer that may never come, and the partition
    // waits for its next message.
    ffa::set_error(out, Error::aborted);
  } else {
    pass_on(in, pair.w1(), out);
  }
  if (!c.requester().is_secure()) return Outcome::reply_to_caller;
  // A power management message answered as a partition message (or
  // with RESP2): not the framework response it needed, a refusal.
  if (c.requester() == config_.spmc_id) [[unlikely]]  // (done: it handled a power management message)
    return power_message_answered(index, false, out);
  // The answer to another partition: it resumes where it blocked (on this
  // CPU: the chain of requests never leaves it).
  Partition* caller = const_cast<Partition*>(find_partition(c.requester()));
  if (!caller || !here(*caller).unblock()) return Outcome::reply_to_caller;  // cannot happen
  return resume(index_of(caller));
}

// A wrong sender or receiver, or flags on a partition message: not an
// answer to the request in hand at all; the partition is still handling
// it. Except the answer to a power management message (framework.cpp),
// which is itself a framework message, to the SPMC that sent it.
Outcome Core::not_an_answer(size_t index, const ffa::Regs& in, ffa::Regs& out) {
  Partition& p = partitions_[index];
  ExecutionContext& c = here(p);
  const auto pair = ffa::calls::direct_message(in).pair;
  if (handles_power_message(c) && pair.sender == p.info.id && pair.receiver == config_.spmc_id) {
    c.done();
    request_over(p, c);
    return power_message_answered(index, is_power_response(in), out);
  }
  ffa::set_error(out, Error::invalid_parameters);
  return resume(index);
}

Outcome Core::direct_request_from_sp(size_t index, const ffa::Regs& in, ffa::Regs& out) {
  Partition& self = partitions_[index];
  const auto [pair, flags] = ffa::calls::direct_message(in);
  auto refuse = [&](Error e) {
    ffa::set_error(out, e);
    return resume(index);
  };
  const bool req2 = in.fid() == ffa::raw(Func::msg_send_direct_req2);
  if (!(pair.sender == self.info.id)) return refuse(Error::invalid_parameters);
  // Partitions may not send direct requests to the normal world.
  if (!pair.receiver.is_secure()) return refuse(Error::denied);
  const uint32_t may_send = req2 ? ffa::partition_props::direct_req2_send : ffa::partition_props::direct_req_send;
  if (!(self.info.properties & may_send)) return refuse(Error::denied);
  if (pair.receiver == self.info.id || (!req2 && flags != 0)) return refuse(Error::invalid_parameters);
  const Partition* target = find_partition(pair.receiver);
  if (!target) return refuse(Error::invalid_parameters);
  if (req2) {
    // Addressed by UUID too (nil: the partition itself).
    const ffa::Uuid uuid = ffa::calls::direct_request2(in).uuid;
    if (!uuid.is_nil() && !(uuid == target->info.uuid)) return refuse(Error::invalid_parameters);
  }
  const uint32_t may_receive = req2 ? ffa::partition_props::direct_req2_recv : ffa::partition_props::direct_req_recv;
  if (!(target->info.properties & may_receive)) return refuse(Error::denied);
  if (target->in_image()) {
    // An endpoint inside the SPMC answers at once.
    call_local_endpoint(*target->local, in, out);
    return resume(index);
  }
  Partition& t = partitions_[index_of(target)];
  if (!has_context_here(t)) return refuse(Error::invalid_parameters);
  if (t.aborted()) return refuse(Error::aborted);
  // A partition busy with a request (or blocked on one of its own, which
  // is how a cycle of requests would deadlock) takes no other.
  ExecutionContext& tc = here(t);
  if (!tc.take(self.info.id, in.fid())) return refuse(tc.refusal());
  here(self).block();  // (it runs: booting, or handling work of its own)
  pass_on(in, pair.w1(), out);
  return resume(index_of(target));
}

}  // namespace spmc
