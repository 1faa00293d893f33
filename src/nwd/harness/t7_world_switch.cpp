// The world switch keeps each world's state: general registers the caller
// owns (x18-x30 are preserved across an SMC by SMCCC) and FP/SIMD registers,
// even when the secure world uses FP/SIMD itself.
#include "arch/aarch64/sysreg.h"
#include "nwd/harness/fault.h"
#include "nwd/harness/ffa_client.h"
#include "nwd/harness/sme.h"
#include "nwd/harness/test.h"

extern "C" void harness_fp_fill(uint64_t pattern);
extern "C" uint64_t harness_sve_fill(uint64_t base);
extern "C" uint64_t harness_sve_check(uint64_t base);
extern "C" uint64_t harness_fp_check(uint64_t pattern);
extern "C" uint64_t harness_sme_svl();
extern "C" uint64_t harness_sme_call(ffa::Regs* regs, const uint8_t* za_in, uint8_t* dump, uint64_t pattern);

namespace {
constexpr uint32_t kFpSelfTest = 0xFFFF5446;

// An SMC with x18-x30 set to known values; returns how many came back changed.
uint64_t smc_preserves_callee_saved(uint64_t fid) {
  register uint64_t x0 __asm__("x0") = fid;
  __asm__ volatile(
      "stp x29, x30, [sp, #-96]!\n"
      "stp x18, x19, [sp, #16]\n stp x20, x21, [sp, #32]\n stp x22, x23, [sp, #48]\n"
      "stp x24, x25, [sp, #64]\n stp x26, x27, [sp, #80]\n str x28, [sp, #-16]!\n"
      "mov x18, #18\n mov x19, #19\n mov x20, #20\n mov x21, #21\n mov x22, #22\n mov x23, #23\n"
      "mov x24, #24\n mov x25, #25\n mov x26, #26\n mov x27, #27\n mov x28, #28\n mov x29, #29\n mov x30, #30\n"
      "smc #0\n"
      "mov x0, #0\n"
      "cmp x18, #18\n cinc x0, x0, ne\n cmp x19, #19\n cinc x0, x0, ne\n cmp x20, #20\n cinc x0, x0, ne\n"
      "cmp x21, #21\n cinc x0, x0, ne\n cmp x22, #22\n cinc x0, x0, ne\n cmp x23, #23\n cinc x0, x0, ne\n"
      "cmp x24, #24\n cinc x0, x0, ne\n cmp x25, #25\n cinc x0, x0, ne\n cmp x26, #26\n cinc x0, x0, ne\n"
      "cmp x27, #27\n cinc x0, x0, ne\n cmp x28, #28\n cinc x0, x0, ne\n cmp x29, #29\n cinc x0, x0, ne\n"
      "cmp x30, #30\n cinc x0, x0, ne\n"
      "ldr x28, [sp], #16\n"
      "ldp x18, x19, [sp, #16]\n ldp x20, x21, [sp, #32]\n ldp x22, x23, [sp, #48]\n"
      "ldp x24, x25, [sp, #64]\n ldp x26, x27, [sp, #80]\n ldp x29, x30, [sp], #96\n"
      : "+r"(x0)
      :
      : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
        "x16", "x17", "memory", "cc");
  return x0;
}
}  // namespace

TEST_TOS(world_switch, x18_to_x30_survive_local_and_forwarded_calls) {
  EXPECT_EQ(smc_preserves_callee_saved(0x80000000), 0);                  // answered by EL3
  EXPECT_EQ(smc_preserves_callee_saved(ffa::raw(ffa::Func::id_get)), 0);  // answered by the SPMD
  EXPECT_EQ(smc_preserves_callee_saved(ffa::raw(ffa::Func::features)), 0);  // forwarded to the SPMC
}

TEST_TOS(world_switch, fp_state_survives_secure_fp_use) {
  ASSERT_TRUE(harness::discover());
  harness_fp_fill(0x1111222233330000);
  // The trusted OS writes every FP/SIMD register and FPCR: EL3 must switch
  // FP state on its first use and give ours back on the way out.
  ffa::Regs r = harness::call(ffa::Func::msg_send_direct_req_64, harness::trusted_os_id(), 0, kFpSelfTest,
                              0x7777000000000000);
  ASSERT_EQ(r.w(0), ffa::raw(ffa::Func::msg_send_direct_resp_64));
  EXPECT_EQ(r.x[3], 0);
  EXPECT_EQ(harness_fp_check(0x1111222233330000), 0);
  // Twice more: the secure world's FP state is now live, then parked again.
  for (int i = 0; i < 2; ++i) {
    harness_fp_fill(0x4444555566660000 + i);
    harness::call(ffa::Func::msg_send_direct_req_64, harness::trusted_os_id(), 0, kFpSelfTest, i);
    EXPECT_EQ(harness_fp_check(0x4444555566660000 + i), 0);
    harness::call(ffa::Func::id_get);
    EXPECT_EQ(harness_fp_check(0x4444555566660000 + i), 0);
  }
}

