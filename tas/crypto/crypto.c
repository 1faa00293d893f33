/* The crypto TA: digest, MAC, AEAD and a block cipher mode over memory
 * references, through the GP operation API (src/ta/crypto_api.cpp). Every
 * input is copied into the TA's own memory first: the client can rewrite
 * shared memory while the TA works, and a MAC or tag must be checked on
 * the bytes that are then decrypted. Multi-instance: no state is shared. */
#include "ta/tee_internal_api.h"
#include "tas.h"

TA_PROPS(TA_CRYPTO_UUID, 0);

#define MEMREF_IN TEE_PARAM_TYPE_MEMREF_INPUT
#define MEMREF_OUT TEE_PARAM_TYPE_MEMREF_OUTPUT
#define NONE TEE_PARAM_TYPE_NONE
#define MAX_DATA 16384u

/* Create, destroy, open and close session: the runtime's defaults. */

/* A private copy of an input memref (NULL when too large or no memory). */
static uint8_t* copy_in(const TEE_Param* p) {
  if (p->memref.size > MAX_DATA) return NULL;
  uint8_t* c = TEE_Malloc(p->memref.size ? p->memref.size : 1, TEE_MALLOC_NO_FILL);
  if (c) TEE_MemMove(c, p->memref.buffer, p->memref.size);
  return c;
}

static TEE_Result key_object(uint32_t type, const uint8_t* key, size_t len, TEE_ObjectHandle* obj) {
  TEE_Result r = TEE_AllocateTransientObject(type, (uint32_t)len * 8, obj);
  if (r != TEE_SUCCESS) return r;
  TEE_Attribute a;
  TEE_InitRefAttribute(&a, TEE_ATTR_SECRET_VALUE, key, len);
  return TEE_PopulateTransientObject(*obj, &a, 1);
}

static TEE_Result digest(TEE_Param p[4]) {
  uint8_t* data = copy_in(&p[0]);
  if (!data) return TEE_ERROR_OUT_OF_MEMORY;
  TEE_OperationHandle op;
  TEE_Result r = TEE_AllocateOperation(&op, TEE_ALG_SHA256, TEE_MODE_DIGEST, 0);
  if (r == TEE_SUCCESS) {
    size_t n = p[1].memref.size;
    r = TEE_DigestDoFinal(op, data, p[0].memref.size, p[1].memref.buffer, &n);
    p[1].memref.size = n;
    TEE_FreeOperation(op);
  }
  TEE_Free(data);
  return r;
}

static TEE_Result hmac(TEE_Param p[4]) {
  uint8_t* key = copy_in(&p[0]);
  uint8_t* data = copy_in(&p[1]);
  TEE_Result r = key && data && p[0].memref.size ? TEE_SUCCESS : TEE_ERROR_BAD_PARAMETERS;
  TEE_ObjectHandle k = NULL;
  TEE_OperationHandle op = NULL;
  if (r == TEE_SUCCESS) r = key_object(TEE_TYPE_HMAC_SHA256, key, p[0].memref.size, &k);
  if (r == TEE_SUCCESS) r = TEE_AllocateOperation(&op, TEE_ALG_HMAC_SHA256, TEE_MODE_MAC, (uint32_t)p[0].memref.size * 8);
  if (r == TEE_SUCCESS) r = TEE_SetOperationKey(op, k);
  if (r == TEE_SUCCESS) {
    size_t n = p[2].memref.size;
    TEE_MACInit(op, NULL, 0);
    r = TEE_MACComputeFinal(op, data, p[1].memref.size, p[2].memref.buffer, &n);
    p[2].memref.size = n;
  }
  TEE_FreeOperation(op);
  TEE_FreeTransientObject(k);
  TEE_Free(key);
  TEE_Free(data);
  return r;
}

/* AES with a key (p0) and a nonce/IV (p1, its first iv_len bytes; what
 * follows is GCM's AAD), over p2 into p3. */
