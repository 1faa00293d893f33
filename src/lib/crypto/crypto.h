// Tessera's crypto library for Trusted Applications and partitions:
// SHA-256, HMAC-SHA256, AES-128/192/256 (block, CBC, GCM), RSA
// signature verification and constant-time comparison. Include this
// header or the one file you need.
//
// Why our own implementations: the crypto libraries Debian packages
// (OpenSSL, libgcrypt, Nettle, mbed TLS, libsodium) are built for a hosted
// environment: they expect libc, a heap (malloc) and, for some, threads
// and /dev/urandom. Firmware here is freestanding AArch64 with none of
// these (no libc, no heap, no exceptions; see docs/crypto.md), so this
// library is small, allocation-free C++20 on <cstdint>/<cstddef> only,
// checked against the published vectors (FIPS 180-4, RFC 4231, FIPS 197,
// SP 800-38A, the GCM specification; openssl-made RSA signatures) in
// tests/unit/test_crypto_*.cpp.
//
// Errors are values (crypto::Status); nothing throws or allocates.
#pragma once

#include "lib/crypto/aes.h"
#include "lib/crypto/bignum.h"
#include "lib/crypto/cbc.h"
#include "lib/crypto/ct.h"
#include "lib/crypto/gcm.h"
#include "lib/crypto/ghash.h"
#include "lib/crypto/hmac_sha256.h"
#include "lib/crypto/rsa.h"
#include "lib/crypto/sha256.h"
#include "lib/crypto/status.h"
