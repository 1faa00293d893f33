#include "sp/memory.h"

#include "sp/ffa.h"
#include "sp/mailbox.h"

namespace sp {
namespace {

void put(volatile uint8_t* p, unsigned off, uint64_t v, unsigned n) {
  for (unsigned i = 0; i < n; ++i) p[off + i] = static_cast<uint8_t>(v >> (8 * i));
}

// Reads the constituents in one fragment: `fragment` holds the bytes
// [from, from + fragment.size()) of the whole response; the constituents
// start at `first_constituent`, 16 bytes each.
void read_constituents(lib::ByteView fragment, uint32_t from, uint64_t first_constituent, Retrieved& out) {
  uint64_t at = from > first_constituent ? from : first_constituent;
  for (; at + 16 <= from + uint64_t{fragment.size()}; at += 16) {
    const auto address = fragment.le64(static_cast<size_t>(at - from));
    const auto pages = fragment.le32(static_cast<size_t>(at - from + 8));
    if (!address || !pages) return;
    if (out.constituents == 0) {
      out.address = *address;
      out.pages = *pages;
    }
    out.last_address = *address;
    ++out.constituents;
  }
}

// A response that does not fit its buffer: nothing in it is used.
Retrieved malformed(const Buffers& b, Retrieved out) {
  (void)rx_release(*b.rx);
  out.ok = false;
  out.status = static_cast<uint32_t>(ffa::Error::invalid_parameters);
  return out;
}

}  // namespace

Retrieved retrieve(const Buffers& b, uint16_t self, uint64_t handle, uint16_t sender, uint16_t attributes) {
  // Retrieve request: 48-byte header, one 32-byte access descriptor naming
  // ourselves, no composite region.
  for (unsigned i = 0; i < 80; ++i) b.tx[i] = 0;
  put(b.tx, 0, sender, 2);
  put(b.tx, 2, attributes, 2);
  put(b.tx, 8, handle, 8);
  put(b.tx, 24, 32, 4);
  put(b.tx, 28, 1, 4);
  put(b.tx, 32, 48, 4);
  put(b.tx, 48, self, 2);
  put(b.tx, 50, 0, 1);  // whatever was granted
  // Flag bit 10: the request names us alone, not every borrower the lender
  // named (FF-A v1.2's "bypass multiple borrower identification check").
  put(b.tx, 4, 1u << 10, 4);
  ffa::Regs r = svc(ffa::Regs{{ffa::raw(ffa::Func::mem_retrieve_req_64), 80, 80}});
  Retrieved out{};
  if (r.fid() != ffa::raw(ffa::Func::mem_retrieve_resp)) {
    out.status = r.w(2);
    return out;
  }
  b.rx->took(RxBuffer::Holds::mem_retrieve);
  const uint32_t total = r.w(1);
  uint32_t received = r.w(2);
  // The first fragment (v1.1+ layout): the receivers' offset at 32; our
  // access descriptor there (permissions at +2, the composite's offset at
  // +4); the composite (total pages, then the constituents from +16).
  const auto first = b.rx->retrieve_fragment(received);
  if (!first || received > total) return malformed(b, out);
  const lib::ByteView f = *first;
  const auto access = f.le32(32);
  const auto permissions = access ? f.u8(size_t{*access} + 2) : std::nullopt;
  const auto composite = access ? f.le32(size_t{*access} + 4) : std::nullopt;
  const auto total_pages = composite ? f.le32(*composite) : std::nullopt;
  if (!permissions || !total_pages) return malformed(b, out);
  const uint64_t first_constituent = uint64_t{*composite} + 16;
  out.ok = true;
  out.status = r.fid();
  out.writable = (*permissions & 3u) == 2u;
  out.total_pages = *total_pages;
  read_constituents(f, 0, first_constituent, out);
  (void)rx_release(*b.rx);
  while (received < total) {
    r = svc(ffa::Regs{{ffa::raw(ffa::Func::mem_frag_rx), static_cast<uint32_t>(handle), handle >> 32, received}});
    if (r.fid() != ffa::raw(ffa::Func::mem_frag_tx)) {
      out.ok = false;
      out.status = r.w(2);
      return out;
    }
    b.rx->took(RxBuffer::Holds::mem_retrieve);
    // A later fragment is not empty, stays within the total and starts at
    // a constituent.
    const uint32_t length = r.w(3);
    const auto fragment = b.rx->retrieve_fragment(length);
    if (!fragment || length == 0 || length > total - received || received < first_constituent ||
        (received - first_constituent) % 16 != 0)
      return malformed(b, out);
    read_constituents(*fragment, received, first_constituent, out);
    received += length;
    (void)rx_release(*b.rx);
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
  // A share: normal memory, write-back, inner shareable. A lend or donation
  // to one borrower: "not specified", the borrower's to choose.
  const bool share = func == ffa::raw(ffa::Func::mem_share_32) || func == ffa::raw(ffa::Func::mem_share_64);
  put(b.tx, 2, share ? 0x2F : 0, 2);
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
