// Remote procedure calls from the trusted OS to the normal world, OP-TEE's
// way: a call in one of the trusted OS's threads stops with a request
// (struct optee_msg_arg, in the memory of the call's own argument), the
// normal world's driver or tee-supplicant carries it out and resumes the
// call with the answer. Storage (REE FS), shared-memory allocation and
// time go through here. The FF-A front end (src/sel1/optee_endpoint.h) and
// the SMC front end (src/sel1/optee_smc_abi.h) implement it; tests bring
// their own.
#pragma once

#include <cstdint>

#include "lib/bytes.h"
#include "optee/msg_arg.h"

namespace optee {

// OPTEE_RPC_CMD_* (OP-TEE's optee_rpc_cmd.h) and the REE FS operations
// (OPTEE_MRF_*, tee-supplicant's tee_supp_fs.c).
namespace rpc_cmd {
inline constexpr uint32_t fs = 2, get_time = 3, notification = 4, suspend = 5, shm_alloc = 6, shm_free = 7;
inline constexpr uint64_t notification_wait = 0, notification_send = 1;  // value a of NOTIFICATION
inline constexpr uint64_t shm_type_appl = 0;  // memory tee-supplicant can reach
}  // namespace rpc_cmd
namespace mrf {
inline constexpr uint64_t open = 0, create = 1, close = 2, read = 3, write = 4, truncate = 5, remove = 6, rename = 7;
}  // namespace mrf

inline constexpr unsigned kRpcMaxParams = 4;

struct RpcMsg {
  uint32_t cmd = 0;
  uint32_t ret = 0, ret_origin = 0;
  uint32_t num_params = 0;
  MsgParam params[kRpcMaxParams] = {};
};

// Normal-world memory an RPC allocated (OPTEE_RPC_CMD_SHM_ALLOC): the
// normal world's name for it (an FF-A handle, or over the SMC ABI the
// shm_ref cookie Linux answered, sent back unchanged), where the buffer
// starts in its first page (internal_offs, FF-A only), and the trusted
// OS's mapping of the buffer.
struct RpcBuffer {
  // How memory references to it are encoded: FF-A's FMEM { offs_low/high,
  // internal_offs; size; global_id } or the SMC ABI's registered-memory
  // RMEM { offs; size; shm_ref } (the attribute values are the same).
  enum class Kind : uint8_t { ffa_fmem, smc_rmem };
  uint64_t handle = 0;
  uint16_t internal_offs = 0;
  Kind kind = Kind::ffa_fmem;
  lib::MutableByteView bytes;
  // A memory reference to [offset, offset + size) of this buffer.
  MsgParam memref(uint64_t attr, uint64_t offset, uint64_t size) const {
    if (kind == Kind::smc_rmem) return MsgParam{attr, offset, size, handle};
    return MsgParam{attr, (offset & 0xFFFFFFFFFFFF) | uint64_t{internal_offs} << 48, size, handle};
  }
};

// Both front ends' encoding of a request and decoding of its answer: the
// request as a struct optee_msg_arg at `at` in `mem` (false when it does
// not fit); the answer read back once into `msg` (ret, ret_origin and the
// parameters). An answer that is not the request's command with its
// parameter count is TEE_ERROR_COMMUNICATION from the communication layer.
inline constexpr uint32_t kTeeErrorCommunication = 0xFFFF000E, kTeeOriginComms = 2;
bool put_rpc_request(lib::MutableByteView mem, uint64_t at, const RpcMsg& msg);
void take_rpc_answer(lib::ByteView mem, uint64_t at, RpcMsg& msg);

class RpcService {
 public:
  // From inside a call's thread: the normal world carries out `msg`; its
  // answer replaces ret, ret_origin and the parameters. False when there
  // is no call to carry it (then nothing was sent).
  virtual bool rpc(RpcMsg& msg) = 0;
  // `size` bytes of normal-world memory tee-supplicant can use, mapped
  // for us; and back.
  virtual bool rpc_alloc(uint64_t size, RpcBuffer& out) = 0;
  virtual void rpc_free(const RpcBuffer& buffer) = 0;
  // A null memory reference (a size only: LOAD_TA's size query) as this
  // front end encodes it: FF-A's FMEM with the invalid global ID, the SMC
  // ABI's RMEM with shm_ref 0 (what Linux takes for "no buffer").
  virtual MsgParam null_memref(uint64_t attr) const { return MsgParam{attr, 0, 0, kFmemInvalidGlobalId}; }

 protected:
  ~RpcService() = default;
};

}  // namespace optee
