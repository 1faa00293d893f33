// The normal-world test harness: shows the FF-A exchange a user would see
// first (discovery, a request the trusted OS answers), runs the conformance
// suite, the benchmarks, and powers off.
#include "ffa/partition_info.h"
#include "nwd/harness/bench.h"
#include "nwd/harness/dtb.h"
#include "arch/aarch64/sysreg.h"
#include "nwd/harness/ffa_client.h"
#include "nwd/harness/gic.h"
#include "nwd/harness/test.h"

namespace {

using harness::call;
using harness::printf;

uint32_t rx_le32(unsigned off) {
  const uint8_t* b = harness::buffers().rx + off;
  return b[0] | b[1] << 8 | b[2] << 16 | uint32_t{b[3]} << 24;
}

void print_uuid(const uint32_t w[4]) {
  // Words hold the RFC 4122 bytes little-endian; print them in order.
  uint8_t b[16];
  for (unsigned i = 0; i < 16; ++i) b[i] = static_cast<uint8_t>(w[i / 4] >> (8 * (i % 4)));
  for (unsigned i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) printf("-");
    printf("{:02x}", b[i]);
  }
}

// What `./tessera run` shows: the partitions found and an answered request.
void demo_secure_driver(uint32_t tos);
void demo_partition_driver();

void demo() {
  printf("# --- FF-A at work ---\n");
  ffa::Regs v = call(ffa::Func::version, ffa::kVersion1_2.word());
  printf("# FFA_VERSION(1.2) -> {}.{}\n", v.w(0) >> 16, v.w(0) & 0xFFFF);
  ffa::Regs id = call(ffa::Func::spm_id_get);
  printf("# FFA_SPM_ID_GET -> SPMC ID {:x}\n", id.w(2));
  if (!harness::ensure_rxtx_mapped()) {
    printf("# FFA_RXTX_MAP failed\n");
    return;
  }
  ffa::Regs r = call(ffa::Func::partition_info_get);
  if (!ffa::is_success(r)) {
    printf("# FFA_PARTITION_INFO_GET failed: error {}\n", harness::error_code(r));
    return;
  }
  const uint32_t count = r.w(2), size = r.w(3);
  printf("# FFA_PARTITION_INFO_GET -> {} partition(s), {}-byte descriptors\n", count, size);
  for (uint32_t i = 0; i < count; ++i) {
    const unsigned off = i * size;
    uint32_t uuid[4] = {rx_le32(off + 8), rx_le32(off + 12), rx_le32(off + 16), rx_le32(off + 20)};
    printf("#   partition {:x}: {} execution context(s), properties {:x}, uuid ", rx_le32(off) & 0xFFFF,
           rx_le32(off) >> 16, rx_le32(off + 4));
    print_uuid(uuid);
    printf("\n");
  }
  call(ffa::Func::rx_release);
  if (!harness::discover()) return;
  const uint32_t tos = harness::trusted_os_id();
  ffa::Regs api = call(ffa::Func::msg_send_direct_req_32, tos, 0, 0);
  printf("# DIRECT_REQ {:x} -> {:x}: OP-TEE GET_API_VERSION -> {}.{}\n", 0, tos, api.w(3), api.w(4));
  ffa::Regs os = call(ffa::Func::msg_send_direct_req_32, tos, 0, 1);
  printf("# DIRECT_REQ {:x} -> {:x}: OP-TEE GET_OS_VERSION -> {}.{} (build {:x})\n", 0, tos, os.w(3), os.w(4),
         os.w(5));
  // One request to every endpoint found: each answers, or says why not
  // (the hostile partitions were crashed on purpose by the tests above).
  if (ffa::is_success(call(ffa::Func::partition_info_get_regs, 0, 0, 0))) {
    for (uint16_t id : {uint16_t{0x8001}, uint16_t{0x8002}, uint16_t{0x8003}, uint16_t{0x8004}, uint16_t{0x8005},
                        uint16_t{0x8006}, uint16_t{0x8007}}) {
      ffa::Regs a = call(ffa::Func::msg_send_direct_req_32, id, 0, 7);
      if (ffa::is_error(a)) {
        printf("#   request to {:x}: FFA_ERROR {}\n", id, ffa::to_string(ffa::error_of(a)));
      } else {
        printf("#   request to {:x}: answered, x3 = {:x}\n", id, a.w(3));
      }
    }
  }
  // A request served by an S-EL0 partition (the echo partition, 0x8001).
  ffa::Regs echo = call(ffa::Func::msg_send_direct_req_64, 0x8001, 0, 0x7E55E4A, 0xF0F0, 0xCAFE);
  printf("# DIRECT_REQ {:x} -> {:x} (S-EL0 echo): payload {:x} {:x} {:x} -> answer {:x} {:x} {:x}\n", 0, 0x8001,
         0x7E55E4A, 0xF0F0, 0xCAFE, echo.x[3], echo.x[4], echo.x[5]);
  // The key store (0x8005): derive a key into slot 0, MAC a message with it.
  call(ffa::Func::msg_send_direct_req_64, 0x8005, 0, 1 /* DERIVE */, 0, 0x1234);
  ffa::Regs mac = call(ffa::Func::msg_send_direct_req_64, 0x8005, 0, 2 /* HMAC */, 0, 1, 2, 3);
  printf("# DIRECT_REQ {:x} -> {:x} (S-EL0 keystore): HMAC-SHA256 with key slot 0 -> {:016x}{:016x}...\n", 0,
         0x8005, mac.x[4], mac.x[5]);
  demo_secure_driver(tos);
  demo_partition_driver();
  printf("# --- end of demo ---\n");
}

