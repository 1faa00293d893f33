// Partitions in their own execution contexts: boot in order, the calls
// they make, and what happens when one faults (FF-A v1.2 chapters 5 and 13).
#include "spmc/core.h"

#include "ffa/abi.h"
#include "ffa/calls.h"
#include "ffa/hf_interrupt.h"
#include "ffa/notifications.h"

namespace spmc {

using ffa::Error;
using ffa::Func;

Outcome Core::boot_next(ffa::Regs& out) {
  // The created partition with the lowest boot order goes next; ties keep
  // the order in which partitions were added. On the boot CPU (0): every
  // partition's first context. On another CPU, when it comes up: the
  // context for it of each MP partition that registered where its other
  // contexts start (FFA_SECONDARY_EP_REGISTER), which the placement
  // enters there.
  const unsigned me = cpu();
  // A CPU that went off is back (its schedule receiver interrupts are its
  // own again: sri_target).
  cpus_going_off_ &= ~cpu_bit(me);
  size_t next = partition_count_;
  for (size_t i = 0; i < partition_count_; ++i) {
    const Partition& p = partitions_[i];
    if (!p.has_contexts()) continue;
    if (me != 0 && (!p.mp() || me >= p.info.exec_ctx_count || p.secondary_entry == 0 || p.aborted())) continue;
    if (here(p).state() != PartitionState::created) continue;
    if (next == partition_count_ || p.boot_order < partitions_[next].boot_order) next = i;
  }
  if (next == partition_count_) {
    // Interrupts that arrived while partitions booted come back once the
    // normal world runs.
    if (irqs_.deferred() != 0) retrigger_deferred_interrupts();
    return Outcome::boot_done;
  }
  here(partitions_[next]).start_boot();
  ffa::set_regs(out, 0);
  return resume(next);
}

void Core::sp_features(const Partition& p, const ffa::Regs& in, ffa::Regs& out) const {
  const auto [id, input] = ffa::calls::features(in);
  if (ffa::abi::features_reserved_set(in)) return ffa::set_error(out, Error::not_supported);
  // Bit 31 clear: a feature ID. The managed exit interrupt's ID (3) and
  // the notification pending interrupt's (1) where partitions take
  // virtual interrupts (S-EL0 partitions take none); the SRI (2) is the
  // normal world's. Input properties are defined for no feature (MBZ).
  if ((id & 0x80000000u) == 0) {
    if (input != 0 || !virtual_interrupts(p)) return ffa::set_error(out, Error::not_supported);
    if (id == ffa::notification::kFeatureManagedExit) return ffa::set_success(out, ffa::hf::kManagedExitIntid);
    if (id == ffa::notification::kFeatureNpi) return ffa::set_success(out, ffa::hf::kNpiIntid);
    return ffa::set_error(out, Error::not_supported);
  }
  // Input properties are defined for FFA_MEM_RETRIEVE_REQ alone, from
  // v1.1 on (bit 1, see below); for every other function they are MBZ.
  const bool retrieve = id == ffa::raw(Func::mem_retrieve_req_32) || id == ffa::raw(Func::mem_retrieve_req_64);
  if (!retrieve && input != 0) return ffa::set_error(out, Error::not_supported);
  switch (static_cast<Func>(id)) {
    case Func::secondary_ep_register_32:
    case Func::secondary_ep_register_64:
      // An MP partition's alone: a UP partition's one context has no
      // other to start (as Hafnium answers, and Cactus expects).
      if (!p.mp()) return ffa::set_error(out, Error::not_supported);
      return ffa::set_success(out, 0);
    case Func::rxtx_map_32:
    case Func::rxtx_map_64:
      return ffa::set_success(out, rxtx_map_properties(p.version));
    case Func::mem_retrieve_req_32:
    case Func::mem_retrieve_req_64: {
      // FF-A v1.1+ (memory management, FFA_FEATURES properties of
      // FFA_MEM_RETRIEVE_REQ): input bit 1 says the caller understands
      // the NS bit in retrieve responses; every other input bit is MBZ.
      // A v1.1+ caller must set bit 1 (responses always carry the NS
      // bit); a v1.0 caller has no input properties at all.
      constexpr uint32_t kNsBit = 1u << 1;
      const bool v1_1 = p.version >= ffa::kVersion1_1;
      if ((input & ~kNsBit) != 0 || (!v1_1 && input != 0) || (v1_1 && input != kNsBit))
        return ffa::set_error(out, Error::not_supported);
      // Output: bit 1, NS bit handling (v1.1+); bit 0 clear, requests
      // come in the RX/TX pair only; bit 2 clear, no hypervisor retrieval.
      return ffa::set_success(out, v1_1 ? kNsBit : 0u);
    }
    default: {
      // Every other call a partition may make (the ABI table, ffa/abi.h),
      // with no properties to report; FFA_INTERRUPT, which it receives,
      // and FFA_SUCCESS and FFA_ERROR among them.
      const ffa::abi::Abi* abi = ffa::abi::find(id);
      if (abi && (abi->callers & ffa::abi::kSp)) return ffa::set_success(out, 0);
      return ffa::set_error(out, Error::not_supported);
    }
  }
}

// FFA_RXTX_MAP from a partition that maps its buffers at run time rather
// than declaring them in its manifest (rx_tx-buffer): its own pages, at
// its own addresses (the SMC32 form in w1/w2).
void Core::sp_rxtx_map(size_t index, const ffa::Regs& in, ffa::Regs& out) {
  Partition& p = partitions_[index];
  const auto c = ffa::calls::rxtx_map(in);
  auto s = p.mailbox.map_partition(placement_, *this, p.info.id, c.tx, c.rx, c.pages);
  s ? ffa::set_success(out) : ffa::set_error(out, s.error());
}

// FFA_RXTX_UNMAP: w1[31:16] is the caller's own ID (only a hypervisor may
// name another), w1[15:0] MBZ. A pair the manifest declared is unmapped
// too; the partition may map its pages again.
void Core::sp_rxtx_unmap(size_t index, const ffa::Regs& in, ffa::Regs& out) {
  Partition& p = partitions_[index];
  const auto c = ffa::calls::rxtx_unmap(in);
  if ((c.id != 0 && c.id != p.info.id.raw()) || c.mbz != 0) return ffa::set_error(out, Error::invalid_parameters);
  auto s = p.mailbox.unmap_partition();
  s ? ffa::set_success(out) : ffa::set_error(out, s.error());
}

void Core::console_log(size_t index, const ffa::Regs& in, ffa::Regs& out) {
  // w1: character count; characters packed from x2 (FF-A v1.2: up to 6
  // registers for the SMC32 form, one character per byte of w2-w7; up to
  // 16 registers of 8 characters for the SMC64 form).
  const auto [count, max] = ffa::calls::console_log(in);
  if (count == 0 || count > max) return ffa::set_error(out, Error::invalid_parameters);
  char chars[128];
  for (unsigned i = 0; i < count; ++i) chars[i] = ffa::calls::console_char(in, i);
  placement_.partition_log(partitions_[index].info.id, chars, static_cast<size_t>(count));
  ffa::set_success(out);
}

// FFA_MEM_PERM_GET/SET: a partition sets up its own image while it
// initialises (FF-A v1.2 section 13: DENIED afterwards).
//
// What it may change is its own memory: its image and the regions its
// manifest declares, which the placement knows (and checks). Never memory
// that a transaction covers: what it borrowed (a lend it could make
// writable or executable, or a normal-world page it could make secure),
// donated memory, nor its own memory while it shares or lends it. Nor its
// RX/TX pair, which the SPMC writes. Those the core knows, so the rule is
// here, whatever the placement. Addresses outside what it may change are
// INVALID_PARAMETERS, as for memory it does not have at all. (The core
// compares the partition's addresses with the transactions' because every
// placement maps shared memory at VA = PA.)
void Core::mem_perm(size_t index, const ffa::Regs& in, ffa::Regs& out) {
  const Partition& p = partitions_[index];
  const auto [get, va, pages, perm] = ffa::calls::mem_perm(in);
  if (!here(p).booting()) return ffa::set_error(out, Error::denied);
  if (va & 0xFFF) return ffa::set_error(out, Error::invalid_parameters);
  if (!get) {
    constexpr uint32_t kRw = 1, kRo = 3, kNx = 1u << 2;
    if (pages == 0 || (perm & ~7u) != 0) return ffa::set_error(out, Error::invalid_parameters);
    const uint32_t data = perm & 3;
    if (data != kRw && data != kRo) return ffa::set_error(out, Error::invalid_parameters);
    // Never writable and executable at once.
    if (data == kRw && !(perm & kNx)) return ffa::set_error(out, Error::invalid_parameters);
  }
  const uint64_t size = uint64_t{pages} * kPageSize;
  if (va > ~uint64_t{0} - size + 1) return ffa::set_error(out, Error::invalid_parameters);  // wraps
  if (p.mailbox.overlaps(va, size) || in_transaction(va, size)) return ffa::set_error(out, Error::invalid_parameters);
  if (get) {
    auto current = placement_.partition_mem_perm_get(p.info.id, va);
    return current ? ffa::set_success(out, *current) : ffa::set_error(out, current.error());
  }
  auto s = placement_.partition_mem_perm_set(p.info.id, va, pages, perm);
  s ? ffa::set_success(out) : ffa::set_error(out, s.error());
}

Outcome Core::msg_wait_from_sp(size_t index, ffa::Regs& out) {
  Partition& p = partitions_[index];
  ExecutionContext& c = here(p);
  if (c.booted()) {
    // A timer raised on its line while it booted and not taken: told by
    // FFA_INTERRUPT once the normal world runs.
    if (c.timer() == ExecutionContext::Timer::raised) [[unlikely]]
      irqs_.set_timer(c, ExecutionContext::Timer::pending);
    return boot_next(out);
  }
  if (c.spends_cycles()) {
    // Done with the cycles the normal world gave it (FFA_RUN): that call
    // returns FFA_MSG_WAIT.
    c.done();
    request_over(p, c);
    ffa::set_regs(out, ffa::raw(Func::msg_wait));
    return Outcome::reply_to_caller;
  }
  if (c.handles_interrupt()) return interrupt_handled(index, out);
  // A partition handling a request answers it; it does not walk away.
  ffa::set_error(out, Error::denied);
  return resume(index);
}

Outcome Core::version_from_sp(size_t index, const ffa::Regs& in, ffa::Regs& out) {
  Partition& p = partitions_[index];
  const uint32_t w1 = ffa::calls::version(in);
  const ffa::Version agreed = ffa::negotiate(ffa::Version::from_word(w1), config_.version);
  // After its first other call, a partition's version is fixed, as the
  // normal world's is: only the same version is answered.
  if (!ffa::Version::valid_word(w1) || agreed.major == 0 || (p.version_negotiated && agreed != p.version)) {
    ffa::set_regs(out, static_cast<uint32_t>(Error::not_supported));
  } else {
    p.version = agreed;
    ffa::set_regs(out, config_.version.word());
  }
  return resume(index);
}

// Where this partition's other execution contexts start (on other CPUs):
// only while it initialises, and only for an MP partition (a UP one has no
// other context).
void Core::secondary_ep_register(size_t index, const ffa::Regs& in, ffa::Regs& out) {
  Partition& p = partitions_[index];
  if (!p.mp()) return ffa::set_error(out, Error::not_supported);
  if (!here(p).booting()) return ffa::set_error(out, Error::denied);
  p.secondary_entry = ffa::calls::secondary_entry(in);
  ffa::set_success(out);
}

Outcome Core::sp_aborted_now(size_t index, ffa::Regs& out) {
  Partition& p = partitions_[index];
  // The context that faulted decides who is told. The partition stops:
  // its idle contexts at once; one that runs (or waits for an answer) on
  // another CPU stops there, at its next call or interrupt, which comes
  // back here and tells its own requester.
  const ExecutionContext c = here(p);
  const PartitionState was = c.state();
  here(p).abort();
  for (ExecutionContext& each : p.contexts) each.abort_if_idle();
  const bool first = !p.stopped;
  p.stopped = true;
  p.npi_pending = false;
  if (first) release_memory_of(index);
  if (first)
    for (ExecutionContext& each : p.contexts) irqs_.drop_timer(each);
  // Its interrupts stay held back at the controller for good.
  for (unsigned k = 0; first && k < p.interrupt_count; ++k) irqs_.forget(placement_, p.interrupts[k]);
  if (was == PartitionState::booting) return boot_next(out);
  if (c.handles_interrupt()) {
    // It faulted in its interrupt handler: the partition it preempted on
    // this CPU carries on, or else the normal world resumes.
    if (c.preempted != ExecutionContext::kNonePreempted) {
      here(p).preempted = ExecutionContext::kNonePreempted;
      return carry_on(c.preempted, out);
    }
    ffa::set_regs(out, ffa::raw(Func::normal_world_resume));
    return Outcome::reply_to_caller;
  }
  // It faulted while told of a CPU_OFF here: it is idle for good, and
  // the next partition is told.
  if (handles_power_message(c)) return tell_next_of_cpu_off(index, out);
  if (was == PartitionState::running && c.requester().is_secure()) {
    // Another partition waits for this one's answer: it gets ABORTED.
    Partition* caller = const_cast<Partition*>(find_partition(c.requester()));
    if (caller && here(*caller).unblock()) {
      ffa::set_error(out, Error::aborted);
      return resume(index_of(caller));
    }
  }
  if (was == PartitionState::running) {
    // The normal world's request will never be answered: tell it so.
    ffa::set_error(out, Error::aborted);
    return Outcome::reply_to_caller;
  }
  // A partition only runs while booting or handling a request.
  ffa::set_error(out, Error::aborted);
  return Outcome::reply_to_caller;
}

}  // namespace spmc
