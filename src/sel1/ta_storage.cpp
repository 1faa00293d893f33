// TEE_STORAGE_PRIVATE for TAs: each object sealed (optee/secure_object.h)
// under a key derived from the hardware unique key and the TA's UUID, and
// stored whole through tee-supplicant's REE FS (optee/ree_fs.h) as
// "tessera/<TA UUID>/<keyed hash of the object ID>". The trusted OS
// remembers the newest version of every object it has seen this boot and
// refuses an older one (a replayed file) as corrupt.
#include "lib/mem.h"
#include "optee/ree_fs.h"
#include "optee/secure_object.h"
#include "plat/qemu_virt/huk.h"
#include "sel1/ta_host.h"
#include "ta/tee_internal_api.h"

namespace sel1 {
namespace {

constexpr uint32_t kTeeErrorCorruptObject = 0xF0100001;

// Buffers of the one storage operation in progress: the trusted OS's lock
// serialises TA system calls, and an operation that stops for an RPC keeps
// its turn (TaHost::take_storage_turn) until it is over; another one waits
// for the turn in the normal world (GP's storage functions have no BUSY).
uint8_t g_blob[optee::kObjectMaxData + optee::kObjectOverhead];
uint8_t g_plain[optee::kObjectMaxData];

void path_for(const optee::TaUuid& ta, const char* name, char out[optee::kReeFsPathMax]) {
  static constexpr char kHex[] = "0123456789abcdef";
  static constexpr char kDir[] = "tessera/";
  size_t n = 0;
  for (size_t i = 0; kDir[i]; ++i) out[n++] = kDir[i];
  for (unsigned i = 0; i < 16; ++i) {
    out[n++] = kHex[ta.bytes[i] >> 4];
    out[n++] = kHex[ta.bytes[i] & 15];
  }
  out[n++] = '/';
  for (size_t i = 0; name[i]; ++i) out[n++] = name[i];
  out[n] = 0;
}

}  // namespace

uint32_t TaHost::StorageTurn::take() {
  if (!host_.rpc_) return optee::kTeeErrorStorageNotAvailable;
  if (const uint32_t r = host_.take_storage_turn()) return r;
  held_ = true;
  return 0;
}

TaHost::KnownObject* TaHost::known(const optee::TaUuid& ta, const char* name, bool add) {
  KnownObject* free_slot = nullptr;
  for (KnownObject& k : known_) {
    if (k.used && k.ta == ta && strcmp(k.name, name) == 0) return &k;
    if (!k.used && !free_slot) free_slot = &k;
  }
  if (!add || !free_slot) return nullptr;
  *free_slot = KnownObject{true, false, ta, {}, 0};
  memcpy(free_slot->name, name, 33);
  return free_slot;
}

uint32_t TaHost::storage_read(Instance& in, uint64_t id, uint64_t id_len, uint64_t buf, uint64_t size, uint64_t& len) {
  len = 0;
  const uint8_t* idp = own_bytes(in, id, id_len, false);
  uint8_t* out = size ? own_bytes(in, buf, size, true) : nullptr;  // size 0: is it there, and how long
  if (!idp || id_len == 0 || id_len > optee::kObjectIdMax || (size && !out)) return TEE_ERROR_BAD_PARAMETERS;
  StorageTurn turn(*this);
  if (const uint32_t r = turn.take()) return r;
  uint8_t ident[optee::kObjectIdMax];
  memcpy(ident, idp, id_len);  // ours: the TA cannot change it under us
  const optee::ObjectKey key = optee::object_key(plat::hardware_unique_key(), in.ta->uuid);
  char name[33], path[optee::kReeFsPathMax];
  optee::object_name(key, ident, id_len, name);
  path_for(in.ta->uuid, name, path);
  KnownObject* k = known(in.ta->uuid, name, false);
  if (k && k->deleted) return TEE_ERROR_ITEM_NOT_FOUND;  // deleted this boot, whatever the file system says
  size_t blob_len = 0;
  uint32_t r = optee::ree_fs_read(*rpc_, path, g_blob, sizeof(g_blob), blob_len);
  if (r == TEE_ERROR_SHORT_BUFFER) return kTeeErrorCorruptObject;  // longer than any object
  if (r != TEE_SUCCESS) return r;
  auto opened = optee::open_object(key, in.ta->uuid, ident, id_len, g_blob, blob_len, g_plain);
  if (!opened) return kTeeErrorCorruptObject;
  // An older version than this boot has seen: a replay.
  if (k && opened->version != k->version) return kTeeErrorCorruptObject;
  if (!k && (k = known(in.ta->uuid, name, true))) k->version = opened->version;
  if (opened->len > size) {
    len = opened->len;
    memset(g_plain, 0, sizeof(g_plain));
    return TEE_ERROR_SHORT_BUFFER;
  }
  if (opened->len) memcpy(out, g_plain, opened->len);
  memset(g_plain, 0, sizeof(g_plain));
  len = opened->len;
  return TEE_SUCCESS;
}

uint32_t TaHost::storage_write(Instance& in, uint64_t id, uint64_t id_len_flags, uint64_t data, uint64_t len) {
  const bool exclusive = id_len_flags & TA_STORAGE_EXCLUSIVE;
  const uint64_t id_len = id_len_flags & 0xFFFFFFFF;
  uint8_t ident[optee::kObjectIdMax];
  const uint8_t* idp = own_bytes(in, id, id_len, false);
  const uint8_t* src = own_bytes(in, data, len, false);
  if (!idp || id_len == 0 || id_len > optee::kObjectIdMax || !src || len > optee::kObjectMaxData)
    return TEE_ERROR_BAD_PARAMETERS;
  memcpy(ident, idp, id_len);
  // The version this write replaces: what this boot knows, else the file's.
  uint64_t version = 0;
  {
    uint64_t old_len = 0;
    const uint32_t r = storage_read(in, id, id_len, 0, 0, old_len);
    if (r == TEE_SUCCESS || r == TEE_ERROR_SHORT_BUFFER) {
      if (exclusive) return TEE_ERROR_ACCESS_CONFLICT;
    } else if (r != TEE_ERROR_ITEM_NOT_FOUND && r != kTeeErrorCorruptObject) {
      return r;  // storage not there, or no turn
    }
  }
  StorageTurn turn(*this);
  if (const uint32_t r = turn.take()) return r;
  const optee::ObjectKey key = optee::object_key(plat::hardware_unique_key(), in.ta->uuid);
  char name[33], path[optee::kReeFsPathMax];
  optee::object_name(key, ident, id_len, name);
  path_for(in.ta->uuid, name, path);
  KnownObject* k = known(in.ta->uuid, name, true);
  if (!k) return TEE_ERROR_OUT_OF_MEMORY;  // more objects this boot than we can vouch for
  version = k->version + 1;
  memcpy(g_plain, src, len);  // copied once: the TA's memory is its own, but nothing is read twice
  uint8_t nonce[optee::kObjectNonce];
  if (!hardware_random(nonce, sizeof(nonce))) return TEE_ERROR_GENERIC;
  const size_t n = optee::seal_object(key, in.ta->uuid, ident, id_len, version, nonce, g_plain, len, g_blob);
  memset(g_plain, 0, sizeof(g_plain));
  if (!n) return TEE_ERROR_GENERIC;
  const uint32_t r = optee::ree_fs_write(*rpc_, path, g_blob, n);
  if (r != TEE_SUCCESS) return r;
  k->version = version;
  k->deleted = false;
  return TEE_SUCCESS;
}

uint32_t TaHost::storage_delete(Instance& in, uint64_t id, uint64_t id_len) {
  const uint8_t* idp = own_bytes(in, id, id_len, false);
  if (!idp || id_len == 0 || id_len > optee::kObjectIdMax) return TEE_ERROR_BAD_PARAMETERS;
  StorageTurn turn(*this);
  if (const uint32_t r = turn.take()) return r;
  uint8_t ident[optee::kObjectIdMax];
  memcpy(ident, idp, id_len);
  const optee::ObjectKey key = optee::object_key(plat::hardware_unique_key(), in.ta->uuid);
  char name[33], path[optee::kReeFsPathMax];
  optee::object_name(key, ident, id_len, name);
  path_for(in.ta->uuid, name, path);
  const uint32_t r = optee::ree_fs_remove(*rpc_, path);
  if (r != TEE_SUCCESS) return r;
  if (KnownObject* k = known(in.ta->uuid, name, true)) k->deleted = true;
  return TEE_SUCCESS;
}

}  // namespace sel1
