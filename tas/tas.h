/* The Trusted Applications in Tessera's tree: their UUIDs and commands,
 * shared by the TAs, the normal-world harness and the Linux client. */
#ifndef TESSERA_TAS_H
#define TESSERA_TAS_H

/* hello: single instance, many sessions. 8aaaf200-2450-11e4-abe2-0002a5d5c51b
 * is OP-TEE's hello_world example's UUID, so its client finds this TA. */
#define TA_HELLO_UUID 0x8aaaf200, 0x2450, 0x11e4, 0xab, 0xe2, 0x00, 0x02, 0xa5, 0xd5, 0xc5, 0x1b
#define TA_HELLO_CMD_INC_VALUE 0  /* value inout: a + 1 (OP-TEE's example's command) */
#define TA_HELLO_CMD_DEC_VALUE 1  /* value inout: a - 1 */
#define TA_HELLO_CMD_REVERSE 2    /* memref in -> memref out, reversed; SHORT_BUFFER with the size needed */
#define TA_HELLO_CMD_WAIT 3       /* value in a: milliseconds; TEE_ERROR_CANCEL when cancelled */
#define TA_HELLO_CMD_COUNT 4      /* value out a: the instance's invocations so far, b: its open sessions */
#define TA_HELLO_CMD_BRANCHY 5    /* value inout: a rounds, b seed -> a: ta_branchy(a, b) below */

/* A loop of compares and conditional branches (its condition flags live
 * across every step): what TA_HELLO_CMD_BRANCHY computes, and what the
 * test that interrupts it many times checks it against. One compare's
 * flags are read only after a branch: QEMU takes an interrupt between
 * translation blocks, and a block ends at a branch, so a stop falls
 * between that compare and its reader as often as anywhere. */
static inline unsigned int ta_flags_across_a_branch(unsigned int a, unsigned int b) {
#if defined(__aarch64__)
  unsigned int r;
  __asm__ volatile("cmp %w1, %w2\n\tb 1f\n1:\tcset %w0, hi" : "=r"(r) : "r"(a), "r"(b) : "cc");
  return r;
#else
  return a > b;
#endif
}
static inline unsigned int ta_branchy(unsigned int rounds, unsigned int x) {
  unsigned int acc = 0;
  for (unsigned int i = 0; i < rounds; ++i) {
    x = x * 1103515245u + 12345u;
    if (ta_flags_across_a_branch(x, acc))
      acc += x >> 7;
    else
      acc ^= x;
  }
  return acc;
}

/* hostile: multi-instance; each command misbehaves one way. */
#define TA_HOSTILE_UUID 0x5ee1dead, 0x7a11, 0x4c3b, 0x9e, 0x10, 0x6f, 0x2b, 0x8c, 0x77, 0x41, 0x0d
#define TA_HOSTILE_CMD_READ_TOS 0      /* loads from the trusted OS's memory */
#define TA_HOSTILE_CMD_PANIC 1         /* TEE_Panic(0xBADC0DE) */
#define TA_HOSTILE_CMD_OVERRUN 2       /* memref out: writes one page past its end */
#define TA_HOSTILE_CMD_WRITE_INPUT 3   /* memref in: writes into it */
#define TA_HOSTILE_CMD_CHECK_ACCESS 4  /* value out a: TEE_CheckMemoryAccessRights on the trusted OS, b: on its input memref for writing */
#define TA_HOSTILE_CMD_NOP 5           /* returns TEE_SUCCESS */
#define TA_HOSTILE_CMD_TPIDR 7         /* value out a: TPIDR_EL0 as it came (low 32 bits), then set to 0x5EC2E700 */
#define TA_HOSTILE_CMD_PMU 6           /* value out a: PMCR_EL0 read, then written back with bit 3 (D) flipped */

/* caller: opens a session with hello and drives it (TA-to-TA). */
#define TA_CALLER_UUID 0xca11e12a, 0x3b1d, 0x4f0a, 0x8d, 0x55, 0x21, 0x9c, 0x04, 0xe7, 0x6a, 0x33
#define TA_CALLER_CMD_INC_TWICE 0      /* value inout: hello's INC_VALUE twice, through one session */
#define TA_CALLER_CMD_REVERSE 1        /* memref in -> memref out through hello's REVERSE */
#define TA_CALLER_CMD_OPEN_MISSING 2   /* value out a: the result of opening a TA that does not exist, b: origin */

/* crypto: the GP crypto API over memory references. Keys, nonces and
 * data come in memrefs; results go to the last (output) memref. */
#define TA_CRYPTO_UUID 0xc4e7a0b1, 0x5d2f, 0x4e8a, 0x9b, 0x31, 0x7c, 0x0e, 0x55, 0x2a, 0x18, 0xf6
#define TA_CRYPTO_CMD_SHA256 0       /* in: data -> out: 32-byte digest */
#define TA_CRYPTO_CMD_HMAC_SHA256 1  /* in: key, in: data -> out: 32-byte MAC */
#define TA_CRYPTO_CMD_GCM_SEAL 2     /* in: key, in: 12-byte nonce then AAD, in: plaintext -> out: ciphertext then 16-byte tag */
#define TA_CRYPTO_CMD_GCM_OPEN 3     /* in: key, in: nonce then AAD, in: ciphertext then tag -> out: plaintext; MAC_INVALID */
#define TA_CRYPTO_CMD_CBC_ENCRYPT 4  /* in: key, in: 16-byte IV, in: whole blocks -> out */
#define TA_CRYPTO_CMD_CBC_DECRYPT 5

/* storage: persistent objects (TEE_STORAGE_PRIVATE) named by the client. */
#define TA_STORAGE_UUID 0x5704a6e2, 0x1c8b, 0x4d2e, 0xa4, 0x7f, 0x3e, 0x90, 0x12, 0x6b, 0xc8, 0x5d
#define TA_STORAGE_CMD_WRITE 0    /* in: ID, in: data: creates or replaces the object */
#define TA_STORAGE_CMD_READ 1     /* in: ID -> out: data (SHORT_BUFFER with the size) */
#define TA_STORAGE_CMD_DELETE 2   /* in: ID */
#define TA_STORAGE_CMD_CREATE 3   /* in: ID, in: data: ACCESS_CONFLICT when it exists */
#define TA_STORAGE_CMD_WRITE_AT 4 /* in: ID, in: data, value in a: offset: opens, seeks, writes */

#endif
