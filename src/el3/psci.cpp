#include "el3/psci.h"

#include "el3/smccc.h"
#include "lib/log.h"
#include "plat/qemu_virt/power.h"

namespace el3::psci {
namespace {

// PSCI_FEATURES: 0 for what we implement (no feature flags for these),
// NOT_SUPPORTED for the rest. CPU_ON/CPU_OFF/AFFINITY_INFO join with SMP.
int64_t features(uint32_t queried) {
  switch (queried) {
    case kVersion:
    case kFeatures:
    case kSystemOff:
    case kSystemReset:
    case kSmcccVersion:  // how Linux learns that SMCCC_VERSION exists
      return kSuccess;
    default:
      return kNotSupported;
  }
}

}  // namespace

int64_t handle(uint32_t fid, uint64_t x1) {
  switch (fid) {
    case kVersion:
      return 0x10001;  // PSCI 1.1
    case kFeatures:
      return features(static_cast<uint32_t>(x1));
    case kSystemOff:
      lib::log::info("PSCI SYSTEM_OFF");
      plat::system_off();
    case kSystemReset:
      lib::log::info("PSCI SYSTEM_RESET");
      plat::system_reset();
    default:
      return kNotSupported;
  }
}

}  // namespace el3::psci
