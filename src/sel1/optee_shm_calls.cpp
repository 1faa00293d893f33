// OP-TEE's yielding calls over FF-A: the argument lives in memory the
// normal world shared with us (FFA_MEM_SHARE to the trusted OS's endpoint).
// We copy the argument in and check it (optee/msg_arg.h), run the command
// on the copy in one of our threads (a normal-world interrupt may suspend
// it; OPTEE_FFA_YIELDING_CALL_RESUME continues it), and write back only
// the fields OP-TEE's answer changes, so a normal world that rewrites the
// memory meanwhile changes nothing for us.
#include "lib/bytes.h"
#include "sel1/optee_endpoint.h"

namespace sel1 {

using optee::MsgArg;

OpteeEndpoint::Shm* OpteeEndpoint::shm_for(ffa::EndpointId caller, uint64_t handle, uint32_t& status) {
  status = kFfaInvalidParameters;
  Shm* shm = nullptr;
  for (Shm& s : shm_)
    if (s.used && s.handle == handle) shm = &s;
  // Only the lender may name a handle: to anyone else it does not exist,
  // whether we hold the memory already or not. (Retrieving it on another
  // endpoint's word would already be a use.)
  if (shm ? !(shm->lender == caller) : !memory_->shared_with(self_, handle, caller)) return nullptr;
  if (shm) return shm;
  for (Shm& s : shm_)
    if (!s.used && !shm) shm = &s;
  if (!shm) {
    status = kFfaNoMemory;
    return nullptr;
  }
  *shm = Shm{true, false, false, 0, handle, caller, {}, false};
  return shm;
}

void OpteeEndpoint::yielding_call_with_arg(ffa::EndpointId caller, const uint64_t* in, uint64_t* out) {
  const uint64_t handle = (in[1] & 0xFFFFFFFF) | (in[2] & 0xFFFFFFFF) << 32;
  const uint64_t offset = in[3] & 0xFFFFFFFF;
  out[1] = kYieldingReturnDone;
  if (!memory_) {
    out[0] = kFfaDenied;
    return;
  }
  uint32_t status;
  Shm* shm = shm_for(caller, handle, status);
  if (!shm) {
    out[0] = status;
    return;
  }
  if (shm->pages || shm->rpc_buffer) {
    // Taken for memory references, or an RPC's buffer: not also an
    // argument buffer.
    out[0] = kFfaInvalidParameters;
    return;
  }
  if (!shm->mapped) {
    auto share = memory_->local_retrieve(self_, caller, handle);
    if (!share) {
      shm->used = false;               // never taken: forget it
      out[0] = kFfaInvalidParameters;  // not as one buffer, or not mappable
      return;
    }
    shm->share = *share;
    shm->mapped = true;
  }
  // The argument must lie inside the memory, and we must be able to answer.
  auto arg = optee::read_msg_arg(shm->share.bytes.view(), offset);
  if (!shm->share.writable || !arg) {
    out[0] = kFfaInvalidParameters;
    return;
  }
  // (Calls are large: they live in the endpoint, never on a stack.)
  if (!threads_) {  // hosts without threads (some tests): at once
    Call& c = calls_[0];
    c = Call{this, caller, handle, offset, *arg, *arg, {}};
    run_command(c);
    finish_call(c);
    out[0] = 0;
    return;
  }
  const unsigned t = threads_->free_thread();
  if (t >= kMaxThreads) {
    out[0] = kTeeErrorBusy;  // every thread is suspended: Linux waits for one and calls again
    return;
  }
  calls_[t].self = this;
  calls_[t].caller = caller;
  calls_[t].handle = handle;
  calls_[t].offset = offset;
  calls_[t].request = calls_[t].answer = *arg;
  work_[t] = Work::call;
  thread_owner_[t] = caller;
  yielding_answer(t, threads_->run(t, call_work, &calls_[t]), out);
}

void OpteeEndpoint::call_work(void* call) {
  Call& c = *static_cast<Call*>(call);
  c.self->run_command(c);
}

// The answer into the argument, once the command is over: the argument's
// buffer is still ours (UNREGISTER_SHM is refused while a call uses it).
void OpteeEndpoint::finish_call(Call& c) {
  for (Shm& s : shm_) {
    if (s.used && s.mapped && s.handle == c.handle) {
      optee::write_msg_answer(s.share.bytes, c.offset, c.request, c.answer);
      return;
    }
  }
}

uint32_t OpteeEndpoint::resolve_memrefs(Call& c) {
  for (unsigned i = 0; i < 4; ++i) {
    const optee::ClientParam& p = c.params.params.p[i];
    optee::MemrefPages& pages = c.params.pages[i];
    pages.count = 0;
    if (!p.is_memref() || p.handle == optee::kFmemInvalidGlobalId) continue;
    uint32_t status;
    Shm* shm = shm_for(c.caller, p.handle, status);
    if (!shm || shm->mapped) return kTeeErrorBadParameters;  // not the caller's, or its argument buffer
    // The ranges land in `pages` and are trimmed there to the reference.
    bool writable = false;
    auto n = memory_->local_ranges(self_, c.caller, p.handle, pages.ranges, optee::MemrefPages::kMaxRanges, writable);
    if (!n) {
      if (!shm->pages) shm->used = false;  // never taken: forget it
      return kTeeErrorBadParameters;
    }
    shm->pages = true;
    c.held[i] = shm;
    ++shm->users;
    // A transaction of more ranges than we copy: the reference must lie in
    // the ranges we have (memref_pages fails otherwise).
    const unsigned have = *n < optee::MemrefPages::kMaxRanges ? *n : optee::MemrefPages::kMaxRanges;
    if (!optee::memref_pages(pages.ranges, have, p.offset, p.size, pages)) return kTeeErrorBadParameters;
    // GP: the TA may write an output reference; the client must have given
    // us the right to.
    pages.writable = writable && (p.type == 6 || p.type == 7);
    if (p.is_output() && !writable) return kTeeErrorBadParameters;
  }
  return 0;
}

void OpteeEndpoint::release_memrefs(Call& c) {
  for (Shm*& s : c.held) {
    if (s) --s->users;
    s = nullptr;
  }
}

void OpteeEndpoint::open_session(Call& c) {
  MsgArg& a = c.answer;
  // Two meta parameters first: the TA's UUID (value a, b as the UUID's 16
  // bytes), then the client's identity (its UUID in a, b, the login in c).
  bool ok = a.num_params >= 2;
  for (uint32_t p = 0; ok && p < 2; ++p)
    ok = a.params[p].attr == (optee::msg_attr::meta | optee::msg_attr::value_input);
  auto params = ok ? optee::client_params(a, 2) : lib::Result<optee::ClientParams, uint32_t>(kTeeErrorBadParameters);
  a.session = 0;
  if (!params) {
    a.ret = params.error();
    return;
  }
  optee::TaUuid ta;
  optee::Client client{c.caller, static_cast<uint32_t>(a.params[1].c), {}};
  for (unsigned i = 0; i < 8; ++i) {
    ta.bytes[i] = static_cast<uint8_t>(a.params[0].a >> (8 * i));
    ta.bytes[8 + i] = static_cast<uint8_t>(a.params[0].b >> (8 * i));
    client.uuid[i] = static_cast<uint8_t>(a.params[1].a >> (8 * i));
    client.uuid[8 + i] = static_cast<uint8_t>(a.params[1].b >> (8 * i));
  }
  c.params.params = *params;
  if (!tas_) {
    a.ret = kTeeErrorItemNotFound;  // no TA is installed
    return;
  }
  if (uint32_t r = resolve_memrefs(c)) {
    a.ret = r;
    return;
  }
  a.ret = tas_->open_session(client, ta, c.params, a.cancel_id, a.session, a.ret_origin);
  optee::put_client_outputs(a, 2, c.params.params);
}

void OpteeEndpoint::run_command(Call& c) {
  for (Shm*& s : c.held) s = nullptr;
  run_one_command(c);
  release_memrefs(c);
}

void OpteeEndpoint::run_one_command(Call& c) {
  MsgArg& a = c.answer;
  a.ret = kTeeErrorNotImplemented;
  a.ret_origin = kTeeOriginTee;
  const optee::Client client{c.caller, 0, {}};
  switch (a.cmd) {
    case optee_cmd::open_session:
      open_session(c);
      break;
    case optee_cmd::invoke_command: {
      auto params = optee::client_params(a, 0);
      if (!params || !tas_) {
        a.ret = params ? kTeeErrorBadParameters : params.error();  // no session exists without TAs
        break;
      }
      c.params.params = *params;
      if (uint32_t r = resolve_memrefs(c)) {
        a.ret = r;
        break;
      }
      a.ret = tas_->invoke(client, a.session, a.func, c.params, a.cancel_id, a.ret_origin);
      optee::put_client_outputs(a, 0, c.params.params);
      break;
    }
    case optee_cmd::close_session:
      a.ret = tas_ ? tas_->close_session(client, a.session, a.ret_origin) : kTeeErrorBadParameters;
      break;
    case optee_cmd::cancel:
      if (tas_) tas_->cancel(optee::CallId{c.caller, a.session, a.cancel_id});
      a.ret = 0;  // GP: a cancellation is a request, answered at once
      break;
    case optee_cmd::do_bottom_half:
    case optee_cmd::stop_async_notif:
      a.ret = optee::async_notif_command(async_, a.cmd == optee_cmd::do_bottom_half, a.num_params, c.caller.raw());
      break;
    default:
      break;
  }
}

void OpteeEndpoint::unregister_shm(ffa::EndpointId caller, const uint64_t* in, uint64_t* out) {
  const uint64_t handle = (in[1] & 0xFFFFFFFF) | (in[2] & 0xFFFFFFFF) << 32;
  for (Shm& s : shm_) {
    if (!s.used || s.handle != handle) continue;
    if (!(s.lender == caller)) break;  // someone else's: refused below, and kept
    // A call suspended in a thread still answers into it, or its TA still
    // has it mapped, or it is an RPC's buffer.
    bool in_use = s.users != 0;
    for (unsigned t = 0; threads_ && t < kMaxThreads; ++t)
      in_use = in_use || (work_[t] == Work::call && threads_->suspended(t) && calls_[t].handle == handle);
    if (in_use) {
      out[0] = kFfaDenied;
      return;
    }
    s.used = false;
    out[0] = memory_ && memory_->local_relinquish(self_, handle) ? 0 : kFfaInvalidParameters;
    return;
  }
  // Shared with us by the caller but never used in a call: nothing to give
  // back. (Linux unregisters every buffer it shared before reclaiming it.)
  out[0] = memory_ && memory_->shared_with(self_, handle, caller) ? 0 : kFfaInvalidParameters;
}

}  // namespace sel1
