// crypto::equal and crypto::secure_zero.
#include <gtest/gtest.h>

#include "lib/crypto/ct.h"

namespace {

TEST(CryptoEqual, EqualAndEachSingleBitDifference) {
  uint8_t a[40], b[40];
  for (int i = 0; i < 40; ++i) a[i] = b[i] = static_cast<uint8_t>(i * 31);
  EXPECT_TRUE(crypto::equal(a, b, sizeof(a)));
  EXPECT_TRUE(crypto::equal(a, b, 0));
  for (size_t i = 0; i < sizeof(a); ++i)
    for (int bit = 0; bit < 8; ++bit) {
      b[i] ^= static_cast<uint8_t>(1 << bit);
      EXPECT_FALSE(crypto::equal(a, b, sizeof(a))) << i << ":" << bit;
      // Outside the compared length, a difference does not count.
      EXPECT_TRUE(crypto::equal(a, b, i));
      b[i] ^= static_cast<uint8_t>(1 << bit);
    }
}

TEST(CryptoSecureZero, Zeroes) {
  uint8_t buf[19];
  for (auto& x : buf) x = 0xff;
  crypto::secure_zero(buf + 1, 17);
  EXPECT_EQ(buf[0], 0xff);
  for (int i = 1; i < 18; ++i) EXPECT_EQ(buf[i], 0);
  EXPECT_EQ(buf[18], 0xff);
}

}  // namespace
