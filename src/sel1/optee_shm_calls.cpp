// OP-TEE's yielding calls over FF-A: the argument lives in memory the
// normal world shared with us (FFA_MEM_SHARE to the trusted OS's endpoint).
// We copy the argument in, check it, run the command on the copy, and
// write back only the fields OP-TEE's answer changes, so a normal world
// that rewrites the memory meanwhile changes nothing for us.
#include "lib/bytes.h"
#include "sel1/optee_endpoint.h"

namespace sel1 {
namespace {
// optee_msg_arg field offsets.
constexpr uint32_t kCmd = 0, kSession = 8, kRet = 20, kRetOrigin = 24, kNumParams = 28;
}  // namespace

void OpteeEndpoint::yielding_call_with_arg(ffa::EndpointId caller, const uint64_t* in, uint64_t* out) {
  const uint64_t handle = (in[1] & 0xFFFFFFFF) | (in[2] & 0xFFFFFFFF) << 32;
  const uint64_t offset = in[3] & 0xFFFFFFFF;
  out[1] = 0;  // OPTEE_FFA_YIELDING_CALL_RETURN_DONE (nothing suspends yet)
  if (!memory_) {
    out[0] = kFfaDenied;
    return;
  }
  Shm* shm = nullptr;
  for (Shm& s : shm_)
    if (s.used && s.handle == handle) shm = &s;
  // Only the lender may name a handle: to anyone else it does not exist,
  // whether we hold the memory already or not. (Retrieving it on another
  // endpoint's word would already be a use.)
  if (shm ? !(shm->lender == caller) : !memory_->shared_with(self_, handle, caller)) {
    out[0] = kFfaInvalidParameters;
    return;
  }
  if (!shm) {
    for (Shm& s : shm_)
      if (!s.used && !shm) shm = &s;
    if (!shm) {
      out[0] = kFfaNoMemory;
      return;
    }
    auto share = memory_->local_retrieve(self_, handle);
    if (!share) {
      out[0] = kFfaInvalidParameters;  // not as one buffer, or not mappable
      return;
    }
    *shm = Shm{true, handle, caller, *share};
  }
  // The argument must lie inside the memory, and we must be able to answer.
  const lib::MutableByteView mem = shm->share.bytes;
  if (!shm->share.writable || offset > mem.size() || mem.size() - offset < kMsgArgHeader || (offset & 7) != 0) {
    out[0] = kFfaInvalidParameters;
    return;
  }
  uint8_t arg[kMsgArgHeader + kMsgMaxParams * kMsgParamSize];
  for (uint32_t i = 0; i < kMsgArgHeader; ++i) arg[i] = mem.data()[offset + i];
  const uint32_t num_params = *lib::ByteView(arg, sizeof(arg)).le32(kNumParams);
  const uint64_t length = kMsgArgHeader + uint64_t{num_params} * kMsgParamSize;
  if (num_params > kMsgMaxParams || length > mem.size() - offset) {
    out[0] = kFfaInvalidParameters;
    return;
  }
  for (uint64_t i = kMsgArgHeader; i < length; ++i) arg[i] = mem.data()[offset + i];
  run_command(arg, num_params);
  // Answer: ret, ret_origin and session, nothing else.
  for (uint32_t f : {kSession, kRet, kRetOrigin})
    for (uint32_t i = 0; i < 4; ++i) mem.data()[offset + f + i] = arg[f + i];
  out[0] = 0;
}

void OpteeEndpoint::run_command(uint8_t* arg, uint32_t num_params) {
  lib::MutableByteView a(arg, kMsgArgHeader + num_params * kMsgParamSize);
  const lib::ByteView r(arg, kMsgArgHeader + num_params * kMsgParamSize);
  uint32_t ret = kTeeErrorNotImplemented;
  switch (*r.le32(kCmd)) {
    case optee_cmd::open_session: {
      // Two meta parameters first: the TA's UUID, then the client's.
      bool ok = num_params >= 2;
      for (uint32_t p = 0; ok && p < 2; ++p) {
        const uint64_t attr = *r.le64(kMsgArgHeader + p * kMsgParamSize);
        ok = (attr & kMsgAttrMeta) && (attr & kMsgAttrTypeMask) == kMsgAttrValueInput;
      }
      // No Trusted Application is installed yet: no UUID is found.
      ret = ok ? kTeeErrorItemNotFound : kTeeErrorBadParameters;
      (void)a.put_le32(kSession, 0);
      break;
    }
    case optee_cmd::invoke_command:
    case optee_cmd::close_session:
      ret = kTeeErrorBadParameters;  // no session exists
      break;
    case optee_cmd::cancel:
      ret = 0;  // nothing runs that could be cancelled
      break;
    default:
      break;
  }
  (void)a.put_le32(kRet, ret);
  (void)a.put_le32(kRetOrigin, kTeeOriginTee);
}

void OpteeEndpoint::unregister_shm(ffa::EndpointId caller, const uint64_t* in, uint64_t* out) {
  const uint64_t handle = (in[1] & 0xFFFFFFFF) | (in[2] & 0xFFFFFFFF) << 32;
  for (Shm& s : shm_) {
    if (!s.used || s.handle != handle) continue;
    if (!(s.lender == caller)) break;  // someone else's: refused below, and kept
    s.used = false;
    out[0] = memory_ && memory_->local_relinquish(self_, handle) ? 0 : kFfaInvalidParameters;
    return;
  }
  // Shared with us by the caller but never used in a call: nothing to give
  // back. (Linux unregisters every buffer it shared before reclaiming it.)
  out[0] = memory_ && memory_->shared_with(self_, handle, caller) ? 0 : kFfaInvalidParameters;
}

}  // namespace sel1
