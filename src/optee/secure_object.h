// A Trusted Application's persistent object as the normal world stores it
// (through tee-supplicant's REE FS): encrypted and authenticated with
// AES-256-GCM under a key only the trusted OS can derive, so that the
// normal world can lose, reorder or corrupt objects but never read or
// forge one. Layout of a stored object:
//   "TSO1" | version (8, little-endian) | nonce (12) | ciphertext | tag (16)
// with AAD = "TSO1" | version | the TA's UUID | SHA-256(object ID), so that
// a file moved to another name, another TA or another version is refused.
// Rollback (a replayed older file) is the caller's to catch with the version.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lib/result.h"
#include "optee/ta_store.h"

namespace optee {

inline constexpr size_t kObjectMaxData = 4096;
inline constexpr size_t kObjectIdMax = 64;  // GP's TEE_OBJECT_ID_MAX_LEN
inline constexpr size_t kObjectOverhead = 4 + 8 + 12 + 16;
inline constexpr size_t kObjectNonce = 12;

struct ObjectKey {
  uint8_t bytes[32];
};

// The key for `ta`'s objects: HMAC-SHA256(huk, "tessera-storage-v1" | UUID).
ObjectKey object_key(const uint8_t huk[32], const TaUuid& ta);
// The object's file name: 32 hex digits of HMAC-SHA256(key, id), so that
// names say nothing of the IDs.
void object_name(const ObjectKey& key, const uint8_t* id, size_t id_len, char out[33]);

// Seals `len` bytes (at most kObjectMaxData) into `out` (len +
// kObjectOverhead bytes); returns that length, or 0 when too large.
size_t seal_object(const ObjectKey& key, const TaUuid& ta, const uint8_t* id, size_t id_len, uint64_t version,
                   const uint8_t nonce[kObjectNonce], const uint8_t* data, size_t len, uint8_t* out);

struct OpenedObject {
  uint64_t version;
  size_t len;
};
// Checks and decrypts `blob` into `out` (kObjectMaxData bytes); false for
// anything but an object sealed under this key, TA and ID (then `out` holds
// no plaintext).
lib::Result<OpenedObject, bool> open_object(const ObjectKey& key, const TaUuid& ta, const uint8_t* id, size_t id_len,
                                           const uint8_t* blob, size_t blob_len, uint8_t* out);

}  // namespace optee
