#include "optee/rpc_service.h"

namespace optee {

bool put_rpc_request(lib::MutableByteView mem, uint64_t at, const RpcMsg& msg) {
  if (msg.num_params > kRpcMaxParams) return false;
  bool ok = mem.put_le32(at + 0, msg.cmd) && mem.put_le32(at + 4, 0) && mem.put_le64(at + 8, 0) &&
            mem.put_le64(at + 16, 0) && mem.put_le32(at + 24, 0) && mem.put_le32(at + 28, msg.num_params);
  for (uint32_t i = 0; ok && i < msg.num_params; ++i) {
    const uint64_t p = at + kMsgArgHeader + i * kMsgParamSize;
    ok = mem.put_le64(p, msg.params[i].attr) && mem.put_le64(p + 8, msg.params[i].a) &&
         mem.put_le64(p + 16, msg.params[i].b) && mem.put_le64(p + 24, msg.params[i].c);
  }
  return ok;
}

void take_rpc_answer(lib::ByteView mem, uint64_t at, RpcMsg& msg) {
  // read_msg_arg copies every field once: the normal world may rewrite the
  // memory meanwhile, and nothing is read past the request.
  auto answer = read_msg_arg(mem, at);
  if (!answer || answer->num_params != msg.num_params || answer->cmd != msg.cmd) {
    msg.ret = kTeeErrorCommunication;
    msg.ret_origin = kTeeOriginComms;
    return;
  }
  msg.ret = answer->ret;
  msg.ret_origin = answer->ret_origin;
  for (uint32_t i = 0; i < msg.num_params; ++i) msg.params[i] = answer->params[i];
}

}  // namespace optee
