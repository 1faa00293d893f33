// GP persistent objects over the trusted OS's whole-object storage calls:
// an open object's data lives in the TA's heap; reads come from there, and
// every write or truncation stores the whole object again (objects are
// small: 4 KiB at most). GP's panics for misuse (a handle that is not an
// open persistent object, an access the open flags do not allow) apply.
#include "lib/mem.h"
#include "ta/object.h"
#include "ta/syscall.h"

namespace {
constexpr size_t kMaxData = 4096;

bool valid(TEE_ObjectHandle o) { return o && o->persistent && o->data; }

TEE_Result store(TEE_ObjectHandle o, bool exclusive) {
  const uint64_t id_len = o->id_len | (exclusive ? TA_STORAGE_EXCLUSIVE : 0);
  return static_cast<TEE_Result>(ta_syscall(reinterpret_cast<uint64_t>(o->id), id_len,
                                            reinterpret_cast<uint64_t>(o->data), o->len, TA_SYS_STORAGE_WRITE));
}

TEE_Result make(const void* id, size_t id_len, uint32_t flags, TEE_ObjectHandle* object) {
  *object = nullptr;
  if (id_len == 0 || id_len > sizeof(__TEE_ObjectHandle::id)) return TEE_ERROR_BAD_PARAMETERS;
  auto* o = static_cast<TEE_ObjectHandle>(TEE_Malloc(sizeof(__TEE_ObjectHandle), TEE_MALLOC_FILL_ZERO));
  auto* data = static_cast<uint8_t*>(TEE_Malloc(kMaxData, TEE_MALLOC_FILL_ZERO));
  if (!o || !data) {
    TEE_Free(o);
    TEE_Free(data);
    return TEE_ERROR_OUT_OF_MEMORY;
  }
  o->persistent = true;
  o->flags = flags;
  memcpy(o->id, id, id_len);
  o->id_len = id_len;
  o->data = data;
  *object = o;
  return TEE_SUCCESS;
}
}  // namespace

extern "C" {

TEE_Result TEE_OpenPersistentObject(uint32_t storage, const void* id, size_t id_len, uint32_t flags,
                                    TEE_ObjectHandle* object) {
  if (storage != TEE_STORAGE_PRIVATE) return TEE_ERROR_ITEM_NOT_FOUND;
  TEE_Result r = make(id, id_len, flags, object);
  if (r != TEE_SUCCESS) return r;
  uint64_t len = 0;
  r = static_cast<TEE_Result>(ta_syscall(reinterpret_cast<uint64_t>((*object)->id), id_len,
                                         reinterpret_cast<uint64_t>((*object)->data), kMaxData, TA_SYS_STORAGE_READ,
                                         &len));
  if (r != TEE_SUCCESS) {
    TEE_CloseObject(*object);
    *object = nullptr;
    return r;
  }
  (*object)->len = len;
  return TEE_SUCCESS;
}

TEE_Result TEE_CreatePersistentObject(uint32_t storage, const void* id, size_t id_len, uint32_t flags,
                                      TEE_ObjectHandle attributes, const void* data, size_t len,
                                      TEE_ObjectHandle* object) {
  if (storage != TEE_STORAGE_PRIVATE) return TEE_ERROR_ITEM_NOT_FOUND;
  if (attributes || len > kMaxData) return attributes ? TEE_ERROR_NOT_SUPPORTED : TEE_ERROR_STORAGE_NO_SPACE;
  TEE_ObjectHandle o;
  TEE_Result r = make(id, id_len, flags, &o);
  if (r != TEE_SUCCESS) return r;
  if (len) memcpy(o->data, data, len);
  o->len = len;
  r = store(o, !(flags & TEE_DATA_FLAG_OVERWRITE));
  if (r != TEE_SUCCESS || !object) {
    TEE_CloseObject(o);
    if (object) *object = nullptr;
    return r;
  }
  *object = o;
  return TEE_SUCCESS;
}

TEE_Result TEE_ReadObjectData(TEE_ObjectHandle o, void* buffer, size_t size, size_t* count) {
  if (!valid(o) || !(o->flags & TEE_DATA_FLAG_ACCESS_READ)) TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
  const size_t n = o->pos >= o->len ? 0 : (o->len - o->pos < size ? o->len - o->pos : size);
  memcpy(buffer, o->data + o->pos, n);
  o->pos += n;
  *count = n;
  return TEE_SUCCESS;
}

TEE_Result TEE_WriteObjectData(TEE_ObjectHandle o, const void* buffer, size_t size) {
  if (!valid(o) || !(o->flags & TEE_DATA_FLAG_ACCESS_WRITE)) TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
  if (o->pos > kMaxData || size > kMaxData - o->pos) return TEE_ERROR_STORAGE_NO_SPACE;
  if (o->pos > o->len) memset(o->data + o->len, 0, o->pos - o->len);  // GP: a gap reads as zeros
  memcpy(o->data + o->pos, buffer, size);
  o->pos += size;
  if (o->pos > o->len) o->len = o->pos;
  return store(o, false);
}

TEE_Result TEE_TruncateObjectData(TEE_ObjectHandle o, size_t size) {
  if (!valid(o) || !(o->flags & TEE_DATA_FLAG_ACCESS_WRITE)) TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
  if (size > kMaxData) return TEE_ERROR_STORAGE_NO_SPACE;
  if (size > o->len) memset(o->data + o->len, 0, size - o->len);
  o->len = size;
  return store(o, false);
}

TEE_Result TEE_SeekObjectData(TEE_ObjectHandle o, intmax_t offset, TEE_Whence whence) {
  if (!valid(o)) TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
  const intmax_t base = whence == TEE_DATA_SEEK_SET ? 0 : whence == TEE_DATA_SEEK_CUR ? static_cast<intmax_t>(o->pos)
                                                                                       : static_cast<intmax_t>(o->len);
  const intmax_t to = base + offset;
  if (to < 0 || to > static_cast<intmax_t>(kMaxData)) return TEE_ERROR_OVERFLOW;
  o->pos = static_cast<size_t>(to);
  return TEE_SUCCESS;
}

void TEE_CloseObject(TEE_ObjectHandle o) {
  if (!o) return;
  if (!o->persistent) TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
  TEE_MemFill(o->data, 0, kMaxData);
  TEE_Free(o->data);
  TEE_MemFill(o, 0, sizeof(*o));
  TEE_Free(o);
}

TEE_Result TEE_CloseAndDeletePersistentObject1(TEE_ObjectHandle o) {
  if (!o) return TEE_SUCCESS;
  if (!valid(o) || !(o->flags & TEE_DATA_FLAG_ACCESS_WRITE_META)) TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
  const TEE_Result r = static_cast<TEE_Result>(
      ta_syscall(reinterpret_cast<uint64_t>(o->id), o->id_len, 0, 0, TA_SYS_STORAGE_DELETE));
  TEE_CloseObject(o);
  return r;
}

}  // extern "C"
