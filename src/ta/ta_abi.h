/* The contract between a Trusted Application (S-EL0) and the trusted OS
 * that hosts it (src/sel1/ta_*.cpp): the TA image header, the addresses
 * every TA's private address space has, the operations the trusted OS
 * enters a TA for, and the system calls a TA makes (SVC #0, number in x8).
 * C and C++: TAs may be written in either. docs/trusted-applications.md
 * describes it for TA writers. */
#ifndef TESSERA_TA_ABI_H
#define TESSERA_TA_ABI_H

#ifndef __ASSEMBLER__
#include <stdint.h>
#endif

/* A TA image (a flat binary linked at TA_IMAGE_VA by src/ta/ta.ld) starts
 * with this header: offsets are from the image start. */
#define TA_HEADER_MAGIC 0x31415454u /* "TTA1" */
#define TA_HEADER_VERSION 1u
#define TA_HEADER_SIZE 64u

/* ta_props.flags */
#define TA_FLAG_SINGLE_INSTANCE (1u << 0) /* one instance serves every session */
#define TA_FLAG_MULTI_SESSION (1u << 1)   /* a single instance may have several sessions */
#define TA_FLAG_KEEP_ALIVE (1u << 2)      /* a single instance stays when its last session closes */
#define TA_FLAGS_KNOWN (TA_FLAG_SINGLE_INSTANCE | TA_FLAG_MULTI_SESSION | TA_FLAG_KEEP_ALIVE)

#ifndef __ASSEMBLER__
struct ta_header {
  uint32_t magic;
  uint32_t version;
  uint32_t entry;    /* the entry point */
  uint32_t text_end; /* [0, text_end): code, read-only and executable */
  uint32_t ro_end;   /* [text_end, ro_end): constants, read-only */
  uint32_t file_end; /* bytes in the image file: [ro_end, file_end) initialised data */
  uint32_t mem_end;  /* [file_end, mem_end): zeroed (BSS, heap, stack) */
  uint32_t stack_top;
  /* ta_props, written by the TA's source (TA_PROPS in tee_internal_api.h) */
  uint8_t uuid[16]; /* RFC 4122 byte order */
  uint32_t flags;
  uint32_t reserved[3];
};
#endif

/* A TA's address space (its own translation tables and ASID). Nothing of
 * the trusted OS is mapped but the one EL1-only trampoline page. */
#define TA_PARAM_VA 0x00080000u  /* one page: struct ta_param_page */
#define TA_IMAGE_VA 0x00100000u  /* the image, at most TA_IMAGE_MAX bytes in memory */
#define TA_IMAGE_MAX 0x00040000u /* 256 KiB: one TA memory slot */
#define TA_MEMREF_VA 0x40000000u /* memory references of the current call, mapped for its length */

/* The operations the trusted OS enters a TA for: x0 = operation, x1 = the
 * session's slot in the instance (0..TA_MAX_SESSIONS-1), x2 = the command
 * (invoke only). Parameters are in the parameter page. Each entry starts
 * afresh at `entry` with the stack empty and ends with TA_SYS_RETURN. */
#define TA_OP_CREATE 0
#define TA_OP_OPEN_SESSION 1
#define TA_OP_INVOKE 2
#define TA_OP_CLOSE_SESSION 3
#define TA_OP_DESTROY 4
#define TA_MAX_SESSIONS 8

/* The parameter page: GP parameter types (4 bits each) and four
 * parameters, as TEE_Param is laid out on AArch64: a value is {a, b}
 * (32 bits each, in `first`), a memory reference {buffer, size}. */
#ifndef __ASSEMBLER__
struct ta_param_page {
  uint32_t types;
  uint32_t pad;
  struct {
    uint64_t first;  /* value a | b << 32, or the buffer's address */
    uint64_t second; /* memref size (value: unused) */
  } p[4];
  /* TA-to-TA: the UUID of the TA to open (TA_SYS_OPEN_TA). */
  uint8_t uuid[16];
};
#endif

/* System calls (SVC #0 with the number in x8; arguments in x0-x3, the
 * result in x0, and in x1 where noted). */
#define TA_SYS_RETURN 0       /* x0 = TEE_Result: the operation is over */
#define TA_SYS_PANIC 1        /* x0 = code: the instance dies */
#define TA_SYS_LOG 2          /* x0 = string, x1 = length */
#define TA_SYS_GET_TIME 3     /* x0 = 0 system, 1 REE: x0 = seconds, x1 = milliseconds */
#define TA_SYS_RANDOM 4       /* x0 = buffer, x1 = length */
#define TA_SYS_CHECK_ACCESS 5 /* x0 = TEE_MEMORY_ACCESS_* flags, x1 = buffer, x2 = size */
#define TA_SYS_CANCEL_FLAG 6  /* x0 = 1 when the client cancelled the current call */
#define TA_SYS_WAIT 7         /* x0 = milliseconds: waits, cancellable */
#define TA_SYS_OPEN_TA 8      /* params and uuid in the page: x0 = result, x1 = origin, x2 = session */
#define TA_SYS_INVOKE_TA 9    /* x0 = session, x1 = command; params in the page: x0 = result, x1 = origin */
#define TA_SYS_CLOSE_TA 10    /* x0 = session */
/* Persistent objects (TEE_STORAGE_PRIVATE), read and written whole: the
 * trusted OS seals them and stores them through tee-supplicant. */
#define TA_SYS_STORAGE_READ 11   /* x0 = id, x1 = id length, x2 = buffer, x3 = its size: x0 = result, x1 = length */
#define TA_SYS_STORAGE_WRITE 12  /* x0 = id, x1 = id length | TA_STORAGE_EXCLUSIVE, x2 = data, x3 = length */
#define TA_SYS_STORAGE_DELETE 13 /* x0 = id, x1 = id length */
#define TA_STORAGE_EXCLUSIVE (1ull << 32) /* fail with ACCESS_CONFLICT when the object exists */

#endif
