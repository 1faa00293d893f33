// Fuzz target: the trusted OS's OP-TEE FF-A messages (src/sel1/optee_*.cpp,
// the code the firmware runs) and their struct optee_msg_arg in shared
// memory, through the SPMC core as the firmware wires them: the normal
// world and two partitions send direct requests to the trusted OS; the
// normal world shares and lends buffers (one or two ranges, read-only or
// read-write, to the trusted OS, sometimes with a partition as a second
// borrower, or to a partition alone), writes arguments into them
// (well-formed or raw), unregisters and reclaims them, or shares a page and
// calls with it at once as Linux does (which fills the trusted OS's table of
// registered buffers); partitions retrieve and relinquish what they
// borrowed; now and then the SPMC fails to map a buffer. Up to 64 steps per
// input. Checked after every OP-TEE call:
//  - the answer is a direct response of the request's width, w2 = 0, and
//    w3-w7 are one of the answers this message defines (for a yielding call
//    with an argument: exactly the status, and the optee_msg_arg ret, that
//    a model of the checks predicts);
//  - the call wrote no normal-world memory, except a successful yielding
//    call, which wrote only session, ret and ret_origin of the argument it
//    named, inside the buffer it named;
//  - a handle the sender did not lend is never used: it is refused as if it
//    did not exist, and the trusted OS neither retrieves nor gives it back;
//  - what the trusted OS holds is what its lenders registered and did not
//    unregister, and exactly those pages are mapped (besides RX/TX).
// ASan and UBSan catch any out-of-bounds access on the way.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <set>
#include <vector>

#include "arch/fake/fake_placement.h"
#include "arch/fake/fake_threads.h"
#include "fuzz_check.h"
#include "fuzz_input.h"
#include "lib/lcg.h"
#include "sel1/async_signals.h"
#include "sel1/optee_endpoint.h"
#include "spmc/core.h"

namespace {

using ffa::EndpointId;
using ffa::Func;
using ffa::Regs;
namespace msg = sel1::optee_msg;

// Normal-world memory: TX, RX, then a pool of 14 pages to share.
constexpr uint64_t kNs = 0x40000000, kNsSize = 0x10000, kTx = kNs, kRx = kNs + 0x1000, kPool = kNs + 0x2000;
constexpr unsigned kPoolPages = 14, kSps = 2;
constexpr uint16_t kTos = 0x8100;
constexpr uint32_t kBuildId = 0x5EED;
uint16_t sp_id(unsigned i) { return static_cast<uint16_t>(0x8001 + i); }

void put(uint8_t* b, size_t off, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
}
uint64_t get(const uint8_t* b, size_t off, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= uint64_t{b[off + i]} << (8 * i);
  return v;
}

// Threads whose work an "interrupt" stops when the input says so.
class FuzzThreads final : public fake::FakeThreads<4> {
 public:
  FuzzThreads() { misuse = [](const char*) { FUZZ_CHECK(false); }; }
};

// A transaction the normal world made, as the harness knows it.
struct Lent {
  uint64_t base;   // first range
  uint32_t pages;  // of the first range
  bool one_range;
  bool to_tos;    // the trusted OS is a receiver
  bool writable;  // to the trusted OS
  bool live = true;
};

struct World {
  fake::FakePlacement placement{kNs, kNsSize};
  spmc::Core core{placement, spmc::CoreConfig{EndpointId(0x8000), ffa::kVersion1_2}};
  sel1::OpteeEndpoint optee{kBuildId};
  sel1::FfaAsyncSignal async_signal{core, EndpointId(kTos)};
  optee::AsyncNotif async{async_signal};
  FuzzThreads threads;
  uint8_t sp_tx[kSps][4096] = {}, sp_rx[kSps][4096] = {};
  std::map<uint64_t, Lent> lent;          // every handle the normal world was given
  std::set<uint64_t> held;                // handles the trusted OS holds (registered by their lender)
  std::vector<uint64_t> handles;          // in the order given
  uint64_t suspended_result[FuzzThreads::kThreads] = {};  // what a suspended spin will answer

