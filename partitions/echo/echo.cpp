// The echo partition: answers every direct request with its own payload,
// so the normal world can check a message's round trip register by
// register. One command makes it a client of another partition:
//   x3 = 0x5EED0000 | ID  send x4-x7 to partition ID as a direct request
//                         and answer with what came back (x3 = its w0,
//                         x4-x7 = its x3-x6, or w2 of an FFA_ERROR in x4)
//   x3 = 0x5EEF0000 | ID  send command x4 with x5 as its x4 to partition ID
//                         as a direct request (64-bit), then x6 rounds of
//                         the spin from seed x7 (below), holding this CPU
//                         while what partition ID did here may still be
//                         on it (a BUSY target is asked again): x3 = the
//                         answer's x4 (0xE0000000 | the FF-A error if none
//                         came), x4 = the spin's result
//   x3 = 0x9E4E0000       report the FFA_MEM_PERM_GET/SET results of its
//                         initialisation (see check_own_memory)
//   x3 = 0x9E4E0001       try FFA_MEM_PERM_GET now (after initialisation)
//   x3 = 0x50494E46       ask FFA_PARTITION_INFO_GET (into its own RX
//                         buffer) how many partitions there are, and who
//                         the first two are: x3 = count, x4 = descriptor
//                         size, x5/x6 = the first two IDs (0 past the
//                         count); x3 = 0xE0000000 | the FF-A error if
//                         the call or the runtime's check of its answer
//                         failed. It releases the buffer after reading.
//   x3 = 0x59454C44       give its CPU back (FFA_YIELD); once resumed by
//                         FFA_RUN, answer x3 = what FFA_YIELD returned
//   x3 = 0x4C415354       report the last indirect message it read when
//                         the normal world ran it (FFA_RUN): x3 = size,
//                         x4-x6 = the first 24 payload bytes
//   x3 = 0x53454E44       send x4-x6 as an indirect message (FFA_MSG_SEND2)
//                         to endpoint x7 (the normal world: 0); answer
//                         x3 = what FFA_MSG_SEND2 returned (w0), x4 = w2
//   x3 = 0x52455452       retrieve shared memory handle x4 (FFA_MEM_RETRIEVE_REQ,
//                         naming the memory region attributes x7 in the
//                         request; 0: not specified), read its first word,
//                         add x5 to it (if the memory is writable),
//                         relinquish it unless x6 = 1; answer x3 = the
//                         retrieve call's w0 (or its error code), x4 = the
//                         word read, x5 = the relinquish w0
//   x3 = 0x4D534732       read the indirect message in its RX buffer and
//                         release it: x3 = payload size, x4 = sender and
//                         receiver IDs, x5-x7 = the first 24 payload bytes
//                         (zeros past the payload). The message is read
//                         only through the runtime's checked reader
//                         (sp/rx.h), and only when the "RX buffer full"
//                         framework notification said one is there:
//                           x3 = 0xFFFFFFFA (FF-A DENIED): no message in
//                                its RX buffer (whatever it holds from
//                                before, partition information say);
//                           x3 = 0xFFFFFFFE (FF-A INVALID_PARAMETERS): a
//                                message whose header does not fit the
//                                buffer or is not addressed to echo; the
//                                buffer is released all the same.
//   x3 = 0x52455441       retrieve handle x4 (of any number of ranges, its
//                         description in fragments if need be), add x5 to
//                         the first word of every range, relinquish; answer
//                         x3 = the retrieve's w0 (or error), x4 = ranges,
//                         x5 = pages, x6 = the relinquish w0
//   x3 = 0x4E424E44       bind notification IDs x5 to sender x4
//                         (per vCPU if x6 = 1): x3 = the call's w0, x4 = w2
//   x3 = 0x4E534554       set notification IDs x5 for receiver x4 with
//                         flags x6: x3 = the call's w0, x4 = w2
//   x3 = 0x4E474554       report the notifications it got when the normal
//                         world last ran it (FFA_RUN): x3 = from partitions,
//                         x4 = from VMs, x5 = framework, x6 = how many runs
//   x3 = 0x5350494E       spin: x4 rounds of a linear congruential step from
//                         x5; answer x3 = the result (a long call that a
//                         normal-world interrupt can preempt)
//   x3 = 0x52454C51       relinquish handle x4 (retrieved and kept earlier):
//                         x3 = the relinquish w0
//   x3 = 0x4C454E30       report what lending its own page did during
//                         initialisation (see lend_while_initialising)
//   x3 = 0x4C454E44       lend its first lendable page, holding x5, x6 and
//                         x5 ^ x6, read-only to the key store x4, ask it for
//                         a MAC of those 24 bytes with key slot x7 (its
//                         command 4), reclaim the page and read it again;
//                         answer x3 = the key store's status (or 0xE.. and
//                         the lend error), x4/x5 = the first MAC words,
//                         x6 = the reclaim w0, x7 = the word read back
//   x3 = 0x57494454       answer in the other width (RESP_32 to a REQ_64,
//                         RESP_64 to a REQ_32): x3 = 0x57494454, x4-x7 as
//                         they came
//   x3 = 0x4B494E44       answer with the wrong kind: RESP2 to a REQ (the
//                         caller gets ABORTED); as x4 of a REQ2, a RESP_64
//                         to the REQ2
//   x3 = 0x48464945       ask Hafnium's HF_INTERRUPT_ENABLE and then
//                         HF_INTERRUPT_DEACTIVATE for interrupt x4 (not
//                         echo's): x3/x4 = their x0 (-1 when refused)
#include "ffa/hf_interrupt.h"
#include "lib/lcg.h"
#include "sp/ffa.h"
#include "sp/mailbox.h"
#include "sp/memory.h"
#include "sp/rx.h"

