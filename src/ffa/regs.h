// The SMCCC v1.2 register set an FF-A call carries: x0-x17 in and out.
// The SPMC core decodes a call from it and builds the whole answer in
// another one (see spmc/core.h).
#pragma once

#include <cstdint>

#include "ffa/error.h"
#include "ffa/func.h"

namespace ffa {

struct Regs {
  uint64_t x[18];

  constexpr uint32_t w(unsigned i) const { return static_cast<uint32_t>(x[i]); }
  // A 64-bit value FF-A passes in two 32-bit registers, low half in w`low`
  // (memory handles, notification bitmaps).
  constexpr uint64_t w64(unsigned low) const { return uint64_t{w(low)} | uint64_t{w(low + 1)} << 32; }
  constexpr uint32_t fid() const { return w(0); }
};
static_assert(sizeof(Regs) == 18 * 8);

// FFA_SUCCESS with the given w2..w7 (unused registers zeroed, as the spec
// asks: MBZ registers must not leak stale values of another world).
constexpr Regs success(uint64_t a2 = 0, uint64_t a3 = 0, uint64_t a4 = 0, uint64_t a5 = 0, uint64_t a6 = 0,
                       uint64_t a7 = 0) {
  return Regs{{raw(Func::success_32), 0, a2, a3, a4, a5, a6, a7}};
}
constexpr Regs success64(uint64_t a2 = 0, uint64_t a3 = 0, uint64_t a4 = 0) {
  return Regs{{raw(Func::success_64), 0, a2, a3, a4}};
}
constexpr Regs error(Error e) {
  return Regs{{raw(Func::error), 0, static_cast<uint32_t>(static_cast<int32_t>(e))}};
}
// In-place forms of the above for hot paths: every register x0-x17 of
// `out` is written (no stale value of another call survives), with plain
// stores rather than a 144-byte temporary.
inline void set_regs(Regs& out, uint64_t a0, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0, uint64_t a4 = 0,
                     uint64_t a5 = 0, uint64_t a6 = 0, uint64_t a7 = 0) {
  out.x[0] = a0;
  out.x[1] = a1;
  out.x[2] = a2;
  out.x[3] = a3;
  out.x[4] = a4;
  out.x[5] = a5;
  out.x[6] = a6;
  out.x[7] = a7;
#pragma GCC unroll 10
  for (unsigned i = 8; i < 18; ++i) out.x[i] = 0;
}
inline void set_success(Regs& out, uint64_t a2 = 0, uint64_t a3 = 0) {
  set_regs(out, raw(Func::success_32), 0, a2, a3);
}
inline void set_error(Regs& out, Error e) {
  set_regs(out, raw(Func::error), 0, static_cast<uint32_t>(static_cast<int32_t>(e)));
}

// Copies a whole register set in straight-line code (nine load and store
// pairs): a plain assignment of the 144-byte struct becomes a call to
// memcpy in this freestanding build, and a loop may be turned into one,
// which costs about four times as much on the paths that hand a call's
// registers on.
// (Never in place: `d` and `s` are two sets, which lets the copy move
// them a pair of registers at a time.)
inline void copy_regs(Regs& __restrict d, const Regs& __restrict s) {
  // Two loads, then two stores: the compiler makes each pair one LDP and
  // one STP (alternating single loads and stores, it does not).
#pragma GCC unroll 9
  for (unsigned i = 0; i < 18; i += 2) {
    const uint64_t lo = s.x[i], hi = s.x[i + 1];
    d.x[i] = lo;
    d.x[i + 1] = hi;
  }
}

// Decodes FFA_ERROR's w2 back into an Error (for clients and tests).
constexpr Error error_of(const Regs& r) { return static_cast<Error>(static_cast<int32_t>(r.w(2))); }
constexpr bool is_error(const Regs& r) { return r.fid() == raw(Func::error); }
constexpr bool is_success(const Regs& r) {
  return r.fid() == raw(Func::success_32) || r.fid() == raw(Func::success_64);
}

}  // namespace ffa
