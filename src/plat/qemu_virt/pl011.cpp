#include "plat/qemu_virt/pl011.h"

namespace plat {
namespace {
constexpr uint64_t kDr = 0x00;
constexpr uint64_t kFr = 0x18;
constexpr uint32_t kFrTxff = 1u << 5;
}  // namespace

void Pl011::putc(char c) const {
  auto* fr = reinterpret_cast<volatile uint32_t*>(base_ + kFr);
  auto* dr = reinterpret_cast<volatile uint32_t*>(base_ + kDr);
  while (*fr & kFrTxff) {
  }
  *dr = static_cast<uint8_t>(c);
}

void Pl011::write(const char* chars, size_t len) const {
  for (size_t i = 0; i < len; ++i) putc(chars[i]);
}

}  // namespace plat
