#include "arch/aarch64/gicv3.h"

#include "arch/aarch64/sysreg.h"

namespace arch::gicv3 {
namespace {

// Distributor.
constexpr uint64_t kGicdCtlr = 0x0000, kGicdTyper = 0x0004, kGicdIgroupr = 0x0080;
constexpr uint32_t kCtlrEnableGrp0 = 1u << 0, kCtlrEnableGrp1Ns = 1u << 1, kCtlrEnableGrp1S = 1u << 2;
constexpr uint32_t kCtlrAreS = 1u << 4, kCtlrAreNs = 1u << 5, kCtlrRwp = 1u << 31;
// Redistributor: RD frame, then the SGI frame 64 KiB above it.
constexpr uint64_t kFrame = 0x10000, kGicrStride = 2 * kFrame;
constexpr uint64_t kGicrWaker = 0x0014, kGicrTyper = 0x0008, kGicrCtlr = 0x0000;
constexpr uint32_t kGicrCtlrRwp = 1u << 3;
constexpr uint32_t kWakerProcessorSleep = 1u << 1, kWakerChildrenAsleep = 1u << 2;
constexpr uint64_t kGicrIgroupr0 = kFrame + 0x0080, kGicrIgrpmodr0 = kFrame + 0x0D00;
constexpr uint64_t kTyperLast = 1u << 4;
constexpr uint64_t kGicrIsenabler0 = kFrame + 0x0100, kGicrIcenabler0 = kFrame + 0x0180;
constexpr uint64_t kGicrIspendr0 = kFrame + 0x0200, kGicrIpriorityr = kFrame + 0x0400;

constexpr uint64_t kGicdIsenabler = 0x0100, kGicdIcenabler = 0x0180, kGicdIspendr = 0x0200, kGicdIcpendr = 0x0280;
constexpr uint64_t kGicdIpriorityr = 0x0400, kGicdIcfgr = 0x0C00, kGicdIgrpmodr = 0x0D00, kGicdIrouter = 0x6000;

// This CPU's redistributor, found by init_redistributor.
uint64_t g_rd[8];
uint64_t g_gicd;  // set by init_distributor

volatile uint32_t& reg32(uint64_t addr) { return *reinterpret_cast<volatile uint32_t*>(addr); }
volatile uint64_t& reg64(uint64_t addr) { return *reinterpret_cast<volatile uint64_t*>(addr); }

void wait_rwp(uint64_t gicd) {
  while (reg32(gicd + kGicdCtlr) & kCtlrRwp) {
  }
}

// MPIDR's affinity in GICR_TYPER's layout (Aff3.Aff2.Aff1.Aff0).
uint32_t affinity_of(uint64_t mpidr) {
  return static_cast<uint32_t>(((mpidr >> 32) & 0xFF) << 24 | (mpidr & 0xFFFFFF));
}

}  // namespace

void init_distributor(const Layout& l) {
  // Affinity routing first (for both states), then the groups.
  reg32(l.gicd + kGicdCtlr) = kCtlrAreS | kCtlrAreNs;
  wait_rwp(l.gicd);
  const uint32_t lines = 32 * ((reg32(l.gicd + kGicdTyper) & 0x1F) + 1);
  for (uint32_t n = 1; n < lines / 32; ++n) reg32(l.gicd + kGicdIgroupr + 4 * n) = 0xFFFFFFFFu;
  reg32(l.gicd + kGicdCtlr) = kCtlrAreS | kCtlrAreNs | kCtlrEnableGrp0 | kCtlrEnableGrp1Ns | kCtlrEnableGrp1S;
  wait_rwp(l.gicd);
  g_gicd = l.gicd;
}

void configure_secure_spi(unsigned intid, uint8_t priority, bool level, uint64_t mpidr) {
  const uint64_t word = 4 * (intid / 32);
  const uint32_t bit = 1u << (intid % 32);
  set_spi_enabled(intid, false);
  reg32(g_gicd + kGicdIgroupr + word) = reg32(g_gicd + kGicdIgroupr + word) & ~bit;   // Group 1 with ...
  reg32(g_gicd + kGicdIgrpmodr + word) = reg32(g_gicd + kGicdIgrpmodr + word) | bit;  // ... modifier: Secure
  *reinterpret_cast<volatile uint8_t*>(g_gicd + kGicdIpriorityr + intid) = priority;
  // ICFGR: two bits per interrupt, the upper one set for edge-triggered.
  const uint64_t cfg = g_gicd + kGicdIcfgr + 4 * (intid / 16);
  const uint32_t edge = 2u << (2 * (intid % 16));
  reg32(cfg) = level ? (reg32(cfg) & ~edge) : (reg32(cfg) | edge);
  // IROUTER: Aff3 [39:32], Aff2.Aff1.Aff0 [23:0]; Interrupt_Routing_Mode 0.
  reg64(g_gicd + kGicdIrouter + 8 * intid) = ((mpidr >> 32) & 0xFF) << 32 | (mpidr & 0xFFFFFF);
  dsb_sy();
}

unsigned max_spi() {
  const unsigned last = 32 * ((reg32(g_gicd + kGicdTyper) & 0x1F) + 1) - 1;
  return last > 1019 ? 1019 : last;
}

void set_spi_enabled(unsigned intid, bool enabled) {
  reg32(g_gicd + (enabled ? kGicdIsenabler : kGicdIcenabler) + 4 * (intid / 32)) = 1u << (intid % 32);
  if (!enabled) wait_rwp(g_gicd);  // disabled for certain before we go on
  dsb_sy();
}

void set_spi_pending(unsigned intid, bool pending) {
  reg32(g_gicd + (pending ? kGicdIspendr : kGicdIcpendr) + 4 * (intid / 32)) = 1u << (intid % 32);
  dsb_sy();
}

bool init_redistributor(const Layout& l) {
  const uint32_t me = affinity_of(mpidr());
  for (unsigned i = 0; i < l.max_cpus; ++i) {
    const uint64_t rd = l.gicr + i * kGicrStride;
    const uint64_t typer = reg64(rd + kGicrTyper);
    if (static_cast<uint32_t>(typer >> 32) == me) {
      reg32(rd + kGicrWaker) = reg32(rd + kGicrWaker) & ~kWakerProcessorSleep;
      while (reg32(rd + kGicrWaker) & kWakerChildrenAsleep) {
      }
      reg32(rd + kGicrIgroupr0) = 0xFFFFFFFFu;  // Group 1 ...
      reg32(rd + kGicrIgrpmodr0) = 0;           // ... Non-secure
      g_rd[cpu_index() % 8] = rd;
      return true;
    }
    if (typer & kTyperLast) break;
  }
  return false;
}

void init_cpu_interface() {
  // ICC_SRE_EL1: system registers (EL3 allows them in ICC_SRE_EL3).
  TESSERA_SYSREG_WRITE(S3_0_C12_C12_5, TESSERA_SYSREG_READ(S3_0_C12_C12_5) | 1);
  isb();
  TESSERA_SYSREG_WRITE(S3_0_C4_C6_0, 0xFF);   // ICC_PMR_EL1: every priority
  TESSERA_SYSREG_WRITE(S3_0_C12_C12_7, 1);    // ICC_IGRPEN1_EL1 (Secure Group 1)
  isb();
}

void configure_secure_private(unsigned intid, uint8_t priority) {
  const uint64_t rd = g_rd[cpu_index() % 8];
  const uint32_t bit = 1u << (intid & 31);
  reg32(rd + kGicrIgroupr0) = reg32(rd + kGicrIgroupr0) & ~bit;   // Group 1 with ...
  reg32(rd + kGicrIgrpmodr0) = reg32(rd + kGicrIgrpmodr0) | bit;  // ... modifier: Secure
  *reinterpret_cast<volatile uint8_t*>(rd + kGicrIpriorityr + intid) = priority;
  reg32(rd + kGicrIsenabler0) = bit;
  dsb_sy();
}

namespace {
// CPU `cpu`'s redistributor, for PPI `intid`; 0 for a CPU not up yet or
// an ID that is no PPI.
uint64_t ppi_redistributor(unsigned intid, unsigned cpu) {
  return cpu < 8 && intid >= 16 && intid < 32 ? g_rd[cpu] : 0;
}
}  // namespace

void set_ppi_pending_on(unsigned intid, unsigned cpu) {
  const uint64_t rd = ppi_redistributor(intid, cpu);
  if (rd == 0) return;
  reg32(rd + kGicrIspendr0) = 1u << intid;
  dsb_sy();
}

void set_ppi_enabled_on(unsigned intid, unsigned cpu, bool enabled) {
  const uint64_t rd = ppi_redistributor(intid, cpu);
  if (rd == 0) return;
  reg32(rd + (enabled ? kGicrIsenabler0 : kGicrIcenabler0)) = 1u << intid;
  dsb_sy();
  // Disabled for certain before we go on (GICR_CTLR.RWP).
  if (!enabled)
    while (reg32(rd + kGicrCtlr) & kGicrCtlrRwp) {
    }
}

uint32_t acknowledge() {
  const uint64_t iar = TESSERA_SYSREG_READ(S3_0_C12_C12_0);  // ICC_IAR1_EL1
  dsb_sy();
  return static_cast<uint32_t>(iar & 0xFFFFFF);
}

void end(uint32_t iar) {
  TESSERA_SYSREG_WRITE(S3_0_C12_C12_1, iar);  // ICC_EOIR1_EL1
  isb();
}

namespace {
// ICC_ASGI1R_EL1 and ICC_SGI1R_EL1 alike: INTID [27:24], Aff3 [55:48],
// Aff2 [39:32], Aff1 [23:16], target list [15:0] (one bit per Aff0 value
// below 16).
uint64_t sgi_value(unsigned intid, uint64_t mpidr) {
  return uint64_t{intid & 0xF} << 24 | ((mpidr >> 32) & 0xFF) << 48 | ((mpidr >> 16) & 0xFF) << 32 |
         ((mpidr >> 8) & 0xFF) << 16 | (1ull << (mpidr & 0xF));
}
}  // namespace

void send_sgi_to_other_world(unsigned intid, uint64_t mpidr) {
  dsb_ishst();
  TESSERA_SYSREG_WRITE(S3_0_C12_C11_6, sgi_value(intid, mpidr));  // ICC_ASGI1R_EL1
  isb();
}

void send_sgi(unsigned intid, uint64_t mpidr) {
  dsb_ishst();
  TESSERA_SYSREG_WRITE(S3_0_C12_C11_5, sgi_value(intid, mpidr));  // ICC_SGI1R_EL1
  isb();
}

}  // namespace arch::gicv3
