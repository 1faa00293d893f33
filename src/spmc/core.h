// The portable SPMC core: all FF-A policy, no system registers. A call comes
// in (who made it, its registers), the answer goes out in a second register
// set together with an Outcome that tells the placement's run loop what to
// do.
//
// The interface is split by the specification's chapters, as Hafnium does:
// setup_and_discovery.cpp, rxtx.cpp, direct_messaging.cpp, framework.cpp.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ffa/abi.h"
#include "ffa/ids.h"
#include "ffa/regs.h"
#include "ffa/version.h"
#include "spmc/endpoint.h"
#include "spmc/mem_reassemblies.h"
#include "spmc/mem_transactions.h"
#include "spmc/placement.h"

namespace spmc {


struct CoreConfig {
  ffa::EndpointId spmc_id;
  // The FF-A version of this SPMC (from its manifest's maj_ver/min_ver).
  ffa::Version version = ffa::kImplementedVersion;
  // Quotas (docs/partitions.md, "Memory management"). The normal world
  // (Linux: one transaction per TEE shared buffer, most of them one range)
  // gets three quarters of the table and of the pool, 192 transactions and
  // 3,072 ranges, and that much is kept for it: partitions together never
  // hold more than the rest, 64 transactions and 1,024 ranges. Within
  // that, one partition holds at most 32 transactions and 512 ranges (two
  // full-size transactions of 256 ranges), so that no partition can take
  // all of what the others share. Neither side can starve the other.
  MemQuota nwd_quota{192, 3072};
  MemQuota sp_quota{32, 512};
};

// What the run loop does after a call:
//  - reply_to_caller: `out` goes back to the normal world (for
//    handle_nwd_call and for a partition's answer to the normal world);
//  - run_partition: enter partition scheduled() with `out` in x0-x17 (its
//    first entry, a message for it, or the answer to its own call);
//  - boot_done: every partition has started (or failed to).
enum class Outcome : uint8_t {
  reply_to_caller,
  run_partition,
  boot_done,
  // Enter partition scheduled() with its registers as an interrupt left
  // them: `out` is not for it.
  resume_partition,
};

class Core final : public LocalMemory, public LocalNotifications, private TransactionMemory {
 public:
  Core(Placement& placement, const CoreConfig& config);

  // Registers a partition. INVALID_PARAMETERS for a normal-world or duplicate
  // ID, NO_MEMORY when the table is full.
  ffa::Status add_partition(const Partition& p);

  // A call that the SPMD forwarded from the normal world: `in` holds the
  // call, `out` (a different register set) receives the whole answer.
  Outcome handle_nwd_call(const ffa::Regs& in, ffa::Regs& out);
  // The normal world's calls the core answers WITHOUT its lock: a
  // partition message to an endpoint in the SPMC's image (the S-EL1
  // placement's trusted OS), and FFA_FEATURES. So the normal world's CPUs
  // reach the trusted OS, and discover, without passing one another
  // through that lock. They read only what is fixed while the core
  // serves: the partition table's IDs, properties and endpoints
  // (add_partition is over before the placement's first call here), the
  // ABI table, the placement's interrupt IDs, the normal world's ID, and
  // its version once negotiated (negotiated goes from false to true once,
  // with release; read here with acquire, after which FFA_VERSION never
  // writes the version again).
  // True: answered in `out`, exactly as handle_nwd_call would have. False:
  // another call, or one to refuse (handle_nwd_call gives the error), or
  // the version not yet fixed; `out` is untouched and the placement takes
  // its lock and calls handle_nwd_call.
  bool answer_without_lock(const ffa::Regs& in, ffa::Regs& out) {
    const uint32_t fid = in.fid();
    if (fid == ffa::raw(ffa::Func::msg_send_direct_req_32) || fid == ffa::raw(ffa::Func::msg_send_direct_req_64)) {
      // The receiver (w1[15:0]) by its low byte: a partition in its own
      // contexts (the common case) leaves at once; an ID that shares its
      // low byte takes the locked way.
      const uint8_t slot = by_low_byte_[in.x[1] & 0xFF];
      if (slot >= kMaxPartitions || !partitions_[slot].in_image()) return false;
      return in_image_request_without_lock(partitions_[slot], in, out);
    }
    if (fid == ffa::raw(ffa::Func::features)) return features_without_lock(in, out);
    return false;
  }
  // Convenience for tests and tools: the answer replaces the call in `regs`.
  Outcome handle_nwd_call(ffa::Regs& regs) {
    ffa::Regs out;
    const Outcome o = handle_nwd_call(regs, out);
    regs = out;
    return o;
  }

