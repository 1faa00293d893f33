// A GICv3 driver for the secure side (distributor, redistributors, system
// register CPU interface), as QEMU virt's gic-version=3 provides it. The
// secure world owns the configuration: affinity routing for both security
// states, every interrupt Non-secure Group 1 unless a secure owner claims
// it, and the redistributors awake.
#pragma once

#include <cstdint>

namespace arch::gicv3 {

// Register block addresses (the platform's, passed once).
struct Layout {
  uint64_t gicd;
  uint64_t gicr;  // the first redistributor; each CPU has two 64 KiB frames
  unsigned max_cpus;
};

// Enables affinity routing and the three groups; every SPI Non-secure
// Group 1. Once, on the boot CPU.
void init_distributor(const Layout& l);
// Wakes this CPU's redistributor and makes its SGIs and PPIs Non-secure
// Group 1. false when no redistributor matches this CPU.
bool init_redistributor(const Layout& l);
// This CPU's secure CPU interface: system registers, every priority
// allowed, Secure Group 1 enabled.
void init_cpu_interface();

// Makes SGI or PPI `intid` (0-31) of this CPU Secure Group 1 with
// `priority`, and enables it (after init_redistributor).
void configure_secure_private(unsigned intid, uint8_t priority);
// Makes SPI `intid` (32-1019) Secure Group 1 with `priority`, level- or
// edge-triggered, routed to the CPU with affinity `mpidr`, and disabled
// (after init_distributor).
void configure_secure_spi(unsigned intid, uint8_t priority, bool level, uint64_t mpidr);
// The highest SPI ID the distributor implements (GICD_TYPER.ITLinesNumber).
unsigned max_spi();
// Enables or disables SPI `intid` at the distributor.
void set_spi_enabled(unsigned intid, bool enabled);
// Makes SPI `intid` pending at the distributor, or no longer pending.
void set_spi_pending(unsigned intid, bool pending = true);
// A partition's SPI that arrived while it could not take it, pending and
// enabled again (spmc::Placement::retrigger_interrupt), and the undoing of
// that (withdraw_interrupt): disabled and no longer pending.
inline void retrigger_spi(unsigned intid) {
  set_spi_pending(intid);
  set_spi_enabled(intid, true);
}
inline void withdraw_spi(unsigned intid) {
  set_spi_enabled(intid, false);
  set_spi_pending(intid, false);
}
// Makes PPI `intid` pending at CPU `cpu`'s redistributor (one that
// init_redistributor found; nothing for a CPU not yet up).
void set_ppi_pending_on(unsigned intid, unsigned cpu);
// Lets PPI `intid` through CPU `cpu`'s redistributor, or holds it back.
void set_ppi_enabled_on(unsigned intid, unsigned cpu, bool enabled);
// The highest-priority pending interrupt for this security state,
// acknowledged (ICC_IAR1_EL1); 1020-1023 mean none. Pass it to end().
uint32_t acknowledge();
// Priority drop and deactivation (ICC_EOIR1_EL1).
void end(uint32_t iar);

// Pends SGI `intid` (0-15) for the other security state (Non-secure Group
// 1 from the secure world) on the CPU with affinity `mpidr`.
void send_sgi_to_other_world(unsigned intid, uint64_t mpidr);
// Pends SGI `intid` (0-15) for this security state (Secure Group 1 from
// the secure world, where the target CPU has made it so) on the CPU with
// affinity `mpidr`.
void send_sgi(unsigned intid, uint64_t mpidr);

}  // namespace arch::gicv3
