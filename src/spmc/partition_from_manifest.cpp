#include "spmc/partition_from_manifest.h"

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
  p.managed_exit_fiq = !m.managed_exit_virq;
  // Its notification bitmaps, one set per execution context.
  p.notifications.created = m.notification_support;
  p.notifications.vcpu_count = m.exec_ctx_count;
  return p;
}

}  // namespace spmc
