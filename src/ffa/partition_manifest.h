// A secure partition's manifest (`compatible = "arm,ffa-manifest-1.0"`,
// TF-A's docs/components/ffa-manifest-binding.rst), read into fixed-size
// values. The same reader runs in the build's host tool, which refuses a
// bad manifest before it is packaged, and in the SPMC, which checks again
// at load time and refuses only the partition concerned.
#pragma once

#include <cstdint>

#include "ffa/core_manifest.h"
#include "ffa/ids.h"
#include "ffa/uuid.h"
#include "ffa/version.h"
#include "lib/fdt.h"

namespace ffa {

enum class ExceptionLevel : uint8_t { el1 = 0, s_el0 = 1, s_el1 = 2 };
enum class NsInterruptAction : uint8_t { queued = 0, managed_exit = 1, signaled = 2 };

// messaging-method bits.
namespace messaging {
inline constexpr uint32_t direct_req_recv = 1u << 0;
inline constexpr uint32_t direct_req_send = 1u << 1;
inline constexpr uint32_t indirect = 1u << 2;
inline constexpr uint32_t direct_req2_recv = 1u << 9;
inline constexpr uint32_t direct_req2_send = 1u << 10;
inline constexpr uint32_t all = direct_req_recv | direct_req_send | indirect | direct_req2_recv | direct_req2_send;
}  // namespace messaging

// memory-regions/device-regions attributes.
namespace region_attr {
inline constexpr uint32_t read = 1u << 0;
inline constexpr uint32_t write = 1u << 1;
inline constexpr uint32_t exec = 1u << 2;
inline constexpr uint32_t ns = 1u << 3;
inline constexpr uint32_t all = read | write | exec | ns;
}  // namespace region_attr

// power-management-messages: the power events the SPMC tells the partition
// of, each as a framework direct request (FF-A v1.2 section 18.2; TF-A's
// manifest binding numbers bits 0-2, Hafnium adds 3). Tessera sends
// CPU_OFF to MP partitions (docs/sel1-partitions.md, "Power management"); the others are accepted
// and never sent: its CPU_SUSPEND has only a standby state, which keeps
// every context, and an MP partition's
// context is cold-booted at its secondary entry at every CPU_ON anyway.
namespace power_messages {
inline constexpr uint32_t cpu_off = 1u << 0;
inline constexpr uint32_t cpu_suspend = 1u << 1;
inline constexpr uint32_t cpu_suspend_resume = 1u << 2;
inline constexpr uint32_t cpu_on = 1u << 3;
inline constexpr uint32_t all = cpu_off | cpu_suspend | cpu_suspend_resume | cpu_on;
}  // namespace power_messages

struct MemoryRegion {
  // Either an absolute base address or an offset from the load address.
  bool relative;
  uint64_t address;
  uint32_t pages;
  uint32_t attributes;
  uint32_t phandle;  // 0 when the node has none
};

struct DeviceRegion {
  uint64_t base;
  uint32_t pages;
  uint32_t attributes;
  uint32_t interrupt_count;
  uint32_t interrupts[8][2];  // {interrupt ID, attributes}
};

struct PartitionManifest {
  static constexpr unsigned kMaxUuids = 4;
  static constexpr unsigned kMaxMemoryRegions = 8;
  static constexpr unsigned kMaxDeviceRegions = 8;

  Version ffa_version;
  Uuid uuids[kMaxUuids];
  unsigned uuid_count;
  bool has_id;
  EndpointId id;
  char description[32];
  uint16_t exec_ctx_count;
  ExceptionLevel exception_level;
  bool has_load_address;
  uint64_t load_address;
  uint64_t entrypoint_offset;
  bool has_boot_order;
  uint16_t boot_order;
  uint32_t messaging_method;
  NsInterruptAction ns_interrupts_action;
  // other-s-interrupts-action 0: another partition's secure interrupt waits
  // while this one runs (queued); 1, the default: its handler preempts
  // this one (signaled).
  bool other_s_interrupts_queued;
  // managed-exit-virq: the managed exit signal comes as a virtual IRQ
  // (absent: a virtual FIQ, as Hafnium reads it).
  bool managed_exit_virq;
  bool notification_support;
  uint32_t vm_availability_messages;  // bit 0 created, bit 1 destroyed
  uint32_t power_management_messages;  // power_messages bits
  // gp-register-num: which GP register carries the boot information
  // address, or -1 for none.
  int8_t boot_info_register;
  MemoryRegion memory_regions[kMaxMemoryRegions];
  unsigned memory_region_count;
  DeviceRegion device_regions[kMaxDeviceRegions];
  unsigned device_region_count;
  // rx_tx-buffer: indexes into memory_regions, -1 when not declared.
  int8_t rx_region;
  int8_t tx_region;
};

lib::Result<PartitionManifest, ManifestError> parse_partition_manifest(lib::ByteView dtb);

}  // namespace ffa
