/*
 * FF-A calls from an S-EL1 partition, written against the FF-A and SMCCC
 * specifications alone (no Tessera headers): by HVC to the SPMC at S-EL2,
 * or by SMC, which the SPMC traps and serves the same way (partitions
 * written for other SPMCs use either). SMCCC v1.2: x0-x17 in and out; this
 * partition passes and reads x0-x7.
 */
#ifndef MP_C_FFA_CALL_H
#define MP_C_FFA_CALL_H

#include <stdint.h>

#define FFA_ERROR 0x84000060u
#define FFA_SUCCESS_32 0x84000061u
#define FFA_VERSION 0x84000063u
#define FFA_ID_GET 0x84000069u
#define FFA_MSG_WAIT 0x8400006Bu
#define FFA_MSG_SEND_DIRECT_REQ_32 0x8400006Fu
#define FFA_MSG_SEND_DIRECT_RESP_32 0x84000070u
#define FFA_MSG_SEND_DIRECT_REQ_64 0xC400006Fu
#define FFA_MSG_SEND_DIRECT_RESP_64 0xC4000070u
#define FFA_SECONDARY_EP_REGISTER_64 0xC4000087u
#define FFA_CONSOLE_LOG_64 0xC400008Au
#define FFA_RX_RELEASE 0x84000065u
#define FFA_RXTX_MAP_64 0xC4000066u
#define FFA_MEM_LEND_64 0xC4000072u
#define FFA_MEM_SHARE_64 0xC4000073u
#define FFA_MEM_RECLAIM 0x84000077u
#define FFA_MEM_RETRIEVE_REQ_64 0xC4000074u
#define FFA_MEM_RETRIEVE_RESP 0x84000075u
#define FFA_MEM_RELINQUISH 0x84000076u
#define FFA_MEM_FRAG_RX 0x8400007Au
#define FFA_MEM_FRAG_TX 0x8400007Bu
#define FFA_INTERRUPT 0x84000062u
#define FFA_FEATURES 0x84000064u
#define FFA_FEATURE_MEI 3u /* the managed exit interrupt's ID */
#define FFA_FEATURE_NPI 1u /* the notification pending interrupt's ID */
#define FFA_NOTIFICATION_BIND 0x8400007Fu
#define FFA_NOTIFICATION_GET 0x84000082u

/* Hafnium's interrupt calls (by HVC, answered in x0), which other S-EL2
   SPMCs' partitions use too. */
#define HF_INTERRUPT_ENABLE 0xFF03u /* x1 ID, x2 1 on / 0 off, x3 0 IRQ / 1 FIQ */
#define HF_INTERRUPT_GET 0xFF04u
#define HF_INTERRUPT_DEACTIVATE 0xFF08u /* x1 = x2 = ID */
#define HF_INVALID_INTID 0xFFFFFFFFu

struct ffa_args {
  uint64_t x[8];
};

#define FFA_CONDUIT(name, insn)                                                                              \
  static inline struct ffa_args name(struct ffa_args a) {                                                   \
    register uint64_t x0 __asm__("x0") = a.x[0];                                                            \
    register uint64_t x1 __asm__("x1") = a.x[1];                                                            \
    register uint64_t x2 __asm__("x2") = a.x[2];                                                            \
    register uint64_t x3 __asm__("x3") = a.x[3];                                                            \
    register uint64_t x4 __asm__("x4") = a.x[4];                                                            \
    register uint64_t x5 __asm__("x5") = a.x[5];                                                            \
    register uint64_t x6 __asm__("x6") = a.x[6];                                                            \
    register uint64_t x7 __asm__("x7") = a.x[7];                                                            \
    __asm__ volatile(insn                                                                                   \
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x6), "+r"(x7)      \
                     :                                                                                      \
                     : "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17", "memory");       \
    struct ffa_args r = {{x0, x1, x2, x3, x4, x5, x6, x7}};                                                 \
    return r;                                                                                               \
  }

FFA_CONDUIT(ffa_hvc, "hvc #0")
FFA_CONDUIT(ffa_smc, "smc #0")

/* FFA_CONSOLE_LOG_64: up to 8 characters in each of x2-x7. */
static inline void ffa_log(const char* s) {
  while (*s) {
    struct ffa_args a = {{FFA_CONSOLE_LOG_64, 0, 0, 0, 0, 0, 0, 0}};
    uint64_t n = 0;
    for (int reg = 2; reg < 8 && *s; ++reg)
      for (int b = 0; b < 8 && *s; ++b, ++n) a.x[reg] |= (uint64_t)(uint8_t)*s++ << (8 * b);
    a.x[1] = n;
    ffa_hvc(a);
  }
}

#endif