  // Partitions in their own execution contexts (S-EL0 here): the placement
  // runs partition scheduled() whenever an Outcome says run_partition.
  // Starts the next partition in boot order (its x0 in `out`), or boot_done.
  Outcome boot_next(ffa::Regs& out);
  // An FF-A call (SVC) from partition `index`.
  Outcome handle_sp_call(size_t index, const ffa::Regs& in, ffa::Regs& out) {
    return leaving(dispatch_sp_call(index, in, out));
  }
  // A normal-world interrupt stopped partition `index` (possible only while
  // ns_interrupts_unmasked(index)). Signalled: it is preempted and the
  // normal world gets FFA_INTERRUPT; FFA_RUN resumes it where it was.
  // Managed exit where the placement gives virtual interrupts: it resumes
  // with its managed exit signal raised (virtual_lines) and answers the
  // normal world's request early.
  Outcome sp_interrupted(size_t index, ffa::Regs& out) { return leaving(sp_interrupted_now(index, out)); }
  // A secure interrupt stopped partition `index`: its owner's top half
  // runs (the SPMC's own at once; where virtual interrupts are given, the
  // partition's own interrupt at once on its virtual line; another
  // partition's at once when that partition waits on this CPU, preempting
  // this one if it works for the normal world, FF-A's "signaled"
  // other-secure-interrupt action, otherwise once it can), then the
  // partition resumes where it was; unless another of its contexts
  // faulted meanwhile (it stops too, and its requester is told, in `out`).
  Outcome sp_secure_interrupted(size_t index, ffa::Regs& out);
  // Whether partition `index`, about to run, may be interrupted by the
  // normal world's interrupts: its manifest asks for them to be signalled
  // (or for managed exit, not yet signalled) and it works for the normal
  // world (a partition's request to another partition is never cut short
  // this way).
  bool ns_interrupts_unmasked(size_t index) const {
    const Partition& p = partitions_[index];
    if (p.ns_action == ffa::NsInterruptAction::queued) return false;  // before finding its context
    return unmasked_for_nwd(here(p));
  }
  // The same for its context `context`, which the placement names (it
  // knows which it runs: an MP partition's of this CPU, a UP partition's
  // 0) rather than the core asking which CPU this is.
  bool ns_interrupts_unmasked(size_t index, unsigned context) const {
    const Partition& p = partitions_[index];
    if (p.ns_action == ffa::NsInterruptAction::queued) return false;
    return unmasked_for_nwd(p.contexts[context]);
  }
  // The virtual interrupt lines of partition `index`'s context on this
  // CPU, for a placement that gives virtual interrupts (raised while the
  // context has one signalled and not yet taken with HF_INTERRUPT_GET).
  struct VirtualLines {
    bool irq = false, fiq = false;
  };
  VirtualLines virtual_lines(size_t index) const {
    const Partition& p = partitions_[index];
    return virtual_lines_of(p, here(p));
  }
  // The same for its context `context`, as the placement names it.
  VirtualLines virtual_lines(size_t index, unsigned context) const {
    const Partition& p = partitions_[index];
    return virtual_lines_of(p, p.contexts[context]);
  }
  // Partition `index`'s context on this CPU rewrote its timer, which is
  // now off, masked or not yet due: an interrupt for an earlier deadline
  // that it has not taken is withdrawn (a level that went down), however
  // far it got (pending, raised or signalled). One it took stays active.
  void timer_quiet(size_t index);
  // Whether any of partition `index`'s timers can interrupt now (the
  // placement says, as its vCPUs write them): while none can, its answers
  // do not look for an untaken timer interrupt (request_over).
  void timers_in_use(size_t index, bool in_use) {
    Partition& p = partitions_[index];
    p.may_leave_interrupts_untaken = p.interrupt_count != 0 || in_use;
  }
  // Contexts whose timer interrupt waits to be told (tests).
  unsigned pending_timers() const { return irqs_.pending_timers(); }
  // Whether partition `p` takes virtual interrupts here: where the
  // placement gives them, and never at S-EL0.
  bool virtual_interrupts(const Partition& p) const { return !p.at_s_el0 && placement_.gives_virtual_interrupts(); }
  // Whether partition `index` can ever have a line up (it owns interrupts,
  // asks for managed exit or takes notifications): what a placement checks
  // before asking for the lines on every vCPU entry.
  bool takes_virtual_interrupts(size_t index) const {
    const Partition& p = partitions_[index];
    return p.interrupt_count != 0 || p.ns_action == ffa::NsInterruptAction::managed_exit || p.notifications.created;
  }
  // Partition `index` faulted: it stops for good; whoever waited on it
  // gets FFA_ERROR(ABORTED).
  Outcome sp_aborted(size_t index, ffa::Regs& out) { return leaving(sp_aborted_now(index, out)); }
  size_t scheduled() const { return scheduled_; }
  // The placement dealt with partition `index`'s exit itself (an FP trap,
  // an SMCCC call that is not FF-A, an interrupt it holds back): the same
  // context carries on, registers as they are. Called with the core's
  // lock held, as every exit is handled: scheduled() is one for all CPUs,
  // and while this partition ran without the lock, another CPU may have
  // scheduled someone else, whom a bare resume_partition would resume here.
  // Another of its contexts faulted meanwhile: it stops too, and its
  // requester is told, in `out` (a context spinning on a lock the faulted
  // one held would otherwise be resumed into its spin for ever). FF-A
  // calls are checked so in handle_sp_call.
  Outcome carry_on(size_t index, ffa::Regs& out) {
    if (partitions_[index].stopped) [[unlikely]]
      return sp_aborted(index, out);
    scheduled_ = index;
    return Outcome::resume_partition;
  }
  // Gives partition `index` the RX/TX pair its manifest declares: the SPMC
  // reaches it at `tx`/`rx`, the partition sees it at `tx_addr`/`rx_addr`
  // (FFA_MEM_PERM_GET/SET never act on it).
  void attach_partition_mailbox(size_t index, uint8_t* tx, uint8_t* rx, uint32_t pages, uint64_t tx_addr,
                                uint64_t rx_addr) {
    partitions_[index].mailbox.attach(tx, rx, pages, tx_addr, rx_addr);
  }
  // The same where the partition sees the pair where the SPMC reaches it
  // (VA = PA for both, as in the S-EL1 placement).
  void attach_partition_mailbox(size_t index, uint8_t* tx, uint8_t* rx, uint32_t pages) {
    attach_partition_mailbox(index, tx, rx, pages, reinterpret_cast<uintptr_t>(tx), reinterpret_cast<uintptr_t>(rx));
  }
  const Partition& partition(size_t index) const { return partitions_[index]; }

