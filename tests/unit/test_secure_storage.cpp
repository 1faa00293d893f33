// optee/secure_object.h (sealing a TA's persistent object) and
// optee/ree_fs.h (tee-supplicant's REE FS over RPC), against a fake
// normal world that keeps files in memory and can misbehave.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "optee/ree_fs.h"
#include "optee/secure_object.h"

namespace {

const uint8_t kHuk[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                          17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
const optee::TaUuid kTa{{0xAA, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}};
const optee::TaUuid kOtherTa{{0xBB, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}};
const uint8_t kNonce[12] = {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9};

std::vector<uint8_t> seal(const char* id, uint64_t version, const std::string& data) {
  const optee::ObjectKey k = optee::object_key(kHuk, kTa);
  std::vector<uint8_t> out(data.size() + optee::kObjectOverhead);
  const size_t n = optee::seal_object(k, kTa, reinterpret_cast<const uint8_t*>(id), strlen(id), version, kNonce,
                                      reinterpret_cast<const uint8_t*>(data.data()), data.size(), out.data());
  EXPECT_EQ(n, out.size());
  return out;
}

TEST(SecureObject, SealsAndOpens) {
  const auto blob = seal("obj", 7, "secret data");
  const optee::ObjectKey k = optee::object_key(kHuk, kTa);
  uint8_t out[optee::kObjectMaxData];
  auto o = optee::open_object(k, kTa, reinterpret_cast<const uint8_t*>("obj"), 3, blob.data(), blob.size(), out);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->version, 7u);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(out), o->len), "secret data");
  // No plaintext in what the normal world stores.
  EXPECT_EQ(std::string(blob.begin(), blob.end()).find("secret"), std::string::npos);
}

TEST(SecureObject, RefusesAnythingElse) {
  const auto blob = seal("obj", 7, "secret data");
  const optee::ObjectKey k = optee::object_key(kHuk, kTa);
  uint8_t out[optee::kObjectMaxData];
  const auto* id = reinterpret_cast<const uint8_t*>("obj");
  for (size_t i = 0; i < blob.size(); ++i) {  // every byte, flipped
    auto bad = blob;
    bad[i] ^= 0x01;
    EXPECT_FALSE(optee::open_object(k, kTa, id, 3, bad.data(), bad.size(), out)) << i;
  }
  EXPECT_FALSE(optee::open_object(k, kTa, reinterpret_cast<const uint8_t*>("obx"), 3, blob.data(), blob.size(), out));
  EXPECT_FALSE(optee::open_object(k, kOtherTa, id, 3, blob.data(), blob.size(), out));
  EXPECT_FALSE(optee::open_object(optee::object_key(kHuk, kOtherTa), kTa, id, 3, blob.data(), blob.size(), out));
  EXPECT_FALSE(optee::open_object(k, kTa, id, 3, blob.data(), blob.size() - 1, out));
  EXPECT_FALSE(optee::open_object(k, kTa, id, 3, blob.data(), 10, out));
  // Too large to seal.
  std::vector<uint8_t> big(optee::kObjectMaxData + 1), dst(big.size() + optee::kObjectOverhead);
  EXPECT_EQ(optee::seal_object(k, kTa, id, 3, 1, kNonce, big.data(), big.size(), dst.data()), 0u);
}

TEST(SecureObject, NamesAreKeyedAndDistinct) {
  const optee::ObjectKey a = optee::object_key(kHuk, kTa), b = optee::object_key(kHuk, kOtherTa);
  char n1[33], n2[33], n3[33];
  optee::object_name(a, reinterpret_cast<const uint8_t*>("obj"), 3, n1);
  optee::object_name(b, reinterpret_cast<const uint8_t*>("obj"), 3, n2);
  optee::object_name(a, reinterpret_cast<const uint8_t*>("obk"), 3, n3);
  EXPECT_EQ(strlen(n1), 32u);
  EXPECT_STRNE(n1, n2);
  EXPECT_STRNE(n1, n3);
  EXPECT_EQ(std::string(n1).find("obj"), std::string::npos);
}

// A normal world that keeps REE FS files in memory and answers RPCs the
// way Linux and tee-supplicant do, unless told to misbehave.
class FakeSupplicant final : public optee::RpcService {
 public:
  std::map<std::string, std::vector<uint8_t>> files;
  std::vector<std::vector<uint8_t>> buffers;  // by handle - 1
  unsigned live = 0, rpcs = 0;
  bool fail_alloc = false, oversize_read = false;
  uint32_t fs_error = 0;

