#include "el3/psci.h"

#include "arch/aarch64/sysreg.h"
#include "el3/cpu_features.h"
#include "el3/smccc.h"
#include "el3/spmd.h"
#include "lib/log.h"
#include "plat/qemu_virt/memory_map.h"
#include "plat/qemu_virt/power.h"

// Where each secondary CPU, waiting in flash, goes once released (read
// with the MMU off, so written through to memory).
extern "C" {
constinit volatile uint64_t el3_secondary_entry[plat::kMaxCpus] = {};
extern char el3_secondary_start[];
}

namespace el3::psci {
namespace {

// Zero is OFF, so that the table needs no initialised data (the monitor's
// image has no room for a data page); AFFINITY_INFO's encoding differs.
enum class Power : uint8_t { off = 0, on = 1, on_pending = 2 };
constinit Power g_power[plat::kMaxCpus] = {};
constinit unsigned g_present = 0;  // set at boot; until then the boot CPU alone
constexpr int64_t affinity_info_value(Power p) { return p == Power::on ? 0 : p == Power::off ? 1 : 2; }

// Every CPU reads and writes the table: CPU_ON's check-and-claim is one
// atomic compare-and-swap, so of two CPU_ONs of one CPU only one wins.
uint8_t* power_word(unsigned cpu) { return reinterpret_cast<uint8_t*>(&g_power[cpu]); }
Power load_power(unsigned cpu) { return static_cast<Power>(__atomic_load_n(power_word(cpu), __ATOMIC_ACQUIRE)); }
void store_power(unsigned cpu, Power p) { __atomic_store_n(power_word(cpu), static_cast<uint8_t>(p), __ATOMIC_RELEASE); }

int64_t features(uint32_t queried) {
  switch (queried) {
    case kVersion:
    case kFeatures:
    case kSystemOff:
    case kSystemReset:
    case kSmcccVersion:  // how Linux learns that SMCCC_VERSION exists
    case kCpuOn32:
    case kCpuOn64:
    case kCpuOff:
    case kAffinityInfo32:
    case kAffinityInfo64:
    case kMigrateInfoType:
    case kMigrateInfoUpCpu32:
    case kMigrateInfoUpCpu64:
      return kSuccess;
    case kCpuSuspend32:
    case kCpuSuspend64:
      return 0;  // flags: the original power_state format (bit 1 clear), no OS-initiated mode (bit 0)
    default:
      return kNotSupported;
  }
}

// CPU_SUSPEND, original power_state format: StateID [15:0], StateType
// [16] (0 standby, 1 power-down), PowerLevel [25:24]. One state: standby
// of the core (everything 0), in which it keeps its context. It waits in
// WFI, which any interrupt pending for it ends (even one masked here, or
// destined for the secure world, which the SPMD then takes at once), and
// returns SUCCESS (PSCI lets standby end early). The entry point and
// context ID are for power-down states, which this platform does not
// offer: they are INVALID_PARAMETERS, as any other state. The secure
// world is not told: its contexts on this CPU stay as they are.
int64_t cpu_suspend(uint32_t power_state) {
  if (power_state != 0) return kInvalidParameters;
  // Interrupts routed here for the wait (SCR_EL3.IRQ, FIQ): on hardware
  // one that targets a lower exception level need not wake a WFI at EL3
  // (TF-A's Arm platforms route them so too; QEMU wakes either way).
  // Masked here, it is taken where it belongs once the call returns.
  const uint64_t scr = TESSERA_SYSREG_READ(scr_el3);
  TESSERA_SYSREG_WRITE(scr_el3, scr | (1u << 1) | (1u << 2));
  arch::isb();
  arch::dsb_sy();
  arch::wfi();
  TESSERA_SYSREG_WRITE(scr_el3, scr);
  arch::isb();
  return kSuccess;
}

// The CPU index of an MPIDR value: QEMU virt numbers CPUs by Aff0 in
// cluster 0; anything else names no CPU, and so do the bits PSCI's
// target_cpu must leave zero ([63:40], [31:24]).
int cpu_of(uint64_t mpidr) {
  if ((mpidr & ~0xFFull) != 0 || (mpidr & 0xFF) >= (g_present ? g_present : 1)) return -1;
  return static_cast<int>(mpidr & 0xFF);
}

int64_t cpu_on(uint64_t target, uint64_t entry, uint64_t context) {
  const int cpu = cpu_of(target);
  if (cpu < 0) return kInvalidParameters;
  // The entry point is the normal world's: in its DRAM.
  if (entry < plat::kNsDramBase || entry >= plat::kNsDramBase + (1ull << 30) || (entry & 3)) return kInvalidAddress;
  uint8_t seen = static_cast<uint8_t>(Power::off);
  if (!__atomic_compare_exchange_n(power_word(cpu), &seen, static_cast<uint8_t>(Power::on_pending), false,
                                   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
    return static_cast<Power>(seen) == Power::on ? kAlreadyOn : kOnPending;
  spmd::prepare_cpu(static_cast<unsigned>(cpu), entry, context);
  // The normal-world entry and argument are visible before the release
  // that sends the CPU to read them (the woken CPU fences too).
  __atomic_thread_fence(__ATOMIC_RELEASE);
  // First time: release it from the flash pen; later: from cpu_off's wait.
  el3_secondary_entry[cpu] = reinterpret_cast<uint64_t>(el3_secondary_start);
  __asm__ volatile("dc civac, %0" ::"r"(&el3_secondary_entry[cpu]) : "memory");
  arch::dsb_sy();
  __asm__ volatile("sev" ::: "memory");
  return kSuccess;
}

}  // namespace

[[noreturn]] void cpu_off() {
  const unsigned cpu = arch::cpu_index();
  // A CPU that goes off leaves streaming mode and drops ZA (SME), as a
  // reset would: a normal world that called CPU_OFF in streaming mode has
  // its streaming state given back on the way out of the secure world, and
  // whatever CPU_ON starts next here (the SPMC's cold boot first, under
  // the SPMD) must not begin in it. SVCR is written with CPTR_EL3.ESM set.
  if (el3::cpu::has_sme()) {
    TESSERA_SYSREG_WRITE(cptr_el3, TESSERA_SYSREG_READ(cptr_el3) | (1ull << 12));
    arch::isb();
    TESSERA_SYSREG_WRITE(S3_3_C4_C2_2, 0);  // SVCR: SM = ZA = 0
    arch::isb();
  }
  // The CPU waits here until CPU_ON sends it to a new normal-world entry;
  // the dispatcher then decides what runs first (the SPMD: the SPMC's cold
  // boot on this CPU again; the OP-TEE dispatcher: the normal world).
  el3_secondary_entry[cpu] = 0;
  __asm__ volatile("dc civac, %0" ::"r"(&el3_secondary_entry[cpu]) : "memory");
  arch::dsb_sy();
  store_power(cpu, Power::off);
  while (el3_secondary_entry[cpu] == 0) arch::wfe();
  __atomic_thread_fence(__ATOMIC_ACQUIRE);  // then the entry CPU_ON prepared (cpu_on's release)
  spmd::resume_cpu();
}

void set_present_cpus(unsigned n) { g_present = n > plat::kMaxCpus ? plat::kMaxCpus : n; }

void cpu_is_on() { store_power(arch::cpu_index(), Power::on); }

int64_t handle(uint32_t fid, uint64_t x1, uint64_t x2, uint64_t x3) {
  switch (fid) {
    case kVersion:
      return 0x10001;  // PSCI 1.1
    case kFeatures:
      return features(static_cast<uint32_t>(x1));
    case kCpuOn32:
      return cpu_on(static_cast<uint32_t>(x1), static_cast<uint32_t>(x2), static_cast<uint32_t>(x3));
    case kCpuOn64:
      return cpu_on(x1, x2, x3);
    case kAffinityInfo32:
    case kAffinityInfo64: {
      // SMC32: only the registers' lower halves are the arguments.
      const bool smc32 = fid == kAffinityInfo32;
      const int cpu = cpu_of(smc32 ? static_cast<uint32_t>(x1) : x1);
      const uint64_t level = smc32 ? static_cast<uint32_t>(x2) : x2;
      if (cpu < 0 || level != 0) return kInvalidParameters;  // level 0 only
      return affinity_info_value(load_power(static_cast<unsigned>(cpu)));  // every CPU in the normal world was marked on
    }
    case kCpuSuspend32:
    case kCpuSuspend64:
      return cpu_suspend(static_cast<uint32_t>(x1));  // (a 32-bit parameter in either form)
    case kMigrateInfoType:
      // The secure world keeps the boot CPU (partitions' interrupts are
      // routed there; the SPMC refuses its CPU_OFF): to PSCI that is a
      // uniprocessor trusted OS that cannot migrate, resident on CPU 0,
      // so an OS never tries to take that CPU offline.
      return 1;
    case kMigrateInfoUpCpu32:
    case kMigrateInfoUpCpu64:
      return 0;  // CPU 0's MPIDR affinity
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
