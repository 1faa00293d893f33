#include "lib/crypto/rsa.h"

#include "lib/crypto/bignum.h"
#include "lib/crypto/sha256.h"

namespace crypto {

namespace {

// DER of DigestInfo { AlgorithmIdentifier { id-sha256, NULL }, OCTET
// STRING (32 bytes) } up to the digest (RFC 8017 section 9.2, note 1).
constexpr uint8_t kSha256DigestInfo[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                         0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
constexpr size_t kMaxModulusLen = 4 * Bignum::kMaxLimbs;

// EM = 0x00 0x01 PS 0x00 T (EMSA-PKCS1-v1_5, RFC 8017 section 9.2), PS
// all 0xff. The caller checked len >= 256, so PS is far past the
// 8-byte minimum.
void encode(const uint8_t* digest, uint8_t* em, size_t len) {
  constexpr size_t kT = sizeof(kSha256DigestInfo) + Sha256::kDigestSize;
  const size_t ps_end = len - kT - 1;  // index of the 0x00 after PS
  em[0] = 0x00;
  em[1] = 0x01;
  for (size_t i = 2; i < ps_end; ++i) em[i] = 0xff;
  em[ps_end] = 0x00;
  for (size_t i = 0; i < sizeof(kSha256DigestInfo); ++i) em[ps_end + 1 + i] = kSha256DigestInfo[i];
  for (size_t i = 0; i < Sha256::kDigestSize; ++i) em[len - Sha256::kDigestSize + i] = digest[i];
}

}  // namespace

Status rsa_pkcs1_sha256_verify(const uint8_t* modulus, size_t modulus_len, uint32_t exponent,
                               const uint8_t* digest32, const uint8_t* signature, size_t signature_len) {
  // Two sizes only: the ones in use (OP-TEE's TA keys are 2048-bit) and the
  // largest the fixed-size Bignum holds.
  if (modulus == nullptr || (modulus_len != 256 && modulus_len != kMaxModulusLen)) return Status::bad_key;
  // A zero top byte means the key is shorter than its length says: the
  // encoding would need a different k, so refuse rather than guess.
  if (modulus[0] == 0) return Status::bad_key;
  if (exponent != 65537 && exponent != 3) return Status::bad_key;
  if (signature == nullptr || digest32 == nullptr || signature_len != modulus_len) return Status::bad_length;

  const size_t limbs = modulus_len / 4;
  Montgomery mont;
  Bignum s;
  bn_from_bytes(s, signature, signature_len);
  {
    // Scoped so its stack slot can be reused: mont keeps its own copy.
    Bignum n;
    bn_from_bytes(n, modulus, modulus_len);
    if (!mont.init(n, limbs)) return Status::bad_key;  // even: not an RSA modulus
    // RSAVP1 step 1: the signature representative must be below n, or
    // s and s + n would both verify.
    if (bn_cmp(s, n, limbs) >= 0) return Status::bad_signature;
  }
  mont.pow(s, s, exponent);

  // Compare with the one valid encoding in full, rather than parse EM:
  // parsing is where PKCS #1 v1.5 verifiers have gone wrong (Bleichenbacher's
  // 2006 e = 3 forgery hid junk after the digest). As numbers, so there is
  // one byte buffer rather than two.
  uint8_t em[kMaxModulusLen];
  encode(digest32, em, modulus_len);
  Bignum expected;
  bn_from_bytes(expected, em, modulus_len);
  return bn_cmp(s, expected, limbs) == 0 ? Status::ok : Status::bad_signature;
}

}  // namespace crypto
