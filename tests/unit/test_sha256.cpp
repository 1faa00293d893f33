// The key store partition's SHA-256 and HMAC-SHA256 against published
// vectors (FIPS 180-4 examples, RFC 4231 test cases 1, 2 and 6).
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "sha256.h"

namespace {

std::string hex(const uint8_t* p, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s += d[p[i] >> 4];
    s += d[p[i] & 15];
  }
  return s;
}

std::string sha256(const std::string& m) {
  keystore::Sha256 h;
  h.update(reinterpret_cast<const uint8_t*>(m.data()), m.size());
  uint8_t out[32];
  h.finish(out);
  return hex(out, 32);
}

std::string hmac(const std::string& key, const std::string& msg) {
  uint8_t out[32];
  keystore::hmac_sha256(reinterpret_cast<const uint8_t*>(key.data()), key.size(),
                        reinterpret_cast<const uint8_t*>(msg.data()), msg.size(), out);
  return hex(out, 32);
}

TEST(Sha256, FipsVectors) {
  EXPECT_EQ(sha256(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, UpdateInPiecesEqualsOnce) {
  const std::string m(200, 'x');
  keystore::Sha256 h;
  for (size_t i = 0; i < m.size(); i += 7)
    h.update(reinterpret_cast<const uint8_t*>(m.data()) + i, std::min<size_t>(7, m.size() - i));
  uint8_t out[32];
  h.finish(out);
  EXPECT_EQ(hex(out, 32), sha256(m));
}

TEST(HmacSha256, Rfc4231) {
  EXPECT_EQ(hmac(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hmac("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // A key longer than the block is hashed first (test case 6).
  EXPECT_EQ(hmac(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

}  // namespace
