// Memory management in QEMU: FFA_MEM_SHARE/LEND/DONATE from the normal
// world to partitions (whole, in fragments, from a buffer given by
// address; one or several borrowers), partitions lending their own memory
// to one another, retrieve (in fragments), relinquish, reclaim, and the
// hostile cases.
#include "nwd/harness/ffa_client.h"
#include "nwd/harness/mem_descriptor.h"
#include "nwd/harness/supplicant.h"
#include "nwd/harness/test.h"

using ffa::Func;
using harness::call;
using harness::error_code;
using harness::put_le;
using harness::put_ranges;

namespace {
constexpr uint16_t kEcho = 0x8001;
constexpr int32_t kInvalid = -2, kDenied = -6;

alignas(4096) volatile uint64_t g_shared[2][512];  // two pages of normal-world memory

// A v1.2 share descriptor in our TX buffer: one receiver, one constituent.
// `permissions`: the data access alone (FF-A leaves the instruction access
// to the SPMC).
uint32_t put_share(uint16_t receiver, uint64_t address, uint32_t pages, uint8_t permissions = 2) {
  uint8_t* tx = harness::buffers().tx;
  auto put = [&](unsigned off, uint64_t v, unsigned n) { put_le(tx, off, v, n); };
  for (unsigned i = 0; i < 128; ++i) tx[i] = 0;
  put(0, 0, 2);          // sender: us
  put(2, 0x2F, 2);       // normal memory, write-back, inner shareable
  put(24, 32, 4);        // access descriptor size (v1.2)
  put(28, 1, 4);         // receivers
  put(32, 48, 4);        // receivers offset
  put(48, receiver, 2);
  put(50, permissions, 1);
  put(52, 80, 4);        // composite offset
  put(80, pages, 4);     // total pages
  put(84, 1, 4);         // constituents
  put(96, address, 8);
  put(104, pages, 4);
  return 112;
}

// A lend to one borrower, or a donation, leaves the memory attributes to
// the borrower: "not specified" (0) in place of put_share's.
void leave_attributes_to_the_borrower() {
  harness::buffers().tx[2] = 0;
  harness::buffers().tx[3] = 0;
}

uint64_t share(uint32_t length, Func f = Func::mem_share_64) {
  ffa::Regs r = call(f, length, length);
  return ffa::is_success(r) ? (uint64_t{r.w(2)} | uint64_t{r.w(3)} << 32) : 0;
}
}  // namespace

