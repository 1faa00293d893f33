#include "optee/ree_fs.h"

namespace optee {
namespace {

constexpr uint32_t kTeeSuccess = 0, kItemNotFound = 0xFFFF0008, kShortBuffer = 0xFFFF0010;
// The RPC buffer: paths first, data from here.
constexpr uint64_t kDataAt = 2 * kReeFsPathMax;

size_t length(const char* s) {
  size_t n = 0;
  while (s[n]) ++n;
  return n;
}

// Puts `path` (NUL-terminated) at `at` in the buffer; its size with the NUL.
uint64_t put_path(const RpcBuffer& b, uint64_t at, const char* path) {
  const size_t n = length(path);
  if (n + 1 > kReeFsPathMax) return 0;
  for (size_t i = 0; i <= n; ++i) b.bytes.data()[at + i] = static_cast<uint8_t>(path[i]);
  return n + 1;
}

// One REE FS operation; its GP result (the RPC's failure included).
uint32_t fs(RpcService& rpc, RpcMsg& m) {
  m.cmd = rpc_cmd::fs;
  if (!rpc.rpc(m)) return kTeeErrorStorageNotAvailable;
  return m.ret;
}

MsgParam value(uint64_t op, uint64_t b = 0, uint64_t c = 0) { return MsgParam{msg_attr::value_input, op, b, c}; }

// OPEN or CREATE: the file descriptor, or an error.
uint32_t open(RpcService& rpc, const RpcBuffer& b, uint64_t op, const char* path, uint64_t& fd) {
  const uint64_t n = put_path(b, 0, path);
  if (!n) return kTeeErrorStorageNotAvailable;
  RpcMsg m;
  m.num_params = 3;
  m.params[0] = value(op);
  m.params[1] = b.memref(msg_attr::fmem_input, 0, n);
  m.params[2] = MsgParam{msg_attr::value_output, 0, 0, 0};
  const uint32_t r = fs(rpc, m);
  fd = m.params[2].a;
  return r;
}

void close(RpcService& rpc, uint64_t fd) {
  RpcMsg m;
  m.num_params = 1;
  m.params[0] = value(mrf::close, fd);
  (void)fs(rpc, m);
}

}  // namespace

uint32_t ree_fs_read(RpcService& rpc, const char* path, uint8_t* out, size_t max, size_t& len) {
  len = 0;
  RpcBuffer b;
  // One byte more than we take: a file longer than `max` is told apart.
  if (!rpc.rpc_alloc(kDataAt + max + 1, b)) return kTeeErrorStorageNotAvailable;
  uint64_t fd = 0;
  uint32_t r = open(rpc, b, mrf::open, path, fd);
  if (r == kTeeSuccess) {
    RpcMsg m;
    m.num_params = 2;
    m.params[0] = value(mrf::read, fd, 0);
    m.params[1] = b.memref(msg_attr::fmem_output, kDataAt, max + 1);
    r = fs(rpc, m);
    const uint64_t got = m.params[1].b;
    if (r == kTeeSuccess && got > max + 1) r = kTeeErrorStorageNotAvailable;  // more than there was room for
    if (r == kTeeSuccess && got > max) r = kShortBuffer;
    if (r == kTeeSuccess) {
      for (uint64_t i = 0; i < got; ++i) out[i] = b.bytes.data()[kDataAt + i];  // copied once, then ours
      len = got;
    }
    close(rpc, fd);
  } else if (r != kItemNotFound) {
    r = kTeeErrorStorageNotAvailable;
  }
  rpc.rpc_free(b);
  return r;
}

uint32_t ree_fs_write(RpcService& rpc, const char* path, const uint8_t* data, size_t len) {
  char tmp[kReeFsPathMax];
  const size_t n = length(path);
  if (n + 5 > kReeFsPathMax) return kTeeErrorStorageNotAvailable;
  for (size_t i = 0; i < n; ++i) tmp[i] = path[i];
  const char kSuffix[] = ".tmp";
  for (size_t i = 0; i < sizeof(kSuffix); ++i) tmp[n + i] = kSuffix[i];
  RpcBuffer b;
  if (!rpc.rpc_alloc(kDataAt + len, b)) return kTeeErrorStorageNotAvailable;
  uint64_t fd = 0;
  uint32_t r = open(rpc, b, mrf::create, tmp, fd);
  if (r == kTeeSuccess) {
    for (size_t i = 0; i < len; ++i) b.bytes.data()[kDataAt + i] = data[i];
    RpcMsg m;
    m.num_params = 2;
    m.params[0] = value(mrf::write, fd, 0);
    m.params[1] = b.memref(msg_attr::fmem_input, kDataAt, len);
    r = fs(rpc, m);
    close(rpc, fd);
  }
  if (r == kTeeSuccess) {
    // The new file takes the old one's name in one step.
    const uint64_t old_len = put_path(b, 0, tmp), new_len = put_path(b, kReeFsPathMax, path);
    RpcMsg m;
    m.num_params = 3;
    m.params[0] = value(mrf::rename, 1);
    m.params[1] = b.memref(msg_attr::fmem_input, 0, old_len);
    m.params[2] = b.memref(msg_attr::fmem_input, kReeFsPathMax, new_len);
    r = fs(rpc, m);
  }
  rpc.rpc_free(b);
  return r == kTeeSuccess ? r : kTeeErrorStorageNotAvailable;
}

uint32_t ree_fs_remove(RpcService& rpc, const char* path) {
  RpcBuffer b;
  if (!rpc.rpc_alloc(kReeFsPathMax, b)) return kTeeErrorStorageNotAvailable;
  const uint64_t n = put_path(b, 0, path);
  RpcMsg m;
  m.num_params = 2;
  m.params[0] = value(mrf::remove);
  m.params[1] = b.memref(msg_attr::fmem_input, 0, n);
  uint32_t r = n ? fs(rpc, m) : kTeeErrorStorageNotAvailable;
  rpc.rpc_free(b);
  if (r != kTeeSuccess && r != kItemNotFound) r = kTeeErrorStorageNotAvailable;
  return r;
}

}  // namespace optee
