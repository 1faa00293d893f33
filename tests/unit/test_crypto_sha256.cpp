// crypto::Sha256 (moved from the key store partition) against the FIPS
// 180-4 / NIST example vectors, and incremental against one-shot.
#include <gtest/gtest.h>

#include <string>

#include "crypto_hex.h"
#include "lib/crypto/sha256.h"

namespace {

using crypto_test::bytes;
using crypto_test::hex;

std::string sha256(const std::string& m) {
  uint8_t out[32];
  crypto::sha256(bytes(m), m.size(), out);
  return hex(out, 32);
}

TEST(CryptoSha256, FipsVectors) {
  EXPECT_EQ(sha256(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // The 448-bit message: padding spills into a second block.
  EXPECT_EQ(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(CryptoSha256, MillionAInPieces) {
  const std::string chunk(1000, 'a');
  crypto::Sha256 h;
  for (int i = 0; i < 1000; ++i) h.update(bytes(chunk), chunk.size());
  uint8_t out[32];
  h.final(out);
  EXPECT_EQ(hex(out, 32), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// Every split point of messages around the block and padding boundaries.
TEST(CryptoSha256, IncrementalEqualsOneShotAtEverySplit) {
  for (size_t n : {0u, 1u, 55u, 56u, 63u, 64u, 65u, 119u, 128u, 200u}) {
    std::string m;
    for (size_t i = 0; i < n; ++i) m += static_cast<char>(i * 7 + 3);
    for (size_t a = 0; a <= n; a += (n > 70 ? 3 : 1)) {
      crypto::Sha256 h;
      h.update(bytes(m), a);
      h.update(bytes(m) + a, n - a);
      uint8_t out[32];
      h.final(out);
      EXPECT_EQ(hex(out, 32), sha256(m)) << "n=" << n << " split=" << a;
    }
  }
}

TEST(CryptoSha256, OddPiecesAndReuseAfterInit) {
  const std::string m(200, 'x');
  crypto::Sha256 h;
  h.update(bytes("junk"), 4);
  h.init();
  for (size_t i = 0; i < m.size(); i += 7) h.update(bytes(m) + i, std::min<size_t>(7, m.size() - i));
  uint8_t out[32];
  h.final(out);
  EXPECT_EQ(hex(out, 32), sha256(m));
  h.init();
  h.update(bytes("abc"), 3);
  h.final(out);
  EXPECT_EQ(hex(out, 32), sha256("abc"));
}

}  // namespace
