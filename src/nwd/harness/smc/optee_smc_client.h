// The normal world's side of the classic OP-TEE SMC ABI, as Linux's
// drivers/tee/optee/smc_abi.c speaks it: the function IDs and return codes
// (optee_smc.h), an optee_msg_arg (optee_msg.h) at a physical address in
// the normal world's DRAM, and the call loop that carries out what the
// trusted OS asks for in between (OPTEE_SMC_RETURN_RPC_*), resuming it
// with OPTEE_SMC_CALL_RETURN_FROM_RPC. No FF-A anywhere.
//
// The harness runs with its MMU off (every access Device-nGnRnE): the
// argument is read and written with aligned 32- and 64-bit accesses only.
#pragma once

#include <cstdint>

#include "arch/aarch64/conduit.h"
#include "ffa/regs.h"

namespace harness::smc {

// Function IDs (OPTEE_SMC_*).
inline constexpr uint32_t kCallsUid = 0xBF00FF01, kCallsRevision = 0xBF00FF03;
inline constexpr uint32_t kGetOsUuid = 0xB2000000, kGetOsRevision = 0xB2000001;
inline constexpr uint32_t kExchangeCapabilities = 0xB2000009;
inline constexpr uint32_t kEnableAsyncNotif = 0xB2000010, kGetAsyncNotifValue = 0xB2000011;
inline constexpr uint32_t kReturnFromRpc = 0x32000003, kCallWithArg = 0x32000004, kCallWithRpcArg = 0x32000012;
// OPTEE_SMC_RETURN_*.
inline constexpr uint64_t kOk = 0, kEresume = 3, kEnotavail = 7, kEbadaddr = 4, kEbadcmd = 5, kUnknownFunction = 0xFFFFFFFF;
inline constexpr uint64_t kRpcAlloc = 0xFFFF0000, kRpcFree = 0xFFFF0002, kRpcForeignIntr = 0xFFFF0004,
                          kRpcCmd = 0xFFFF0005;
inline bool is_rpc(uint64_t a0) { return (a0 & 0xFFFF0000) == 0xFFFF0000 && a0 <= 0xFFFFFFFF && a0 != 0xFFFFFFFF; }
// OPTEE_SMC_SEC_CAP_*.
inline constexpr uint64_t kSecCapDynamicShm = 1u << 2, kSecCapMemrefNull = 1u << 4, kSecCapAsyncNotif = 1u << 5,
                          kSecCapRpcArg = 1u << 6;
// GET_ASYNC_NOTIF_VALUE's a2; the interrupt /firmware/optee names.
inline constexpr uint64_t kAsyncValueValid = 1u << 0, kAsyncValuePending = 1u << 1;
inline constexpr unsigned kAsyncNotifIntid = 219;
// OPTEE_MSG_UID_*, OPTEE_MSG_OS_OPTEE_UUID_*, revision 2.0.
inline constexpr uint32_t kApiUid[4] = {0x384fb3e0, 0xe7f811e3, 0xaf630002, 0xa5d5c51b};
inline constexpr uint32_t kOsUuid[4] = {0x486178e0, 0xe7f811e3, 0xbc5e0002, 0xa5d5c51b};

// OPTEE_MSG_CMD_*, OPTEE_MSG_ATTR_*.
inline constexpr uint32_t kCmdOpenSession = 0, kCmdInvoke = 1, kCmdClose = 2, kCmdDoBottomHalf = 6,
                          kCmdStopAsyncNotif = 7;
inline constexpr uint64_t kAttrValueInput = 1, kAttrValueOutput = 2, kAttrValueInout = 3;
inline constexpr uint64_t kAttrTmemInput = 9, kAttrTmemOutput = 10, kAttrTmemInout = 11, kAttrMeta = 1u << 8;
// OPTEE_RPC_CMD_*.
inline constexpr uint32_t kRpcCmdLoadTa = 0;
// GP results.
inline constexpr uint32_t kTeeSuccess = 0, kTeeErrorBadParameters = 0xFFFF0006, kTeeErrorBadState = 0xFFFF0007, kTeeErrorItemNotFound = 0xFFFF0008,
                          kTeeErrorNotImplemented = 0xFFFF0009;
inline constexpr uint32_t kOriginComms = 2;

// One optee_msg_arg at a physical address (identity mapped).
class MsgArg {
 public:
  static constexpr unsigned kHeader = 32, kParamSize = 32;
  constexpr explicit MsgArg(uint64_t pa) : pa_(pa) {}
  uint64_t pa() const { return pa_; }
  // The whole argument (header and `params` parameters) to zero.
  void clear(unsigned params = 6) const {
    for (unsigned i = 0; i < (kHeader + params * kParamSize) / 8; ++i) q(i * 8) = 0;
  }
  uint32_t cmd() const { return w(0); }
  uint32_t session() const { return w(8); }
  uint32_t ret() const { return w(20); }
  uint32_t ret_origin() const { return w(24); }
  uint32_t num_params() const { return w(28); }
  void set_header(uint32_t cmd, uint32_t func, uint32_t session, uint32_t num_params) const {
    w(0) = cmd;
    w(4) = func;
    w(8) = session;
    for (unsigned off = 12; off < 28; off += 4) w(off) = 0;  // cancel_id, pad, ret, ret_origin
    w(28) = num_params;
  }
  void set_ret(uint32_t ret, uint32_t origin) const {
    w(20) = ret;
    w(24) = origin;
  }
  void set_param(unsigned i, uint64_t attr, uint64_t a, uint64_t b, uint64_t c) const {
    const unsigned o = kHeader + i * kParamSize;
    q(o) = attr;
    q(o + 8) = a;
    q(o + 16) = b;
    q(o + 24) = c;
  }
  uint64_t attr(unsigned i) const { return q(kHeader + i * kParamSize); }
  uint64_t a(unsigned i) const { return q(kHeader + i * kParamSize + 8); }
  uint64_t b(unsigned i) const { return q(kHeader + i * kParamSize + 16); }
  uint64_t c(unsigned i) const { return q(kHeader + i * kParamSize + 24); }
  // Where Linux leaves room for the RPC argument (OPTEE_SMC_SEC_CAP_RPC_ARG):
  // right after this argument, OPTEE_MSG_GET_ARG_SIZE(num_params) on.
  MsgArg rpc_arg() const { return MsgArg(pa_ + kHeader + uint64_t{num_params()} * kParamSize); }

