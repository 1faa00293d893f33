// OP-TEE's message argument (struct optee_msg_arg, Linux's
// drivers/tee/optee/optee_msg.h), read once from the normal world's
// shared memory into a typed copy and checked there; the answer is
// written back through one encoder that touches only what OP-TEE's
// answer may change. Nothing here trusts the memory after the copy.
#pragma once

#include <cstdint>

#include "lib/bytes.h"
#include "lib/result.h"

namespace optee {

inline constexpr uint32_t kMsgArgHeader = 32, kMsgParamSize = 32, kMsgMaxParams = 6;

// OPTEE_MSG_ATTR_*: [7:0] type, bit 8 meta, bit 9 non-contiguous, [18:16] cache.
namespace msg_attr {
inline constexpr uint64_t type_mask = 0xFF, meta = 1u << 8;
inline constexpr uint64_t none = 0, value_input = 1, value_output = 2, value_inout = 3;
inline constexpr uint64_t fmem_input = 5, fmem_output = 6, fmem_inout = 7;  // FF-A memory (RMEM's numbers)
// Temporary (physical) memory: the SMC ABI's (src/sel1/optee_smc_abi.h). Its
// size is at the same place as FMEM's and RMEM's, so outputs are written alike.
inline constexpr uint64_t tmem_input = 9, tmem_output = 10, tmem_inout = 11;
}  // namespace msg_attr
// An FF-A memory reference with no memory: GP's null memref (size only).
inline constexpr uint64_t kFmemInvalidGlobalId = ~uint64_t{0};

struct MsgParam {
  uint64_t attr;
  uint64_t a, b, c;  // value a/b/c, or fmem {offs_low|offs_high<<32|internal_offs<<48, size, global_id}
};

struct MsgArg {
  uint32_t cmd, func, session, cancel_id, ret, ret_origin, num_params;
  MsgParam params[kMsgMaxParams];
};

// Reads the argument at `offset` in `mem`: it must be 8-byte aligned, and
// its header and num_params parameters (at most 6) must lie inside.
// Failure is the FF-A status OP-TEE answers with: INVALID_PARAMETERS.
enum class ArgError { outside, misaligned, too_many_params };
lib::Result<MsgArg, ArgError> read_msg_arg(lib::ByteView mem, uint64_t offset);

// Writes `answer`'s session, ret, ret_origin and, for each parameter of
// `request` that is an output, its value (a, b, c) or its memory
// reference's size. The rest of the memory is left as the client wrote it.
void write_msg_answer(lib::MutableByteView mem, uint64_t offset, const MsgArg& request, const MsgArg& answer);

// A client's parameter as the trusted OS passes it to a TA, in the GP
// model (TEE_PARAM_TYPE_*). A memory reference names FF-A shared memory:
// the transaction `handle` and a byte range in it.
struct ClientParam {
  uint8_t type = 0;
  uint32_t a = 0, b = 0;
  uint64_t handle = 0, offset = 0, size = 0;  // memref; handle kFmemInvalidGlobalId: null
  bool is_memref() const { return type >= 5; }
  bool is_output() const { return type == 2 || type == 3 || type == 6 || type == 7; }
};
struct ClientParams {
  ClientParam p[4];
  uint32_t types() const {
    return p[0].type | uint32_t{p[1].type} << 4 | uint32_t{p[2].type} << 8 | uint32_t{p[3].type} << 12;
  }
};

// The client's parameters `params[first, num_params)` (after OPEN_SESSION's
// two meta parameters, say): at most four, no meta bit, types none, value
// or FF-A memory. Anything else is TEE_ERROR_BAD_PARAMETERS.
lib::Result<ClientParams, uint32_t> client_params(const MsgArg& arg, unsigned first);
// The outputs of `out` into `arg`'s parameters from `first` on (values,
// memory reference sizes).
void put_client_outputs(MsgArg& arg, unsigned first, const ClientParams& out);

}  // namespace optee
