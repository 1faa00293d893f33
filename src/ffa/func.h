// FF-A function IDs (FF-A v1.2, Table 13.x "Function IDs"), as one enum so
// that a reader with the specification open finds each call by its name.
// SMC32 IDs are 0x840000NN; SMC64 IDs are 0xC40000NN.
#pragma once

#include <cstdint>

#include "ffa/version.h"

namespace ffa {

enum class Func : uint32_t {
  error = 0x84000060,
  success_32 = 0x84000061,
  success_64 = 0xC4000061,
  interrupt = 0x84000062,
  version = 0x84000063,
  features = 0x84000064,
  rx_release = 0x84000065,
  rxtx_map_32 = 0x84000066,
  rxtx_map_64 = 0xC4000066,
  rxtx_unmap = 0x84000067,
  partition_info_get = 0x84000068,
  id_get = 0x84000069,
  msg_poll = 0x8400006A,
  msg_wait = 0x8400006B,
  yield = 0x8400006C,
  run = 0x8400006D,
  msg_send = 0x8400006E,
  msg_send_direct_req_32 = 0x8400006F,
  msg_send_direct_req_64 = 0xC400006F,
  msg_send_direct_resp_32 = 0x84000070,
  msg_send_direct_resp_64 = 0xC4000070,
  mem_donate_32 = 0x84000071,
  mem_donate_64 = 0xC4000071,
  mem_lend_32 = 0x84000072,
  mem_lend_64 = 0xC4000072,
  mem_share_32 = 0x84000073,
  mem_share_64 = 0xC4000073,
  mem_retrieve_req_32 = 0x84000074,
  mem_retrieve_req_64 = 0xC4000074,
  mem_retrieve_resp = 0x84000075,
  mem_relinquish = 0x84000076,
  mem_reclaim = 0x84000077,
  mem_op_pause = 0x84000078,
  mem_op_resume = 0x84000079,
  mem_frag_rx = 0x8400007A,
  mem_frag_tx = 0x8400007B,
  normal_world_resume = 0x8400007C,
  // v1.1
  notification_bitmap_create = 0x8400007D,
  notification_bitmap_destroy = 0x8400007E,
  notification_bind = 0x8400007F,
  notification_unbind = 0x84000080,
  notification_set = 0x84000081,
  notification_get = 0x84000082,
  notification_info_get_32 = 0x84000083,
  notification_info_get_64 = 0xC4000083,
  rx_acquire = 0x84000084,
  spm_id_get = 0x84000085,
  msg_send2 = 0x84000086,
  secondary_ep_register_32 = 0x84000087,
  secondary_ep_register_64 = 0xC4000087,
  mem_perm_get_32 = 0x84000088,
  mem_perm_get_64 = 0xC4000088,
  mem_perm_set_32 = 0x84000089,
  mem_perm_set_64 = 0xC4000089,
  // v1.2
  console_log_32 = 0x8400008A,
  console_log_64 = 0xC400008A,
  partition_info_get_regs = 0xC400008B,
  el3_intr_handle = 0x8400008C,
  msg_send_direct_req2 = 0xC400008D,
  msg_send_direct_resp2 = 0xC400008E,
};

// Every function ID above, for tables and conformance checks.
inline constexpr Func kAllFuncs[] = {
    Func::error,
    Func::success_32,
    Func::success_64,
    Func::interrupt,
    Func::version,
    Func::features,
    Func::rx_release,
    Func::rxtx_map_32,
    Func::rxtx_map_64,
    Func::rxtx_unmap,
    Func::partition_info_get,
    Func::id_get,
    Func::msg_poll,
    Func::msg_wait,
    Func::yield,
    Func::run,
    Func::msg_send,
    Func::msg_send_direct_req_32,
    Func::msg_send_direct_req_64,
    Func::msg_send_direct_resp_32,
    Func::msg_send_direct_resp_64,
    Func::mem_donate_32,
    Func::mem_donate_64,
    Func::mem_lend_32,
    Func::mem_lend_64,
    Func::mem_share_32,
    Func::mem_share_64,
    Func::mem_retrieve_req_32,
    Func::mem_retrieve_req_64,
    Func::mem_retrieve_resp,
    Func::mem_relinquish,
    Func::mem_reclaim,
    Func::mem_op_pause,
    Func::mem_op_resume,
    Func::mem_frag_rx,
    Func::mem_frag_tx,
    Func::normal_world_resume,
    Func::notification_bitmap_create,
    Func::notification_bitmap_destroy,
    Func::notification_bind,
    Func::notification_unbind,
    Func::notification_set,
    Func::notification_get,
    Func::notification_info_get_32,
    Func::notification_info_get_64,
    Func::rx_acquire,
    Func::spm_id_get,
    Func::msg_send2,
    Func::secondary_ep_register_32,
    Func::secondary_ep_register_64,
    Func::mem_perm_get_32,
    Func::mem_perm_get_64,
    Func::mem_perm_set_32,
    Func::mem_perm_set_64,
    Func::console_log_32,
    Func::console_log_64,
    Func::partition_info_get_regs,
    Func::el3_intr_handle,
    Func::msg_send_direct_req2,
    Func::msg_send_direct_resp2,
};

constexpr uint32_t raw(Func f) { return static_cast<uint32_t>(f); }

// Any FF-A function ID, 32 or 64 bit, lies in 0x60..0xFF of the standard
// secure service range (SMCCC owner 4).
constexpr bool is_ffa_id(uint32_t fid) {
  uint32_t low = fid & 0xFFFF;
  return (fid & 0xBFFF0000u) == 0x84000000u && low >= 0x60 && low <= 0xFF;
}
constexpr bool is_smc64(uint32_t fid) { return (fid & 0x40000000u) != 0; }

// The FF-A version that introduced a function (arm-ffa crate's idea): a
// caller that negotiated an older version does not see newer calls.
constexpr Version min_version(Func f) {
  uint32_t nn = raw(f) & 0xFF;
  if (nn <= 0x7C) return kVersion1_0;
  if (nn <= 0x89) return kVersion1_1;
  return kVersion1_2;
}

// Every function this enum names (for FFA_FEATURES tables and tests).
bool is_known(uint32_t fid);

}  // namespace ffa
