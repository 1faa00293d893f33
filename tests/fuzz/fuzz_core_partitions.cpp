// Fuzz target: the SPMC core with partitions in their own contexts, driven
// as the trusted OS drives it, on several CPUs. The input is a stream of
// events, each on a CPU it picks (CPU 0 boots the partitions; the others
// come up afterwards, and start the MP partition's contexts for them): a
// call from the normal world, or, while a partition runs on that CPU, a
// call from it (any registers: FF-A calls and Hafnium's HF_INTERRUPT_*
// calls) or its fault; and secure interrupts raised at the modelled
// interrupt controller, which the SPMD hands over with FFA_INTERRUPT. CPUs
// interleave at call boundaries, as they do once no lock is held while a
// partition runs. After every step the invariants hold: the contexts that
// are running or booting are exactly those the CPUs are in, one CPU each
// (a UP partition's one context on one CPU at a time, an MP partition's
// context i on CPU i only); answers to the normal world are well-formed;
// aborted partitions never run again; boot ends; and every partition
// interrupt is let through the controller exactly when the core says it
// may be (enabled and not held back), or while it is retriggered. Half the
// inputs model a placement whose partitions take virtual interrupts (the
// S-EL2 SPMC): managed exit is then a signal, and a managed exit lasts only
// while its context works for the normal world. In half, the MP partition
// asks to be told of PSCI CPU_OFF (power-management-messages): the SPMD's
// CPU_OFF then runs its context there until it answers (any way, or
// faults), and the SPMD's answer must follow from what it answered.
//
// Memory: each partition has its own image, declared regions and RX/TX
// pair in the fake placement, and the events include memory transactions
// between partitions (and, before boot, from the normal world), retrieving,
// relinquishing and reclaiming them, and FFA_MEM_PERM_GET/SET on own,
// borrowed, buffer and normal-world addresses. After every step: a
// borrowed page is never executable, never more writable than when it was
// mapped, and keeps its security state; a retrieved page is writable only
// if the transaction granted write and the borrower asked for it; a
// partition's own pages stay secure, and its RX/TX pair read-write data.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <utility>

#include "arch/fake/fake_placement.h"
#include "ffa/partition_manifest.h"
#include "fuzz_check.h"
#include "fuzz_input.h"
#include "spmc/core.h"

