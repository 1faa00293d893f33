// SPMD-to-SPMC framework messages (FF-A v1.2 section 18.3): direct requests
// with w2 bit 31 set, from the SPMD's ID 0xFFFF to the SPMC's ID.
#include "spmc/core.h"

#include "ffa/calls.h"

namespace spmc {

using ffa::Error;
using ffa::Func;

namespace {
constexpr uint32_t kTypeMask = 0xFF;
constexpr uint32_t kPsciRequest = 0;      // w3: the PSCI function
constexpr uint32_t kPowerResponse = 2;    // w3: PSCI's status
constexpr uint32_t kVersionRequest = 8;
constexpr uint32_t kVersionResponse = 9;
constexpr uint32_t kPsciCpuOff = 0x84000002;
constexpr int32_t kPsciSuccess = 0, kPsciNotSupported = -1, kPsciDenied = -3;
}  // namespace

// The SPMD is the only sender of framework messages from its side of the
// world switch; it refuses normal-world requests that claim a secure ID, so
// a request from 0xFFFF to the SPMC can only be the SPMD's.
bool Core::mp_contexts_idle_here() const {
  const unsigned me = cpu();
  for (size_t i = 0; i < partition_count_; ++i) {
    const Partition& p = partitions_[i];
    if (!p.has_contexts() || !p.mp() || me >= p.info.exec_ctx_count) continue;
    if (!p.contexts[me].idle()) return false;
  }
  return true;
}

void Core::mp_contexts_go_off() {
  const unsigned me = cpu();
  for (size_t i = 0; i < partition_count_; ++i) {
    Partition& p = partitions_[i];
    if (!p.has_contexts() || !p.mp() || me >= p.info.exec_ctx_count) continue;
    if (!p.contexts[me].waiting()) continue;
    irqs_.drop_timer(p.contexts[me]);
    p.contexts[me].power_off();
  }
}


void Core::spmd_framework_message(const ffa::Regs& in, ffa::Regs& out) {
  // Framework messages are SMC32: their argument is w3.
  const uint32_t type = ffa::calls::direct_message(in).flags & kTypeMask;
  const auto argument = static_cast<uint32_t>(ffa::calls::direct_payload(in, 0));
  const auto respond = [&](uint32_t response, uint32_t w3) {
    ffa::set_regs(out, ffa::raw(Func::msg_send_direct_resp_32),
                  ffa::EndpointPair{config_.spmc_id, ffa::kSpmdId}.w1(), kFrameworkMessageFlag | response, w3);
  };
  if (type == kPsciRequest) {
    // Power management: CPU_OFF for this CPU. A UP partition's context
    // migrates, so none is lost with the CPU; an MP partition's context
    // pinned here is, so the CPU stays on while one has work in hand, and
    // otherwise the context is cold-booted again (at its secondary entry)
    // when the CPU comes back. The placement stops its own per-CPU work,
    // or keeps the CPU.
    int32_t status = kPsciNotSupported;
    // Nothing changes unless both agree: a refusal leaves every context
    // as it was.
    if (argument == kPsciCpuOff) {
      status = mp_contexts_idle_here() && placement_.cpu_going_off() ? kPsciSuccess : kPsciDenied;
      if (status == kPsciSuccess) mp_contexts_go_off();
    }
    return respond(kPowerResponse, static_cast<uint32_t>(status));
  }
  if (type != kVersionRequest) return ffa::set_error(out, Error::not_supported);
  // The SPMD tells us the version the normal world asked for; we record
  // what it will use and answer with our own version (or NOT_SUPPORTED).
  version(nwd_, argument, out);
  respond(kVersionResponse, out.w(0));
}

}  // namespace spmc
