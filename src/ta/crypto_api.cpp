// GP cryptographic operations for TAs over Tessera's crypto library
// (src/lib/crypto): keys live in transient objects, operations keep their
// state in the TA's heap. What GP says panics (a handle that is not one,
// a call in the wrong state) panics here too: a TA that misuses its own
// operations is a broken TA. docs/trusted-applications.md lists the subset.
#include "lib/crypto/crypto.h"
#include "lib/mem.h"
#include "ta/object.h"
#include "ta/tee_internal_api.h"

struct __TEE_OperationHandle {
  uint32_t algorithm, mode, max_bits;
  bool key_set, active;
  size_t key_len;
  uint8_t key[64];
  crypto::Sha256 sha;
  crypto::HmacSha256 hmac;
  crypto::Aes aes;
  uint8_t chain[16];    // CBC: the next IV
  uint8_t partial[16];  // CBC: bytes short of a block
  size_t partial_len;
  // GCM: the nonce, the tag length and the AAD until the final call.
  uint8_t nonce[16];
  size_t nonce_len, tag_len, aad_len;
  uint8_t aad[512];
};

namespace {
const uint8_t* bytes(const void* p) { return static_cast<const uint8_t*>(p); }
uint8_t* bytes(void* p) { return static_cast<uint8_t*>(p); }

bool key_size_ok(uint32_t type, uint32_t bits) {
  if (type == TEE_TYPE_AES) return bits == 128 || bits == 192 || bits == 256;
  return (type == TEE_TYPE_HMAC_SHA256 || type == TEE_TYPE_GENERIC_SECRET) && bits % 8 == 0 && bits <= 512;
}
uint32_t key_type_for(uint32_t algorithm) {
  switch (algorithm) {
    case TEE_ALG_AES_CBC_NOPAD:
    case TEE_ALG_AES_GCM:
      return TEE_TYPE_AES;
    case TEE_ALG_HMAC_SHA256:
      return TEE_TYPE_HMAC_SHA256;
    default:
      return 0;
  }
}
}  // namespace

