// QEMU `virt` with secure=on,virtualization=on (QEMU 7.2): the addresses
// every world agrees on. See docs/platform-qemu-virt.md.
#pragma once

#include <cstdint>

namespace plat {

inline constexpr uint64_t kFlashBase = 0x00000000;
inline constexpr uint64_t kFlashSize = 64ull << 20;
// Where the FIP starts in flash: right after the monitor's reserved space.
inline constexpr uint64_t kFipOffset = 0x00040000;

inline constexpr uint64_t kGicdBase = 0x08000000;
inline constexpr uint64_t kGicrBase = 0x080A0000;
inline constexpr uint64_t kGicdSize = 0x10000;
inline constexpr uint64_t kGicrFrameSize = 0x20000;  // per CPU: RD and SGI frames
// The schedule receiver interrupt: a Non-secure SGI the secure world pends
// (the number Hafnium uses).
inline constexpr unsigned kScheduleReceiverSgi = 8;
// The boot CPU's MPIDR affinity (all zero on QEMU virt): the CPU the SPMCs
// keep on (their keeps_cpu), where a schedule receiver interrupt raised
// while another CPU goes off is sent.
inline constexpr uint64_t kBootCpuMpidr = 0;
// The S-EL2 SPMC's host timer, which stands for its partitions' emulated
// EL1 physical timers. FEAT_SEL2 gives the secure world its own EL2
// timers (CNTHPS, PPI 20, is Hafnium's), but QEMU 7.2 implements neither
// CNTHPS nor CNTHVS, and every other timer an EL2 can reach is the normal
// world's (Linux at NS-EL2 uses CNTHP, at NS-EL1 CNTP; the harness CNTP;
// KVM's guests CNTV). In sel2-spmc nobody at S-EL1 may use the secure
// physical timer (CNTPS is UNDEFINED at S-EL1 once S-EL2 is enabled): the
// monitor lends it to the SPMC through one SiP call, kSipSel2HostTimer
// (x1 = 1 on or 0 off, x2 = the deadline on the physical counter; this
// CPU's timer), and its interrupt, PPI 29, is the SPMC's (Secure Group 1).
inline constexpr unsigned kSel2HostTimerPpi = 29;
inline constexpr uint32_t kSipSel2HostTimer = 0xC2000100;  // SMC64, fast, SiP
// The S-EL2 SPMC's kick: a Secure Group 1 SGI (the number Hafnium's IPI
// uses) it sends to a CPU where a vCPU runs whose virtual lines rose
// meanwhile (a notification, a device interrupt told in place), so that
// the vCPU leaves and is entered again with them.
inline constexpr unsigned kSel2KickSgi = 9;
inline constexpr uint64_t kDeviceBase = 0x08000000;  // GIC .. GPIO, one 2 MiB-aligned window
inline constexpr uint64_t kDeviceSize = 0x02000000;
inline constexpr uint64_t kUart0Base = 0x09000000;       // normal world
inline constexpr uint64_t kSecureUartBase = 0x09040000;  // secure world (second -serial)
inline constexpr uint32_t kSecureUartSpi = 40;           // SPI 8: the trusted OS's console's
// The PL061 GPIO controller QEMU virt gives the normal world: Tessera's
// test configurations hand it to the gpio-driver partition instead (a
// device with an interrupt an S-EL0 partition can drive). SPI 7.
inline constexpr uint64_t kGpioBase = 0x09030000;
inline constexpr uint32_t kGpioSpi = 39;
inline constexpr uint64_t kSecureGpioBase = 0x090B0000;  // pin 0 power-off, pin 1 reset
// The peripherals' window (UARTs, RTC, GPIOs, ...): where a partition's
// device regions may lie, never the GIC below it.
inline constexpr uint64_t kPeripheralsBase = 0x09000000, kPeripheralsEnd = 0x0A000000;

// Secure RAM: visible to secure accesses only.
inline constexpr uint64_t kSecureRamBase = 0x0E000000;
inline constexpr uint64_t kSecureRamSize = 16ull << 20;
// The monitor runs from the first 1 MiB (less one page), the SPMC manifest
// sits in the page below the SPMC, the SPMC follows.
inline constexpr uint64_t kEl3Base = kSecureRamBase;
inline constexpr uint64_t kSpmcManifestBase = 0x0E0FF000;
inline constexpr uint64_t kSpmcManifestMax = 0x1000;
inline constexpr uint64_t kSpmcRegionBase = 0x0E100000;
inline constexpr uint64_t kSpmcRegionSize = 4ull << 20;

// Secure partitions run from here to the TA memory; Trusted Applications
// run in 256 KiB slots of the TA memory; the monitor stages SP packages
// (from the FIP) next, and the TA store (tos-fw-extra1) in the last 2 MiB.
inline constexpr uint64_t kPartitionRegionBase = 0x0E500000;
inline constexpr uint64_t kPartitionRegionEnd = 0x0E800000;
// Whether [pa, pa + size) lies in the partition region (both SPMCs map it
// read-write at VA = PA, to zero memory a partition lends with the zero
// flag).
inline constexpr bool in_partition_region(uint64_t pa, uint64_t size) {
  return pa >= kPartitionRegionBase && pa <= kPartitionRegionEnd && size <= kPartitionRegionEnd - pa;
}
// The S-EL2 SPMC is smaller than the trusted OS: its S-EL1 partitions may
// also use the SPMC region's upper half, where the trusted OS partition
// lives (all but the console lock page at its end,
// plat/qemu_virt/secure_console.h).
inline constexpr uint64_t kSel2PartitionRegionBase = 0x0E300000;
inline constexpr uint64_t kTaRamBase = 0x0E800000;
inline constexpr uint64_t kTaRamEnd = 0x0EC00000;
inline constexpr uint64_t kPackageRegionBase = 0x0EC00000;
inline constexpr uint64_t kPackageRegionEnd = 0x0EE00000;
inline constexpr uint64_t kTaStoreBase = 0x0EE00000;
inline constexpr uint64_t kTaStoreEnd = 0x0F000000;

// Normal-world DRAM; QEMU puts its device tree at its base for -bios boots.
inline constexpr uint64_t kNsDramBase = 0x40000000;
inline constexpr uint64_t kNsDtbBase = 0x40000000;
inline constexpr uint64_t kNsDtbMax = 1ull << 20;
inline constexpr uint64_t kNwdImageBase = 0x60000000;

inline constexpr unsigned kMaxCpus = 8;

}  // namespace plat
