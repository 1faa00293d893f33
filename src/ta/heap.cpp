// TEE_Malloc and friends: a first-fit heap in the TA's own BSS (64 KiB).
// Blocks carry a 16-byte header (size, in use); freeing merges a block
// with the free blocks after it, and allocation merges as it walks. Small
// and bounded, as a TA's needs are; nothing is shared with other TAs.
#include "lib/mem.h"
#include "ta/tee_internal_api.h"

namespace {
constexpr size_t kHeapSize = 64 * 1024;
struct Block {
  uint64_t size;  // bytes after the header
  uint64_t used;
};
alignas(16) uint8_t g_heap[kHeapSize];
bool g_ready = false;

Block* first() { return reinterpret_cast<Block*>(g_heap); }
Block* next(Block* b) {
  auto* n = reinterpret_cast<uint8_t*>(b) + sizeof(Block) + b->size;
  return n < g_heap + kHeapSize ? reinterpret_cast<Block*>(n) : nullptr;
}
void coalesce(Block* b) {
  for (Block* n = next(b); n && !n->used; n = next(b)) b->size += sizeof(Block) + n->size;
}
Block* header(void* p) { return reinterpret_cast<Block*>(static_cast<uint8_t*>(p) - sizeof(Block)); }
bool ours(void* p) {
  auto* q = static_cast<uint8_t*>(p);
  return q >= g_heap + sizeof(Block) && q < g_heap + kHeapSize && (reinterpret_cast<uintptr_t>(q) & 15) == 0;
}
}  // namespace

extern "C" void* TEE_Malloc(size_t size, uint32_t hint) {
  if (!g_ready) {
    *first() = Block{kHeapSize - sizeof(Block), 0};
    g_ready = true;
  }
  if (size > kHeapSize) return nullptr;
  const uint64_t want = size == 0 ? 16 : (size + 15) & ~uint64_t{15};
  for (Block* b = first(); b; b = next(b)) {
    if (b->used) continue;
    coalesce(b);
    if (b->size < want) continue;
    if (b->size >= want + sizeof(Block) + 16) {  // split off the rest
      auto* rest = reinterpret_cast<Block*>(reinterpret_cast<uint8_t*>(b) + sizeof(Block) + want);
      *rest = Block{b->size - want - sizeof(Block), 0};
      b->size = want;
    }
    b->used = 1;
    void* p = reinterpret_cast<uint8_t*>(b) + sizeof(Block);
    if (hint != TEE_MALLOC_NO_FILL) memset(p, 0, b->size);
    return p;
  }
  return nullptr;
}

extern "C" void TEE_Free(void* buffer) {
  if (!buffer) return;
  if (!ours(buffer) || !header(buffer)->used) TEE_Panic(TEE_ERROR_BAD_PARAMETERS);  // GP: a bad pointer panics
  header(buffer)->used = 0;
  coalesce(header(buffer));
}

extern "C" void* TEE_Realloc(void* buffer, size_t size) {
  if (!buffer) return TEE_Malloc(size, TEE_MALLOC_NO_FILL);
  if (!ours(buffer) || !header(buffer)->used) TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
  const uint64_t have = header(buffer)->size;
  if (size <= have) return buffer;
  void* p = TEE_Malloc(size, TEE_MALLOC_NO_FILL);
  if (!p) return nullptr;
  memcpy(p, buffer, have);
  TEE_Free(buffer);
  return p;
}