TEST(memory, share_retrieve_relinquish_reclaim) {
  ASSERT_TRUE(harness::ensure_rxtx_mapped());
  g_shared[0][0] = 0x5EC0DE;
  const uint64_t handle = share(put_share(kEcho, reinterpret_cast<uint64_t>(&g_shared[0][0]), 1));
  ASSERT_TRUE(handle != 0);
  EXPECT_EQ(handle >> 63, 0);  // allocated by the SPMC
  // Echo retrieves it, reads our word, adds 1, relinquishes.
  ffa::Regs r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x52455452, handle, 1);
  EXPECT_EQ(r.x[3], ffa::raw(Func::mem_retrieve_resp));
  EXPECT_EQ(r.x[4], 0x5EC0DE);
  EXPECT_EQ(r.x[5], ffa::raw(Func::success_32));
  EXPECT_EQ(g_shared[0][0], 0x5EC0DF);  // it wrote through the share
  EXPECT_TRUE(ffa::is_success(call(Func::mem_reclaim, static_cast<uint32_t>(handle), handle >> 32)));
  // Gone: reclaiming or retrieving it again is refused.
  EXPECT_EQ(error_code(call(Func::mem_reclaim, static_cast<uint32_t>(handle), handle >> 32)), kInvalid);
  r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x52455452, handle, 0);
  EXPECT_EQ(r.x[3], 0xE0000000ull | 0xFFFFFFFE);
}
TEST(memory, reclaim_while_retrieved_is_denied) {
  ASSERT_TRUE(harness::ensure_rxtx_mapped());
  const uint64_t handle = share(put_share(kEcho, reinterpret_cast<uint64_t>(&g_shared[1][0]), 1, 1));
  ASSERT_TRUE(handle != 0);
  // Retrieved read-only and kept (x6 = 1): the word stays as it was.
  g_shared[1][0] = 41;
  ffa::Regs r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x52455452, handle, 1, 1);
  EXPECT_EQ(r.x[4], 41);
  EXPECT_EQ(g_shared[1][0], 41);
  EXPECT_EQ(error_code(call(Func::mem_reclaim, static_cast<uint32_t>(handle), handle >> 32)), kDenied);
  // Retrieving twice is denied too.
  r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x52455452, handle, 0, 1);
  EXPECT_EQ(r.x[3], 0xE0000000ull | 0xFFFFFFFA);
}
TEST(memory, keystore_macs_a_shared_buffer) {
  // The same 24 bytes by value (command 2) and through a share (command 4)
  // give the same MAC with the same key.
  ASSERT_TRUE(harness::ensure_rxtx_mapped());
  constexpr uint16_t kKeystore = 0x8005;
  ASSERT_EQ(call(Func::msg_send_direct_req_64, kKeystore, 0, 1, 6, 0x77).x[3], 0);
  ffa::Regs by_value = call(Func::msg_send_direct_req_64, kKeystore, 0, 2, 6, 11, 22, 33);
  ASSERT_EQ(by_value.x[3], 0);
  alignas(4096) static volatile uint64_t buf[512];
  buf[0] = 11;
  buf[1] = 22;
  buf[2] = 33;
  const uint64_t handle = share(put_share(kKeystore, reinterpret_cast<uint64_t>(&buf[0]), 1, 1));
  ASSERT_TRUE(handle != 0);
  ffa::Regs shared = call(Func::msg_send_direct_req_64, kKeystore, 0, 4, 6, handle, 24);
  ASSERT_EQ(shared.x[3], 0);
  for (unsigned i = 4; i < 8; ++i) EXPECT_EQ(shared.x[i], by_value.x[i]);
  // It relinquished: we can reclaim. A length beyond the share is refused.
  EXPECT_TRUE(ffa::is_success(call(Func::mem_reclaim, static_cast<uint32_t>(handle), handle >> 32)));
  const uint64_t h2 = share(put_share(kKeystore, reinterpret_cast<uint64_t>(&buf[0]), 1, 1));
  EXPECT_EQ(call(Func::msg_send_direct_req_64, kKeystore, 0, 4, 6, h2, 4097).x[3], 5);
  EXPECT_TRUE(ffa::is_success(call(Func::mem_reclaim, static_cast<uint32_t>(h2), h2 >> 32)));
  EXPECT_EQ(call(Func::msg_send_direct_req_64, kKeystore, 0, 4, 6, h2, 8).x[3], 4);  // reclaimed: no share
}
TEST(memory, lend_with_zeroing_and_donate) {
  ASSERT_TRUE(harness::ensure_rxtx_mapped());
  alignas(4096) static volatile uint64_t lent[512];
  for (auto& w : lent) w = 0xABABABABABABABAB;
  const uint32_t n = put_share(kEcho, reinterpret_cast<uint64_t>(&lent[0]), 1);
  harness::buffers().tx[4] = 1;  // flags: zero the memory first
  leave_attributes_to_the_borrower();
  const uint64_t h = share(n, Func::mem_lend_64);
  ASSERT_TRUE(h != 0);
  EXPECT_EQ(lent[0], 0);
  EXPECT_EQ(lent[511], 0);
  ffa::Regs r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x52455452, h, 5);
  EXPECT_EQ(r.x[4], 0);  // echo saw the zeroed page
  EXPECT_EQ(lent[0], 5);
  EXPECT_TRUE(ffa::is_success(call(Func::mem_reclaim, static_cast<uint32_t>(h), h >> 32)));
  // Donated memory cannot be reclaimed; a donation has one receiver.
  alignas(4096) static volatile uint64_t given[512];
  const uint32_t dn = put_share(kEcho, reinterpret_cast<uint64_t>(&given[0]), 1, 0);  // access: the new owner's
  leave_attributes_to_the_borrower();
  const uint64_t d = share(dn, Func::mem_donate_64);
  ASSERT_TRUE(d != 0);
  EXPECT_EQ(error_code(call(Func::mem_reclaim, static_cast<uint32_t>(d), d >> 32)), kDenied);
}
TEST(memory, share_refusals) {
  ASSERT_TRUE(harness::ensure_rxtx_mapped());
  const uint64_t page = reinterpret_cast<uint64_t>(&g_shared[0][0]);
  uint32_t n = put_share(kEcho, 0x0E000000, 1);  // secure memory
  EXPECT_EQ(error_code(call(Func::mem_share_64, n, n)), kInvalid);
  n = put_share(0x8777, page, 1);  // nobody
  EXPECT_EQ(error_code(call(Func::mem_share_64, n, n)), kInvalid);
  n = put_share(kEcho, page, 1, 3 | 4);  // reserved access
  EXPECT_EQ(error_code(call(Func::mem_share_64, n, n)), kInvalid);
  n = put_share(kEcho, page, 1, 2 | 8);  // executable
  EXPECT_EQ(error_code(call(Func::mem_share_64, n, n)), kInvalid);
  n = put_share(kEcho, page + 8, 1);  // unaligned
  EXPECT_EQ(error_code(call(Func::mem_share_64, n, n)), kInvalid);
  n = put_share(kEcho, page, 1);
  EXPECT_EQ(error_code(call(Func::mem_share_64, n, n + 16)), kInvalid);        // fragment above total
  EXPECT_EQ(error_code(call(Func::mem_share_64, n, n, 0x0E000000, 1)), kInvalid);  // buffer in secure RAM
  EXPECT_EQ(error_code(call(Func::mem_share_64, n, n, page + 8, 1)), kInvalid);     // unaligned buffer
  EXPECT_EQ(error_code(call(Func::mem_frag_rx, 1, 0, 0)), -1);  // the normal world retrieves nothing here
  EXPECT_EQ(error_code(call(Func::mem_share_64, 8, 8)), kInvalid);    // truncated
  // The page still shared since the previous test: no second transaction.
  n = put_share(kEcho, reinterpret_cast<uint64_t>(&g_shared[1][0]), 1);
  EXPECT_EQ(error_code(call(Func::mem_share_64, n, n)), kDenied);
}

