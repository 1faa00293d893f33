/*
 * ported-c: a partition written for another SPMC, run here unmodified.
 * It is what such partitions do that Tessera once tripped over:
 *   - it is position independent (linked at 0) and relocates itself
 *     (start.S), so its tables of pointers hold load-time addresses;
 *   - it declares no rx_tx-buffer and maps its RX/TX pair at run time
 *     with FFA_RXTX_MAP, from its own "buffers" region;
 *   - it checks the answer registers the specification says are zero;
 *   - it answers 64-bit direct requests with 32-bit responses.
 * At boot it runs its checks and logs the result; every direct request
 * then gets (FFA_MSG_SEND_DIRECT_RESP_32, whatever the request's width):
 *   x3 = the checks that passed (bit n: kChecks[n]), x4 = all checks,
 *   x5 = partitions it discovered, x6 = relocations it applied,
 *   x7 = the request's own x3 + 1.
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
#define NOT_SUPPORTED 0xFFFFFFFFu

extern uint8_t buffers[] __attribute__((visibility("hidden")));  // ported.ld: the "buffers" region

static struct ffa_args call(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3) {
  struct ffa_args a = {{x0, x1, x2, x3, 0, 0, 0, 0}};
  return ffa_svc(a);
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
};
#define CHECK_COUNT (sizeof(kChecks) / sizeof(kChecks[0]))

static uint64_t g_passed, g_partitions, g_relocations;

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
      msg = call(FFA_MSG_WAIT, 0, 0, 0);
      continue;
    }
    const uint64_t w1 = msg.x[1] & 0xFFFFFFFFu;
    /* Always the 32-bit response, as partitions written for other SPMCs
       often do: FF-A pairs a response with its request by kind. */
    struct ffa_args resp = {{FFA_MSG_SEND_DIRECT_RESP_32, ((w1 << 16) | (w1 >> 16)) & 0xFFFFFFFFu, 0, g_passed, all,
                             g_partitions, g_relocations, (msg.x[3] + 1) & 0xFFFFFFFFu}};
    msg = ffa_svc(resp);
  }
}
