/*
 * A secure partition in plain C with its own startup code and no Tessera
 * headers: it proves that a partition written against the FF-A
 * specification alone runs here unmodified. It reads the FF-A boot
 * information blob (FF-A v1.2, "Boot information protocol") the SPMC
 * passes in x0, logs through FFA_CONSOLE_LOG_32, and answers direct
 * requests with what it found:
 *   x3 = blob signature (0xFFA), x4 = number of descriptors,
 *   x5 = magic of the FDT the first descriptor points at (0xd00dfeed),
 *   x6 = that FDT's size in bytes, x7 = the request's own x3 + 1.
 */
#include <stdint.h>

#include "../plain_c/ffa_svc.h"

#define FFA_MSG_WAIT 0x8400006Bu
#define FFA_MSG_SEND_DIRECT_REQ_32 0x8400006Fu
#define FFA_MSG_SEND_DIRECT_RESP_32 0x84000070u
#define FFA_MSG_SEND_DIRECT_REQ_64 0xC400006Fu
#define FFA_MSG_SEND_DIRECT_RESP_64 0xC4000070u
#define FFA_RUN 0x8400006Du

static uint32_t be32(const uint8_t* p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void partition_main(uint64_t boot_info) {
  uint64_t signature = 0, count = 0, fdt_magic = 0, fdt_size = 0;
  if (boot_info) {
    const uint32_t* header = (const uint32_t*)boot_info;
    signature = header[0];
    count = header[4];
    const uint8_t* desc = (const uint8_t*)boot_info + header[5];
    const uint8_t type = desc[16];
    const uint64_t contents = *(const uint64_t*)(desc + 24);
    if (signature == 0xFFA && count >= 1 && type == 0 /* standard, FDT */) {
      fdt_magic = be32((const uint8_t*)contents);
      fdt_size = *(const uint32_t*)(desc + 20);
    }
  }
  ffa_log(fdt_magic == 0xd00dfeed ? "foreign-c: boot information and manifest found\n"
                                  : "foreign-c: no usable boot information\n");
  struct ffa_args msg = ffa_svc((struct ffa_args){{FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0, 0}});
  for (;;) {
    const uint32_t fid = (uint32_t)msg.x[0];
    if (fid != FFA_MSG_SEND_DIRECT_REQ_32 && fid != FFA_MSG_SEND_DIRECT_REQ_64) {
      /* Cycles (FFA_RUN) or anything else that is not a request: nothing
         to do but wait for the next message. */
      msg = ffa_svc((struct ffa_args){{FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0, 0}});
      continue;
    }
    const uint64_t w1 = msg.x[1] & 0xFFFFFFFFu;
    const int is64 = fid == FFA_MSG_SEND_DIRECT_REQ_64;
    /* Answer in the request's own width. */
    struct ffa_args resp = {{is64 ? FFA_MSG_SEND_DIRECT_RESP_64 : FFA_MSG_SEND_DIRECT_RESP_32,
                             ((w1 << 16) | (w1 >> 16)) & 0xFFFFFFFFu, 0, signature, count, fdt_magic, fdt_size,
                             (msg.x[3] + 1) & 0xFFFFFFFFu}};
    msg = ffa_svc(resp);
  }
}