namespace {
// Normal-world memory the harness uses for large shares: nothing else
// lives at 0x70000000 (the harness image is at 0x60000000).
constexpr uint64_t kScratch = 0x70000000;

volatile uint64_t& word_at(uint64_t address) { return *reinterpret_cast<volatile uint64_t*>(address); }
}  // namespace

TEST(memory, fragmented_share_of_256_ranges) {
  // 4,192 bytes of descriptor through a 4 KiB TX buffer: two fragments in,
  // and two out again when echo retrieves it into its 4 KiB RX buffer.
  ASSERT_TRUE(harness::ensure_rxtx_mapped());
  static uint8_t desc[8192];
  const uint32_t total = put_ranges(desc, kEcho, kScratch, 256);
  ASSERT_EQ(total, 4192);
  for (uint32_t i = 0; i < 256; ++i) word_at(kScratch + 0x2000ull * i) = i;
  uint8_t* tx = harness::buffers().tx;
  for (uint32_t i = 0; i < 4096; ++i) tx[i] = desc[i];
  ffa::Regs r = call(Func::mem_share_64, total, 4096);
  ASSERT_EQ(r.w(0), ffa::raw(Func::mem_frag_rx));
  const uint64_t handle = r.w(1) | uint64_t{r.w(2)} << 32;
  EXPECT_EQ(r.w(3), 4096);
  for (uint32_t i = 0; i < 96; ++i) tx[i] = desc[4096 + i];
  r = call(Func::mem_frag_tx, static_cast<uint32_t>(handle), handle >> 32, 96);
  ASSERT_TRUE(ffa::is_success(r));
  EXPECT_EQ(r.w(2) | uint64_t{r.w(3)} << 32, handle);
  r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x52455441, handle, 1000);
  EXPECT_EQ(r.x[3], ffa::raw(Func::mem_retrieve_resp));
  EXPECT_EQ(r.x[4], 256);  // every range, over both fragments
  EXPECT_EQ(r.x[5], 256);
  EXPECT_EQ(r.x[6], ffa::raw(Func::success_32));
  EXPECT_EQ(word_at(kScratch), 1000);                         // the first range
  EXPECT_EQ(word_at(kScratch + 0x2000ull * 255), 255 + 1000);  // the last one
  EXPECT_EQ(word_at(kScratch + 0x2000ull * 100), 100);        // untouched
  EXPECT_TRUE(ffa::is_success(call(Func::mem_reclaim, static_cast<uint32_t>(handle), handle >> 32)));
}
TEST_ANY_SPMC(memory, fragments_that_lie) {
  ASSERT_TRUE(harness::ensure_rxtx_mapped());
  const uint64_t page = reinterpret_cast<uint64_t>(&g_shared[0][0]);
  const uint32_t n = put_share(kEcho, page, 1);  // 112 bytes: 96 + 16
  auto start = [&] {
    ffa::Regs r = call(Func::mem_share_64, n, 96);
    EXPECT_EQ(r.w(0), ffa::raw(Func::mem_frag_rx));
    return r.w(1) | uint64_t{r.w(2)} << 32;
  };
  auto frag = [](uint64_t h, uint32_t len) {
    return error_code(call(Func::mem_frag_tx, static_cast<uint32_t>(h), h >> 32, len));
  };
  uint64_t h = start();
  EXPECT_EQ(error_code(call(Func::mem_share_64, n, 96)), -3);  // one fragmented transaction at a time
  EXPECT_EQ(frag(h ^ 0x10000, 16), kInvalid);                  // not this handle
  EXPECT_EQ(frag(h, 24), kInvalid);                            // not whole ranges: it ends
  EXPECT_EQ(frag(h, 16), kInvalid);                            // ended
  h = start();
  EXPECT_EQ(frag(h, 48), kInvalid);  // beyond the total
  h = start();
  EXPECT_TRUE(ffa::is_success(call(Func::mem_reclaim, static_cast<uint32_t>(h), h >> 32)));  // abandoned
  EXPECT_EQ(frag(h, 16), kInvalid);
}
TEST(memory, descriptor_in_a_buffer_given_by_address) {
  ASSERT_TRUE(harness::ensure_rxtx_mapped());
  ffa::Regs f = call(Func::features, ffa::raw(Func::mem_share_64));
  EXPECT_EQ(f.w(2), 1);  // supported
  const uint64_t buffer = kScratch + 0x400000;
  const uint64_t page = kScratch + 0x401000;
  word_at(page) = 5;
  const uint32_t n = put_ranges(reinterpret_cast<uint8_t*>(buffer), kEcho, page, 1, 0);
  ffa::Regs r = call(Func::mem_lend_64, n, n, buffer, 1);
  ASSERT_TRUE(ffa::is_success(r));
  const uint64_t handle = r.w(2) | uint64_t{r.w(3)} << 32;
  r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x52455452, handle, 2);
  EXPECT_EQ(r.x[3], ffa::raw(Func::mem_retrieve_resp));
  EXPECT_EQ(word_at(page), 7);
  EXPECT_TRUE(ffa::is_success(call(Func::mem_reclaim, static_cast<uint32_t>(handle), handle >> 32)));
}
TEST(memory, two_borrowers_at_once) {
  ASSERT_TRUE(harness::ensure_rxtx_mapped());
  constexpr uint16_t kKeystore = 0x8005;
  alignas(4096) static volatile uint64_t buf[512];
  buf[0] = 1;
  buf[1] = 2;
  buf[2] = 3;
  uint8_t* tx = harness::buffers().tx;
  const uint32_t n = put_share(kEcho, reinterpret_cast<uint64_t>(&buf[0]), 1);
  // A second access descriptor (keystore, read-only) and the composite
  // region moved behind it.
  for (int i = 111; i >= 80; --i) tx[i + 32] = tx[i];
  for (unsigned i = 80; i < 112; ++i) tx[i] = 0;
  tx[28] = 2;
  tx[52] = 112;
  tx[80] = kKeystore & 0xFF, tx[81] = kKeystore >> 8, tx[82] = 1, tx[84] = 112;
  const uint64_t handle = share(n + 32);
  ASSERT_TRUE(handle != 0);
  ffa::Regs r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x52455452, handle, 0, 1);  // echo keeps it
  EXPECT_EQ(r.x[3], ffa::raw(Func::mem_retrieve_resp));
  ASSERT_EQ(call(Func::msg_send_direct_req_64, kKeystore, 0, 1, 6, 0x77).x[3], 0);
  r = call(Func::msg_send_direct_req_64, kKeystore, 0, 4, 6, handle, 24);  // keystore too, meanwhile
  EXPECT_EQ(r.x[3], 0);
  EXPECT_EQ(r.x[4], call(Func::msg_send_direct_req_64, kKeystore, 0, 2, 6, 1, 2, 3).x[4]);
  EXPECT_EQ(error_code(call(Func::mem_reclaim, static_cast<uint32_t>(handle), handle >> 32)), kDenied);
  EXPECT_EQ(call(Func::msg_send_direct_req_64, kEcho, 0, 0x52454C51, handle).x[3], ffa::raw(Func::success_32));
  EXPECT_TRUE(ffa::is_success(call(Func::mem_reclaim, static_cast<uint32_t>(handle), handle >> 32)));
}
TEST(memory, partition_lent_page_leaves_its_address_space) {
  // Echo lent a page of its own while it initialised: FFA_MEM_PERM_GET
  // found nothing there until it reclaimed the page.
  ffa::Regs r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x4C454E30);
  EXPECT_EQ(r.x[3], 1);                            // lent
  EXPECT_EQ(r.x[4], 0xE0000000ull | 0xFFFFFFFE);   // not mapped while lent
  EXPECT_EQ(r.x[5], ffa::raw(Func::success_32));   // reclaimed
  EXPECT_EQ(r.x[6], 5);                            // its own again: read-write, not executable
}
TEST(memory, partition_lends_to_partition) {
  // Echo lends a page of its own memory to the key store, which MACs what
  // is in it; echo reclaims and reads the page again.
  constexpr uint16_t kKeystore = 0x8005;
  ASSERT_EQ(call(Func::msg_send_direct_req_64, kKeystore, 0, 1, 5, 0x99).x[3], 0);
  const uint64_t a = 0x1111222233334444, b = 0x5555666677778888;
  ffa::Regs by_value = call(Func::msg_send_direct_req_64, kKeystore, 0, 2, 5, a, b, a ^ b);
  ASSERT_EQ(by_value.x[3], 0);
  ffa::Regs r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x4C454E44, kKeystore, a, b, 5);
  EXPECT_EQ(r.x[3], 0);
  EXPECT_EQ(r.x[4], by_value.x[4]);
  EXPECT_EQ(r.x[5], by_value.x[5]);
  EXPECT_EQ(r.x[6], ffa::raw(Func::success_32));
  EXPECT_EQ(r.x[7], a);  // echo has its page back
  // The normal world cannot share a partition's memory as its own.
  const uint32_t n = put_share(kKeystore, 0x0E522000, 1);
  EXPECT_EQ(error_code(call(Func::mem_share_64, n, n)), kInvalid);
}
TEST_TOS(memory, trusted_os_takes_its_argument_in_shared_memory) {
  // OP-TEE's way (Linux's optee driver): the argument of a yielding call
  // (struct optee_msg_arg) is in memory shared with the trusted OS; the
  // call names the handle and the offset.
  ASSERT_TRUE(harness::ensure_rxtx_mapped() && harness::discover());
  const uint16_t tos = harness::trusted_os_id();
  const uint64_t page = kScratch + 0x500000;
  const uint64_t handle = share(put_share(tos, page, 1));
  ASSERT_TRUE(handle != 0);
  auto* arg = reinterpret_cast<volatile uint32_t*>(page + 0x80);
  for (unsigned i = 0; i < 24; ++i) arg[i] = 0;
  arg[0] = 0;           // OPTEE_MSG_CMD_OPEN_SESSION
  arg[5] = 0x12345678;  // ret, to be overwritten
  arg[7] = 2;           // num_params: the TA and client UUIDs, as meta values
  arg[8] = 0x101;
  arg[16] = 0x101;
  ffa::Regs r = call(Func::msg_send_direct_req_32, tos, 0, 0x80000000u, static_cast<uint32_t>(handle), handle >> 32,
                     0x80);
  // No TA has the nil UUID: the trusted OS asks the normal world for it
  // (an RPC, OPTEE_RPC_CMD_LOAD_TA, after the argument), which has none.
  unsigned rpcs = 0;
  while (r.w(3) == 0 && r.w(4) == 1 && rpcs++ < 8) {
    harness::supplicant::serve(reinterpret_cast<volatile uint8_t*>(page + 0x80 + 32 + 2 * 32));
    r = call(Func::msg_send_direct_req_32, tos, 0, 0x80000001u, 0, 0, 0, r.w(7));
  }
  EXPECT_EQ(rpcs, 1u);
  EXPECT_EQ(r.w(3), 0);  // FF-A status
  EXPECT_EQ(r.w(4), 0);  // done
  EXPECT_EQ(arg[5], 0xFFFF0008u);  // TEE_ERROR_ITEM_NOT_FOUND: no such TA
  EXPECT_EQ(arg[6], 3u);           // TEEC_ORIGIN_TEE
  // Held by the trusted OS until unregistered.
  EXPECT_EQ(error_code(call(Func::mem_reclaim, static_cast<uint32_t>(handle), handle >> 32)), kDenied);
  // An offset outside the share, a share that is not ours.
  EXPECT_EQ(call(Func::msg_send_direct_req_32, tos, 0, 0x80000000u, static_cast<uint32_t>(handle), handle >> 32,
                 0x1000).w(3), 0xFFFFFFFEu);
  EXPECT_EQ(call(Func::msg_send_direct_req_32, tos, 0, 0x80000000u, 0x77, 0, 0).w(3), 0xFFFFFFFEu);
  EXPECT_EQ(call(Func::msg_send_direct_req_32, tos, 0, 3 /* UNREGISTER_SHM */, static_cast<uint32_t>(handle),
                 handle >> 32).w(3), 0);
  EXPECT_TRUE(ffa::is_success(call(Func::mem_reclaim, static_cast<uint32_t>(handle), handle >> 32)));
}