namespace {

constexpr uint32_t kFids[] = {
    0x84000060, 0x84000061, 0x84000063, 0x84000064, 0x84000069, 0x8400006B, 0x8400006F, 0xC400006F,
    0x84000070, 0xC4000070, 0x84000085, 0x8400008A, 0xC400008A, 0x84000068, 0x84000066, 0x840000FF,
    0xC400008D, 0xC400008E, 0x84000086, 0x84000065, 0xC4000088, 0xC4000089, 0xC400008B, 0xC4000087,
    0x8400006D, 0x8400006C, 0x8400007D, 0x8400007F, 0x84000080, 0x84000081, 0x84000082, 0xC4000083};
constexpr uint16_t kIds[] = {0x8001, 0x8002, 0x8003, 0x0000, 0x8000, 0xFFFF, 0x0001};
// CPUs that interleave (the MP partition 0x8003 has a context on each).
constexpr unsigned kCpus = 3;
// Partitions' interrupts (0x8001: 40 and 41, 0x8002: 42), the trusted OS's
// timer, the managed exit signal's ID (for HF_INTERRUPT_*), others nobody
// owns.
constexpr uint32_t kIntids[] = {40, 41, 42, 29, 43, 4, 1023, 0};
constexpr uint32_t kHfCalls[] = {0xFF03, 0xFF04, 0xFF08};

// Memory, per partition i at kSecureBase + i * kStride: two read-write and
// one read-only page it may lend, its image (two pages), then its RX and
// TX buffers; the next partition's memory follows at once. The normal
// world's RX/TX pair and the pages it lends are in its memory at kNs.
constexpr uint64_t kStride = 0x7000, kImageOff = 0x3000, kRxOff = 0x5000, kTxOff = 0x6000;
constexpr uint64_t kNs = 0x40000000, kNsLend = kNs + 0x10000;
uint64_t own_base(size_t i) { return fake::FakePlacement::kSecureBase + i * kStride; }
constexpr uint32_t kTransfers[] = {ffa::raw(ffa::Func::mem_share_64), ffa::raw(ffa::Func::mem_lend_64),
                                   ffa::raw(ffa::Func::mem_donate_64)};

void put(uint8_t* b, size_t off, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
}

// A v1.2 transaction descriptor (one receiver, one range) or retrieve
// request (handle given, no range); its length.
uint32_t descriptor(uint8_t* b, uint16_t sender, uint16_t receiver, uint8_t perm, uint64_t handle, uint64_t address,
                    uint32_t pages) {
  constexpr uint32_t kComposite = 80;
  const bool request = handle != 0;
  const uint32_t length = request ? kComposite : kComposite + 32;
  std::memset(b, 0, length);
  put(b, 0, sender, 2);
  put(b, 2, request ? 0 : 0x2F, 2);
  put(b, 8, handle, 8);
  put(b, 24, 32, 4);
  put(b, 28, 1, 4);
  put(b, 32, 48, 4);
  put(b, 48, receiver, 2);
  put(b, 50, perm, 1);
  if (request) return length;
  put(b, 52, kComposite, 4);
  put(b, kComposite, pages, 4);
  put(b, kComposite + 4, 1, 4);
  put(b, kComposite + 16, address, 8);
  put(b, kComposite + 24, pages, 4);
  return length;
}

// An address worth trying: a page partition `id` has mapped (its own or
// borrowed), a page of some partition's memory (or just past it), a page
// the normal world lends, or anything.
uint64_t pick_address(FuzzInput& in, const fake::FakePlacement& placement, uint16_t id) {
  const uint8_t b = in.byte();
  if (b < 112) {
    // Below 64: a borrowed page, if it has one.
    const bool borrowed = b < 64;
    const auto first = placement.pages().lower_bound({id, 0});
    const auto last = placement.pages().lower_bound({static_cast<uint16_t>(id + 1), 0});
    size_t n = 0;
    for (auto it = first; it != last; ++it) n += !borrowed || !it->second.own ? 1 : 0;
    if (n != 0) {
      size_t k = in.byte() % n;
      for (auto it = first; it != last; ++it) {
        if (borrowed && it->second.own) continue;
        if (k-- == 0) return it->first.second;
      }
    }
  }
  if (b < 208) return fake::FakePlacement::kSecureBase + (b % 24) * 0x1000ull;
  if (b < 248) return kNsLend + (b % 8) * 0x1000ull;
  return in.word();
}

// Handles the core answered with, to retrieve, relinquish and reclaim.
struct Handles {
  uint64_t h[8] = {};
  unsigned next = 0;
  void note(uint32_t fid, const ffa::Regs& answer) {
    if (answer.w(0) != ffa::raw(ffa::Func::success_32)) return;
    for (uint32_t t : kTransfers)
      if (fid == t || fid == (t & ~0x40000000u)) h[next++ % 8] = answer.x[2] | answer.x[3] << 32;
  }
  uint64_t pick(FuzzInput& in) const {
    const uint8_t b = in.byte();
    if (b >= 240 || next == 0) return in.word();
    return h[(next - 1 - b % (next < 8 ? next : 8)) % 8];  // most recent first
  }
};

// Memory access permissions for a transaction or a retrieve request:
// mostly sensible ones (read-only, read-write, not executable or left
// unspecified), sometimes any.
uint8_t pick_access(FuzzInput& in) {
  constexpr uint8_t kUsual[] = {1 | 4, 2 | 4, 1, 2, 0};
  const uint8_t b = in.byte();
  return b < 200 ? kUsual[b % 5] : b & 0xF;
}

// A memory event by partition `idx`: a transaction of its own memory, a
// retrieve, a relinquish or a reclaim, or FFA_MEM_PERM_GET/SET. Its call,
// to be made by the caller.
ffa::Regs memory_event(FuzzInput& in, spmc::Core& core, const fake::FakePlacement& placement, size_t idx, uint8_t* tx,
                       const Handles& handles) {
  const uint16_t self = core.partition(idx).info.id.raw();
  const uint8_t kind = in.byte() % 8;
  // Its RX/TX pair at run time: unmapped, then mapped again from pages
  // of its own (or anything pick_address offers, which may not be).
  if (kind == 6) return ffa::Regs{{ffa::raw(ffa::Func::rxtx_unmap), (in.byte() & 1) ? uint64_t{self} << 16 : 0}};
  if (kind == 7) {
    const uint64_t tx_at = pick_address(in, placement, self), rx_at = pick_address(in, placement, self);
    return ffa::Regs{{ffa::raw(ffa::Func::rxtx_map_64), tx_at, rx_at, 1u + in.byte() % 2}};
  }
  if (kind == 0) {
    const uint32_t fid = kTransfers[in.byte() % 3];
    const uint16_t to = kIds[in.byte() % 7];
    const uint8_t perm = pick_access(in);
    const uint64_t address = pick_address(in, placement, self);
    const uint32_t n = descriptor(tx, self, to, perm, 0, address, 1 + in.byte() % 3);
    return ffa::Regs{{fid, n, n}};
  }
  const uint64_t handle = handles.pick(in);
  if (kind == 1) {
    const spmc::MemShare* s = core.share(handle);
    const uint16_t lender = s && (in.byte() & 7) ? s->sender.raw() : kIds[in.byte() % 7];
    const uint32_t n = descriptor(tx, lender, self, pick_access(in), handle, 0, 0);
    return ffa::Regs{{ffa::raw(ffa::Func::mem_retrieve_req_64), n, n}};
  }
  if (kind == 2) {
    std::memset(tx, 0, 32);
    put(tx, 0, handle, 8);
    put(tx, 8, in.byte() & 1, 4);
    put(tx, 12, 1, 4);
    put(tx, 16, self, 2);
    return ffa::Regs{{ffa::raw(ffa::Func::mem_relinquish)}};
  }
  if (kind == 3)
    return ffa::Regs{{ffa::raw(ffa::Func::mem_reclaim), static_cast<uint32_t>(handle), handle >> 32, in.byte() & 1u}};
  const uint8_t form = in.byte();
  const uint64_t address = pick_address(in, placement, self);
  const bool wide = form & 1;
  if (kind == 4) {
    const ffa::Func f = wide ? ffa::Func::mem_perm_set_64 : ffa::Func::mem_perm_set_32;
    return ffa::Regs{{ffa::raw(f), address, 1u + (form >> 1) % 4, in.byte() & 7u}};
  }
  return ffa::Regs{{ffa::raw(wide ? ffa::Func::mem_perm_get_64 : ffa::Func::mem_perm_get_32), address}};
}

// What each partition's pages were when they were mapped, for the
// borrowed ones: permissions may only ever go down from there.
using Shadow = std::map<std::pair<uint16_t, uint64_t>, fake::FakePlacement::Page>;

void check_memory(spmc::Core& core, const fake::FakePlacement& placement, Shadow& shadow) {
  Shadow seen;
  for (const auto& [key, page] : placement.pages()) {
    if (page.own) {
      FUZZ_CHECK(!page.ns);
      // Its RX/TX pair, while mapped, stays read-write data (once
      // unmapped the pages are its own to change while it boots).
      for (size_t i = 0; i < core.partition_count(); ++i) {
        if (core.partition(i).info.id.raw() != key.first) continue;
        if (core.partition(i).mailbox.overlaps(key.second, 0x1000)) FUZZ_CHECK(page.writable && !page.exec);
      }
      continue;
    }
    FUZZ_CHECK(!page.exec);
    auto it = shadow.find(key);
    if (it != shadow.end()) {
      FUZZ_CHECK(!page.writable || it->second.writable);
      FUZZ_CHECK(page.ns == it->second.ns);
      seen[key] = it->second;
    } else {
      seen[key] = page;
    }
  }
  shadow = std::move(seen);
  // The pool of ranges: in use == the ranges of the live transactions.
  size_t ranges_in_use = 0;
  for (size_t k = 0; k < spmc::kMaxShares; ++k) ranges_in_use += core.share_slot(k).constituent_count;
  FUZZ_CHECK(ranges_in_use == core.pool_in_use());
  // Every retrieved range is mapped for its borrower as the transaction
  // allows it, and no transaction covers a page of any endpoint's mapped
  // RX/TX pair (which the SPMC writes).
  for (size_t k = 0; k < spmc::kMaxShares; ++k) {
    const spmc::MemShare& s = core.share_slot(k);
    if (s.state != spmc::MemShare::State::ready) continue;
    for (uint32_t c = 0; c < s.constituent_count; ++c) {
      const ffa::MemConstituent& range = core.constituents(s)[c];
      for (size_t i = 0; i < core.partition_count(); ++i)
        FUZZ_CHECK(!core.partition(i).mailbox.overlaps(range.address, uint64_t{range.pages} * 0x1000ull));
    }
    for (unsigned r = 0; r < s.receiver_count; ++r) {
      if (!s.retrieved(r) || !s.receivers[r].is_secure()) continue;
      const bool may_write = (s.retrieved_as[r] & ffa::mem_perm::data_mask) == ffa::mem_perm::data_rw;
      FUZZ_CHECK(!may_write || (s.permissions[r] & ffa::mem_perm::data_mask) == ffa::mem_perm::data_rw);
      const ffa::MemConstituent* ranges = core.constituents(s);
      for (uint32_t c = 0; c < s.constituent_count; ++c)
        for (uint32_t pg = 0; pg < ranges[c].pages; ++pg) {
          const auto* page = placement.page(s.receivers[r], ranges[c].address + pg * 0x1000ull);
          FUZZ_CHECK(page != nullptr && !page->own && !page->exec && page->ns == s.ns);
          FUZZ_CHECK(!page->writable || may_write);
        }
    }
  }
}

ffa::Regs regs_from(FuzzInput& in) {
  ffa::Regs r{};
  r.x[0] = kFids[in.byte() % (sizeof(kFids) / sizeof(kFids[0]))];
  const uint16_t s = kIds[in.byte() % 7], d = kIds[in.byte() % 7];
  r.x[1] = (uint64_t{s} << 16) | d;
  const uint8_t shape = in.byte();
  r.x[2] = (shape & 1) ? in.word() : 0;
  for (unsigned i = 3; i < 8; ++i) r.x[i] = (shape & (1u << (i - 2))) ? in.word() : i;
  if (shape & 0x80) {
    // A Hafnium interrupt call: an interrupt ID in x1 (and often x2).
    r.x[0] = kHfCalls[in.byte() % 3];
    r.x[1] = kIntids[in.byte() % 8];
    r.x[2] = (shape & 1) ? r.x[1] : in.byte() % 3;
    r.x[3] = in.byte() % 3;
  }
  return r;
}

// The controller and the core agree on each partition interrupt.
void check_interrupts(const spmc::Core& core, const fake::FakePlacement& placement) {
  unsigned deferred = 0;
  for (size_t i = 0; i < core.partition_count(); ++i) {
    const spmc::Partition& p = core.partition(i);
    for (unsigned k = 0; k < p.interrupt_count; ++k) {
      const spmc::OwnedInterrupt& irq = p.interrupts[k];
      FUZZ_CHECK(!(irq.pending() && irq.active()));
      FUZZ_CHECK(!irq.signalled() || irq.pending());
      FUZZ_CHECK(!irq.retriggered() || (irq.pending() && !irq.signalled()));
      const bool retriggered = irq.pending() && !irq.signalled();
      deferred += retriggered ? 1 : 0;
      const bool at_gic = placement.interrupt_enabled(irq.id);
      if (p.aborted()) {
        FUZZ_CHECK(!at_gic && !irq.pending() && !irq.active());
      } else {
        FUZZ_CHECK(!irq.unmasked() || at_gic);
        FUZZ_CHECK(!at_gic || irq.unmasked() || retriggered);
      }
    }
  }
  // Contexts' emulated timers: a pending one is a deferred interrupt too;
  // one raised on its line belongs to a context that works (never one
  // that waits: its work ended and it was made pending again); an aborted
  // partition has none.
  unsigned timers = 0;
  for (size_t i = 0; i < core.partition_count(); ++i) {
    const spmc::Partition& p = core.partition(i);
    for (const spmc::ExecutionContext& c : p.contexts) {
      timers += c.timer() == spmc::ExecutionContext::Timer::pending ? 1 : 0;
      if (c.timer() == spmc::ExecutionContext::Timer::raised)
        FUZZ_CHECK(c.state() != spmc::PartitionState::waiting && c.state() != spmc::PartitionState::created);
      if (p.aborted()) FUZZ_CHECK(c.timer() == spmc::ExecutionContext::Timer::none && !c.timer_active());
    }
  }
  FUZZ_CHECK(timers == core.pending_timers());
  FUZZ_CHECK(deferred + timers == core.deferred_interrupts());
}

// Virtual interrupts (where the placement gives them): a signalled
// interrupt names one of its partition's contexts; a managed exit lasts
// only while its context works for the normal world's request (running,
// or blocked on a request of its own), and only where it can be signalled.
void check_virtual(const spmc::Core& core, bool virtual_interrupts) {
  for (size_t i = 0; i < core.partition_count(); ++i) {
    const spmc::Partition& p = core.partition(i);
    // The NPI only where it can be taken, and never for a stopped partition.
    FUZZ_CHECK(!p.npi_pending || (virtual_interrupts && p.notifications.created && !p.aborted()));
    for (unsigned k = 0; k < p.interrupt_count; ++k) {
      const spmc::OwnedInterrupt& irq = p.interrupts[k];
      if (!irq.signalled()) continue;
      FUZZ_CHECK(irq.signalled_to() >= &p.contexts[0] && irq.signalled_to() < &p.contexts[p.info.exec_ctx_count]);
    }
    for (unsigned c = 0; c < p.info.exec_ctx_count; ++c) {
      const spmc::ExecutionContext& x = p.contexts[c];
      if (x.managed_exit == spmc::ExecutionContext::ManagedExit::none) continue;
      FUZZ_CHECK(virtual_interrupts && p.ns_action == ffa::NsInterruptAction::managed_exit);
      FUZZ_CHECK(x.state() == spmc::PartitionState::running || x.state() == spmc::PartitionState::blocked);
      FUZZ_CHECK(!x.requester().is_secure());
    }
  }
}

bool well_formed_answer(const ffa::Regs& r) {
  const uint32_t f = r.w(0);
  return f == 0x84000060 || f == 0x84000061 || f == 0xC4000061 || f == 0x84000070 || f == 0xC4000070 ||
         f == 0xC400008E || f == 0x8400006B /* MSG_WAIT ends FFA_RUN */ || f == 0x8400006C /* YIELD */ ||
         f == 0x84000062 /* INTERRUPT */ || f == 0x8400007C /* NORMAL_WORLD_RESUME */ ||
         (f & 0x80000000u) == 0 || f == 0xFFFFFFFFu;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in{data, size};
  fake::FakePlacement placement;
  // Half the inputs model an S-EL2 placement, whose partitions take
  // virtual interrupts (managed exit as a signal; a running partition's
  // own interrupt signalled in place).
  placement.virtual_interrupts = (in.byte() & 1) != 0;
  spmc::Core core(placement, spmc::CoreConfig{ffa::EndpointId(0x8000), ffa::kVersion1_2});
  // Partition 0x8001 sends and receives everything; the others only
  // receive direct requests. 0x8003 is MP: one context per CPU. Each has
  // its memory and an RX/TX pair.
  for (uint16_t id : {0x8001, 0x8002, 0x8003}) {
    spmc::Partition p{};
    const uint32_t extra = id == 0x8001 ? (ffa::partition_props::direct_req_send | ffa::partition_props::indirect_msg |
                                           ffa::partition_props::direct_req2_recv)
                                        : 0;
    p.info = ffa::PartitionInfo{ffa::EndpointId(id), static_cast<uint16_t>(id == 0x8003 ? kCpus : 1),
                                ffa::partition_props::direct_req_recv | ffa::partition_props::aarch64 | extra,
                                ffa::Uuid{{id, 1, 2, 3}}};
    p.boot_order = in.byte();
    p.version = ffa::kVersion1_2;
    // 0x8001 and 0x8002 take notifications (one vCPU each).
    p.notifications.created = id != 0x8003;
    p.notifications.vcpu_count = 1;
    // 0x8001 has normal-world interrupts signalled, 0x8002 managed exit.
    p.ns_action = id == 0x8001 ? ffa::NsInterruptAction::signaled
                               : id == 0x8002 ? ffa::NsInterruptAction::managed_exit : ffa::NsInterruptAction::queued;
    for (uint32_t intid : {40u, 41u, 42u})
      if ((intid == 42) == (id == 0x8002) && id != 0x8003) p.interrupts[p.interrupt_count++].id = intid;
    // Others' secure interrupts preempt it (signaled) or wait (queued).
    p.other_secure_interrupts_queued = (in.byte() & 1) != 0;
    // The MP partition may ask to be told of CPU_OFF; it then has its
    // secondary entry from the start (otherwise only the rare input whose
    // boot registers one starts contexts on other CPUs to tell).
    if (id == 0x8003 && (in.byte() & 1)) {
      p.power_messages = ffa::power_messages::cpu_off;
      p.secondary_entry = own_base(2) + kImageOff;
    }
    FUZZ_CHECK(core.add_partition(p).ok());
  }
  for (size_t i = 0; i < 3; ++i) {
    const ffa::EndpointId id = core.partition(i).info.id;
    const uint64_t base = own_base(i);
    placement.give_partition_memory(id, base, 2, true);
    placement.give_partition_memory(id, base + 0x2000, 1, false);
    placement.give_partition_image(id, base + kImageOff, 2);
    placement.give_partition_buffers(id, base + kRxOff, 2);
    core.attach_partition_mailbox(i, placement.secure_memory(base + kTxOff), placement.secure_memory(base + kRxOff), 1,
                                  base + kTxOff, base + kRxOff);
  }
  Handles handles;
  // Sometimes the normal world lends before the partitions start, so that
  // they find borrowed normal-world memory while they initialise.
  const uint8_t early = in.byte();
  if (early & 1) {
    ffa::Regs answer{};
    (void)core.handle_nwd_call(ffa::Regs{{ffa::raw(ffa::Func::version), 0x10002}}, answer);
    (void)core.handle_nwd_call(ffa::Regs{{ffa::raw(ffa::Func::rxtx_map_64), kNs, kNs + 0x1000, 1}}, answer);
    for (unsigned k = 0; k < 1u + ((early >> 1) & 1); ++k) {
      const uint32_t fid = kTransfers[in.byte() % 2];  // share or lend
      const uint32_t n = descriptor(placement.ns_memory(kNs), 0, kIds[in.byte() % 3], pick_access(in), 0,
                                    kNsLend + (in.byte() % 8) * 0x1000ull, 1 + in.byte() % 2);
      (void)core.handle_nwd_call(ffa::Regs{{fid, n, n}}, answer);
      handles.note(fid, answer);
    }
  }
  // What each CPU does: the last outcome of its call, and the partition it
  // is in when that says run (scheduled() is read at once, before another
  // CPU's call changes it).
  // A partition preempted on the CPU by another's interrupt handler waits
  // below it (`below`), running still, until the handler waits again.
  static constexpr size_t kNone = ~size_t{0};
  struct Cpu {
    bool up = false;
    bool booting = false;
    bool off_told = false;  // the SPMD's CPU_OFF waits for the MP partition's answer
    bool agreed = false;    // and that partition agreed (the answer's w3 was SUCCESS)
    spmc::Outcome o = spmc::Outcome::reply_to_caller;
    size_t idx = 0;
    size_t below = kNone;
    ffa::Regs out{};
    bool in_partition() const { return o == spmc::Outcome::run_partition || o == spmc::Outcome::resume_partition; }
  };
  Cpu cpus[kCpus];
  auto settle = [&](Cpu& c, spmc::Outcome o) {
    c.o = o;
    if (c.in_partition()) c.idx = core.scheduled();
    if (c.in_partition() && c.idx == c.below) c.below = kNone;  // the handler gave it back
    // Nothing leaves a preempted partition behind.
    FUZZ_CHECK(c.below == kNone || c.in_partition());
  };
  Shadow shadow;
  cpus[0].up = cpus[0].booting = true;
  placement.cpu = 0;
  settle(cpus[0], core.boot_next(cpus[0].out));
  for (unsigned step = 0; step < 256 && !in.empty(); ++step) {
    // Invariant: the running or booting contexts are exactly the ones the
    // CPUs are in, each on one CPU (its own, for an MP partition's).
    bool in_use[3][kCpus] = {};
    for (unsigned c = 0; c < kCpus; ++c) {
      if (!cpus[c].in_partition()) continue;
      for (const size_t i : {cpus[c].idx, cpus[c].below}) {
        if (i == kNone) continue;
        const unsigned ctx = core.partition(i).mp() ? c : 0;
        FUZZ_CHECK(!in_use[i][ctx]);
        in_use[i][ctx] = true;
      }
    }
    for (size_t i = 0; i < core.partition_count(); ++i)
      for (unsigned ctx = 0; ctx < core.partition(i).info.exec_ctx_count; ++ctx) {
        const auto st = core.partition(i).contexts[ctx].state();
        FUZZ_CHECK((st == spmc::PartitionState::running || st == spmc::PartitionState::booting) == in_use[i][ctx]);
      }
    check_interrupts(core, placement);
    check_virtual(core, placement.virtual_interrupts);
    check_memory(core, placement, shadow);
    // The CPU this event happens on: while CPU 0 boots the partitions, it
    // alone; then any, another CPU coming up first if it is not.
    unsigned c = 0;
    if (!cpus[0].booting) {
      c = in.byte() % kCpus;
      if (!cpus[c].up) {
        cpus[c].up = cpus[c].booting = true;
        placement.cpu = c;
        settle(cpus[c], core.boot_next(cpus[c].out));
        continue;
      }
    }
    Cpu& cpu = cpus[c];
    placement.cpu = c;
    ffa::Regs& out = cpu.out;
    if (cpu.in_partition()) {
      const size_t idx = cpu.idx;
      const unsigned ctx = core.partition(idx).mp() ? c : 0;
      FUZZ_CHECK(idx < core.partition_count());
      // Its context here runs (a fault in another of its contexts stops
      // this one at its next call or interrupt, not before).
      FUZZ_CHECK(core.partition(idx).contexts[ctx].state() != spmc::PartitionState::aborted);
      FUZZ_CHECK(core.partition(idx).contexts[ctx].state() != spmc::PartitionState::created);
      const uint8_t event = in.byte();
      const spmc::ExecutionContext& x = core.partition(idx).contexts[ctx];
      const bool told = x.handles_request() && x.requester().raw() == 0x8000;
      if (event % 8 == 6 && told) {
        // Told of CPU_OFF: the framework answer, agreeing or not (the
        // other events answer it any way at all).
        FUZZ_CHECK(cpu.off_told && idx == 2);
        const uint32_t status = (event & 0x40) ? 0 : 0xFFFFFFFDu;
        cpu.agreed = status == 0;
        settle(cpu, core.handle_sp_call(idx, ffa::Regs{{0x84000070, 0x80038000, 0x80000002, status}}, out));
        continue;
      }
      // (An MP partition that asked to be told of CPU_OFF faults only while
      // told, and there ends its boot instead: it must live to be told. The
      // other inputs fault it anywhere.)
      const bool may_fault = core.partition(idx).power_messages == 0 || told;
      if (event % 8 == 0 && !may_fault && x.booting()) {
        settle(cpu, core.handle_sp_call(idx, ffa::Regs{{0x8400006B}}, out));
        continue;
      }
      if (event % 8 == 0 && may_fault) {
        settle(cpu, core.sp_aborted(idx, out));
      } else if (event % 8 == 1 && core.ns_interrupts_unmasked(idx)) {
        // A normal-world interrupt, where the placement would let one in.
        const bool stopped = core.partition(idx).aborted();
        const bool managed_exit = placement.virtual_interrupts &&
                                  core.partition(idx).ns_action == ffa::NsInterruptAction::managed_exit;
        settle(cpu, core.sp_interrupted(idx, out));
        if (stopped) {
          FUZZ_CHECK(core.partition(idx).contexts[ctx].state() == spmc::PartitionState::aborted);
        } else if (managed_exit) {
          // Its signal raised; it carries on, the normal world's interrupts
          // held back until it answers.
          FUZZ_CHECK(cpu.o == spmc::Outcome::resume_partition && cpu.idx == idx);
          FUZZ_CHECK(core.partition(idx).contexts[ctx].managed_exit ==
                     spmc::ExecutionContext::ManagedExit::signalled);
          FUZZ_CHECK(!core.ns_interrupts_unmasked(idx));
          const spmc::Core::VirtualLines lines = core.virtual_lines(idx);
          FUZZ_CHECK(lines.irq || lines.fiq);
        } else {
          FUZZ_CHECK(cpu.o == spmc::Outcome::reply_to_caller && out.w(0) == 0x84000062);
          FUZZ_CHECK(core.partition(idx).contexts[ctx].state() == spmc::PartitionState::preempted);
        }
      } else if (event % 8 == 2) {
        // A secure interrupt while it runs (IRQ at S-EL0): top half, then
        // the same partition carries on, unless another of its contexts
        // faulted meanwhile: then it stops too.
        if ((event >> 6) == 3) {
          // The placement's host timer: some partition's timer is due on
          // this CPU (perhaps this one's, which then sees it on its line).
          placement.timers_due.push_back(in.byte() % core.partition_count());
          placement.raise_interrupt(fake::FakePlacement::kHostTimer);
        } else {
          placement.raise_interrupt(kIntids[(event >> 3) % 8]);
        }
        const bool stopped = core.partition(idx).aborted();
        const bool nested = cpu.below != kNone;
        settle(cpu, core.sp_secure_interrupted(idx, out));
        if (stopped) {
          FUZZ_CHECK(!(cpu.o == spmc::Outcome::resume_partition && cpu.idx == idx));
        } else if (cpu.o == spmc::Outcome::run_partition) {
          // Another partition's handler, for its interrupt, on top of this
          // one: only where this one lets it, never on a handler.
          FUZZ_CHECK(cpu.idx != idx && !nested && !core.partition(idx).other_secure_interrupts_queued);
          FUZZ_CHECK(out.w(0) == 0x84000062);
          cpu.below = idx;
        } else {
          FUZZ_CHECK(cpu.o == spmc::Outcome::resume_partition && cpu.idx == idx);
        }
      } else if (event % 8 == 5 && (event & 0x18) == 0) {
        // It rewrites its timer (off, or a later deadline): a trapped
        // access the placement emulates; it carries on.
        core.timer_quiet(idx);
      } else if (event % 8 == 3 || event % 8 == 4) {
        uint8_t* tx = placement.secure_memory(own_base(idx) + kTxOff);
        const ffa::Regs call = memory_event(in, core, placement, idx, tx, handles);
        settle(cpu, core.handle_sp_call(idx, call, out));
        if (cpu.o == spmc::Outcome::run_partition && cpu.idx == idx) handles.note(call.w(0), out);
      } else {
        const ffa::Regs call = regs_from(in);
        settle(cpu, core.handle_sp_call(idx, call, out));
      }
      continue;
    }
    if (cpu.off_told) {
      // The MP partition's context here answered CPU_OFF (or faulted): the
      // SPMD's answer. SUCCESS only where it agreed (or faulted): then the
      // CPU goes, with the context.
      cpu.off_told = false;
      FUZZ_CHECK(cpu.o == spmc::Outcome::reply_to_caller && out.w(0) == 0x84000070 && out.w(1) == 0x8000FFFF &&
                 out.w(2) == 0x80000002);
      const spmc::ExecutionContext& mine = core.partition(2).contexts[c];
      if (out.w(3) == 0) {
        FUZZ_CHECK(cpu.agreed || mine.state() == spmc::PartitionState::aborted);
        FUZZ_CHECK(mine.state() == spmc::PartitionState::created || mine.state() == spmc::PartitionState::aborted);
        cpu.up = false;
      } else {
        // (Its context here waits, or was stopped since, idle, by a fault
        // of its context on another CPU.)
        FUZZ_CHECK(static_cast<int32_t>(out.w(3)) == -3);
        FUZZ_CHECK(mine.state() == spmc::PartitionState::waiting ||
                   (mine.state() == spmc::PartitionState::aborted && core.partition(2).aborted()));
      }
      out = ffa::Regs{{0x84000061}};
      continue;
    }
    if (cpu.o == spmc::Outcome::boot_done) {
      cpu.booting = false;
    } else if (cpu.o == spmc::Outcome::reply_to_caller) {
      FUZZ_CHECK(!cpu.booting);
      FUZZ_CHECK(well_formed_answer(out));
    }
    // The normal world's turn on this CPU; sometimes a device interrupts
    // first, and the SPMD hands the secure world FFA_INTERRUPT.
    const uint8_t turn = in.byte();
    if (!cpu.booting && c != 0 && (turn == 0xFF || (turn == 0xFE && core.partition(2).power_messages != 0))) {
      // PSCI CPU_OFF of this CPU, as the SPMD's framework message brings
      // it: refused while the MP partition's context here has work in
      // hand; otherwise the CPU is off, and comes up again later (its
      // context then boots afresh at the secondary entry).
      ffa::Regs answer{};
      const ffa::Regs off{{ffa::raw(ffa::Func::msg_send_direct_req_32), 0xFFFFu << 16 | 0x8000, 0x80000000,
                           0x84000002}};
      settle(cpu, core.handle_nwd_call(off, answer));
      const spmc::ExecutionContext& mine = core.partition(2).contexts[c];
      if (cpu.o == spmc::Outcome::run_partition) {
        // It asked to be told: its context here runs with the message.
        FUZZ_CHECK(core.partition(2).power_messages != 0 && cpu.idx == 2 && mine.running());
        FUZZ_CHECK(answer.w(0) == 0x84000070 - 1 && answer.w(1) == 0x80008003 && answer.w(2) == 0x80000000 &&
                   answer.w(3) == 0x84000002);
        cpu.off_told = true;
        cpu.agreed = false;
        out = answer;
        continue;
      }
      FUZZ_CHECK(cpu.o == spmc::Outcome::reply_to_caller && answer.w(0) == 0x84000070);
      if (answer.w(3) == 0) {
        FUZZ_CHECK(mine.state() == spmc::PartitionState::created || mine.state() == spmc::PartitionState::aborted);
        cpu.up = false;
      } else {
        FUZZ_CHECK(static_cast<int32_t>(answer.w(3)) == -3);  // DENIED: work in hand there
        FUZZ_CHECK(mine.state() != spmc::PartitionState::created && mine.state() != spmc::PartitionState::waiting);
      }
      out = ffa::Regs{{0x84000061}};  // what the normal world sees next is its own business
      continue;
    }
    if (!cpu.booting && turn % 4 == 0) {
      if ((turn >> 5) == 7) {
        placement.timers_due.push_back(in.byte() % core.partition_count());
        placement.raise_interrupt(fake::FakePlacement::kHostTimer);
      } else {
        placement.raise_interrupt(kIntids[(turn >> 2) % 8]);
      }
      ffa::Regs answer{};
      settle(cpu, core.handle_nwd_call(ffa::Regs{{0x84000062}}, answer));
      out = answer;
      FUZZ_CHECK(cpu.o == spmc::Outcome::run_partition ||
                 (cpu.o == spmc::Outcome::reply_to_caller && out.w(0) == 0x8400007C));
      if (cpu.o == spmc::Outcome::run_partition) FUZZ_CHECK(out.w(0) == 0x84000062);
      continue;
    }
    const ffa::Regs call = regs_from(in);
    ffa::Regs answer{};
    settle(cpu, core.handle_nwd_call(call, answer));
    out = answer;
    if (cpu.o == spmc::Outcome::reply_to_caller) FUZZ_CHECK(well_formed_answer(out));
    FUZZ_CHECK(cpu.o != spmc::Outcome::boot_done);
  }
  return 0;
}
