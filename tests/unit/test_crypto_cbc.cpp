// crypto::aes_cbc_* against NIST SP 800-38A F.2.1-F.2.2 (AES-128) and
// F.2.5-F.2.6 (AES-256).
#include <gtest/gtest.h>

#include <vector>

#include "crypto_hex.h"
#include "lib/crypto/cbc.h"

namespace {

using crypto_test::hex;
using crypto_test::unhex;

const char* kIv = "000102030405060708090a0b0c0d0e0f";
const char* kPlain =
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";

void check(const char* key_hex, const char* cipher_hex) {
  const auto key = unhex(key_hex), iv = unhex(kIv), pt = unhex(kPlain), ct = unhex(cipher_hex);
  crypto::Aes aes;
  ASSERT_EQ(aes.init(key.data(), key.size()), crypto::Status::ok);
  std::vector<uint8_t> out(pt.size());
  ASSERT_EQ(crypto::aes_cbc_encrypt(aes, iv.data(), pt.data(), out.data(), pt.size()), crypto::Status::ok);
  EXPECT_EQ(hex(out), cipher_hex);
  ASSERT_EQ(crypto::aes_cbc_decrypt(aes, iv.data(), ct.data(), out.data(), ct.size()), crypto::Status::ok);
  EXPECT_EQ(hex(out), kPlain);

  // In place, both ways.
  std::vector<uint8_t> buf = pt;
  ASSERT_EQ(crypto::aes_cbc_encrypt(aes, iv.data(), buf.data(), buf.data(), buf.size()), crypto::Status::ok);
  EXPECT_EQ(hex(buf), cipher_hex);
  ASSERT_EQ(crypto::aes_cbc_decrypt(aes, iv.data(), buf.data(), buf.data(), buf.size()), crypto::Status::ok);
  EXPECT_EQ(hex(buf), kPlain);

  // Split after one block: the last ciphertext block is the next IV.
  std::vector<uint8_t> split(pt.size());
  ASSERT_EQ(crypto::aes_cbc_encrypt(aes, iv.data(), pt.data(), split.data(), 16), crypto::Status::ok);
  ASSERT_EQ(crypto::aes_cbc_encrypt(aes, split.data(), pt.data() + 16, split.data() + 16, pt.size() - 16),
            crypto::Status::ok);
  EXPECT_EQ(hex(split), cipher_hex);
}

TEST(CryptoCbc, Sp800_38a_F2_Aes128) {
  check("2b7e151628aed2a6abf7158809cf4f3c",
        "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
        "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7");
}

TEST(CryptoCbc, Sp800_38a_F2_Aes256) {
  check("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
        "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
        "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b");
}

TEST(CryptoCbc, PartialBlocksAreRefusedAndNothingWritten) {
  const uint8_t key[16] = {}, iv[16] = {}, in[33] = {};
  crypto::Aes aes;
  ASSERT_EQ(aes.init(key, sizeof(key)), crypto::Status::ok);
  for (size_t n : {1u, 15u, 17u, 33u}) {
    uint8_t out[33];
    for (auto& b : out) b = 0xa5;
    EXPECT_EQ(crypto::aes_cbc_encrypt(aes, iv, in, out, n), crypto::Status::bad_length);
    EXPECT_EQ(crypto::aes_cbc_decrypt(aes, iv, in, out, n), crypto::Status::bad_length);
    for (auto b : out) EXPECT_EQ(b, 0xa5);
  }
  uint8_t out[1];
  EXPECT_EQ(crypto::aes_cbc_encrypt(aes, iv, in, out, 0), crypto::Status::ok);
}

}  // namespace
