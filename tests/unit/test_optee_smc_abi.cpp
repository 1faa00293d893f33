// The trusted OS's OP-TEE SMC ABI front end (src/sel1/optee_smc_abi.h):
// the fast calls Linux's smc_abi.c probes with, and every way a hostile
// normal world can get a call wrong (function IDs, argument addresses,
// page lists, registered-memory cookies, parameter counts, resume
// information).
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "optee/opteed.h"
#include "sel1/optee_endpoint.h"
#include "sel1/optee_smc_abi.h"

namespace {

using namespace sel1::optee_smc;

constexpr uint64_t kDram = 0x40000000;
constexpr uint64_t kDramSize = 4ull << 20;  // 1024 pages of "normal-world DRAM"
constexpr uint64_t kPage = 4096;
constexpr uint64_t kArg = kDram + 0x1000;   // where tests put optee_msg_arg
constexpr uint64_t kList = kDram + 0x2000;  // page lists
constexpr uint64_t kData = kDram + 0x10000;

class FakeDram final : public sel1::NsMemory {
 public:
  std::vector<uint8_t> bytes_ = std::vector<uint8_t>(kDramSize);
  lib::MutableByteView bytes(uint64_t pa, uint64_t len) override {
    EXPECT_GE(pa, kDram);
    EXPECT_LE(pa - kDram + len, kDramSize);  // the front end asks only for checked ranges
    return lib::MutableByteView(bytes_.data() + (pa - kDram), len);
  }
  void put(uint64_t pa, uint64_t v, unsigned n) {
    for (unsigned i = 0; i < n; ++i) bytes_[pa - kDram + i] = static_cast<uint8_t>(v >> (8 * i));
  }
  uint64_t get(uint64_t pa, unsigned n) const {
    uint64_t v = 0;
    for (unsigned i = 0; i < n; ++i) v |= uint64_t{bytes_[pa - kDram + i]} << (8 * i);
    return v;
  }
};

class FakeThreads final : public sel1::ThreadService {
 public:
  bool suspend_next = false;
  unsigned count = 4;
  unsigned free_thread() const override {
    for (unsigned t = 0; t < count; ++t)
      if (!suspended_[t]) return t;
    return kNone;
  }
  bool run(unsigned t, void (*fn)(void*), void* arg) override {
    if (suspend_next) {
      suspend_next = false;
      suspended_[t] = true;
      fn_[t] = fn;
      arg_[t] = arg;
      return false;
    }
    fn(arg);
    return true;
  }
  bool suspended(unsigned t) const override { return t < 4 && suspended_[t]; }
  // No RPCs here: threads stop only as an interrupt would stop them.
  void yield_for_rpc() override {}
  bool waiting_rpc(unsigned) const override { return false; }
  unsigned current() const override { return kNone; }
  void preemption_point() override {}
  bool resume(unsigned t) override {
    suspended_[t] = false;
    fn_[t](arg_[t]);
    return true;
  }

 private:
  bool suspended_[4] = {};
  void (*fn_[4])(void*) = {};
  void* arg_[4] = {};
};

class Tas final : public optee::TaService {
 public:
  optee::CallParams seen;
  optee::TaUuid uuid_seen{};
  uint32_t login_seen = 0, session_seen = 0, command_seen = 0, cancel_seen = 0;
  unsigned calls = 0;
  uint32_t open_session(const optee::Client& c, const optee::TaUuid& ta, optee::CallParams& p, uint32_t,
                        uint32_t& session, uint32_t& origin) override {
    uuid_seen = ta;
    login_seen = c.login;
    seen = p;
    ++calls;
    session = 0x51;
    origin = 4;
    return 0;
  }
  uint32_t invoke(const optee::Client&, uint32_t session, uint32_t command, optee::CallParams& p, uint32_t,
                  uint32_t& origin) override {
    session_seen = session;
    command_seen = command;
    seen = p;
    ++calls;
    if (p.params.p[0].type == 3) p.params.p[0].a += 1;
    if (p.params.p[1].type == 6) p.params.p[1].size /= 2;
    origin = 4;
    return 0;
  }
  uint32_t close_session(const optee::Client&, uint32_t session, uint32_t& origin) override {
    session_seen = session;
    origin = 3;
    return 0;
  }
  void cancel(const optee::CallId& call) override { cancel_seen = call.cancel_id; }
};

class OpteeSmc : public ::testing::Test {
 protected:
  // DRAM as the manifest gives it, plus a range over secure RAM that the
  // front end must drop.
  static constexpr ffa::MemRange kRanges[2] = {{kDram, kDramSize}, {0x0E000000, 0x100000}};
  FakeDram dram_;
  FakeThreads threads_;
  Tas tas_;
  sel1::OpteeSmcAbi abi_{0x1234, dram_, kRanges, 2};

