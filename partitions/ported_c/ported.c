/*
 * ported-c: a partition written for another SPMC, run here unmodified.
 * It is what such partitions do that Tessera once tripped over:
 *   - it is position independent (linked at 0) and relocates itself
 *     (start.S), so its tables of pointers hold load-time addresses;
 *   - it declares no rx_tx-buffer and maps its RX/TX pair at run time
 *     with FFA_RXTX_MAP, from its own "buffers" region;
 *   - it checks the answer registers the specification says are zero;
 *   - it answers 64-bit direct requests with 32-bit responses.
 *   - it checks that answers to its SMC32 calls have clear upper halves;
 *   - it borrows memory whose attributes the lender left to it, naming
 *     them in its retrieve request;
 *   - it takes the notifications the normal world sets for it when the
 *     normal world gives it cycles (FFA_RUN), prompted by the schedule
 *     receiver interrupt.
 * At boot it runs its checks, logs the result and binds notification 0 to
 * the normal world. Every direct request then gets
 * FFA_MSG_SEND_DIRECT_RESP_32, whatever the request's width:
 *   x3 = 0x52455452 ("RETR"), x4 = a handle the normal world lent it:
 *        it retrieves the memory (normal, write-back, inner shareable,
 *        read-write: its own choice), adds 1 to the first 64-bit word,
 *        relinquishes it; answers x3 = 0 or the failing call's error,
 *        x4 = the word it read, x5 = the attributes the response gave,
 *        x6 = what FFA_MEM_RELINQUISH answered (w0);
 *   x3 = 0x4E4F5449 ("NOTI"): x3 = the notifications from VMs it got on
 *        FFA_RUN so far, x4 = how often it was run;
 *   anything else: x3 = the checks that passed (bit n: kChecks[n]),
 *        x4 = all checks, x5 = partitions it discovered, x6 = relocations
 *        it applied, x7 = the request's own x3 + 1.
 * Only FF-A, no Tessera headers.
 */
#include <stdint.h>

#include "../plain_c/ffa_svc.h"

#define FFA_ERROR 0x84000060u
#define FFA_SUCCESS_32 0x84000061u
#define FFA_INTERRUPT 0x84000062u
#define FFA_VERSION 0x84000063u
#define FFA_FEATURES 0x84000064u
#define FFA_RX_RELEASE 0x84000065u
#define FFA_RXTX_MAP_64 0xC4000066u
#define FFA_RXTX_UNMAP 0x84000067u
#define FFA_PARTITION_INFO_GET 0x84000068u
#define FFA_ID_GET 0x84000069u
#define FFA_MSG_WAIT 0x8400006Bu
#define FFA_MSG_SEND_DIRECT_REQ_32 0x8400006Fu
#define FFA_MSG_SEND_DIRECT_RESP_32 0x84000070u
#define FFA_MSG_SEND_DIRECT_REQ_64 0xC400006Fu
#define FFA_MEM_RETRIEVE_REQ_64 0xC4000074u
#define FFA_MEM_RETRIEVE_RESP 0x84000075u
#define FFA_MEM_RELINQUISH 0x84000076u
#define FFA_RUN 0x8400006Du
#define FFA_NOTIFICATION_BIND 0x8400007Fu
#define FFA_NOTIFICATION_GET 0x84000082u
#define NOT_SUPPORTED 0xFFFFFFFFu

extern uint8_t buffers[] __attribute__((visibility("hidden")));  // ported.ld: the "buffers" region

/* Set when an answer to an SMC32 call had an upper half set. */
static int g_upper_half_seen;

static struct ffa_args call(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3) {
  struct ffa_args a = {{x0, x1, x2, x3, 0, 0, 0, 0}};
  struct ffa_args r = ffa_svc(a);
  if (!(x0 & 0x40000000u))
    for (int i = 0; i < 8; ++i)
      if (r.x[i] >> 32) g_upper_half_seen = 1;
  return r;
}

static void put(uint8_t* b, unsigned off, uint64_t v, unsigned n) {
  for (unsigned i = 0; i < n; ++i) b[off + i] = (uint8_t)(v >> (8 * i));
}

/* Registers x<from>..x7 of an answer are all zero (MBZ). */
static int zero_from(struct ffa_args r, int from) {
  for (int i = from; i < 8; ++i)
    if (r.x[i] != 0) return 0;
  return 1;
}

