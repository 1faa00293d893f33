// Firmware Image Package (FIP) reader: the container TF-A's fiptool builds
// and the monitor loads images from. Layout: a 16-byte ToC header (name
// 0xAA640001, serial, flags), 40-byte entries {uuid[16], offset, size,
// flags}, ended by an entry with a nil UUID. All little-endian.
#pragma once

#include <cstdint>
#include <optional>

#include "lib/bytes.h"

namespace lib::fip {

struct ImageUuid {
  uint8_t bytes[16];
};

// The UUIDs fiptool writes for the images we use (as stored in the file).
inline constexpr ImageUuid kTosFw{{0x05, 0xd0, 0xe1, 0x89, 0x53, 0xdc, 0x13, 0x47, 0x8d, 0x2b, 0x50, 0x0a, 0x4b,
                                   0x7a, 0x3e, 0x38}};
inline constexpr ImageUuid kTosFwConfig{{0x26, 0x25, 0x7c, 0x1a, 0xdb, 0xc6, 0x7f, 0x47, 0x8d, 0x96, 0xc4, 0xc4,
                                         0xb0, 0x24, 0x80, 0x21}};
// tos-fw-extra1 (TF-A's BL32_EXTRA1): Tessera's TA store.
inline constexpr ImageUuid kTosFwExtra1{{0x0b, 0x70, 0xc2, 0x9b, 0x2a, 0x5a, 0x78, 0x40, 0x9f, 0x65, 0x0a, 0x56,
                                         0x82, 0x73, 0x82, 0x88}};
inline constexpr ImageUuid kNtFw{{0xd6, 0xd0, 0xee, 0xa7, 0xfc, 0xea, 0xd5, 0x4b, 0x97, 0x82, 0x99, 0x34, 0xf2,
                                  0x34, 0xb6, 0xe4}};

inline constexpr uint32_t kTocName = 0xAA640001;
// More entries than this is not a FIP we built; it bounds the scan.
inline constexpr unsigned kMaxEntries = 64;

// True when `fip` starts with a FIP ToC header.
bool valid_header(ByteView fip);
// The image stored under `uuid`, checked to lie inside `fip`.
std::optional<ByteView> find(ByteView fip, const ImageUuid& uuid);

}  // namespace lib::fip
