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

// Reads the constituents in one fragment of a retrieve response: the bytes
// [from, from + length) of the whole response are in the RX buffer.
void read_constituents(const volatile uint8_t* rx, uint32_t from, uint32_t length, uint32_t first_constituent,
                       Retrieved& out) {
  uint32_t at = from > first_constituent ? from : first_constituent;
  for (; at + 16 <= from + length; at += 16) {
    const uint64_t address = get(rx, at - from, 8);
    const uint32_t pages = static_cast<uint32_t>(get(rx, at - from + 8, 4));
    if (out.constituents == 0) {
      out.address = address;
      out.pages = pages;
    }
    out.last_address = address;
    ++out.constituents;
  }
}

}  // namespace

Retrieved retrieve(const Buffers& b, uint16_t self, uint64_t handle, uint16_t sender) {
  // Retrieve request: 48-byte header, one 32-byte access descriptor naming
  // ourselves, no composite region.
  for (unsigned i = 0; i < 80; ++i) b.tx[i] = 0;
  put(b.tx, 0, sender, 2);
  put(b.tx, 8, handle, 8);
  put(b.tx, 24, 32, 4);
  put(b.tx, 28, 1, 4);
  put(b.tx, 32, 48, 4);
  put(b.tx, 48, self, 2);
  put(b.tx, 50, 0, 1);  // whatever was granted
  ffa::Regs r = svc(ffa::Regs{{ffa::raw(ffa::Func::mem_retrieve_req_64), 80, 80}});
  Retrieved out{};
  if (r.fid() != ffa::raw(ffa::Func::mem_retrieve_resp)) {
    out.status = r.w(2);
    return out;
  }
  const uint32_t total = r.w(1);
  uint32_t received = r.w(2);
  const unsigned access = static_cast<unsigned>(get(b.rx, 32, 4));
  const unsigned composite = static_cast<unsigned>(get(b.rx, access + 4, 4));
  out.ok = true;
  out.status = r.fid();
  out.writable = (get(b.rx, access + 2, 1) & 3u) == 2u;
  out.total_pages = static_cast<uint32_t>(get(b.rx, composite, 4));
  read_constituents(b.rx, 0, received, composite + 16, out);
  svc(ffa::Regs{{ffa::raw(ffa::Func::rx_release)}});
  while (received < total) {
    r = svc(ffa::Regs{{ffa::raw(ffa::Func::mem_frag_rx), static_cast<uint32_t>(handle), handle >> 32, received}});
    if (r.fid() != ffa::raw(ffa::Func::mem_frag_tx) || r.w(3) == 0) {
      out.ok = false;
      out.status = r.w(2);
      return out;
    }
    read_constituents(b.rx, received, r.w(3), composite + 16, out);
    received += r.w(3);
    svc(ffa::Regs{{ffa::raw(ffa::Func::rx_release)}});
  }
  return out;
}

uint32_t relinquish(const Buffers& b, uint16_t self, uint64_t handle) {
  for (unsigned i = 0; i < 18; ++i) b.tx[i] = 0;
  put(b.tx, 0, handle, 8);
  put(b.tx, 12, 1, 4);
  put(b.tx, 16, self, 2);
  return svc(ffa::Regs{{ffa::raw(ffa::Func::mem_relinquish)}}).fid();
}

uint64_t lend(const Buffers& b, uint32_t func, uint16_t self, uint16_t receiver, uint8_t permissions,
              uint64_t address, uint32_t pages, uint32_t& error) {
  // v1.2 descriptor: header, one 32-byte access descriptor, the composite
  // region with one constituent.
  for (unsigned i = 0; i < 112; ++i) b.tx[i] = 0;
  put(b.tx, 0, self, 2);
  put(b.tx, 2, 0x2F, 2);  // normal memory, write-back, inner shareable
  put(b.tx, 24, 32, 4);
  put(b.tx, 28, 1, 4);
  put(b.tx, 32, 48, 4);
  put(b.tx, 48, receiver, 2);
  put(b.tx, 50, permissions, 1);
  put(b.tx, 52, 80, 4);
  put(b.tx, 80, pages, 4);
  put(b.tx, 84, 1, 4);
  put(b.tx, 96, address, 8);
  put(b.tx, 104, pages, 4);
  const ffa::Regs r = svc(ffa::Regs{{func, 112, 112}});
  if (!ffa::is_success(r)) {
    error = r.w(2);
    return 0;
  }
  error = 0;
  return uint64_t{r.w(2)} | uint64_t{r.w(3)} << 32;
}

}  // namespace sp
