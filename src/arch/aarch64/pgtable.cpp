#include "arch/aarch64/pgtable.h"

namespace arch::mmu {
namespace {

constexpr uint64_t kValid = 1ull << 0;
constexpr uint64_t kTableOrPage = 1ull << 1;  // table at L1/L2, page at L3
constexpr uint64_t kAddrMask = 0x0000FFFFFFFFF000ull;
constexpr uint64_t kAttrIndxShift = 2;
constexpr uint64_t kNs = 1ull << 5;
constexpr uint64_t kApEl0 = 1ull << 6;  // AP[1]
constexpr uint64_t kApRo = 1ull << 7;   // AP[2]
constexpr uint64_t kShInner = 3ull << 8;
constexpr uint64_t kShOuter = 2ull << 8;
constexpr uint64_t kAf = 1ull << 10;
constexpr uint64_t kNg = 1ull << 11;
constexpr uint64_t kPxn = 1ull << 53;
constexpr uint64_t kUxn = 1ull << 54;  // XN in single-range regimes

constexpr unsigned kFirstLevel = 1;
constexpr unsigned kLastLevel = 3;

constexpr unsigned shift_of(unsigned level) { return 12 + 9 * (3 - level); }
constexpr uint64_t size_of(unsigned level) { return 1ull << shift_of(level); }
constexpr size_t index_of(uint64_t va, unsigned level) { return (va >> shift_of(level)) & (kEntries - 1); }

bool is_table(uint64_t d, unsigned level) { return (d & kValid) && (d & kTableOrPage) && level < kLastLevel; }
bool is_leaf(uint64_t d, unsigned level) {
  if (!(d & kValid)) return false;
  return level == kLastLevel ? (d & kTableOrPage) != 0 : (d & kTableOrPage) == 0;
}
uint64_t* table_at(uint64_t d) { return reinterpret_cast<uint64_t*>(d & kAddrMask); }

}  // namespace

const char* to_string(MapError e) {
  switch (e) {
    case MapError::unaligned: return "address or size not 4 KiB aligned";
    case MapError::out_of_range: return "address beyond the 39-bit VA space";
    case MapError::already_mapped: return "range already mapped";
    case MapError::no_tables: return "out of translation tables";
    case MapError::not_mapped: return "range not mapped";
  }
  return "?";
}

PageTable::PageTable(Table* pool, size_t pool_tables, Regime regime, void (*invalidate)(uint64_t))
    : pool_(pool), capacity_(pool_tables), regime_(regime), invalidate_(invalidate) {
  alloc_table();  // the root
}

uint64_t* PageTable::alloc_table() {
  uint64_t* t;
  if (free_) {
    const unsigned n = static_cast<unsigned>(__builtin_ctzll(free_));
    free_ &= free_ - 1;
    t = pool_[n];
  } else {
    if (used_ == capacity_) return nullptr;
    t = pool_[used_++];
  }
  // Unrolled (pairs of stores, few branches): a map that needs tables
  // zeroes each here, and a loop of one store per entry cost four
  // instructions an entry (tools/profile_trace.py found it).
#pragma GCC unroll 16
  for (size_t i = 0; i < kEntries; ++i) t[i] = 0;
  // The zeroes before the descriptor that links the table in: another
  // CPU's walk (a partition's vCPU running while its stage 2 grows) must
  // never see the link and stale entries.
  __atomic_thread_fence(__ATOMIC_RELEASE);
  return t;
}

// Stage 2's leaf bits (VMSAv8-64 stage 2): MemAttr [5:2] (Normal
// write-back inner and outer 0b1111, Normal non-cacheable 0b0101,
// Device-nGnRnE 0b0000), S2AP [7:6] (bit 6 read, bit 7 write), SH [9:8],
// AF, XN [54:53] = 0b10 (no execution at EL1 or EL0).
uint64_t stage2_attributes(Attrs a) {
  uint64_t d = kAf | (1ull << 6);  // readable
  switch (a.type) {
    case MemType::normal: d |= (0xFull << 2) | kShInner; break;
    case MemType::normal_nc: d |= (0x5ull << 2) | kShOuter; break;
    case MemType::device: break;
  }
  if (a.write) d |= 1ull << 7;
  if (!a.exec || a.type == MemType::device) d |= 2ull << 53;
  return d;
}

uint64_t PageTable::leaf_attributes(Attrs a) const {
  if (regime_ == Regime::stage2) return stage2_attributes(a);
  uint64_t d = kAf;
  switch (a.type) {
    case MemType::normal: d |= (1ull << kAttrIndxShift) | kShInner; break;
    case MemType::normal_nc: d |= (2ull << kAttrIndxShift) | kShOuter; break;
    case MemType::device: d |= (0ull << kAttrIndxShift); break;
  }
  if (a.ns) d |= kNs;
  if (!a.write) d |= kApRo;
  // Device memory is never executable, whatever was asked.
  const bool exec = a.exec && a.type != MemType::device;
  if (regime_ == Regime::el1_0) {
    if (a.user) d |= kApEl0 | kNg;
    if (!a.global) d |= kNg;
    // Privileged code never executes user pages; user code never executes
    // privileged ones.
    if (!exec || a.user) d |= kPxn;
    if (!exec || !a.user) d |= kUxn;
  } else {
    d |= kApEl0;  // RES1 in single-range regimes
    if (!exec) d |= kUxn;
  }
  return d;
}

lib::Status<MapError> PageTable::split_block(uint64_t* entry, unsigned level, uint64_t va) {
  uint64_t* t = alloc_table();
  if (!t) return MapError::no_tables;
  const uint64_t block = *entry;
  const uint64_t base = block & kAddrMask & ~(size_of(level) - 1);
  const uint64_t attrs = block & ~kAddrMask & ~(kValid | kTableOrPage);
  const unsigned next = level + 1;
  const uint64_t type = next == kLastLevel ? (kValid | kTableOrPage) : kValid;
  for (size_t i = 0; i < kEntries; ++i) t[i] = (base + i * size_of(next)) | attrs | type;
  // The new table maps exactly what the block did. Break-before-make,
  // where the table's user allows it: the block goes, the TLBs forget it
  // (the maintenance's barriers also make the table's entries visible
  // before its link), then the table goes in, so that no TLB holds both (a
  // TLB conflict abort without FEAT_BBM). Stage 2, whose caller
  // invalidates after a whole range, by its VMIDs (a vCPU's walk meanwhile
  // faults, and is retried once the tables map the address again:
  // sel2::HostedVms::on_exit); stage 1 that nobody walks meanwhile, by the
  // block's VA. Otherwise (the SPMC's own stage 1) they swap at once, and
  // the unmap that split the block invalidates its page's VA next, which
  // takes the block's TLB entry with it.
  if (split_invalidate_) {
    *entry = 0;
    split_invalidate_();
  } else if (break_by_va_ && invalidate_) {
    *entry = 0;
    invalidate_(va & ~(size_of(level) - 1));
  } else {
    // A swap: the table's entries visible before its link.
    __atomic_thread_fence(__ATOMIC_RELEASE);
  }
  *entry = reinterpret_cast<uint64_t>(t) | kValid | kTableOrPage;
  return {};
}

lib::Status<MapError> PageTable::map(uint64_t va, uint64_t pa, uint64_t size, Attrs attrs) {
  if ((va | pa | size) & (kPageSize - 1)) return MapError::unaligned;
  if (size == 0 || va + size < va || va + size > (1ull << kVaBits)) return MapError::out_of_range;
  // The output address must fit the descriptors' 48-bit address field.
  if (pa + size < pa || pa + size > (1ull << 48)) return MapError::out_of_range;
  // Check the whole range first so that a refused map changes nothing.
  if (any_page(va, size, true)) return MapError::already_mapped;
  const uint64_t leaf = leaf_attributes(attrs);
  uint64_t done = 0;
  while (done < size) {
    const uint64_t cva = va + done, cpa = pa + done, left = size - done;
    uint64_t* table = pool_[0];
    for (unsigned level = kFirstLevel;; ++level) {
      uint64_t* e = &table[index_of(cva, level)];
      const uint64_t bs = size_of(level);
      const bool fits = ((cva | cpa) & (bs - 1)) == 0 && left >= bs;
      if (level == kLastLevel || (fits && !(*e & kValid))) {
        *e = (cpa & kAddrMask) | leaf | kValid | (level == kLastLevel ? kTableOrPage : 0);
        done += bs;
        break;
      }
      if (!(*e & kValid)) {
        uint64_t* t = alloc_table();
        if (!t) {
          // Take back what this call mapped so far: a refused map changes no
          // translation (the tables it linked stay in the pool, empty).
          if (done) (void)unmap(va, done);
          return MapError::no_tables;
        }
        *e = reinterpret_cast<uint64_t>(t) | kValid | kTableOrPage;
      } else if (is_leaf(*e, level)) {
        return MapError::already_mapped;  // unreachable after the check above
      }
      table = table_at(*e);
    }
  }
  return {};
}

lib::Status<MapError> PageTable::unmap(uint64_t va, uint64_t size) {
  if ((va | size) & (kPageSize - 1)) return MapError::unaligned;
  if (size == 0 || va + size < va || va + size > (1ull << kVaBits)) return MapError::out_of_range;
  if (any_page(va, size, false)) return MapError::not_mapped;
  uint64_t done = 0;
  while (done < size) {
    const uint64_t cva = va + done, left = size - done;
    uint64_t* table = pool_[0];
    for (unsigned level = kFirstLevel;; ++level) {
      uint64_t* e = &table[index_of(cva, level)];
      const uint64_t bs = size_of(level);
      if (is_leaf(*e, level)) {
        if ((cva & (bs - 1)) == 0 && left >= bs) {
          *e = 0;
          if (invalidate_) invalidate_(cva);
          done += bs;
          break;
        }
        // Part of a block goes: split it and go on one level down.
        auto s = split_block(e, level, cva);
        if (!s) return s.error();
      }
      table = table_at(*e);
    }
  }
  return {};
}

namespace {
// Whether every entry of table `t` is invalid (zero): eight entries to a
// test, so that an empty table, which an unmap leaves at every release,
// costs about one instruction an entry rather than four.
bool table_empty(const uint64_t* t) {
  for (size_t i = 0; i < kEntries; i += 8)
    if ((t[i] | t[i + 1] | t[i + 2] | t[i + 3] | t[i + 4] | t[i + 5] | t[i + 6] | t[i + 7]) != 0) return false;
  return true;
}
}  // namespace

void PageTable::release_empty_tables(uint64_t va, uint64_t size) {
  if (size == 0 || va + size < va) return;
  // One last-level table covers `span`; walk each such chunk of the range.
  const uint64_t span = size_of(kLastLevel - 1);
  for (uint64_t c = va & ~(span - 1); c < va + size; c += span) {
    uint64_t* parent[kLastLevel + 1] = {};  // parent[l]: the level-l entry pointing to a table
    uint64_t* table = pool_[0];
    unsigned level = kFirstLevel;
    for (; level < kLastLevel; ++level) {
      uint64_t* e = &table[index_of(c, level)];
      if (!is_table(*e, level)) break;
      parent[level] = e;
      table = table_at(*e);
    }
    // From the deepest table up, while each is empty (never the root).
    for (unsigned l = level; l-- > kFirstLevel;) {
      uint64_t* t = table_at(*parent[l]);
      if (!table_empty(t)) break;
      *parent[l] = 0;
      // Walk caches may hold the old entry: invalidate before reuse.
      if (invalidate_) invalidate_(c);
      const size_t n = static_cast<size_t>(reinterpret_cast<Table*>(t) - pool_);
      if (n < 64) free_ |= 1ull << n;
    }
    if (c + span < c) break;
  }
}

bool PageTable::any_page(uint64_t va, uint64_t size, bool mapped) const {
  uint64_t cva = va;
  const uint64_t end = va + size;
  while (cva < end) {
    // Walk to the entry that decides cva and skip the whole span it covers.
    const uint64_t* table = pool_[0];
    uint64_t span = kPageSize;
    bool is_mapped = false;
    for (unsigned level = kFirstLevel; level <= kLastLevel; ++level) {
      const uint64_t e = table[index_of(cva, level)];
      span = size_of(level);
      if (is_leaf(e, level)) {
        is_mapped = true;
        break;
      }
      if (!is_table(e, level)) break;
      table = table_at(e);
    }
    if (is_mapped == mapped) return true;
    cva = (cva & ~(span - 1)) + span;
  }
  return false;
}

lib::Result<PageTable::Lookup, MapError> PageTable::lookup(uint64_t va) const {
  if (va >= (1ull << kVaBits)) return MapError::out_of_range;
  const uint64_t* table = pool_[0];
  for (unsigned level = kFirstLevel; level <= kLastLevel; ++level) {
    const uint64_t e = table[index_of(va, level)];
    if (!(e & kValid)) return MapError::not_mapped;
    if (is_leaf(e, level)) {
      const uint64_t bs = size_of(level);
      return Lookup{(e & kAddrMask & ~(bs - 1)) | (va & (bs - 1)), e, level};
    }
    if (!is_table(e, level)) return MapError::not_mapped;
    table = table_at(e);
  }
  return MapError::not_mapped;
}

}  // namespace arch::mmu
