// Which handler serves each FF-A call, from the normal world and from a
// partition: one row per call (kRoutes, in route()), in the ABI table's
// order (ffa/abi.h), so that a reader finds any call's handlers in one
// place and the two tables cannot drift apart (checked at compile time).
//
// Every call is read through the ABI table before its handler: a call the
// caller may not make, or one newer than its version, is NOT_SUPPORTED; a
// reserved register set is INVALID_PARAMETERS. Only the hot calls are
// served ahead of it, by the same handlers their rows name: direct
// requests and answers (all their registers are parameters), FFA_VERSION
// (which fixes nothing and has no error form) and the SPMD's
// FFA_INTERRUPT.
#include "ffa/abi.h"
#include "ffa/calls.h"
#include "ffa/hf_interrupt.h"
#include "spmc/core.h"

namespace spmc {

using ffa::Error;
using ffa::Func;
using ffa::Regs;

const Core::Route& Core::route(const ffa::abi::Abi& abi) {
  // Lambdas, so that each row says what its call does with its caller;
  // a null handler: this caller does not make this call (NOT_SUPPORTED).
  // A partition's call is answered in `out` and the partition carries on
  // (resume) unless its handler says otherwise.
  constexpr Outcome kReply = Outcome::reply_to_caller;
  // Handlers several rows share (the SMC32 and SMC64 forms of a call
  // differ in width only, which their handlers read from the ID).
  using FromNwd = Outcome (*)(Core&, const Regs&, Regs&);
  using FromSp = Outcome (*)(Core&, size_t, const Regs&, Regs&);
  constexpr FromNwd nwd_rxtx_map = [](Core& c, const Regs& in, Regs& out) { return c.rxtx_map(c.nwd_, in, out), kReply; };
  constexpr FromSp sp_rxtx_map = [](Core& c, size_t i, const Regs& in, Regs& out) {
    return c.sp_rxtx_map(i, in, out), c.resume(i);
  };
  constexpr FromNwd nwd_direct_req = [](Core& c, const Regs& in, Regs& out) { return c.nwd_direct_request(in, out); };
  constexpr FromSp sp_direct_req = [](Core& c, size_t i, const Regs& in, Regs& out) {
    return c.direct_request_from_sp(i, in, out);
  };
  constexpr FromSp sp_direct_resp = [](Core& c, size_t i, const Regs& in, Regs& out) {
    return c.direct_response_from_sp(i, in, out);
  };
  constexpr FromNwd nwd_donate = [](Core& c, const Regs& in, Regs& out) {
    return c.mem_transfer(MemShare::Type::donate, c.nwd_lender(), in, out), kReply;
  };
  constexpr FromSp sp_donate = [](Core& c, size_t i, const Regs& in, Regs& out) {
    return c.mem_transfer(MemShare::Type::donate, c.sp_lender(i), in, out), c.resume(i);
  };
  constexpr FromNwd nwd_lend = [](Core& c, const Regs& in, Regs& out) {
    return c.mem_transfer(MemShare::Type::lend, c.nwd_lender(), in, out), kReply;
  };
  constexpr FromSp sp_lend = [](Core& c, size_t i, const Regs& in, Regs& out) {
    return c.mem_transfer(MemShare::Type::lend, c.sp_lender(i), in, out), c.resume(i);
  };
  constexpr FromNwd nwd_share = [](Core& c, const Regs& in, Regs& out) {
    return c.mem_transfer(MemShare::Type::share, c.nwd_lender(), in, out), kReply;
  };
  constexpr FromSp sp_share = [](Core& c, size_t i, const Regs& in, Regs& out) {
    return c.mem_transfer(MemShare::Type::share, c.sp_lender(i), in, out), c.resume(i);
  };
  constexpr FromSp sp_retrieve = [](Core& c, size_t i, const Regs& in, Regs& out) {
    return c.mem_retrieve_from_sp(i, in, out), c.resume(i);
  };
  // notification_bind tells binding and unbinding apart.
  constexpr FromNwd nwd_bind = [](Core& c, const Regs& in, Regs& out) {
    return c.notification_bind(c.nwd_.id, in, out), kReply;
  };
  constexpr FromSp sp_bind = [](Core& c, size_t i, const Regs& in, Regs& out) {
    return c.notification_bind(c.partitions_[i].info.id, in, out), c.resume(i);
  };
  constexpr FromNwd nwd_info_get = [](Core& c, const Regs& in, Regs& out) {
    return c.notification_info_get(in, out), kReply;
  };
  constexpr FromSp sp_secondary_ep = [](Core& c, size_t i, const Regs& in, Regs& out) {
    return c.secondary_ep_register(i, in, out), c.resume(i);
  };
  constexpr FromSp sp_mem_perm = [](Core& c, size_t i, const Regs& in, Regs& out) {
    return c.mem_perm(i, in, out), c.resume(i);
  };
  constexpr FromSp sp_console_log = [](Core& c, size_t i, const Regs& in, Regs& out) {
    return c.console_log(i, in, out), c.resume(i);
  };
  static constexpr Route kRoutes[] = {
      // Answers, never calls made to the SPMC (FFA_FEATURES reports them).
      {Func::error, nullptr, nullptr},
      {Func::success_32, nullptr, nullptr},
      {Func::success_64, nullptr, nullptr},
      // The normal world's comes from the SPMD, ahead of this table.
      {Func::interrupt, nullptr, nullptr},
      {Func::version,
       [](Core& c, const Regs& in, Regs& out) { return c.version(c.nwd_, ffa::calls::version(in), out), kReply; },
       [](Core& c, size_t i, const Regs& in, Regs& out) { return c.version_from_sp(i, in, out); }},
      {Func::features,
       [](Core& c, const Regs& in, Regs& out) { return c.features(c.nwd_, in, out), kReply; },
       [](Core& c, size_t i, const Regs& in, Regs& out) {
         return c.sp_features(c.partitions_[i], in, out), c.resume(i);
       }},
      {Func::rx_release,
       [](Core& c, const Regs& in, Regs& out) { return c.rx_release(c.nwd_, in, out), kReply; },
       [](Core& c, size_t i, const Regs&, Regs& out) {
         const auto s = c.partitions_[i].mailbox.release();
         return (s ? ffa::set_success(out) : ffa::set_error(out, s.error())), c.resume(i);
       }},
      {Func::rxtx_map_32, nwd_rxtx_map, sp_rxtx_map},
      {Func::rxtx_map_64, nwd_rxtx_map, sp_rxtx_map},
      {Func::rxtx_unmap,
       [](Core& c, const Regs& in, Regs& out) { return c.rxtx_unmap(c.nwd_, in, out), kReply; },
       [](Core& c, size_t i, const Regs& in, Regs& out) { return c.sp_rxtx_unmap(i, in, out), c.resume(i); }},
      {Func::partition_info_get,
       [](Core& c, const Regs& in, Regs& out) {
         return c.partition_info_get(c.nwd_.version, c.nwd_.mailbox, in, out), kReply;
       },
       [](Core& c, size_t i, const Regs& in, Regs& out) {
         Partition& p = c.partitions_[i];
         return c.partition_info_get(p.version, p.mailbox, in, out), c.resume(i);
       }},
      {Func::id_get,
       // The SPMD answers the normal world's itself; the core answers the
       // same if asked.
       [](Core& c, const Regs&, Regs& out) { return ffa::set_success(out, c.nwd_.id.raw()), kReply; },
       [](Core& c, size_t i, const Regs&, Regs& out) {
         return ffa::set_success(out, c.partitions_[i].info.id.raw()), c.resume(i);
       }},
      {Func::msg_wait, nullptr, [](Core& c, size_t i, const Regs&, Regs& out) { return c.msg_wait_from_sp(i, out); }},
      {Func::yield, nullptr, [](Core& c, size_t i, const Regs&, Regs& out) { return c.yield_from_sp(i, out); }},
      {Func::run, [](Core& c, const Regs& in, Regs& out) { return c.run_from_nwd(in, out); }, nullptr},
      {Func::msg_send_direct_req_32, nwd_direct_req, sp_direct_req},
      {Func::msg_send_direct_req_64, nwd_direct_req, sp_direct_req},
      {Func::msg_send_direct_resp_32, nullptr, sp_direct_resp},
      {Func::msg_send_direct_resp_64, nullptr, sp_direct_resp},
      {Func::mem_donate_32, nwd_donate, sp_donate},
      {Func::mem_donate_64, nwd_donate, sp_donate},
      {Func::mem_lend_32, nwd_lend, sp_lend},
      {Func::mem_lend_64, nwd_lend, sp_lend},
      {Func::mem_share_32, nwd_share, sp_share},
      {Func::mem_share_64, nwd_share, sp_share},
      {Func::mem_retrieve_req_32, nullptr, sp_retrieve},
      {Func::mem_retrieve_req_64, nullptr, sp_retrieve},
      {Func::mem_relinquish, nullptr,
       [](Core& c, size_t i, const Regs&, Regs& out) { return c.mem_relinquish_from_sp(i, out), c.resume(i); }},
      {Func::mem_reclaim, [](Core& c, const Regs& in, Regs& out) { return c.mem_reclaim(c.nwd_.id, in, out), kReply; },
       [](Core& c, size_t i, const Regs& in, Regs& out) {
         return c.mem_reclaim(c.partitions_[i].info.id, in, out), c.resume(i);
       }},
      {Func::mem_frag_rx, nullptr,
       [](Core& c, size_t i, const Regs& in, Regs& out) { return c.mem_frag_rx_from_sp(i, in, out), c.resume(i); }},
      {Func::mem_frag_tx, [](Core& c, const Regs& in, Regs& out) { return c.mem_frag_tx(c.nwd_lender(), in, out), kReply; },
       [](Core& c, size_t i, const Regs& in, Regs& out) { return c.mem_frag_tx(c.sp_lender(i), in, out), c.resume(i); }},
      {Func::notification_bitmap_create,
       [](Core& c, const Regs& in, Regs& out) { return c.notification_bitmap_create(in, out), kReply; }, nullptr},
      {Func::notification_bitmap_destroy,
       [](Core& c, const Regs& in, Regs& out) { return c.notification_bitmap_destroy(in, out), kReply; }, nullptr},
      {Func::notification_bind, nwd_bind, sp_bind},
      {Func::notification_unbind, nwd_bind, sp_bind},
      {Func::notification_set,
       [](Core& c, const Regs& in, Regs& out) { return c.notification_set(c.nwd_.id, in, out), kReply; },
       [](Core& c, size_t i, const Regs& in, Regs& out) {
         return c.notification_set(c.partitions_[i].info.id, in, out), c.resume(i);
       }},
      {Func::notification_get,
       [](Core& c, const Regs& in, Regs& out) { return c.notification_get(c.nwd_.id, in, out), kReply; },
       [](Core& c, size_t i, const Regs& in, Regs& out) {
         return c.notification_get(c.partitions_[i].info.id, in, out), c.resume(i);
       }},
      {Func::notification_info_get_32, nwd_info_get, nullptr},
      {Func::notification_info_get_64, nwd_info_get, nullptr},
      {Func::spm_id_get, [](Core& c, const Regs&, Regs& out) { return ffa::set_success(out, c.config_.spmc_id.raw()), kReply; },
       [](Core& c, size_t i, const Regs&, Regs& out) {
         return ffa::set_success(out, c.config_.spmc_id.raw()), c.resume(i);
       }},
      {Func::msg_send2,
       // w1[31:16] names a VM sender, which only a hypervisor forwards;
       // partitions send as themselves.
       [](Core& c, const Regs& in, Regs& out) {
         if (ffa::calls::msg_send2(in).sender_vm != 0) return ffa::set_error(out, Error::invalid_parameters), kReply;
         return c.msg_send2(c.nwd_.id, c.nwd_.version, c.nwd_.mailbox, in, out), kReply;
       },
       [](Core& c, size_t i, const Regs& in, Regs& out) {
         const Partition& p = c.partitions_[i];
         if (ffa::calls::msg_send2(in).sender_vm != 0) return ffa::set_error(out, Error::invalid_parameters), c.resume(i);
         return c.msg_send2(p.info.id, p.version, p.mailbox, in, out), c.resume(i);
       }},
      {Func::secondary_ep_register_32, nullptr, sp_secondary_ep},
      {Func::secondary_ep_register_64, nullptr, sp_secondary_ep},
      {Func::mem_perm_get_32, nullptr, sp_mem_perm},
      {Func::mem_perm_get_64, nullptr, sp_mem_perm},
      {Func::mem_perm_set_32, nullptr, sp_mem_perm},
      {Func::mem_perm_set_64, nullptr, sp_mem_perm},
      {Func::console_log_32, nullptr, sp_console_log},
      {Func::console_log_64, nullptr, sp_console_log},
      {Func::partition_info_get_regs,
       [](Core& c, const Regs& in, Regs& out) { return c.partition_info_get_regs(in, out), kReply; },
       [](Core& c, size_t i, const Regs& in, Regs& out) { return c.partition_info_get_regs(in, out), c.resume(i); }},
      {Func::msg_send_direct_req2,
       [](Core& c, const Regs& in, Regs& out) { return c.direct_request2_from_nwd(in, out); },
       sp_direct_req},
      {Func::msg_send_direct_resp2, nullptr, sp_direct_resp},
  };
  constexpr size_t kCount = sizeof(kRoutes) / sizeof(kRoutes[0]);
  static_assert(kCount == sizeof(ffa::abi::kAbis) / sizeof(ffa::abi::kAbis[0]), "one route per ABI table entry");
  // Row k serves the ABI table's entry k, and a caller the ABI table lets
  // make a call has a handler for it (answers and the SPMD's interrupt
  // aside), and only such a caller.
  static_assert([] {
    for (size_t k = 0; k < kCount; ++k) {
      const ffa::abi::Abi& a = ffa::abi::kAbis[k];
      const Route& r = kRoutes[k];
      if (r.func != a.func) return false;
      const bool answer = a.func == Func::error || a.func == Func::success_32 || a.func == Func::success_64 ||
                          a.func == Func::interrupt;
      if (!answer && ((r.from_nwd != nullptr) != ((a.callers & ffa::abi::kNwd) != 0))) return false;
      if (!answer && ((r.from_sp != nullptr) != ((a.callers & ffa::abi::kSp) != 0))) return false;
    }
    return true;
  }(), "kRoutes follows ffa::abi::kAbis, row by row, caller by caller");
  return kRoutes[static_cast<size_t>(&abi - ffa::abi::kAbis)];
}

Outcome Core::nwd_direct_request(const Regs& in, Regs& out) {
  // Framework messages come from the SPMD, not from the normal world's
  // endpoint: they must not fix the endpoint's version.
  if (is_spmd_framework_message(in)) [[unlikely]]
    return spmd_framework_message(in, out);
  fix_nwd_version();
  return direct_request_from_nwd(in, out);
}

Outcome Core::handle_nwd_call(const Regs& in, Regs& out) {
  const uint32_t fid = in.fid();
  // Direct requests first: the hot path, supported at every version.
  if (fid == ffa::raw(Func::msg_send_direct_req_32) || fid == ffa::raw(Func::msg_send_direct_req_64))
    return nwd_direct_request(in, out);
  if (fid == ffa::raw(Func::version)) {
    version(nwd_, ffa::calls::version(in), out);
    return Outcome::reply_to_caller;
  }
  if (fid == ffa::raw(Func::interrupt)) {
    // From the SPMD, not the normal world's endpoint: a secure interrupt
    // while the normal world ran. Once handled, the normal world resumes.
    return leaving(secure_interrupt(out));
  }
  // A caller that made any call but FFA_VERSION has fixed its version.
  fix_nwd_version();
  const ffa::abi::Abi* abi = ffa::abi::find(fid);
  if (!abi || !ffa::abi::allowed(*abi, ffa::abi::kNwd, nwd_.version)) {
    ffa::set_error(out, Error::not_supported);
    return Outcome::reply_to_caller;
  }
  if (!ffa::abi::reserved_clear(*abi, in)) {
    ffa::set_error(out, Error::invalid_parameters);
    return Outcome::reply_to_caller;
  }
  const Route& r = route(*abi);
  if (!r.from_nwd) {  // an answer (FFA_SUCCESS, FFA_ERROR), not a call
    ffa::set_error(out, Error::not_supported);
    return Outcome::reply_to_caller;
  }
  return r.from_nwd(*this, in, out);
}

Outcome Core::dispatch_sp_call(size_t index, const Regs& in, Regs& out) {
  Partition& p = partitions_[index];
  // Another of its contexts faulted while this one ran: this one stops too.
  if (p.stopped) return sp_aborted_now(index, out);
  // Any call but FFA_VERSION fixes the partition's version.
  const uint32_t fid = in.fid();
  if (fid != ffa::raw(Func::version)) p.version_negotiated = true;
  // The hot path first: direct requests and their answers, all of whose
  // registers are parameters (the table has nothing reserved to check).
  if (fid == ffa::raw(Func::msg_send_direct_resp_64) || fid == ffa::raw(Func::msg_send_direct_resp_32) ||
      fid == ffa::raw(Func::msg_send_direct_resp2)) [[likely]]
    return direct_response_from_sp(index, in, out);
  if (fid == ffa::raw(Func::msg_send_direct_req_64) || fid == ffa::raw(Func::msg_send_direct_req_32) ||
      fid == ffa::raw(Func::msg_send_direct_req2))
    return direct_request_from_sp(index, in, out);
  const ffa::abi::Abi* abi = ffa::abi::find(fid);
  if (!abi) {
    // Not FF-A's: Hafnium's HF_INTERRUPT_* calls (hf_interrupt_call
    // checks them), or nothing this SPMC answers.
    if (fid == ffa::hf::kInterruptEnable || fid == ffa::hf::kInterruptGet || fid == ffa::hf::kInterruptDeactivate) {
      hf_interrupt_call(index, in, out);
    } else {
      ffa::set_error(out, Error::not_supported);
    }
    return resume(index);
  }
  const Route& r = route(*abi);
  if (!(abi->callers & ffa::abi::kSp) || !r.from_sp) [[unlikely]] {
    ffa::set_error(out, Error::not_supported);
    return resume(index);
  }
  if (!ffa::abi::reserved_clear(*abi, in)) [[unlikely]] {
    ffa::set_error(out, Error::invalid_parameters);
    return resume(index);
  }
  return r.from_sp(*this, index, in, out);
}

}  // namespace spmc
