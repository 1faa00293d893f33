#include "sel1/ta_host.h"

#include "arch/aarch64/sysreg.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "plat/qemu_virt/memory_map.h"
#include "sel1/mmu.h"
#include "ta/tee_internal_api.h"

extern "C" char __trampoline_start[];
// The running thread (thread_switch.S), or 0 outside the threads.
#include "sel1/threads.h"  // g_thread_running: the thread that runs now, if any

namespace sel1 {
namespace {

using arch::mmu::Attrs;
using arch::mmu::MemType;

constexpr uint64_t kPage = 4096;
constexpr uint64_t kEcSvc64 = 0x15;
constexpr uint64_t kSpsrIrqMask = 1u << 7, kSpsrFiqMask = 1u << 6;
// Partitions use ASIDs 1-8; TA slot n uses 32 + n.
constexpr uint64_t kFirstAsid = 32;
constexpr uint64_t kRtcBase = 0x09010000;  // PL031, the normal world's real-time clock
static_assert(TaHost::kMaxInstances * TA_IMAGE_MAX == plat::kTaRamEnd - plat::kTaRamBase);

// Each slot's tables (zeroed as they are taken) and parameter page.
[[gnu::section(".noinit")]] alignas(4096) arch::mmu::Table
    g_tables[TaHost::kMaxInstances][TaHost::kTablesPerInstance];
// Zeroed when an instance takes its slot (never at boot: 64 KiB).
[[gnu::section(".noinit")]] alignas(4096) uint8_t g_param_pages[TaHost::kMaxInstances][kPage];
[[gnu::section(".noinit")]] constinit optee::CallParams g_nested[TaHost::kMaxInstances];

void flush_asid(uint64_t asid) {
  arch::dsb_ish();
  __asm__ volatile("tlbi aside1is, %0" ::"r"(asid << 48) : "memory");
  arch::dsb_ish();
  arch::isb();
}

void log_uuid(const char* what, const optee::TaUuid& u, unsigned slot) {
  const uint8_t* b = u.bytes;
  lib::log::info("{} {:08x}-{:04x}-{:04x}-{:04x}-{:04x}{:08x} (slot {})", what,
                 uint32_t{b[0]} << 24 | uint32_t{b[1]} << 16 | uint32_t{b[2]} << 8 | b[3], uint32_t{b[4]} << 8 | b[5],
                 uint32_t{b[6]} << 8 | b[7], uint32_t{b[8]} << 8 | b[9], uint32_t{b[10]} << 8 | b[11],
                 uint32_t{b[12]} << 24 | uint32_t{b[13]} << 16 | uint32_t{b[14]} << 8 | b[15], slot);
}

}  // namespace

bool TaHost::init(lib::ByteView store, ffa::EndpointId self, arch::mmu::PageTable* os_tables) {
  self_ = self;
  // Loaded TAs go after the store, in the rest of its area.
  dyn_next_ = reinterpret_cast<uint64_t>(store.data());
  dyn_end_ = dyn_next_ + store.size();
  if (auto magic = store.le32(0), total = store.le32(12); magic && *magic == optee::kStoreMagic && total)
    dyn_next_ += (uint64_t{*total} + kPage - 1) & ~(kPage - 1);
  if (dyn_next_ > dyn_end_) dyn_next_ = dyn_end_;
  // The normal world's RTC, for TEE_GetREETime: read-only to us.
  if (os_tables && !os_tables->map(kRtcBase, kRtcBase, kPage, Attrs{.type = MemType::device, .ns = true, .global = false}))
    lib::log::warn("cannot map the normal world's RTC: TEE_GetREETime reads 0");
  else
    rtc_mapped_ = os_tables != nullptr;
  auto magic = store.le32(0);
  if (!magic || *magic != optee::kStoreMagic) {
    lib::log::info("no TA store (tos-fw-extra1): no Trusted Applications");
    return false;
  }
  auto parsed = optee::parse_ta_store(store);
  if (!parsed) {
    lib::log::error("TA store refused: {} (entry {}); no Trusted Applications", parsed.error().reason,
                    parsed.error().index);
    return false;
  }
  store_ = *parsed;
  lib::log::info("TA store: {} Trusted Application(s)", store_.count);
  return true;
}

uint64_t TaHost::slot_pa(const Instance& in) const {
  return plat::kTaRamBase + static_cast<uint64_t>(&in - instances_) * TA_IMAGE_MAX;
}
optee::CallParams& TaHost::nested(const Instance& in) const { return g_nested[&in - instances_]; }

ta_param_page& TaHost::param_page(const Instance& in) const {
  return *reinterpret_cast<ta_param_page*>(g_param_pages[&in - instances_]);
}
uint64_t TaHost::asid(const Instance& in) const { return kFirstAsid + static_cast<uint64_t>(&in - instances_); }

bool TaHost::map_image(Instance& in) {
  const optee::TaImage& t = *in.ta;
  const unsigned n = static_cast<unsigned>(&in - instances_);
  in.tables.emplace(g_tables[n], kTablesPerInstance, arch::mmu::Regime::el1_0, &invalidate_va_all_asids);
  arch::mmu::PageTable& pt = *in.tables;
  pt.set_break_before_make();  // edited only while the instance does not run
  const uint64_t pa = slot_pa(in);
  const auto tramp = reinterpret_cast<uint64_t>(__trampoline_start);
  // Code, constants, data and BSS, then the parameter page; the
  // trampoline is the only page of the trusted OS, executable at EL1 only.
  return pt.map(TA_IMAGE_VA, pa, t.text_end, Attrs{.type = MemType::normal, .exec = true, .user = true}) &&
         (t.ro_end == t.text_end ||
          pt.map(TA_IMAGE_VA + t.text_end, pa + t.text_end, t.ro_end - t.text_end,
                 Attrs{.type = MemType::normal, .user = true})) &&
         pt.map(TA_IMAGE_VA + t.ro_end, pa + t.ro_end, t.mem_end - t.ro_end,
                Attrs{.type = MemType::normal, .write = true, .user = true}) &&
         pt.map(TA_PARAM_VA, reinterpret_cast<uint64_t>(g_param_pages[n]), kPage,
                Attrs{.type = MemType::normal, .write = true, .user = true}) &&
         pt.map(tramp, tramp, kPage, Attrs{.type = MemType::normal, .exec = true, .global = false});
}

TaHost::Instance* TaHost::create_instance(const optee::TaImage& ta, unsigned depth, uint32_t& result,
                                          uint32_t& origin) {
  origin = TEE_ORIGIN_TEE;
  Instance* in = nullptr;
  for (Instance& i : instances_)
    if (!i.used && !in) in = &i;
  if (!in) {
    result = TEE_ERROR_OUT_OF_MEMORY;  // every slot holds an instance
    return nullptr;
  }
  // A fresh slot: zeroed, the image copied in, its own tables.
  in->used = true;
  in->dead = in->busy = false;
  in->creating = true;
  in->dying = false;
  in->ta = &ta;
  in->sessions = 0;
  in->waiting.count = 0;
  ++in->generation;
  for (bool& u : in->session_slot_used) u = false;
  const uint64_t pa = slot_pa(*in);
  memset(reinterpret_cast<void*>(pa), 0, ta.mem_end);
  memset(&param_page(*in), 0, kPage);  // nothing of the slot's last TA
  memcpy(reinterpret_cast<void*>(pa), ta.image.data(), ta.image.size());
  if (!map_image(*in)) {
    lib::log::error("TA slot {}: cannot map its image", static_cast<unsigned>(in - instances_));
    free_instance(*in);
    result = TEE_ERROR_OUT_OF_MEMORY;
    return nullptr;
  }
  log_uuid("TA instance", ta.uuid, static_cast<unsigned>(in - instances_));
  // Its creator's session counts from now (slot 0): an open that joins
  // meanwhile (a multi-session TA's, while CREATE or the wake after it
  // yields) takes another slot, and its close cannot empty the instance
  // under the creator.
  in->session_slot_used[0] = true;
  in->sessions = 1;
  result = enter(*in, depth, TA_OP_CREATE, 0, 0, nullptr, nullptr, origin);
  if (result != TEE_SUCCESS) {
    free_instance(*in);
    return nullptr;
  }
  return in;
}

void TaHost::free_instance(Instance& in) {
  // Gone from here on for everyone, before the wakes below yield: no open
  // joins it, nothing enters it, and a call that waited for it finds
  // another generation.
  in.dying = true;
  ++in.generation;
  // Nothing the instance opened may outlive it under its slot number.
  const int me = static_cast<int>(&in - instances_);
  for (Session& s : sessions_)
    if (s.used && s.owner_instance == me) s.owner_instance = kOrphaned;
  // Calls waiting for it find it gone (enter checks the generation). The
  // slot stays taken meanwhile, so that no new instance resets its queue.
  while (in.waiting.count != 0) wake_one(in.waiting);
  unmap_window(in);
  in.tables.reset();
  flush_asid(asid(in));  // its entries must not outlive it: the slot's next TA reuses the ASID
  in.used = false;
  in.ta = nullptr;
}

uint32_t TaHost::wait_until_free(Instance& in, unsigned depth) {
  while (in.busy) {
    // A TA's call never waits: it could be waiting for itself.
    if (depth > 0) return TEE_ERROR_BUSY;
    if (const uint32_t r = wait_in(in.waiting)) return r;
  }
  return 0;
}

uint32_t TaHost::wait_in(WaitQueue& q) {
  if (!rpc_ || q.count == sizeof(q.keys)) return TEE_ERROR_BUSY;
  unsigned key = 1;
  while (key < 256 && (wait_keys_[key / 32] >> (key % 32) & 1)) ++key;
  if (key == 256) return TEE_ERROR_BUSY;
  wait_keys_[key / 32] |= 1u << (key % 32);
  q.keys[q.count++] = static_cast<uint8_t>(key);
  optee::RpcMsg m;
  m.cmd = optee::rpc_cmd::notification;
  m.num_params = 1;
  m.params[0] = optee::MsgParam{optee::msg_attr::value_input, optee::rpc_cmd::notification_wait, key, 0};
  const bool waited = rpc_->rpc(m) && m.ret == 0;
  // Out of the queue (wake_one took it out already if it woke us).
  for (unsigned i = 0; i < q.count; ++i)
    if (q.keys[i] == key) {
      for (unsigned k = i + 1; k < q.count; ++k) q.keys[k - 1] = q.keys[k];
      --q.count;
      break;
    }
  wait_keys_[key / 32] &= ~(1u << (key % 32));
  return waited ? 0 : TEE_ERROR_BUSY;
}

void TaHost::wake_one(WaitQueue& q) {
  if (q.count == 0 || !rpc_) return;
  const uint8_t key = q.keys[0];
  for (unsigned k = 1; k < q.count; ++k) q.keys[k - 1] = q.keys[k];
  --q.count;
  // The normal world keeps a send that comes before the wait (Linux's
  // notification bitmap), so this cannot be lost.
  optee::RpcMsg m;
  m.cmd = optee::rpc_cmd::notification;
  m.num_params = 1;
  m.params[0] = optee::MsgParam{optee::msg_attr::value_input, optee::rpc_cmd::notification_send, key, 0};
  (void)rpc_->rpc(m);
}

uint32_t TaHost::take_storage_turn() {
  while (storage_busy_)
    if (const uint32_t r = wait_in(storage_waiting_)) return r;
  storage_busy_ = true;
  return 0;
}

void TaHost::end_storage_turn() {
  storage_busy_ = false;
  wake_one(storage_waiting_);
}

void TaHost::kill(Instance& in, const char* why) {
  in.dead = true;
  lib::log::error("TA slot {}: {}; its sessions end with TEE_ERROR_TARGET_DEAD",
                  static_cast<unsigned>(&in - instances_), why);
  // The sessions it opened with other TAs end with it.
  const int me = static_cast<int>(&in - instances_);
  for (Session& s : sessions_) {
    if (!s.used || !s.instance || s.owner_instance != me) continue;
    uint32_t origin;
    // A callee in another call cannot be closed now: its session is
    // orphaned, so that the TA that next takes this slot never finds it.
    if (close(s, in.depth + 1, origin) != TEE_SUCCESS) s.owner_instance = kOrphaned;
  }
}

uint32_t TaHost::enter(Instance& in, unsigned depth, uint64_t op, unsigned slot, uint32_t command,
                       optee::CallParams* params, Session* session, uint32_t& origin) {
  origin = TEE_ORIGIN_TEE;
  if (depth > kMaxNesting) return TEE_ERROR_BUSY;
  if (!in.used || (in.dying && op != TA_OP_DESTROY)) return TEE_ERROR_TARGET_DEAD;
  bool waited = false;
  if (in.busy) {  // in a call already: suspended elsewhere, or a loop of TA calls
    const uint32_t generation = in.generation, session_id = session ? session->id : 0;
    if (const uint32_t r = wait_until_free(in, depth)) return r;
    waited = true;
    // Freed while we waited (its creation failed, its last session
    // closed), perhaps another TA's now: not ours to enter. Nor a session
    // closed, or being closed, meanwhile (its record may be another
    // session's now).
    // (Whoever waits next gets its turn: this call does not run.)
    if (!in.used || in.generation != generation) {
      wake_one(in.waiting);
      return TEE_ERROR_TARGET_DEAD;
    }
    if (session && (!session->used || session->id != session_id || session->instance != &in ||
                    (session->closing && op != TA_OP_CLOSE_SESSION && op != TA_OP_OPEN_SESSION))) {
      wake_one(in.waiting);
      return TEE_ERROR_TARGET_DEAD;
    }
  }
  // A call that waited its turn and does not run passes the turn on, or
  // the next waiter would wait until some later call ends.
  if (in.dead || (in.dying && op != TA_OP_DESTROY)) {
    if (waited) wake_one(in.waiting);
    return TEE_ERROR_TARGET_DEAD;
  }
  memset(&param_page(in), 0, sizeof(ta_param_page));
  if (params && !put_params(in, *params)) {
    unmap_window(in);
    if (waited) wake_one(in.waiting);
    return TEE_ERROR_OUT_OF_MEMORY;
  }
  in.busy = true;
  in.depth = depth;
  in.ctx = SpContext{};
  in.ctx.elr = TA_IMAGE_VA + in.ta->entry;
  in.ctx.x[0] = op;
  in.ctx.x[1] = slot;
  in.ctx.x[2] = command;
  in.ctx.ttbr0 = in.tables->root_address() | asid(in) << 48;
  uint32_t result = TEE_ERROR_GENERIC;
  for (;;) {
    // EL0t; IRQ (secure interrupts) waits for the trusted OS. FIQ (the
    // normal world's) stops the TA when a thread carries the call;
    // otherwise it too waits (nothing could take it here).
    in.ctx.spsr = el0_spsr(in.ctx.spsr, kSpsrIrqMask | (g_thread_running != nullptr ? 0 : kSpsrFiqMask));
    const uint64_t kind = sel1_el0_run(&in.ctx);
    if (kind == EL0_TRAP_FIQ) {
      ta_preemption_point();
      continue;
    }
    if (kind == EL0_TRAP_SYNC && (in.ctx.esr >> 26) == kEcSvc64) {
      if (syscall(in, session, result, origin)) continue;
      break;
    }
    lib::log::error("TA slot {} faulted: ESR {:x} ELR {:x} FAR {:x}", static_cast<unsigned>(&in - instances_),
                    in.ctx.esr, in.ctx.elr, in.ctx.far);
    kill(in, "faulted");
    result = TEE_ERROR_TARGET_DEAD;
    origin = TEE_ORIGIN_TEE;
    break;
  }
  in.busy = false;
  if (params && !in.dead) take_params(in, *params, result);
  unmap_window(in);
  // The end of its CREATE decides, before the wake below yields: a call
  // woken then finds it created, or dying (it failed; its creator frees
  // it), never half-made.
  if (op == TA_OP_CREATE) {
    if (result != TEE_SUCCESS || in.dead) in.dying = true;
    in.creating = false;
  }
  wake_one(in.waiting);
  return result;
}

bool TaHost::put_params(Instance& in, const optee::CallParams& params) {
  ta_param_page& page = param_page(in);
  const unsigned n = static_cast<unsigned>(&in - instances_);
  unmap_window(in);  // (every call's window starts empty: nothing is left of the last)
  page.types = params.params.types();
  uint64_t va = TA_MEMREF_VA;
  for (unsigned i = 0; i < 4; ++i) {
    const optee::ClientParam& p = params.params.p[i];
    if (!p.is_memref()) {
      // Output values start as 0: their input is not the TA's to see.
      page.p[i].first = (p.type == 1 || p.type == 3) ? (p.a | uint64_t{p.b} << 32) : 0;
      continue;
    }
    const optee::MemrefPages& m = params.pages[i];
    page.p[i].second = p.size;
    if (m.count == 0) {
      // Null (no memory), or empty: a buffer with nothing behind it.
      page.p[i].first = p.handle == optee::kFmemInvalidGlobalId ? 0 : va + m.in_page;
      continue;
    }
    page.p[i].first = va + m.in_page;
    MemrefSpan& span = memref_spans_[n][memref_span_count_[n]++];
    span = MemrefSpan{va, va};
    for (unsigned r = 0; r < m.count; ++r) {
      const uint64_t bytes = uint64_t{m.ranges[r].pages} * kPage;
      auto s = in.tables->map(va, m.ranges[r].address, bytes,
                              Attrs{.type = MemType::normal, .write = m.writable, .user = true, .ns = m.ns});
      if (!s) return false;  // (a refused map leaves nothing: the span ends before it)
      va += bytes;
      span.end = va;
    }
    va += kPage;  // an unmapped page between references: an overrun faults
  }
  return true;
}

void TaHost::take_params(Instance& in, optee::CallParams& params, uint32_t result) {
  const ta_param_page& page = param_page(in);
  for (unsigned i = 0; i < 4; ++i) {
    optee::ClientParam& p = params.params.p[i];
    if (p.type == TEE_PARAM_TYPE_VALUE_OUTPUT || p.type == TEE_PARAM_TYPE_VALUE_INOUT) {
      p.a = static_cast<uint32_t>(page.p[i].first);
      p.b = static_cast<uint32_t>(page.p[i].first >> 32);
    } else if (p.type == TEE_PARAM_TYPE_MEMREF_OUTPUT || p.type == TEE_PARAM_TYPE_MEMREF_INOUT) {
      // GP: a short buffer reports the size needed; otherwise the TA may
      // only say it used less than it was given.
      const uint64_t size = page.p[i].second;
      if (result == TEE_ERROR_SHORT_BUFFER || size <= p.size) p.size = size;
    }
  }
}

void TaHost::unmap_window(Instance& in) {
  const unsigned n = static_cast<unsigned>(&in - instances_);
  const unsigned spans = memref_span_count_[n];
  memref_span_count_[n] = 0;
  if (spans == 0 || !in.tables) return;
  // Each reference's span whole, as it was mapped: its blocks go whole,
  // with no table needed to split them.
  bool all_gone = true;
  for (unsigned i = 0; i < spans; ++i) {
    const MemrefSpan& span = memref_spans_[n][i];
    if (span.end > span.start && !in.tables->unmap(span.start, span.end - span.start)) all_gone = false;
  }
  in.tables->release_empty_tables(TA_MEMREF_VA, memref_spans_[n][spans - 1].end - TA_MEMREF_VA);
  if (!all_gone) {
    // Normal-world memory the TA could still reach after the call: it
    // never runs again (its tables go when its last session closes).
    lib::log::error("TA instance {}: its memory references could not all be unmapped; it is stopped", n);
    in.dead = true;
  }
}

TaHost::Session* TaHost::find_session(ffa::EndpointId client, int owner_instance, uint32_t id) {
  for (Session& s : sessions_)
    if (s.used && !s.closing && s.instance && s.id == id && s.client == client && s.owner_instance == owner_instance)
      return &s;
  return nullptr;
}

uint32_t TaHost::open(ffa::EndpointId client, int owner_instance, unsigned depth, const optee::TaUuid& uuid,
                      optee::CallParams& params, uint32_t cancel_id, uint32_t& session, uint32_t& origin) {
  origin = TEE_ORIGIN_TEE;
  const optee::TaImage* ta = store_.find(uuid);
  if (!ta) ta = dynamic_.find(uuid);
  if (!ta) {  // from tee-supplicant, signed
    uint32_t r;
    ta = load_ta(uuid, r);
    if (!ta) return r;
  }
  if (!ta) return TEE_ERROR_ITEM_NOT_FOUND;
  Session* s = nullptr;
  for (Session& c : sessions_)
    if (!c.used && !s) s = &c;
  if (!s) return TEE_ERROR_OUT_OF_MEMORY;
  *s = Session{true, 0, nullptr, 0, client, owner_instance, cancel_id, false, false};  // claimed (see Session)
  // A single-instance TA's live instance serves it; otherwise a new one.
  Instance* in = nullptr;
  bool being_created = false;
  if (ta->single_instance())
    for (Instance& i : instances_)
      if (i.used && !i.dead && !i.dying && i.ta == ta) {
        // One still being created (its creator's thread stopped in
        // TA_CreateEntryPoint) serves a multi-session TA's open too, which
        // waits for it to be free; a single-session TA's one session is
        // its creator's.
        if (i.creating && !ta->multi_session()) being_created = true;
        else in = &i;
      }
  uint32_t result = TEE_SUCCESS;
  const bool created = !in;
  if (being_created) {
    result = TEE_ERROR_BUSY;  // its one session is being opened (by the open that creates its instance)
  } else if (!in || ta->multi_session() || in->sessions == 0) {
    if (!in) in = create_instance(*ta, depth, result, origin);
  } else {
    result = TEE_ERROR_BUSY;  // single session, and it is taken
  }
  // The creator's slot (0) and count were taken by create_instance; a
  // joiner takes the first free one.
  unsigned slot = 0;
  if (!created) {
    while (in && result == TEE_SUCCESS && slot < TA_MAX_SESSIONS && in->session_slot_used[slot]) ++slot;
    if (in && result == TEE_SUCCESS && slot == TA_MAX_SESSIONS) result = TEE_ERROR_OUT_OF_MEMORY;
  }
  if (!in || result != TEE_SUCCESS) {
    s->used = false;
    return result;
  }
  // Not findable (closing) until its OPEN succeeded: no close or invoke
  // may reach a session the TA has not opened.
  *s = Session{true, next_id_++, in, slot, client, owner_instance, cancel_id, false, true};
  if (next_id_ == 0) next_id_ = 1;
  if (!created) {
    in->session_slot_used[slot] = true;
    ++in->sessions;
  }
  result = enter(*in, depth, TA_OP_OPEN_SESSION, slot, 0, &params, s, origin);
  if (result != TEE_SUCCESS) {
    if (origin != TEE_ORIGIN_TEE) origin = TEE_ORIGIN_TRUSTED_APP;
    s->used = false;
    in->session_slot_used[slot] = false;
    --in->sessions;
    // An instance left without sessions goes, as at a close (a kept-alive
    // single instance apart), unless it is going already.
    if (in->sessions == 0 && !in->dying &&
        (created || in->dead || !(in->ta->single_instance() && in->ta->keep_alive()))) {
      in->dying = true;  // (DESTROY may yield: nobody joins meanwhile)
      if (!in->dead) (void)enter(*in, depth, TA_OP_DESTROY, 0, 0, nullptr, nullptr, origin);
      free_instance(*in);
    }
    return result;
  }
  s->closing = false;
  session = s->id;
  return TEE_SUCCESS;
}

uint32_t TaHost::run_invoke(Session& s, unsigned depth, uint32_t command, optee::CallParams& params,
                            uint32_t cancel_id, uint32_t& origin) {
  s.cancel_id = cancel_id;
  s.cancelled = false;
  return enter(*s.instance, depth, TA_OP_INVOKE, s.slot, command, &params, &s, origin);
}

uint32_t TaHost::close(Session& s, unsigned depth, uint32_t& origin) {
  Instance& in = *s.instance;
  origin = TEE_ORIGIN_TEE;
  // Once: from here on a second close (or an invoke) no longer finds it,
  // whether this one waits or not (its CLOSE_SESSION and DESTROY may
  // yield too).
  s.closing = true;
  bool waited = false;
  if (in.busy) {  // its call is still running (suspended): close after it
    const uint32_t generation = in.generation, id = s.id;
    const auto still_this = [&] {
      return s.used && s.closing && s.id == id && s.instance == &in && in.used && in.generation == generation;
    };
    if (const uint32_t r = wait_until_free(in, depth)) {
      if (still_this()) s.closing = false;  // not closed: the client may try again
      return r;
    }
    // Closed meanwhile with its instance (the instance died and its
    // owner's sessions went with it; the record may be another's now;
    // free_instance woke every waiter): nothing left to do.
    if (!still_this()) return TEE_SUCCESS;
    waited = true;
  }
  if (!in.dead && !in.dying) {
    (void)enter(in, depth, TA_OP_CLOSE_SESSION, s.slot, 0, nullptr, &s, origin);
  } else if (waited) {
    wake_one(in.waiting);  // the turn it waited for goes on
  }
  s.used = false;
  in.session_slot_used[s.slot] = false;
  --in.sessions;
  if (in.sessions == 0 && !in.dying && (in.dead || !(in.ta->single_instance() && in.ta->keep_alive()))) {
    in.dying = true;  // (DESTROY may yield: nobody joins meanwhile)
    if (!in.dead) (void)enter(in, depth, TA_OP_DESTROY, 0, 0, nullptr, nullptr, origin);
    free_instance(in);
  }
  origin = TEE_ORIGIN_TEE;
  return TEE_SUCCESS;
}

uint32_t TaHost::open_session(const optee::Client& client, const optee::TaUuid& ta, optee::CallParams& params,
                              uint32_t cancel_id, uint32_t& session, uint32_t& origin) {
  return open(client.endpoint, -1, 0, ta, params, cancel_id, session, origin);
}

uint32_t TaHost::invoke(const optee::Client& client, uint32_t session, uint32_t command, optee::CallParams& params,
                        uint32_t cancel_id, uint32_t& origin) {
  origin = TEE_ORIGIN_TEE;
  Session* s = find_session(client.endpoint, -1, session);
  if (!s) return TEE_ERROR_BAD_PARAMETERS;  // not a session of this client's (OP-TEE's answer)
  const uint32_t r = run_invoke(*s, 0, command, params, cancel_id, origin);
  if (r != TEE_SUCCESS && origin != TEE_ORIGIN_TEE) origin = TEE_ORIGIN_TRUSTED_APP;
  return r;
}

uint32_t TaHost::close_session(const optee::Client& client, uint32_t session, uint32_t& origin) {
  origin = TEE_ORIGIN_TEE;
  Session* s = find_session(client.endpoint, -1, session);
  if (!s) return TEE_ERROR_BAD_PARAMETERS;
  return close(*s, 0, origin);
}

void TaHost::cancel(const optee::CallId& call) {
  Session* s = find_session(call.client, -1, call.session);
  if (s && s->cancel_id == call.cancel_id) s->cancelled = true;
}

void ta_preemption_point() { threads().preemption_point(); }

TaHost& ta_host() {
  static TaHost instance;
  return instance;
}

}  // namespace sel1
