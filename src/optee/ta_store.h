// The TA store: the Trusted Application images the FIP carries (as
// tos-fw-extra1, built by tools/mkta_store.py) and the monitor stages for
// the trusted OS. This parser checks the store and every image header
// before the trusted OS copies anything: a store is boot input, and a bad
// one must be refused with a reason, never half used.
#pragma once

#include <cstdint>

#include "lib/bytes.h"
#include "lib/result.h"
#include "ta/ta_abi.h"

namespace optee {

inline constexpr uint32_t kStoreMagic = 0x54534154;  // "TAST"
inline constexpr uint32_t kStoreVersion = 1;
inline constexpr unsigned kMaxTas = 16;
inline constexpr uint32_t kStoreHeader = 16, kStoreEntry = 24;

struct TaUuid {
  uint8_t bytes[16];
  friend constexpr bool operator==(const TaUuid& a, const TaUuid& b) = default;
};

// One TA, as its header describes it; `image` is its file (file_end bytes).
struct TaImage {
  TaUuid uuid;
  uint32_t flags;
  uint32_t entry, text_end, ro_end, file_end, mem_end, stack_top;
  lib::ByteView image;
  bool single_instance() const { return flags & TA_FLAG_SINGLE_INSTANCE; }
  bool multi_session() const { return flags & TA_FLAG_MULTI_SESSION; }
  bool keep_alive() const { return flags & TA_FLAG_KEEP_ALIVE; }
};

struct TaStore {
  TaImage tas[kMaxTas];
  unsigned count = 0;
  const TaImage* find(const TaUuid& uuid) const {
    for (unsigned i = 0; i < count; ++i)
      if (tas[i].uuid == uuid) return &tas[i];
    return nullptr;
  }
};

// Why a store was refused (a constant string, for the boot log).
struct StoreError {
  const char* reason;
  unsigned index;  // the TA entry it concerns, or kMaxTas for the store
};

lib::Result<TaStore, StoreError> parse_ta_store(lib::ByteView store);
// One image's header, checked (parse_ta_store calls it for each).
lib::Result<TaImage, const char*> parse_ta_image(lib::ByteView image);

}  // namespace optee
