#include "sp/memory.h"

#include "sp/ffa.h"

namespace sp {
namespace {

void put(volatile uint8_t* p, unsigned off, uint64_t v, unsigned n) {
  for (unsigned i = 0; i < n; ++i) p[off + i] = static_cast<uint8_t>(v >> (8 * i));
}
uint64_t get(const volatile uint8_t* p, unsigned off, unsigned n) {
  uint64_t v = 0;
  for (unsigned i = 0; i < n; ++i) v |= uint64_t{p[off + i]} << (8 * i);
  return v;
}

}  // namespace

Retrieved retrieve(const Buffers& b, uint16_t self, uint64_t handle) {
  // Retrieve request: 48-byte header, one 32-byte access descriptor naming
  // ourselves, no composite region.
  for (unsigned i = 0; i < 80; ++i) b.tx[i] = 0;
  put(b.tx, 8, handle, 8);
  put(b.tx, 24, 32, 4);
  put(b.tx, 28, 1, 4);
  put(b.tx, 32, 48, 4);
  put(b.tx, 48, self, 2);
  put(b.tx, 50, 2 | 4, 1);  // read-write, not executable, if granted
  const ffa::Regs r = svc(ffa::Regs{{ffa::raw(ffa::Func::mem_retrieve_req_64), 80, 80}});
  if (r.fid() != ffa::raw(ffa::Func::mem_retrieve_resp)) return Retrieved{false, r.w(2), 0, 0, false};
  const unsigned composite = static_cast<unsigned>(get(b.rx, 48 + 4, 4));
  Retrieved out{true, r.fid(), get(b.rx, composite + 16, 8), static_cast<uint32_t>(get(b.rx, composite + 24, 4)),
                (get(b.rx, 48 + 2, 1) & 3u) == 2u};
  svc(ffa::Regs{{ffa::raw(ffa::Func::rx_release)}});
  return out;
}

uint32_t relinquish(const Buffers& b, uint16_t self, uint64_t handle) {
  for (unsigned i = 0; i < 18; ++i) b.tx[i] = 0;
  put(b.tx, 0, handle, 8);
  put(b.tx, 12, 1, 4);
  put(b.tx, 16, self, 2);
  return svc(ffa::Regs{{ffa::raw(ffa::Func::mem_relinquish)}}).fid();
}

}  // namespace sp
