#include "spmc/mailbox.h"

namespace spmc {

using ffa::Error;

ffa::Status Mailbox::map(Placement& placement, const TransactionMemory& transactions, uint64_t tx_pa, uint64_t rx_pa,
                         uint32_t w3_pages) {
  // One pair per endpoint until it is unmapped (checked first, as Hafnium
  // and TF-A do, so a second map never disturbs the first).
  if (mapped()) return Error::denied;
  // Bits [31:6] of w3 are reserved (MBZ); [5:0] is the page count.
  if ((w3_pages & ~0x3Fu) != 0) return Error::invalid_parameters;
  uint32_t pages = w3_pages & 0x3F;
  if (pages == 0 || pages > kMaxRxTxPages) return Error::invalid_parameters;
  if ((tx_pa | rx_pa) & (kPageSize - 1)) return Error::invalid_parameters;
  uint64_t size = uint64_t{pages} * kPageSize;
  if (tx_pa + size < tx_pa || rx_pa + size < rx_pa) return Error::invalid_parameters;
  // The two buffers must not overlap.
  if (tx_pa < rx_pa + size && rx_pa < tx_pa + size) return Error::invalid_parameters;
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

ffa::Status Mailbox::release() {
  if (!mapped() || !rx_full_) return Error::denied;
  rx_full_ = false;
  return {};
}

}  // namespace spmc
