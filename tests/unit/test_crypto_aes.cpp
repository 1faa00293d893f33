// crypto::Aes against FIPS 197 appendix C (AES-128, -192, -256).
#include <gtest/gtest.h>

#include "crypto_hex.h"
#include "lib/crypto/aes.h"

namespace {

using crypto_test::hex;
using crypto_test::unhex;

const char* kPlain = "00112233445566778899aabbccddeeff";

void check(const char* key_hex, const char* cipher_hex) {
  const auto key = unhex(key_hex);
  const auto pt = unhex(kPlain);
  crypto::Aes aes;
  ASSERT_EQ(aes.init(key.data(), key.size()), crypto::Status::ok);
  uint8_t ct[16], back[16];
  aes.encrypt_block(pt.data(), ct);
  EXPECT_EQ(hex(ct, 16), cipher_hex);
  aes.decrypt_block(ct, back);
  EXPECT_EQ(hex(back, 16), kPlain);
  // In place.
  uint8_t buf[16];
  for (int i = 0; i < 16; ++i) buf[i] = pt[i];
  aes.encrypt_block(buf, buf);
  EXPECT_EQ(hex(buf, 16), cipher_hex);
  aes.decrypt_block(buf, buf);
  EXPECT_EQ(hex(buf, 16), kPlain);
}

TEST(CryptoAes, Fips197C1Aes128) {
  check("000102030405060708090a0b0c0d0e0f", "69c4e0d86a7b0430d8cdb78070b4c55a");
}

TEST(CryptoAes, Fips197C2Aes192) {
  check("000102030405060708090a0b0c0d0e0f1011121314151617", "dda97ca4864cdfe06eaf70a0ec0d7191");
}

TEST(CryptoAes, Fips197C3Aes256) {
  check("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "8ea2b7ca516745bfeafc49904b496089");
}

TEST(CryptoAes, RejectsOtherKeyLengths) {
  const uint8_t key[33] = {};
  crypto::Aes aes;
  for (size_t n : {0u, 1u, 15u, 17u, 20u, 31u, 33u}) EXPECT_EQ(aes.init(key, n), crypto::Status::bad_key_length) << n;
  // Unusable after a failed init: zeros out, never the input or a
  // keyless permutation of it.
  uint8_t in[16], out[16];
  for (int i = 0; i < 16; ++i) in[i] = out[i] = static_cast<uint8_t>(i + 1);
  aes.encrypt_block(in, out);
  for (auto b : out) EXPECT_EQ(b, 0);
  for (auto& b : out) b = 1;
  aes.decrypt_block(in, out);
  for (auto b : out) EXPECT_EQ(b, 0);
}

}  // namespace
