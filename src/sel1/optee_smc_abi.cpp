#include "sel1/optee_smc_abi.h"

#include "lib/mem.h"

#include "plat/qemu_virt/memory_map.h"
#include "sel1/optee_endpoint.h"  // the GP commands and results shared with the FF-A front end

namespace sel1 {

using namespace optee_smc;
using optee::MsgArg;
using optee::MsgParam;

namespace {
constexpr uint64_t kMaxArgBytes = optee::kMsgArgHeader + optee::kMsgMaxParams * optee::kMsgParamSize;
constexpr uint64_t kRpcArgBytes = optee::kMsgArgHeader + kRpcArgParams * optee::kMsgParamSize;
constexpr uint32_t kEntriesPerListPage = kPageSize / 8 - 1;  // the last word links the next list page

uint64_t pages_for(uint64_t in_page, uint64_t size) { return (in_page + size + kPageSize - 1) / kPageSize; }
}  // namespace

OpteeSmcAbi::OpteeSmcAbi(uint32_t build_id, NsMemory& memory, const ffa::MemRange* ns, unsigned ns_count)
    : build_id_(build_id), memory_(memory) {
  for (unsigned i = 0; i < ns_count && ns_count_ < kMaxNsRanges; ++i) {
    const ffa::MemRange& r = ns[i];
    if (r.size == 0 || r.base + r.size < r.base) continue;
    // Never secure RAM, whatever the configuration says.
    if (r.base < plat::kSecureRamBase + plat::kSecureRamSize && plat::kSecureRamBase < r.base + r.size) continue;
    ns_[ns_count_++] = r;
  }
}

bool OpteeSmcAbi::is_ns(uint64_t pa, uint64_t len) const {
  if (pa + len < pa) return false;
  for (unsigned i = 0; i < ns_count_; ++i) {
    const ffa::MemRange& r = ns_[i];
    if (pa >= r.base && pa - r.base < r.size && len <= r.size - (pa - r.base)) return true;
  }
  return false;
}

unsigned OpteeSmcAbi::rpc_buffer_count() const {
  unsigned n = 0;
  for (const RpcAlloc& b : rpc_bufs_) n += b.used;
  return n;
}

unsigned OpteeSmcAbi::registered_count() const {
  unsigned n = 0;
  for (const Shm& s : shm_) n += s.used;
  return n;
}

void OpteeSmcAbi::handle(const uint64_t in[8], uint64_t out[4]) {
  const uint64_t fid64 = in[0];
  const auto fid = static_cast<uint32_t>(fid64);
  out[0] = kUnknownFunction;
  out[1] = in[1];
  out[2] = in[2];
  out[3] = in[3];
  if (fid64 >> 32) return;  // an SMC32 ID has nothing above bit 31
  if (fid & (1u << 31)) {
    fast_call(fid, in, out);
    return;
  }
  switch (fid) {
    case kCallWithArg:
    case kCallWithRpcArg:
    case kCallWithRegdArg:
      call_with_arg(fid, in, out);
      return;
    case kReturnFromRpc:
      return_from_rpc(in, out);
      return;
    default:
      return;
  }
}

void OpteeSmcAbi::fast_call(uint32_t fid, const uint64_t*, uint64_t out[4]) {
  switch (fid) {
    case kCallsUid:
      for (unsigned i = 0; i < 4; ++i) out[i] = kApiUid[i];
      return;
    case kCallsRevision:
      out[0] = kApiMajor;
      out[1] = kApiMinor;
      return;
    case kGetOsUuid:
      for (unsigned i = 0; i < 4; ++i) out[i] = kOsUuid[i];
      return;
    case kGetOsRevision:
      out[0] = kOsVersionMajor;
      out[1] = kOsVersionMinor;
      out[2] = build_id_;
      return;
    case kExchangeCapabilities:
      // The normal world's capabilities (a1: uniprocessor or not) change
      // nothing here. a2 is max_notif_value (0 without async
      // notifications), data (a3) the RPC argument's parameter count.
      out[0] = kOk;
      out[1] = kOfferedCaps | (async_ ? optee_smc::kSecCapAsyncNotif : 0);
      out[2] = async_ ? kMaxNotifValue : 0;
      out[3] = kRpcArgParams;
      return;
    case kEnableAsyncNotif:
      // The driver has its interrupt handler in place. The first bottom
      // half is requested at once (optee/async_notif.h).
      if (!async_) {
        out[0] = kEnotavail;
        return;
      }
      out[0] = async_->enable(ffa::kNormalWorldId.raw(), 0) == 0 ? kOk : kEnotavail;
      return;
    case kGetAsyncNotifValue: {
      // From the driver's interrupt handler: a1 the value, a2 its flags;
      // a3 preserved. Only the bottom half (0) is ever posted.
      if (!async_ || !async_->enabled()) {
        out[0] = kEnotavail;
        return;
      }
      uint32_t value = 0;
      const bool valid = async_->take_value(value);
      out[0] = kOk;
      out[1] = valid ? value : 0;
      out[2] = valid ? kAsyncValueValid : 0;
      return;
    }
    case kDisableShmCache:
      // Nothing is cached: the cache is empty at once.
      out[0] = kEnotavail;
      return;
    case kEnableShmCache:
      out[0] = kOk;
      return;
    case kGetThreadCount:
      out[0] = kOk;
      out[1] = kMaxThreads;
      return;
    default:
      // GET_SHM_CONFIG (no reserved shared memory) and anything else:
      // unknown.
      return;
  }
}

OpteeSmcAbi::Shm* OpteeSmcAbi::find_shm(uint64_t cookie) {
  for (Shm& s : shm_)
    if (s.used && s.cookie == cookie) return &s;
  return nullptr;
}

bool OpteeSmcAbi::locate_in_shm(const Shm& s, uint64_t offs, uint64_t& pa, uint64_t& len) {
  if (offs >= s.size) return false;
  const uint64_t at = s.in_page + offs;  // bytes into the registration's first page
  uint64_t start = 0;
  for (unsigned r = 0; r < s.count; ++r) {
    const uint64_t run = uint64_t{s.ranges[r].pages} * kPageSize;
    if (at < start + run) {
      pa = s.ranges[r].address + (at - start);
      const uint64_t in_run = start + run - at, in_buffer = s.size - offs;
      len = in_run < in_buffer ? in_run : in_buffer;
      return true;
    }
    start += run;
  }
  return false;
}

bool OpteeSmcAbi::locate_arg(uint32_t fid, const uint64_t in[8], uint64_t& pa, uint64_t& len) {
  const uint64_t where = (in[1] & 0xFFFFFFFF) << 32 | (in[2] & 0xFFFFFFFF);
  if (fid != kCallWithRegdArg) {
    pa = where;
  } else {
    // A registered buffer's cookie and the argument's offset in it; the
    // argument must lie in one contiguous run of its pages.
    const Shm* s = find_shm(where);
    if (!s || !locate_in_shm(*s, in[3] & 0xFFFFFFFF, pa, len)) return false;
    if (len > kMaxArgBytes) len = kMaxArgBytes;
    return (pa & 7) == 0 && is_ns(pa, len);
  }
  if (pa & 7) return false;
  // As much of a full argument as the normal world's memory holds from pa.
  len = kMaxArgBytes;
  while (len > optee::kMsgArgHeader && !is_ns(pa, len)) len -= optee::kMsgParamSize;
  return is_ns(pa, len);
}

uint64_t OpteeSmcAbi::locate_rpc_arg(uint32_t fid, const uint64_t in[8], uint64_t pa, uint32_t num_params) {
  // Linux's smc_abi.c: the RPC argument right after the call's own
  // (OPTEE_MSG_GET_ARG_SIZE(num_params)), room for kRpcArgParams.
  const uint64_t after = optee::kMsgArgHeader + uint64_t{num_params} * optee::kMsgParamSize;
  if (fid == kCallWithRpcArg) {
    const uint64_t rpc = pa + after;
    return rpc > pa && is_ns(rpc, kRpcArgBytes) ? rpc : 0;
  }
  if (fid != kCallWithRegdArg) return 0;  // CALL_WITH_ARG: no room was given
  const Shm* s = find_shm((in[1] & 0xFFFFFFFF) << 32 | (in[2] & 0xFFFFFFFF));
  uint64_t rpc = 0, len = 0;
  if (!s || !locate_in_shm(*s, (in[3] & 0xFFFFFFFF) + after, rpc, len) || len < kRpcArgBytes) return 0;
  return is_ns(rpc, kRpcArgBytes) ? rpc : 0;
}

void OpteeSmcAbi::call_with_arg(uint32_t fid, const uint64_t in[8], uint64_t out[4]) {
  uint64_t pa = 0, len = 0;
  if (!locate_arg(fid, in, pa, len)) {
    out[0] = kEbadaddr;
    return;
  }
  // One copy, read once: the normal world may rewrite its memory meanwhile.
  // The header first, then only the parameters it announces (a call with
  // one parameter copies 64 bytes, not 224); an announced count above 6
  // is left to read_msg_arg to refuse.
  uint8_t copy[kMaxArgBytes];
  const lib::MutableByteView src = memory_.bytes(pa, len);
  const uint64_t header = len < optee::kMsgArgHeader ? len : optee::kMsgArgHeader;
  memcpy(copy, src.data(), header);
  if (len > header) {
    const uint32_t n = lib::ByteView(copy, header).le32(28).value_or(0);
    const uint64_t want = n <= optee::kMsgMaxParams ? header + uint64_t{n} * optee::kMsgParamSize : len;
    if (want < len) len = want;
    memcpy(copy + header, src.data() + header, len - header);
  }
  auto arg = optee::read_msg_arg(lib::ByteView(copy, len), 0);
  if (!arg) {
    out[0] = kEbadaddr;  // its parameters do not fit, or more than 6
    return;
  }
  MsgArg a = *arg;
  a.ret_origin = kTeeOriginTee;
  switch (a.cmd) {
    case kCmdRegisterShm:
    case kCmdUnregisterShm:
    case optee_cmd::cancel: {
      // Quick and not preemptible: done here, without a thread.
      if (a.cmd == kCmdRegisterShm) register_shm(a);
      else if (a.cmd == kCmdUnregisterShm) unregister_shm(a);
      else {
        if (tas_) tas_->cancel(optee::CallId{ffa::kNormalWorldId, a.session, a.cancel_id});
        a.ret = 0;  // GP: a cancellation is a request, answered at once
      }
      optee::write_msg_answer(memory_.bytes(pa, len), 0, *arg, a);
      out[0] = kOk;
      return;
    }
    case optee_cmd::stop_async_notif:
      // Linux's driver going away: quick, no thread.
      a.ret = optee::async_notif_command(async_, false, a.num_params, ffa::kNormalWorldId.raw());
      optee::write_msg_answer(memory_.bytes(pa, len), 0, *arg, a);
      out[0] = kOk;
      return;
    case optee_cmd::open_session:
    case optee_cmd::invoke_command:
    case optee_cmd::close_session:
    case optee_cmd::do_bottom_half:  // the drivers' bottom halves may be long: in a thread
      break;
    default:
      out[0] = kEbadcmd;
      return;
  }
  unsigned t = 0;
  if (threads_) {
    t = threads_->free_thread();
    if (t >= kMaxThreads) {
      out[0] = kEthreadLimit;  // a1-a3 preserved; Linux waits for a call to end and retries
      return;
    }
  }
  Call& c = calls_[t];
  c.self = this;
  c.arg_pa = pa;
  c.arg_len = len;
  c.request = *arg;
  c.answer = a;
  for (uint64_t& k : c.cookies) k = 0;
  c.arg_cookie = fid == kCallWithRegdArg ? ((in[1] & 0xFFFFFFFF) << 32 | (in[2] & 0xFFFFFFFF)) : 0;
  c.rpc_pa = locate_rpc_arg(fid, in, pa, arg->num_params);
  // The references are resolved here, before the thread runs: nothing a
  // later call changes (an unregistration) can be half-read by a thread
  // an interrupt stopped.
  const unsigned first = a.cmd == optee_cmd::open_session ? 2 : 0;
  if (a.cmd != optee_cmd::close_session && a.cmd != optee_cmd::do_bottom_half) {
    if (uint32_t r = resolve_params(a, first, c)) {
      c.answer.ret = r;
      c.answer.session = a.cmd == optee_cmd::open_session ? 0 : a.session;
      finish(c);
      out[0] = kOk;
      return;
    }
  }
  if (!threads_) {  // hosts without threads (some tests): at once
    run_command(c);
    finish(c);
    out[0] = kOk;
    return;
  }
  answer(t, threads_->run(t, call_work, &c), out);
}

void OpteeSmcAbi::return_from_rpc(const uint64_t in[8], uint64_t out[4]) {
  const uint64_t t = in[3] & 0xFFFFFFFF;
  if (!threads_ || t >= kMaxThreads || !threads_->suspended(static_cast<unsigned>(t))) {
    out[0] = kEresume;  // the resume information is not a suspended thread of ours
    return;
  }
  answer(static_cast<unsigned>(t), threads_->resume(static_cast<unsigned>(t)), out);
}

void OpteeSmcAbi::answer(unsigned t, bool done, uint64_t out[4]) {
  if (!done) {
    // Stopped for an RPC (its request is in the RPC argument) or by an
    // interrupt; either way CALL_RETURN_FROM_RPC with a3 = t continues it.
    out[0] = threads_->waiting_rpc(t) ? kRpcCmd : kRpcForeignIntr;
    out[1] = 0;
    out[2] = 0;
    out[3] = t;  // the resume information
    return;
  }
  finish(calls_[t]);
  out[0] = kOk;
}

void OpteeSmcAbi::finish(Call& c) {
  // RPC memory the call did not give back: no longer ours to reach (the
  // normal world frees it with the call's context).
  const auto t = static_cast<unsigned>(&c - calls_);
  for (RpcAlloc& b : rpc_bufs_)
    if (b.used && b.thread == t) release_rpc_buffer(b);
  // Checked when the call came; the normal world's DRAM does not move.
  if (is_ns(c.arg_pa, c.arg_len))
    optee::write_msg_answer(memory_.bytes(c.arg_pa, c.arg_len), 0, c.request, c.answer);
}

void OpteeSmcAbi::call_work(void* call) {
  Call& c = *static_cast<Call*>(call);
  c.self->run_command(c);
}

void OpteeSmcAbi::run_command(Call& c) {
  MsgArg& a = c.answer;
  const optee::Client caller{ffa::kNormalWorldId, 0, {}};
  if (a.cmd == optee_cmd::do_bottom_half) {
    a.ret = optee::async_notif_command(async_, true, a.num_params, ffa::kNormalWorldId.raw());
    return;
  }
  if (!tas_) {
    a.ret = a.cmd == optee_cmd::open_session ? kTeeErrorItemNotFound : kTeeErrorBadParameters;
    a.session = a.cmd == optee_cmd::open_session ? 0 : a.session;
    return;
  }
  switch (a.cmd) {
    case optee_cmd::open_session: {
      optee::TaUuid ta;
      optee::Client client{ffa::kNormalWorldId, static_cast<uint32_t>(a.params[1].c), {}};
      for (unsigned i = 0; i < 8; ++i) {
        ta.bytes[i] = static_cast<uint8_t>(a.params[0].a >> (8 * i));
        ta.bytes[8 + i] = static_cast<uint8_t>(a.params[0].b >> (8 * i));
        client.uuid[i] = static_cast<uint8_t>(a.params[1].a >> (8 * i));
        client.uuid[8 + i] = static_cast<uint8_t>(a.params[1].b >> (8 * i));
      }
      a.session = 0;
      a.ret = tas_->open_session(client, ta, c.params, a.cancel_id, a.session, a.ret_origin);
      optee::put_client_outputs(a, 2, c.params.params);
      break;
    }
    case optee_cmd::invoke_command:
      a.ret = tas_->invoke(caller, a.session, a.func, c.params, a.cancel_id, a.ret_origin);
      optee::put_client_outputs(a, 0, c.params.params);
      break;
    case optee_cmd::close_session:
      a.ret = tas_->close_session(caller, a.session, a.ret_origin);
      break;
    default:
      break;
  }
}

uint32_t OpteeSmcAbi::resolve_params(const MsgArg& a, unsigned first, Call& c) {
  c.params = optee::CallParams{};
  if (first == 2) {
    // OPEN_SESSION: the TA's UUID and the client's identity first, as meta
    // values.
    if (a.num_params < 2) return kTeeErrorBadParameters;
    for (unsigned p = 0; p < 2; ++p)
      if (a.params[p].attr != (optee::msg_attr::meta | optee::msg_attr::value_input)) return kTeeErrorBadParameters;
  }
  if (a.num_params < first || a.num_params - first > 4) return kTeeErrorBadParameters;
  for (unsigned i = first; i < a.num_params; ++i) {
    const MsgParam& m = a.params[i];
    optee::ClientParam& p = c.params.params.p[i - first];
    const uint64_t type = m.attr & optee::msg_attr::type_mask;
    switch (type) {
      case optee::msg_attr::none:
        if (m.attr != type) return kTeeErrorBadParameters;
        break;
      case optee::msg_attr::value_input:
      case optee::msg_attr::value_output:
      case optee::msg_attr::value_inout:
        if (m.attr != type) return kTeeErrorBadParameters;  // no meta bit among the client's
        p.type = static_cast<uint8_t>(type);
        p.a = static_cast<uint32_t>(m.a);
        p.b = static_cast<uint32_t>(m.b);
        break;
      default:
        if (uint32_t r = resolve_memref(m, i - first, c)) return r;
        break;
    }
  }
  return 0;
}

uint32_t OpteeSmcAbi::resolve_memref(const MsgParam& m, unsigned i, Call& c) {
  optee::ClientParam& p = c.params.params.p[i];
  optee::MemrefPages& pages = c.params.pages[i];
  pages.count = 0;
  pages.ns = true;
  const uint64_t type = m.attr & optee::msg_attr::type_mask;
  const bool tmem = type >= kAttrTmemInput && type <= kAttrTmemInout;
  const bool rmem = type >= optee::msg_attr::fmem_input && type <= optee::msg_attr::fmem_inout;
  if (!tmem && !rmem) return kTeeErrorBadParameters;
  // TMEM may carry NONCONTIG and a cache setting; RMEM nothing.
  const uint64_t extra = m.attr & ~optee::msg_attr::type_mask;
  if (rmem ? extra != 0 : (extra & ~(kAttrNoncontig | kAttrCacheMask)) != 0) return kTeeErrorBadParameters;
  p.type = static_cast<uint8_t>(tmem ? type - 4 : type);  // GP's MEMREF_INPUT/OUTPUT/INOUT: 5, 6, 7
  p.size = m.b;
  pages.writable = p.type != optee::msg_attr::fmem_input;
  if (rmem) {
    Shm* s = find_shm(m.c);
    if (!s) return kTeeErrorBadParameters;
    const uint64_t offs = m.a;
    if (offs > s->size || p.size > s->size - offs) return kTeeErrorBadParameters;  // outside the buffer
    p.handle = m.c;
    p.offset = offs;
    c.cookies[i] = m.c;
    return optee::memref_pages(s->ranges, s->count, s->in_page + offs, p.size, pages) ? 0 : kTeeErrorBadParameters;
  }
  const uint64_t buf = m.a;
  if (buf == 0) {  // a null memory reference (OPTEE_SMC_SEC_CAP_MEMREF_NULL): a size only
    if (m.attr & kAttrNoncontig) return kTeeErrorBadParameters;
    p.handle = optee::kFmemInvalidGlobalId;
    return 0;
  }
  p.handle = 0;
  const uint64_t in_page = buf & (kPageSize - 1);
  if (p.size > kMaxListPages * kPageSize) return kTeeErrorBadParameters;
  const uint64_t n = pages_for(in_page, p.size);
  if (m.attr & kAttrNoncontig) {
    // The page list's runs land in `pages` and are trimmed there.
    unsigned count = 0;
    if (n == 0 || !read_page_list(buf & ~(kPageSize - 1), n, pages.ranges, optee::MemrefPages::kMaxRanges, count))
      return kTeeErrorBadParameters;
    p.offset = in_page;
    return optee::memref_pages(pages.ranges, count, in_page, p.size, pages) ? 0 : kTeeErrorBadParameters;
  }
  // Physically contiguous: every byte the normal world's.
  if (!is_ns(buf, p.size == 0 ? 1 : p.size)) return kTeeErrorBadParameters;
  p.offset = in_page;
  const ffa::MemConstituent run{buf - in_page, static_cast<uint32_t>(n == 0 ? 1 : n)};
  return optee::memref_pages(&run, 1, in_page, p.size, pages) ? 0 : kTeeErrorBadParameters;
}

bool OpteeSmcAbi::read_page_list(uint64_t list_pa, uint64_t pages, ffa::MemConstituent* out, unsigned max,
                                 unsigned& count) {
  count = 0;
  if (pages == 0 || pages > kMaxListPages) return false;
  uint64_t list = list_pa;
  uint32_t at = 0;  // entries read from this list page
  for (uint64_t n = 0; n < pages; ++n) {
    if (at == kEntriesPerListPage) {
      // The last word of a full list page links the next one.
      const uint64_t next = *memory_.bytes(list, kPageSize).view().le64(kEntriesPerListPage * 8);
      list = next;
      at = 0;
    }
    if ((list & (kPageSize - 1)) != 0 || !is_ns(list, kPageSize)) return false;
    const uint64_t page = *memory_.bytes(list, kPageSize).view().le64(at * 8);
    ++at;
    if ((page & (kPageSize - 1)) != 0 || !is_ns(page, kPageSize)) return false;
    if (count > 0 && out[count - 1].pages < 0xFFFFFFFFu &&
        out[count - 1].address + uint64_t{out[count - 1].pages} * kPageSize == page) {
      ++out[count - 1].pages;
      continue;
    }
    if (count == max) return false;
    out[count++] = ffa::MemConstituent{page, 1};
  }
  return true;
}

void OpteeSmcAbi::register_shm(MsgArg& a) {
  a.ret = kTeeErrorBadParameters;
  if (a.num_params != 1) return;
  const MsgParam& m = a.params[0];
  const uint64_t type = m.attr & optee::msg_attr::type_mask;
  if (type < kAttrTmemInput || type > kAttrTmemInout || !(m.attr & kAttrNoncontig) ||
      (m.attr & ~(optee::msg_attr::type_mask | kAttrNoncontig | kAttrCacheMask)))
    return;
  const uint64_t cookie = m.c, size = m.b, in_page = m.a & (kPageSize - 1);
  // Cookie 0 means "none" in the calls' records (an argument's, a
  // reference's): a buffer registered under it would escape their in-use
  // checks.
  if (cookie == 0 || size == 0 || size > kMaxListPages * kPageSize || find_shm(cookie)) return;
  Shm* slot = nullptr;
  for (Shm& s : shm_)
    if (!s.used && !slot) slot = &s;
  if (!slot) {
    a.ret = kTeeErrorOutOfMemory;
    return;
  }
  unsigned count = 0;
  if (!read_page_list(m.a - in_page, pages_for(in_page, size), slot->ranges, kMaxShmRanges, count)) return;
  slot->used = true;
  slot->cookie = cookie;
  slot->in_page = static_cast<uint32_t>(in_page);
  slot->size = size;
  slot->count = count;
  a.ret = 0;
}

void OpteeSmcAbi::unregister_shm(MsgArg& a) {
  a.ret = kTeeErrorBadParameters;
  if (a.num_params != 1 || a.params[0].attr != optee::msg_attr::fmem_input) return;  // RMEM_INPUT
  Shm* s = find_shm(a.params[0].c);
  if (!s) return;
  // A call an interrupt suspended still uses its pages.
  for (unsigned t = 0; threads_ && t < kMaxThreads; ++t) {
    if (!threads_->suspended(t)) continue;
    for (uint64_t k : calls_[t].cookies)
      if (k == s->cookie) {
        a.ret = kTeeErrorBusy;
        return;
      }
    if (calls_[t].arg_cookie == s->cookie) {  // its argument, and its RPC argument, live there
      a.ret = kTeeErrorBusy;
      return;
    }
  }
  s->used = false;
  a.ret = 0;
}

// RPC (optee::RpcService).

bool OpteeSmcAbi::rpc(optee::RpcMsg& msg) {
  if (!threads_ || msg.num_params > optee::kRpcMaxParams) return false;
  const unsigned t = threads_->current();
  if (t >= kMaxThreads) return false;
  Call& c = calls_[t];
  if (c.rpc_pa == 0 || !is_ns(c.rpc_pa, kRpcArgBytes)) return false;  // no room was given for it
  lib::MutableByteView mem = memory_.bytes(c.rpc_pa, kRpcArgBytes);
  if (!optee::put_rpc_request(mem, 0, msg)) return false;
  threads_->yield_for_rpc();
  // Resumed: the answer, copied once (the normal world may rewrite it
  // meanwhile).
  optee::take_rpc_answer(memory_.bytes(c.rpc_pa, kRpcArgBytes).view(), 0, msg);
  return true;
}

bool OpteeSmcAbi::rpc_alloc(uint64_t size, optee::RpcBuffer& out) {
  const unsigned t = threads_ ? threads_->current() : ThreadService::kNone;
  if (t >= kMaxThreads || size == 0 || size > kMaxListPages * kPageSize) return false;
  RpcAlloc* slot = nullptr;
  for (RpcAlloc& b : rpc_bufs_)
    if (!b.used && !slot) slot = &b;
  if (!slot) return false;
  // Claimed before the RPC: another thread's rpc_alloc, while this one
  // waits for the normal world, must pick another slot. Nothing mapped yet.
  slot->used = true;
  slot->thread = t;
  slot->shm_ref = 0;
  slot->va = nullptr;
  slot->count = 0;
  const auto give_up = [&] {
    slot->used = false;
    return false;
  };
  optee::RpcMsg m;
  m.cmd = optee::rpc_cmd::shm_alloc;
  m.num_params = 1;
  m.params[0] = MsgParam{optee::msg_attr::value_input, optee::rpc_cmd::shm_type_appl, size, 0};
  if (!rpc(m) || m.ret != 0) return give_up();
  const MsgParam& p = m.params[0];
  const uint64_t shm_ref = p.c;
  // Linux's answer: TMEM_OUTPUT, contiguous or a page list; shm_ref its
  // own. Memory that is not all the normal world's DRAM, or smaller than
  // asked, is not taken (and given back).
  bool good = (p.attr & optee::msg_attr::type_mask) == kAttrTmemOutput &&
              (p.attr & ~(optee::msg_attr::type_mask | kAttrNoncontig | kAttrCacheMask)) == 0 && shm_ref != 0 &&
              p.b >= size && p.a != 0;
  const uint64_t in_page = p.a & (kPageSize - 1);
  unsigned count = 0;
  if (good && (p.attr & kAttrNoncontig)) {
    good = read_page_list(p.a - in_page, pages_for(in_page, size), slot->runs, kMaxShmRanges, count);
  } else if (good) {
    good = is_ns(p.a, size);
    if (good) {
      slot->runs[0] = ffa::MemConstituent{p.a - in_page, static_cast<uint32_t>(pages_for(in_page, size))};
      count = 1;
      good = is_ns(slot->runs[0].address, uint64_t{slot->runs[0].pages} * kPageSize);
    }
  }
  uint8_t* va = good ? memory_.map_runs(slot->runs, count) : nullptr;
  if (!va) {
    if (shm_ref != 0 && (p.attr & optee::msg_attr::type_mask) == kAttrTmemOutput) {
      // Linux allocated it: give it back under its own name.
      optee::RpcMsg f;
      f.cmd = optee::rpc_cmd::shm_free;
      f.num_params = 1;
      f.params[0] = MsgParam{optee::msg_attr::value_input, optee::rpc_cmd::shm_type_appl, shm_ref, 0};
      (void)rpc(f);
    }
    return give_up();
  }
  slot->shm_ref = shm_ref;
  slot->va = va;
  slot->count = count;
  out = optee::RpcBuffer{};
  out.handle = shm_ref;
  out.kind = optee::RpcBuffer::Kind::smc_rmem;
  out.bytes = lib::MutableByteView(va + in_page, size);
  return true;
}

void OpteeSmcAbi::release_rpc_buffer(RpcAlloc& b) {
  memory_.unmap_runs(b.runs, b.count, b.va);
  b.used = false;
}

void OpteeSmcAbi::rpc_free(const optee::RpcBuffer& buffer) {
  const unsigned t = threads_ ? threads_->current() : ThreadService::kNone;
  bool found = false;
  for (RpcAlloc& b : rpc_bufs_) {
    if (!b.used || b.shm_ref != buffer.handle || b.thread != t) continue;
    release_rpc_buffer(b);  // ours no longer before the normal world frees it
    found = true;
    break;
  }
  if (!found) return;  // only ever a shm_ref Linux gave us
  optee::RpcMsg m;
  m.cmd = optee::rpc_cmd::shm_free;
  m.num_params = 1;
  m.params[0] = MsgParam{optee::msg_attr::value_input, optee::rpc_cmd::shm_type_appl, buffer.handle, 0};
  (void)rpc(m);
}

}  // namespace sel1