// FF-A's driver pattern with the trusted OS's secure timer: interrupt, top
// half, notification, schedule receiver interrupt, bottom half.
void demo_secure_driver(uint32_t tos) {
  const ffa::Regs sri = call(ffa::Func::features, 2);
  if (!ffa::is_success(sri)) return;
  const unsigned sgi = sri.w(2);
  harness::gic::enable_sgi(sgi);
  constexpr uint64_t kId = 1ull << 62;
  call(ffa::Func::notification_bitmap_create, 0, 1);  // unless the tests did
  call(ffa::Func::notification_bind, tos << 16, 0, 0, kId >> 32);
  const unsigned before = harness::gic::taken(sgi);
  ffa::Regs r = call(ffa::Func::msg_send_direct_req_64, tos, 0, 0xFFFF5354, arch::cntfrq() / 1000, 0, kId >> 32);
  printf("# secure timer armed for 1 ms (trusted OS {:x}), normal world waits in WFI: {}\n", tos,
         r.x[3] == 0 ? "ok" : "refused");
  (void)harness::gic::wait_taken(sgi, before, arch::cntfrq());  // a loaded host can raise the timer late
  if (harness::gic::taken(sgi) == before) {
    printf("#   no schedule receiver interrupt came\n");
    return;
  }
  printf("#   schedule receiver interrupt (SGI {}) taken: the top half ran and set a notification\n", sgi);
  r = call(ffa::Func::notification_info_get_64);
  printf("#   FFA_NOTIFICATION_INFO_GET -> {} list(s), first endpoint {:x}\n", (r.w(2) >> 7) & 0x1F,
         r.x[3] & 0xFFFF);
  r = call(ffa::Func::notification_get, 0, 1);
  printf("#   FFA_NOTIFICATION_GET -> from partitions {:x}\n", uint64_t{r.w(3)} << 32 | r.w(2));
  r = call(ffa::Func::msg_send_direct_req_64, tos, 0, 0xFFFF4248);
  printf("#   bottom-half call -> {} new event(s), interrupt {} counter ticks after its deadline\n", r.x[4], r.x[6]);
}

