/* The GlobalPlatform TEE Internal Core API, the subset Tessera's trusted
 * OS offers Trusted Applications (docs/trusted-applications.md lists it).
 * Names, types and values are GlobalPlatform's, so that TA sources written
 * for OP-TEE build here for what they use of this subset. */
#ifndef TESSERA_TEE_INTERNAL_API_H
#define TESSERA_TEE_INTERNAL_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ta/ta_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t TEE_Result;
typedef struct {
  uint32_t timeLow;
  uint16_t timeMid;
  uint16_t timeHiAndVersion;
  uint8_t clockSeqAndNode[8];
} TEE_UUID;
typedef union {
  struct {
    void* buffer;
    size_t size;
  } memref;
  struct {
    uint32_t a, b;
  } value;
} TEE_Param;
typedef struct {
  uint32_t seconds;
  uint32_t millis;
} TEE_Time;
typedef struct __TEE_TASessionHandle* TEE_TASessionHandle;

#define TEE_SUCCESS 0x00000000u
#define TEE_ERROR_GENERIC 0xFFFF0000u
#define TEE_ERROR_ACCESS_DENIED 0xFFFF0001u
#define TEE_ERROR_CANCEL 0xFFFF0002u
#define TEE_ERROR_ACCESS_CONFLICT 0xFFFF0003u
#define TEE_ERROR_BAD_FORMAT 0xFFFF0005u
#define TEE_ERROR_BAD_PARAMETERS 0xFFFF0006u
#define TEE_ERROR_BAD_STATE 0xFFFF0007u
#define TEE_ERROR_ITEM_NOT_FOUND 0xFFFF0008u
#define TEE_ERROR_NOT_IMPLEMENTED 0xFFFF0009u
#define TEE_ERROR_NOT_SUPPORTED 0xFFFF000Au
#define TEE_ERROR_OUT_OF_MEMORY 0xFFFF000Cu
#define TEE_ERROR_BUSY 0xFFFF000Du
#define TEE_ERROR_SECURITY 0xFFFF000Fu
#define TEE_ERROR_SHORT_BUFFER 0xFFFF0010u
#define TEE_ERROR_OVERFLOW 0xFFFF300Fu
#define TEE_ERROR_TARGET_DEAD 0xFFFF3024u

#define TEE_ORIGIN_API 1u
#define TEE_ORIGIN_COMMS 2u
#define TEE_ORIGIN_TEE 3u
#define TEE_ORIGIN_TRUSTED_APP 4u

#define TEE_PARAM_TYPE_NONE 0u
#define TEE_PARAM_TYPE_VALUE_INPUT 1u
#define TEE_PARAM_TYPE_VALUE_OUTPUT 2u
#define TEE_PARAM_TYPE_VALUE_INOUT 3u
#define TEE_PARAM_TYPE_MEMREF_INPUT 5u
#define TEE_PARAM_TYPE_MEMREF_OUTPUT 6u
#define TEE_PARAM_TYPE_MEMREF_INOUT 7u
#define TEE_PARAM_TYPES(t0, t1, t2, t3) ((t0) | ((t1) << 4) | ((t2) << 8) | ((t3) << 12))
#define TEE_PARAM_TYPE_GET(t, i) (((t) >> ((i) * 4)) & 0xF)

#define TEE_MEMORY_ACCESS_READ 0x00000001u
#define TEE_MEMORY_ACCESS_WRITE 0x00000002u
#define TEE_MEMORY_ACCESS_ANY_OWNER 0x00000004u
#define TEE_TIMEOUT_INFINITE 0xFFFFFFFFu
#define TEE_MALLOC_FILL_ZERO 0x00000000u
#define TEE_MALLOC_NO_FILL 0x00000001u

/* The TA's identity and properties: once in each TA, at file scope, as
 * TA_PROPS(time_low, time_mid, time_hi_and_version, 8 clock-seq-and-node
 * bytes, TA_FLAG_*). (Through a second macro, so that a UUID macro that
 * expands to its 11 parts works too.) */
#define TA_PROPS(...) TA_PROPS_(__VA_ARGS__)
#define TA_PROPS_(time_low, time_mid, time_hi, c0, c1, c2, c3, c4, c5, c6, c7, ta_flags)                     \
  __attribute__((section(".ta_props"), used)) const struct {                                                \
    uint8_t uuid[16];                                                                                       \
    uint32_t flags, reserved[3];                                                                            \
  } ta_props = {{(uint8_t)((time_low) >> 24), (uint8_t)((time_low) >> 16), (uint8_t)((time_low) >> 8),     \
                 (uint8_t)(time_low), (uint8_t)((time_mid) >> 8), (uint8_t)(time_mid),                      \
                 (uint8_t)((time_hi) >> 8), (uint8_t)(time_hi), c0, c1, c2, c3, c4, c5, c6, c7},            \
                (ta_flags),                                                                                 \
                {0, 0, 0}}

