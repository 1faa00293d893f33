// An endpoint's RX/TX buffer pair (FF-A v1.2 section 7.2 "RX/TX buffers"):
// where it is, how big, and who owns the RX buffer right now.
#pragma once

#include <cstdint>

#include "ffa/error.h"
#include "lib/bytes.h"
#include "spmc/placement.h"

namespace spmc {

// Largest buffer pair we map, in 4 KiB pages per buffer. FF-A encodes the
// count in w3[5:0]; 64 KiB is the largest minimum-size granule.
inline constexpr uint32_t kMaxRxTxPages = 16;

// True when [a, a + a_size) and [b, b + b_size) share a byte (sizes not 0),
// without computing an end that could wrap.
constexpr bool ranges_overlap(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size) {
  return a >= b ? a - b < b_size : b - a < a_size;
}

// Memory that a live memory transaction covers. The SPMC core knows which;
// such memory is never an RX/TX buffer (nor the other way round).
class TransactionMemory {
 public:
  virtual bool in_transaction(uint64_t address, uint64_t size) const = 0;

 protected:
  ~TransactionMemory() = default;
};

class Mailbox {
 public:
  // FFA_RXTX_MAP on behalf of a normal-world endpoint: DENIED for pages
  // that a live transaction covers.
  ffa::Status map(Placement& placement, const TransactionMemory& transactions, uint64_t tx_pa, uint64_t rx_pa,
                  uint32_t w3_pages);
  // FFA_RXTX_UNMAP.
  ffa::Status unmap(Placement& placement);
  // FFA_RXTX_MAP from partition `id`: the pages are its own (at its own
  // addresses), which the placement checks and lets the SPMC reach
  // (Placement::partition_buffer_pages); DENIED for pages that a live
  // transaction covers, as for the normal world.
  ffa::Status map_partition(Placement& placement, const TransactionMemory& transactions, ffa::EndpointId id,
                            uint64_t tx, uint64_t rx, uint32_t w3_pages);
  // FFA_RXTX_UNMAP from a partition: the SPMC stops using the pair (the
  // pages stay the partition's, mapped as they were).
  ffa::Status unmap_partition();
  // A partition's pair, declared in its manifest and already mapped by the
  // placement: the SPMC reaches it at `tx`/`rx`, the partition sees it at
  // `tx_addr`/`rx_addr` in its own address space.
  void attach(uint8_t* tx, uint8_t* rx, uint32_t pages, uint64_t tx_addr, uint64_t rx_addr) {
    tx_pa_ = tx_addr;
    rx_pa_ = rx_addr;
    tx_ = tx;
    rx_ = rx;
    pages_ = pages;
    rx_full_ = false;
  }
  // FFA_RX_RELEASE: the endpoint gives the RX buffer back to the producer.
  ffa::Status release();

  bool mapped() const { return rx_ != nullptr; }
  // The producer (SPMC) may write the RX buffer only while it owns it.
  bool rx_free() const { return mapped() && !rx_full_; }
  // Hands the RX buffer to the endpoint (after the SPMC wrote to it).
  void mark_rx_full() { rx_full_ = true; }
  lib::MutableByteView rx() const { return lib::MutableByteView(rx_, size_bytes()); }
  lib::ByteView tx() const { return lib::ByteView(tx_, size_bytes()); }
  uint32_t pages() const { return pages_; }
  // True when [pa, pa + size) touches the mapped pair, at its owner's
  // addresses: physical for the normal world, the partition's own for a
  // partition.
  bool overlaps(uint64_t pa, uint64_t size) const {
    if (!mapped() || size == 0) return false;
    const uint64_t n = size_bytes();
    return ranges_overlap(pa, size, tx_pa_, n) || ranges_overlap(pa, size, rx_pa_, n);
  }
  uint64_t size_bytes() const { return uint64_t{pages_} * kPageSize; }

 private:
  // The checks every FFA_RXTX_MAP makes on its registers: the page count
  // in w3 (bits [31:6] MBZ), 4 KiB alignment, no wrap, no overlap.
  static ffa::Result<uint32_t> checked_pages(uint64_t tx, uint64_t rx, uint32_t w3_pages);

  // Where the owner sees the pair (see overlaps).
  uint64_t tx_pa_ = 0;
  uint64_t rx_pa_ = 0;
  uint8_t* tx_ = nullptr;
  uint8_t* rx_ = nullptr;
  uint32_t pages_ = 0;
  bool rx_full_ = false;
};

}  // namespace spmc