  // LocalMemory, for endpoints inside the SPMC's image.
  ffa::Result<LocalShare> local_retrieve(ffa::EndpointId me, ffa::EndpointId lender, uint64_t handle) override;
  ffa::Result<unsigned> local_ranges(ffa::EndpointId me, ffa::EndpointId lender, uint64_t handle,
                                     ffa::MemConstituent* out, unsigned max,
                                     bool& writable) override;
  ffa::Status local_relinquish(ffa::EndpointId me, uint64_t handle) override;
  bool shared_with(ffa::EndpointId me, uint64_t handle, ffa::EndpointId lender) override {
    const MemShare* s = find_share(handle);
    return s && s->state == MemShare::State::ready && s->sender == lender && receiver_index(*s, me) < s->receiver_count;
  }

  // LocalNotifications, for the trusted OS's drivers.
  ffa::Status local_notification_set(ffa::EndpointId me, ffa::EndpointId receiver, uint64_t ids) override;

  // Introspection for tests and diagnostics.
  const MemShare* share(uint64_t handle) { return find_share(handle); }
  const MemShare& share_slot(size_t i) const { return transactions_.slots()[i]; }
  size_t shares_in_use() const { return transactions_.in_use(); }
  // The ranges of transaction `s` (constituent_count of them).
  const ffa::MemConstituent* constituents(const MemShare& s) const { return transactions_.ranges(s); }
  // Ranges of the pool held by live transactions.
  size_t pool_in_use() const { return transactions_.ranges_in_use(); }
  // What `lender` holds now: live transactions and their ranges.
  MemQuota held_by(ffa::EndpointId lender) const {
    Holder h;
    return holder_of(lender, h) ? transactions_.held(h) : MemQuota{0, 0};
  }
  size_t partition_count() const { return partition_count_; }
  unsigned deferred_interrupts() const { return irqs_.deferred(); }
  const Partition* find_partition(ffa::EndpointId id) const;
  const NwdEndpoint& nwd() const { return nwd_; }

