#include "nwd/harness/ffa_client.h"

#include "ffa/partition_info.h"

namespace harness {
namespace {
Buffers g_buffers;
bool g_mapped = false;
uint16_t g_tos_id = 0;
uint16_t g_spmc_id = 0;
}  // namespace

void smc(ffa::Regs& r) {
  note_call(r.x[0]);
  arch_smc(&r);
}

Buffers& buffers() { return g_buffers; }
uint64_t tx_pa() { return reinterpret_cast<uint64_t>(g_buffers.tx); }
uint64_t rx_pa() { return reinterpret_cast<uint64_t>(g_buffers.rx); }

bool ensure_rxtx_mapped() {
  if (g_mapped) return true;
  ffa::Regs r = call(ffa::Func::rxtx_map_64, tx_pa(), rx_pa(), 1);
  if (ffa::is_success(r) || (ffa::is_error(r) && ffa::error_of(r) == ffa::Error::denied)) g_mapped = true;
  return g_mapped;
}

// Tests that unmap the pair tell us through this hook.
void note_rxtx_unmapped() { g_mapped = false; }

bool discover() {
  if (g_tos_id) return true;
  ffa::Regs r = call(ffa::Func::spm_id_get);
  if (!ffa::is_success(r)) return false;
  g_spmc_id = static_cast<uint16_t>(r.w(2));
  // Count-only query by OP-TEE's UUID: no RX buffer needed.
  const ffa::Uuid& u = ffa::kOpteeUuid;
  r = call(ffa::Func::partition_info_get, u.w[0], u.w[1], u.w[2], u.w[3], ffa::kPartitionInfoCountOnly);
  if (!ffa::is_success(r) || r.w(2) != 1 || !ensure_rxtx_mapped()) return false;
  r = call(ffa::Func::partition_info_get, u.w[0], u.w[1], u.w[2], u.w[3], 0);
  if (!ffa::is_success(r)) return false;
  g_tos_id = static_cast<uint16_t>(g_buffers.rx[0] | g_buffers.rx[1] << 8);
  call(ffa::Func::rx_release);
  return true;
}

uint16_t trusted_os_id() { return g_tos_id; }
uint16_t spmc_id() { return g_spmc_id; }

uint32_t partition_count() {
  const ffa::Regs r = call(ffa::Func::partition_info_get, 0, 0, 0, 0, ffa::kPartitionInfoCountOnly);
  return ffa::is_success(r) ? r.w(2) : 0;
}

}  // namespace harness
