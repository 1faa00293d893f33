// The partition's side of FF-A (Tessera runtime): calls over SVC to the
// SPMC, typed for the few a partition makes most.
#pragma once

#include <cstdint>

#include "arch/aarch64/conduit.h"
#include "ffa/func.h"
#include "ffa/regs.h"

namespace sp {

inline ffa::Regs svc(ffa::Regs r) {
  arch_svc(&r);
  return r;
}

// Called when the normal world gives the partition cycles (FFA_RUN) instead
// of a message; the runtime then waits again. A partition that has work to
// do on FFA_RUN (reading an indirect message, say) sets this.
inline void (*on_run)() = nullptr;

// Called when the SPMC runs the partition for one of its interrupts
// (FFA_INTERRUPT, w2 = the interrupt ID): its top half, which takes the
// interrupts with HF_INTERRUPT_GET and ends them with
// HF_INTERRUPT_DEACTIVATE; the runtime then waits again.
inline void (*on_interrupt)(uint32_t id) = nullptr;

// Makes the call in `r` and leaves the partition's next message there,
// handling FFA_RUN and FFA_INTERRUPT on the way (in place: no register-set
// copies).
inline void call_for_message(ffa::Regs& r) {
  arch_svc(&r);
  for (;;) {
    if (r.fid() == ffa::raw(ffa::Func::run)) {
      if (on_run) on_run();
    } else if (r.fid() == ffa::raw(ffa::Func::interrupt)) {
      if (on_interrupt) on_interrupt(r.w(2));
    } else {
      return;
    }
    r = ffa::Regs{{ffa::raw(ffa::Func::msg_wait)}};
    arch_svc(&r);
  }
}

// Waits for the first message (FFA_MSG_WAIT); returns it.
inline ffa::Regs wait() {
  ffa::Regs r{{ffa::raw(ffa::Func::msg_wait)}};
  call_for_message(r);
  return r;
}

// Answers `request` with the response `resp` (any of the three: the SPMC
// decides what it makes of the pairing) and payload x3-x7; returns the
// next message the SPMC delivers.
inline ffa::Regs respond_with(ffa::Func resp, const ffa::Regs& request, uint64_t a3, uint64_t a4 = 0,
                              uint64_t a5 = 0, uint64_t a6 = 0, uint64_t a7 = 0) {
  const uint32_t w1 = static_cast<uint32_t>(request.x[1]);
  const uint32_t swapped = (w1 << 16) | (w1 >> 16);
  ffa::Regs r{{ffa::raw(resp), swapped, 0, a3, a4, a5, a6, a7}};
  call_for_message(r);
  return r;
}

// Answers `request` (a direct request) with payload x3-x7, in the
// request's width, and returns the next message the SPMC delivers.
inline ffa::Regs respond(const ffa::Regs& request, uint64_t a3, uint64_t a4 = 0, uint64_t a5 = 0, uint64_t a6 = 0,
                         uint64_t a7 = 0) {
  const bool is64 = request.fid() == ffa::raw(ffa::Func::msg_send_direct_req_64);
  return respond_with(is64 ? ffa::Func::msg_send_direct_resp_64 : ffa::Func::msg_send_direct_resp_32, request, a3, a4,
                      a5, a6, a7);
}

// The same in place: answers the direct request in `msg` with payload
// x3-x7, in its width, and leaves the next message in `msg` itself. No
// register set is built and copied on the way (a 144-byte copy is a call
// to memcpy in this freestanding build): the hot path of a partition that
// serves requests.
inline void answer(ffa::Regs& msg, uint64_t a3, uint64_t a4 = 0, uint64_t a5 = 0, uint64_t a6 = 0, uint64_t a7 = 0) {
  const bool is64 = msg.fid() == ffa::raw(ffa::Func::msg_send_direct_req_64);
  const uint32_t w1 = static_cast<uint32_t>(msg.x[1]);
  ffa::set_regs(msg, ffa::raw(is64 ? ffa::Func::msg_send_direct_resp_64 : ffa::Func::msg_send_direct_resp_32),
                (w1 << 16) | (w1 >> 16), 0, a3, a4, a5, a6, a7);
  call_for_message(msg);
}

// Answers a FFA_MSG_SEND_DIRECT_REQ2 with FFA_MSG_SEND_DIRECT_RESP2 and the
// payload `reply` (x4-x17 of it); returns the next message.
inline ffa::Regs respond2(const ffa::Regs& request, const ffa::Regs& reply) {
  const uint32_t w1 = static_cast<uint32_t>(request.x[1]);
  ffa::Regs r = reply;
  r.x[0] = ffa::raw(ffa::Func::msg_send_direct_resp2);
  r.x[1] = (w1 << 16) | (w1 >> 16);
  r.x[2] = r.x[3] = 0;
  call_for_message(r);
  return r;
}

// FFA_CONSOLE_LOG_64 of a NUL-terminated string, up to 8 characters per
// register, 16 registers per call (FF-A v1.2).
void log(const char* s);

}  // namespace sp