  bool rpc(optee::RpcMsg& m) override {
    ++rpcs;
    if (m.cmd != optee::rpc_cmd::fs) return false;
    if (fs_error) {
      m.ret = fs_error;
      return true;
    }
    m.ret = 0;
    const uint64_t op = m.params[0].a;
    auto bytes = [&](const optee::MsgParam& p) -> uint8_t* {
      return buffers.at(p.c - 1).data() + (p.a & 0xFFFFFFFFFFFF);
    };
    auto name = [&](const optee::MsgParam& p) { return std::string(reinterpret_cast<char*>(bytes(p))); };
    switch (op) {
      case optee::mrf::open:
      case optee::mrf::create: {
        const std::string n = name(m.params[1]);
        if (op == optee::mrf::open && !files.count(n)) {
          m.ret = 0xFFFF0008;
          return true;
        }
        if (op == optee::mrf::create) files[n].clear();
        open_.push_back(n);
        m.params[2].a = open_.size();
        return true;
      }
      case optee::mrf::read: {
        const auto& f = files.at(open_.at(m.params[0].b - 1));
        const size_t n = std::min<size_t>(f.size(), m.params[1].b);
        memcpy(bytes(m.params[1]), f.data(), n);
        m.params[1].b = oversize_read ? m.params[1].b + 100 : n;
        return true;
      }
      case optee::mrf::write: {
        auto& f = files.at(open_.at(m.params[0].b - 1));
        f.assign(bytes(m.params[1]), bytes(m.params[1]) + m.params[1].b);
        return true;
      }
      case optee::mrf::close:
        return true;
      case optee::mrf::remove:
        m.ret = files.erase(name(m.params[1])) ? 0 : 0xFFFF0008;
        return true;
      case optee::mrf::rename: {
        auto from = name(m.params[1]), to = name(m.params[2]);
        files[to] = files.at(from);
        files.erase(from);
        return true;
      }
      default:
        m.ret = 0xFFFF0006;
        return true;
    }
  }
  bool rpc_alloc(uint64_t size, optee::RpcBuffer& out) override {
    if (fail_alloc) return false;
    buffers.emplace_back(size);
    ++live;
    out.handle = buffers.size();
    out.internal_offs = 0;
    out.bytes = lib::MutableByteView(buffers.back().data(), size);
    return true;
  }
  void rpc_free(const optee::RpcBuffer&) override { --live; }

 private:
  std::vector<std::string> open_;
};

TEST(ReeFs, WritesReadsAndRemovesThroughRpc) {
  FakeSupplicant nw;
  const uint8_t data[] = "sealed bytes";
  EXPECT_EQ(optee::ree_fs_write(nw, "tessera/a/b", data, sizeof(data)), 0u);
  ASSERT_EQ(nw.files.count("tessera/a/b"), 1u);
  EXPECT_EQ(nw.files.count("tessera/a/b.tmp"), 0u);  // renamed into place
  uint8_t out[64];
  size_t len = 0;
  EXPECT_EQ(optee::ree_fs_read(nw, "tessera/a/b", out, sizeof(out), len), 0u);
  EXPECT_EQ(len, sizeof(data));
  EXPECT_EQ(memcmp(out, data, len), 0);
  EXPECT_EQ(optee::ree_fs_read(nw, "tessera/a/b", out, 4, len), 0xFFFF0010u);  // longer than room
  EXPECT_EQ(optee::ree_fs_remove(nw, "tessera/a/b"), 0u);
  EXPECT_EQ(optee::ree_fs_read(nw, "tessera/a/b", out, sizeof(out), len), 0xFFFF0008u);
  EXPECT_EQ(optee::ree_fs_remove(nw, "tessera/a/b"), 0xFFFF0008u);
  EXPECT_EQ(nw.live, 0u);  // every buffer given back
}

TEST(ReeFs, NormalWorldMisbehaviourIsStorageNotAvailable) {
  FakeSupplicant nw;
  const uint8_t data[] = "x";
  uint8_t out[64];
  size_t len = 0;
  ASSERT_EQ(optee::ree_fs_write(nw, "f", data, 1), 0u);
  nw.oversize_read = true;  // claims more than it was given room for
  EXPECT_EQ(optee::ree_fs_read(nw, "f", out, sizeof(out), len), optee::kTeeErrorStorageNotAvailable);
  EXPECT_EQ(len, 0u);
  nw.oversize_read = false;
  nw.fs_error = 0xFFFF0000;
  EXPECT_EQ(optee::ree_fs_read(nw, "f", out, sizeof(out), len), optee::kTeeErrorStorageNotAvailable);
  EXPECT_EQ(optee::ree_fs_write(nw, "f", data, 1), optee::kTeeErrorStorageNotAvailable);
  nw.fs_error = 0;
  nw.fail_alloc = true;
  EXPECT_EQ(optee::ree_fs_read(nw, "f", out, sizeof(out), len), optee::kTeeErrorStorageNotAvailable);
  nw.fail_alloc = false;
  std::string long_path(optee::kReeFsPathMax, 'p');
  EXPECT_EQ(optee::ree_fs_write(nw, long_path.c_str(), data, 1), optee::kTeeErrorStorageNotAvailable);
  EXPECT_EQ(nw.live, 0u);
}

}  // namespace
