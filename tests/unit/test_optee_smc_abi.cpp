// The trusted OS's OP-TEE SMC ABI front end (src/sel1/optee_smc_abi.h):
// the fast calls Linux's smc_abi.c probes with, and every way a hostile
// normal world can get a call wrong (function IDs, argument addresses,
// page lists, registered-memory cookies, parameter counts, resume
// information).
#include <gtest/gtest.h>

#include "arch/fake/fake_threads.h"

#include <array>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
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

using FakeThreads = fake::FakeThreads<4>;

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

// One SMC to the front end as the monitor hands it over: a0-a3 as given,
// a4-a7 `upper` (which no call here reads); its answer a0-a3, each set
// to a pattern first so that one left unwritten shows.
std::array<uint64_t, 4> smc(sel1::OpteeSmcAbi& abi, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                            const uint64_t (&upper)[4]) {
  const uint64_t in[8] = {a0, a1, a2, a3, upper[0], upper[1], upper[2], upper[3]};
  uint64_t out[4] = {0xdead, 0xdead, 0xdead, 0xdead};
  abi.handle(in, out);
  return {out[0], out[1], out[2], out[3]};
}

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
    static constexpr uint64_t kUpper[4] = {0x44, 0x55, 0x66, 0x77};
    return smc(abi_, a0, a1, a2, a3, kUpper);
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
  // No reserved shm, no notifications; an RPC argument of 4 parameters
  // (a3, where smc_abi.c reads rpc_param_count).
  EXPECT_EQ(r[1], kSecCapDynamicShm | kSecCapMemrefNull | kSecCapRpcArg);
  EXPECT_EQ(r[2], 0u);
  EXPECT_EQ(r[3], 4u);
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
  // The same cookie twice: refused. So is cookie 0, which means "none"
  // in the calls' records (a buffer under it would escape their in-use
  // checks).
  EXPECT_EQ(register_shm(0xC00C1E, 100), sel1::kTeeErrorBadParameters);
  EXPECT_EQ(register_shm(0, 100), sel1::kTeeErrorBadParameters);
  EXPECT_EQ(abi_.registered_count(), 1u);
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

TEST_F(OpteeSmc, WithoutAsyncNotificationsTheirCallsAreRefused) {
  EXPECT_EQ(call(kEnableAsyncNotif)[0], kEnotavail);
  EXPECT_EQ(call(kGetAsyncNotifValue)[0], kEnotavail);
  arg(sel1::optee_cmd::do_bottom_half, 0);
  EXPECT_EQ(call_arg(kArg)[0], kOk);
  EXPECT_EQ(ret(), 0xFFFF0009u);  // TEE_ERROR_NOT_IMPLEMENTED
  arg(sel1::optee_cmd::stop_async_notif, 0);
  EXPECT_EQ(call_arg(kArg)[0], kOk);
  EXPECT_EQ(ret(), 0xFFFF0009u);
}

struct Interrupts final : optee::AsyncNotif::Signal {
  unsigned raised = 0;
  bool raise(uint16_t owner, uint32_t value) override {
    EXPECT_EQ(owner, 0);  // the normal world
    EXPECT_EQ(value, 0u);
    ++raised;
    return true;
  }
};

