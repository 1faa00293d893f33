/* The storage TA: the client names objects and their data; each command is
 * one use of GP's persistent-object API (TEE_STORAGE_PRIVATE). */
#include "ta/tee_internal_api.h"
#include "tas.h"

TA_PROPS(TA_STORAGE_UUID, TA_FLAG_SINGLE_INSTANCE | TA_FLAG_MULTI_SESSION);

#define IN TEE_PARAM_TYPE_MEMREF_INPUT
#define OUT TEE_PARAM_TYPE_MEMREF_OUTPUT
#define VAL TEE_PARAM_TYPE_VALUE_INPUT
#define NONE TEE_PARAM_TYPE_NONE
#define RW (TEE_DATA_FLAG_ACCESS_READ | TEE_DATA_FLAG_ACCESS_WRITE | TEE_DATA_FLAG_ACCESS_WRITE_META)

/* Create, destroy, open and close session: the runtime's defaults. */

/* The ID into our own memory: GP wants object IDs in TA memory, not in
 * memory the client shares. */
static uint8_t id[64];
static TEE_Result take_id(const TEE_Param* p, size_t* len) {
  if (p->memref.size == 0 || p->memref.size > sizeof(id)) return TEE_ERROR_BAD_PARAMETERS;
  TEE_MemMove(id, p->memref.buffer, p->memref.size);
  *len = p->memref.size;
  return TEE_SUCCESS;
}

static TEE_Result write(TEE_Param p[4], uint32_t flags) {
  size_t n;
  TEE_Result r = take_id(&p[0], &n);
  if (r != TEE_SUCCESS) return r;
  if (p[1].memref.size > 4096) return TEE_ERROR_STORAGE_NO_SPACE;
  uint8_t* data = TEE_Malloc(p[1].memref.size + 1, TEE_MALLOC_NO_FILL);
  if (!data) return TEE_ERROR_OUT_OF_MEMORY;
  TEE_MemMove(data, p[1].memref.buffer, p[1].memref.size);
  r = TEE_CreatePersistentObject(TEE_STORAGE_PRIVATE, id, n, flags, TEE_HANDLE_NULL, data, p[1].memref.size, NULL);
  TEE_Free(data);
  return r;
}

static TEE_Result read(TEE_Param p[4]) {
  size_t n, count = 0;
  TEE_Result r = take_id(&p[0], &n);
  TEE_ObjectHandle o;
  if (r == TEE_SUCCESS) r = TEE_OpenPersistentObject(TEE_STORAGE_PRIVATE, id, n, TEE_DATA_FLAG_ACCESS_READ, &o);
  if (r != TEE_SUCCESS) return r;
  uint8_t* data = TEE_Malloc(4096, TEE_MALLOC_NO_FILL);
  if (!data) {
    TEE_CloseObject(o);
    return TEE_ERROR_OUT_OF_MEMORY;
  }
  r = TEE_ReadObjectData(o, data, 4096, &count);
  TEE_CloseObject(o);
  if (r == TEE_SUCCESS && count > p[1].memref.size) r = TEE_ERROR_SHORT_BUFFER;
  if (r == TEE_SUCCESS) TEE_MemMove(p[1].memref.buffer, data, count);
  p[1].memref.size = count;
  TEE_Free(data);
  return r;
}

static TEE_Result delete(TEE_Param p[4]) {
  size_t n;
  TEE_Result r = take_id(&p[0], &n);
  TEE_ObjectHandle o;
  if (r == TEE_SUCCESS) r = TEE_OpenPersistentObject(TEE_STORAGE_PRIVATE, id, n, RW, &o);
  if (r != TEE_SUCCESS) return r;
  return TEE_CloseAndDeletePersistentObject1(o);
}

static TEE_Result write_at(TEE_Param p[4]) {
  size_t n;
  TEE_Result r = take_id(&p[0], &n);
  TEE_ObjectHandle o;
  if (r == TEE_SUCCESS) r = TEE_OpenPersistentObject(TEE_STORAGE_PRIVATE, id, n, RW, &o);
  if (r != TEE_SUCCESS) return r;
  uint8_t buf[256];
  const size_t len = p[1].memref.size < sizeof(buf) ? p[1].memref.size : sizeof(buf);
  TEE_MemMove(buf, p[1].memref.buffer, len);
  r = TEE_SeekObjectData(o, p[2].value.a, TEE_DATA_SEEK_SET);
  if (r == TEE_SUCCESS) r = TEE_WriteObjectData(o, buf, len);
  TEE_CloseObject(o);
  return r;
}

TEE_Result TA_InvokeCommandEntryPoint(void* ctx, uint32_t cmd, uint32_t types, TEE_Param p[4]) {
  (void)ctx;
  switch (cmd) {
    case TA_STORAGE_CMD_WRITE:
    case TA_STORAGE_CMD_CREATE:
      if (types != TEE_PARAM_TYPES(IN, IN, NONE, NONE)) return TEE_ERROR_BAD_PARAMETERS;
      return write(p, RW | (cmd == TA_STORAGE_CMD_WRITE ? TEE_DATA_FLAG_OVERWRITE : 0));
    case TA_STORAGE_CMD_READ:
      if (types != TEE_PARAM_TYPES(IN, OUT, NONE, NONE)) return TEE_ERROR_BAD_PARAMETERS;
      return read(p);
    case TA_STORAGE_CMD_DELETE:
      if (types != TEE_PARAM_TYPES(IN, NONE, NONE, NONE)) return TEE_ERROR_BAD_PARAMETERS;
      return delete(p);
    case TA_STORAGE_CMD_WRITE_AT:
      if (types != TEE_PARAM_TYPES(IN, IN, VAL, NONE)) return TEE_ERROR_BAD_PARAMETERS;
      return write_at(p);
    default:
      return TEE_ERROR_NOT_SUPPORTED;
  }
}