TEST_TOS(world_switch, sve_state_survives_secure_fp_use) {
  if (((TESSERA_SYSREG_READ(id_aa64pfr0_el1) >> 32) & 0xF) == 0) return;  // no SVE on this CPU
  // The longest vector length this EL may use (ZCR_ELx.LEN = 15).
  if (arch::current_el() == 2) {
    TESSERA_SYSREG_WRITE(S3_4_C1_C2_0, 0xF);  // ZCR_EL2
  } else {
    TESSERA_SYSREG_WRITE(S3_0_C1_C2_0, 0xF);  // ZCR_EL1
  }
  __asm__ volatile("isb");
  ASSERT_TRUE(harness::discover());
  const uint64_t vl = harness_sve_fill(0x5000);
  EXPECT_TRUE(vl > 16);  // wider than FP/SIMD, or this test proves little
  ffa::Regs r = harness::call(ffa::Func::msg_send_direct_req_64, harness::trusted_os_id(), 0, kFpSelfTest, 9);
  EXPECT_EQ(r.w(0), ffa::raw(ffa::Func::msg_send_direct_resp_64));
  harness_sve_fill(0x6000);
  EXPECT_EQ(harness_sve_check(0x6000), 0);  // sanity: the check itself
  harness_sve_fill(0x7000);
  harness::call(ffa::Func::msg_send_direct_req_64, harness::trusted_os_id(), 0, kFpSelfTest, 10);
  EXPECT_EQ(harness_sve_check(0x7000), 0);
  harness::call(ffa::Func::id_get);
  EXPECT_EQ(harness_sve_check(0x7000), 0);
}

namespace {

// The longest streaming vector length QEMU offers is 2048 bits: ZA is then
// 256 rows of 256 bytes, and the dump adds 32 Z and 16 P before it.
constexpr uint64_t kMaxSvl = 256;
uint8_t g_za_in[kMaxSvl * kMaxSvl];
uint8_t g_sme_dump[34 * kMaxSvl + kMaxSvl * kMaxSvl];

// Mismatches between the dump of harness_sme_call and what it set before
// the call (see sme_regs.S for the patterns).
uint64_t sme_dump_mismatches(uint64_t svl, uint64_t pattern) {
  uint64_t bad = 0;
  for (unsigned n = 0; n < 32; ++n) {
    for (unsigned lane = 0; lane < svl / 8; ++lane) {
      uint64_t v = 0;
      for (unsigned b = 0; b < 8; ++b) v |= uint64_t{g_sme_dump[n * svl + lane * 8 + b]} << (8 * b);
      if (v != pattern + n + 7 * lane) ++bad;
    }
  }
  const uint8_t* p = g_sme_dump + 32 * svl;
  for (unsigned n = 0; n < 16; ++n) {
    for (unsigned e = 0; e < svl; ++e) {
      const bool set = (p[n * (svl / 8) + e / 8] >> (e % 8)) & 1;
      if (set != (e < n + 1)) ++bad;
    }
  }
  const uint8_t* za = g_sme_dump + 34 * svl;
  for (uint64_t i = 0; i < svl * svl; ++i) bad += za[i] != g_za_in[i];
  return bad;
}
}  // namespace