static uint32_t le32(const uint8_t* p) { return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

/* The checks, in bit order. A table of pointers: after relocation each
   entry holds a load-time address (check 0 tests that it does). */
static const char* const kChecks[] = {
    "relocated pointers point into the image",
    "FFA_VERSION answers in w0 alone",
    "FFA_ID_GET",
    "FFA_FEATURES(FFA_INTERRUPT) at the secure instance",
    "FFA_FEATURES(FFA_RXTX_MAP): 4 KiB buffers",
    "FFA_FEATURES(FFA_MEM_RETRIEVE_REQ) with the NS-bit input",
    "FFA_RXTX_MAP of its own pages at run time",
    "FFA_PARTITION_INFO_GET count only: w3 is zero",
    "FFA_PARTITION_INFO_GET into its RX buffer finds itself",
    "FFA_VERSION after other calls: NOT_SUPPORTED for another version",
    "answers to SMC32 calls have clear upper halves",
    "FFA_NOTIFICATION_BIND of the normal world as a sender",
};
#define CHECK_COUNT (sizeof(kChecks) / sizeof(kChecks[0]))

static uint64_t g_passed, g_partitions, g_relocations;
static uint16_t g_self;
static uint64_t g_vm_notifications, g_runs;

static void check(unsigned n, int ok) {
  if (ok) {
    g_passed |= 1ull << n;
  } else {
    ffa_log("ported-c: FAILED: ");
    ffa_log(kChecks[n]);
    ffa_log("\n");
  }
}

static void run_checks(uint64_t base) {
  check(0, g_relocations > 0 && (uint64_t)kChecks[0] >= base && (uint64_t)kChecks[0] < base + 0x10000);

  struct ffa_args r = call(FFA_VERSION, 0x10002, 0, 0);
  check(1, r.x[0] == 0x10002 && zero_from(r, 1));

  r = call(FFA_ID_GET, 0, 0, 0);
  const uint16_t self = (uint16_t)r.x[2];
  g_self = self;
  check(2, r.x[0] == FFA_SUCCESS_32 && self == 0x8007);

  r = call(FFA_FEATURES, FFA_INTERRUPT, 0, 0);
  check(3, r.x[0] == FFA_SUCCESS_32);
  r = call(FFA_FEATURES, FFA_RXTX_MAP_64, 0, 0);
  check(4, r.x[0] == FFA_SUCCESS_32 && (r.x[2] & 3) == 0);
  r = call(FFA_FEATURES, FFA_MEM_RETRIEVE_REQ_64, 2 /* NS bit */, 0);
  check(5, r.x[0] == FFA_SUCCESS_32 && (r.x[2] & 2) != 0);

  uint8_t* tx = buffers;
  const uint8_t* rx = buffers + 4096;
  r = call(FFA_RXTX_MAP_64, (uint64_t)tx, (uint64_t)rx, 1);
  check(6, r.x[0] == FFA_SUCCESS_32);

  struct ffa_args q = {{FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 1 /* count only */, 0, 0}};
  r = ffa_svc(q);
  check(7, r.x[0] == FFA_SUCCESS_32 && r.x[2] >= 2 && zero_from(r, 3));

  r = call(FFA_PARTITION_INFO_GET, 0, 0, 0);
  int found = 0;
  if (r.x[0] == FFA_SUCCESS_32 && r.x[3] == 24) {
    g_partitions = r.x[2];
    for (uint64_t i = 0; i < g_partitions && (i + 1) * 24 <= 4096; ++i) {
      const uint8_t* d = rx + 24 * i;
      if ((d[0] | d[1] << 8) == self && le32(d + 8) == 0x3c1d9a5eu && le32(d + 20) == 0x0f6b48e1u) found = 1;
    }
  }
  check(8, found && call(FFA_RX_RELEASE, 0, 0, 0).x[0] == FFA_SUCCESS_32);

  r = call(FFA_VERSION, 0x10001, 0, 0);
  check(9, r.x[0] == NOT_SUPPORTED && zero_from(r, 1));

  /* Notification 0, from the normal world (VM 0), global. */
  r = call(FFA_NOTIFICATION_BIND, (uint64_t)0 << 16 | self, 0, 1);
  check(11, r.x[0] == FFA_SUCCESS_32);

  check(10, !g_upper_half_seen);
}

/* Cycles from the normal world: take the notifications it set for us. */
static void on_run(void) {
  ++g_runs;
  struct ffa_args r = call(FFA_NOTIFICATION_GET, g_self, 2 /* from VMs */, 0);
  if (r.x[0] == FFA_SUCCESS_32) g_vm_notifications |= (r.x[4] & 0xFFFFFFFFu) | r.x[5] << 32;
}

/* Borrows what the normal world lent: the lender left the memory
   attributes to the borrower (a lend to one borrower), so they are named
   here, with read-write data access and the instruction access left to
   the SPMC. */
static struct ffa_args borrow(uint64_t handle) {
  struct ffa_args out = {{0, 0, 0, 0, 0, 0, 0, 0}};
  uint8_t* tx = buffers;
  const uint8_t* rx = buffers + 4096;
  for (unsigned i = 0; i < 80; ++i) tx[i] = 0;
  put(tx, 0, 0, 2);            /* sender: the normal world (VM 0) */
  put(tx, 2, 0x2F, 2);         /* normal memory, write-back, inner shareable */
  put(tx, 4, 2u << 3, 4);      /* flags: a lend */
  put(tx, 8, handle, 8);
  put(tx, 24, 32, 4);          /* access descriptor size (v1.2) */
  put(tx, 28, 1, 4);           /* receivers */
  put(tx, 32, 48, 4);          /* receivers offset */
  put(tx, 48, g_self, 2);
  put(tx, 50, 2, 1);           /* read-write */
  struct ffa_args r = call(FFA_MEM_RETRIEVE_REQ_64, 80, 80, 0);
  if (r.x[0] != FFA_MEM_RETRIEVE_RESP) {
    out.x[3] = r.x[0] == FFA_ERROR ? (r.x[2] & 0xFFFFFFFFu) : r.x[0];
    return out;
  }
  const uint32_t composite = le32(rx + 52);
  const uint64_t address = le32(rx + composite + 16) | (uint64_t)le32(rx + composite + 20) << 32;
  out.x[5] = rx[2] | (uint32_t)rx[3] << 8;
  call(FFA_RX_RELEASE, 0, 0, 0);
  volatile uint64_t* word = (volatile uint64_t*)address;
  out.x[4] = *word;
  *word = out.x[4] + 1;
  for (unsigned i = 0; i < 24; ++i) tx[i] = 0;
  put(tx, 0, handle, 8);
  put(tx, 12, 1, 4);           /* one endpoint: itself */
  put(tx, 16, g_self, 2);
  out.x[6] = call(FFA_MEM_RELINQUISH, 0, 0, 0).x[0];
  return out;
}

void partition_main(uint64_t base, uint64_t relocations) {
  g_relocations = relocations;
  run_checks(base);
  const uint64_t all = (1ull << CHECK_COUNT) - 1;
  ffa_log(g_passed == all ? "ported-c: every conformance check passed\n" : "ported-c: some checks failed\n");
  struct ffa_args msg = call(FFA_MSG_WAIT, 0, 0, 0);
  for (;;) {
    const uint32_t fid = (uint32_t)msg.x[0];
    if (fid != FFA_MSG_SEND_DIRECT_REQ_32 && fid != FFA_MSG_SEND_DIRECT_REQ_64) {
      if (fid == FFA_RUN) on_run();
      msg = call(FFA_MSG_WAIT, 0, 0, 0);
      continue;
    }
    const uint64_t w1 = msg.x[1] & 0xFFFFFFFFu;
    /* Always the 32-bit response, as partitions written for other SPMCs
       often do: FF-A pairs a response with its request by kind. */
    struct ffa_args resp = {{FFA_MSG_SEND_DIRECT_RESP_32, ((w1 << 16) | (w1 >> 16)) & 0xFFFFFFFFu, 0, g_passed, all,
                             g_partitions, g_relocations, (msg.x[3] + 1) & 0xFFFFFFFFu}};
    if ((msg.x[3] & 0xFFFFFFFFu) == 0x52455452u) {
      const struct ffa_args b = borrow(msg.x[4]);
      for (int i = 3; i < 8; ++i) resp.x[i] = b.x[i] & 0xFFFFFFFFu;
    } else if ((msg.x[3] & 0xFFFFFFFFu) == 0x4E4F5449u) {
      resp.x[3] = g_vm_notifications & 0xFFFFFFFFu;
      resp.x[4] = g_runs;
      resp.x[5] = resp.x[6] = resp.x[7] = 0;
    }
    msg = ffa_svc(resp);
  }
}
