// crypto::HmacSha256 against RFC 4231 test cases 1-7, and incremental
// against one-shot.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto_hex.h"
#include "lib/crypto/hmac_sha256.h"

namespace {

using crypto_test::bytes;
using crypto_test::hex;
using crypto_test::unhex;

std::string hmac(const std::vector<uint8_t>& key, const std::vector<uint8_t>& msg) {
  uint8_t out[32];
  crypto::hmac_sha256(key.data(), key.size(), msg.data(), msg.size(), out);
  return hex(out, 32);
}

std::vector<uint8_t> str(const std::string& s) { return {s.begin(), s.end()}; }
std::vector<uint8_t> rep(uint8_t b, size_t n) { return std::vector<uint8_t>(n, b); }

TEST(CryptoHmacSha256, Rfc4231Case1) {
  EXPECT_EQ(hmac(rep(0x0b, 20), str("Hi There")), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(CryptoHmacSha256, Rfc4231Case2KeyShorterThanOutput) {
  EXPECT_EQ(hmac(str("Jefe"), str("what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(CryptoHmacSha256, Rfc4231Case3) {
  EXPECT_EQ(hmac(rep(0xaa, 20), rep(0xdd, 50)), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
}

TEST(CryptoHmacSha256, Rfc4231Case4) {
  EXPECT_EQ(hmac(unhex("0102030405060708090a0b0c0d0e0f10111213141516171819"), rep(0xcd, 50)),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
}

// Truncated to 128 bits: the RFC gives only the prefix.
TEST(CryptoHmacSha256, Rfc4231Case5Truncated) {
  EXPECT_EQ(hmac(rep(0x0c, 20), str("Test With Truncation")).substr(0, 32), "a3b6167473100ee06e0c796c2955552b");
}

// A key longer than the block is hashed first.
TEST(CryptoHmacSha256, Rfc4231Case6LongKey) {
  EXPECT_EQ(hmac(rep(0xaa, 131), str("Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(CryptoHmacSha256, Rfc4231Case7LongKeyLongData) {
  EXPECT_EQ(hmac(rep(0xaa, 131), str("This is a test using a larger than block-size key and a larger than block-size "
                                     "data. The key needs to be hashed before being used by the HMAC algorithm.")),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

TEST(CryptoHmacSha256, IncrementalEqualsOneShotAtOddSplits) {
  std::vector<uint8_t> msg;
  for (size_t i = 0; i < 150; ++i) msg.push_back(static_cast<uint8_t>(i * 13 + 1));
  const auto key = rep(0x42, 37);
  for (size_t a : {0u, 1u, 3u, 31u, 63u, 64u, 65u, 97u, 149u, 150u}) {
    for (size_t b = a; b <= msg.size(); b += 29) {
      crypto::HmacSha256 h(key.data(), key.size());
      h.update(msg.data(), a);
      h.update(msg.data() + a, b - a);
      h.update(msg.data() + b, msg.size() - b);
      uint8_t out[32];
      h.final(out);
      EXPECT_EQ(hex(out, 32), hmac(key, msg)) << a << "," << b;
    }
  }
}

TEST(CryptoHmacSha256, ReinitStartsOver) {
  const auto key = rep(0x0b, 20);
  crypto::HmacSha256 h(bytes("other"), 5);
  h.update(bytes("junk"), 4);
  h.init(key.data(), key.size());
  h.update(bytes("Hi There"), 8);
  uint8_t out[32];
  h.final(out);
  EXPECT_EQ(hex(out, 32), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

}  // namespace
