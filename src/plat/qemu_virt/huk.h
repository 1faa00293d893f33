// The hardware unique key: on real silicon a fused, per-device secret only
// the secure world can read (OP-TEE's tee_otp_get_hw_unique_key). QEMU's
// virt machine has no fuses, so this platform stands in a constant, as
// OP-TEE does on QEMU: objects are bound to the trusted OS that sealed
// them and unreadable to the normal world, but every QEMU machine shares
// the key. A port to hardware replaces this function; docs/trusted-
// applications.md says so to anyone relying on storage here.
#pragma once

#include <cstdint>

namespace plat {

inline const uint8_t* hardware_unique_key() {
  static constexpr uint8_t kKey[32] = {0x54, 0x65, 0x73, 0x73, 0x65, 0x72, 0x61, 0x20, 0x51, 0x45, 0x4d,
                                       0x55, 0x20, 0x48, 0x55, 0x4b, 0x9e, 0x37, 0x79, 0xb9, 0x7f, 0x4a,
                                       0x7c, 0x15, 0xf3, 0x9c, 0xc0, 0x60, 0x5c, 0xed, 0xc8, 0x34};
  return kKey;
}

}  // namespace plat
