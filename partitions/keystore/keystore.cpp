// The key store partition: derives keys from the platform's hardware
// unique key, keeps them in slots the normal world can name but never
// read, and answers HMAC-SHA256 requests with them. Direct requests
// (64-bit), command in x3, status back in x3 (0 = done):
//   x3 = 1 DERIVE  x4 = slot (0-7), x5 = label -> key HMAC(HUK, "tessera-keystore" || label)
//   x3 = 2 HMAC    x4 = slot, x5-x7 = 24-byte message -> x4-x7 = the 32-byte MAC
//   x3 = 3 ERASE   x4 = slot
//   x3 = 4 HMAC over memory the normal world shared: x4 = slot, x5 = the
//          handle, x6 = length in bytes -> x4-x7 = the MAC (the share is
//          retrieved, read, and relinquished within the call)
// Errors in x3: 1 no such slot, 2 slot empty, 3 unknown command,
// 4 the share could not be retrieved (x4 = the FF-A error), 5 length
// beyond the share.
#include "lib/crypto/hmac_sha256.h"
#include "sp/ffa.h"
#include "sp/memory.h"

namespace {

constexpr unsigned kSlots = 8;
constexpr uint64_t kDerive = 1, kHmac = 2, kErase = 3, kHmacShared = 4;
constexpr uint64_t kBadSlot = 1, kEmptySlot = 2, kUnknown = 3, kNoShare = 4, kTooLong = 5;
// The manifest's RX/TX buffers (src/sp/sp.ld layout), one page each. The
// RX buffer (attached at start) is read only through sp::retrieve's
// checked reader.
constinit sp::RxBuffer g_rx;
const sp::Buffers kBuffers{reinterpret_cast<volatile uint8_t*>(0x0E621000), &g_rx};

// The hardware unique key. QEMU virt has none: like OP-TEE's QEMU port,
// this placeholder is all zeros. A real platform replaces it with its
// fused, secure-world-only key (the one line a port must change).
constexpr uint8_t kHuk[32] = {};

struct Slot {
  bool used;
  uint8_t key[32];
};
Slot g_slots[kSlots];

void put_le(uint8_t* p, uint64_t v) {
  for (unsigned i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
uint64_t get_le(const uint8_t* p) {
  uint64_t v = 0;
  for (unsigned i = 0; i < 8; ++i) v |= uint64_t{p[i]} << (8 * i);
  return v;
}

ffa::Regs serve(const ffa::Regs& m) {
  const uint64_t slot = m.x[4];
  switch (m.x[3]) {
    case kDerive: {
      if (slot >= kSlots) return sp::respond(m, kBadSlot);
      uint8_t info[24] = {'t', 'e', 's', 's', 'e', 'r', 'a', '-', 'k', 'e', 'y', 's', 't', 'o', 'r', 'e'};
      put_le(info + 16, m.x[5]);
      crypto::hmac_sha256(kHuk, sizeof(kHuk), info, sizeof(info), g_slots[slot].key);
      g_slots[slot].used = true;
      return sp::respond(m, 0, slot);
    }
    case kHmac: {
      if (slot >= kSlots) return sp::respond(m, kBadSlot);
      if (!g_slots[slot].used) return sp::respond(m, kEmptySlot);
      uint8_t msg[24], mac[32];
      put_le(msg, m.x[5]);
      put_le(msg + 8, m.x[6]);
      put_le(msg + 16, m.x[7]);
      crypto::hmac_sha256(g_slots[slot].key, 32, msg, sizeof(msg), mac);
      return sp::respond(m, 0, get_le(mac), get_le(mac + 8), get_le(mac + 16), get_le(mac + 24));
    }
    case kHmacShared: {
      if (slot >= kSlots) return sp::respond(m, kBadSlot);
      if (!g_slots[slot].used) return sp::respond(m, kEmptySlot);
      const uint16_t self = static_cast<uint16_t>(m.x[1]);
      // The memory comes from whoever asks (the normal world, or a
      // partition lending its own).
      const uint16_t lender = static_cast<uint16_t>(m.x[1] >> 16);
      const sp::Retrieved r = sp::retrieve(kBuffers, self, m.x[5], lender);
      if (!r.ok) return sp::respond(m, kNoShare, r.status);
      uint8_t mac[32];
      const bool fits = m.x[6] <= uint64_t{r.pages} * 4096;
      if (fits)
        crypto::hmac_sha256(g_slots[slot].key, 32, reinterpret_cast<const uint8_t*>(r.address), m.x[6], mac);
      sp::relinquish(kBuffers, self, m.x[5]);
      if (!fits) return sp::respond(m, kTooLong);
      return sp::respond(m, 0, get_le(mac), get_le(mac + 8), get_le(mac + 16), get_le(mac + 24));
    }
    case kErase:
      if (slot >= kSlots) return sp::respond(m, kBadSlot);
      for (uint8_t& b : g_slots[slot].key) b = 0;
      g_slots[slot].used = false;
      return sp::respond(m, 0);
    default:
      return sp::respond(m, kUnknown);
  }
}

}  // namespace

extern "C" [[noreturn]] void sp_main(uint64_t) {
  g_rx.attach(0x0E620000, 4096);
  sp::log("keystore: ready, 8 key slots\n");
  ffa::Regs msg = sp::wait();
  for (;;) msg = serve(msg);
}
