// crypto::rsa_pkcs1_sha256_verify against signatures made by the openssl
// CLI (OpenSSL 3.0):
//
//   printf 'Tessera Trusted Application image, signed at build time' > msg
//   openssl genrsa -out k2048.pem 2048     (and 3072; `genrsa -3` for e = 3)
//   openssl rsa -in k2048.pem -noout -modulus
//   openssl dgst -sha256 -sign k2048.pem -out sig.bin msg     (-sha1, -sha512)
//   xxd -p sig.bin
//
// kSig2048Small is over another message, see there. The two malformed
// encodings (DigestInfo without the NULL parameters; 8 bytes of PS and
// junk after the digest) were built by hand and raised to d with
// `openssl pkeyutl -decrypt -pkeyopt rsa_padding_mode:none`.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto_hex.h"
#include "lib/crypto/rsa.h"
#include "lib/crypto/sha256.h"

namespace {

using crypto::Status;
using crypto_test::bytes;
using crypto_test::unhex;

const std::string kMsg = "Tessera Trusted Application image, signed at build time";

const std::string kN2048 =
    "ce07d691d1b879fac1b1d72a5790d18e4b47a4dc89ef7cb73832fc50075b392123fe2ab90878a29fae2b500f76229061"
    "90961507814393321b02b3c7d96b001cebb5d9d7fc1849b05f2767999a8f748487061d568ce9f88cd8851b2672e20d40"
    "4b49275df431dc78138280914b907aabb0851f3629a2f42daf7720741763b21e2b75671943c7e14d33dc61352402d405"
    "c8d5a51c68b59d0064b37de47f2d97a53af9fd016490575f2ff0aa63c06ef0fb885ae9a10893683f8afd28d0a2127ba4"
    "9863686633238c577193c965aca71cdfea984c617f003efc421525e94e31489171bc420715ce3937c441bdaee7c56f7d"
    "6ca092d8f3a6f72e4fcaf299c2defc31";

const std::string kSig2048 =
    "b5042c54774a2c96d80ef7da13aba43ec2fb990ba859dab2f4e3e8bf0f16f0b2da4484542481b7277ece1e6cf4a21c6e"
    "bca89f8b663e57c5902ab2c729cf91d97d8a2b94f050729588de4f34723cded0a6ab6fc2f9e6c4b74940ed7677d1906a"
    "0509b0153a3e22520adb6fb8970a4e6dc49cbfa02465775ab3ffa0b31ccd824927861f43d935436e344e7957e1a6cae6"
    "ebb703ade6f370d6be3ba2c97f1c3509e199c8595c5d8bbdc740e3fe2c6bcf7afede542632e2b5ca9092831c729558cc"
    "522d6d367c6bf62fe0bc868d2f4902b8a9353892e58702a8b308ce3832bcd03b02b59685c3546da20b85f5789d05925f"
    "26309115ff46d7fa22c61d8384809bbd";

const std::string kN3072 =
    "cbe90645a6228fcfba428d9b45d72ca8507319a5cc030b12e90c7d1c371c23f90c35c581b8f1d07d2d4b6aa6e65f5cb3"
    "67182c726d768f3f9d21920cb308fa40604375544d9ed16a7e0a86904713caecc0673c282be4c943b3741a48459b320e"
    "d4792abe95a58f2d455bfecc764d20c0e53429be2947e00d0872cfbf128472413307959123a54fe2787e2466e005bf1d"
    "54d927f56db0eb0de647c46f23651d5c2790fb049b3fe1ca8e2f796c32ef64db1c320d81d5e517102dd0c5bf0bac0e4c"
    "9cbccba4b8b273673d90565bf89b8e3b27a601a9926046746fe31f8aae7c454fa73f535d1ef3f011444a5d4473a06162"
    "fae1863e024faf1c8b0fc2eb13906d37edaa0c654ac93a12a33c1bb8ecb306d12cc3cb9e6adcfe611c354b460fe0a7f4"
    "03f7f207f30280677e6f1b895a0b02230eef6ee71f6e04a5b8272cee3c26c6f1b2f0226ba1c70d365dd6e86af251c6b2"
    "21645edd75deabb92f5953524d59942d608414bbfd7165deac1c2ea0a30178507712f42d4b19221b0cdf699676ac0267";

const std::string kSig3072 =
    "b0f28607d3b2b0788cac6e1d2408626ebf6ce25c4009b1595d66c4580c6d15df3e210ba6723f6510f0c428ee136cce70"
    "77b9393d648b051eee33fbe58ef130fc264beab36f511a38ed1aa2e9926581799472fc46fbc135f2087afeac42ac619f"
    "433972b095acded6b01e16b9e12b3eb1b49eb5392a94d40230ae52d367f89f7873e9373330370a9e5a6d9481ce3a64ab"
    "96672dfbfe0189d5306472d6d6e23fc4e39d52fdbd2e81dfd05b2c58c94f4a7950375a4a88a65b2f6880fcb4c5801851"
    "7463bfd0ec6e571f28cd27fe79ddbb639af175488a93931a8f8f09504c1f6d80b712bea24ba5d081f8181ee4e8b5ad1e"
    "bcbc92fb367b6098412ae3902b71f4e4e8d9f9cb1ada7390c980f14e6ba7049e3699abd6c8d599412c17d6eca90a7053"
    "18a437e45ff1398f344b2c99a0a394d858234b8d5f92784cb9c2de1fa932dca2ec0810afb6c265e1e1730adc75a68b53"
    "be81610f6ae0057d7a67f650187f55aa24b212c92c9f882dc9d76cbaffbc0e70e8caf73c8186f789394400b1cdac130a";

const std::string kN2048e3 =
    "c154c85cdacb124ff8ac2d8abf755f94dfcae36027b5f643b0de1a3f690a41918d773c0be974bf91f648d21121babc18"
    "3a436b7f6c412f4480d020cac1b6900ef2ad589cfb571ab6dda657a5da992fb80c8360fedf4a472ad2e6023329690858"
    "490bcfebad5fdc9bd9bf14d18526e5a46c4bb761072f184c7e3e2d4c2e819b5aadf9dd992a1e9afead5a2352d1add99b"
    "93d1732d55501563e1781394a06afc193502d575b9d3c3c154bf8ed5f448be3f9d34469cf103f3d17e5316f108b7abae"
    "fcdf1fb606fe265bf9914f0be1906bb6f89f1bdc22ef86bf301476992f09d772220867bd16b5c790cad07649d78e3636"
    "77cfc1bd007d0aa974042a38c16f468b";

const std::string kSig2048e3 =
    "582c27875204be59daf2a015e481525fc59754ef7886cc3e41d12bfd789099095470d4909e4402df4f59d54584be2346"
    "99af9acb40faecb1e494869408d6bf8d47532b7f7cc27370bfe88d491ba0188fad81c6f135e4f6c9660db4dd7144bd43"
    "3b5052bcec0e245c555d7c3dc9efdf9497c2ecde3f1e7fa7bc0a4dde746362bd742d7837a8e730e32cb00e8fd2d46e1c"
    "cd96eea1bc962eb6c9cde5c0e50fc33fcd1f833c372778681d8db069ff8bf0d1e42681c1fb4939faa35c0a0dc99b3fd2"
    "2d8cff460347dc71c37d2b1d6c9f3a28391e2abcec517a908cd6998554bfbe7a7ab760f95dea43b1e344849fbe731388"
    "a7787db84b8a8a04e09d412743b7aee1";

const std::string kSig2048Sha1 =
    "8d64c3eba9d6ed40f4d96a35990612824596cda628b172aca1ddb96583e1dd56cd1f3a95c0e8ac574fc6692b04e22112"
    "f7c05663f31df1199c3eaeecb7edc3c3fea85d05a4ae638b9e420539a6209ddaab9700ff36057dbb73d956f0c0659156"
    "0bee005e1528b4ffbf7202ca729fc5e6a207bb0104972e832cab5518def4fd6cd18f5ba20eaf3faec7e603c165bcd792"
    "807453e57595f06bdd9ed7b6486b9013b382c2a9eebe659eaf0a30be6df594d553194bb70e4d3404f743c243880c2a6c"
    "f9f8f95cb11e41cf18afd3ed14a78dc43dad2228d29678b2eb79ff3f010653487e00f1c140353f1186bfb1284b6c7390"
    "fa6bc435b54ea485ce955823a8e7a75d";

const std::string kSig2048Sha512 =
    "3c0a69b5f10c3bdf423fa8cd16485d898302c1b5fb9af74d0f9f281f48a9c30998eee165822a73ccc7dbafeba9809304"
    "21e32269fcad7eadedd20e198bcf8a2bbad510e23599e120e51288d21ac4bfa96616f557de0c0f0db4c67cf53d9ab081"
    "89aa913fa16eccf5cedf21ec0c3ec7b0bc4b31beca496458856889e730ad4ddbe34c06bda9a203bd565778fdeec8b1fd"
    "ba664622fad976cd02392cb8c1b910d8ae01a8c9ac2afdbbb591b4e131028b6b27a5dde8350c731a2e12d1a54a76f77e"
    "a539b99ea3b1ce84b248a3906e7bfff6593272b01d4eddc11f86a1298886900a354c4183123619761e882ce3edc219ef"
    "eb39f24c21b1eec6480734787b9cbaa4";

const std::string kSig2048NoNull =
    "6642f06c7424deef5e20f1238732cb298750736491e4af063706d699a33c73e9d181fd40059d678325a6ba5f0368af3a"
    "c842153eaadc087fab4216bff46dfeece811af364713eda5d6232f325c2ed485fec21910b8f83aa864cbee5344863cd1"
    "fa0af8dea506c5194f41953f342a700366ce313519a0b6b7f9db3bcdbbe4fb86726c2fa1b347a390beac71476d0c5d71"
    "c4c317bfea07b33741301787f74dc38a8a341f50afb9dcb05a1ef8e41bb5ef63b063286add6e103b9e63560188f7e209"
    "93c0450c2f8543dd607eee0af3ca051d431dbe49182dc6c8824b459e2f330167b87703a27ab62efaf7d00731aeb8f654"
    "d73e9ef8f87819450b0ddcac639074d6";

const std::string kSig2048Junk =
    "91a2b4415e1d4cc7ce2f4e41a24750415caa24beedb012c4d49950165ffeb8939856d039838cd1e636177eb5858a3dcf"
    "50bab0bd1d6d9b424464dfb4eba717edf7cd0f038bad325584c5ef1e0edd91d09c6c7a81fa2c14aebbd0ee5b0285982f"
    "956343743f5bd5f712f9585a80747f141a40e4d10cee17455e199455dca805c2342962d9a363646bcae6183f5bb6c0d0"
    "93673bd02f048e1697d0a10111dcd50acf846d3ec43e5e8ba39a8c0665f865a49c8f97922d3874e4374d1861ba6108e7"
    "8736b89b34d5d313df46c1830daf6f245e8ca8f487f881fb8ab9063be280027ada99c15aeebd6ac0dc065c5f23c6b7b0"
    "ed6c48b25a546124cd0b9055ac2d8548";

// Signed with k2048 like kSig2048, over the first of the messages
// "Tessera Trusted Application image N" whose signature s has s + n below
// 2^2048 (N = 16, s = 0x13ec...): s + n then fits in 256 bytes.
const std::string kMsgSmallSig = "Tessera Trusted Application image 16";
const std::string kSig2048Small =
    "13ec1628968364578a919da2c19e586440128db69e27fd9f122b967aeeabfee3d19aaa05152ae75c95b24b0830ab9c58"
    "adcaa60b896a5a51f4006f6e42d98473b37f2c913746384ac7031bc1aba3edb7099acbb5e1c33e71a9f845aabc744eb5"
    "736b4b60a961d356b474aae20fa166ec019c59039384053ba4e23fab4137166f940e5a27265cf2107b7c26cb38154453"
    "edfa55162c4339f39c3f73428e2b0f4ba264949d418872f66248118b67f35094a28339a303401c865034ee605e963994"
    "53f8fa82d7518cc2fabfa411e2f030311814cacdc9faa5f6556a5e38463ade70f9229ad30880821ec2c0b2e6d2e1f631"
    "e7596c73e4b6deceded0b3eb7eebe8b8";

std::vector<uint8_t> digest_of(const std::string& msg) {
  std::vector<uint8_t> d(crypto::Sha256::kDigestSize);
  crypto::sha256(bytes(msg), msg.size(), d.data());
  return d;
}

Status verify(const std::vector<uint8_t>& n, uint32_t e, const std::vector<uint8_t>& digest,
              const std::vector<uint8_t>& sig) {
  return crypto::rsa_pkcs1_sha256_verify(n.data(), n.size(), e, digest.data(), sig.data(), sig.size());
}

// One key and a valid signature; each test breaks one thing.
struct Vector {
  std::vector<uint8_t> n;
  uint32_t e;
  std::vector<uint8_t> sig;
};

Vector v2048() { return {unhex(kN2048), 65537, unhex(kSig2048)}; }
Vector v3072() { return {unhex(kN3072), 65537, unhex(kSig3072)}; }
Vector v2048e3() { return {unhex(kN2048e3), 3, unhex(kSig2048e3)}; }

TEST(CryptoRsa, VectorSizes) {
  EXPECT_EQ(v2048().n.size(), 256u);
  EXPECT_EQ(v2048().sig.size(), 256u);
  EXPECT_EQ(v3072().n.size(), 384u);
  EXPECT_EQ(v3072().sig.size(), 384u);
  EXPECT_EQ(v2048e3().n.size(), 256u);
}

TEST(CryptoRsa, Valid2048) {
  Vector v = v2048();
  EXPECT_EQ(verify(v.n, v.e, digest_of(kMsg), v.sig), Status::ok);
}

TEST(CryptoRsa, Valid3072) {
  Vector v = v3072();
  EXPECT_EQ(verify(v.n, v.e, digest_of(kMsg), v.sig), Status::ok);
}

TEST(CryptoRsa, Valid2048ExponentThree) {
  Vector v = v2048e3();
  EXPECT_EQ(verify(v.n, v.e, digest_of(kMsg), v.sig), Status::ok);
}

// Every seventh bit of the signature (so every bit position within a byte
// is hit), for both sizes: flipping any one fails.
TEST(CryptoRsa, FlippedSignatureBitsFail) {
  for (Vector v : {v2048(), v3072()}) {
    std::vector<uint8_t> d = digest_of(kMsg);
    for (size_t bit = 0; bit < 8 * v.sig.size(); bit += 7) {
      std::vector<uint8_t> s = v.sig;
      s[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
      EXPECT_EQ(verify(v.n, v.e, d, s), Status::bad_signature) << "bit " << bit << " of " << v.n.size();
    }
  }
}

TEST(CryptoRsa, EveryFlippedDigestBitFails) {
  Vector v = v2048();
  for (size_t bit = 0; bit < 256; ++bit) {
    std::vector<uint8_t> d = digest_of(kMsg);
    d[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    EXPECT_EQ(verify(v.n, v.e, d, v.sig), Status::bad_signature) << "bit " << bit;
  }
}

TEST(CryptoRsa, OtherMessageFails) {
  Vector v = v2048();
  EXPECT_EQ(verify(v.n, v.e, digest_of(kMsg + "."), v.sig), Status::bad_signature);
  EXPECT_EQ(verify(v.n, v.e, digest_of(""), v.sig), Status::bad_signature);
}

// A modulus bit other than the top byte's (which can make it too short)
// and the lowest (which makes it even, bad_key below).
TEST(CryptoRsa, FlippedModulusBitFails) {
  for (Vector v : {v2048(), v3072()}) {
    for (size_t byte : {size_t{1}, v.n.size() / 2, v.n.size() - 1}) {
      for (unsigned bit = (byte == v.n.size() - 1 ? 1 : 0); bit < 8; ++bit) {
        std::vector<uint8_t> n = v.n;
        n[byte] ^= static_cast<uint8_t>(1u << bit);
        EXPECT_EQ(verify(n, v.e, digest_of(kMsg), v.sig), Status::bad_signature) << byte << ":" << bit;
      }
    }
  }
}

TEST(CryptoRsa, WrongKeyFails) {
  // Same size, other key: s may be >= n or not, either is bad_signature.
  EXPECT_EQ(verify(unhex(kN2048e3), 65537, digest_of(kMsg), unhex(kSig2048)), Status::bad_signature);
  EXPECT_EQ(verify(unhex(kN2048), 65537, digest_of(kMsg), unhex(kSig2048e3)), Status::bad_signature);
  // Right modulus, wrong exponent.
  EXPECT_EQ(verify(unhex(kN2048), 3, digest_of(kMsg), unhex(kSig2048)), Status::bad_signature);
  EXPECT_EQ(verify(unhex(kN2048e3), 65537, digest_of(kMsg), unhex(kSig2048e3)), Status::bad_signature);
}

TEST(CryptoRsa, SignatureLengthMustEqualModulusLength) {
  Vector v = v2048();
  std::vector<uint8_t> d = digest_of(kMsg);
  for (size_t len : {size_t{0}, size_t{1}, size_t{32}, size_t{255}}) {
    // A prefix of the valid signature, read from the vector's own buffer:
    // nothing beyond len may be touched.
    EXPECT_EQ(crypto::rsa_pkcs1_sha256_verify(v.n.data(), v.n.size(), v.e, d.data(), v.sig.data(), len),
              Status::bad_length)
        << len;
  }
  // A leading zero does not make a 257-byte signature acceptable.
  std::vector<uint8_t> longer = v.sig;
  longer.insert(longer.begin(), 0x00);
  EXPECT_EQ(verify(v.n, v.e, d, longer), Status::bad_length);
  std::vector<uint8_t> huge(4096, 0x00);
  EXPECT_EQ(verify(v.n, v.e, d, huge), Status::bad_length);
  // The 3072-bit signature against the 2048-bit key and back.
  EXPECT_EQ(verify(v.n, v.e, d, unhex(kSig3072)), Status::bad_length);
  EXPECT_EQ(verify(unhex(kN3072), 65537, d, v.sig), Status::bad_length);
}

TEST(CryptoRsa, EmptySignatureWithNullPointer) {
  Vector v = v2048();
  std::vector<uint8_t> d = digest_of(kMsg);
  EXPECT_EQ(crypto::rsa_pkcs1_sha256_verify(v.n.data(), v.n.size(), v.e, d.data(), nullptr, 0), Status::bad_length);
  EXPECT_EQ(crypto::rsa_pkcs1_sha256_verify(v.n.data(), v.n.size(), v.e, nullptr, v.sig.data(), v.sig.size()),
            Status::bad_length);
  EXPECT_EQ(crypto::rsa_pkcs1_sha256_verify(nullptr, 256, v.e, d.data(), v.sig.data(), v.sig.size()),
            Status::bad_key);
}

// RFC 8017 8.2.2 step 2.b: s must be below n, else s and s + n would both
// verify. s = n is the smallest such value.
TEST(CryptoRsa, SignatureNotBelowModulusFails) {
  for (Vector v : {v2048(), v3072()}) {
    std::vector<uint8_t> d = digest_of(kMsg);
    EXPECT_EQ(verify(v.n, v.e, d, v.n), Status::bad_signature);
    EXPECT_EQ(verify(v.n, v.e, d, std::vector<uint8_t>(v.n.size(), 0xff)), Status::bad_signature);
  }
}

// s + n is congruent to s, so only the range check refuses it: without
// that check this signature would verify.
TEST(CryptoRsa, SignaturePlusModulusFails) {
  Vector v = v2048();
  std::vector<uint8_t> d = digest_of(kMsgSmallSig);
  std::vector<uint8_t> s = unhex(kSig2048Small);
  ASSERT_EQ(verify(v.n, v.e, d, s), Status::ok);
  unsigned carry = 0;
  for (size_t i = s.size(); i-- > 0;) {
    unsigned t = s[i] + v.n[i] + carry;
    s[i] = static_cast<uint8_t>(t);
    carry = t >> 8;
  }
  ASSERT_EQ(carry, 0u);
  EXPECT_EQ(verify(v.n, v.e, d, s), Status::bad_signature);
}

// s = 0, 1 and n - 1 are their own e-th powers up to sign: none is an
// encoding.
TEST(CryptoRsa, TrivialSignaturesFail) {
  for (Vector v : {v2048(), v3072(), v2048e3()}) {
    std::vector<uint8_t> d = digest_of(kMsg);
    std::vector<uint8_t> s(v.n.size(), 0x00);
    EXPECT_EQ(verify(v.n, v.e, d, s), Status::bad_signature);
    s.back() = 1;
    EXPECT_EQ(verify(v.n, v.e, d, s), Status::bad_signature);
    std::vector<uint8_t> n_minus_1 = v.n;
    n_minus_1.back() ^= 1;  // n is odd
    EXPECT_EQ(verify(v.n, v.e, d, n_minus_1), Status::bad_signature);
  }
}

// Valid PKCS #1 v1.5 signatures over the same message, but not with the
// SHA-256 DigestInfo.
TEST(CryptoRsa, OtherHashFails) {
  Vector v = v2048();
  EXPECT_EQ(verify(v.n, v.e, digest_of(kMsg), unhex(kSig2048Sha1)), Status::bad_signature);
  EXPECT_EQ(verify(v.n, v.e, digest_of(kMsg), unhex(kSig2048Sha512)), Status::bad_signature);
}

// The DigestInfo with the NULL parameters left out (RFC 8017 9.2 note 2
// lets some verifiers accept it; this one accepts only the NULL form).
TEST(CryptoRsa, DigestInfoWithoutNullFails) {
  Vector v = v2048();
  EXPECT_EQ(verify(v.n, v.e, digest_of(kMsg), unhex(kSig2048NoNull)), Status::bad_signature);
}

// Short padding with junk after the digest: what a verifier that parses EM
// instead of comparing it in full might take.
TEST(CryptoRsa, JunkAfterDigestFails) {
  Vector v = v2048();
  EXPECT_EQ(verify(v.n, v.e, digest_of(kMsg), unhex(kSig2048Junk)), Status::bad_signature);
}

TEST(CryptoRsa, UnsupportedExponentRefused) {
  Vector v = v2048();
  std::vector<uint8_t> d = digest_of(kMsg);
  for (uint32_t e : {0u, 1u, 2u, 5u, 17u, 65535u, 65539u, 0xffffffffu}) {
    EXPECT_EQ(verify(v.n, e, d, v.sig), Status::bad_key) << e;
  }
}

TEST(CryptoRsa, UnsupportedModulusRefused) {
  Vector v = v2048();
  std::vector<uint8_t> d = digest_of(kMsg);
  // A zero top byte: the key is shorter than its length.
  std::vector<uint8_t> n = v.n;
  n[0] = 0x00;
  EXPECT_EQ(verify(n, v.e, d, v.sig), Status::bad_key);
  // With a leading zero byte added (257 bytes), as some encodings print it.
  n = v.n;
  n.insert(n.begin(), 0x00);
  std::vector<uint8_t> s = v.sig;
  s.insert(s.begin(), 0x00);
  EXPECT_EQ(verify(n, v.e, d, s), Status::bad_key);
  // Even: not an RSA modulus, and Montgomery reduction needs it odd.
  n = v.n;
  n.back() ^= 1;
  EXPECT_EQ(verify(n, v.e, d, v.sig), Status::bad_key);
  // Sizes other than 2048 and 3072 bits.
  for (size_t len : {size_t{0}, size_t{128}, size_t{255}, size_t{257}, size_t{383}, size_t{512}}) {
    std::vector<uint8_t> m(len == 0 ? 1 : len, 0xc3);
    std::vector<uint8_t> sig(len == 0 ? 1 : len, 0x01);
    EXPECT_EQ(crypto::rsa_pkcs1_sha256_verify(m.data(), len, 65537, d.data(), sig.data(), len), Status::bad_key)
        << len;
  }
}

}  // namespace
