// Hafnium's implementation-defined interrupt calls, which partitions
// written for Hafnium (and for other SPMCs that adopted them) use to manage
// the interrupts their manifest's device-regions give them. Not FF-A calls:
// they answer in x0 alone (0 or -1, or an interrupt ID).
#pragma once

#include <cstdint>

#include "ffa/regs.h"

namespace ffa::hf {

// x1 interrupt ID, x2 1 enable / 0 disable, x3 type (0 IRQ, 1 FIQ):
// 0, or -1 for an interrupt the partition does not own or a bad argument.
inline constexpr uint32_t kInterruptEnable = 0xFF03;
// The ID of the next pending interrupt, acknowledged (no longer pending,
// now active until deactivated), or kInvalidIntid when none is pending.
inline constexpr uint32_t kInterruptGet = 0xFF04;
// x1 physical, x2 virtual interrupt ID (the same here): ends an active
// interrupt, which may then arrive again. 0, or -1 when it is not active.
inline constexpr uint32_t kInterruptDeactivate = 0xFF08;

inline constexpr uint32_t kInvalidIntid = 0xFFFFFFFF;
// The managed exit signal's virtual interrupt ID, as Hafnium numbers it
// (what FFA_FEATURES answers a partition for feature ID 3): a partition
// whose manifest asks for managed exit takes it with HF_INTERRUPT_GET
// when a normal-world interrupt arrives while it works for the normal
// world. Purely virtual: nothing to deactivate. HF_INTERRUPT_ENABLE with
// this ID chooses its pin (x3 IRQ or FIQ).
inline constexpr uint32_t kManagedExitIntid = 4;
// The notification pending interrupt (NPI)'s virtual interrupt ID, as
// Hafnium numbers it (FFA_FEATURES feature ID 1): raised for a partition
// that takes virtual interrupts once a notification is set for it, until
// it takes it with HF_INTERRUPT_GET or calls FFA_NOTIFICATION_GET. Purely
// virtual: nothing to deactivate.
inline constexpr uint32_t kNpiIntid = 5;
// The virtual timer interrupt's ID, as Hafnium numbers it: an S-EL1
// partition's EL1 physical timer (CNTP_*), which the S-EL2 SPMC emulates,
// interrupts with it once its deadline passes (enabled, not masked). The
// handler turns the timer off or moves its deadline, then deactivates it.
inline constexpr uint32_t kVirtualTimerIntid = 3;
inline constexpr uint64_t kFailed = ~uint64_t{0};  // -1 in x0
inline constexpr uint32_t kTypeIrq = 0, kTypeFiq = 1;

// Interrupt IDs a partition may own: shared peripheral interrupts (SPIs).
inline constexpr uint32_t kFirstSpi = 32, kLastSpi = 1019;

// The calls' parameters, read once as typed views (as ffa/calls.h reads
// FF-A's). Hafnium reads them as whole 64-bit registers: a value with
// upper bits set is no interrupt ID and no type, and fails.
struct InterruptEnable {
  uint64_t id;
  uint64_t enable;  // 1 enable, 0 disable
  uint64_t type;    // kTypeIrq or kTypeFiq
  bool valid() const { return enable <= 1 && (type == kTypeIrq || type == kTypeFiq); }
  bool fiq() const { return type == kTypeFiq; }
};
constexpr InterruptEnable interrupt_enable(const Regs& r) { return {r.x[1], r.x[2], r.x[3]}; }
struct InterruptDeactivate {
  uint64_t physical, virtual_id;  // the same interrupt here: both must name it
};
constexpr InterruptDeactivate interrupt_deactivate(const Regs& r) { return {r.x[1], r.x[2]}; }

}  // namespace ffa::hf