 private:
  volatile uint32_t& w(unsigned off) const { return *reinterpret_cast<volatile uint32_t*>(pa_ + off); }
  volatile uint64_t& q(unsigned off) const { return *reinterpret_cast<volatile uint64_t*>(pa_ + off); }
  uint64_t pa_;
};

// The SMC alone.
inline ffa::Regs raw_smc(uint64_t x0, uint64_t x1 = 0, uint64_t x2 = 0, uint64_t x3 = 0, uint64_t x4 = 0,
                         uint64_t x5 = 0, uint64_t x6 = 0, uint64_t x7 = 0) {
  ffa::Regs r{{x0, x1, x2, x3, x4, x5, x6, x7}};
  arch_smc(&r);
  return r;
}

// What the trusted OS asked for during one call.
struct RpcLog {
  unsigned foreign_intr = 0;  // OPTEE_SMC_RETURN_RPC_FOREIGN_INTR
  unsigned cmds = 0;          // OPTEE_SMC_RETURN_RPC_CMD
  unsigned other = 0;         // any other RPC (ALLOC/FREE: answered "no memory")
  unsigned load_ta = 0;       // of the commands: OPTEE_RPC_CMD_LOAD_TA
  uint64_t load_ta_uuid[2] = {};
  uint32_t last_cmd = 0xFFFFFFFF;
};

// A yielding call with the argument at `arg` (CALL_WITH_RPC_ARG, as Linux
// makes it when the trusted OS offers OPTEE_SMC_SEC_CAP_RPC_ARG and the
// argument is not in registered memory), carried through its RPCs: a0 of
// the final answer.
uint64_t call_with_arg(const MsgArg& arg, RpcLog* log = nullptr, uint32_t fid = kCallWithRpcArg);

}  // namespace harness::smc
