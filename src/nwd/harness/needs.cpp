// What this secure world hosts, for the tests that need it (test.h,
// Needs): found by discovery alone. FFA_PARTITION_INFO_GET with a UUID and
// the count-only flag (FF-A v1.1+, no RX buffer needed): a UUID nobody
// has answers INVALID_PARAMETERS.
#include "ffa/func.h"
#include "ffa/ids.h"
#include "nwd/harness/ffa_client.h"
#include "nwd/harness/test.h"

namespace {

// UUIDs in SMCCC register order (as the manifests write them). (The S-EL1
// partitions: mp-c, up-c ... up-c6, irq-c.)
constexpr uint32_t kOptee[4] = {0xe0786148, 0xe311f8e7, 0x02005ebc, 0x1bc5d5a5};
constexpr uint32_t kEcho[4] = {0x3d7bd8f6, 0x4b3a0d16, 0x9d3a43a8, 0x0bd58a1e};
constexpr uint32_t kMpC[4] = {0x1e8c5a3d, 0x4f2b7c90, 0xa4d6e1b8, 0x5c3f7a20};
constexpr uint32_t kUpC[4] = {0x1e8c5a3d, 0x4f2b7c90, 0xa4d6e1b8, 0x5c3f7a21};
constexpr uint32_t kUpC2[4] = {0x1e8c5a3d, 0x4f2b7c90, 0xa4d6e1b8, 0x5c3f7a22};
constexpr uint32_t kUpC3[4] = {0x1e8c5a3d, 0x4f2b7c90, 0xa4d6e1b8, 0x5c3f7a23};
constexpr uint32_t kUpC4[4] = {0x1e8c5a3d, 0x4f2b7c90, 0xa4d6e1b8, 0x5c3f7a24};
constexpr uint32_t kIrqC[4] = {0x1e8c5a3d, 0x4f2b7c90, 0xa4d6e1b8, 0x5c3f7a25};
constexpr uint32_t kUpC5[4] = {0x1e8c5a3d, 0x4f2b7c90, 0xa4d6e1b8, 0x5c3f7a26};
constexpr uint32_t kUpC6[4] = {0x1e8c5a3d, 0x4f2b7c90, 0xa4d6e1b8, 0x5c3f7a27};

bool found(const uint32_t (&uuid)[4]) {
  const ffa::Regs r = harness::call(ffa::Func::partition_info_get, uuid[0], uuid[1], uuid[2], uuid[3], 1);
  return ffa::is_success(r) && r.w(2) >= 1;
}

}  // namespace

bool harness::has(Needs needs) {
  switch (needs) {
    case Needs::nothing: return true;
    case Needs::suite_endpoints: return found(kOptee) && found(kEcho);
    case Needs::sel1_c_partitions: return found(kMpC) && found(kUpC) && found(kUpC2) && found(kUpC3) && found(kUpC4) &&
                                          found(kIrqC) && found(kUpC5) && found(kUpC6);
    case Needs::mp_c: return found(kMpC);
    case Needs::trusted_os: return found(kOptee);
  }
  return false;
}