// Issue 11, items 9-12: what the lender and the borrower may name (FF-A
// v1.2 chapter 10, the usage rules of the access permissions and of the
// memory region attributes), and the total length.
namespace {
constexpr uint64_t kConformancePage = kScratch + 0x600000;
constexpr uint64_t kEchoDenied = 0xE0000000ull | 0xFFFFFFFA, kEchoInvalid = 0xE0000000ull | 0xFFFFFFFE;

bool reclaim(uint64_t handle) {
  return ffa::is_success(call(Func::mem_reclaim, static_cast<uint32_t>(handle), handle >> 32));
}
}  // namespace

TEST(memory, lender_leaves_instruction_and_donated_data_access_unspecified) {
  ASSERT_TRUE(harness::ensure_rxtx_mapped());
  uint32_t n = put_share(kEcho, kConformancePage, 1, 2 | 4);  // NX named by the lender
  EXPECT_EQ(error_code(call(Func::mem_share_64, n, n)), kInvalid);
  n = put_share(kEcho, kConformancePage, 1, 2 | 4);
  leave_attributes_to_the_borrower();
  EXPECT_EQ(error_code(call(Func::mem_lend_64, n, n)), kInvalid);
  n = put_share(kEcho, kConformancePage, 1, 2);  // a donor naming the data access
  leave_attributes_to_the_borrower();
  EXPECT_EQ(error_code(call(Func::mem_donate_64, n, n)), kInvalid);
  // Left unspecified: shared, and echo gets it (not executable).
  const uint64_t h = share(put_share(kEcho, kConformancePage, 1));
  ASSERT_TRUE(h != 0);
  EXPECT_EQ(call(Func::msg_send_direct_req_64, kEcho, 0, 0x52455452, h, 1).x[3], ffa::raw(Func::mem_retrieve_resp));
  EXPECT_TRUE(reclaim(h));
}
TEST(memory, total_length_must_match_the_descriptor) {
  ASSERT_TRUE(harness::ensure_rxtx_mapped());
  const uint32_t n = put_share(kEcho, kConformancePage, 1);  // 112 bytes, whole in the fragment
  EXPECT_EQ(error_code(call(Func::mem_share_64, n + 16, n)), kInvalid);  // not the first of several
  EXPECT_EQ(error_code(call(Func::mem_share_64, n + 16, n + 16)), kInvalid);  // bytes past the descriptor
  const uint64_t h = share(n);
  ASSERT_TRUE(h != 0);
  EXPECT_TRUE(reclaim(h));
}
TEST(memory, memory_attributes_left_to_the_borrower) {
  ASSERT_TRUE(harness::ensure_rxtx_mapped());
  word_at(kConformancePage) = 10;
  uint32_t n = put_share(kEcho, kConformancePage, 1);  // names normal, write-back, inner shareable
  EXPECT_EQ(error_code(call(Func::mem_lend_64, n, n)), kInvalid);  // a lend to one borrower must not
  n = put_share(kEcho, kConformancePage, 1);
  leave_attributes_to_the_borrower();
  uint64_t h = share(n, Func::mem_lend_64);
  ASSERT_TRUE(h != 0);
  // Echo names what Tessera maps: accepted; normal non-cacheable: denied.
  EXPECT_EQ(call(Func::msg_send_direct_req_64, kEcho, 0, 0x52455452, h, 0, 0, 0x27).x[3], kEchoDenied);
  ffa::Regs r = call(Func::msg_send_direct_req_64, kEcho, 0, 0x52455452, h, 1, 0, 0x2F);
  EXPECT_EQ(r.x[3], ffa::raw(Func::mem_retrieve_resp));
  EXPECT_EQ(r.x[4], 10);
  EXPECT_EQ(word_at(kConformancePage), 11);
  EXPECT_TRUE(reclaim(h));
  // Shared: the lender named them; echo may repeat them, not change them.
  h = share(put_share(kEcho, kConformancePage, 1));
  ASSERT_TRUE(h != 0);
  EXPECT_EQ(call(Func::msg_send_direct_req_64, kEcho, 0, 0x52455452, h, 0, 0, 0x27).x[3], kEchoInvalid);
  EXPECT_EQ(call(Func::msg_send_direct_req_64, kEcho, 0, 0x52455452, h, 1, 0, 0x2F).x[3],
            ffa::raw(Func::mem_retrieve_resp));
  EXPECT_EQ(word_at(kConformancePage), 12);
  EXPECT_TRUE(reclaim(h));
}

