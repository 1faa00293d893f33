#include "nwd/harness/smc/optee_smc_client.h"

namespace harness::smc {

namespace {
// The stand-in supplicant's whole repertoire: LOAD_TA of a TA this normal
// world does not have (every UUID: there is no file system) answers
// TEE_ERROR_ITEM_NOT_FOUND, as tee-supplicant does for a missing file;
// anything else is not implemented.
void serve_rpc_cmd(const MsgArg& rpc, RpcLog& log) {
  ++log.cmds;
  log.last_cmd = rpc.cmd();
  if (rpc.cmd() == kRpcCmdLoadTa && rpc.num_params() == 2) {
    ++log.load_ta;
    log.load_ta_uuid[0] = rpc.a(0);
    log.load_ta_uuid[1] = rpc.b(0);
    rpc.set_ret(kTeeErrorItemNotFound, 0);
    return;
  }
  rpc.set_ret(kTeeErrorNotImplemented, kOriginComms);
}
}  // namespace

uint64_t call_with_arg(const MsgArg& arg, RpcLog* log, uint32_t fid) {
  RpcLog scratch;
  RpcLog& l = log ? *log : scratch;
  ffa::Regs r = raw_smc(fid, arg.pa() >> 32, arg.pa() & 0xFFFFFFFF);
  // Bounded: a trusted OS that never finishes fails the test, not the run.
  for (unsigned rounds = 0; is_rpc(r.x[0]) && rounds < 100000; ++rounds) {
    if (r.x[0] == kRpcForeignIntr) {
      ++l.foreign_intr;  // the interrupt was taken on the way back here
    } else if (r.x[0] == kRpcCmd) {
      // Where the trusted OS wrote its request: the room after the
      // argument (only read once there is one: a hostile test's argument
      // may not be ours to read).
      serve_rpc_cmd(arg.rpc_arg(), l);
    } else {
      ++l.other;
      if (r.x[0] == kRpcAlloc) r.x[1] = r.x[2] = 0;  // no memory (Linux: a1 = a2 = 0 on failure)
    }
    r = raw_smc(kReturnFromRpc, r.x[1], r.x[2], r.x[3]);
  }
  return r.x[0];
}

}  // namespace harness::smc
