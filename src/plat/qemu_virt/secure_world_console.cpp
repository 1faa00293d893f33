#include "plat/qemu_virt/secure_world_console.h"

#include "arch/aarch64/sysreg.h"
#include "plat/qemu_virt/memory_map.h"
#include "plat/qemu_virt/pl011.h"
#include "plat/qemu_virt/secure_console.h"

namespace plat {
namespace {

constexpr Pl011 kConsole(kSecureUartBase);
using MmuOn = bool (*)();
constinit MmuOn g_mmu_on = nullptr;
constinit bool g_lock_attached = false;
constinit uint64_t g_daif[kMaxCpus] = {};

void write(const char* chars, size_t len) { kConsole.write(chars, len); }

bool lock() {
  const unsigned cpu = arch::cpu_index();
  if (!g_lock_attached || cpu >= kMaxCpus || !g_mmu_on()) return false;
  const uint64_t daif = TESSERA_SYSREG_READ(daif);
  __asm__ volatile("msr daifset, #3" ::: "memory");
  if (!lib::BakeryLock::must_release(secure_console_lock().acquire(cpu))) {
    TESSERA_SYSREG_WRITE(daif, daif);
    return false;
  }
  g_daif[cpu] = daif;
  return true;
}

void unlock() {
  const unsigned cpu = arch::cpu_index();
  secure_console_lock().release(cpu);
  TESSERA_SYSREG_WRITE(daif, g_daif[cpu]);
}

uint64_t millis() { return arch::cntpct() / (arch::cntfrq() / 1000); }  // rate limits' clock

constexpr lib::log::Console kOut{&write, &lock, &unlock, &millis};

}  // namespace

const lib::log::Console& secure_world_console(bool (*mmu_on)()) {
  g_mmu_on = mmu_on;
  return kOut;
}

const char* attach_secure_console_lock(arch::mmu::PageTable& tables, uint64_t image_end) {
  constexpr uint64_t page = kSecureConsoleLockPage;
  if (image_end > page) return "the image reaches the secure console's lock page 0x0e4ff000";
  auto s = tables.map(page, page, 0x1000,
                      arch::mmu::Attrs{.type = arch::mmu::MemType::normal, .write = true, .global = false});
  if (!s) {
    lib::log::error("secure console lock page {:x}: {}; lines from several CPUs may mix", page,
                    arch::mmu::to_string(s.error()));
    return nullptr;
  }
  secure_console_lock().reset();
  g_lock_attached = true;
  return nullptr;
}

}  // namespace plat
