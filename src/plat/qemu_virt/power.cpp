#include "plat/qemu_virt/power.h"

#include <cstdint>

#include "plat/qemu_virt/memory_map.h"

namespace plat {
namespace {

constexpr uint64_t kGpioDir = 0x400;

// PL061 data register: address bits [9:2] mask which pins a write touches.
void pulse(unsigned pin) {
  auto* dir = reinterpret_cast<volatile uint32_t*>(kSecureGpioBase + kGpioDir);
  auto* data = reinterpret_cast<volatile uint32_t*>(kSecureGpioBase + ((1u << pin) << 2));
  *dir = *dir | (1u << pin);
  *data = 0;
  *data = 1u << pin;  // the machine acts on the rising edge
}

[[noreturn]] void halt() {
  for (;;) __asm__ volatile("wfi");
}

}  // namespace

void system_off() {
  pulse(0);
  halt();
}

void system_reset() {
  pulse(1);
  halt();
}

}  // namespace plat
