#include "el3/smccc.h"

#include "arch/aarch64/sysreg.h"

#include "el3/psci.h"
#include "el3/spmd.h"
#include "ffa/func.h"
#include "optee/opteed.h"
#include "plat/qemu_virt/memory_map.h"

namespace el3 {
namespace {

uint64_t arch_features(uint32_t queried) {
  switch (queried) {
    case kSmcccVersion:
    case kSmcccArchFeatures:
      return 0;
    default:
      // No SMCCC_ARCH_WORKAROUND_* is offered: QEMU's CPUs need none, and
      // saying so truthfully lets the normal world skip them.
      return kSmcccNotSupported;
  }
}

}  // namespace

CpuContext* smc_dispatch(CpuContext* ctx, World from) {
  const auto fid = static_cast<uint32_t>(ctx->x[0]);
  // SMCCC: bits [23:16] of an SMC64/SMC32 fast call must be zero for the
  // ranges below; the checks on the whole ID cover that.
  if (fid == kSmcccVersion) {
    ctx->x[0] = kSmcccVersion1_2;
    return ctx;
  }
  if (fid == kSmcccArchFeatures) {
    ctx->x[0] = arch_features(static_cast<uint32_t>(ctx->x[1]));
    return ctx;
  }
  if (ffa::is_ffa_id(fid)) return spmd::handle_ffa(ctx, from);
#ifdef TESSERA_OPTEED
  // SMCCC owners 50-63, fast or yielding, SMC32 or SMC64: the trusted OS's
  // (the OP-TEE SMC ABI), and the trusted OS's own reports.
  if (optee::opteed::is_trusted_os_call(fid)) return spmd::handle_trusted_os(ctx, from);
#endif
#ifdef TESSERA_SPMC_AT_SEL2
  // The S-EL2 SPMC's host timer (plat/qemu_virt/memory_map.h says why it
  // is the secure physical timer, and why that needs the monitor).
  if (fid == plat::kSipSel2HostTimer && from == World::secure) {
    if (ctx->x[1] > 1) {
      ctx->x[0] = kSmcccInvalidParameter;
      return ctx;
    }
    if (ctx->x[1] == 1) TESSERA_SYSREG_WRITE(S3_7_C14_C2_2, ctx->x[2]);  // CNTPS_CVAL_EL1
    TESSERA_SYSREG_WRITE(S3_7_C14_C2_1, ctx->x[1]);                      // CNTPS_CTL_EL1: on (unmasked) or off
    arch::isb();
    ctx->x[0] = 0;
    return ctx;
  }
#endif
  if (fid == psci::kCpuOff && from == World::nonsecure) return spmd::cpu_off();
  // CPU_SUSPEND is the normal world's (TF-A answers the secure world's
  // PSCI calls SMC_UNK): a secure world waits for work with FFA_MSG_WAIT.
  if ((fid == psci::kCpuSuspend32 || fid == psci::kCpuSuspend64) && from != World::nonsecure) {
    ctx->x[0] = kSmcccNotSupported;
    return ctx;
  }
  if (psci::is_psci(fid)) {
    ctx->x[0] = static_cast<uint64_t>(psci::handle(fid, ctx->x[1], ctx->x[2], ctx->x[3]));
    return ctx;
  }
  ctx->x[0] = kSmcccNotSupported;
  return ctx;
}

}  // namespace el3
