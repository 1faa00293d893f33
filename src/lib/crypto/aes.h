// AES-128/192/256 block cipher (FIPS 197): key schedule, one-block
// encrypt and decrypt. Modes (CBC, GCM) are built on it in their own files.
//
// Cache-timing caveat: SubBytes is a 256-byte table lookup indexed by
// secret bytes. On a core whose caches an attacker shares (another world,
// another core's partition) the access pattern can leak key bits. It is
// accepted here for simplicity and portability (the tables are small: one
// 256-byte S-box each way, four 64-byte cache lines each, which narrows
// but does not close the channel). Where an attacker can share or probe
// the cache while a partition runs AES, use the ARMv8 Crypto Extensions
// (AESE/AESD), which are constant time.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lib/crypto/status.h"

namespace crypto {

class Aes {
 public:
  static constexpr size_t kBlockSize = 16;
  static constexpr size_t kMaxRounds = 14;

  Aes() = default;
  // Wipes the round keys: they give back the key.
  ~Aes();

  // Expands a 16-, 24- or 32-byte key; anything else is bad_key_length
  // and leaves the object unusable.
  Status init(const uint8_t* key, size_t key_len);

  // One block; in and out may be the same buffer. Without a successful
  // init() the output is all zeros.
  void encrypt_block(const uint8_t in[kBlockSize], uint8_t out[kBlockSize]) const;
  void decrypt_block(const uint8_t in[kBlockSize], uint8_t out[kBlockSize]) const;

 private:
  uint8_t round_keys_[kBlockSize * (kMaxRounds + 1)] = {};
  unsigned rounds_ = 0;
};

}  // namespace crypto
