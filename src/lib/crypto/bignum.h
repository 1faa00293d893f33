// Fixed-size unsigned integers and Montgomery arithmetic for RSA
// public-key operations (rsa.cpp). No heap: a number is an array of 32-bit
// limbs on the stack, sized for the largest modulus RSA verification takes
// (3072 bits). Public data only: nothing here is constant time.
#pragma once

#include <cstddef>
#include <cstdint>

namespace crypto {

struct Bignum {
  static constexpr size_t kMaxLimbs = 96;  // 3072 bits
  uint32_t limb[kMaxLimbs];                // little-endian: limb[0] is the least significant
};

// Reads len big-endian bytes (as openssl prints a modulus) into out, the
// unused high limbs zero. False, with out zero, if len > 4 * kMaxLimbs.
bool bn_from_bytes(Bignum& out, const uint8_t* in, size_t len);

// Writes the low `limbs` limbs of a as len = 4 * limbs big-endian bytes.
void bn_to_bytes(const Bignum& a, size_t limbs, uint8_t* out);

// Compares the low `limbs` limbs of a and b: negative, zero or positive.
int bn_cmp(const Bignum& a, const Bignum& b, size_t limbs);

// Arithmetic modulo an odd m of `limbs` limbs, in Montgomery form
// (x * R mod m with R = 2^(32 * limbs)): the reduction is a multiply and a
// shift instead of a long division.
class Montgomery {
 public:
  // False if limbs is 0 or above kMaxLimbs, m is even, or m's top limb is 0.
  bool init(const Bignum& m, size_t limbs);

  // out = a * b * R^-1 mod m, for a, b < m; out may be a or b.
  void mul(Bignum& out, const Bignum& a, const Bignum& b) const;

  // out = base^e mod m, for base < m and e >= 1 (plain form in and out);
  // out may be base.
  void pow(Bignum& out, const Bignum& base, uint32_t e) const;

 private:
  Bignum m_;
  Bignum r2_;      // R^2 mod m: mul(x, r2_) moves x into Montgomery form
  uint32_t m0inv_;  // -m^-1 mod 2^32
  size_t limbs_ = 0;
};

}  // namespace crypto
