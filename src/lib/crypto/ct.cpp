#include "lib/crypto/ct.h"

namespace crypto {

bool equal(const uint8_t* a, const uint8_t* b, size_t len) {
  uint8_t diff = 0;
  for (size_t i = 0; i < len; ++i) {
    diff |= a[i] ^ b[i];
    // The compiler may not know diff's value here, so it cannot stop the
    // loop early once diff can no longer return to 0 (all bits set).
    __asm__("" : "+r"(diff));
  }
  return diff == 0;
}

void secure_zero(void* p, size_t len) {
  volatile uint8_t* b = static_cast<volatile uint8_t*>(p);
  for (size_t i = 0; i < len; ++i) b[i] = 0;
}

}  // namespace crypto
