// VMSAv8-64 stage-1 translation tables, 4 KiB granule, 39-bit VA (lookup
// starts at level 1). Pure computation on memory the caller provides, so
// the same code builds EL3, S-EL1 and S-EL0 tables on target and is unit
// tested on the host. Table addresses are used as physical addresses:
// callers keep their table pool identity-mapped.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lib/result.h"

namespace arch::mmu {

inline constexpr uint64_t kPageSize = 4096;
inline constexpr unsigned kVaBits = 39;
inline constexpr size_t kEntries = 512;

// Which translation regime the tables serve: it decides how access
// permission and execute-never bits are encoded.
enum class Regime : uint8_t {
  el3,   // single privilege level: AP[1] RES1, XN is bit 54
  el2,   // same encoding as EL3 (non-VHE)
  el1_0,  // two privilege levels: AP[1] grants EL0, PXN/UXN
  // Stage 2 (a partition's IPA space under the S-EL2 SPMC): S2AP read and
  // write bits, MemAttr in the descriptor (no MAIR), XN[1] for no execution
  // at EL1 and EL0; `user`, `global` and `ns` mean nothing here (the IPA
  // space, secure or not, is the table's: VSTTBR_EL2 or VTTBR_EL2).
  stage2
};

enum class MemType : uint8_t { normal, device, normal_nc };

struct Attrs {
  MemType type = MemType::normal;
  bool write = false;
  bool exec = false;
  bool user = false;  // EL0 may access (EL1&0 regime only)
  bool ns = false;    // output address is in the non-secure PA space
  // Global entries match every ASID. A mapping of memory that some other
  // address space (a partition's) maps differently at the same VA must not
  // be global (EL1&0 regime; user mappings are never global).
  bool global = true;
};

enum class MapError : uint8_t {
  unaligned,       // va, pa or size not a multiple of 4 KiB
  out_of_range,    // beyond the 39-bit VA space
  already_mapped,  // part of the range is mapped already
  no_tables,       // the pool of tables is exhausted
  not_mapped,      // unmap of a range that is not (wholly) mapped
};

const char* to_string(MapError e);

// MAIR attribute indexes the tables use; the MMU's MAIR must match.
inline constexpr uint64_t kMairValue = 0x00ull << 0   /* idx 0: Device-nGnRnE */
                                     | 0xFFull << 8   /* idx 1: Normal WB RWA */
                                     | 0x44ull << 16; /* idx 2: Normal non-cacheable */

using Table = uint64_t[kEntries];

class PageTable {
 public:
  // `pool` provides `pool_tables` 4 KiB-aligned tables; the first becomes
  // the root. `invalidate` is called with each VA whose valid entry changed
  // (TLB maintenance on target, nothing on the host).
  PageTable(Table* pool, size_t pool_tables, Regime regime, void (*invalidate)(uint64_t va) = nullptr);

  lib::Status<MapError> map(uint64_t va, uint64_t pa, uint64_t size, Attrs attrs);
  lib::Status<MapError> unmap(uint64_t va, uint64_t size);

  // What a walk finds for `va`: the output address and the leaf descriptor.
  struct Lookup {
    uint64_t pa;
    uint64_t descriptor;
    unsigned level;
  };
  lib::Result<Lookup, MapError> lookup(uint64_t va) const;

  // After an unmap: gives the tables that [va, va + size) emptied back to
  // the pool (their parent entries cleared, with TLB maintenance), so that
  // mapping and unmapping in ever new places never runs out of tables.
  // A separate call: the monitor, which never unmaps, does not carry it.
  void release_empty_tables(uint64_t va, uint64_t size);

  // Stage 2, whose unmaps leave TLB maintenance to the caller (one
  // invalidation by VMID after a whole range): what a block's split must
  // do between taking the block out and linking its replacement
  // (break-before-make: without FEAT_BBM, a TLB holding both the block and
  // the new table's entries may give a TLB conflict abort).
  void set_split_invalidate(void (*fn)()) { split_invalidate_ = fn; }
  // Stage 1 tables that nothing walks while they change (an S-EL0
  // partition's, a Trusted Application instance's: the SPMC edits them
  // only while their owner does not run): a block's split breaks before
  // it makes too, the block out and its VA invalidated (`invalidate`)
  // before the table goes in. Not for the SPMC's own tables, which other
  // CPUs walk all the time (a split there swaps at once; their windows are
  // unmapped as they were mapped, so they do not split).
  void set_break_before_make() { break_by_va_ = true; }

  uint64_t root_address() const { return reinterpret_cast<uint64_t>(&pool_[0]); }
  // Tables holding entries now (the root included).
  size_t tables_used() const { return used_ - static_cast<size_t>(__builtin_popcountll(free_)); }

  // The descriptor bits for `attrs` in this regime (without address/type).
  uint64_t leaf_attributes(Attrs attrs) const;

 private:
  uint64_t* alloc_table();
  // True when some page of [va, va + size) is mapped (mapped = true) or
  // unmapped (mapped = false); skips whole blocks and empty tables.
  bool any_page(uint64_t va, uint64_t size, bool mapped) const;
  // Replaces the block at `entry` (level `level`, mapping `va`) with a
  // table of next-level entries that map the same range. Cold: unmap's
  // page loop, which calls it, then keeps its registers for the pages (the
  // va argument had cost it 1 to 3 instructions a page).
  [[gnu::cold]] lib::Status<MapError> split_block(uint64_t* entry, unsigned level, uint64_t va);

  Table* pool_;
  size_t capacity_;
  size_t used_ = 0;
  uint64_t free_ = 0;  // tables below used_ given back (bit n: pool_[n]); pools hold at most 64
  Regime regime_;
  void (*invalidate_)(uint64_t va);
  void (*split_invalidate_)() = nullptr;
  bool break_by_va_ = false;
};

}  // namespace arch::mmu