 private:
  // setup_and_discovery.cpp
  void version(NwdEndpoint& caller, uint32_t requested, ffa::Regs& out);
  void features(const NwdEndpoint& caller, const ffa::Regs& in, ffa::Regs& out) const;
  // For any caller: its negotiated version and its RX/TX pair.
  void partition_info_get(ffa::Version version, Mailbox& mailbox, const ffa::Regs& in, ffa::Regs& out);
  void partition_info_get_regs(const ffa::Regs& in, ffa::Regs& out) const;
  // rxtx.cpp
  void rxtx_map(NwdEndpoint& caller, const ffa::Regs& in, ffa::Regs& out);
  void rxtx_unmap(NwdEndpoint& caller, const ffa::Regs& in, ffa::Regs& out);
  void rx_release(NwdEndpoint& caller, const ffa::Regs& in, ffa::Regs& out);
  // direct_messaging.cpp
  Outcome direct_request_from_nwd(const ffa::Regs& in, ffa::Regs& out);
  Outcome direct_request2_from_nwd(const ffa::Regs& in, ffa::Regs& out);
  Outcome direct_response_from_sp(size_t index, const ffa::Regs& in, ffa::Regs& out);
  // A response from partition `index` that answers nothing it handles
  // (cold: kept out of the answer's hot path).
  [[gnu::noinline]] Outcome not_an_answer(size_t index, const ffa::Regs& in, ffa::Regs& out);
  Outcome direct_request_from_sp(size_t index, const ffa::Regs& in, ffa::Regs& out);
  // cpu_cycles.cpp: FFA_RUN from the normal world, FFA_YIELD from partitions.
  Outcome run_from_nwd(const ffa::Regs& in, ffa::Regs& out);
  Outcome yield_from_sp(size_t index, ffa::Regs& out);
  size_t index_of(const Partition* p) const { return static_cast<size_t>(p - partitions_); }
  // Execution contexts. The CPU this call runs on, and `p`'s context for it:
  // an MP partition's context of this CPU (pinned there), a UP partition's
  // only one (it runs wherever it is called). has_context_here is false for
  // an MP partition with no context for this CPU.
  // (A UP partition's context is at a fixed place: the common case costs
  // a compare, and the CPU is asked only for an MP partition.)
  unsigned cpu() const { return placement_.current_cpu(); }
  bool has_context_here(const Partition& p) const { return !p.mp() || cpu() < p.info.exec_ctx_count; }
  ExecutionContext& here(Partition& p) const {
    if (!p.mp()) [[likely]]
      return p.contexts[0];
    return mp_context_here(p);
  }
  const ExecutionContext& here(const Partition& p) const { return here(const_cast<Partition&>(p)); }
  ExecutionContext& mp_context_here(Partition& p) const;
  // Whichever way a partition's work ends, once the normal world runs
  // again: a delayed schedule receiver interrupt goes, and partitions'
  // interrupts that arrived while their owner was busy come back.
  Outcome leaving(Outcome o) {
    if (o != Outcome::reply_to_caller) return o;
    if (sri_delayed_ != 0) [[unlikely]]
      raise_delayed_sri();
    if (irqs_.deferred() != 0) retrigger_deferred_interrupts();
    return o;
  }
  // Cold (a fault): kept out of the hot paths that may call it.
  [[gnu::noinline]] Outcome sp_aborted_now(size_t index, ffa::Regs& out);
  Outcome sp_interrupted_now(size_t index, ffa::Regs& out);
  // dispatch.cpp: which handler serves each call, for each caller (one
  // row per call of ffa::abi::kAbis, in its order; null: this caller does
  // not make it).
  struct Route {
    ffa::Func func;
    Outcome (*from_nwd)(Core&, const ffa::Regs& in, ffa::Regs& out);
    Outcome (*from_sp)(Core&, size_t index, const ffa::Regs& in, ffa::Regs& out);
  };
  static const Route& route(const ffa::abi::Abi& abi);
  Outcome dispatch_sp_call(size_t index, const ffa::Regs& in, ffa::Regs& out);
  // A direct request from the normal world's side: the SPMD's framework
  // messages, or the normal world's own.
  Outcome nwd_direct_request(const ffa::Regs& in, ffa::Regs& out);
  bool in_image_request_without_lock(const Partition& target, const ffa::Regs& in, ffa::Regs& out);
  bool features_without_lock(const ffa::Regs& in, ffa::Regs& out);
  // The normal world's version is fixed (its first call but FFA_VERSION):
  // set under the core's lock, read without it (answer_without_lock).
  void fix_nwd_version() {
    if (!nwd_.version_negotiated) __atomic_store_n(&nwd_.version_negotiated, true, __ATOMIC_RELEASE);
  }
  bool nwd_version_fixed() const { return __atomic_load_n(&nwd_.version_negotiated, __ATOMIC_ACQUIRE); }
  // partition_lifecycle.cpp
  Outcome msg_wait_from_sp(size_t index, ffa::Regs& out);
  Outcome version_from_sp(size_t index, const ffa::Regs& in, ffa::Regs& out);
  void secondary_ep_register(size_t index, const ffa::Regs& in, ffa::Regs& out);
  void sp_features(const Partition& p, const ffa::Regs& in, ffa::Regs& out) const;
  void sp_rxtx_map(size_t index, const ffa::Regs& in, ffa::Regs& out);
  void sp_rxtx_unmap(size_t index, const ffa::Regs& in, ffa::Regs& out);
  // FFA_FEATURES(FFA_RXTX_MAP)'s w2 for a caller at `version`.
  static uint32_t rxtx_map_properties(ffa::Version version);
  void console_log(size_t index, const ffa::Regs& in, ffa::Regs& out);
  void mem_perm(size_t index, const ffa::Regs& in, ffa::Regs& out);
  Outcome resume(size_t index) {
    scheduled_ = index;
    return Outcome::run_partition;
  }
  // indirect_messaging.cpp
  void msg_send2(ffa::EndpointId caller, ffa::Version version, const Mailbox& tx, const ffa::Regs& in,
                 ffa::Regs& out);
  // memory_sharing.cpp: FFA_MEM_SHARE/LEND/DONATE, FFA_MEM_FRAG_TX and
  // FFA_MEM_RECLAIM from the lender's side.
  struct Lender {
    ffa::EndpointId id;
    ffa::Version version;
    const Mailbox* mailbox;
    bool nwd;  // normal-world memory; may pass its descriptor in a buffer given by address
  };
  Lender nwd_lender() const { return Lender{nwd_.id, nwd_.version, &nwd_.mailbox, true}; }
  Lender sp_lender(size_t index) const {
    const Partition& p = partitions_[index];
    return Lender{p.info.id, p.version, &p.mailbox, false};
  }
  void mem_transfer(MemShare::Type type, const Lender& from, const ffa::Regs& in, ffa::Regs& out);
  void mem_frag_tx(const Lender& from, const ffa::Regs& in, ffa::Regs& out);
  void mem_reclaim(ffa::EndpointId caller, const ffa::Regs& in, ffa::Regs& out);
  // Checks a whole descriptor and fills `slot` (state receiving) with it;
  // on any refusal the slot is freed and the error returned.
  void mem_transfer_commit(const Lender& from, lib::ByteView desc, MemShare& slot, ffa::Regs& out);
  ffa::Status read_fragment(const Lender& from, uint64_t buffer, uint32_t buffer_pages, uint32_t length,
                            uint8_t* dst);
  // `lender_writes`: whether the lender may write every range (the normal
  // world always; a partition where its manifest says so).
  ffa::Status check_constituents(const Lender& from, const MemShare& candidate, bool want_write,
                                 bool& lender_writes);
  ffa::Status zero(const MemShare& s);
  // Whether the SPMC can ever reach every range of `s` to zero it.
  bool zero_reachable(const MemShare& s);
  static ffa::Status check_mem_attributes(uint16_t attributes);
  // The transactions part (mem_transactions.h), by lender ID: whose quota
  // `id` counts against (false: no such lender).
  bool holder_of(ffa::EndpointId id, Holder& h) const {
    if (!id.is_secure()) return h = Holder{true, 0}, true;
    const Partition* p = find_partition(id);
    return p ? (h = Holder{false, index_of(p)}, true) : false;
  }
  // A free slot (state receiving) for `sender`, or null when the table is
  // full or `sender` is at its transaction quota.
  MemShare* allocate_share(ffa::EndpointId sender) {
    Holder h;
    return holder_of(sender, h) ? transactions_.allocate(h, sender) : nullptr;
  }
  // `n` ranges from the pool for `s` (constituent_count 0 until now);
  // false (nothing taken) when the pool or `s.sender`'s quota has no room.
  bool allocate_constituents(MemShare& s, uint32_t n) {
    Holder h;
    return holder_of(s.sender, h) && transactions_.allocate_ranges(h, s, n);
  }
  // The slot and its ranges back (and a reassembly it was in).
  void free_share(MemShare& s);
  ffa::MemConstituent* mutable_constituents(const MemShare& s) { return transactions_.ranges(s); }
  MemShare* find_share(uint64_t handle) { return transactions_.find(handle); }
  // memory_retrieval.cpp: the borrower's side.
  void mem_retrieve_from_sp(size_t index, const ffa::Regs& in, ffa::Regs& out);
  void mem_frag_rx_from_sp(size_t index, const ffa::Regs& in, ffa::Regs& out);
  void mem_relinquish_from_sp(size_t index, ffa::Regs& out);
  // The retrieve response for receiver `me` (Table 10.21, in `version`'s
  // layout) in desc_copy_; its length.
  uint32_t build_retrieve_response(const MemShare& s, unsigned me, ffa::Version version);
  // Writes the response fragment starting at `offset` to the RX buffer;
  // its length.
  uint32_t deliver_response_fragment(Mailbox& mailbox, uint32_t total, uint32_t offset, uint32_t constituents_offset);
  // A donation is complete once its receiver has the whole response.
  void donation_delivered(MemShare& s, unsigned me);
  void unmap_from(const MemShare& s, ffa::EndpointId borrower);
  // Maps `s` back into `borrower` read-write: a relinquish whose zeroing
  // failed after the borrower's access went.
  void map_back(const MemShare& s, ffa::EndpointId borrower);
  // Partition `index` aborted: it gives back what it borrowed and
  // abandons what it lent.
  void release_memory_of(size_t index);
  // Nobody will reclaim what an aborted partition lent.
  bool lender_aborted(const MemShare& s) const;
  // The index of `id` among the transaction's receivers, or receiver_count.
  static unsigned receiver_index(const MemShare& s, ffa::EndpointId id);
  static bool overlaps(const ffa::MemConstituent& a, const ffa::MemConstituent& b);
  // TransactionMemory: [address, address + size) touches a range of a live
  // transaction (whoever lent it, retrieved or not) or of a completed
  // donation.
  bool in_transaction(uint64_t address, uint64_t size) const override;
  // secure_interrupts.cpp: FFA_INTERRUPT from the SPMD, partitions'
  // interrupts and Hafnium's HF_INTERRUPT_* calls.
  Outcome secure_interrupt(ffa::Regs& out);
  // Acknowledges the pending secure interrupt and hands it to its owner:
  // the SPMC's own handler, or a partition (the interrupt held back at the
  // controller, pending for it). The partition to signal, or
  // partition_count_.
  size_t take_secure_interrupt();
  // Runs partition `index` (waiting) with FFA_INTERRUPT for its next
  // pending interrupt it was not told of yet; false when there is none.
  bool signal_interrupt(size_t index, ffa::Regs& out);
  // sp_secure_interrupted's: partition `owner`'s handler run on top of
  // partition `index`, which runs on this CPU (false: it is not, and
  // nothing changed).
  bool tell_waiting_owner(size_t index, size_t owner, ffa::Regs& out);
  // Partition `p`'s interrupts that wait to be told (enabled ones, and
  // its context's timer), told to context `c` on its virtual lines;
  // whether there was any.
  bool signal_in_place(Partition& p, ExecutionContext& c);
  // The same for partition `index`'s context here where it runs (on
  // another CPU, whose vCPU the placement makes see its lines now); a
  // context that does not run is told once it waits (FFA_INTERRUPT).
  void tell_running_context(size_t index);
  // Its handler's FFA_MSG_WAIT: the next interrupt, or the normal world
  // resumes.
  Outcome interrupt_handled(size_t index, ffa::Regs& out);
  void hf_interrupt_call(size_t index, const ffa::Regs& in, ffa::Regs& out);
  void retrigger_deferred_interrupts();
  void retrigger_pending_timers();
  OwnedInterrupt* owned_interrupt(uint32_t id, size_t* owner);
  VirtualLines virtual_lines_of(const Partition& p, const ExecutionContext& c) const;
  static bool unmasked_for_nwd(const ExecutionContext& c) {
    return c.works_for_nwd() && c.managed_exit == ExecutionContext::ManagedExit::none;
  }
  // Context `c` of partition `p` stops working for the request in hand
  // (it answered, gave the CPU back or was preempted): its managed exit
  // is over, and an interrupt signalled to it in place that it has not
  // taken (its IRQs masked, say) is deferred again, to be retriggered
  // and announced with FFA_INTERRUPT once it waits.
  void request_over(Partition& p, ExecutionContext& c) {
    c.managed_exit = ExecutionContext::ManagedExit::none;
    if (p.may_leave_interrupts_untaken) [[unlikely]]
      defer_untaken(p, c);
  }
  void defer_untaken(Partition& p, ExecutionContext& c);
  // notifications.cpp (FF-A v1.2 chapter 11). `caller` is the endpoint
  // that made the call; its bitmaps are `own`.
  void notification_bitmap_create(const ffa::Regs& in, ffa::Regs& out);
  void notification_bitmap_destroy(const ffa::Regs& in, ffa::Regs& out);
  void notification_bind(ffa::EndpointId caller, const ffa::Regs& in, ffa::Regs& out);
  void notification_set(ffa::EndpointId caller, const ffa::Regs& in, ffa::Regs& out);
  void notification_get(ffa::EndpointId caller, const ffa::Regs& in, ffa::Regs& out);
  void notification_info_get(const ffa::Regs& in, ffa::Regs& out);
  // The bitmaps of receiver `id`: the normal world's or a partition's.
  NotificationBitmaps* bitmaps_of(ffa::EndpointId id);
  // Sets the framework notification "RX buffer full" for `receiver`.
  void notify_rx_buffer_full(ffa::EndpointId receiver, bool delay_sri);
  void request_sri(bool delayed);
  // Where the schedule receiver interrupt goes: this CPU, unless it is
  // going off (cpus_going_off_).
  Placement::SriTarget sri_target() const;
  // The delayed schedule receiver interrupt of this CPU's work, as it
  // returns to the normal world.
  [[gnu::noinline]] void raise_delayed_sri();
  // framework.cpp: framework messages from the SPMD (FF-A v1.2 section 18.3).
  // One is a DIRECT_REQ_32 from the SPMD's ID to the SPMC's with w2 bit 31
  // set. The sender is looked at first: the SPMD's ID is a secure one,
  // which the normal world's own requests never carry, so they leave at
  // the first compare (inline: every direct request asks). The SPMD is
  // the only sender of framework messages from its side of the world
  // switch, and it refuses normal-world requests that claim a secure ID,
  // so such a request can only be the SPMD's.
  static constexpr uint32_t kFrameworkMessageFlag = 1u << 31;
  bool is_spmd_framework_message(const ffa::Regs& in) const {
    const ffa::EndpointPair pair = ffa::EndpointPair::from_w1(in.w(1));
    return pair.sender == ffa::kSpmdId && in.fid() == ffa::raw(ffa::Func::msg_send_direct_req_32) &&
           pair.receiver == config_.spmc_id && (in.w(2) & kFrameworkMessageFlag) != 0;
  }
  // Partition `p`'s context pinned to CPU `cpu`: an MP partition's for
  // that CPU; null for a UP partition (its one context is no CPU's), an
  // endpoint in the SPMC's image, or an MP partition with no context there.
  static const ExecutionContext* pinned_context(const Partition& p, unsigned cpu) {
    return p.has_contexts() && p.mp() && cpu < p.info.exec_ctx_count ? &p.contexts[cpu] : nullptr;
  }
  static ExecutionContext* pinned_context(Partition& p, unsigned cpu) {
    return const_cast<ExecutionContext*>(pinned_context(static_cast<const Partition&>(p), cpu));
  }
  // PSCI CPU_OFF on this CPU: whether every MP partition's context pinned
  // here is idle (no work in hand); and, once the placement agreed too,
  // sending its idle contexts here back to unstarted (the placement boots
  // them again with boot_next when the CPU comes back).
  bool mp_contexts_idle_here() const;
  void mp_contexts_go_off();
  Outcome spmd_framework_message(const ffa::Regs& in, ffa::Regs& out);
  void respond_to_spmd(uint32_t response, uint32_t w3, ffa::Regs& out) const;
  // PSCI CPU_OFF's power management messages to the MP partitions that
  // asked for them (framework.cpp): the next after partition `after`
  // (kFirstToTell: the first), or the SPMD's answer once none is left;
  // the answer of partition `index`'s context here (`agreed`:
  // is_power_response).
  static constexpr size_t kFirstToTell = ~size_t{0};
  [[gnu::noinline]] Outcome tell_next_of_cpu_off(size_t after, ffa::Regs& out);
  [[gnu::noinline]] Outcome power_message_answered(size_t index, bool agreed, ffa::Regs& out);
  Outcome cpu_stays_on(ffa::Regs& out);
  static bool is_power_response(const ffa::Regs& in);
  // Context `c` handles a power management message: a request from the
  // SPMC's own ID (its interrupt handler, also run for the SPMC, handles
  // no request).
  bool handles_power_message(const ExecutionContext& c) const {
    return c.handles_request() && c.requester() == config_.spmc_id;
  }

