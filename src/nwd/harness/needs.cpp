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
// The suite's other S-EL0 partitions, which its tests use by ID.
constexpr uint32_t kSuiteSel0[][4] = {
    {0x6ac3a14d, 0x4f7c2a8e, 0x93b1d55a, 0x1c0e4b27},  // hostile-a
    {0x6ac3a14d, 0x4f7c2a8e, 0x93b1d55a, 0x2c0e4b28},  // hostile-b
    {0x8f0e3b52, 0x45e1a2d1, 0x8b3f6c70, 0x19a4e2d6},  // foreign-c
    {0x2f1c6e0a, 0x4d5b9c31, 0xa7e8f210, 0x63b9d4c5},  // keystore
    {0x5b8e2c41, 0x4a7d9e03, 0xb62f18c4, 0x7d90a3e5},  // gpio-driver
    {0x3c1d9a5e, 0x4b7f22c0, 0x9e51d7a3, 0x0f6b48e1},  // ported-c
};
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

// The trusted OS and all seven S-EL0 partitions: the suite's tests (TEST)
// use them by ID, so a configuration with fewer (sel1-spmc-1p) skips them.
bool suite_endpoints() {
  if (!found(kOptee) || !found(kEcho)) return false;
  for (const auto& uuid : kSuiteSel0)
    if (!found(uuid)) return false;
  return true;
}

}  // namespace

bool harness::has(Needs needs) {
  switch (needs) {
    case Needs::nothing: return true;
    case Needs::suite_endpoints: return suite_endpoints();
    case Needs::sel1_c_partitions: return found(kMpC) && found(kUpC) && found(kUpC2) && found(kUpC3) && found(kUpC4) &&
                                          found(kIrqC) && found(kUpC5) && found(kUpC6);
    case Needs::mp_c: return found(kMpC);
    case Needs::trusted_os: return found(kOptee);
    case Needs::sel0_echo: return found(kEcho);
  }
  return false;
}
