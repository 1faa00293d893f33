#include "nwd/harness/supplicant.h"

#include "arch/aarch64/sysreg.h"
#include "nwd/harness/ffa_client.h"
#include "nwd/harness/mem_descriptor.h"

namespace harness::supplicant {

bool g_bogus_shm = false;
unsigned g_served = 0, g_buffers_out = 0;

namespace {
constexpr uint32_t kCmdLoadTa = 0, kCmdFs = 2, kCmdGetTime = 3, kCmdNotification = 4, kCmdSuspend = 5, kCmdShmAlloc = 6, kCmdShmFree = 7;
constexpr uint64_t kValueIn = 1, kValueOut = 2, kFmemOut = 6;
constexpr uint32_t kSuccess = 0, kBadParameters = 0xFFFF0006, kItemNotFound = 0xFFFF0008, kGeneric = 0xFFFF0000,
                   kOutOfMemory = 0xFFFF000C, kAccessConflict = 0xFFFF0003;
constexpr unsigned kMaxFiles = 8, kMaxBuffers = 8, kBufferPages = 4;
constexpr uint64_t kPool = 0x70C00000;  // kMaxBuffers slots of kBufferPages pages

File g_files[kMaxFiles];
struct Buffer {
  bool used;
  uint64_t handle;
} g_buffers[kMaxBuffers];
int g_fd_file[16];  // fd - 1 -> file index, -1 free

uint64_t get(volatile uint8_t* p, unsigned off) { return get_le(p, off, 8); }
void put(volatile uint8_t* p, unsigned off, uint64_t v, unsigned n = 8) { put_le(p, off, v, n); }
volatile uint8_t* param(volatile uint8_t* rpc, unsigned i) { return rpc + 32 + 32 * i; }

// The harness memory behind a memory-reference parameter (a buffer we
// allocated), or null.
volatile uint8_t* memref(volatile uint8_t* p, uint64_t& size) {
  const uint64_t handle = get(p, 24);
  const uint64_t offs = get(p, 8) & 0xFFFFFFFFFFFF;
  size = get(p, 16);
  for (unsigned b = 0; b < kMaxBuffers; ++b)
    if (g_buffers[b].used && g_buffers[b].handle == handle && offs <= kBufferPages * 4096u &&
        size <= kBufferPages * 4096u - offs)
      return reinterpret_cast<volatile uint8_t*>(kPool + b * kBufferPages * 4096u + offs);
  return nullptr;
}

bool same(const char* a, volatile uint8_t* b, uint64_t n) {
  for (uint64_t i = 0; i < n; ++i) {
    if (a[i] != static_cast<char>(b[i])) return false;
    if (!a[i]) return true;
  }
  return false;
}
int lookup(volatile uint8_t* name, uint64_t n) {
  for (unsigned f = 0; f < kMaxFiles; ++f)
    if (g_files[f].used && same(g_files[f].name, name, n)) return static_cast<int>(f);
  return -1;
}
int new_fd(int file) {
  for (int i = 0; i < 16; ++i)
    if (g_fd_file[i] < 0) {
      g_fd_file[i] = file;
      return i + 1;
    }
  return -1;
}
File* by_fd(uint64_t fd) { return fd >= 1 && fd <= 16 && g_fd_file[fd - 1] >= 0 ? &g_files[g_fd_file[fd - 1]] : nullptr; }

uint32_t fs(volatile uint8_t* rpc) {
  const uint64_t op = get(param(rpc, 0), 8), b = get(param(rpc, 0), 16), c = get(param(rpc, 0), 24);
  uint64_t n = 0;
  switch (op) {
    case 0:    // open
    case 1: {  // create (truncating)
      volatile uint8_t* name = memref(param(rpc, 1), n);
      if (!name || n == 0 || n > sizeof(File::name)) return kBadParameters;
      int f = lookup(name, n);
      if (f < 0 && op == 0) return kItemNotFound;
      if (f < 0) {
        for (unsigned i = 0; i < kMaxFiles && f < 0; ++i)
          if (!g_files[i].used) f = static_cast<int>(i);
        if (f < 0) return kOutOfMemory;
        g_files[f].used = true;
        for (uint64_t i = 0; i < n; ++i) g_files[f].name[i] = static_cast<char>(name[i]);
      }
      if (op == 1) g_files[f].len = 0;
      const int fd = new_fd(f);
      if (fd < 0) return kOutOfMemory;
      put(param(rpc, 2), 8, static_cast<uint64_t>(fd));
      return kSuccess;
    }
    case 2:  // close
      if (!by_fd(b)) return kBadParameters;
      g_fd_file[b - 1] = -1;
      return kSuccess;
    case 3: {  // read
      File* f = by_fd(b);
      volatile uint8_t* out = memref(param(rpc, 1), n);
      if (!f || !out) return kBadParameters;
      uint64_t got = 0;
      for (uint64_t i = c; i < f->len && got < n; ++i) out[got++] = f->data[i];
      put(param(rpc, 1), 16, got);
      return kSuccess;
    }
    case 4: {  // write
      File* f = by_fd(b);
      volatile uint8_t* in = memref(param(rpc, 1), n);
      if (!f || !in || c > sizeof(File::data) || n > sizeof(File::data) - c) return kBadParameters;
      for (uint64_t i = 0; i < n; ++i) f->data[c + i] = in[i];
      if (c + n > f->len) f->len = c + n;
      return kSuccess;
    }
    case 6: {  // remove
      volatile uint8_t* name = memref(param(rpc, 1), n);
      const int f = name ? lookup(name, n) : -1;
      if (f < 0) return kItemNotFound;
      g_files[f].used = false;
      return kSuccess;
    }
    case 7: {  // rename (b: overwrite)
      uint64_t n2 = 0;
      volatile uint8_t* from = memref(param(rpc, 1), n);
      volatile uint8_t* to = memref(param(rpc, 2), n2);
      const int f = from ? lookup(from, n) : -1;
      if (f < 0 || !to || n2 == 0 || n2 > sizeof(File::name)) return kItemNotFound;
      const int existing = lookup(to, n2);
      if (existing >= 0 && !b) return kAccessConflict;
      if (existing >= 0) g_files[existing].used = false;
      for (uint64_t i = 0; i < n2; ++i) g_files[f].name[i] = static_cast<char>(to[i]);
      return kSuccess;
    }
    default:
      return kBadParameters;
  }
}

uint32_t shm_alloc(volatile uint8_t* rpc) {
  const uint64_t size = get(param(rpc, 0), 16);
  if (size > kBufferPages * 4096u) return kOutOfMemory;
  for (unsigned b = 0; b < kMaxBuffers; ++b) {
    if (g_buffers[b].used) continue;
    const uint64_t address = kPool + b * kBufferPages * 4096u;
    uint8_t* tx = buffers().tx;
    const uint32_t len = put_ranges(tx, trusted_os_id(), address, 1);
    put_le(tx, 80, kBufferPages, 4);
    put_le(tx, 96, address, 8);
    put_le(tx, 104, kBufferPages, 4);
    ffa::Regs r = call(ffa::Func::mem_share_64, len, len);
    if (!ffa::is_success(r)) return kOutOfMemory;
    const uint64_t handle = uint64_t{r.w(2)} | uint64_t{r.w(3)} << 32;
    g_buffers[b] = Buffer{true, handle};
    ++g_buffers_out;
    put(param(rpc, 0), 0, kFmemOut);
    put(param(rpc, 0), 8, 0);  // offset 0, internal_offs 0
    put(param(rpc, 0), 16, size);
    put(param(rpc, 0), 24, g_bogus_shm ? handle ^ 0x5A5A : handle);
    return kSuccess;
  }
  return kOutOfMemory;
}

uint32_t shm_free(volatile uint8_t* rpc) {
  const uint64_t handle = get(param(rpc, 0), 16);
  for (Buffer& b : g_buffers) {
    if (!b.used || b.handle != handle) continue;
    // As Linux does: unregister from the trusted OS, then reclaim.
    call(ffa::Func::msg_send_direct_req_32, trusted_os_id(), 0, 3, static_cast<uint32_t>(handle), handle >> 32);
    if (!ffa::is_success(call(ffa::Func::mem_reclaim, static_cast<uint32_t>(handle), handle >> 32))) return kGeneric;
    b.used = false;
    --g_buffers_out;
    return kSuccess;
  }
  return kBadParameters;
}
}  // namespace

void serve(volatile uint8_t* rpc) {
  static bool ready = false;
  if (!ready) {
    for (int& f : g_fd_file) f = -1;
    ready = true;
  }
  ++g_served;
  const uint32_t cmd = static_cast<uint32_t>(get(rpc, 0));
  uint32_t ret = kBadParameters;
  if (cmd == kCmdFs) ret = fs(rpc);
  if (cmd == kCmdShmAlloc && get(param(rpc, 0), 0) == kValueIn) ret = shm_alloc(rpc);
  if (cmd == kCmdShmFree && get(param(rpc, 0), 0) == kValueIn) ret = shm_free(rpc);
  if (cmd == kCmdGetTime && get(param(rpc, 0), 0) == kValueOut) {
    // The harness's clock: the counter since boot.
    const uint64_t t = arch::cntpct(), f = arch::cntfrq();
    put(param(rpc, 0), 8, t / f);
    put(param(rpc, 0), 16, (t % f) * 1000000000 / f);
    ret = kSuccess;
  }
  // The harness is one thread: it cannot wait for a wait-queue key (the
  // trusted OS then answers BUSY), and sleeps by returning at once.
  if (cmd == kCmdNotification) ret = get(param(rpc, 0), 8) == 1 ? kSuccess : kBadParameters;
  if (cmd == kCmdSuspend) ret = kSuccess;
  // OPTEE_RPC_CMD_LOAD_TA: the harness has no TA files, but one UUID
  // (all 0xEE bytes) gets 8 KiB of garbage, which the trusted OS must refuse.
  if (cmd == kCmdLoadTa) {
    const bool garbage = get(param(rpc, 0), 8) == 0xEEEEEEEEEEEEEEEEull && get(param(rpc, 0), 16) == 0xEEEEEEEEEEEEEEEEull;
    uint64_t n = 0;
    volatile uint8_t* out = get(param(rpc, 1), 24) == ~0ull ? nullptr : memref(param(rpc, 1), n);
    ret = garbage ? kSuccess : kItemNotFound;
    if (garbage) {
      for (uint64_t i = 0; out && i < n && i < 8192; ++i) out[i] = static_cast<uint8_t>(0x41 + i);
      put(param(rpc, 1), 16, 8192);
    }
  }
  put(rpc, 20, ret, 4);
  put(rpc, 24, 2, 4);  // TEEC_ORIGIN_COMMS
}

File* files(unsigned& count) {
  count = kMaxFiles;
  return g_files;
}

File* find(const char* suffix) {
  unsigned n = 0;
  while (suffix[n]) ++n;
  for (File& f : g_files) {
    if (!f.used) continue;
    unsigned len = 0;
    while (f.name[len]) ++len;
    if (len < n) continue;
    bool match = true;
    for (unsigned i = 0; i < n && match; ++i) match = f.name[len - n + i] == suffix[i];
    if (match) return &f;
  }
  return nullptr;
}

}  // namespace harness::supplicant