TEST_F(OpteeSmc, AsyncNotificationsAsLinuxsSmcAbiUsesThem) {
  Interrupts irq;
  optee::AsyncNotif async(irq);
  int bottom_halves = 0;
  ASSERT_TRUE(async.add_driver([](void* n) { ++*static_cast<int*>(n); }, &bottom_halves));
  abi_.attach_async(async);
  auto r = call(kExchangeCapabilities);
  EXPECT_EQ(r[1] & kSecCapAsyncNotif, kSecCapAsyncNotif);
  EXPECT_EQ(r[2], 255u);  // max_notif_value
  EXPECT_EQ(call(kGetAsyncNotifValue)[0], kEnotavail);  // not yet enabled
  EXPECT_EQ(call(kEnableAsyncNotif)[0], kOk);
  EXPECT_EQ(irq.raised, 1u);
  r = call(kGetAsyncNotifValue, 0, 0, 0x99);
  EXPECT_EQ(r, (std::array<uint64_t, 4>{kOk, 0, kAsyncValueValid, 0x99}));
  r = call(kGetAsyncNotifValue);
  EXPECT_EQ(r[0], kOk);
  EXPECT_EQ(r[2], 0u);
  // DO_BOTTOM_HALF runs in a thread; with a parameter it is refused there.
  arg(sel1::optee_cmd::do_bottom_half, 1);
  EXPECT_EQ(call_arg(kArg)[0], kOk);
  EXPECT_EQ(ret(), 0xFFFF0006u);
  EXPECT_EQ(bottom_halves, 0);
  arg(sel1::optee_cmd::do_bottom_half, 0);
  EXPECT_EQ(call_arg(kArg)[0], kOk);
  EXPECT_EQ(ret(), 0u);
  EXPECT_EQ(bottom_halves, 1);
  EXPECT_EQ(tas_.calls, 0u);  // nothing reached a TA
  arg(sel1::optee_cmd::stop_async_notif, 0);
  EXPECT_EQ(call_arg(kArg)[0], kOk);
  EXPECT_EQ(ret(), 0u);
  EXPECT_EQ(call(kGetAsyncNotifValue)[0], kEnotavail);
  arg(sel1::optee_cmd::do_bottom_half, 0);
  EXPECT_EQ(call_arg(kArg)[0], kOk);
  EXPECT_EQ(ret(), 0xFFFF0007u);  // TEE_ERROR_BAD_STATE
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

// RPC over the SMC ABI (optee::RpcService): real threads that stop in
// yield_for_rpc() until resumed, one running at a time.
namespace {

class RpcThreads final : public sel1::ThreadService {
 public:
  ~RpcThreads() {
    for (T& t : t_)
      if (t.th.joinable()) t.th.detach();  // a test that failed left it waiting
  }
  unsigned free_thread() const override {
    for (unsigned t = 0; t < 4; ++t)
      if (!t_[t].busy) return t;
    return kNone;
  }
  bool run(unsigned t, void (*fn)(void*), void* arg) override {
    std::unique_lock<std::mutex> l(m_);
    t_[t].busy = true;
    t_[t].done = false;
    turn_ = t;
    t_[t].th = std::thread([this, t, fn, arg] {
      self_ = t;
      fn(arg);
      std::lock_guard<std::mutex> g(m_);
      t_[t].done = true;
      turn_ = kMain;
      cv_.notify_all();
    });
    return wait_main(t, l);
  }
  bool suspended(unsigned t) const override { return t < 4 && t_[t].busy; }
  bool resume(unsigned t) override {
    std::unique_lock<std::mutex> l(m_);
    turn_ = t;
    cv_.notify_all();
    return wait_main(t, l);
  }
  void yield_for_rpc() override {
    std::unique_lock<std::mutex> l(m_);
    const unsigned me = self_;
    t_[me].waiting = true;
    turn_ = kMain;
    cv_.notify_all();
    cv_.wait(l, [&] { return turn_ == me; });
    t_[me].waiting = false;
  }
  bool waiting_rpc(unsigned t) const override { return t < 4 && t_[t].waiting; }
  unsigned current() const override { return self_; }
  void preemption_point() override {}

 private:
  static constexpr unsigned kMain = 100;
  struct T {
    std::thread th;
    bool busy = false, done = false, waiting = false;
  };
  bool wait_main(unsigned t, std::unique_lock<std::mutex>& l) {
    cv_.wait(l, [&] { return turn_ == kMain; });
    if (!t_[t].done) return false;
    l.unlock();
    t_[t].th.join();
    t_[t].busy = false;
    return true;
  }
  static thread_local unsigned self_;
  std::mutex m_;
  std::condition_variable cv_;
  unsigned turn_ = kMain;
  T t_[4];
};
thread_local unsigned RpcThreads::self_ = sel1::ThreadService::kNone;

// A TA service whose INVOKE_COMMAND runs what the test wants in the call's
// thread; its result is the call's.
class RpcTas final : public optee::TaService {
 public:
  std::function<uint32_t()> work;
  uint32_t open_session(const optee::Client&, const optee::TaUuid&, optee::CallParams&, uint32_t, uint32_t& session,
                        uint32_t&) override {
    session = 1;
    return 0;
  }
  uint32_t invoke(const optee::Client&, uint32_t, uint32_t, optee::CallParams&, uint32_t, uint32_t& origin) override {
    origin = 4;
    return work ? work() : 0;
  }
  uint32_t close_session(const optee::Client&, uint32_t, uint32_t&) override { return 0; }
  void cancel(const optee::CallId&) override {}
};

constexpr uint64_t kRpcAt = kArg + 32 + 32 * 1;  // after an argument with one parameter

class OpteeSmcRpc : public ::testing::Test {
 protected:
  static constexpr ffa::MemRange kRanges[1] = {{kDram, kDramSize}};
  FakeDram dram_;
  RpcThreads threads_;
  RpcTas tas_;
  sel1::OpteeSmcAbi abi_{0x1234, dram_, kRanges, 1};

  void SetUp() override {
    abi_.attach_threads(threads_);
    abi_.attach_tas(tas_);
  }
  std::array<uint64_t, 4> call(uint64_t a0, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0) {
    static constexpr uint64_t kUpper[4] = {0, 0, 0, 0};
    return smc(abi_, a0, a1, a2, a3, kUpper);
  }
  // INVOKE_COMMAND with one value parameter at `at`, by `fid`.
  std::array<uint64_t, 4> invoke(uint64_t fid = kCallWithRpcArg, uint64_t at = kArg) {
    for (uint64_t i = 0; i < 32 + 32 + 32 + 4 * 32; ++i) dram_.put(at + i, 0xEE, 1);  // RPC room: junk
    for (uint64_t i = 0; i < 64; ++i) dram_.put(at + i, 0, 1);
    dram_.put(at + 0, sel1::optee_cmd::invoke_command, 4);
    dram_.put(at + 8, 1, 4);  // session
    dram_.put(at + 28, 1, 4);
    dram_.put(at + 32, optee::msg_attr::value_input, 8);
    return call(fid, at >> 32, at & 0xFFFFFFFF);
  }
  std::array<uint64_t, 4> resume(uint64_t t) { return call(kReturnFromRpc, 0, 0, t); }
  // The normal world's answer to the request at `at`: ret, and parameter
  // i's (attr, a, b, c).
  void answer_param(unsigned i, uint64_t attr, uint64_t a, uint64_t b, uint64_t c, uint64_t at = kRpcAt) {
    dram_.put(at + 32 + 32 * i, attr, 8);
    dram_.put(at + 40 + 32 * i, a, 8);
    dram_.put(at + 48 + 32 * i, b, 8);
    dram_.put(at + 56 + 32 * i, c, 8);
  }
  uint64_t req(uint64_t off, unsigned n = 8, uint64_t at = kRpcAt) { return dram_.get(at + off, n); }
};

TEST_F(OpteeSmcRpc, RequestAfterTheArgumentReturnRpcCmdAndResume) {
  optee::RpcMsg seen;
  bool sent = false;
  tas_.work = [&] {
    optee::RpcMsg m;
    m.cmd = optee::rpc_cmd::get_time;
    m.num_params = 1;
    m.params[0] = optee::MsgParam{optee::msg_attr::value_output, 0, 0, 0};
    sent = abi_.rpc(m);
    seen = m;
    return 0x77u;
  };
  auto r = invoke();
  ASSERT_EQ(r[0], kRpcCmd);
  const uint64_t t = r[3];
  EXPECT_LT(t, 4u);
  // The request: an optee_msg_arg right after the call's own (one
  // parameter), header cleared, one VALUE_OUTPUT.
  EXPECT_EQ(req(0, 4), optee::rpc_cmd::get_time);
  EXPECT_EQ(req(20, 4), 0u);
  EXPECT_EQ(req(28, 4), 1u);
  EXPECT_EQ(req(32), optee::msg_attr::value_output);
  EXPECT_EQ(dram_.get(kArg + 32, 8), optee::msg_attr::value_input);  // the call's argument untouched
  // tee-supplicant's answer.
  dram_.put(kRpcAt + 20, 0, 4);
  answer_param(0, optee::msg_attr::value_output, 1234, 5678, 0);
  r = resume(t);
  EXPECT_EQ(r[0], kOk);
  EXPECT_TRUE(sent);
  EXPECT_EQ(seen.ret, 0u);
  EXPECT_EQ(seen.params[0].a, 1234u);
  EXPECT_EQ(seen.params[0].b, 5678u);
  EXPECT_EQ(dram_.get(kArg + 20, 4), 0x77u);  // the call's answer
  // A second resume of the finished thread is refused.
  EXPECT_EQ(resume(t)[0], kEresume);
}

TEST_F(OpteeSmcRpc, MalformedAnswersAreCommunicationErrors) {
  for (int bad = 0; bad < 3; ++bad) {
    optee::RpcMsg seen;
    tas_.work = [&] {
      optee::RpcMsg m;
      m.cmd = optee::rpc_cmd::get_time;
      m.num_params = 1;
      m.params[0] = optee::MsgParam{optee::msg_attr::value_output, 0, 0, 0};
      EXPECT_TRUE(abi_.rpc(m));
      seen = m;
      return 0u;
    };
    auto r = invoke();
    ASSERT_EQ(r[0], kRpcCmd);
    if (bad == 0) dram_.put(kRpcAt + 28, 2, 4);            // another parameter count
    if (bad == 1) dram_.put(kRpcAt + 0, 99, 4);            // another command
    if (bad == 2) dram_.put(kRpcAt + 28, 0xFFFFFFFF, 4);   // more parameters than there is room for
    EXPECT_EQ(resume(r[3])[0], kOk);
    EXPECT_EQ(seen.ret, sel1::kTeeErrorCommunication) << bad;
    EXPECT_EQ(seen.ret_origin, sel1::kTeeOriginComms) << bad;
  }
}

TEST_F(OpteeSmcRpc, NoRoomNoRpc) {
  // CALL_WITH_ARG gave no room for an RPC argument: rpc() sends nothing.
  bool sent = true;
  tas_.work = [&] {
    optee::RpcMsg m;
    m.cmd = optee::rpc_cmd::get_time;
    sent = abi_.rpc(m);
    return 0u;
  };
  EXPECT_EQ(invoke(kCallWithArg)[0], kOk);
  EXPECT_FALSE(sent);
  EXPECT_EQ(req(0, 4), 0xEEEEEEEEu);
  // Nor where the room would leave the normal world's DRAM.
  const uint64_t at = kDram + kDramSize - 64;
  for (uint64_t i = 0; i < 64; ++i) dram_.put(at + i, 0, 1);
  dram_.put(at + 0, sel1::optee_cmd::invoke_command, 4);
  dram_.put(at + 28, 1, 4);
  dram_.put(at + 32, optee::msg_attr::value_input, 8);
  sent = true;
  EXPECT_EQ(call(kCallWithRpcArg, at >> 32, at & 0xFFFFFFFF)[0], kOk);
  EXPECT_FALSE(sent);
}

TEST_F(OpteeSmcRpc, RegisteredArgumentKeepsItsBufferWhileWaiting) {
  // A registered page (cookie 0xC0), the argument 0x180 bytes into it.
  dram_.put(kList, kData, 8);
  auto reg = [&](uint32_t cmd, uint64_t attr, uint64_t a, uint64_t b, uint64_t c) {
    for (uint64_t i = 0; i < 64; ++i) dram_.put(kArg + 0x800 + i, 0, 1);
    dram_.put(kArg + 0x800, cmd, 4);
    dram_.put(kArg + 0x800 + 28, 1, 4);
    dram_.put(kArg + 0x800 + 32, attr, 8);
    dram_.put(kArg + 0x800 + 40, a, 8);
    dram_.put(kArg + 0x800 + 48, b, 8);
    dram_.put(kArg + 0x800 + 56, c, 8);
    EXPECT_EQ(call(kCallWithArg, 0, kArg + 0x800)[0], kOk);
    return static_cast<uint32_t>(dram_.get(kArg + 0x800 + 20, 4));
  };
  ASSERT_EQ(reg(kCmdRegisterShm, kAttrTmemOutput | kAttrNoncontig, kList, kPage, 0xC0), 0u);
  tas_.work = [&] {
    optee::RpcMsg m;
    m.cmd = optee::rpc_cmd::suspend;
    m.num_params = 1;
    m.params[0] = optee::MsgParam{optee::msg_attr::value_input, 10, 0, 0};
    EXPECT_TRUE(abi_.rpc(m));
    return m.ret;
  };
  const uint64_t at = kData + 0x180;
  for (uint64_t i = 0; i < 64; ++i) dram_.put(at + i, 0, 1);
  dram_.put(at + 0, sel1::optee_cmd::invoke_command, 4);
  dram_.put(at + 28, 1, 4);
  dram_.put(at + 32, optee::msg_attr::value_input, 8);
  auto r = call(kCallWithRegdArg, 0, 0xC0, 0x180);
  ASSERT_EQ(r[0], kRpcCmd);
  EXPECT_EQ(req(0, 4, at + 64), optee::rpc_cmd::suspend);
  EXPECT_EQ(req(40, 8, at + 64), 10u);
  // Its buffer cannot go while the call waits in it.
  EXPECT_EQ(reg(kCmdUnregisterShm, optee::msg_attr::fmem_input, 0, 0, 0xC0), sel1::kTeeErrorBusy);
  dram_.put(at + 64 + 20, 0, 4);
  EXPECT_EQ(resume(r[3])[0], kOk);
  EXPECT_EQ(dram_.get(at + 20, 4), 0u);
  EXPECT_EQ(reg(kCmdUnregisterShm, optee::msg_attr::fmem_input, 0, 0, 0xC0), 0u);
  // An argument whose RPC room would run past the registered buffer: no RPC.
  ASSERT_EQ(reg(kCmdRegisterShm, kAttrTmemOutput | kAttrNoncontig, kList, 0x200, 0xC1), 0u);
  bool sent = true;
  tas_.work = [&] {
    optee::RpcMsg m;
    m.cmd = optee::rpc_cmd::suspend;
    sent = abi_.rpc(m);
    return 0u;
  };
  EXPECT_EQ(call(kCallWithRegdArg, 0, 0xC1, 0x180)[0], kOk);
  EXPECT_FALSE(sent);
}

TEST_F(OpteeSmcRpc, ShmAllocMapsLinuxsPagesAndFreeSendsItsShmRefBack) {
  constexpr uint64_t kShmRef = 0xFFFF000012345678;
  optee::RpcBuffer b;
  bool got = false;
  optee::MsgParam ref{};
  tas_.work = [&] {
    got = abi_.rpc_alloc(100, b);
    if (!got) return 1u;
    for (unsigned i = 0; i < 100; ++i) b.bytes.data()[i] = static_cast<uint8_t>(i);
    ref = b.memref(optee::msg_attr::fmem_input, 0x10, 0x20);
    abi_.rpc_free(b);
    return 0u;
  };
  auto r = invoke();
  ASSERT_EQ(r[0], kRpcCmd);
  EXPECT_EQ(req(0, 4), optee::rpc_cmd::shm_alloc);
  EXPECT_EQ(req(32), optee::msg_attr::value_input);
  EXPECT_EQ(req(40), optee::rpc_cmd::shm_type_appl);
  EXPECT_EQ(req(48), 100u);
  // Linux: a page list at kList naming one page, the buffer 0x40 into it.
  dram_.put(kList, kData + 3 * kPage, 8);
  dram_.put(kRpcAt + 20, 0, 4);
  answer_param(0, kAttrTmemOutput | kAttrNoncontig, kList | 0x40, 100, kShmRef);
  r = resume(r[3]);
  ASSERT_EQ(r[0], kRpcCmd);  // the buffer was used, now SHM_FREE
  EXPECT_TRUE(got);
  EXPECT_EQ(abi_.rpc_buffer_count(), 0u);  // given back before the normal world frees it
  EXPECT_EQ(dram_.get(kData + 3 * kPage + 0x40 + 5, 1), 5u);
  EXPECT_EQ(ref.attr, optee::msg_attr::fmem_input);  // RMEM_INPUT { offs, size, shm_ref }
  EXPECT_EQ(ref.a, 0x10u);
  EXPECT_EQ(ref.b, 0x20u);
  EXPECT_EQ(ref.c, kShmRef);
  EXPECT_EQ(req(0, 4), optee::rpc_cmd::shm_free);
  EXPECT_EQ(req(28, 4), 1u);
  EXPECT_EQ(req(40), optee::rpc_cmd::shm_type_appl);
  EXPECT_EQ(req(48), kShmRef);
  dram_.put(kRpcAt + 20, 0, 4);
  EXPECT_EQ(resume(r[3])[0], kOk);
  EXPECT_EQ(dram_.get(kArg + 20, 4), 0u);
}

TEST_F(OpteeSmcRpc, ShmAllocAnswersNotAllNormalWorldDramAreRefused) {
  struct Case {
    uint64_t attr, buf, size;
    uint64_t list_entry;  // for NONCONTIG
  };
  const Case cases[] = {
      {kAttrTmemOutput, 0x0E000000, 100, 0},                          // secure RAM
      {kAttrTmemOutput, kDram + kDramSize - 50, 100, 0},              // runs off the end of DRAM
      {kAttrTmemOutput, kData, 50, 0},                                // smaller than asked
      {kAttrTmemInput, kData, 100, 0},                                // not TMEM_OUTPUT
      {kAttrTmemOutput | kAttrNoncontig, kList, 100, 0x0E001000},     // a secure page in the list
      {kAttrTmemOutput | kAttrNoncontig, kList, 100, kData + 8},      // an unaligned page
      {kAttrTmemOutput | kAttrNoncontig, 0x0E002000, 100, 0},         // the list itself secure
  };
  for (const Case& k : cases) {
    bool got = true;
    tas_.work = [&] {
      optee::RpcBuffer b;
      got = abi_.rpc_alloc(100, b);
      return 0u;
    };
    auto r = invoke();
    ASSERT_EQ(r[0], kRpcCmd);
    dram_.put(kList, k.list_entry, 8);
    dram_.put(kRpcAt + 20, 0, 4);
    answer_param(0, k.attr, k.buf, k.size, 0x5A5A);
    r = resume(r[3]);
    if ((k.attr & 0xFF) == kAttrTmemOutput) {
      // Linux allocated something: it is freed under its own shm_ref.
      ASSERT_EQ(r[0], kRpcCmd) << k.buf;
      EXPECT_EQ(req(0, 4), optee::rpc_cmd::shm_free);
      EXPECT_EQ(req(48), 0x5A5Au);
      dram_.put(kRpcAt + 20, 0, 4);
      r = resume(r[3]);
    }
    EXPECT_EQ(r[0], kOk);
    EXPECT_FALSE(got) << k.buf;
    EXPECT_EQ(abi_.rpc_buffer_count(), 0u);
  }
}

}  // namespace
