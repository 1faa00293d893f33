// crypto::AesGcm against the GCM specification's test cases (McGrew and
// Viega, "The Galois/Counter Mode of Operation", appendix B): 1-4 for
// AES-128, 13-16 for AES-256, and 5-6 for IVs of 8 and 60 bytes (J0 by
// GHASH). Open must refuse any single flipped bit in the tag, the
// ciphertext or the AAD, and leave the output zeroed.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto_hex.h"
#include "lib/crypto/gcm.h"

namespace {

using crypto::Status;
using crypto_test::hex;
using crypto_test::unhex;

struct Case {
  const char* name;
  const char* key;
  const char* iv;
  const char* plain;
  const char* aad;
  const char* cipher;
  const char* tag;
};

#define K128 "feffe9928665731c6d6a8f9467308308"
#define P64                                                          \
  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" \
  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
#define P60                                                          \
  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" \
  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
#define AAD "feedfacedeadbeeffeedfacedeadbeefabaddad2"
#define IV96 "cafebabefacedbaddecaf888"

const Case kCases[] = {
    {"TC1", "00000000000000000000000000000000", "000000000000000000000000", "", "", "",
     "58e2fccefa7e3061367f1d57a4e7455a"},
    {"TC2", "00000000000000000000000000000000", "000000000000000000000000", "00000000000000000000000000000000", "",
     "0388dace60b6a392f328c2b971b2fe78", "ab6e47d42cec13bdf53a67b21257bddf"},
    {"TC3", K128, IV96, P64, "",
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
     "4d5c2af327cd64a62cf35abd2ba6fab4"},
    {"TC4", K128, IV96, P60, AAD,
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
     "5bc94fbc3221a5db94fae95ae7121a47"},
    {"TC5_iv64", K128, "cafebabefacedbad", P60, AAD,
     "61353b4c2806934a777ff51fa22a4755699b2a714fcdc6f83766e5f97b6c7423"
     "73806900e49f24b22b097544d4896b424989b5e1ebac0f07c23f4598",
     "3612d2e79e3b0785561be14aaca2fccb"},
    {"TC6_iv480", K128,
     "9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728"
     "c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b",
     P60, AAD,
     "8ce24998625615b603a033aca13fb894be9112a5c3a211a8ba262a3cca7e2ca7"
     "01e4a9a4fba43c90ccdcb281d48c7c6fd62875d2aca417034c34aee5",
     "619cc5aefffe0bfa462af43c1699d050"},
    {"TC13", "0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000", "",
     "", "", "530f8afbc74536b9a963b4f1c4cb738b"},
    {"TC14", "0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000",
     "00000000000000000000000000000000", "", "cea7403d4d606b6e074ec5d3baf39d18",
     "d0d1c8a799996bf0265b98b5d48ab919"},
    {"TC15", K128 K128, IV96, P64, "",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
     "b094dac5d93471bdec1a502270e3cc6c"},
    {"TC16", K128 K128, IV96, P60, AAD,
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
     "76fc6ece0f4e1768cddf8853bb2d551b"},
};

struct Vec {
  std::vector<uint8_t> key, iv, plain, aad, cipher, tag;
  explicit Vec(const Case& c)
      : key(unhex(c.key)), iv(unhex(c.iv)), plain(unhex(c.plain)), aad(unhex(c.aad)), cipher(unhex(c.cipher)),
        tag(unhex(c.tag)) {}
};

// Opens and expects failure with every output byte zero (the buffer is
// prefilled so that "left alone" and "zeroed" differ).
void expect_open_fails(const crypto::AesGcm& gcm, const Vec& v, const std::vector<uint8_t>& aad,
                       const std::vector<uint8_t>& cipher, const std::vector<uint8_t>& tag, const std::string& what) {
  std::vector<uint8_t> out(cipher.size(), 0x5a);
  EXPECT_EQ(gcm.open(v.iv.data(), v.iv.size(), aad.data(), aad.size(), cipher.data(), cipher.size(), tag.data(),
                     out.data()),
            Status::auth_failed)
      << what;
  for (size_t i = 0; i < out.size(); ++i) ASSERT_EQ(out[i], 0) << what << " byte " << i;
}

class CryptoGcm : public ::testing::TestWithParam<Case> {};

TEST_P(CryptoGcm, SealMatchesSpec) {
  const Vec v(GetParam());
  crypto::AesGcm gcm;
  ASSERT_EQ(gcm.init(v.key.data(), v.key.size()), Status::ok);
  std::vector<uint8_t> out(v.plain.size());
  uint8_t tag[16];
  ASSERT_EQ(gcm.seal(v.iv.data(), v.iv.size(), v.aad.data(), v.aad.size(), v.plain.data(), v.plain.size(),
                     out.data(), tag),
            Status::ok);
  EXPECT_EQ(hex(out), hex(v.cipher));
  EXPECT_EQ(hex(tag, 16), hex(v.tag));

  // The one-shot form agrees.
  std::vector<uint8_t> out2(v.plain.size());
  uint8_t tag2[16];
  ASSERT_EQ(crypto::aes_gcm_seal(v.key.data(), v.key.size(), v.iv.data(), v.iv.size(), v.aad.data(), v.aad.size(),
                                 v.plain.data(), v.plain.size(), out2.data(), tag2),
            Status::ok);
  EXPECT_EQ(hex(out2), hex(v.cipher));
  EXPECT_EQ(hex(tag2, 16), hex(v.tag));
}

TEST_P(CryptoGcm, OpenReturnsPlaintext) {
  const Vec v(GetParam());
  crypto::AesGcm gcm;
  ASSERT_EQ(gcm.init(v.key.data(), v.key.size()), Status::ok);
  std::vector<uint8_t> out(v.cipher.size(), 0x5a);
  ASSERT_EQ(gcm.open(v.iv.data(), v.iv.size(), v.aad.data(), v.aad.size(), v.cipher.data(), v.cipher.size(),
                     v.tag.data(), out.data()),
            Status::ok);
  EXPECT_EQ(hex(out), hex(v.plain));

  std::vector<uint8_t> out2(v.cipher.size());
  ASSERT_EQ(crypto::aes_gcm_open(v.key.data(), v.key.size(), v.iv.data(), v.iv.size(), v.aad.data(), v.aad.size(),
                                 v.cipher.data(), v.cipher.size(), v.tag.data(), out2.data()),
            Status::ok);
  EXPECT_EQ(hex(out2), hex(v.plain));
}

TEST_P(CryptoGcm, InPlaceSealAndOpen) {
  const Vec v(GetParam());
  crypto::AesGcm gcm;
  ASSERT_EQ(gcm.init(v.key.data(), v.key.size()), Status::ok);
  std::vector<uint8_t> buf = v.plain;
  uint8_t tag[16];
  ASSERT_EQ(gcm.seal(v.iv.data(), v.iv.size(), v.aad.data(), v.aad.size(), buf.data(), buf.size(), buf.data(), tag),
            Status::ok);
  EXPECT_EQ(hex(buf), hex(v.cipher));
  EXPECT_EQ(hex(tag, 16), hex(v.tag));
  ASSERT_EQ(gcm.open(v.iv.data(), v.iv.size(), v.aad.data(), v.aad.size(), buf.data(), buf.size(), tag, buf.data()),
            Status::ok);
  EXPECT_EQ(hex(buf), hex(v.plain));
}

TEST_P(CryptoGcm, EveryFlippedTagBitFails) {
  const Vec v(GetParam());
  crypto::AesGcm gcm;
  ASSERT_EQ(gcm.init(v.key.data(), v.key.size()), Status::ok);
  for (size_t i = 0; i < 16 * 8; ++i) {
    auto tag = v.tag;
    tag[i / 8] ^= static_cast<uint8_t>(1 << (i % 8));
    expect_open_fails(gcm, v, v.aad, v.cipher, tag, "tag bit " + std::to_string(i));
  }
}

TEST_P(CryptoGcm, FlippedCiphertextBitFails) {
  const Vec v(GetParam());
  crypto::AesGcm gcm;
  ASSERT_EQ(gcm.init(v.key.data(), v.key.size()), Status::ok);
  if (v.cipher.empty()) {
    // Nothing to flip: a ciphertext byte appended must fail instead.
    expect_open_fails(gcm, v, v.aad, std::vector<uint8_t>{0}, v.tag, "one ciphertext byte appended");
    return;
  }
  // First, last, and a middle byte; a low, a high and a middle bit.
  for (size_t byte : {size_t{0}, v.cipher.size() / 2, v.cipher.size() - 1})
    for (int bit : {0, 3, 7}) {
      auto c = v.cipher;
      c[byte] ^= static_cast<uint8_t>(1 << bit);
      expect_open_fails(gcm, v, v.aad, c, v.tag,
                        "ciphertext byte " + std::to_string(byte) + " bit " + std::to_string(bit));
    }
}

TEST_P(CryptoGcm, FlippedOrExtendedAadFails) {
  const Vec v(GetParam());
  crypto::AesGcm gcm;
  ASSERT_EQ(gcm.init(v.key.data(), v.key.size()), Status::ok);
  for (size_t byte = 0; byte < v.aad.size(); byte += 7)
    for (int bit : {0, 7}) {
      auto a = v.aad;
      a[byte] ^= static_cast<uint8_t>(1 << bit);
      expect_open_fails(gcm, v, a, v.cipher, v.tag, "aad byte " + std::to_string(byte) + " bit " + std::to_string(bit));
    }
  // A zero byte more of AAD changes only the length block: still caught.
  auto longer = v.aad;
  longer.push_back(0);
  expect_open_fails(gcm, v, longer, v.cipher, v.tag, "aad one zero byte longer");
}

INSTANTIATE_TEST_SUITE_P(Spec, CryptoGcm, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

TEST(CryptoGcmParams, BadKeyAndIvLengths) {
  const uint8_t key[16] = {}, iv[12] = {}, tag[16] = {};
  uint8_t out[4] = {1, 2, 3, 4}, t[16];
  EXPECT_EQ(crypto::aes_gcm_seal(key, 15, iv, 12, nullptr, 0, nullptr, 0, out, t), Status::bad_key_length);
  EXPECT_EQ(crypto::aes_gcm_seal(key, 16, iv, 0, nullptr, 0, nullptr, 0, out, t), Status::bad_iv_length);
  EXPECT_EQ(crypto::aes_gcm_open(key, 16, iv, 0, nullptr, 0, out, 4, tag, out), Status::bad_iv_length);
  crypto::AesGcm uninitialised;
  EXPECT_EQ(uninitialised.seal(iv, 12, nullptr, 0, nullptr, 0, out, t), Status::bad_key_length);
}

// Tag over several blocks of AAD and text whose lengths are not block
// multiples: seal then open round-trips for every length up to 3 blocks.
TEST(CryptoGcmParams, RoundTripOddLengths) {
  const auto key = unhex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
  crypto::AesGcm gcm;
  ASSERT_EQ(gcm.init(key.data(), key.size()), Status::ok);
  std::vector<uint8_t> msg(48), aad(37);
  for (size_t i = 0; i < msg.size(); ++i) msg[i] = static_cast<uint8_t>(i ^ 0x3c);
  for (size_t i = 0; i < aad.size(); ++i) aad[i] = static_cast<uint8_t>(i * 5);
  const uint8_t iv[12] = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2};
  for (size_t n = 0; n <= msg.size(); ++n) {
    std::vector<uint8_t> c(n), p(n);
    uint8_t tag[16];
    ASSERT_EQ(gcm.seal(iv, sizeof(iv), aad.data(), n % aad.size(), msg.data(), n, c.data(), tag), Status::ok);
    ASSERT_EQ(gcm.open(iv, sizeof(iv), aad.data(), n % aad.size(), c.data(), n, tag, p.data()), Status::ok) << n;
    EXPECT_EQ(hex(p), hex(msg.data(), n));
  }
}

}  // namespace
