// SPMD-to-SPMC framework messages (FF-A v1.2 section 18.3): direct requests
// with w2 bit 31 set, from the SPMD's ID 0xFFFF to the SPMC's ID; and the
// power management messages the SPMC relays from them to the partitions
// that asked for them (section 18.2, the manifest's
// power-management-messages).
#include "spmc/core.h"

#include "ffa/calls.h"
#include "ffa/partition_manifest.h"

namespace spmc {

using ffa::Error;
using ffa::Func;

namespace {
constexpr uint32_t kTypeMask = 0xFF;
constexpr uint32_t kPsciRequest = 0;      // w3: the PSCI function
constexpr uint32_t kPowerResponse = 2;    // w3: PSCI's status
constexpr uint32_t kVersionRequest = 8;
constexpr uint32_t kVersionResponse = 9;
constexpr uint32_t kPsciCpuOff = 0x84000002;
constexpr int32_t kPsciSuccess = 0, kPsciNotSupported = -1, kPsciDenied = -3;
}  // namespace

bool Core::mp_contexts_idle_here() const {
  const unsigned me = cpu();
  for (size_t i = 0; i < partition_count_; ++i) {
    const ExecutionContext* c = pinned_context(partitions_[i], me);
    if (c && !c->idle()) return false;
  }
  return true;
}

void Core::mp_contexts_go_off() {
  const unsigned me = cpu();
  for (size_t i = 0; i < partition_count_; ++i) {
    ExecutionContext* c = pinned_context(partitions_[i], me);
    if (!c || (!c->waiting() && !c->going_off())) continue;
    irqs_.drop_timer(*c);
    c->power_off();
  }
}

void Core::respond_to_spmd(uint32_t response, uint32_t w3, ffa::Regs& out) const {
  ffa::set_regs(out, ffa::raw(Func::msg_send_direct_resp_32), ffa::EndpointPair{config_.spmc_id, ffa::kSpmdId}.w1(),
                kFrameworkMessageFlag | response, w3);
}

Outcome Core::spmd_framework_message(const ffa::Regs& in, ffa::Regs& out) {
  // Framework messages are SMC32: their argument is w3.
  const uint32_t type = ffa::calls::direct_message(in).flags & kTypeMask;
  const auto argument = static_cast<uint32_t>(ffa::calls::direct_payload(in, 0));
  if (type == kPsciRequest) {
    // Power management: CPU_OFF for this CPU. A UP partition's context
    // migrates, so none is lost with the CPU; an MP partition's context
    // pinned here is, so the CPU stays on while one has work in hand, or
    // while the placement needs it. Nothing has changed when it is
    // refused here. Otherwise the MP partitions that asked are told, one
    // after the other (tell_next_of_cpu_off), and the CPU goes once they
    // all agreed.
    if (argument != kPsciCpuOff) {
      respond_to_spmd(kPowerResponse, static_cast<uint32_t>(kPsciNotSupported), out);
      return Outcome::reply_to_caller;
    }
    if (!mp_contexts_idle_here() || placement_.keeps_cpu()) return cpu_stays_on(out);  // (nobody agreed yet)
    return tell_next_of_cpu_off(kFirstToTell, out);
  }
  if (type != kVersionRequest) {
    ffa::set_error(out, Error::not_supported);
    return Outcome::reply_to_caller;
  }
  // The SPMD tells us the version the normal world asked for; we record
  // what it will use and answer with our own version (or NOT_SUPPORTED).
  version(nwd_, argument, out);
  respond_to_spmd(kVersionResponse, out.w(0), out);
  return Outcome::reply_to_caller;
}

// The partitions told of a CPU_OFF: each MP partition whose manifest asks
// for it (power-management-messages bit 0) and whose context on this CPU
// waits (one never started here has nothing to be told), in boot order
// (ties: the partition table's), as Hafnium tells them; the one after
// partition `after` (kFirstToTell: the first). Each gets a framework
// direct request from the SPMC's ID (w2: bit 31, type 0, PSCI; w3:
// CPU_OFF's function ID), which its context handles as any request, with
// the normal world's interrupts held back (it does not work for the
// normal world), and answers with a framework power management response
// (w2: bit 31 | 2) whose w3 is PSCI's status (power_message_answered).
// The CPU goes once the last agreed.
Outcome Core::tell_next_of_cpu_off(size_t after, ffa::Regs& out) {
  const unsigned me = cpu();
  const auto comes_after = [&](size_t a, size_t b) {
    return partitions_[a].boot_order > partitions_[b].boot_order ||
           (partitions_[a].boot_order == partitions_[b].boot_order && a > b);
  };
  size_t next = partition_count_;
  for (size_t i = 0; i < partition_count_; ++i) {
    Partition& p = partitions_[i];
    const ExecutionContext* c = pinned_context(p, me);
    if (!c || p.stopped || !(p.power_messages & ffa::power_messages::cpu_off) || !c->waiting()) continue;
    if (after != kFirstToTell && !comes_after(i, after)) continue;
    if (next == partition_count_ || comes_after(next, i)) next = i;
  }
  if (next != partition_count_) {
    // From now on the CPU may go: the told partition's schedule receiver
    // interrupts go elsewhere (sri_target).
    cpus_going_off_ |= cpu_bit(me);
    Partition& p = partitions_[next];
    (void)pinned_context(p, me)->take(config_.spmc_id, ffa::raw(Func::msg_send_direct_req_32));  // (it waits)
    ffa::set_regs(out, ffa::raw(Func::msg_send_direct_req_32), ffa::EndpointPair{config_.spmc_id, p.info.id}.w1(),
                  kFrameworkMessageFlag | kPsciRequest, kPsciCpuOff);
    return resume(next);
  }
  // Everyone agreed. (Their contexts answered and wait again: a chain of
  // requests a told partition made ends before it can answer, so this
  // check cannot fail today; it keeps a CPU with work in hand on should
  // that change.)
  if (!mp_contexts_idle_here()) return cpu_stays_on(out);
  placement_.cpu_going_off();
  mp_contexts_go_off();
  respond_to_spmd(kPowerResponse, static_cast<uint32_t>(kPsciSuccess), out);
  return Outcome::reply_to_caller;
}

// The CPU_OFF is refused (before anyone was told, or by one told): the
// contexts here that agreed take work again, and the SPMD gets DENIED.
Outcome Core::cpu_stays_on(ffa::Regs& out) {
  const unsigned me = cpu();
  for (size_t i = 0; i < partition_count_; ++i)
    if (ExecutionContext* c = pinned_context(partitions_[i], me)) (void)c->stay_on();
  cpus_going_off_ &= ~cpu_bit(me);
  respond_to_spmd(kPowerResponse, static_cast<uint32_t>(kPsciDenied), out);
  return Outcome::reply_to_caller;
}

// Partition `index`'s context here answered the CPU_OFF it was told of
// (its work is over): with the framework power management response and
// PSCI SUCCESS it agrees (it takes no work until the CPU's fate is
// decided), and the next is told; anything else (another status, a
// partition message, the other kind of response) refuses the CPU_OFF: the
// CPU stays on, and the SPMD gets DENIED. Those told before it are not
// told again: each context takes work again, as after any request.
Outcome Core::power_message_answered(size_t index, bool agreed, ffa::Regs& out) {
  if (!agreed) return cpu_stays_on(out);
  (void)here(partitions_[index]).agree_to_go_off();
  return tell_next_of_cpu_off(index, out);
}

bool Core::is_power_response(const ffa::Regs& in) {
  constexpr uint32_t kAgreed = kFrameworkMessageFlag | kPowerResponse;
  return in.fid() == ffa::raw(Func::msg_send_direct_resp_32) && in.w(2) == kAgreed &&
         static_cast<int32_t>(in.w(3)) == kPsciSuccess;
}

}  // namespace spmc
