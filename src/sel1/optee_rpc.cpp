// OP-TEE's RPC over FF-A (optee/rpc_service.h): the request goes into the
// call's own argument memory, right after the call's argument (Linux 6.1
// reserves room for kRpcMaxParams parameters there, the count EXCHANGE_
// CAPABILITIES announced), the thread stops, the yielding call answers
// OPTEE_FFA_YIELDING_CALL_RETURN_RPC_CMD, and the normal world's
// OPTEE_FFA_YIELDING_CALL_RESUME brings the answer back. The answer is
// copied out once and checked like any argument the normal world writes.
#include "sel1/optee_endpoint.h"

namespace sel1 {

bool OpteeEndpoint::rpc(optee::RpcMsg& msg) {
  if (!threads_ || msg.num_params > optee::kRpcMaxParams) return false;
  const unsigned t = threads_->current();
  if (t >= kMaxThreads || work_[t] != Work::call) return false;
  Call& c = calls_[t];
  Shm* shm = nullptr;
  for (Shm& s : shm_)
    if (s.used && s.mapped && s.handle == c.handle) shm = &s;
  if (!shm) return false;
  lib::MutableByteView mem = shm->share.bytes;
  const uint64_t at = c.offset + optee::kMsgArgHeader + uint64_t{c.request.num_params} * optee::kMsgParamSize;
  const uint64_t room = optee::kMsgArgHeader + optee::kRpcMaxParams * optee::kMsgParamSize;
  if (at > mem.size() || mem.size() - at < room) return false;  // no room was left for it
  if (!optee::put_rpc_request(mem, at, msg)) return false;
  threads_->yield_for_rpc();
  // Resumed: the answer, as the normal world left it, in memory still ours
  // (an argument buffer cannot be given back while a call suspended in it
  // waits: unregister_shm refuses; checked again all the same).
  if (!shm->used || !shm->mapped || shm->handle != c.handle) return false;
  optee::take_rpc_answer(mem.view(), at, msg);
  return true;
}

bool OpteeEndpoint::rpc_alloc(uint64_t size, optee::RpcBuffer& out) {
  const unsigned t = threads_ ? threads_->current() : ThreadService::kNone;
  if (t >= kMaxThreads || work_[t] != Work::call || !memory_) return false;
  optee::RpcMsg m;
  m.cmd = optee::rpc_cmd::shm_alloc;
  m.num_params = 1;
  m.params[0] = optee::MsgParam{optee::msg_attr::value_input, optee::rpc_cmd::shm_type_appl, size, 0};
  if (!rpc(m) || m.ret != 0 || m.params[0].attr != optee::msg_attr::fmem_output) return false;
  const uint64_t handle = m.params[0].c;
  const uint16_t internal = static_cast<uint16_t>(m.params[0].a >> 48);
  // The memory must be the caller's, lent to us, and hold what we asked.
  uint32_t status;
  Shm* shm = shm_for(calls_[t].caller, handle, status);
  if (!shm || shm->mapped || shm->pages) return false;
  auto share = memory_->local_retrieve(self_, calls_[t].caller, handle);
  if (!share || !share->writable || share->bytes.size() < internal || share->bytes.size() - internal < size) {
    if (share) (void)memory_->local_relinquish(self_, handle);
    shm->used = false;
    return false;
  }
  shm->share = *share;
  shm->mapped = true;
  shm->rpc_buffer = true;
  ++shm->users;  // until rpc_free
  out.handle = handle;
  out.internal_offs = internal;
  out.bytes = lib::MutableByteView(share->bytes.data() + internal, size);
  return true;
}

void OpteeEndpoint::rpc_free(const optee::RpcBuffer& buffer) {
  // Ours no longer first: the normal world unregisters and reclaims it
  // while it frees it.
  for (Shm& s : shm_) {
    if (!s.used || s.handle != buffer.handle) continue;
    s.used = false;
    s.users = 0;
    (void)memory_->local_relinquish(self_, buffer.handle);
  }
  optee::RpcMsg m;
  m.cmd = optee::rpc_cmd::shm_free;
  m.num_params = 1;
  m.params[0] = optee::MsgParam{optee::msg_attr::value_input, optee::rpc_cmd::shm_type_appl, buffer.handle, 0};
  (void)rpc(m);
}

}  // namespace sel1