  Regs nwd(const Regs& in) {
    Regs out{};
    (void)core.handle_nwd_call(in, out);
    return out;
  }
  Regs sp(unsigned i, const Regs& in) {
    Regs out{};
    (void)core.handle_sp_call(i, in, out);
    return out;
  }
  bool tos_holds(uint64_t h) {
    const spmc::MemShare* s = core.share(h);
    if (!s) return false;
    for (unsigned r = 0; r < s->receiver_count; ++r)
      if (s->receivers[r].raw() == kTos) return s->retrieved(r);
    return false;
  }
};

uint64_t pick_handle(World& w, FuzzInput& in) {
  if (w.handles.empty() || in.byte() % 8 == 0) return in.byte() | uint64_t{in.byte()} << 8 | uint64_t{in.byte()} << 40;
  return w.handles[in.byte() % w.handles.size()];
}

// FFA_MEM_SHARE or _LEND from the normal world to the trusted OS (and
// sometimes a partition too), of one or two ranges from the pool.
void share(World& w, FuzzInput& in) {
  uint8_t* tx = w.placement.ns_memory(kTx);
  std::memset(tx, 0, 160);
  const bool lend = in.byte() % 4 == 0;
  const uint8_t receivers_kind = in.byte() % 8;  // 0: a partition and the trusted OS; 1: the partition alone
  const bool two_receivers = receivers_kind == 0;
  const bool to_tos = receivers_kind != 1;
  const bool two_ranges = in.byte() % 4 == 0;
  const uint8_t perm = in.byte() % 3 == 0 ? (1 | 4) : (2 | 4);  // RO or RW, never executable
  const unsigned nrecv = two_receivers ? 2 : 1, nrange = two_ranges ? 2 : 1;
  const uint32_t composite = 48 + 32 * nrecv;
  const uint32_t length = composite + 16 + 16 * nrange;
  put(tx, 2, 0x2F, 2);
  put(tx, 24, 32, 4);
  put(tx, 28, nrecv, 4);
  put(tx, 32, 48, 4);
  const uint16_t sp = sp_id(in.byte() % kSps);
  const uint16_t receivers[2] = {to_tos ? kTos : sp, sp};
  const bool tos_first = in.byte() % 2;
  for (unsigned r = 0; r < nrecv; ++r) {
    put(tx, 48 + 32 * r, receivers[tos_first ? r : nrecv - 1 - r], 2);
    put(tx, 50 + 32 * r, perm, 1);
    put(tx, 52 + 32 * r, composite, 4);
  }
  uint32_t total = 0;
  uint64_t base = 0;
  uint32_t first_pages = 0;
  for (unsigned i = 0; i < nrange; ++i) {
    const unsigned first = in.byte() % kPoolPages;
    const unsigned pages = 1 + in.byte() % 2;
    put(tx, composite + 16 + 16 * i, kPool + uint64_t{first} * 0x1000, 8);
    put(tx, composite + 24 + 16 * i, pages, 4);
    if (i == 0) {
      base = kPool + uint64_t{first} * 0x1000;
      first_pages = pages;
    }
    total += pages;
  }
  put(tx, composite, total, 4);
  put(tx, composite + 4, nrange, 4);
  const Regs r = w.nwd({{ffa::raw(lend ? Func::mem_lend_64 : Func::mem_share_64), length, length}});
  if (r.w(0) != ffa::raw(Func::success_32)) return;
  const uint64_t h = r.w(2) | uint64_t{r.w(3)} << 32;
  FUZZ_CHECK(!w.lent.count(h));
  w.lent[h] = Lent{base, first_pages, nrange == 1, to_tos, (perm & 3) == 2};
  w.handles.push_back(h);
}

// An optee_msg_arg in the pool (well-formed or raw bytes), or a few bytes
// changed anywhere in it: the normal world writes its memory when it likes.
void write_arg(World& w, FuzzInput& in) {
  const uint64_t pa = kPool + (in.byte() | uint64_t{in.byte()} << 8) % (kPoolPages * 0x1000);
  uint8_t* m = w.placement.ns_memory(pa);
  const size_t room = kNs + kNsSize - pa;
  const uint8_t kind = in.byte() % 4;
  if (kind == 0) {  // raw bytes
    const size_t n = 1 + in.byte() % 64;
    for (size_t i = 0; i < n && i < room; ++i) m[i] = in.byte();
    return;
  }
  // A header and its parameters, cut short by the end of the pool.
  uint8_t arg[optee::kMsgArgHeader + 8 * optee::kMsgParamSize] = {};
  static constexpr uint32_t kCmds[] = {sel1::optee_cmd::open_session, sel1::optee_cmd::invoke_command,
                                       sel1::optee_cmd::close_session, sel1::optee_cmd::cancel, 4, 0xFFFFFFFF};
  put(arg, 0, in.byte() % 8 == 0 ? in.bytes(4) : kCmds[in.byte() % 6], 4);
  put(arg, 8, in.bytes(4), 4);  // session
  put(arg, 20, 0xA5A5A5A5, 4);  // ret, to be overwritten
  const uint32_t num_params = in.byte() % 8 == 0 ? static_cast<uint32_t>(in.bytes(4)) : in.byte() % 8;
  put(arg, 28, num_params, 4);
  for (unsigned p = 0; p < 8; ++p) {
    const uint8_t a = in.byte();
    const uint64_t attr = a % 4 == 0 ? in.word() : (a % 2 ? optee::msg_attr::meta : 0) | (a >> 2) % 8;
    put(arg, optee::kMsgArgHeader + p * optee::kMsgParamSize, attr, 8);
  }
  std::memcpy(m, arg, room < sizeof(arg) ? room : sizeof(arg));
}

// What the checks of a yielding call predict for the sender `caller`:
// the FF-A status in w3, (status 0) the optee_msg_arg ret, and whether the
// trusted OS holds the memory afterwards.
struct Expected {
  uint32_t status;
  uint32_t ret;
  bool holds;
};
constexpr unsigned kMaxRegistered = sel1::OpteeEndpoint::kMaxShm;  // the trusted OS's table of registered memory
Expected predict_yielding(World& w, EndpointId caller, uint64_t h, uint64_t offset, const uint8_t* ns_before) {
  auto it = w.lent.find(h);
  const bool held = w.held.count(h) != 0;
  // Yielding calls are the normal world's: a partition's is DENIED first.
  if (caller.is_secure()) return {sel1::kFfaDenied, 0, held};
  // Only the normal world lends to the trusted OS; a handle it did not
  // lend to it, or that is gone, does not exist for the caller.
  if (it == w.lent.end() || !it->second.live || !it->second.to_tos || caller.raw() != 0)
    return {sel1::kFfaInvalidParameters, 0, held};
  const Lent& l = it->second;
  if (!held) {
    if (w.held.size() >= kMaxRegistered) return {sel1::kFfaNoMemory, 0, false};
    if (!l.one_range) return {sel1::kFfaInvalidParameters, 0, false};
  }
  // Registered from here on, whatever the argument.
  const uint64_t size = uint64_t{l.pages} * 0x1000;
  if (!l.writable || offset > size || size - offset < optee::kMsgArgHeader || (offset & 7) != 0)
    return {sel1::kFfaInvalidParameters, 0, true};
  const uint8_t* arg = ns_before + (l.base + offset - kNs);
  const uint32_t n = static_cast<uint32_t>(get(arg, 28, 4));
  if (n > optee::kMsgMaxParams || optee::kMsgArgHeader + uint64_t{n} * optee::kMsgParamSize > size - offset)
    return {sel1::kFfaInvalidParameters, 0, true};
  switch (get(arg, 0, 4)) {
    case sel1::optee_cmd::open_session: {
      // Exactly two meta value-input parameters (the TA's UUID, the
      // client's), then at most four client parameters of known types
      // with no other attribute bits; no TA is installed here.
      bool ok = n >= 2 && n - 2 <= 4;
      for (uint32_t p = 0; ok && p < n; ++p) {
        const uint64_t attr = get(arg, optee::kMsgArgHeader + p * optee::kMsgParamSize, 8);
        ok = p < 2 ? attr == (optee::msg_attr::meta | optee::msg_attr::value_input)
                   : (attr <= 3 || (attr >= 5 && attr <= 7));
      }
      return {0, ok ? sel1::kTeeErrorItemNotFound : sel1::kTeeErrorBadParameters, true};
    }
    case sel1::optee_cmd::invoke_command:
    case sel1::optee_cmd::close_session:
      return {0, sel1::kTeeErrorBadParameters, true};
    case sel1::optee_cmd::cancel:
      return {0, 0, true};
    case sel1::optee_cmd::do_bottom_half:
    case sel1::optee_cmd::stop_async_notif: {
      // No parameters; then only the owner, and a bottom half only while on.
      const uint16_t owner = w.async.owner();
      if (n != 0) return {0, sel1::kTeeErrorBadParameters, true};
      if (owner == optee::AsyncNotif::kNobody)
        return {0, get(arg, 0, 4) == sel1::optee_cmd::stop_async_notif ? 0 : 0xFFFF0007u, true};
      return {0, owner == caller.raw() ? 0 : 0xFFFF0001u, true};
    }
    default:
      return {0, sel1::kTeeErrorNotImplemented, true};
  }
}

// One OP-TEE message to the trusted OS from the normal world (who = 0) or
// partition who-1, w3-w7 in `regs`, with its checks. With `fail_map`, a
// first use of a handle finds the SPMC unable to map it.
void checked_call(World& w, unsigned who, bool is64, const uint64_t (&regs)[5], bool fail_map);

// An OP-TEE message as the input spells it.
void optee_call(World& w, FuzzInput& in, bool fail_map = false) {
  const unsigned who = in.byte() % (kSps + 1);
  const bool is64 = in.byte() % 2;
  static constexpr uint32_t kMsgs[] = {msg::yielding_call_with_arg, msg::yielding_call_with_arg, msg::unregister_shm,
                                       msg::unregister_shm,         msg::get_api_version,        msg::get_os_version,
                                       msg::exchange_capabilities,  msg::enable_async_notif,     msg::yielding_call_resume,
                                       sel1::kTesseraSpin,          sel1::kTesseraTimerArm,      sel1::kTesseraTimerBottomHalf,
                                       sel1::kTesseraFpSelfTest,    4,                           0x80000002};
  const uint8_t pick = in.byte();
  const uint32_t id = pick < 240 ? kMsgs[pick % 15] : static_cast<uint32_t>(in.bytes(4));
  // The registers: the handle in w4/w5, an offset in w6, w7; SMC64 callers
  // may set the upper halves, which OP-TEE's ABI ignores.
  const uint64_t h = pick_handle(w, in);
  uint64_t offset;
  switch (in.byte() % 4) {
    case 0: offset = 8 * (in.byte() | static_cast<uint64_t>(in.byte() % 2) << 8); break;
    case 1: offset = 0x1000 - 8 * (in.byte() % 8); break;
    case 2: offset = in.bytes(4); break;
    default: offset = 0; break;
  }
  uint64_t w7 = in.byte() % 8;
  uint64_t regs[5] = {id, h & 0xFFFFFFFF, h >> 32, offset, w7};
  if (id == sel1::kTesseraSpin) {
    regs[1] = in.byte();  // rounds: few, so the spin stays quick
    regs[2] = in.bytes(4);
    regs[3] = in.bytes(4);
    w.threads.suspend_next = in.byte() % 4 == 0;
  }
  if (id == msg::enable_async_notif && in.byte() % 2) regs[1] = in.byte() % 70;  // IDs near the limit (64)
  if (is64 && in.byte() % 4 == 0)
    for (uint64_t& r : regs) r |= in.bytes(4) << 32;
  checked_call(w, who, is64, regs, fail_map);
}

// Linux's way: share a buffer, then at once a yielding call with it (so
// that the trusted OS's table of registered buffers fills up).
void share_and_call(World& w, FuzzInput& in) {
  // One read-write page, the first free one from where the input says.
  const unsigned start = in.byte() % kPoolPages;
  uint64_t h = 0, pa = 0;
  for (unsigned i = 0; i < kPoolPages && !h; ++i) {
    pa = kPool + uint64_t{(start + i) % kPoolPages} * 0x1000;
    uint8_t* tx = w.placement.ns_memory(kTx);
    std::memset(tx, 0, 112);
    put(tx, 2, 0x2F, 2);
    put(tx, 24, 32, 4);
    put(tx, 28, 1, 4);
    put(tx, 32, 48, 4);
    put(tx, 48, kTos, 2);
    put(tx, 50, 2 | 4, 1);
    put(tx, 52, 80, 4);
    put(tx, 80, 1, 4);
    put(tx, 84, 1, 4);
    put(tx, 96, pa, 8);
    put(tx, 104, 1, 4);
    const Regs r = w.nwd({{ffa::raw(Func::mem_share_64), 112, 112}});
    if (r.w(0) == ffa::raw(Func::success_32)) h = r.w(2) | uint64_t{r.w(3)} << 32;
  }
  if (!h) return;
  FUZZ_CHECK(!w.lent.count(h));
  w.lent[h] = Lent{pa, 1, true, true, true};
  w.handles.push_back(h);
  const uint64_t offset = 8 * (in.byte() % 16);
  const uint64_t regs[5] = {msg::yielding_call_with_arg, h & 0xFFFFFFFF, h >> 32, offset, 0};
  checked_call(w, 0, false, regs, false);
}

void checked_call(World& w, unsigned who, bool is64, const uint64_t (&regs)[5], bool fail_map) {
  const EndpointId caller(who == 0 ? 0 : sp_id(who - 1));
  // What the trusted OS sees: the message ID, handle and offset from the
  // low halves.
  const uint32_t lo = static_cast<uint32_t>(regs[0]);
  const uint64_t handle = (regs[1] & 0xFFFFFFFF) | (regs[2] & 0xFFFFFFFF) << 32;
  const uint64_t arg_offset = regs[3] & 0xFFFFFFFF;
  const std::vector<uint8_t> before(w.placement.ns_memory(kNs), w.placement.ns_memory(kNs) + kNsSize);
  const bool held_before = w.tos_holds(handle);
  const uint64_t mapped_before = w.placement.pages_mapped();
  Expected expected =
      lo == msg::yielding_call_with_arg ? predict_yielding(w, caller, handle, arg_offset, before.data()) : Expected{};
  if (fail_map && lo == msg::yielding_call_with_arg && expected.holds && !w.held.count(handle)) {
    w.placement.fail_next_map();  // the retrieve this call makes fails
    expected = Expected{sel1::kFfaInvalidParameters, 0, false};
  }

  const Func fid = is64 ? Func::msg_send_direct_req_64 : Func::msg_send_direct_req_32;
  const uint32_t w1 = uint32_t{caller.raw()} << 16 | kTos;
  const Regs req{{ffa::raw(fid), w1, 0, regs[0], regs[1], regs[2], regs[3], regs[4]}};
  const Regs r = who == 0 ? w.nwd(req) : w.sp(who - 1, req);

  // A direct response of the same width, addressed back, w2 = 0, SMC32
  // answers without upper halves.
  FUZZ_CHECK(r.w(0) == ffa::raw(is64 ? Func::msg_send_direct_resp_64 : Func::msg_send_direct_resp_32));
  FUZZ_CHECK(r.x[1] == (uint32_t{kTos} << 16 | caller.raw()));
  FUZZ_CHECK(r.x[2] == 0);
  if (!is64)
    for (unsigned i = 3; i < 8; ++i) FUZZ_CHECK(r.x[i] >> 32 == 0);
  const uint64_t w3 = r.x[3], w4 = r.x[4], w5 = r.x[5], w6 = r.x[6], w7r = r.x[7];
  const bool rest_zero = w4 == 0 && w5 == 0 && w6 == 0 && w7r == 0;
  bool memory_may_change = false;
  switch (lo) {
    case msg::get_api_version:
      FUZZ_CHECK(w3 == 1 && rest_zero);
      break;
    case msg::get_os_version:
      FUZZ_CHECK(w3 == sel1::kOsVersionMajor && w4 == sel1::kOsVersionMinor && w5 == kBuildId && w6 == 0 && w7r == 0);
      break;
    case msg::exchange_capabilities:
      FUZZ_CHECK(w3 == 0 && w4 == optee::kRpcMaxParams && w5 == (sel1::kSecCapArgOffset | sel1::kSecCapAsyncNotif) &&
                 w6 == 0 && w7r == 0);
      break;
    case msg::yielding_call_with_arg: {
      FUZZ_CHECK(w3 == expected.status && rest_zero);
      if (expected.holds) w.held.insert(handle);  // registered on first use, even if the argument was refused
      if (w3 == 0) {
        memory_may_change = true;
        const Lent& l = w.lent[handle];
        const uint64_t arg = l.base + arg_offset - kNs;
        const uint8_t* now = w.placement.ns_memory(kNs);
        // Only session, ret and ret_origin of that argument changed.
        for (uint64_t b = 0; b < kNsSize; ++b) {
          const bool answer_field = (b >= arg + 8 && b < arg + 12) || (b >= arg + 20 && b < arg + 28);
          if (!answer_field) FUZZ_CHECK(now[b] == before[b]);
        }
        FUZZ_CHECK(get(now, arg + 20, 4) == expected.ret);
        FUZZ_CHECK(get(now, arg + 24, 4) == sel1::kTeeOriginTee);
        // OPEN_SESSION answers session 0 (none opened); the rest keep it.
        const bool open = get(before.data(), arg, 4) == sel1::optee_cmd::open_session;
        FUZZ_CHECK(get(now, arg + 8, 4) == (open ? 0 : get(before.data(), arg + 8, 4)));
      }
      break;
    }
    case msg::unregister_shm: {
      FUZZ_CHECK((w3 == 0 || w3 == sel1::kFfaInvalidParameters) && rest_zero);
      const bool lenders = caller.raw() == 0 && w.lent.count(handle) && w.lent[handle].live && w.lent[handle].to_tos;
      FUZZ_CHECK((w3 == 0) == lenders);  // the lender's live share: given back (or nothing to give)
      if (w3 == 0) w.held.erase(handle);
      break;
    }
    case msg::yielding_call_resume:
    case sel1::kTesseraSpin:
      if (caller.is_secure()) {
        FUZZ_CHECK(w3 == sel1::kFfaDenied && rest_zero);
      } else if (w3 == 0 && w4 == sel1::kYieldingReturnDone) {
        if (lo == msg::yielding_call_resume) FUZZ_CHECK((regs[4] & 0xFFFFFFFF) < FuzzThreads::kThreads);
        // The spin's result: computed now, or by the thread resumed.
        const uint64_t result = lo == sel1::kTesseraSpin
                                    ? lib::lcg_spin(regs[1] & 0xFFFFFFFF, (regs[2] & 0xFFFFFFFF) | (regs[3] & 0xFFFFFFFF) << 32)
                                    : w.suspended_result[regs[4] & 0xFFFFFFFF];
        FUZZ_CHECK((w5 | w6 << 32) == result && w7r == 0);
      } else if (w3 == 0 && w4 == sel1::kYieldingReturnInterrupt) {
        FUZZ_CHECK(lo == sel1::kTesseraSpin);  // the fake threads stop only a new spin
        FUZZ_CHECK(w5 == 0 && w6 == 0 && w7r < FuzzThreads::kThreads && w.threads.suspended(w7r));
        w.suspended_result[w7r] =
            lib::lcg_spin(regs[1] & 0xFFFFFFFF, (regs[2] & 0xFFFFFFFF) | (regs[3] & 0xFFFFFFFF) << 32);
      } else {
        FUZZ_CHECK((w3 == sel1::kFfaInvalidParameters && lo == msg::yielding_call_resume) ||
                   (w3 == sel1::kTeeErrorBusy && lo == sel1::kTesseraSpin));
        FUZZ_CHECK(rest_zero);
      }
      break;
    case msg::enable_async_notif: {
      FUZZ_CHECK(rest_zero);
      const bool mbz = (regs[2] & 0xFFFFFFFF) == 0 && (regs[3] & 0xFFFFFFFF) == 0 && (regs[4] & 0xFFFFFFFF) == 0;
      if (caller.is_secure()) {
        FUZZ_CHECK(w3 == sel1::kFfaDenied);
      } else if (!mbz || (regs[1] & 0xFFFFFFFF) >= optee::AsyncNotif::kMaxValue) {
        FUZZ_CHECK(w3 == sel1::kTeeErrorBadParameters);
      } else {
        // Bound or not (BAD_PARAMETERS), or another owner's (BUSY).
        FUZZ_CHECK(w3 == 0 || w3 == sel1::kTeeErrorBadParameters || w3 == sel1::kTeeErrorBusy);
        if (w3 == 0) FUZZ_CHECK(w.async.owner() == caller.raw() && w.async.value() == (regs[1] & 0xFFFFFFFF));
      }
      break;
    }
    case sel1::kTesseraTimerArm:
    case sel1::kTesseraTimerBottomHalf:
      // The secure timer is the normal world's driver's alone.
      FUZZ_CHECK(w3 == (caller.is_secure() ? sel1::kFfaDenied : sel1::kTeeErrorNotSupported) && rest_zero);
      break;
    case sel1::kTesseraFpSelfTest:
      FUZZ_CHECK(w3 == sel1::kTeeErrorNotSupported && rest_zero);  // no FP test on the host
      break;
    default:
      FUZZ_CHECK(w3 == sel1::kTeeErrorBadParameters && rest_zero);
      break;
  }
  // Nothing but a successful yielding call writes normal-world memory.
  if (!memory_may_change) FUZZ_CHECK(std::memcmp(w.placement.ns_memory(kNs), before.data(), kNsSize) == 0);
  // A partition naming a handle changes nothing about it.
  if (caller.is_secure()) {
    FUZZ_CHECK(w.tos_holds(handle) == held_before);
    FUZZ_CHECK(w.placement.pages_mapped() == mapped_before);
  }
  w.threads.suspend_next = false;  // an interrupt meant for a refused spin stops nothing later
}

void reclaim(World& w, FuzzInput& in) {
  const uint64_t h = pick_handle(w, in);
  const Regs r = w.nwd({{ffa::raw(Func::mem_reclaim), static_cast<uint32_t>(h), h >> 32}});
  if (r.w(0) != ffa::raw(Func::success_32)) return;
  FUZZ_CHECK(!w.held.count(h));  // the trusted OS let go of it first
  FUZZ_CHECK(w.lent.count(h) && w.lent[h].live);
  w.lent[h].live = false;
}

// A partition retrieves a share it is a second borrower of, or gives it
// back: the trusted OS's hold is independent of it.
void sp_retrieve(World& w, FuzzInput& in) {
  const unsigned i = in.byte() % kSps;
  const uint64_t h = pick_handle(w, in);
  if (in.byte() % 2) {
    uint8_t* tx = w.sp_tx[i];
    std::memset(tx, 0, 80);
    put(tx, 8, h, 8);
    put(tx, 24, 32, 4);
    put(tx, 28, 1, 4);
    put(tx, 32, 48, 4);
    put(tx, 48, sp_id(i), 2);
    (void)w.sp(i, {{ffa::raw(Func::mem_retrieve_req_64), 80, 80}});
    (void)w.sp(i, {{ffa::raw(Func::rx_release)}});
  } else {
    uint8_t* tx = w.sp_tx[i];
    put(tx, 0, h, 8);
    put(tx, 8, 0, 4);
    put(tx, 12, 1, 4);
    put(tx, 16, sp_id(i), 2);
    (void)w.sp(i, {{ffa::raw(Func::mem_relinquish)}});
  }
}

void check_invariants(World& w) {
  // The trusted OS holds exactly what its lenders registered, and those
  // pages (and the RX/TX pair) are all the SPMC maps.
  uint64_t pages = 2;
  for (const auto& [h, lent] : w.lent) {
    FUZZ_CHECK(w.tos_holds(h) == (w.held.count(h) != 0));
    if (w.held.count(h)) pages += lent.pages;
  }
  FUZZ_CHECK(w.placement.pages_mapped() == pages);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in{data, size};
  static World* world_storage = nullptr;
  delete world_storage;  // one world per input, kept off the stack (it is large)
  world_storage = new World();
  World& w = *world_storage;
  for (unsigned i = 0; i < kSps; ++i) {
    spmc::Partition p{};
    p.info = ffa::PartitionInfo{EndpointId(sp_id(i)), 1,
                                ffa::partition_props::direct_req_recv | ffa::partition_props::direct_req_send,
                                ffa::Uuid{{sp_id(i), 1, 2, 3}}};
    p.version = ffa::kVersion1_2;
    FUZZ_CHECK(w.core.add_partition(p).ok());
    w.core.attach_partition_mailbox(i, w.sp_tx[i], w.sp_rx[i], 1);
  }
  spmc::Partition tos{};
  tos.info = ffa::PartitionInfo{EndpointId(kTos), 1, ffa::partition_props::direct_req_recv, ffa::kOpteeUuid};
  tos.local = &w.optee;
  FUZZ_CHECK(w.core.add_partition(tos).ok());
  w.optee.attach_memory(w.core, EndpointId(kTos));
  w.optee.attach_threads(w.threads);
  w.optee.attach_async(w.async);
  Regs out{};
  spmc::Outcome o = w.core.boot_next(out);
  for (unsigned i = 0; i < kSps && o == spmc::Outcome::run_partition; ++i)
    o = w.core.handle_sp_call(w.core.scheduled(), Regs{{ffa::raw(Func::msg_wait)}}, out);
  FUZZ_CHECK(o == spmc::Outcome::boot_done);
  FUZZ_CHECK(w.nwd({{ffa::raw(Func::version), 0x10002}}).w(0) == 0x10002);
  FUZZ_CHECK(w.nwd({{ffa::raw(Func::rxtx_map_64), kTx, kRx, 1}}).w(0) == ffa::raw(Func::success_32));
  // The normal world binds notifications 0-7 of the trusted OS, so that
  // ENABLE_ASYNC_NOTIF can succeed (IDs 8 and up cannot: not bound).
  FUZZ_CHECK(ffa::is_success(w.nwd({{ffa::raw(Func::notification_bitmap_create), 0, 1}})));
  FUZZ_CHECK(ffa::is_success(w.nwd({{ffa::raw(Func::notification_bind), uint32_t{kTos} << 16, 0, 0xFF, 0}})));

  for (unsigned step = 0; step < 64 && !in.empty(); ++step) {
    switch (in.byte() % 10) {
      case 0: share(w, in); break;
      case 1: case 2: write_arg(w, in); break;
      case 3: case 4: case 5: optee_call(w, in); break;
      case 6: reclaim(w, in); break;
      case 7: sp_retrieve(w, in); break;
      case 8: optee_call(w, in, true); break;
      default: share_and_call(w, in); break;
    }
    check_invariants(w);
  }
  return 0;
}