// SME in the normal world (Linux at NS-EL2 writes SMCR_EL2 at boot): EL3
// enables it for the normal world, and a call made in streaming mode with
// ZA on comes back still in streaming mode with ZA on, its streaming Z and
// P registers and all of ZA as they were, whether the secure world used
// FP/SIMD (the trusted OS's self test), the call only crossed the worlds
// (FFA_FEATURES, the SPMD's fast path otherwise), or EL3 answered it.
TEST_TOS(world_switch, sme_streaming_mode_and_za_survive_secure_calls) {
  if (!harness::has_sme()) return;  // no SME on this CPU
  // What Linux's __finalise_el2 does: trapped to EL3, and a panic, before.
  harness::allow_sme_here();
  ASSERT_TRUE(harness::discover());
  const uint64_t svl = harness_sme_svl();
  ASSERT_TRUE(svl >= 16 && svl <= kMaxSvl);
  for (uint64_t i = 0; i < svl * svl; ++i) g_za_in[i] = static_cast<uint8_t>((i * 13 + 5) ^ (i >> 8));

  struct Case {
    ffa::Regs call;
    uint32_t answer;
  };
  const Case cases[] = {
      {ffa::Regs{{ffa::raw(ffa::Func::msg_send_direct_req_64), harness::trusted_os_id(), 0, kFpSelfTest, 11}},
       ffa::raw(ffa::Func::msg_send_direct_resp_64)},
      {ffa::Regs{{ffa::raw(ffa::Func::features), ffa::raw(ffa::Func::msg_send_direct_req_32)}},
       ffa::raw(ffa::Func::success_32)},
      {ffa::Regs{{ffa::raw(ffa::Func::id_get)}}, ffa::raw(ffa::Func::success_32)},
  };
  uint64_t pattern = 0x1000;
  for (const Case& c : cases) {
    for (auto& b : g_sme_dump) b = 0;
    ffa::Regs r = c.call;
    harness::note_call(r.x[0]);  // harness_sme_call makes the SMC itself, SME state live
    const uint64_t svcr = harness_sme_call(&r, g_za_in, g_sme_dump, pattern);
    EXPECT_EQ(r.w(0), c.answer);
    EXPECT_EQ(svcr, 3);  // SVCR.SM and SVCR.ZA as we left them
    EXPECT_EQ(sme_dump_mismatches(svl, pattern), 0);
    pattern += 0x1000;
  }
  // Ordinary FP/SIMD after streaming mode ends is the normal world's own again.
  harness_fp_fill(0x2222333344440000);
  harness::call(ffa::Func::msg_send_direct_req_64, harness::trusted_os_id(), 0, kFpSelfTest, 12);
  EXPECT_EQ(harness_fp_check(0x2222333344440000), 0);
}

// A trap to EL3 that the monitor does not serve is UNDEFINED for the normal
// world, as on a CPU without that register; the machine goes on (it used
// to panic). ERRIDR_EL1 is one: the monitor keeps the RAS error records
// from the normal world (SCR_EL3.TERR).
TEST_ANY_SPMC(world_switch, unserved_trap_is_undefined_in_the_caller) {
  // Without FEAT_RAS the register is UNDEFINED anyway, and this proves nothing.
  ASSERT_TRUE(((TESSERA_SYSREG_READ(id_aa64pfr0_el1) >> 28) & 0xF) != 0);
  const harness::Probe p = harness::probe_trapped_register();
  EXPECT_TRUE(p.faulted);
  EXPECT_EQ(p.esr >> 26, 0);       // EC: unknown reason
  EXPECT_EQ((p.esr >> 25) & 1, 1);  // IL: a 32-bit instruction
  // Twice, and the secure world still answers.
  EXPECT_TRUE(harness::probe_trapped_register().faulted);
  EXPECT_EQ(harness::call(ffa::Func::id_get).w(0), ffa::raw(ffa::Func::success_32));
  EXPECT_EQ(harness::call(ffa::Func::features, ffa::raw(ffa::Func::msg_send_direct_req_32)).w(0),
            ffa::raw(ffa::Func::success_32));
}

extern "C" uint64_t harness_run_a32_el1(uint64_t code, uint64_t r0);
namespace {
// A32: SMC #0, then HVC #0 back to the harness at EL2.
alignas(64) uint32_t g_a32_smc[4] = {0xE1600070u, 0xE1400070u, 0, 0};
}  // namespace

// An SMC from AArch32 (an EL1 that a hypervisor runs in AArch32 without
// trapping its SMCs) gets SMCCC's "unknown function" (-1) in r0, and the
// caller goes on after it. The monitor serves AArch64 callers; it used to
// inject an UNDEF built for AArch64 there, whose return was illegal, and
// the monitor faulted and powered the machine off. From EL2, whose EL1
// can be AArch32 on -cpu max.
TEST_ANY_SPMC(world_switch, an_smc_from_aarch32_gets_unknown_function) {
  ASSERT_EQ(arch::current_el(), 2u);
  ASSERT_EQ((TESSERA_SYSREG_READ(id_aa64pfr0_el1) >> 4) & 0xF, 2u);  // EL1: AArch64 and AArch32
  // The code as EL1 (MMU off there) fetches it: in memory, not just a cache.
  const uint64_t code = reinterpret_cast<uint64_t>(&g_a32_smc[0]);
  __asm__ volatile("dc civac, %0\n dsb ish\n ic iallu\n dsb ish\n isb" ::"r"(code) : "memory");
  EXPECT_EQ(harness_run_a32_el1(code, 0x84000000u /* PSCI_VERSION */), 0xFFFFFFFFu);
  EXPECT_EQ(harness_run_a32_el1(code, 0x8400006Fu /* FFA_MSG_SEND_DIRECT_REQ_32 */), 0xFFFFFFFFu);
  // The machine goes on.
  EXPECT_EQ(harness::call(ffa::Func::id_get).w(0), ffa::raw(ffa::Func::success_32));
}
