#include "lib/crypto/bignum.h"

namespace crypto {

namespace {

// a -= b over n limbs; returns the borrow out of the top limb.
uint32_t sub(uint32_t* a, const uint32_t* b, size_t n) {
  uint64_t borrow = 0;
  for (size_t i = 0; i < n; ++i) {
    uint64_t d = static_cast<uint64_t>(a[i]) - b[i] - borrow;
    a[i] = static_cast<uint32_t>(d);
    borrow = (d >> 32) & 1;
  }
  return static_cast<uint32_t>(borrow);
}

void zero(Bignum& a) {
  for (uint32_t& l : a.limb) l = 0;
}

}  // namespace

bool bn_from_bytes(Bignum& out, const uint8_t* in, size_t len) {
  zero(out);
  if (len > 4 * Bignum::kMaxLimbs) return false;
  // in[len - 1] is the least significant byte.
  for (size_t i = 0; i < len; ++i) {
    out.limb[i / 4] |= static_cast<uint32_t>(in[len - 1 - i]) << (8 * (i % 4));
  }
  return true;
}

void bn_to_bytes(const Bignum& a, size_t limbs, uint8_t* out) {
  size_t len = 4 * limbs;
  for (size_t i = 0; i < len; ++i) out[len - 1 - i] = static_cast<uint8_t>(a.limb[i / 4] >> (8 * (i % 4)));
}

int bn_cmp(const Bignum& a, const Bignum& b, size_t limbs) {
  for (size_t i = limbs; i-- > 0;) {
    if (a.limb[i] != b.limb[i]) return a.limb[i] < b.limb[i] ? -1 : 1;
  }
  return 0;
}

bool Montgomery::init(const Bignum& m, size_t limbs) {
  limbs_ = 0;
  if (limbs == 0 || limbs > Bignum::kMaxLimbs) return false;
  if ((m.limb[0] & 1) == 0 || m.limb[limbs - 1] == 0) return false;
  m_ = m;
  for (size_t i = limbs; i < Bignum::kMaxLimbs; ++i) m_.limb[i] = 0;

  // Newton's iteration for m0^-1 mod 2^32: an odd m0 is its own inverse
  // mod 8, and each step doubles the correct low bits (3, 6, 12, 24, 48).
  uint32_t inv = m_.limb[0];
  for (int i = 0; i < 4; ++i) inv *= 2 - m_.limb[0] * inv;
  m0inv_ = 0u - inv;

  // R^2 mod m by doubling 1 modulo m, 2 * 32 * limbs times: slow next to
  // the exponentiation's multiplications only by a small factor, and needs
  // no division. x < m, so 2x < 2m and one subtraction reduces it.
  Bignum x;
  zero(x);
  x.limb[0] = 1;
  for (size_t k = 0; k < 64 * limbs; ++k) {
    uint32_t carry = 0;
    for (size_t i = 0; i < limbs; ++i) {
      uint32_t top = x.limb[i] >> 31;
      x.limb[i] = (x.limb[i] << 1) | carry;
      carry = top;
    }
    if (carry != 0 || bn_cmp(x, m_, limbs) >= 0) sub(x.limb, m_.limb, limbs);
  }
  r2_ = x;
  limbs_ = limbs;
  return true;
}

// CIOS (coarsely integrated operand scanning, Koc et al. 1996): one row of
// a * b[i] then one row of q * m, so t stays limbs + 2 limbs long and
// shifts down a limb each round.
void Montgomery::mul(Bignum& out, const Bignum& a, const Bignum& b) const {
  const size_t n = limbs_;
  uint32_t t[Bignum::kMaxLimbs + 2] = {};
  for (size_t i = 0; i < n; ++i) {
    // Each step is below 2^64: (2^32-1) + (2^32-1)^2 + (2^32-1) = 2^64 - 1.
    uint64_t c = 0;
    for (size_t j = 0; j < n; ++j) {
      c = static_cast<uint64_t>(t[j]) + static_cast<uint64_t>(a.limb[j]) * b.limb[i] + (c >> 32);
      t[j] = static_cast<uint32_t>(c);
    }
    c = static_cast<uint64_t>(t[n]) + (c >> 32);
    t[n] = static_cast<uint32_t>(c);
    t[n + 1] = static_cast<uint32_t>(c >> 32);

    // q makes t + q * m divisible by 2^32; the low limb drops out.
    uint32_t q = t[0] * m0inv_;
    c = static_cast<uint64_t>(t[0]) + static_cast<uint64_t>(q) * m_.limb[0];
    for (size_t j = 1; j < n; ++j) {
      c = static_cast<uint64_t>(t[j]) + static_cast<uint64_t>(q) * m_.limb[j] + (c >> 32);
      t[j - 1] = static_cast<uint32_t>(c);
    }
    c = static_cast<uint64_t>(t[n]) + (c >> 32);
    t[n - 1] = static_cast<uint32_t>(c);
    t[n] = t[n + 1] + static_cast<uint32_t>(c >> 32);
  }
  // t < 2m: at most one subtraction leaves it below m.
  bool ge = t[n] != 0;
  if (!ge) {
    ge = true;  // equal counts as >=
    for (size_t i = n; i-- > 0;) {
      if (t[i] != m_.limb[i]) {
        ge = t[i] > m_.limb[i];
        break;
      }
    }
  }
  if (ge) sub(t, m_.limb, n);
  for (size_t i = 0; i < Bignum::kMaxLimbs; ++i) out.limb[i] = i < n ? t[i] : 0;
}

void Montgomery::pow(Bignum& out, const Bignum& base, uint32_t e) const {
  Bignum x;  // base * R mod m
  mul(x, base, r2_);
  Bignum acc = x;  // separate from out: out may be base
  int top = 31;
  while (top > 0 && ((e >> top) & 1) == 0) --top;
  // Left to right square-and-multiply; the exponent is public.
  for (int bit = top - 1; bit >= 0; --bit) {
    mul(acc, acc, acc);
    if ((e >> bit) & 1) mul(acc, acc, x);
  }
  // Multiplying by plain 1 divides by R: back out of Montgomery form. x is
  // done with, and reusing it saves a number's worth of stack.
  zero(x);
  x.limb[0] = 1;
  mul(out, acc, x);
}

}  // namespace crypto
