// Power-off and reset of QEMU virt through the secure PL061 GPIO (pin 0
// powers off, pin 1 resets), as the machine wires its gpio-keys.
#pragma once

namespace plat {
[[noreturn]] void system_off();
[[noreturn]] void system_reset();
}  // namespace plat