static TEE_Result aes(uint32_t cmd, TEE_Param p[4]) {
  const int gcm = cmd == TA_CRYPTO_CMD_GCM_SEAL || cmd == TA_CRYPTO_CMD_GCM_OPEN;
  const int encrypt = cmd == TA_CRYPTO_CMD_GCM_SEAL || cmd == TA_CRYPTO_CMD_CBC_ENCRYPT;
  const size_t iv_len = gcm ? 12 : 16, tag_len = 16;
  uint8_t *key = copy_in(&p[0]), *iv = copy_in(&p[1]), *in = copy_in(&p[2]);
  size_t in_len = p[2].memref.size;
  TEE_Result r = key && iv && in && p[1].memref.size >= iv_len ? TEE_SUCCESS : TEE_ERROR_BAD_PARAMETERS;
  if (r == TEE_SUCCESS && gcm && !encrypt && in_len < tag_len) r = TEE_ERROR_BAD_PARAMETERS;
  const size_t data_len = gcm && !encrypt ? in_len - tag_len : in_len;
  const size_t need = gcm && encrypt ? data_len + tag_len : data_len;
  if (r == TEE_SUCCESS && p[3].memref.size < need) {
    p[3].memref.size = need;
    r = TEE_ERROR_SHORT_BUFFER;
  }
  TEE_ObjectHandle k = NULL;
  TEE_OperationHandle op = NULL;
  if (r == TEE_SUCCESS) r = key_object(TEE_TYPE_AES, key, p[0].memref.size, &k);
  if (r == TEE_SUCCESS)
    r = TEE_AllocateOperation(&op, gcm ? TEE_ALG_AES_GCM : TEE_ALG_AES_CBC_NOPAD,
                              encrypt ? TEE_MODE_ENCRYPT : TEE_MODE_DECRYPT, (uint32_t)p[0].memref.size * 8);
  if (r == TEE_SUCCESS) r = TEE_SetOperationKey(op, k);
  uint8_t* out = p[3].memref.buffer;
  size_t out_len = p[3].memref.size;
  if (r == TEE_SUCCESS && gcm) {
    r = TEE_AEInit(op, iv, iv_len, 128, p[1].memref.size - iv_len, data_len);
    if (r == TEE_SUCCESS) TEE_AEUpdateAAD(op, iv + iv_len, p[1].memref.size - iv_len);
    if (r == TEE_SUCCESS && encrypt) {
      size_t t = tag_len;
      r = TEE_AEEncryptFinal(op, in, data_len, out, &out_len, out + data_len, &t);
      out_len = data_len + t;
    } else if (r == TEE_SUCCESS) {
      r = TEE_AEDecryptFinal(op, in, data_len, out, &out_len, in + data_len, tag_len);
    }
  } else if (r == TEE_SUCCESS) {
    TEE_CipherInit(op, iv, iv_len);
    r = TEE_CipherDoFinal(op, in, in_len, out, &out_len);
  }
  if (r == TEE_SUCCESS) p[3].memref.size = out_len;
  TEE_FreeOperation(op);
  TEE_FreeTransientObject(k);
  TEE_Free(key);
  TEE_Free(iv);
  TEE_Free(in);
  return r;
}

TEE_Result TA_InvokeCommandEntryPoint(void* ctx, uint32_t cmd, uint32_t types, TEE_Param p[4]) {
  (void)ctx;
  switch (cmd) {
    case TA_CRYPTO_CMD_SHA256:
      if (types != TEE_PARAM_TYPES(MEMREF_IN, MEMREF_OUT, NONE, NONE)) return TEE_ERROR_BAD_PARAMETERS;
      return digest(p);
    case TA_CRYPTO_CMD_HMAC_SHA256:
      if (types != TEE_PARAM_TYPES(MEMREF_IN, MEMREF_IN, MEMREF_OUT, NONE)) return TEE_ERROR_BAD_PARAMETERS;
      return hmac(p);
    case TA_CRYPTO_CMD_GCM_SEAL:
    case TA_CRYPTO_CMD_GCM_OPEN:
    case TA_CRYPTO_CMD_CBC_ENCRYPT:
    case TA_CRYPTO_CMD_CBC_DECRYPT:
      if (types != TEE_PARAM_TYPES(MEMREF_IN, MEMREF_IN, MEMREF_IN, MEMREF_OUT)) return TEE_ERROR_BAD_PARAMETERS;
      return aes(cmd, p);
    default:
      return TEE_ERROR_NOT_SUPPORTED;
  }
}
