#include "spmc/partition_from_manifest.h"

#include "spmc/partition_plan.h"

namespace spmc {

Partition partition_from_manifest(const ffa::PartitionManifest& m, const Core& core) {
  Partition p{};
  // Its interrupts, from its device regions (validate_manifest checked them).
  for (unsigned i = 0; i < m.device_region_count; ++i)
    for (unsigned k = 0; k < m.device_regions[i].interrupt_count; ++k)
      p.interrupts[p.interrupt_count++].id = m.device_regions[i].interrupts[k][0];
  // Its endpoint: the manifest's ID, or the next free one from 0x8001.
  ffa::EndpointId id = m.has_id ? m.id : ffa::EndpointId(0x8001);
  while (!m.has_id && core.find_partition(id)) id = ffa::EndpointId(static_cast<uint16_t>(id.raw() + 1));
  uint32_t props = ffa::partition_props::aarch64;
  if (m.messaging_method & ffa::messaging::direct_req_recv) props |= ffa::partition_props::direct_req_recv;
  if (m.messaging_method & ffa::messaging::direct_req_send) props |= ffa::partition_props::direct_req_send;
  if (m.messaging_method & ffa::messaging::direct_req2_recv) props |= ffa::partition_props::direct_req2_recv;
  // Indirect messages land in its RX buffer: the one its manifest
  // declares, or one it maps with FFA_RXTX_MAP (until then, senders get
  // BUSY, as for a full buffer).
  if (m.messaging_method & ffa::messaging::indirect) props |= ffa::partition_props::indirect_msg;
  if (m.messaging_method & ffa::messaging::direct_req2_send) props |= ffa::partition_props::direct_req2_send;
  if (m.notification_support) props |= ffa::partition_props::notification_recv;
  p.info = ffa::PartitionInfo{id, m.exec_ctx_count, props, m.uuids[0]};
  p.boot_order = m.has_boot_order ? m.boot_order : 0xFFFF;
  // The version its manifest declares, until its own FFA_VERSION says otherwise.
  p.version = m.ffa_version;
  p.ns_action = m.ns_interrupts_action;
  p.at_s_el0 = m.exception_level == ffa::ExceptionLevel::s_el0;
  p.other_secure_interrupts_queued = m.other_s_interrupts_queued;
  p.managed_exit_fiq = !m.managed_exit_virq;
  p.power_messages = m.power_management_messages;
  // Its notification bitmaps, one set per execution context.
  p.notifications.created = m.notification_support;
  p.notifications.vcpu_count = m.exec_ctx_count;
  return p;
}

void attach_manifest_mailbox(Core& core, size_t index, const ffa::PartitionManifest& m) {
  if (m.rx_region < 0) return;
  const ffa::MemoryRegion& rx = m.memory_regions[m.rx_region];
  const ffa::MemoryRegion& tx = m.memory_regions[m.tx_region];
  const uint64_t rx_addr = loading::region_base(m, rx), tx_addr = loading::region_base(m, tx);
  core.attach_partition_mailbox(index, reinterpret_cast<uint8_t*>(tx_addr), reinterpret_cast<uint8_t*>(rx_addr),
                                rx.pages, tx_addr, rx_addr);
}

}  // namespace spmc
