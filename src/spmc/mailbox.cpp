#include "spmc/mailbox.h"

namespace spmc {

using ffa::Error;

ffa::Result<uint32_t> Mailbox::checked_pages(uint64_t tx, uint64_t rx, uint32_t w3_pages) {
  // Bits [31:6] of w3 are reserved (MBZ); [5:0] is the page count.
  if ((w3_pages & ~0x3Fu) != 0) return Error::invalid_parameters;
  const uint32_t pages = w3_pages & 0x3F;
  if (pages == 0 || pages > kMaxRxTxPages) return Error::invalid_parameters;
  if ((tx | rx) & (kPageSize - 1)) return Error::invalid_parameters;
  const uint64_t size = uint64_t{pages} * kPageSize;
  if (tx + size < tx || rx + size < rx) return Error::invalid_parameters;
  // The two buffers must not overlap.
  if (ranges_overlap(tx, size, rx, size)) return Error::invalid_parameters;
  return pages;
}

ffa::Status Mailbox::map(Placement& placement, const TransactionMemory& transactions, uint64_t tx_pa, uint64_t rx_pa,
                         uint32_t w3_pages) {
  // One pair per endpoint until it is unmapped (checked first, as Hafnium
  // and TF-A do, so a second map never disturbs the first).
  if (mapped()) return Error::denied;
  auto checked = checked_pages(tx_pa, rx_pa, w3_pages);
  if (!checked) return checked.error();
  const uint32_t pages = *checked;
  const uint64_t size = uint64_t{pages} * kPageSize;
  // A normal-world endpoint may only name normal-world memory: never secure
  // RAM, never a device, never a hole.
  if (!placement.is_ns_memory(tx_pa, size) || !placement.is_ns_memory(rx_pa, size))
    return Error::invalid_parameters;
  // Memory a live transaction covers is not the endpoint's alone: the SPMC
  // does not take it for a buffer (the same DENIED a transaction gets for
  // pages of a mapped pair, in check_constituents).
  if (transactions.in_transaction(tx_pa, size) || transactions.in_transaction(rx_pa, size)) return Error::denied;

  auto tx = placement.map_ns_pages(tx_pa, pages);
  if (!tx) return tx.error();
  auto rx = placement.map_ns_pages(rx_pa, pages);
  if (!rx) {
    placement.unmap_ns_pages(tx_pa, *tx, pages);
    return rx.error();
  }
  tx_pa_ = tx_pa;
  rx_pa_ = rx_pa;
  tx_ = *tx;
  rx_ = *rx;
  pages_ = pages;
  rx_full_ = false;
  return {};
}

ffa::Status Mailbox::unmap(Placement& placement) {
  if (!mapped()) return Error::invalid_parameters;
  placement.unmap_ns_pages(tx_pa_, tx_, pages_);
  placement.unmap_ns_pages(rx_pa_, rx_, pages_);
  *this = Mailbox{};
  return {};
}

ffa::Status Mailbox::map_partition(Placement& placement, const TransactionMemory& transactions, ffa::EndpointId id,
                                   uint64_t tx, uint64_t rx, uint32_t w3_pages) {
  if (mapped()) return Error::denied;
  auto checked = checked_pages(tx, rx, w3_pages);
  if (!checked) return checked.error();
  const uint32_t pages = *checked;
  const uint64_t size = uint64_t{pages} * kPageSize;
  // Pages lent to or shared with it (or its own while it lends them) are
  // not its own to give the SPMC.
  if (transactions.in_transaction(tx, size) || transactions.in_transaction(rx, size)) return Error::denied;
  auto tx_at = placement.partition_buffer_pages(id, tx, pages);
  if (!tx_at) return tx_at.error();
  auto rx_at = placement.partition_buffer_pages(id, rx, pages);
  if (!rx_at) return rx_at.error();
  attach(*tx_at, *rx_at, pages, tx, rx);
  return {};
}

ffa::Status Mailbox::unmap_partition() {
  if (!mapped()) return Error::invalid_parameters;
  *this = Mailbox{};
  return {};
}

ffa::Status Mailbox::release() {
  if (!mapped() || !rx_full_) return Error::denied;
  rx_full_ = false;
  return {};
}

}  // namespace spmc
