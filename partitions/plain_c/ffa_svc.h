/*
 * What the plain-C partitions (foreign-c, ported-c) share: the FF-A call
 * over SVC and FFA_CONSOLE_LOG_32. Written against the FF-A specification
 * alone, like the partitions themselves: no Tessera headers.
 */
#ifndef PLAIN_C_FFA_SVC_H
#define PLAIN_C_FFA_SVC_H

#include <stdint.h>

#define FFA_CONSOLE_LOG_32 0x8400008Au

struct ffa_args {
  uint64_t x[8];
};

/* An FF-A call from S-EL0: x0-x7 in and out; x8-x17 may be clobbered. */
static inline struct ffa_args ffa_svc(struct ffa_args a) {
  register uint64_t x0 __asm__("x0") = a.x[0];
  register uint64_t x1 __asm__("x1") = a.x[1];
  register uint64_t x2 __asm__("x2") = a.x[2];
  register uint64_t x3 __asm__("x3") = a.x[3];
  register uint64_t x4 __asm__("x4") = a.x[4];
  register uint64_t x5 __asm__("x5") = a.x[5];
  register uint64_t x6 __asm__("x6") = a.x[6];
  register uint64_t x7 __asm__("x7") = a.x[7];
  __asm__ volatile("svc #0"
                   : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x6), "+r"(x7)
                   :
                   : "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17", "memory");
  struct ffa_args r = {{x0, x1, x2, x3, x4, x5, x6, x7}};
  return r;
}

/* FFA_CONSOLE_LOG_32: up to 4 characters in each of w2-w7. */
static inline void ffa_log(const char* s) {
  while (*s) {
    struct ffa_args a = {{FFA_CONSOLE_LOG_32, 0, 0, 0, 0, 0, 0, 0}};
    uint64_t n = 0;
    for (int reg = 2; reg < 8 && *s; ++reg)
      for (int b = 0; b < 4 && *s; ++b, ++n) a.x[reg] |= (uint64_t)(uint8_t)*s++ << (8 * b);
    a.x[1] = n;
    ffa_svc(a);
  }
}

#endif
