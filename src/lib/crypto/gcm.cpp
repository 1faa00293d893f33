#include "lib/crypto/gcm.h"

#include "lib/crypto/ct.h"

namespace crypto {
namespace {

constexpr size_t kBlock = Aes::kBlockSize;
// SP 800-38D section 5.2.1.1: at most 2^39 - 256 bits of plaintext (the
// 32-bit counter must not wrap into J0), and bit lengths that fit in 64
// bits for the AAD and the IV.
constexpr uint64_t kMaxText = (uint64_t{1} << 36) - 32;
constexpr uint64_t kMaxAadOrIv = uint64_t{1} << 61;

Status check_lengths(size_t iv_len, size_t aad_len, size_t len) {
  if (iv_len == 0 || iv_len >= kMaxAadOrIv) return Status::bad_iv_length;
  if (aad_len >= kMaxAadOrIv || len > kMaxText) return Status::bad_length;
  return Status::ok;
}

// The pre-counter block J0 (SP 800-38D section 7.1 step 2).
void derive_j0(const uint8_t h[kBlock], const uint8_t* iv, size_t iv_len, uint8_t j0[kBlock]) {
  if (iv_len == 12) {
    for (size_t i = 0; i < 12; ++i) j0[i] = iv[i];
    j0[12] = j0[13] = j0[14] = 0;
    j0[15] = 1;
    return;
  }
  Ghash g;
  g.init(h);
  g.update_padded(iv, iv_len);
  g.update_lengths(0, iv_len);
  g.result(j0);
}

// inc32: the low 32 bits, big-endian, wrap; the high 96 stay.
void inc32(uint8_t cb[kBlock]) {
  for (size_t i = kBlock; i-- > 12;)
    if (++cb[i] != 0) break;
}

// GCTR from inc32(J0) (section 6.5), XORing the key stream into in.
void ctr(const Aes& aes, const uint8_t j0[kBlock], const uint8_t* in, uint8_t* out, size_t len) {
  uint8_t cb[kBlock], ks[kBlock];
  for (size_t i = 0; i < kBlock; ++i) cb[i] = j0[i];
  for (size_t off = 0; off < len; off += kBlock) {
    inc32(cb);
    aes.encrypt_block(cb, ks);
    const size_t n = len - off < kBlock ? len - off : kBlock;
    for (size_t i = 0; i < n; ++i) out[off + i] = in[off + i] ^ ks[i];
  }
  secure_zero(ks, sizeof(ks));
}

// T = E_K(J0) XOR GHASH(A || pad || C || pad || len(A) || len(C)).
void compute_tag(const Aes& aes, const uint8_t h[kBlock], const uint8_t j0[kBlock], const uint8_t* aad,
                 size_t aad_len, const uint8_t* c, size_t c_len, uint8_t tag[kBlock]) {
  Ghash g;
  g.init(h);
  g.update_padded(aad, aad_len);
  g.update_padded(c, c_len);
  g.update_lengths(aad_len, c_len);
  uint8_t s[kBlock], ek_j0[kBlock];
  g.result(s);
  aes.encrypt_block(j0, ek_j0);
  for (size_t i = 0; i < kBlock; ++i) tag[i] = s[i] ^ ek_j0[i];
  secure_zero(s, sizeof(s));
  secure_zero(ek_j0, sizeof(ek_j0));
}

}  // namespace

AesGcm::~AesGcm() { secure_zero(h_, sizeof(h_)); }

Status AesGcm::init(const uint8_t* key, size_t key_len) {
  ready_ = false;
  const Status st = aes_.init(key, key_len);
  if (st != Status::ok) return st;
  const uint8_t zero[kBlock] = {};
  aes_.encrypt_block(zero, h_);
  ready_ = true;
  return Status::ok;
}

Status AesGcm::seal(const uint8_t* iv, size_t iv_len, const uint8_t* aad, size_t aad_len, const uint8_t* in,
                    size_t len, uint8_t* out, uint8_t tag[kTagSize]) const {
  if (!ready_) return Status::bad_key_length;
  const Status st = check_lengths(iv_len, aad_len, len);
  if (st != Status::ok) return st;
  uint8_t j0[kBlock];
  derive_j0(h_, iv, iv_len, j0);
  ctr(aes_, j0, in, out, len);
  // The tag covers the ciphertext just written (out, not in).
  compute_tag(aes_, h_, j0, aad, aad_len, out, len, tag);
  return Status::ok;
}

Status AesGcm::open(const uint8_t* iv, size_t iv_len, const uint8_t* aad, size_t aad_len, const uint8_t* in,
                    size_t len, const uint8_t tag[kTagSize], uint8_t* out) const {
  // Bad parameters: nothing is decrypted and out is left as it was.
  if (!ready_) return Status::bad_key_length;
  const Status st = check_lengths(iv_len, aad_len, len);
  if (st != Status::ok) return st;
  uint8_t j0[kBlock], expected[kTagSize];
  derive_j0(h_, iv, iv_len, j0);
  compute_tag(aes_, h_, j0, aad, aad_len, in, len, expected);
  const bool ok = equal(expected, tag, kTagSize);
  secure_zero(expected, sizeof(expected));
  if (!ok) {
    // Decrypt nothing: the output is zeros, never unauthenticated text.
    secure_zero(out, len);
    return Status::auth_failed;
  }
  ctr(aes_, j0, in, out, len);
  return Status::ok;
}

Status aes_gcm_seal(const uint8_t* key, size_t key_len, const uint8_t* iv, size_t iv_len, const uint8_t* aad,
                    size_t aad_len, const uint8_t* in, size_t len, uint8_t* out, uint8_t tag[AesGcm::kTagSize]) {
  AesGcm gcm;
  const Status st = gcm.init(key, key_len);
  if (st != Status::ok) return st;
  return gcm.seal(iv, iv_len, aad, aad_len, in, len, out, tag);
}

Status aes_gcm_open(const uint8_t* key, size_t key_len, const uint8_t* iv, size_t iv_len, const uint8_t* aad,
                    size_t aad_len, const uint8_t* in, size_t len, const uint8_t tag[AesGcm::kTagSize],
                    uint8_t* out) {
  AesGcm gcm;
  const Status st = gcm.init(key, key_len);
  if (st != Status::ok) return st;
  return gcm.open(iv, iv_len, aad, aad_len, in, len, tag, out);
}

}  // namespace crypto