namespace {
constexpr uint64_t kForward = 0x5EED0000, kForwardThenSpin = 0x5EEF0000;
constexpr uint64_t kReportPerms = 0x9E4E0000, kPermAfterInit = 0x9E4E0001;
constexpr uint64_t kCode = 0x0E500000, kData = 0x0E510000, kScratch = 0x0E518000;
constexpr uint64_t kReadMessage = 0x4D534732, kPartitionInfo = 0x50494E46;
constexpr uint64_t kYield = 0x59454C44, kLastMessage = 0x4C415354, kSend = 0x53454E44, kRetrieve = 0x52455452;
constexpr uint64_t kTxBuffer = 0x0E521000;  // the manifest's tx-buffer region
constexpr uint64_t kRxBuffer = 0x0E520000;  // the manifest's rx-buffer region
constexpr uint64_t kLendable = 0x0E522000;  // the manifest's lendable region (4 pages)
constexpr uint64_t kRelinquish = 0x52454C51, kSpin = 0x5350494E;
constexpr uint64_t kOtherWidth = 0x57494454, kWrongKind = 0x4B494E44;
constexpr uint64_t kBind = 0x4E424E44, kSetNotification = 0x4E534554, kGotNotifications = 0x4E474554;
constexpr uint64_t kRetrieveAll = 0x52455441, kLendReport = 0x4C454E30, kLendToKeystore = 0x4C454E44;
constexpr uint64_t kClaimInterrupt = 0x48464945;
// Its RX buffer (one page, the manifest's; attached at start, so that
// this stays in the BSS) and what it holds.
constinit sp::RxBuffer g_rx;
const sp::Buffers kBuffers{reinterpret_cast<volatile uint8_t*>(kTxBuffer), &g_rx};

// Retrieve a share, use it, give it back (sp/memory.h).
ffa::Regs retrieve(const ffa::Regs& msg) {
  const uint16_t self = static_cast<uint16_t>(msg.x[1]);
  const sp::Retrieved r = sp::retrieve(kBuffers, self, msg.x[4], 0, static_cast<uint16_t>(msg.x[7]));
  if (!r.ok) return sp::respond(msg, 0xE0000000ull | r.status);
  auto* word = reinterpret_cast<volatile uint64_t*>(r.address);
  const uint64_t seen = *word;
  if (r.writable) *word = seen + msg.x[5];
  const uint64_t relinquished = msg.x[6] != 1 ? sp::relinquish(kBuffers, self, msg.x[4]) : 0;
  return sp::respond(msg, r.status, seen, relinquished);
}

uint64_t perm_result(const ffa::Regs& r);

// Every range of a share, however many (sp/memory.h reads the fragments).
ffa::Regs retrieve_all(const ffa::Regs& msg) {
  const uint16_t self = static_cast<uint16_t>(msg.x[1]);
  const sp::Retrieved r = sp::retrieve(kBuffers, self, msg.x[4]);
  if (!r.ok) return sp::respond(msg, 0xE0000000ull | r.status);
  // Walk the ranges again from the description is not possible (the RX
  // buffer moved on); the first and last ranges show the mapping, and the
  // test checks every page through its own view.
  for (uint64_t a : {r.address, r.last_address}) {
    auto* word = reinterpret_cast<volatile uint64_t*>(a);
    if (r.writable) *word = *word + msg.x[5];
  }
  const uint64_t relinquished = sp::relinquish(kBuffers, self, msg.x[4]);
  return sp::respond(msg, r.status, r.constituents, r.total_pages, relinquished);
}

// Lending its own page while it initialises, when FFA_MEM_PERM_GET still
// answers: lent, the page is gone from its address space; reclaimed, it
// is back, read-write and not executable.
uint64_t g_lend[4];
void lend_while_initialising() {
  const uint16_t self = static_cast<uint16_t>(sp::svc(ffa::Regs{{ffa::raw(ffa::Func::id_get)}}).w(2));
  uint32_t error = 0;
  const uint64_t h = sp::lend(kBuffers, ffa::raw(ffa::Func::mem_lend_64), self, 0x8005, 1, kLendable, 1, error);
  g_lend[0] = h != 0 ? 1 : (0xE0000000ull | error);
  g_lend[1] = perm_result(sp::svc(ffa::Regs{{ffa::raw(ffa::Func::mem_perm_get_64), kLendable}}));
  g_lend[2] = sp::svc(ffa::Regs{{ffa::raw(ffa::Func::mem_reclaim), static_cast<uint32_t>(h), h >> 32}}).fid();
  g_lend[3] = perm_result(sp::svc(ffa::Regs{{ffa::raw(ffa::Func::mem_perm_get_64), kLendable}}));
}

ffa::Regs lend_to_keystore(const ffa::Regs& msg) {
  const uint16_t self = static_cast<uint16_t>(msg.x[1]);
  const uint16_t keystore = static_cast<uint16_t>(msg.x[4]);
  auto* page = reinterpret_cast<volatile uint64_t*>(kLendable);
  page[0] = msg.x[5];
  page[1] = msg.x[6];
  page[2] = msg.x[5] ^ msg.x[6];
  uint32_t error = 0;
  const uint64_t h = sp::lend(kBuffers, ffa::raw(ffa::Func::mem_lend_64), self, keystore, 1, kLendable, 1, error);
  if (h == 0) return sp::respond(msg, 0xE0000000ull | error);
  const ffa::Regs mac = sp::svc(ffa::Regs{{ffa::raw(ffa::Func::msg_send_direct_req_64),
                                           (uint32_t{self} << 16) | keystore, 0, 4, msg.x[7], h, 24}});
  const ffa::Regs reclaimed =
      sp::svc(ffa::Regs{{ffa::raw(ffa::Func::mem_reclaim), static_cast<uint32_t>(h), h >> 32}});
  // Reading the page again faults unless reclaiming gave it back.
  const uint64_t back = page[0];
  return sp::respond(msg, mac.x[3], mac.x[4], mac.x[5], reclaimed.fid(), back);
}

ffa::Regs send_message(const ffa::Regs& msg) {
  auto* tx = reinterpret_cast<volatile uint8_t*>(kTxBuffer);
  auto put32 = [&](unsigned off, uint32_t v) {
    for (unsigned i = 0; i < 4; ++i) tx[off + i] = static_cast<uint8_t>(v >> (8 * i));
  };
  const uint32_t self = static_cast<uint32_t>(msg.x[1]) & 0xFFFF;
  for (unsigned i = 0; i < 40; ++i) tx[i] = 0;
  put32(8, 40);                                         // payload offset (v1.2 header)
  put32(12, (self << 16) | static_cast<uint16_t>(msg.x[7]));
  put32(16, 24);                                        // payload size
  for (unsigned w = 0; w < 3; ++w)
    for (unsigned i = 0; i < 8; ++i) tx[40 + 8 * w + i] = static_cast<uint8_t>(msg.x[4 + w] >> (8 * i));
  const ffa::Regs r = sp::svc(ffa::Regs{{ffa::raw(ffa::Func::msg_send2)}});
  return sp::respond(msg, r.fid(), r.w(2));
}
uint64_t g_last[4];  // size and first three words of the last message read on FFA_RUN

// An FF-A error as echo reports it in x3.
uint64_t status_of(ffa::Error e) { return 0xE0000000ull | static_cast<uint32_t>(e); }

ffa::Regs partition_info(const ffa::Regs& msg) {
  const auto list = sp::partition_info_get(g_rx);
  if (!list) return sp::respond(msg, status_of(list.error()));
  const auto first = list->id(0), second = list->id(1);
  const uint64_t count = list->count, size = list->descriptor_size;
  (void)sp::rx_release(g_rx);
  return sp::respond(msg, count, size, first ? first->raw() : 0, second ? second->raw() : 0);
}

// What FFA_NOTIFICATION_GET returned when the normal world last gave it
// cycles: from partitions, from VMs, framework; and how many times.
uint64_t g_notified[4];

ffa::Regs bind_notifications(const ffa::Regs& msg) {
  const uint32_t self = static_cast<uint32_t>(msg.x[1]) & 0xFFFF;
  const ffa::Regs r = sp::svc(ffa::Regs{{ffa::raw(ffa::Func::notification_bind),
                                         (static_cast<uint32_t>(msg.x[4]) << 16) | self, msg.x[6] == 1 ? 1u : 0u,
                                         static_cast<uint32_t>(msg.x[5]), msg.x[5] >> 32}});
  return sp::respond(msg, r.fid(), r.w(2));
}

ffa::Regs set_notifications(const ffa::Regs& msg) {
  const uint32_t self = static_cast<uint32_t>(msg.x[1]) & 0xFFFF;
  const ffa::Regs r = sp::svc(ffa::Regs{{ffa::raw(ffa::Func::notification_set),
                                         (self << 16) | static_cast<uint16_t>(msg.x[4]), msg.x[6],
                                         static_cast<uint32_t>(msg.x[5]), msg.x[5] >> 32}});
  return sp::respond(msg, r.fid(), r.w(2));
}

// Given cycles by FFA_RUN: take its notifications, then an indirect
// message if one is waiting (the runtime then waits again, which ends the
// normal world's FFA_RUN).
ffa::EndpointId g_self;  // our endpoint ID (FFA_ID_GET once, at initialisation)
void take_notifications() {
  // Through the runtime: "RX buffer full" among the framework
  // notifications tells it a message is there.
  const ffa::Regs r = sp::notification_get(g_rx, g_self, 0x7);
  if (!ffa::is_success(r)) return;
  g_notified[0] = uint64_t{r.w(2)} | uint64_t{r.w(3)} << 32;
  g_notified[1] = uint64_t{r.w(4)} | uint64_t{r.w(5)} << 32;
  g_notified[2] = r.w(6);
  ++g_notified[3];
}

// Payload word `i` (little-endian), zeros past the payload's end.
uint64_t payload_word(const sp::Message& m, unsigned i) {
  uint64_t v = 0;
  for (unsigned b = 0; b < 8; ++b) {
    const auto byte = m.payload.u8(8 * i + b);
    if (byte) v |= uint64_t{*byte} << (8 * b);
  }
  return v;
}

void take_message() {
  if (!sp::message_waiting(g_rx, g_self)) return;
  const auto m = g_rx.message(g_self);
  if (m) {
    g_last[0] = m->size;
    for (unsigned i = 0; i < 3; ++i) g_last[1 + i] = payload_word(*m, i);
  }
  (void)sp::rx_release(g_rx);  // a malformed message is dropped
}

void on_run() {
  take_notifications();
  take_message();
}

ffa::Regs read_message(const ffa::Regs& msg) {
  if (!sp::message_waiting(g_rx, g_self)) return sp::respond(msg, status_of(ffa::Error::denied));
  const auto m = g_rx.message(g_self);
  uint64_t w[3] = {};
  if (m)
    for (unsigned i = 0; i < 3; ++i) w[i] = payload_word(*m, i);
  const ffa::Status released = sp::rx_release(g_rx);
  if (!m) return sp::respond(msg, status_of(m.error()));
  if (!released) return sp::respond(msg, status_of(released.error()));
  const uint64_t ids = uint64_t{m->sender.raw()} << 16 | m->receiver.raw();
  return sp::respond(msg, m->size, ids, w[0], w[1], w[2]);
}

uint64_t g_perm[5];

// What a partition may do with its own memory while it initialises.
uint64_t perm_result(const ffa::Regs& r) {
  return r.fid() == ffa::raw(ffa::Func::error) ? (0xE0000000ull | r.w(2)) : r.w(2);
}
void check_own_memory() {
  auto get = [](uint64_t va) { return sp::svc(ffa::Regs{{ffa::raw(ffa::Func::mem_perm_get_64), va}}); };
  auto set = [](uint64_t va, uint64_t pages, uint64_t perm) {
    return sp::svc(ffa::Regs{{ffa::raw(ffa::Func::mem_perm_set_64), va, pages, perm}});
  };
  g_perm[0] = perm_result(get(kCode));                  // read-only, executable: 3
  g_perm[1] = perm_result(get(kData));                  // read-write, never executable: 5
  set(kScratch, 1, 3 | 4);                              // make a data page read-only
  g_perm[2] = perm_result(get(kScratch));               // 7
  g_perm[3] = perm_result(set(0x0E101000, 1, 3 | 4));   // not its memory: INVALID_PARAMETERS
  g_perm[4] = perm_result(set(kCode, 1, 1));            // writable and executable: INVALID_PARAMETERS
  // A page count far beyond anything it owns: refused at once (not walked).
  if (perm_result(set(kScratch, 0xFFFFFFFF, 3 | 4)) != (0xE0000000ull | 0xFFFFFFFE)) g_perm[4] = 0xBAD;
}

// (In place, as the benchmarks measure it: the request built in a register
// set of its own, the answer in `msg`.)
void forward(ffa::Regs& msg) {
  const uint32_t self = static_cast<uint32_t>(msg.x[1]) & 0xFFFF;
  const uint32_t target = static_cast<uint32_t>(msg.x[3]) & 0xFFFF;
  ffa::Regs r;
  ffa::set_regs(r, ffa::raw(ffa::Func::msg_send_direct_req_64), (self << 16) | target, 0, msg.x[4], msg.x[5],
                msg.x[6], msg.x[7]);
  arch_svc(&r);
  if (r.fid() == ffa::raw(ffa::Func::error)) return sp::answer(msg, r.fid(), r.w(2));
  sp::answer(msg, r.fid(), r.x[3], r.x[4], r.x[5], r.x[6]);
}

ffa::Regs forward_then_spin(const ffa::Regs& msg) {
  const uint32_t self = static_cast<uint32_t>(msg.x[1]) & 0xFFFF;
  const uint32_t target = static_cast<uint32_t>(msg.x[3]) & 0xFFFF;
  // A target that is busy on another CPU (the normal world may be calling
  // it there) is asked again, a bounded number of times.
  ffa::Regs r;
  for (unsigned tries = 0; tries < 100000; ++tries) {
    ffa::set_regs(r, ffa::raw(ffa::Func::msg_send_direct_req_64), (self << 16) | target, 0, msg.x[4], msg.x[5]);
    arch_svc(&r);
    if (r.fid() != ffa::raw(ffa::Func::error) || r.w(2) != static_cast<uint32_t>(ffa::Error::busy)) break;
  }
  const uint64_t answer =
      r.fid() == ffa::raw(ffa::Func::msg_send_direct_resp_64) ? r.x[4] : (0xE0000000ull | r.w(2));
  return sp::respond(msg, answer, lib::lcg_spin(msg.x[6], msg.x[7]));
}
}  // namespace