// The same pattern with a device an S-EL0 partition owns: the gpio
// driver's PL061 and its SPI, taken by the partition's own top half
// (FFA_INTERRUPT, Hafnium's HF_INTERRUPT_GET/DEACTIVATE).
void demo_partition_driver() {
  constexpr uint16_t kDriver = 0x8006;
  constexpr uint64_t kId = 1ull << 60;  // (the benchmarks use 61, the timer demo 62)
  const unsigned sgi = call(ffa::Func::features, 2).w(2);
  const ffa::Regs bound = call(ffa::Func::notification_bind, uint32_t{kDriver} << 16, 0, 0, kId >> 32);
  if (!ffa::is_success(bound)) {
    printf("# gpio-driver: FFA_NOTIFICATION_BIND refused ({:x})\n", bound.w(2));
    return;
  }
  call(ffa::Func::msg_send_direct_req_64, kDriver, 0, 0x4E4F5449, kId);  // notify us at each event
  // Events the benchmarks left are taken first.
  (void)harness::until_answered(call(ffa::Func::msg_send_direct_req_64, kDriver, 0, 0x424F5448));
  const unsigned before = harness::gic::taken(sgi);
  ffa::Regs r = harness::until_answered(call(ffa::Func::msg_send_direct_req_64, kDriver, 0, 0x52414953));
  printf("# gpio-driver partition {:x} raises its device's line (PL061 pin 7, SPI 39): {}\n", kDriver,
         r.x[3] == 0 ? "ok" : "refused");
  (void)harness::gic::wait_taken(sgi, before, arch::cntfrq() / 10);
  if (harness::gic::taken(sgi) == before) {
    printf("#   no schedule receiver interrupt came\n");
    return;
  }
  r = call(ffa::Func::msg_send_direct_req_64, kDriver, 0, 0x53544154);
  printf("#   its top half ran in the partition (FFA_INTERRUPT, HF_INTERRUPT_GET -> {}) and notified us (SGI {})\n",
         r.x[4], sgi);
  r = call(ffa::Func::notification_get, 0, 1);
  printf("#   FFA_NOTIFICATION_GET -> from partitions {:x}\n", uint64_t{r.w(3)} << 32 | r.w(2));
  r = harness::until_answered(call(ffa::Func::msg_send_direct_req_64, kDriver, 0, 0x424F5448, 100000, 1));
  printf("#   bottom-half call -> {} new event(s)\n", r.x[3]);
  call(ffa::Func::msg_send_direct_req_64, kDriver, 0, 0x4E4F5449, 0);
}

// What FFA_FEATURES says of every FF-A function ID, one line each; the
// system test compares these lines with docs/abi-support.md.
void print_features_table() {
  for (ffa::Func f : ffa::kAllFuncs) {
    ffa::Regs r = call(ffa::Func::features, ffa::raw(f));
    printf("# features {:08x} {}\n", ffa::raw(f), ffa::is_success(r) ? "yes" : "no");
  }
}

// The same for feature IDs (w1 bit 31 clear): the answer and its w2 (the
// interrupt ID) or error code, as the document's Feature IDs table states
// them. Asked after the benchmarks, which must see the secure world's call
// history they always did: an extra FFA_FEATURES call before them moved
// msg_send2_and_run_sel0_echo by 4 instructions an iteration.
void print_feature_ids() {
  for (uint32_t id : {1u, 2u, 3u}) {
    ffa::Regs r = call(ffa::Func::features, id);
    if (ffa::is_success(r)) {
      printf("# feature-id {} yes w2={}\n", id, r.w(2));
    } else {
      printf("# feature-id {} no error={}\n", id, harness::error_code(r));
    }
  }
}

uint64_t g_dtb = 0;

}  // namespace

uint64_t harness::dtb_address() { return g_dtb; }
void harness::set_dtb_address(uint64_t a) { g_dtb = a; }

extern "C" void harness_main(uint64_t dtb, uint64_t boot_ticks) {
  harness::set_dtb_address(dtb);
  printf("Tessera normal-world harness (device tree at {:x})\n", dtb);
  const unsigned failed = harness::run_all_tests();
  print_features_table();
  // The benchmarks of what this secure world hosts (found by discovery).
  harness::run_benchmarks(boot_ticks);
  print_feature_ids();
  demo();
  printf("# harness done: {}\n", failed ? "FAILED" : "all tests passed");
  ffa::Regs off{{0x84000008}};  // PSCI SYSTEM_OFF
  arch_smc(&off);
}