  bool is_supported_for_nwd(uint32_t fid, ffa::Version caller_version) const;

  Placement& placement_;
  CoreConfig config_;
  // What every call reads or writes comes first, ahead of the table of
  // partitions (1024-aligned, so this costs no space): at these small
  // offsets each is one load from the core's address, where after the
  // table's 16 KiB it would need the address built first.
  size_t partition_count_ = 0;
  size_t scheduled_ = 0;
  // Schedule receiver interrupts asked for with the delay flag, one bit per
  // CPU whose work asked: each raised when that CPU's work returns to the
  // normal world (not when another CPU's does, while the sender still
  // runs).
  uint32_t sri_delayed_ = 0;
  // The CPUs (one bit each) whose CPU_OFF partitions have been told of,
  // from the first told until the CPU stays on (cpu_stays_on) or comes
  // back (boot_next): a schedule receiver interrupt raised meanwhile goes
  // to the CPU the placement keeps on, since this one's normal world may
  // never take it.
  uint32_t cpus_going_off_ = 0;
  // CPU `cpu`'s bit in cpus_going_off_ (none beyond 32 CPUs), and in
  // sri_delayed_ (CPUs beyond 31 share the last).
  static uint32_t cpu_bit(unsigned cpu) { return cpu < 32 ? 1u << cpu : 0; }
  static uint32_t delayed_sri_bit(unsigned cpu) { return 1u << (cpu < 32 ? cpu : 31); }
  // Partitions' interrupts and timers between the controller and their
  // owners; those pending but not signalled to their owner (it was busy)
  // are retriggered at the controller when the normal world runs again.
  PartitionInterrupts irqs_;
  // Partition index by the low byte of its ID (find_partition):
  // kNoPartition, or kSharedLowByte when two IDs share it.
  static constexpr uint8_t kNoPartition = 0xFF, kSharedLowByte = 0xFE;
  static_assert(kMaxPartitions < kSharedLowByte);
  uint8_t by_low_byte_[256];
  Partition partitions_[kMaxPartitions];
  NwdEndpoint nwd_;
  // Memory transactions: their table, pool of ranges and quotas.
  MemTransactions transactions_;
  // Descriptors arriving in fragments, one per lender (mem_reassemblies.h).
  MemReassemblies reassemblies_;
  // Memory donated and retrieved: its new owner keeps it for good, and no
  // later transaction may include it.
  // The table is kept for good: each side of the world switch (donations
  // by partitions, by the normal world) may fill half of it, so that
  // neither uses up the other's.
  struct Donated {
    ffa::EndpointId owner;
    ffa::MemConstituent range;
    bool by_partition;
  };
  static constexpr unsigned kMaxDonated = 64, kMaxDonatedBySide = kMaxDonated / 2,
                            kMaxPendingDonatedByPartition = kMaxDonatedBySide / 4;
  Donated donated_[kMaxDonated] = {};
  unsigned donated_count_ = 0;
  // Entries that donations by `by_partition`'s side hold, or will need
  // once ready ones are retrieved.
  unsigned donated_reserved(bool by_partition) const;
  // Ranges of partition `donor`'s donations not retrieved yet.
  unsigned pending_donated_ranges(ffa::EndpointId donor) const;
  // Descriptors are checked in copies, never in place: this one for a
  // single-call descriptor (and for building retrieve responses), and the
  // reassemblies' own for fragments.
  static constexpr uint32_t kMaxDescriptor = MemReassemblies::kMaxDescriptor;
  uint8_t desc_copy_[kMaxDescriptor];
};

}  // namespace spmc