extern "C" [[noreturn]] void sp_main(uint64_t) {
  g_rx.attach(kRxBuffer, 4096);
  sp::on_run = &on_run;
  g_self = ffa::EndpointId(static_cast<uint16_t>(sp::svc(ffa::Regs{{ffa::raw(ffa::Func::id_get)}}).w(2)));
  check_own_memory();
  lend_while_initialising();
  // A partition of one execution context has no secondary entry: the
  // SPMC answers NOT_SUPPORTED, which is harmless (and ignored here).
  sp::svc(ffa::Regs{{ffa::raw(ffa::Func::secondary_ep_register_64), kCode}});
  sp::log("echo: ready\n");
  ffa::Regs msg = sp::wait();
  for (;;) {
    // Forwarding first: the benchmarks measure it.
    // (One test, of x3's bits 18 and up, for both forwarding commands: the
    // other commands' cost stays as it was.)
    static_assert((kForward >> 18) == (kForwardThenSpin >> 18));
    if ((msg.x[3] >> 18) == (kForward >> 18)) {
      const uint64_t command = msg.x[3] & ~0xFFFFull;
      if (command == kForward) [[likely]] {
        forward(msg);
      } else if (command == kForwardThenSpin) {
        msg = forward_then_spin(msg);
      } else {
        sp::answer(msg, msg.x[3], msg.x[4], msg.x[5], msg.x[6], msg.x[7]);  // no command: echoed
      }
    } else if (msg.x[3] == kYield) {
      const ffa::Regs r = sp::svc(ffa::Regs{{ffa::raw(ffa::Func::yield)}});
      msg = sp::respond(msg, r.fid(), kYield);
    } else if (msg.x[3] == kRetrieve) {
      msg = retrieve(msg);
    } else if (msg.x[3] == kRetrieveAll) {
      msg = retrieve_all(msg);
    } else if (msg.x[3] == kSpin) {
      msg = sp::respond(msg, lib::lcg_spin(msg.x[4], msg.x[5]));
    } else if (msg.x[3] == kBind) {
      msg = bind_notifications(msg);
    } else if (msg.x[3] == kSetNotification) {
      msg = set_notifications(msg);
    } else if (msg.x[3] == kGotNotifications) {
      msg = sp::respond(msg, g_notified[0], g_notified[1], g_notified[2], g_notified[3]);
    } else if (msg.x[3] == kRelinquish) {
      msg = sp::respond(msg, sp::relinquish(kBuffers, static_cast<uint16_t>(msg.x[1]), msg.x[4]));
    } else if (msg.x[3] == kLendReport) {
      msg = sp::respond(msg, g_lend[0], g_lend[1], g_lend[2], g_lend[3]);
    } else if (msg.x[3] == kLendToKeystore) {
      msg = lend_to_keystore(msg);
    } else if (msg.x[3] == kClaimInterrupt) {
      const uint64_t enabled = sp::svc(ffa::Regs{{ffa::hf::kInterruptEnable, msg.x[4], 1, ffa::hf::kTypeIrq}}).x[0];
      msg = sp::respond(msg, enabled, sp::svc(ffa::Regs{{ffa::hf::kInterruptDeactivate, msg.x[4], msg.x[4]}}).x[0]);
    } else if (msg.x[3] == kSend) {
      msg = send_message(msg);
    } else if (msg.x[3] == kLastMessage) {
      msg = sp::respond(msg, g_last[0], g_last[1], g_last[2], g_last[3]);
    } else if (msg.fid() == ffa::raw(ffa::Func::msg_send_direct_req2) && msg.x[4] == kWrongKind) {
      msg = sp::respond_with(ffa::Func::msg_send_direct_resp_64, msg, kWrongKind);
    } else if (msg.fid() == ffa::raw(ffa::Func::msg_send_direct_req2)) {
      msg = sp::respond2(msg, msg);  // x4-x17 back as they came
    } else if (msg.x[3] == kOtherWidth) {
      const bool is64 = msg.fid() == ffa::raw(ffa::Func::msg_send_direct_req_64);
      msg = sp::respond_with(is64 ? ffa::Func::msg_send_direct_resp_32 : ffa::Func::msg_send_direct_resp_64, msg,
                             kOtherWidth, msg.x[4], msg.x[5], msg.x[6], msg.x[7]);
    } else if (msg.x[3] == kWrongKind) {
      msg = sp::respond_with(ffa::Func::msg_send_direct_resp2, msg, 0);
    } else if (msg.x[3] == kPartitionInfo) {
      msg = partition_info(msg);
    } else if (msg.x[3] == kReadMessage) {
      msg = read_message(msg);
    } else if (msg.x[3] == kReportPerms) {
      msg = sp::respond(msg, g_perm[0], g_perm[1], g_perm[2], g_perm[3], g_perm[4]);
    } else if (msg.x[3] == kPermAfterInit) {
      msg = sp::respond(msg, perm_result(sp::svc(ffa::Regs{{ffa::raw(ffa::Func::mem_perm_get_64), kCode}})));
    } else {
      sp::answer(msg, msg.x[3], msg.x[4], msg.x[5], msg.x[6], msg.x[7]);
    }
  }
}