  void SetUp() override {
    abi_.attach_threads(threads_);
    abi_.attach_tas(tas_);
  }
  std::array<uint64_t, 4> call(uint64_t a0, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0) {
    const uint64_t in[8] = {a0, a1, a2, a3, 0x44, 0x55, 0x66, 0x77};
    uint64_t out[4] = {0xdead, 0xdead, 0xdead, 0xdead};
    abi_.handle(in, out);
    return {out[0], out[1], out[2], out[3]};
  }
  std::array<uint64_t, 4> call_arg(uint64_t pa) { return call(kCallWithArg, pa >> 32, pa & 0xFFFFFFFF); }
  void arg(uint32_t cmd, uint32_t num_params, uint32_t session = 0x51, uint64_t at = kArg) {
    for (uint64_t i = 0; i < 32 + 6 * 32 && at + i < kDram + kDramSize; ++i) dram_.put(at + i, 0, 1);
    dram_.put(at + 0, cmd, 4);
    dram_.put(at + 4, 0x33, 4);  // func
    dram_.put(at + 8, session, 4);
    dram_.put(at + 12, 7, 4);  // cancel_id
    dram_.put(at + 28, num_params, 4);
  }
  void param(unsigned i, uint64_t attr, uint64_t a, uint64_t b, uint64_t c, uint64_t at = kArg) {
    dram_.put(at + 32 + 32 * i, attr, 8);
    dram_.put(at + 40 + 32 * i, a, 8);
    dram_.put(at + 48 + 32 * i, b, 8);
    dram_.put(at + 56 + 32 * i, c, 8);
  }
  uint32_t ret(uint64_t at = kArg) { return static_cast<uint32_t>(dram_.get(at + 20, 4)); }
  // A page list at kList naming `pages`.
  void list(std::initializer_list<uint64_t> pages) {
    unsigned i = 0;
    for (uint64_t p : pages) dram_.put(kList + 8 * i++, p, 8);
  }
  // REGISTER_SHM of the list at kList: `size` bytes from `in_page`.
  uint32_t register_shm(uint64_t cookie, uint64_t size, uint64_t in_page = 0) {
    arg(kCmdRegisterShm, 1);
    param(0, kAttrTmemOutput | kAttrNoncontig, kList | in_page, size, cookie);
    EXPECT_EQ(call_arg(kArg)[0], kOk);
    return ret();
  }
  uint32_t unregister_shm(uint64_t cookie) {
    arg(kCmdUnregisterShm, 1);
    param(0, optee::msg_attr::fmem_input, 0, 0, cookie);
    EXPECT_EQ(call_arg(kArg)[0], kOk);
    return ret();
  }
};

TEST_F(OpteeSmc, FastCallsLinuxProbesWith) {
  auto r = call(kCallsUid);
  EXPECT_EQ(r, (std::array<uint64_t, 4>{0x384fb3e0, 0xe7f811e3, 0xaf630002, 0xa5d5c51b}));
  r = call(kCallsRevision);
  EXPECT_EQ(r[0], 2u);
  EXPECT_EQ(r[1], 0u);
  r = call(kGetOsUuid);
  EXPECT_EQ(r, (std::array<uint64_t, 4>{0x486178e0, 0xe7f811e3, 0xbc5e0002, 0xa5d5c51b}));
  r = call(kGetOsRevision);
  EXPECT_EQ(r[0], sel1::kOsVersionMajor);
  EXPECT_EQ(r[1], sel1::kOsVersionMinor);
  EXPECT_EQ(r[2], 0x1234u);
  r = call(kExchangeCapabilities, 1 /* uniprocessor */);
  EXPECT_EQ(r[0], kOk);
  EXPECT_EQ(r[1], kSecCapDynamicShm | kSecCapMemrefNull);  // no reserved shm, no RPC arg, no notifications
  EXPECT_EQ(r[2], 0u);
  EXPECT_EQ(r[3], 0u);
  EXPECT_EQ(call(kDisableShmCache)[0], kEnotavail);  // nothing cached: Linux's loop ends at once
  EXPECT_EQ(call(kEnableShmCache)[0], kOk);
  r = call(kGetThreadCount);
  EXPECT_EQ(r[0], kOk);
  EXPECT_EQ(r[1], 4u);
}

TEST_F(OpteeSmc, UnknownFunctionIdsAnswerUnknownAndPreserveA1ToA3) {
  for (uint64_t fid : {uint64_t{kGetShmConfig}, uint64_t{0xB2001234}, uint64_t{0x3200FFFF}, uint64_t{0x32000000},
                       uint64_t{0x84000063}, uint64_t{0x1'32000004}, uint64_t{0xFFFFFFFF'BF00FF01},
                       uint64_t{0xF2000004} /* SMC64 form */, uint64_t{0xB3000001} /* owner 51 */}) {
    auto r = call(fid, 1, 2, 3);
    EXPECT_EQ(r[0], kUnknownFunction) << std::hex << fid;
    EXPECT_EQ(r[1], 1u) << std::hex << fid;
    EXPECT_EQ(r[2], 2u);
    EXPECT_EQ(r[3], 3u);
  }
  EXPECT_EQ(tas_.calls, 0u);
}

TEST_F(OpteeSmc, TheMonitorsRangeCheck) {
  using optee::opteed::is_trusted_os_call;
  EXPECT_TRUE(is_trusted_os_call(kCallsUid));
  EXPECT_TRUE(is_trusted_os_call(kCallWithArg));
  EXPECT_TRUE(is_trusted_os_call(0xBE000005));  // the trusted OS's own reports
  EXPECT_FALSE(is_trusted_os_call(0x84000063));  // FF-A
  EXPECT_FALSE(is_trusted_os_call(0x84000000));  // PSCI
  EXPECT_FALSE(is_trusted_os_call(0xB1000000));  // owner 49
  EXPECT_FALSE(is_trusted_os_call(0xB2010000));  // bits [23:16] set
}

TEST_F(OpteeSmc, ArgumentAddressesOutsideTheNormalWorldsDramAreBadAddresses) {
  arg(sel1::optee_cmd::invoke_command, 0);
  EXPECT_EQ(call_arg(kArg)[0], kOk);  // the good one first
  EXPECT_EQ(tas_.calls, 1u);
  for (uint64_t pa : {uint64_t{0}, uint64_t{0x0E100000} /* the trusted OS */, uint64_t{0x0E000000} /* EL3 */,
                      kArg + 4 /* misaligned */, kDram - 8, kDram + kDramSize, kDram + kDramSize - 16 /* header cut */,
                      uint64_t{0xFFFFFFFFFFFFFFF8} /* wraps */, uint64_t{0x0E0FFFF8} /* straddles into secure */}) {
    auto r = call_arg(pa);
    EXPECT_EQ(r[0], kEbadaddr) << std::hex << pa;
  }
  EXPECT_EQ(tas_.calls, 1u);
  // The range given over secure RAM was dropped.
  EXPECT_FALSE(abi_.is_ns(0x0E000000, 8));
  EXPECT_FALSE(abi_.is_ns(kDram + kDramSize - 8, 16));
  EXPECT_FALSE(abi_.is_ns(~uint64_t{0} - 8, 16));
  EXPECT_TRUE(abi_.is_ns(kDram, kDramSize));
}

TEST_F(OpteeSmc, AnArgumentWhoseParamsDoNotFitOrAreTooManyIsRefused) {
  // Seven parameters: more than optee_msg_arg carries here.
  arg(1, 7);
  EXPECT_EQ(call_arg(kArg)[0], kEbadaddr);
  // Three parameters but only two fit before the end of DRAM.
  const uint64_t end_arg = kDram + kDramSize - (32 + 2 * 32);
  arg(1, 3, 0x51, end_arg);
  EXPECT_EQ(call_arg(end_arg)[0], kEbadaddr);
  arg(1, 2, 0x51, end_arg);
  EXPECT_EQ(call_arg(end_arg)[0], kOk);
  // Five client parameters: GP has four.
  arg(1, 5);
  EXPECT_EQ(call_arg(kArg)[0], kOk);
  EXPECT_EQ(ret(), sel1::kTeeErrorBadParameters);
  // An unknown command, and a meta parameter among the client's.
  arg(0x77, 0);
  EXPECT_EQ(call_arg(kArg)[0], kEbadcmd);
  arg(1, 1);
  param(0, optee::msg_attr::meta | optee::msg_attr::value_input, 1, 2, 3);
  EXPECT_EQ(call_arg(kArg)[0], kOk);
  EXPECT_EQ(ret(), sel1::kTeeErrorBadParameters);
  // Unknown parameter types (4, 8, 12 and up; RMEM with NONCONTIG).
  for (uint64_t attr : {uint64_t{4}, uint64_t{8}, uint64_t{12}, uint64_t{0xFF}, uint64_t{5 | kAttrNoncontig}}) {
    arg(1, 1);
    param(0, attr, 0, 0, 0);
    EXPECT_EQ(call_arg(kArg)[0], kOk);
    EXPECT_EQ(ret(), sel1::kTeeErrorBadParameters) << attr;
  }
  EXPECT_EQ(tas_.calls, 1u);  // only the two-parameter invoke ran
}

TEST_F(OpteeSmc, OpenSessionNeedsItsMetaParametersAndPassesTheUuidAndLogin) {
  arg(sel1::optee_cmd::open_session, 2, 0);
  param(0, optee::msg_attr::meta | optee::msg_attr::value_input, 0x0706050403020100, 0x0F0E0D0C0B0A0908, 0);
  param(1, optee::msg_attr::meta | optee::msg_attr::value_input, 0, 0, 4 /* login */);
  EXPECT_EQ(call_arg(kArg)[0], kOk);
  EXPECT_EQ(ret(), 0u);
  EXPECT_EQ(dram_.get(kArg + 8, 4), 0x51u);   // the session
  EXPECT_EQ(dram_.get(kArg + 24, 4), 4u);     // the origin the TA host gave
  EXPECT_EQ(tas_.uuid_seen.bytes[0], 0u);
  EXPECT_EQ(tas_.uuid_seen.bytes[15], 0x0Fu);
  EXPECT_EQ(tas_.login_seen, 4u);
  // Without them: refused, no session.
  arg(sel1::optee_cmd::open_session, 1, 0x99);
  param(0, optee::msg_attr::value_input, 0, 0, 0);
  EXPECT_EQ(call_arg(kArg)[0], kOk);
  EXPECT_EQ(ret(), sel1::kTeeErrorBadParameters);
  EXPECT_EQ(dram_.get(kArg + 8, 4), 0u);
  EXPECT_EQ(tas_.calls, 1u);
}

TEST_F(OpteeSmc, ValuesInAndOut) {
  arg(sel1::optee_cmd::invoke_command, 1);
  param(0, optee::msg_attr::value_inout, 41, 2, 3);
  EXPECT_EQ(call_arg(kArg)[0], kOk);
  EXPECT_EQ(ret(), 0u);
  EXPECT_EQ(tas_.command_seen, 0x33u);
  EXPECT_EQ(tas_.session_seen, 0x51u);
  EXPECT_EQ(dram_.get(kArg + 40, 8), 42u);
}

TEST_F(OpteeSmc, RegisteredMemoryBecomesItsPagesAndGoesAway) {
  const uint64_t p0 = kData, p1 = kData + kPage, p2 = kData + 8 * kPage;
  list({p0, p1, p2});
  ASSERT_EQ(register_shm(0xC00C1E, 3 * kPage - 0x100 - 0x20, 0x100), 0u);
  EXPECT_EQ(abi_.registered_count(), 1u);
  // The same cookie twice: refused.
  EXPECT_EQ(register_shm(0xC00C1E, 100), sel1::kTeeErrorBadParameters);
  // An output reference at offset 0x1000 of 0x1000 bytes: from 0x1100 into
  // the first page, so the second page's tail and the third's head.
  arg(sel1::optee_cmd::invoke_command, 2);
  param(1, optee::msg_attr::fmem_output, 0x1000, 0x1000, 0xC00C1E);
  EXPECT_EQ(call_arg(kArg)[0], kOk);
  EXPECT_EQ(ret(), 0u);
  const optee::MemrefPages& pages = tas_.seen.pages[1];
  ASSERT_EQ(pages.count, 2u);
  EXPECT_EQ(pages.ranges[0].address, p1);
  EXPECT_EQ(pages.ranges[0].pages, 1u);
  EXPECT_EQ(pages.ranges[1].address, p2);
  EXPECT_EQ(pages.in_page, 0x100u);
  EXPECT_TRUE(pages.writable);
  EXPECT_TRUE(pages.ns);
  EXPECT_EQ(dram_.get(kArg + 32 + 32 + 16, 8), 0x800u);  // the size the "TA" wrote back
  // Past the buffer's end, and a cookie nobody registered.
  arg(sel1::optee_cmd::invoke_command, 1);
  param(0, optee::msg_attr::fmem_input, 0x2000, 0x1000, 0xC00C1E);
  EXPECT_EQ(call_arg(kArg)[0], kOk);
  EXPECT_EQ(ret(), sel1::kTeeErrorBadParameters);
  arg(sel1::optee_cmd::invoke_command, 1);
  param(0, optee::msg_attr::fmem_input, 0, 16, 0xBAD);
  EXPECT_EQ(call_arg(kArg)[0], kOk);
  EXPECT_EQ(ret(), sel1::kTeeErrorBadParameters);
  arg(sel1::optee_cmd::invoke_command, 1);
  param(0, optee::msg_attr::fmem_input, ~uint64_t{0} - 4, 16, 0xC00C1E);  // offset + size wraps
  EXPECT_EQ(call_arg(kArg)[0], kOk);
  EXPECT_EQ(ret(), sel1::kTeeErrorBadParameters);
  // Gone once unregistered; a second unregistration is refused.
  EXPECT_EQ(unregister_shm(0xC00C1E), 0u);
  EXPECT_EQ(unregister_shm(0xC00C1E), sel1::kTeeErrorBadParameters);
  arg(sel1::optee_cmd::invoke_command, 1);
  param(0, optee::msg_attr::fmem_input, 0, 16, 0xC00C1E);
  EXPECT_EQ(call_arg(kArg)[0], kOk);
  EXPECT_EQ(ret(), sel1::kTeeErrorBadParameters);
  EXPECT_EQ(abi_.registered_count(), 0u);
}

TEST_F(OpteeSmc, PageListsThatNameSecureOrForeignMemoryAreRefused) {
  struct Case {
    const char* what;
    uint64_t page;
  } cases[] = {
      {"secure RAM", 0x0E100000},
      {"the monitor", 0x0E000000},
      {"below DRAM", kDram - kPage},
      {"past DRAM", kDram + kDramSize},
      {"unaligned", kData + 8},
      {"wrapping", 0xFFFFFFFFFFFFF000},
      {"flash", 0},
  };
  for (const Case& c : cases) {
    list({kData, c.page});
    EXPECT_EQ(register_shm(0x100, 2 * kPage), sel1::kTeeErrorBadParameters) << c.what;
  }
  // The list itself outside DRAM.
  arg(kCmdRegisterShm, 1);
  param(0, kAttrTmemOutput | kAttrNoncontig, 0x0E100000, kPage, 0x200);
  EXPECT_EQ(call_arg(kArg)[0], kOk);
  EXPECT_EQ(ret(), sel1::kTeeErrorBadParameters);
  // Without NONCONTIG, with a zero size, or larger than we read.
  list({kData});
  arg(kCmdRegisterShm, 1);
  param(0, kAttrTmemOutput, kList, kPage, 0x201);
  EXPECT_EQ(call_arg(kArg)[0], kOk);
  EXPECT_EQ(ret(), sel1::kTeeErrorBadParameters);
  EXPECT_EQ(register_shm(0x202, 0), sel1::kTeeErrorBadParameters);
  EXPECT_EQ(register_shm(0x203, (sel1::OpteeSmcAbi::kMaxListPages + 1) * kPage), sel1::kTeeErrorBadParameters);
  EXPECT_EQ(abi_.registered_count(), 0u);
}

TEST_F(OpteeSmc, APageListFollowsItsLinkAndTheLinkIsCheckedToo) {
  // 600 pages: 511 in the first list page, the rest in the next one.
  const uint64_t first = kDram + 0x100000, second = kDram + 0x3000, base = kDram + 0x180000;
  for (unsigned i = 0; i < 511; ++i) dram_.put(first + 8 * i, base + i * kPage, 8);
  dram_.put(first + 511 * 8, second, 8);
  for (unsigned i = 511; i < 600; ++i) dram_.put(second + 8 * (i - 511), base + i * kPage, 8);
  ffa::MemConstituent runs[4];
  unsigned count = 0;
  ASSERT_TRUE(abi_.read_page_list(first, 600, runs, 4, count));
  ASSERT_EQ(count, 1u);  // all contiguous: one run
  EXPECT_EQ(runs[0].address, base);
  EXPECT_EQ(runs[0].pages, 600u);
  // The link into secure RAM, unaligned, or off the end of DRAM.
  for (uint64_t link : {uint64_t{0x0E100000}, second + 8, kDram + kDramSize}) {
    dram_.put(first + 511 * 8, link, 8);
    EXPECT_FALSE(abi_.read_page_list(first, 600, runs, 4, count)) << std::hex << link;
  }
  // More runs than room for them.
  dram_.put(first + 511 * 8, second, 8);
  for (unsigned i = 0; i < 8; ++i) dram_.put(first + 8 * i, base + 2 * i * kPage, 8);
  EXPECT_FALSE(abi_.read_page_list(first, 8, runs, 4, count));
}

TEST_F(OpteeSmc, TemporaryMemoryContiguousNonContiguousAndNull) {
  // Contiguous: 0x1800 bytes from 0x800 into a page.
  arg(sel1::optee_cmd::invoke_command, 3);
  param(0, kAttrTmemInput, kData + 0x800, 0x1800, 0);
  // Non-contiguous: a list of two pages, 100 bytes from 0x10 into the first.
  list({kData + 5 * kPage, kData + 9 * kPage});
  param(1, kAttrTmemInout | kAttrNoncontig, kList | 0xFF0, 0x20, 0);
  // Null (OPTEE_SMC_SEC_CAP_MEMREF_NULL).
  param(2, kAttrTmemOutput, 0, 64, 0);
  EXPECT_EQ(call_arg(kArg)[0], kOk);
  EXPECT_EQ(ret(), 0u);
  const optee::CallParams& p = tas_.seen;
  EXPECT_EQ(p.params.p[0].type, 5);
  ASSERT_EQ(p.pages[0].count, 1u);
  EXPECT_EQ(p.pages[0].ranges[0].address, kData);
  EXPECT_EQ(p.pages[0].ranges[0].pages, 2u);
  EXPECT_EQ(p.pages[0].in_page, 0x800u);
  EXPECT_FALSE(p.pages[0].writable);
  EXPECT_EQ(p.params.p[1].type, 7);
  ASSERT_EQ(p.pages[1].count, 2u);
  EXPECT_EQ(p.pages[1].ranges[0].address, kData + 5 * kPage);
  EXPECT_EQ(p.pages[1].ranges[1].address, kData + 9 * kPage);
  EXPECT_EQ(p.pages[1].in_page, 0xFF0u);
  EXPECT_TRUE(p.pages[1].writable);
  EXPECT_EQ(p.params.p[2].type, 6);
  EXPECT_EQ(p.params.p[2].handle, optee::kFmemInvalidGlobalId);
  EXPECT_EQ(p.pages[2].count, 0u);
  // Contiguous memory that is not all the normal world's; a size that wraps.
  for (auto [buf, size] : {std::pair<uint64_t, uint64_t>{0x0E100000, 16}, {kDram + kDramSize - 8, 16},
                           {kDram - 8, 16}, {kData, ~uint64_t{0}}}) {
    arg(sel1::optee_cmd::invoke_command, 1);
    param(0, kAttrTmemInput, buf, size, 0);
    EXPECT_EQ(call_arg(kArg)[0], kOk);
    EXPECT_EQ(ret(), sel1::kTeeErrorBadParameters) << std::hex << buf;
  }
  // A page list naming secure memory.
  list({0x0E100000});
  arg(sel1::optee_cmd::invoke_command, 1);
  param(0, kAttrTmemInput | kAttrNoncontig, kList, 16, 0);
  EXPECT_EQ(call_arg(kArg)[0], kOk);
  EXPECT_EQ(ret(), sel1::kTeeErrorBadParameters);
  EXPECT_EQ(tas_.calls, 1u);
}

TEST_F(OpteeSmc, AForeignInterruptSuspendsTheCallAndReturnFromRpcResumesIt) {
  arg(sel1::optee_cmd::invoke_command, 1);
  param(0, optee::msg_attr::value_inout, 41, 0, 0);
  threads_.suspend_next = true;
  auto r = call_arg(kArg);
  EXPECT_EQ(r[0], kRpcForeignIntr);
  const uint64_t thread = r[3];
  EXPECT_EQ(tas_.calls, 0u);
  EXPECT_EQ(ret(), 0u);
  // Resume information that is not a suspended thread of ours.
  for (uint64_t t : {thread + 1, uint64_t{99}, uint64_t{~0u}}) EXPECT_EQ(call(kReturnFromRpc, 0, 0, t)[0], kEresume);
  // The right one: the call ends, its answer in the argument.
  r = call(kReturnFromRpc, 0, 0, thread);
  EXPECT_EQ(r[0], kOk);
  EXPECT_EQ(tas_.calls, 1u);
  EXPECT_EQ(dram_.get(kArg + 40, 8), 42u);
  // Once only.
  EXPECT_EQ(call(kReturnFromRpc, 0, 0, thread)[0], kEresume);
}

TEST_F(OpteeSmc, EveryThreadSuspendedIsThreadLimitAndRegisteredMemoryInUseStays) {
  threads_.count = 2;
  list({kData});
  ASSERT_EQ(register_shm(0xAB, 64), 0u);
  for (unsigned i = 0; i < 2; ++i) {
    arg(sel1::optee_cmd::invoke_command, 1);
    param(0, optee::msg_attr::fmem_input, 0, 64, 0xAB);
    threads_.suspend_next = true;
    EXPECT_EQ(call_arg(kArg)[0], kRpcForeignIntr);
  }
  arg(sel1::optee_cmd::invoke_command, 0);
  auto r = call(kCallWithArg, 0, kArg, 0x99);
  EXPECT_EQ(r[0], kEthreadLimit);
  EXPECT_EQ(r[3], 0x99u);  // a1-a3 preserved
  // A suspended call still uses the buffer: not unregistered.
  EXPECT_EQ(unregister_shm(0xAB), sel1::kTeeErrorBusy);
  EXPECT_EQ(call(kReturnFromRpc, 0, 0, 0)[0], kOk);
  EXPECT_EQ(unregister_shm(0xAB), sel1::kTeeErrorBusy);
  EXPECT_EQ(call(kReturnFromRpc, 0, 0, 1)[0], kOk);
  EXPECT_EQ(unregister_shm(0xAB), 0u);
}

TEST_F(OpteeSmc, CancelIsAnsweredAtOnce) {
  arg(sel1::optee_cmd::cancel, 0);
  EXPECT_EQ(call_arg(kArg)[0], kOk);
  EXPECT_EQ(ret(), 0u);
  EXPECT_EQ(tas_.cancel_seen, 7u);
}

TEST_F(OpteeSmc, TheArgumentInRegisteredMemory) {
  // CALL_WITH_REGD_ARG: a cookie and an offset.
  list({kDram + 0x5000, kArg});
  ASSERT_EQ(register_shm(0x77, 2 * kPage), 0u);
  arg(sel1::optee_cmd::invoke_command, 1);
  param(0, optee::msg_attr::value_inout, 1, 0, 0);
  EXPECT_EQ(call(kCallWithRegdArg, 0, 0x77, kPage)[0], kOk);
  EXPECT_EQ(dram_.get(kArg + 40, 8), 2u);
  // Past its end, misaligned, an unknown cookie.
  EXPECT_EQ(call(kCallWithRegdArg, 0, 0x77, 2 * kPage)[0], kEbadaddr);
  EXPECT_EQ(call(kCallWithRegdArg, 0, 0x77, kPage + 4)[0], kEbadaddr);
  EXPECT_EQ(call(kCallWithRegdArg, 0, 0x78, kPage)[0], kEbadaddr);
  // An argument that would straddle two pages that are not contiguous.
  arg(sel1::optee_cmd::invoke_command, 1, 0x51, kDram + 0x5000 + kPage - 32);
  EXPECT_EQ(call(kCallWithRegdArg, 0, 0x77, kPage - 32)[0], kEbadaddr);
}

}  // namespace