extern "C" {

TEE_Result TEE_AllocateTransientObject(uint32_t type, uint32_t max_bits, TEE_ObjectHandle* object) {
  *object = nullptr;
  if (!key_size_ok(type, max_bits)) return TEE_ERROR_NOT_SUPPORTED;
  auto* o = static_cast<TEE_ObjectHandle>(TEE_Malloc(sizeof(__TEE_ObjectHandle), TEE_MALLOC_FILL_ZERO));
  if (!o) return TEE_ERROR_OUT_OF_MEMORY;
  o->type = type;
  o->max_bits = max_bits;
  *object = o;
  return TEE_SUCCESS;
}

void TEE_FreeTransientObject(TEE_ObjectHandle o) {
  if (!o) return;
  if (o->persistent) TEE_Panic(TEE_ERROR_BAD_PARAMETERS);  // GP: TEE_CloseObject for those
  TEE_MemFill(o, 0, sizeof(*o));  // the key goes with it
  TEE_Free(o);
}

void TEE_InitRefAttribute(TEE_Attribute* attr, uint32_t id, const void* buffer, size_t length) {
  attr->attributeID = id;
  attr->content.ref.buffer = const_cast<void*>(buffer);
  attr->content.ref.length = length;
}

TEE_Result TEE_PopulateTransientObject(TEE_ObjectHandle o, const TEE_Attribute* attrs, uint32_t count) {
  if (!o || o->populated) TEE_Panic(TEE_ERROR_BAD_STATE);
  for (uint32_t i = 0; i < count; ++i) {
    if (attrs[i].attributeID != TEE_ATTR_SECRET_VALUE) continue;
    const size_t len = attrs[i].content.ref.length;
    if (len * 8 > o->max_bits || len > sizeof(o->key) || (o->type == TEE_TYPE_AES && !key_size_ok(o->type, len * 8)))
      return TEE_ERROR_BAD_PARAMETERS;
    memcpy(o->key, attrs[i].content.ref.buffer, len);
    o->key_len = len;
    o->populated = true;
    return TEE_SUCCESS;
  }
  return TEE_ERROR_BAD_PARAMETERS;  // no TEE_ATTR_SECRET_VALUE
}

TEE_Result TEE_AllocateOperation(TEE_OperationHandle* op, uint32_t algorithm, uint32_t mode, uint32_t max_bits) {
  *op = nullptr;
  bool ok = false;
  switch (algorithm) {
    case TEE_ALG_SHA256:
      ok = mode == TEE_MODE_DIGEST;
      break;
    case TEE_ALG_HMAC_SHA256:
      ok = mode == TEE_MODE_MAC && key_size_ok(TEE_TYPE_HMAC_SHA256, max_bits);
      break;
    case TEE_ALG_AES_CBC_NOPAD:
    case TEE_ALG_AES_GCM:
      ok = (mode == TEE_MODE_ENCRYPT || mode == TEE_MODE_DECRYPT) && key_size_ok(TEE_TYPE_AES, max_bits);
      break;
    default:
      return TEE_ERROR_NOT_SUPPORTED;
  }
  if (!ok) return TEE_ERROR_NOT_SUPPORTED;
  auto* o = static_cast<TEE_OperationHandle>(TEE_Malloc(sizeof(__TEE_OperationHandle), TEE_MALLOC_FILL_ZERO));
  if (!o) return TEE_ERROR_OUT_OF_MEMORY;
  o->algorithm = algorithm;
  o->mode = mode;
  o->max_bits = max_bits;
  if (algorithm == TEE_ALG_SHA256) o->sha.init();
  *op = o;
  return TEE_SUCCESS;
}

void TEE_FreeOperation(TEE_OperationHandle op) {
  if (!op) return;
  TEE_MemFill(op, 0, sizeof(*op));  // keys and state
  TEE_Free(op);
}

TEE_Result TEE_SetOperationKey(TEE_OperationHandle op, TEE_ObjectHandle key) {
  if (!op || op->algorithm == TEE_ALG_SHA256 || op->active) TEE_Panic(TEE_ERROR_BAD_STATE);
  if (!key) {  // GP: clears the key
    op->key_set = false;
    return TEE_SUCCESS;
  }
  if (!key->populated || key->type != key_type_for(op->algorithm) || key->key_len * 8 > op->max_bits)
    TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
  memcpy(op->key, key->key, key->key_len);
  op->key_len = key->key_len;
  op->key_set = true;
  return TEE_SUCCESS;
}

void TEE_DigestUpdate(TEE_OperationHandle op, const void* chunk, size_t len) {
  if (!op || op->algorithm != TEE_ALG_SHA256) TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
  op->sha.update(bytes(chunk), len);
}

TEE_Result TEE_DigestDoFinal(TEE_OperationHandle op, const void* chunk, size_t len, void* hash, size_t* hash_len) {
  if (!op || op->algorithm != TEE_ALG_SHA256) TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
  if (*hash_len < crypto::Sha256::kDigestSize) {
    *hash_len = crypto::Sha256::kDigestSize;
    return TEE_ERROR_SHORT_BUFFER;
  }
  op->sha.update(bytes(chunk), len);
  op->sha.final(bytes(hash));
  *hash_len = crypto::Sha256::kDigestSize;
  op->sha.init();  // ready for the next message, as GP says
  return TEE_SUCCESS;
}

void TEE_MACInit(TEE_OperationHandle op, const void*, size_t) {
  if (!op || op->algorithm != TEE_ALG_HMAC_SHA256 || !op->key_set) TEE_Panic(TEE_ERROR_BAD_STATE);
  op->hmac.init(op->key, op->key_len);
  op->active = true;
}

void TEE_MACUpdate(TEE_OperationHandle op, const void* chunk, size_t len) {
  if (!op || op->algorithm != TEE_ALG_HMAC_SHA256 || !op->active) TEE_Panic(TEE_ERROR_BAD_STATE);
  op->hmac.update(bytes(chunk), len);
}

TEE_Result TEE_MACComputeFinal(TEE_OperationHandle op, const void* msg, size_t len, void* mac, size_t* mac_len) {
  if (!op || op->algorithm != TEE_ALG_HMAC_SHA256 || !op->active) TEE_Panic(TEE_ERROR_BAD_STATE);
  if (*mac_len < crypto::HmacSha256::kMacSize) {
    *mac_len = crypto::HmacSha256::kMacSize;
    return TEE_ERROR_SHORT_BUFFER;
  }
  op->hmac.update(bytes(msg), len);
  op->hmac.final(bytes(mac));
  *mac_len = crypto::HmacSha256::kMacSize;
  op->active = false;
  return TEE_SUCCESS;
}

TEE_Result TEE_MACCompareFinal(TEE_OperationHandle op, const void* msg, size_t len, const void* mac, size_t mac_len) {
  uint8_t mine[crypto::HmacSha256::kMacSize];
  size_t n = sizeof(mine);
  const TEE_Result r = TEE_MACComputeFinal(op, msg, len, mine, &n);
  if (r != TEE_SUCCESS) return r;
  const bool same = mac_len == n && crypto::equal(mine, bytes(mac), n);  // constant time
  TEE_MemFill(mine, 0, sizeof(mine));
  return same ? TEE_SUCCESS : TEE_ERROR_MAC_INVALID;
}

void TEE_CipherInit(TEE_OperationHandle op, const void* iv, size_t iv_len) {
  if (!op || op->algorithm != TEE_ALG_AES_CBC_NOPAD || !op->key_set || iv_len != 16)
    TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
  if (op->aes.init(op->key, op->key_len) != crypto::Status::ok) TEE_Panic(TEE_ERROR_BAD_STATE);
  memcpy(op->chain, iv, 16);
  op->partial_len = 0;
  op->active = true;
}

// CBC over whole blocks: what does not fill a block waits for the next call.
TEE_Result TEE_CipherUpdate(TEE_OperationHandle op, const void* src, size_t len, void* dst, size_t* dst_len) {
  if (!op || op->algorithm != TEE_ALG_AES_CBC_NOPAD || !op->active) TEE_Panic(TEE_ERROR_BAD_STATE);
  const size_t total = op->partial_len + len, out = total - total % 16;
  if (*dst_len < out) {
    *dst_len = out;
    return TEE_ERROR_SHORT_BUFFER;
  }
  const uint8_t* in = bytes(src);
  uint8_t* o = bytes(dst);
  size_t done = 0;
  while (op->partial_len + (len - done) >= 16) {
    uint8_t block[16];
    const size_t take = 16 - op->partial_len;
    memcpy(block, op->partial, op->partial_len);
    memcpy(block + op->partial_len, in + done, take);
    done += take;
    op->partial_len = 0;
    const uint8_t* iv = op->chain;
    uint8_t next_iv[16];
    if (op->mode == TEE_MODE_DECRYPT) memcpy(next_iv, block, 16);
    (void)(op->mode == TEE_MODE_ENCRYPT ? crypto::aes_cbc_encrypt(op->aes, iv, block, o, 16)
                                        : crypto::aes_cbc_decrypt(op->aes, iv, block, o, 16));
    memcpy(op->chain, op->mode == TEE_MODE_ENCRYPT ? o : next_iv, 16);
    o += 16;
  }
  memcpy(op->partial + op->partial_len, in + done, len - done);
  op->partial_len += len - done;
  *dst_len = out;
  return TEE_SUCCESS;
}

TEE_Result TEE_CipherDoFinal(TEE_OperationHandle op, const void* src, size_t len, void* dst, size_t* dst_len) {
  if (!op || op->algorithm != TEE_ALG_AES_CBC_NOPAD || !op->active) TEE_Panic(TEE_ERROR_BAD_STATE);
  if ((op->partial_len + len) % 16 != 0) return TEE_ERROR_BAD_PARAMETERS;  // no padding: whole blocks only
  const TEE_Result r = TEE_CipherUpdate(op, src, len, dst, dst_len);
  if (r == TEE_SUCCESS) op->active = false;
  return r;
}

TEE_Result TEE_AEInit(TEE_OperationHandle op, const void* nonce, size_t nonce_len, uint32_t tag_bits, size_t,
                      size_t) {
  if (!op || op->algorithm != TEE_ALG_AES_GCM || !op->key_set) TEE_Panic(TEE_ERROR_BAD_STATE);
  if (nonce_len == 0 || nonce_len > sizeof(op->nonce) || tag_bits != 128) return TEE_ERROR_NOT_SUPPORTED;
  memcpy(op->nonce, nonce, nonce_len);
  op->nonce_len = nonce_len;
  op->tag_len = tag_bits / 8;
  op->aad_len = 0;
  op->active = true;
  return TEE_SUCCESS;
}

void TEE_AEUpdateAAD(TEE_OperationHandle op, const void* aad, size_t len) {
  if (!op || op->algorithm != TEE_ALG_AES_GCM || !op->active) TEE_Panic(TEE_ERROR_BAD_STATE);
  if (len > sizeof(op->aad) - op->aad_len) TEE_Panic(TEE_ERROR_OVERFLOW);  // more AAD than we keep
  memcpy(op->aad + op->aad_len, aad, len);
  op->aad_len += len;
}

TEE_Result TEE_AEEncryptFinal(TEE_OperationHandle op, const void* src, size_t len, void* dst, size_t* dst_len,
                              void* tag, size_t* tag_len) {
  if (!op || op->algorithm != TEE_ALG_AES_GCM || op->mode != TEE_MODE_ENCRYPT || !op->active)
    TEE_Panic(TEE_ERROR_BAD_STATE);
  if (*dst_len < len || *tag_len < op->tag_len) {
    *dst_len = len;
    *tag_len = op->tag_len;
    return TEE_ERROR_SHORT_BUFFER;
  }
  if (crypto::aes_gcm_seal(op->key, op->key_len, op->nonce, op->nonce_len, op->aad, op->aad_len, bytes(src), len,
                           bytes(dst), bytes(tag)) != crypto::Status::ok)
    return TEE_ERROR_BAD_PARAMETERS;
  *dst_len = len;
  *tag_len = op->tag_len;
  op->active = false;
  return TEE_SUCCESS;
}

TEE_Result TEE_AEDecryptFinal(TEE_OperationHandle op, const void* src, size_t len, void* dst, size_t* dst_len,
                              void* tag, size_t tag_len) {
  if (!op || op->algorithm != TEE_ALG_AES_GCM || op->mode != TEE_MODE_DECRYPT || !op->active)
    TEE_Panic(TEE_ERROR_BAD_STATE);
  if (*dst_len < len) {
    *dst_len = len;
    return TEE_ERROR_SHORT_BUFFER;
  }
  if (tag_len != op->tag_len) return TEE_ERROR_MAC_INVALID;
  const crypto::Status s = crypto::aes_gcm_open(op->key, op->key_len, op->nonce, op->nonce_len, op->aad, op->aad_len,
                                                bytes(src), len, bytes(tag), bytes(dst));
  op->active = false;
  if (s == crypto::Status::auth_failed) return TEE_ERROR_MAC_INVALID;  // and dst holds zeros
  if (s != crypto::Status::ok) return TEE_ERROR_BAD_PARAMETERS;
  *dst_len = len;
  return TEE_SUCCESS;
}

}  // extern "C"
