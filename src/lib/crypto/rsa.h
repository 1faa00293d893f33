// RSA signature verification: RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017
// section 8.2.2), for checking signed Trusted Applications and images
// against a public key built into the firmware. Verification only: there
// is no private key here, so nothing needs to be constant time.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lib/crypto/status.h"

namespace crypto {

// Checks signature over the SHA-256 digest digest32 (32 bytes) with the
// public key (modulus, exponent). modulus is big-endian, as
// `openssl rsa -noout -modulus` prints it, exactly 256 or 384 bytes (2048
// or 3072 bits) with a nonzero top byte; exponent is 65537 or 3.
// signature is big-endian, as `openssl dgst -sign` writes it, exactly
// modulus_len bytes.
//
// Returns ok only for a valid signature; bad_key for a modulus or exponent
// outside the above (or a null modulus), bad_length if signature_len !=
// modulus_len (or a null signature or digest), bad_signature otherwise.
// Reads no byte outside the three buffers whatever the arguments.
// Uses about 3.3 KiB of stack (AArch64, GCC -O2; -fstack-usage).
Status rsa_pkcs1_sha256_verify(const uint8_t* modulus, size_t modulus_len, uint32_t exponent,
                               const uint8_t* digest32, const uint8_t* signature, size_t signature_len);

}  // namespace crypto
