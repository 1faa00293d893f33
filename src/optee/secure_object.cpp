#include "optee/secure_object.h"

#include "lib/crypto/gcm.h"
#include "lib/crypto/hmac_sha256.h"
#include "lib/crypto/sha256.h"

namespace optee {
namespace {
constexpr uint8_t kMagic[4] = {'T', 'S', 'O', '1'};
constexpr size_t kHeader = 4 + 8 + kObjectNonce;

void aad(const TaUuid& ta, const uint8_t* id, size_t id_len, uint64_t version, uint8_t out[4 + 8 + 16 + 32]) {
  for (unsigned i = 0; i < 4; ++i) out[i] = kMagic[i];
  for (unsigned i = 0; i < 8; ++i) out[4 + i] = static_cast<uint8_t>(version >> (8 * i));
  for (unsigned i = 0; i < 16; ++i) out[12 + i] = ta.bytes[i];
  crypto::sha256(id, id_len, out + 28);
}
}  // namespace

ObjectKey object_key(const uint8_t huk[32], const TaUuid& ta) {
  static constexpr char kLabel[] = "tessera-storage-v1";
  crypto::HmacSha256 h(huk, 32);
  h.update(reinterpret_cast<const uint8_t*>(kLabel), sizeof(kLabel) - 1);
  h.update(ta.bytes, 16);
  ObjectKey k;
  h.final(k.bytes);
  return k;
}

void object_name(const ObjectKey& key, const uint8_t* id, size_t id_len, char out[33]) {
  uint8_t mac[32];
  crypto::hmac_sha256(key.bytes, sizeof(key.bytes), id, id_len, mac);
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned i = 0; i < 16; ++i) {
    out[2 * i] = kHex[mac[i] >> 4];
    out[2 * i + 1] = kHex[mac[i] & 15];
  }
  out[32] = 0;
}

size_t seal_object(const ObjectKey& key, const TaUuid& ta, const uint8_t* id, size_t id_len, uint64_t version,
                   const uint8_t nonce[kObjectNonce], const uint8_t* data, size_t len, uint8_t* out) {
  if (len > kObjectMaxData) return 0;
  uint8_t a[60];
  aad(ta, id, id_len, version, a);
  for (unsigned i = 0; i < 12; ++i) out[i] = a[i];  // magic, version
  for (unsigned i = 0; i < kObjectNonce; ++i) out[12 + i] = nonce[i];
  if (crypto::aes_gcm_seal(key.bytes, sizeof(key.bytes), nonce, kObjectNonce, a, sizeof(a), data, len, out + kHeader,
                           out + kHeader + len) != crypto::Status::ok)
    return 0;
  return len + kObjectOverhead;
}

lib::Result<OpenedObject, bool> open_object(const ObjectKey& key, const TaUuid& ta, const uint8_t* id, size_t id_len,
                                           const uint8_t* blob, size_t blob_len, uint8_t* out) {
  if (blob_len < kObjectOverhead || blob_len - kObjectOverhead > kObjectMaxData) return false;
  for (unsigned i = 0; i < 4; ++i)
    if (blob[i] != kMagic[i]) return false;
  uint64_t version = 0;
  for (unsigned i = 0; i < 8; ++i) version |= uint64_t{blob[4 + i]} << (8 * i);
  const size_t len = blob_len - kObjectOverhead;
  uint8_t a[60];
  aad(ta, id, id_len, version, a);
  // The tag is checked before any plaintext is written (lib/crypto/gcm.h).
  if (crypto::aes_gcm_open(key.bytes, sizeof(key.bytes), blob + 12, kObjectNonce, a, sizeof(a), blob + kHeader, len,
                           blob + kHeader + len, out) != crypto::Status::ok)
    return false;
  return OpenedObject{version, len};
}

}  // namespace optee
