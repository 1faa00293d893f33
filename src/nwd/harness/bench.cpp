#include "nwd/harness/bench.h"

#include "arch/aarch64/sysreg.h"
#include "nwd/harness/ffa_client.h"
#include "nwd/harness/gic.h"
#include "nwd/harness/measure.h"
#include "nwd/harness/test.h"

namespace harness {
namespace {

constexpr unsigned kIterations = kBenchIterations;

// How a borrower takes a transaction, touches it and gives it back, on a
// direct request: true when it did.
using Borrow = bool (*)(uint64_t handle, uint32_t pages);
// The echo partition (S-EL0): retrieve, read, relinquish.
bool echo_borrows(uint64_t handle, uint32_t) {
  return raw_call(ffa::Func::msg_send_direct_req_64, 0x8001, 0, 0x52455452, handle, 0).x[3] ==
         ffa::raw(ffa::Func::mem_retrieve_resp);
}
// mp-c (S-EL1, under the S-EL2 SPMC): retrieve, write and read every
// page through its stage 2, relinquish.
bool mp_c_borrows(uint64_t handle, uint32_t pages) {
  const ffa::Regs r = raw_call(ffa::Func::msg_send_direct_req_64, 0x8010, 0, 7, handle, 0xA5);
  return r.x[4] == pages && r.x[5] == 0;
}

// FFA_MEM_SHARE (`pages` contiguous pages, to `receiver`) + its
// `borrow` + FFA_MEM_RECLAIM, per cycle.
void measure_share_cycle(const char* name, uint16_t receiver, Borrow borrow, uint64_t address, uint32_t pages,
                         unsigned iterations) {
  uint8_t* tx = buffers().tx;
  auto put = [&](unsigned off, uint64_t v, unsigned n) {
    for (unsigned i = 0; i < n; ++i) tx[off + i] = static_cast<uint8_t>(v >> (8 * i));
  };
  bool ok = true;
  auto cycle = [&] {
    for (unsigned i = 0; i < 112; ++i) tx[i] = 0;
    put(2, 0x2F, 2);
    put(24, 32, 4);
    put(28, 1, 4);
    put(32, 48, 4);
    put(48, receiver, 2);
    put(50, 2, 1);  // read-write; instruction access is the SPMC's to give (NX), not the lender's
    put(52, 80, 4);
    put(80, pages, 4);
    put(84, 1, 4);
    put(96, address, 8);
    put(104, pages, 4);
    ffa::Regs r = raw_call(ffa::Func::mem_share_64, 112, 112);
    const uint64_t handle = uint64_t{r.w(2)} | uint64_t{r.w(3)} << 32;
    ok = ok && ffa::is_success(r);
    ok = ok && borrow(handle, pages);
    ok = ok && ffa::is_success(raw_call(ffa::Func::mem_reclaim, static_cast<uint32_t>(handle), handle >> 32));
  };
  const uint64_t cost = measure(cycle, iterations);
  // A figure for a cycle that failed half-way would mislead: none then.
  if (ok) report(name, cost);
}

// OP-TEE's message round trip to a Trusted Application, as Linux's optee
// driver makes it: INVOKE_COMMAND (the hello TA's INC_VALUE, a value
// in-out) in an optee_msg_arg in shared memory, through the yielding call:
// the trusted OS reads the argument, enters the TA at S-EL0 in its own
// address space and writes the answer back. The session is opened once.
void measure_optee_invoke(uint16_t tos) {
  constexpr uint64_t kArg = 0x70B00000;
  auto* arg = reinterpret_cast<volatile uint64_t*>(kArg);
  uint8_t* tx = buffers().tx;
  for (unsigned i = 0; i < 112; ++i) tx[i] = 0;
  auto put = [&](unsigned off, uint64_t v, unsigned n) {
    for (unsigned i = 0; i < n; ++i) tx[off + i] = static_cast<uint8_t>(v >> (8 * i));
  };
  put(2, 0x2F, 2), put(24, 32, 4), put(28, 1, 4), put(32, 48, 4), put(48, tos, 2), put(50, 2, 1);
  put(52, 80, 4), put(80, 1, 4), put(84, 1, 4), put(96, kArg, 8), put(104, 1, 4);
  ffa::Regs r = raw_call(ffa::Func::mem_share_64, 112, 112);
  if (!ffa::is_success(r)) return;
  const uint64_t handle = uint64_t{r.w(2)} | uint64_t{r.w(3)} << 32;
  auto send = [&] {
    ffa::Regs a = raw_call(ffa::Func::msg_send_direct_req_32, tos, 0, 0x80000000u, static_cast<uint32_t>(handle),
                           handle >> 32, 0);
    while (a.w(3) == 0 && a.w(4) == 2) a = raw_call(ffa::Func::msg_send_direct_req_32, tos, 0, 0x80000001u, 0, 0, 0, a.w(7));
    return a.w(3) == 0;
  };
  measure_hello_invoke(arg, send, "optee_invoke_hello_ta_ffa");
  raw_call(ffa::Func::msg_send_direct_req_32, tos, 0, 3, static_cast<uint32_t>(handle), handle >> 32);
  raw_call(ffa::Func::mem_reclaim, static_cast<uint32_t>(handle), handle >> 32);
}

// The normal world notifies echo and schedules it as a driver would:
// FFA_NOTIFICATION_SET, FFA_NOTIFICATION_INFO_GET (echo listed), FFA_RUN
// (echo's FFA_NOTIFICATION_GET on being run, then FFA_MSG_WAIT).
void measure_notification_cycle() {
  constexpr uint64_t kId = 1ull << 60;
  const uint32_t to_echo = 0x8001;
  raw_call(ffa::Func::notification_bitmap_create, 0, 1);  // if the tests did not
  if (raw_call(ffa::Func::msg_send_direct_req_64, 0x8001, 0, 0x4E424E44, 0, kId).x[3] !=
      ffa::raw(ffa::Func::success_32))
    return;
  bool ok = true;
  const uint64_t cost = measure([&] {
    ok = ok && ffa::is_success(raw_call(ffa::Func::notification_set, to_echo, 0, 0, kId >> 32));
    ok = ok && raw_call(ffa::Func::notification_info_get_64).w(0) == ffa::raw(ffa::Func::success_64);
    ok = ok && raw_call(ffa::Func::run, 0x80010000).w(0) == ffa::raw(ffa::Func::msg_wait);
  });
  if (ok) report("notification_set_info_get_run_get", cost);
}

// A secure interrupt while the normal world waits: the secure timer's
// deadline to its top half in the trusted OS (through EL3's FIQ vector,
// the SPMD and the SPMC), as the bottom half reports it; and the whole
// driver cycle: arm, wait for the schedule receiver interrupt, get the
// notification, bottom half.
void measure_secure_interrupt() {
  if (!discover()) return;
  const uint16_t tos = trusted_os_id();
  const ffa::Regs sri = raw_call(ffa::Func::features, 2);
  if (!ffa::is_success(sri)) return;
  const unsigned sgi = sri.w(2);
  gic::enable_sgi(sgi);
  constexpr uint64_t kId = 1ull << 61;
  raw_call(ffa::Func::notification_bind, uint32_t{tos} << 16, 0, 0, kId >> 32);
  constexpr unsigned kRounds = 50;
  uint64_t latency = 0, cycle = 0;
  for (unsigned i = 0; i < kRounds; ++i) {
    const unsigned before = gic::taken(sgi);
    const uint64_t t0 = arch::cntpct();
    // 400 ticks (6,400 instructions): past the arming call in both
    // placements (under the S-EL2 SPMC it traps twice and asks the monitor
    // for the host timer), so that the deadline falls while we wait and
    // the latency is the interrupt's, not the call's.
    if (raw_call(ffa::Func::msg_send_direct_req_64, tos, 0, 0xFFFF5354, 400, 0, kId >> 32).x[3] != 0) return;
    (void)gic::wait_taken(sgi, before, arch::cntfrq() / 10);
    if (gic::taken(sgi) == before) return;  // never came: no figure
    raw_call(ffa::Func::notification_get, 0, 1);
    const ffa::Regs bh = raw_call(ffa::Func::msg_send_direct_req_64, tos, 0, 0xFFFF4248);
    cycle += arch::cntpct() - t0;
    latency += bh.x[6];
  }
  report("secure_interrupt_to_top_half", ticks_to_instructions(latency) / kRounds);
  // The 400-tick wait (6,400 instructions) is part of each cycle.
  report("secure_timer_driver_cycle", ticks_to_instructions(cycle) / kRounds);
}

// A partition's own device interrupt: the gpio driver raises its line in
// a direct request; the interrupt reaches the SPMC as soon as the normal
// world runs again (FFA_INTERRUPT from the SPMD), runs the driver's top
// half (HF_INTERRUPT_GET, the device, HF_INTERRUPT_DEACTIVATE,
// FFA_MSG_WAIT) and resumes the normal world. Reported less the same
// request without the interrupt.
void measure_partition_interrupt() {
  constexpr uint16_t kDriver = 0x8006;
  const uint64_t plain = measure([] { raw_call(ffa::Func::msg_send_direct_req_64, kDriver, 0, 0x1234); });
  const uint64_t raised = measure([] { raw_call(ffa::Func::msg_send_direct_req_64, kDriver, 0, 0x52414953, 0, 0); });
  report("partition_device_interrupt_to_top_half_and_back", raised > plain ? raised - plain : 0);
}

// What any SPMC answers: the monitor's own answers, FFA_FEATURES.
void generic_benchmarks(uint64_t boot_ticks) {
  report("boot_to_nwd", ticks_to_instructions(boot_ticks));
  // The floor: the cheapest SMC the monitor answers by itself.
  // Answered by the monitor itself (no world switch): named for it.
  report("smccc_version_at_el3", measure([] { raw_call(0x80000000); }));
  report("ffa_version_at_el3", measure([] { raw_call(ffa::Func::version, 0x10002); }));
  report("ffa_id_get_at_el3", measure([] { raw_call(ffa::Func::id_get); }));
  report("ffa_features", measure([] { raw_call(ffa::Func::features, ffa::raw(ffa::Func::msg_send_direct_req_32)); }));
}

// The S-EL1 partitions (the S-EL2 SPMC's): a direct request round trip to
// mp-c (its echo), 64-bit and 32-bit.
void sel1_partition_benchmarks() {
  constexpr uint16_t kMpC = 0x8010;
  report("direct_req_sel1_partition",
         measure([] { raw_call(ffa::Func::msg_send_direct_req_64, kMpC, 0, 0 /* ECHO */, 1, 2, 3, 4); }));
  report("direct_req_sel1_partition_32",
         measure([] { raw_call(ffa::Func::msg_send_direct_req_32, kMpC, 0, 0 /* ECHO */, 1, 2, 3, 4); }));
  // Stage-2 sharing: mp-c retrieves, writes and reads each page, and
  // relinquishes (0x70000000: normal-world memory nothing else uses).
  if (!ensure_rxtx_mapped()) return;
  measure_share_cycle("stage2_share_retrieve_relinquish_reclaim_1page", kMpC, mp_c_borrows, 0x70000000, 1,
                      kIterations / 4);
  measure_share_cycle("stage2_share_retrieve_relinquish_reclaim_16pages", kMpC, mp_c_borrows, 0x70000000, 16,
                      kIterations / 8);
  measure_share_cycle("stage2_share_retrieve_relinquish_reclaim_256pages", kMpC, mp_c_borrows, 0x70000000, 256,
                      kIterations / 40);
}

// The suite's endpoints: the trusted OS, the S-EL0 partitions.
// The trusted OS, wherever it runs: in the S-EL1 SPMC's image, or an S-EL1
// partition of the S-EL2 SPMC.
void trusted_os_benchmarks() {
  if (!discover()) return;
  const uint32_t w1 = trusted_os_id();
  report("direct_req_optee_api_version",
         measure([w1] { raw_call(ffa::Func::msg_send_direct_req_32, w1, 0, 0 /* GET_API_VERSION */); }));
  // Its yielding work in one of its threads (no rounds): the thread switch
  // in and out on top of a direct request.
  report("direct_req_optee_thread_call",
         measure([w1] { raw_call(ffa::Func::msg_send_direct_req_32, w1, 0, 0xFFFF5350, 0, 0, 0); }));
  if (ensure_rxtx_mapped()) measure_optee_invoke(static_cast<uint16_t>(w1));
  // Its secure timer (in the S-EL2 placement the EL1 physical timer the
  // SPMC emulates, on the host timer the monitor sets for it).
  measure_secure_interrupt();
}

// A direct request to the S-EL0 echo partition and its answer.
void measure_sel0_echo() {
  report("direct_req_sel0_echo",
         measure([] { raw_call(ffa::Func::msg_send_direct_req_64, 0x8001, 0, 1, 2, 3, 4, 5); }));
}

void suite_benchmarks() {
  if (discover()) {
    const uint32_t w1 = trusted_os_id();
    // To an S-EL0 partition: the trusted OS switches into the echo
    // partition's address space and back.
    measure_sel0_echo();
    // Normal world -> echo -> trusted OS / keystore -> echo -> normal
    // world: the extra over direct_req_sel0_echo is a partition's own
    // direct request, to an endpoint in the SPMC or to another S-EL0
    // partition (keystore answers its unknown command at once).
    const uint64_t via = 0x5EED0000 | w1;
    report("direct_req_sel0_echo_to_trusted_os",
           measure([via] { raw_call(ffa::Func::msg_send_direct_req_64, 0x8001, 0, via, 0); }));
    report("direct_req_sel0_echo_to_sel0_keystore",
           measure([] { raw_call(ffa::Func::msg_send_direct_req_64, 0x8001, 0, 0x5EED8005, 99); }));
    // Indirect message delivery: FFA_MSG_SEND2 into echo's RX buffer, then
    // FFA_RUN so that echo takes it and releases its buffer.
    if (ensure_rxtx_mapped()) {
      uint8_t* tx = buffers().tx;
      for (unsigned i = 0; i < 64; ++i) tx[i] = 0;
      tx[8] = 40;                                  // payload offset
      tx[12] = 0x01, tx[13] = 0x80;                // receiver 0x8001, sender 0
      tx[16] = 24;                                 // payload size
      report("msg_send2_and_run_sel0_echo", measure([] {
               raw_call(ffa::Func::msg_send2);
               raw_call(ffa::Func::run, 0x80010000);
             }));
    }
    // Share, echo retrieves, reads, relinquishes; we reclaim: 1, 16 and
    // 256 pages (one range each; 0x70000000 is normal-world memory nothing
    // else uses).
    if (ensure_rxtx_mapped()) {
      alignas(4096) static uint64_t page[512];
      measure_share_cycle("mem_share_retrieve_relinquish_reclaim_1page", 0x8001, echo_borrows,
                          reinterpret_cast<uint64_t>(page), 1, kIterations);
      measure_share_cycle("mem_share_retrieve_relinquish_reclaim_16pages", 0x8001, echo_borrows, 0x70000000, 16,
                          kIterations / 4);
      measure_share_cycle("mem_share_retrieve_relinquish_reclaim_256pages", 0x8001, echo_borrows, 0x70000000, 256,
                          kIterations / 20);
    }
    // The pair a caller makes: the descriptors into RX, then RX back.
    report("partition_info_get_plus_rx_release", measure([] {
             raw_call(ffa::Func::partition_info_get);
             raw_call(ffa::Func::rx_release);
           }));
    measure_notification_cycle();
    measure_partition_interrupt();
  }
}

}  // namespace

void run_benchmarks(uint64_t boot_ticks) {
  generic_benchmarks(boot_ticks);
  if (has(Needs::trusted_os)) trusted_os_benchmarks();
  if (has(Needs::suite_endpoints)) {
    suite_benchmarks();
  } else if (has(Needs::sel0_echo)) {
    // Echo without the rest of the suite (sel1-spmc-1p): its request alone,
    // to compare with the suite's eight endpoints.
    measure_sel0_echo();
  }
  if (has(Needs::mp_c)) sel1_partition_benchmarks();
}

}  // namespace harness