/* The entry points a TA implements. */
TEE_Result TA_CreateEntryPoint(void);
void TA_DestroyEntryPoint(void);
TEE_Result TA_OpenSessionEntryPoint(uint32_t paramTypes, TEE_Param params[4], void** sessionContext);
void TA_CloseSessionEntryPoint(void* sessionContext);
TEE_Result TA_InvokeCommandEntryPoint(void* sessionContext, uint32_t commandID, uint32_t paramTypes,
                                      TEE_Param params[4]);

/* Memory (a heap in the TA's own memory). */
void* TEE_Malloc(size_t size, uint32_t hint);
void* TEE_Realloc(void* buffer, size_t newSize);
void TEE_Free(void* buffer);
void TEE_MemMove(void* dest, const void* src, size_t size);
int32_t TEE_MemCompare(const void* buffer1, const void* buffer2, size_t size);
void TEE_MemFill(void* buffer, uint32_t x, size_t size);
TEE_Result TEE_CheckMemoryAccessRights(uint32_t accessFlags, void* buffer, size_t size);

/* Panics, time, randomness, cancellation. */
void TEE_Panic(TEE_Result panicCode) __attribute__((noreturn));
void TEE_GetSystemTime(TEE_Time* time);
void TEE_GetREETime(TEE_Time* time);
void TEE_GenerateRandom(void* randomBuffer, size_t randomBufferLen);
TEE_Result TEE_Wait(uint32_t timeout);
bool TEE_GetCancellationFlag(void);

/* Sessions with other TAs. */
TEE_Result TEE_OpenTASession(const TEE_UUID* destination, uint32_t cancellationRequestTimeout, uint32_t paramTypes,
                             TEE_Param params[4], TEE_TASessionHandle* session, uint32_t* returnOrigin);
void TEE_CloseTASession(TEE_TASessionHandle session);
TEE_Result TEE_InvokeTACommand(TEE_TASessionHandle session, uint32_t cancellationRequestTimeout,
                               uint32_t commandID, uint32_t paramTypes, TEE_Param params[4],
                               uint32_t* returnOrigin);

/* Cryptographic operations (src/ta/crypto_api.cpp, over src/lib/crypto):
 * SHA-256, HMAC-SHA256, AES-CBC without padding and AES-GCM, with keys in
 * transient objects. Not offered: other algorithms, asymmetric keys, key
 * generation and derivation, TEE_AEUpdate (AES-GCM takes its payload in
 * the final call), operation copies and states. */
typedef struct __TEE_ObjectHandle* TEE_ObjectHandle;
typedef struct __TEE_OperationHandle* TEE_OperationHandle;
typedef struct {
  uint32_t attributeID;
  union {
    struct {
      void* buffer;
      size_t length;
    } ref;
    struct {
      uint32_t a, b;
    } value;
  } content;
} TEE_Attribute;

#define TEE_ERROR_MAC_INVALID 0xFFFF3071u
#define TEE_TYPE_AES 0xA0000010u
#define TEE_TYPE_HMAC_SHA256 0xA0000004u
#define TEE_TYPE_GENERIC_SECRET 0xA0000000u
#define TEE_ATTR_SECRET_VALUE 0xC0000000u
#define TEE_ALG_AES_CBC_NOPAD 0x10000110u
#define TEE_ALG_AES_GCM 0x40000810u
#define TEE_ALG_HMAC_SHA256 0x30000004u
#define TEE_ALG_SHA256 0x50000004u
#define TEE_MODE_ENCRYPT 0u
#define TEE_MODE_DECRYPT 1u
#define TEE_MODE_MAC 4u
#define TEE_MODE_DIGEST 5u

TEE_Result TEE_AllocateTransientObject(uint32_t objectType, uint32_t maxObjectSize, TEE_ObjectHandle* object);
void TEE_FreeTransientObject(TEE_ObjectHandle object);
void TEE_InitRefAttribute(TEE_Attribute* attr, uint32_t attributeID, const void* buffer, size_t length);
TEE_Result TEE_PopulateTransientObject(TEE_ObjectHandle object, const TEE_Attribute* attrs, uint32_t attrCount);

TEE_Result TEE_AllocateOperation(TEE_OperationHandle* operation, uint32_t algorithm, uint32_t mode,
                                 uint32_t maxKeySize);