// ported-c, written for another SPMC, borrows what the normal world lends
// it with the memory attributes left to the borrower (a lend to one
// borrower): it names normal write-back inner-shareable memory itself in
// its retrieve request, reads and writes the page, and relinquishes it.
TEST(memory, ported_partition_borrows_with_attributes_of_its_own_choice) {
  constexpr uint16_t kPorted = 0x8007;
  word_at(kConformancePage) = 20;
  const uint32_t n = put_share(kPorted, kConformancePage, 1);
  leave_attributes_to_the_borrower();
  const uint64_t h = share(n, Func::mem_lend_64);
  ASSERT_TRUE(h != 0);
  const ffa::Regs r = call(Func::msg_send_direct_req_64, kPorted, 0, 0x52455452, h);
  ASSERT_EQ(r.w(0), ffa::raw(Func::msg_send_direct_resp_32));  // its width, not ours
  EXPECT_EQ(r.x[3], 0);                  // retrieved
  EXPECT_EQ(r.x[4], 20);                 // what it read
  EXPECT_EQ(r.x[5] & 0x3F, 0x2F);        // the response describes what it asked for
  EXPECT_EQ(r.x[6], ffa::raw(Func::success_32));  // relinquished
  EXPECT_EQ(word_at(kConformancePage), 21);
  EXPECT_TRUE(reclaim(h));
}
