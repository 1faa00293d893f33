#include "sel1/ffa_memory_client.h"

#include "lib/log.h"
#include "lib/mem.h"

namespace sel1 {

using ffa::Error;
using ffa::Func;

namespace {

constexpr uint64_t kPage = 4096;
// Retrieve request flags (FF-A v1.2 Table 10.26): [4:3] the transaction
// type the receiver expects, 1 = share.
constexpr uint32_t kRetrieveTypeShare = 1u << 3;
// The v1.1 header is 48 bytes; an access descriptor 16 bytes (v1.1) or 32
// (v1.2, which adds the implementation-defined words).
constexpr uint32_t kHeader = 48;

Error error_or(const ffa::Regs& r, Error otherwise) { return ffa::is_error(r) ? ffa::error_of(r) : otherwise; }

}  // namespace

FfaMemoryClient::Held* FfaMemoryClient::find(uint64_t handle) {
  for (Held& h : held_)
    if (h.used && h.handle == handle) return &h;
  return nullptr;
}

FfaMemoryClient::Held* FfaMemoryClient::free_slot() {
  for (Held& h : held_)
    if (!h.used) return &h;
  return nullptr;
}

unsigned FfaMemoryClient::held() const {
  unsigned n = 0;
  for (const Held& h : held_) n += h.used ? 1 : 0;
  return n;
}

bool FfaMemoryClient::take_rx(uint32_t at, uint32_t len) {
  const bool fits = len <= rx_.size() && at <= kMaxDescriptor && len <= kMaxDescriptor - at;
  if (fits) memcpy(desc_ + at, rx_.data(), len);
  (void)release_rx();
  return fits;
}

bool FfaMemoryClient::release_rx() {
  (void)call(ffa::Regs{{ffa::raw(Func::rx_release)}});
  return false;
}

ffa::Status FfaMemoryClient::retrieve(ffa::EndpointId me, ffa::EndpointId lender, uint64_t handle, Held& h) {
  // The request: the header and our one access descriptor, no ranges
  // (FF-A v1.2 Table 10.25). Permissions 0: what the lender granted.
  const uint32_t access = version_ >= ffa::kVersion1_2 ? 32 : 16;
  const uint32_t length = kHeader + access;
  if (tx_.size() < length) return Error::no_memory;
  memset(tx_.data(), 0, length);
  bool ok = tx_.put_le16(0, lender.raw()) && tx_.put_le32(4, kRetrieveTypeShare) && tx_.put_le64(8, handle) &&
            tx_.put_le32(24, access) && tx_.put_le32(28, 1) && tx_.put_le32(32, kHeader) &&
            tx_.put_le16(kHeader, me.raw());
  if (!ok) return Error::no_memory;
  ffa::Regs r = call(ffa::Regs{{ffa::raw(Func::mem_retrieve_req_32), length, length}});
  if (r.fid() != ffa::raw(Func::mem_retrieve_resp)) return error_or(r, Error::invalid_parameters);
  // We hold it now: from here on every failure gives it back.
  const uint32_t total = r.w(1);
  uint32_t have = r.w(2);
  // Every fragment delivered is released, read or not.
  bool readable = have != 0 && have <= total ? take_rx(0, have) : release_rx();
  while (readable && have < total) {
    r = call(ffa::Regs{{ffa::raw(Func::mem_frag_rx), static_cast<uint32_t>(handle), static_cast<uint32_t>(handle >> 32),
                        have}});
    if (r.fid() != ffa::raw(Func::mem_frag_tx)) {
      readable = false;
      break;
    }
    const uint32_t got = r.w(3);
    readable = got != 0 && got <= total - have ? take_rx(have, got) : release_rx();
    have += got;
  }
  auto t = readable ? ffa::parse_mem_transaction(lib::ByteView(desc_, total), version_)
                    : ffa::Result<ffa::MemTransaction>(Error::no_memory);
  // Only normal-world memory, lent by whom we named, given to us alone.
  const bool usable = t && t->handle == handle && t->sender == lender && t->receiver_count == 1 &&
                      t->receivers[0].endpoint == me && (t->attributes & ffa::mem_attr::ns) != 0 &&
                      t->constituent_count != 0;
  if (!usable) {
    give_back(me, handle);
    return t ? Error::denied : t.error();
  }
  h = Held{};
  h.used = true;
  h.handle = handle;
  h.lender = lender;
  h.writable = (t->receivers[0].permissions & ffa::mem_perm::data_mask) == ffa::mem_perm::data_rw;
  h.total = t->constituent_count;
  const lib::ByteView desc(desc_, total);
  for (uint32_t i = 0; i < h.total; ++i) {
    const ffa::MemConstituent c = ffa::mem_constituent(desc, *t, i);
    if (i < kMaxRanges) h.ranges[i] = c;
    h.bytes += uint64_t{c.pages} * kPage;
  }
  return {};
}

void FfaMemoryClient::give_back(ffa::EndpointId me, uint64_t handle) {
  // Retrieved, but not ours to keep. Refused, the lender could never
  // reclaim it: said, since nothing here can mend it.
  if (auto s = relinquish(me, handle); !s) {
    static constinit lib::log::RateLimit limit;
    lib::log::warn_limited(limit, "FFA_MEM_RELINQUISH of handle {:x} refused ({}): its lender cannot reclaim it",
                           handle, ffa::to_string(s.error()));
  }
}

ffa::Status FfaMemoryClient::relinquish(ffa::EndpointId me, uint64_t handle) {
  // The relinquish descriptor: handle, flags 0, one endpoint (ourselves).
  if (tx_.size() < 18) return Error::no_memory;
  memset(tx_.data(), 0, 18);
  if (!tx_.put_le64(0, handle) || !tx_.put_le32(12, 1) || !tx_.put_le16(16, me.raw())) return Error::no_memory;
  const ffa::Regs r = call(ffa::Regs{{ffa::raw(Func::mem_relinquish)}});
  if (!ffa::is_success(r)) return error_or(r, Error::invalid_parameters);
  return {};
}

ffa::Result<spmc::LocalShare> FfaMemoryClient::local_retrieve(ffa::EndpointId me, ffa::EndpointId lender,
                                                              uint64_t handle) {
  if (find(handle)) return Error::denied;  // held already, as a buffer or as ranges
  Held* h = free_slot();
  if (!h) return Error::no_memory;
  if (auto s = retrieve(me, lender, handle, *h); !s) return s.error();
  // One buffer needs all its ranges.
  auto va = h->total <= kMaxRanges ? mapper_.map(h->ranges, h->total) : ffa::Result<uint8_t*>(Error::no_memory);
  if (!va) {
    give_back(me, handle);
    h->used = false;
    return va.error();
  }
  h->mapped = true;
  h->va = *va;
  return spmc::LocalShare{lib::MutableByteView(*va, h->bytes), h->writable};
}

ffa::Result<unsigned> FfaMemoryClient::local_ranges(ffa::EndpointId me, ffa::EndpointId lender, uint64_t handle,
                                                    ffa::MemConstituent* out, unsigned max, bool& writable) {
  Held* h = find(handle);
  if (h && h->mapped) return Error::denied;  // held as one buffer: not also as ranges
  if (h && !(h->lender == lender)) return Error::invalid_parameters;
  if (!h) {
    h = free_slot();
    if (!h) return Error::no_memory;
    if (auto s = retrieve(me, lender, handle, *h); !s) return s.error();
  }
  writable = h->writable;
  for (unsigned i = 0; i < h->total && i < max && i < kMaxRanges; ++i) out[i] = h->ranges[i];
  return h->total;
}

ffa::Status FfaMemoryClient::local_relinquish(ffa::EndpointId me, uint64_t handle) {
  Held* h = find(handle);
  if (!h) return Error::invalid_parameters;
  if (h->mapped) mapper_.unmap(h->ranges, h->total, h->va);
  h->used = false;
  return relinquish(me, handle);
}

bool FfaMemoryClient::shared_with(ffa::EndpointId me, uint64_t handle, ffa::EndpointId lender) {
  if (const Held* h = find(handle)) return h->lender == lender;
  // Not held: ask the SPMC, which alone knows the transaction, by
  // retrieving it and giving it straight back.
  if (!retrieve(me, lender, handle, probe_)) return false;
  return relinquish(me, handle).ok();
}

}  // namespace sel1