void TEE_FreeOperation(TEE_OperationHandle operation);
TEE_Result TEE_SetOperationKey(TEE_OperationHandle operation, TEE_ObjectHandle key);
void TEE_DigestUpdate(TEE_OperationHandle operation, const void* chunk, size_t chunkSize);
TEE_Result TEE_DigestDoFinal(TEE_OperationHandle operation, const void* chunk, size_t chunkLen, void* hash,
                             size_t* hashLen);
void TEE_MACInit(TEE_OperationHandle operation, const void* IV, size_t IVLen);
void TEE_MACUpdate(TEE_OperationHandle operation, const void* chunk, size_t chunkSize);
TEE_Result TEE_MACComputeFinal(TEE_OperationHandle operation, const void* message, size_t messageLen, void* mac,
                               size_t* macLen);
TEE_Result TEE_MACCompareFinal(TEE_OperationHandle operation, const void* message, size_t messageLen,
                               const void* mac, size_t macLen);
void TEE_CipherInit(TEE_OperationHandle operation, const void* IV, size_t IVLen);
TEE_Result TEE_CipherUpdate(TEE_OperationHandle operation, const void* srcData, size_t srcLen, void* destData,
                            size_t* destLen);
TEE_Result TEE_CipherDoFinal(TEE_OperationHandle operation, const void* srcData, size_t srcLen, void* destData,
                             size_t* destLen);
TEE_Result TEE_AEInit(TEE_OperationHandle operation, const void* nonce, size_t nonceLen, uint32_t tagLen,
                      size_t AADLen, size_t payloadLen);
void TEE_AEUpdateAAD(TEE_OperationHandle operation, const void* AADdata, size_t AADdataLen);
TEE_Result TEE_AEEncryptFinal(TEE_OperationHandle operation, const void* srcData, size_t srcLen, void* destData,
                              size_t* destLen, void* tag, size_t* tagLen);
TEE_Result TEE_AEDecryptFinal(TEE_OperationHandle operation, const void* srcData, size_t srcLen, void* destData,
                              size_t* destLen, void* tag, size_t tagLen);

/* Persistent objects (TEE_STORAGE_PRIVATE only; src/ta/storage_api.cpp):
 * data streams of at most 4,096 bytes, no attributes, sealed by the
 * trusted OS and stored by tee-supplicant. Not offered: enumeration,
 * renaming, object info, objects with attributes, TEE_STORAGE_PRIVATE_RPMB. */
#define TEE_STORAGE_PRIVATE 0x00000001u
#define TEE_DATA_FLAG_ACCESS_READ 0x00000001u
#define TEE_DATA_FLAG_ACCESS_WRITE 0x00000002u
#define TEE_DATA_FLAG_ACCESS_WRITE_META 0x00000004u
#define TEE_DATA_FLAG_SHARE_READ 0x00000010u
#define TEE_DATA_FLAG_SHARE_WRITE 0x00000020u
#define TEE_DATA_FLAG_OVERWRITE 0x00000400u
#define TEE_DATA_SEEK_SET 0
#define TEE_DATA_SEEK_CUR 1
#define TEE_DATA_SEEK_END 2
#define TEE_HANDLE_NULL 0
#define TEE_ERROR_CORRUPT_OBJECT 0xF0100001u
#define TEE_ERROR_STORAGE_NOT_AVAILABLE 0xF0100003u
#define TEE_ERROR_STORAGE_NO_SPACE 0xFFFF3041u
typedef int32_t TEE_Whence;

TEE_Result TEE_OpenPersistentObject(uint32_t storageID, const void* objectID, size_t objectIDLen, uint32_t flags,
                                    TEE_ObjectHandle* object);
TEE_Result TEE_CreatePersistentObject(uint32_t storageID, const void* objectID, size_t objectIDLen, uint32_t flags,
                                      TEE_ObjectHandle attributes, const void* initialData, size_t initialDataLen,
                                      TEE_ObjectHandle* object);
TEE_Result TEE_ReadObjectData(TEE_ObjectHandle object, void* buffer, size_t size, size_t* count);
TEE_Result TEE_WriteObjectData(TEE_ObjectHandle object, const void* buffer, size_t size);
TEE_Result TEE_TruncateObjectData(TEE_ObjectHandle object, size_t size);
TEE_Result TEE_SeekObjectData(TEE_ObjectHandle object, intmax_t offset, TEE_Whence whence);
void TEE_CloseObject(TEE_ObjectHandle object);
TEE_Result TEE_CloseAndDeletePersistentObject1(TEE_ObjectHandle object);

/* Tessera's trace (OP-TEE's IMSG/EMSG), to the secure console. */
void tessera_ta_log(const char* message);
#define IMSG(msg) tessera_ta_log(msg)

#ifdef __cplusplus
}
#endif

#endif
