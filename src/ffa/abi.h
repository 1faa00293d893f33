// The FF-A calls this SPMC answers, one entry each (FF-A v1.2 chapters
// 13-17): who may make it and which of x1-x7 carry its parameters. The
// core reads every call through this table once, before any handler sees
// it (Core::handle_nwd_call, Core::dispatch_sp_call): a call the caller
// may not make, or makes before the version that brought it
// (ffa::min_version), is NOT_SUPPORTED; one with a reserved register set
// is INVALID_PARAMETERS. FFA_FEATURES answers from the same table.
//
// Widths: an SMC32 call's parameters are 32-bit, and SMCCC has the callee
// ignore the upper halves of its registers, so only their lower halves
// are read, reserved ones included. x8-x17 are parameters of the calls
// that define them (DIRECT_REQ2/RESP2, CONSOLE_LOG_64, and the answer of
// PARTITION_INFO_GET_REGS) and are not checked for the others: SMCCC v1.2
// callers need not clear registers a call does not use beyond x7.
#pragma once

#include <array>
#include <cstdint>

#include "ffa/func.h"
#include "ffa/regs.h"

namespace ffa::abi {

// Who may make a call.
inline constexpr uint8_t kNwd = 1u << 0;  // the normal world (through the SPMD)
inline constexpr uint8_t kSp = 1u << 1;   // a partition

// x1 to x`params` carry a call's parameters; the rest of x1-x7 are
// reserved (MBZ). Every call's parameters come first, so a count says it.
struct Abi {
  Func func;
  uint8_t callers;
  uint8_t params;
};

// {function, who may call it, how many of x1-x7 carry its parameters}.
// FFA_ERROR, FFA_SUCCESS and FFA_INTERRUPT are answers, never calls made
// to the SPMC: they are listed for FFA_FEATURES, which reports them, and
// their handlers answer NOT_SUPPORTED.
inline constexpr Abi kAbis[] = {
    {Func::error, kNwd | kSp, 7},
    {Func::success_32, kNwd | kSp, 7},
    {Func::success_64, kNwd | kSp, 7},
    {Func::interrupt, kSp, 7},
    // FFA_VERSION answers in w0 alone and has no error form: w2-w7 are
    // left unread rather than refused.
    {Func::version, kNwd | kSp, 7},
    // FFA_FEATURES has one error, NOT_SUPPORTED, for whatever it cannot
    // answer: its handlers refuse a set w3-w7 with that themselves
    // (features_reserved_set), not with INVALID_PARAMETERS.
    {Func::features, kNwd | kSp, 7},
    {Func::rx_release, kNwd | kSp, 1},  // w1: a VM's ID (hypervisors)
    {Func::rxtx_map_32, kNwd | kSp, 3},
    {Func::rxtx_map_64, kNwd | kSp, 3},
    {Func::rxtx_unmap, kNwd | kSp, 1},  // w1[31:16]: whose
    {Func::partition_info_get, kNwd | kSp, 5},  // UUID, flags
    {Func::id_get, kNwd | kSp, 0},
    {Func::msg_wait, kSp, 2},  // w2: flags
    {Func::yield, kSp, 3},  // w2, w3: timeout
    {Func::run, kNwd, 1},
    {Func::msg_send_direct_req_32, kNwd | kSp, 7},
    {Func::msg_send_direct_req_64, kNwd | kSp, 7},
    {Func::msg_send_direct_resp_32, kSp, 7},
    {Func::msg_send_direct_resp_64, kSp, 7},
    {Func::mem_donate_32, kNwd | kSp, 4},  // lengths, buffer, its pages
    {Func::mem_donate_64, kNwd | kSp, 4},
    {Func::mem_lend_32, kNwd | kSp, 4},
    {Func::mem_lend_64, kNwd | kSp, 4},
    {Func::mem_share_32, kNwd | kSp, 4},
    {Func::mem_share_64, kNwd | kSp, 4},
    {Func::mem_retrieve_req_32, kSp, 4},
    {Func::mem_retrieve_req_64, kSp, 4},
    {Func::mem_relinquish, kSp, 0},  // its descriptor is in the TX buffer
    {Func::mem_reclaim, kNwd | kSp, 3},  // handle, flags
    {Func::mem_frag_rx, kSp, 4},  // handle, offset, ID
    {Func::mem_frag_tx, kNwd | kSp, 4},  // handle, length, ID
    {Func::notification_bitmap_create, kNwd, 2},
    {Func::notification_bitmap_destroy, kNwd, 1},
    {Func::notification_bind, kNwd | kSp, 4},
    {Func::notification_unbind, kNwd | kSp, 4},
    {Func::notification_set, kNwd | kSp, 4},
    {Func::notification_get, kNwd | kSp, 2},
    {Func::notification_info_get_32, kNwd, 0},
    {Func::notification_info_get_64, kNwd, 0},
    {Func::spm_id_get, kNwd | kSp, 0},
    {Func::msg_send2, kNwd | kSp, 2},  // w1: a VM sender (hypervisors), w2: flags
    {Func::secondary_ep_register_32, kSp, 1},
    {Func::secondary_ep_register_64, kSp, 1},
    {Func::mem_perm_get_32, kSp, 1},  // x1: address (w2, FF-A v1.3's page count, is reserved in v1.2)
    {Func::mem_perm_get_64, kSp, 1},
    {Func::mem_perm_set_32, kSp, 3},
    {Func::mem_perm_set_64, kSp, 3},
    {Func::console_log_32, kSp, 7},
    {Func::console_log_64, kSp, 7},
    {Func::partition_info_get_regs, kNwd | kSp, 3},  // UUID, index and tag
    {Func::msg_send_direct_req2, kNwd | kSp, 7},
    {Func::msg_send_direct_resp2, kSp, 7},
};

namespace detail {
inline constexpr uint8_t kNone = 0xFF;
// Where a function ID's entry is: by width (SMC64 in the upper half) and
// function number (0x60-0x9F).
constexpr std::array<uint8_t, 128> index() {
  std::array<uint8_t, 128> t{};
  for (uint8_t& i : t) i = kNone;
  for (unsigned k = 0; k < sizeof(kAbis) / sizeof(kAbis[0]); ++k) {
    const uint32_t fid = raw(kAbis[k].func);
    t[(is_smc64(fid) ? 64 : 0) + (fid & 0xFF) - 0x60] = static_cast<uint8_t>(k);
  }
  return t;
}
inline constexpr std::array<uint8_t, 128> kIndex = index();
}  // namespace detail

// The entry for function ID `fid`, or null: not an FF-A call this SPMC
// answers (another SMCCC owner's, an unknown FF-A number, a width the
// call does not have).
constexpr const Abi* find(uint32_t fid) {
  if ((fid & 0xBFFFFF00u) != 0x84000000u) return nullptr;
  const uint32_t nn = fid & 0xFF;
  if (nn < 0x60 || nn > 0x9F) return nullptr;
  const uint8_t k = detail::kIndex[(is_smc64(fid) ? 64 : 0) + nn - 0x60];
  return k == detail::kNone ? nullptr : &kAbis[k];
}

// Whether `caller` (kNwd or kSp) at version `v` may make call `a`.
constexpr bool allowed(const Abi& a, uint8_t caller, Version v) {
  return (a.callers & caller) != 0 && v >= min_version(a.func);
}

// FFA_FEATURES' reserved registers, w3-w7 (an SMC32 call: lower halves):
// whether any is set, which it answers NOT_SUPPORTED.
constexpr bool features_reserved_set(const Regs& in) {
  return (in.w(3) | in.w(4) | in.w(5) | in.w(6) | in.w(7)) != 0;
}

// Whether every reserved register of x1-x7 is zero in `in` (the lower
// halves only for an SMC32 call). On every call's path: one OR per
// reserved register, no loop.
constexpr bool reserved_clear(const Abi& a, const Regs& in) {
  uint64_t set = 0;
  switch (a.params) {
    case 0: set |= in.x[1]; [[fallthrough]];
    case 1: set |= in.x[2]; [[fallthrough]];
    case 2: set |= in.x[3]; [[fallthrough]];
    case 3: set |= in.x[4]; [[fallthrough]];
    case 4: set |= in.x[5]; [[fallthrough]];
    case 5: set |= in.x[6]; [[fallthrough]];
    case 6: set |= in.x[7]; break;
    default: return true;
  }
  return (is_smc64(raw(a.func)) ? set : set & 0xFFFFFFFFull) == 0;
}

}  // namespace ffa::abi
