/*
 * teec-check: a GlobalPlatform TEE Client API test of Tessera's Trusted
 * Applications (tas/tas.h), built against Debian's optee-client-dev 3.19
 * and run in the Linux normal world with its libteec1 and tee-supplicant,
 * so every call goes the way a Linux user program's does: libteec ->
 * /dev/tee0 -> Linux's OP-TEE driver -> FF-A -> the trusted OS.
 *
 * One line per test, like the harness: `ok N - name` or `not ok N - name:
 * detail`, then `N passed, N failed`; the exit status is non-zero on any
 * failure. tests/system/check_linux.py requires each name below, so a new
 * test is one check() call here and one name in that file's list.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <tee_client_api.h>
#include <time.h>
#include <unistd.h>

#include "../../tas/tas.h"

static int passed, failed;

/* Records one test; detail (printf-style) says what was seen on failure. */
static int check(const char* name, int ok, const char* fmt, ...) {
  int n = passed + failed + 1;
  if (ok) {
    printf("ok %d - %s\n", n, name);
    ++passed;
  } else {
    char detail[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    printf("not ok %d - %s: %s\n", n, name, detail);
    ++failed;
  }
  fflush(stdout); /* the console interleaves with the kernel's and the firmware's */
  return ok;
}

/* The macros in tas.h are flat lists; these spell them as TEEC_UUIDs. */
#define UUID_OF(a, b, c, d0, d1, d2, d3, d4, d5, d6, d7) {a, b, c, {d0, d1, d2, d3, d4, d5, d6, d7}}
#define AS_UUID(list) UUID_OF(list)
static const TEEC_UUID uuid_hello = AS_UUID(TA_HELLO_UUID);
static const TEEC_UUID uuid_hostile = AS_UUID(TA_HOSTILE_UUID);
static const TEEC_UUID uuid_caller = AS_UUID(TA_CALLER_UUID);
static const TEEC_UUID uuid_storage = AS_UUID(TA_STORAGE_UUID);
static const TEEC_UUID uuid_crypto = AS_UUID(TA_CRYPTO_UUID);

static TEEC_Context ctx;

static TEEC_Result open_session(TEEC_Session* s, const TEEC_UUID* uuid, uint32_t* origin) {
  *origin = 0;
  return TEEC_OpenSession(&ctx, s, uuid, TEEC_LOGIN_PUBLIC, NULL, NULL, origin);
}

/* One command with a single value parameter; a and b in and out. */
static TEEC_Result value_cmd(TEEC_Session* s, uint32_t cmd, uint32_t type, uint32_t* a, uint32_t* b,
                             uint32_t* origin) {
  TEEC_Operation op;
  memset(&op, 0, sizeof op);
  op.paramTypes = TEEC_PARAM_TYPES(type, TEEC_NONE, TEEC_NONE, TEEC_NONE);
  op.params[0].value.a = *a;
  op.params[0].value.b = b ? *b : 0;
  *origin = 0;
  TEEC_Result r = TEEC_InvokeCommand(s, cmd, &op, origin);
  *a = op.params[0].value.a;
  if (b) *b = op.params[0].value.b;
  return r;
}

/* The pattern every REVERSE test sends: n bytes, none equal to its mirror. */
static void fill(uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i) p[i] = (uint8_t)(i * 7 + 1);
}
static int reversed(const uint8_t* in, const uint8_t* out, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (out[i] != in[n - 1 - i]) return 0;
  return 1;
}

static uint32_t hello_invocations; /* how many commands this program sent the hello instance */

static void hello_tests(TEEC_Session* hello) {
  uint32_t origin, a, b;
  TEEC_Result r = open_session(hello, &uuid_hello, &origin);
  if (!check("hello: OpenSession", r == TEEC_SUCCESS, "0x%08x origin %u", r, origin)) exit(1);
  a = 41;
  r = value_cmd(hello, TA_HELLO_CMD_INC_VALUE, TEEC_VALUE_INOUT, &a, NULL, &origin);
  check("hello: INC_VALUE 41 -> 42", r == TEEC_SUCCESS && a == 42, "0x%08x a=%u", r, a);
  r = value_cmd(hello, TA_HELLO_CMD_DEC_VALUE, TEEC_VALUE_INOUT, &a, NULL, &origin);
  check("hello: DEC_VALUE 42 -> 41", r == TEEC_SUCCESS && a == 41, "0x%08x a=%u", r, a);
  a = 1;
  r = value_cmd(hello, TA_HELLO_CMD_INC_VALUE, TEEC_VALUE_INPUT, &a, NULL, &origin);
  check("hello: wrong param types -> BAD_PARAMETERS from the TA",
        r == TEEC_ERROR_BAD_PARAMETERS && origin == TEEC_ORIGIN_TRUSTED_APP, "0x%08x origin %u", r, origin);
  hello_invocations = 3;

  TEEC_Session second;
  TEEC_Result r2 = open_session(&second, &uuid_hello, &origin);
  check("hello: a second session", r2 == TEEC_SUCCESS, "0x%08x origin %u", r2, origin);
  a = b = 0;
  r = value_cmd(&second, TA_HELLO_CMD_COUNT, TEEC_VALUE_OUTPUT, &a, &b, &origin);
  ++hello_invocations; /* COUNT counts itself */
  check("hello: COUNT (invocations, 2 sessions)", r == TEEC_SUCCESS && a == hello_invocations && b == 2,
        "0x%08x a=%u (want %u) b=%u", r, a, hello_invocations, b);
  if (r2 == TEEC_SUCCESS) TEEC_CloseSession(&second);
  r = value_cmd(hello, TA_HELLO_CMD_COUNT, TEEC_VALUE_OUTPUT, &a, &b, &origin);
  check("hello: COUNT after CloseSession (1 session)", r == TEEC_SUCCESS && b == 1, "0x%08x b=%u", r, b);
}

/* REVERSE (hello's, or the caller TA's through hello) with op's two memrefs. */
static TEEC_Result reverse_op(TEEC_Session* s, uint32_t cmd, TEEC_Operation* op, uint32_t* origin) {
  *origin = 0;
  return TEEC_InvokeCommand(s, cmd, op, origin);
}

static void memref_tests(TEEC_Session* hello, TEEC_Session* caller_or_null, const char* via) {
  enum { N = 300, OFF = 100 };
  char name[120];
  uint32_t origin;
  TEEC_Session* s = caller_or_null ? caller_or_null : hello;
  uint32_t cmd = caller_or_null ? TA_CALLER_CMD_REVERSE : TA_HELLO_CMD_REVERSE;

  /* (a) TEEC_AllocateSharedMemory: whole blocks, then partial ones at an offset. */
  TEEC_SharedMemory in = {.size = N, .flags = TEEC_MEM_INPUT};
  TEEC_SharedMemory out = {.size = N + OFF, .flags = TEEC_MEM_OUTPUT};
  TEEC_Result r = TEEC_AllocateSharedMemory(&ctx, &in);
  TEEC_Result r2 = TEEC_AllocateSharedMemory(&ctx, &out);
  snprintf(name, sizeof name, "%s: AllocateSharedMemory", via);
  if (check(name, r == TEEC_SUCCESS && r2 == TEEC_SUCCESS, "0x%08x 0x%08x", r, r2)) {
    fill(in.buffer, N);
    memset(out.buffer, 0, N + OFF);
    TEEC_Operation op;
    memset(&op, 0, sizeof op);
    op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_WHOLE, TEEC_MEMREF_WHOLE, TEEC_NONE, TEEC_NONE);
    op.params[0].memref.parent = &in;
    op.params[1].memref.parent = &out;
    r = reverse_op(s, cmd, &op, &origin);
    snprintf(name, sizeof name, "%s: REVERSE, MEMREF_WHOLE", via);
    check(name, r == TEEC_SUCCESS && op.params[1].memref.size == N && reversed(in.buffer, out.buffer, N),
          "0x%08x origin %u size %zu", r, origin, op.params[1].memref.size);

    memset(&op, 0, sizeof op);
    memset(out.buffer, 0, N + OFF);
    op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_INPUT, TEEC_MEMREF_PARTIAL_OUTPUT, TEEC_NONE, TEEC_NONE);
    op.params[0].memref = (TEEC_RegisteredMemoryReference){.parent = &in, .size = N - OFF, .offset = OFF};
    op.params[1].memref = (TEEC_RegisteredMemoryReference){.parent = &out, .size = N, .offset = OFF};
    r = reverse_op(s, cmd, &op, &origin);
    const uint8_t* o = out.buffer;
    snprintf(name, sizeof name, "%s: REVERSE, MEMREF_PARTIAL at offset %d", via, OFF);
    check(name,
          r == TEEC_SUCCESS && op.params[1].memref.size == N - OFF &&
              reversed((uint8_t*)in.buffer + OFF, o + OFF, N - OFF) && o[OFF - 1] == 0 && o[N] == 0,
          "0x%08x origin %u size %zu", r, origin, op.params[1].memref.size);

    /* SHORT_BUFFER: 16 bytes of room for N: the TA says how many it needs. */
    memset(&op, 0, sizeof op);
    op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_WHOLE, TEEC_MEMREF_PARTIAL_OUTPUT, TEEC_NONE, TEEC_NONE);
    op.params[0].memref.parent = &in;
    op.params[1].memref = (TEEC_RegisteredMemoryReference){.parent = &out, .size = 16, .offset = 0};
    r = reverse_op(s, cmd, &op, &origin);
    snprintf(name, sizeof name, "%s: REVERSE into 16 bytes -> SHORT_BUFFER and the size needed", via);
    check(name, r == TEEC_ERROR_SHORT_BUFFER && op.params[1].memref.size == N, "0x%08x origin %u size %zu", r,
          origin, op.params[1].memref.size);
  }
  if (in.buffer) TEEC_ReleaseSharedMemory(&in);
  if (out.buffer) TEEC_ReleaseSharedMemory(&out);

  /* (b) TEEC_RegisterSharedMemory over malloc'd pages, off page alignment:
     Linux pins and shares whatever (scattered) pages back them. */
  const size_t big = 3 * 4096 + 123;
  uint8_t* raw_in = malloc(big + 64);
  uint8_t* raw_out = malloc(big + 64);
  TEEC_SharedMemory rin = {.buffer = raw_in + 5, .size = big, .flags = TEEC_MEM_INPUT};
  TEEC_SharedMemory rout = {.buffer = raw_out + 11, .size = big, .flags = TEEC_MEM_OUTPUT};
  fill(rin.buffer, big);
  memset(rout.buffer, 0, big);
  const TEEC_Result reg_in = TEEC_RegisterSharedMemory(&ctx, &rin);
  const TEEC_Result reg_out = TEEC_RegisterSharedMemory(&ctx, &rout);
  snprintf(name, sizeof name, "%s: RegisterSharedMemory (malloc, %zu bytes, unaligned)", via, big);
  if (check(name, reg_in == TEEC_SUCCESS && reg_out == TEEC_SUCCESS, "0x%08x 0x%08x", reg_in, reg_out)) {
    TEEC_Operation op;
    memset(&op, 0, sizeof op);
    op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_WHOLE, TEEC_MEMREF_WHOLE, TEEC_NONE, TEEC_NONE);
    op.params[0].memref.parent = &rin;
    op.params[1].memref.parent = &rout;
    r = reverse_op(s, cmd, &op, &origin);
    snprintf(name, sizeof name, "%s: REVERSE, registered memory", via);
    check(name, r == TEEC_SUCCESS && op.params[1].memref.size == big && reversed(rin.buffer, rout.buffer, big),
          "0x%08x origin %u size %zu", r, origin, op.params[1].memref.size);
  }
  if (reg_in == TEEC_SUCCESS) TEEC_ReleaseSharedMemory(&rin);
  if (reg_out == TEEC_SUCCESS) TEEC_ReleaseSharedMemory(&rout);

  /* (c) Temporary memory references: the library shares them per call. */
  TEEC_Operation op;
  memset(&op, 0, sizeof op);
  memset(raw_out, 0, big);
  op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE, TEEC_NONE);
  op.params[0].tmpref = (TEEC_TempMemoryReference){raw_in + 1, 5000};
  op.params[1].tmpref = (TEEC_TempMemoryReference){raw_out + 3, 6000};
  r = reverse_op(s, cmd, &op, &origin);
  snprintf(name, sizeof name, "%s: REVERSE, TempMemoryReference", via);
  check(name, r == TEEC_SUCCESS && op.params[1].tmpref.size == 5000 && reversed(raw_in + 1, raw_out + 3, 5000),
        "0x%08x origin %u size %zu", r, origin, op.params[1].tmpref.size);
  op.params[1].tmpref.size = 100;
  r = reverse_op(s, cmd, &op, &origin);
  snprintf(name, sizeof name, "%s: TempMemoryReference too small -> SHORT_BUFFER and the size needed", via);
  check(name, r == TEEC_ERROR_SHORT_BUFFER && op.params[1].tmpref.size == 5000, "0x%08x origin %u size %zu", r,
        origin, op.params[1].tmpref.size);
  free(raw_in);
  free(raw_out);
}

static void caller_tests(TEEC_Session* hello) {
  TEEC_Session caller;
  uint32_t origin, a, b;
  TEEC_Result r = open_session(&caller, &uuid_caller, &origin);
  if (!check("caller: OpenSession", r == TEEC_SUCCESS, "0x%08x origin %u", r, origin)) return;
  a = 5;
  r = value_cmd(&caller, TA_CALLER_CMD_INC_TWICE, TEEC_VALUE_INOUT, &a, NULL, &origin);
  check("caller: INC_TWICE 5 -> 7 through hello", r == TEEC_SUCCESS && a == 7, "0x%08x origin %u a=%u", r, origin,
        a);
  memref_tests(hello, &caller, "caller");
  a = b = 0;
  r = value_cmd(&caller, TA_CALLER_CMD_OPEN_MISSING, TEEC_VALUE_OUTPUT, &a, &b, &origin);
  check("caller: OPEN_MISSING -> ITEM_NOT_FOUND from the TEE", r == TEEC_SUCCESS && a == 0xFFFF0008 && b == 3,
        "0x%08x a=0x%08x b=%u", r, a, b);
  TEEC_CloseSession(&caller);
}

static void hostile_tests(TEEC_Session* hello) {
  TEEC_Session h1, h2, h3;
  uint32_t origin, a = 0;
  TEEC_Result r = open_session(&h1, &uuid_hostile, &origin);
  TEEC_Result r2 = open_session(&h2, &uuid_hostile, &origin);
  if (!check("hostile: two sessions (two instances)", r == TEEC_SUCCESS && r2 == TEEC_SUCCESS, "0x%08x 0x%08x", r,
             r2))
    return;
  r = value_cmd(&h1, TA_HOSTILE_CMD_READ_TOS, TEEC_NONE, &a, NULL, &origin);
  check("hostile: READ_TOS -> TARGET_DEAD from the TEE", r == TEEC_ERROR_TARGET_DEAD && origin == TEEC_ORIGIN_TEE,
        "0x%08x origin %u", r, origin);
  r = value_cmd(&h1, TA_HOSTILE_CMD_NOP, TEEC_NONE, &a, NULL, &origin);
  check("hostile: the dead session stays TARGET_DEAD", r == TEEC_ERROR_TARGET_DEAD && origin == TEEC_ORIGIN_TEE,
        "0x%08x origin %u", r, origin);
  r = value_cmd(&h2, TA_HOSTILE_CMD_NOP, TEEC_NONE, &a, NULL, &origin);
  check("hostile: the other instance still answers NOP", r == TEEC_SUCCESS, "0x%08x origin %u", r, origin);
  r = value_cmd(&h2, TA_HOSTILE_CMD_PANIC, TEEC_NONE, &a, NULL, &origin);
  check("hostile: TEE_Panic -> TARGET_DEAD from the TEE", r == TEEC_ERROR_TARGET_DEAD && origin == TEEC_ORIGIN_TEE,
        "0x%08x origin %u", r, origin);
  a = 1;
  r = value_cmd(hello, TA_HELLO_CMD_INC_VALUE, TEEC_VALUE_INOUT, &a, NULL, &origin);
  check("hostile: the hello session still works", r == TEEC_SUCCESS && a == 2, "0x%08x a=%u", r, a);
  TEEC_CloseSession(&h1);
  TEEC_CloseSession(&h2);
  /* Closing the dead ones freed their slots: a new instance opens and runs. */
  const TEEC_Result opened = open_session(&h3, &uuid_hostile, &origin);
  r = opened;
  if (opened == TEEC_SUCCESS) r = value_cmd(&h3, TA_HOSTILE_CMD_NOP, TEEC_NONE, &a, NULL, &origin);
  check("hostile: CloseSession of dead sessions, then a fresh instance", r == TEEC_SUCCESS, "0x%08x origin %u", r,
        origin);
  if (opened == TEEC_SUCCESS) TEEC_CloseSession(&h3);
}

/* Cancellation: a wait forever in one thread, TEEC_RequestCancellation
   from another. The GP spec has the client set op.started = 0 first. */
struct waiter {
  TEEC_Session* s;
  TEEC_Operation op;
  TEEC_Result r;
  uint32_t origin;
  volatile int done;
};

static void* wait_forever(void* arg) {
  struct waiter* w = arg;
  w->r = TEEC_InvokeCommand(w->s, TA_HELLO_CMD_WAIT, &w->op, &w->origin);
  w->done = 1;
  return NULL;
}

static void cancel_tests(TEEC_Session* hello) {
  uint32_t origin, a = 20;
  TEEC_Result r = value_cmd(hello, TA_HELLO_CMD_WAIT, TEEC_VALUE_INPUT, &a, NULL, &origin);
  check("cancel: TEE_Wait(20 ms) returns 0", r == TEEC_SUCCESS, "0x%08x origin %u", r, origin);

  static struct waiter w;
  memset(&w, 0, sizeof w);
  w.s = hello;
  w.op.started = 0;
  w.op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
  w.op.params[0].value.a = 0xFFFFFFFF; /* TEE_TIMEOUT_INFINITE */
  pthread_t t;
  if (pthread_create(&t, NULL, wait_forever, &w) != 0) {
    check("cancel: RequestCancellation ends a wait forever", 0, "pthread_create failed");
    return;
  }
  /* A request that reaches the TEE before the invoke does is lost, as in
     OP-TEE: repeat it every 100 ms, for at most 5 s. */
  int tries = 0;
  while (!w.done && tries < 50) {
    usleep(100 * 1000);
    if (!w.done) {
      TEEC_RequestCancellation(&w.op);
      ++tries;
    }
  }
  if (!w.done) {
    /* The invoke cannot be abandoned: report, and end here. */
    check("cancel: RequestCancellation ends a wait forever", 0, "no answer after %d requests over 5 s", tries);
    printf("%d passed, %d failed\n", passed, failed);
    fflush(stdout);
    _exit(1);
  }
  pthread_join(t, NULL);
  check("cancel: RequestCancellation ends a wait forever", w.r == TEEC_ERROR_CANCEL,
        "0x%08x origin %u after %d requests", w.r, w.origin, tries);
  printf("# cancel: the wait ended after %d request(s), origin %u\n", tries, w.origin);
  a = 7;
  r = value_cmd(hello, TA_HELLO_CMD_INC_VALUE, TEEC_VALUE_INOUT, &a, NULL, &origin);
  check("cancel: the session works afterwards", r == TEEC_SUCCESS && a == 8, "0x%08x a=%u", r, a);
}

static inline uint64_t ticks(void) {
  uint64_t v;
  __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v)::"memory");
  return v;
}

static int cmp_u64(const void* a, const void* b) {
  uint64_t x = *(const uint64_t*)a, y = *(const uint64_t*)b;
  return x < y ? -1 : x > y;
}

static void latency(TEEC_Session* hello) {
  enum { RUNS = 200 };
  static uint64_t t[RUNS];
  uint64_t freq;
  __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
  uint32_t origin, bad = 0;
  for (int i = 0; i < RUNS; ++i) {
    uint32_t a = (uint32_t)i;
    uint64_t t0 = ticks();
    TEEC_Result r = value_cmd(hello, TA_HELLO_CMD_INC_VALUE, TEEC_VALUE_INOUT, &a, NULL, &origin);
    t[i] = ticks() - t0;
    if (r != TEEC_SUCCESS || a != (uint32_t)i + 1) ++bad;
  }
  qsort(t, RUNS, sizeof t[0], cmp_u64);
  check("latency: 200 INC_VALUE invocations", bad == 0, "%u wrong answers", bad);
  printf("bench teec_invoke_latency_ticks %llu freq_hz %llu min %llu max %llu\n", (unsigned long long)t[RUNS / 2],
         (unsigned long long)freq, (unsigned long long)t[0], (unsigned long long)t[RUNS - 1]);
}

/* Two clients' calls into the single hello instance at once: the second
 * waits in the normal world (OP-TEE's wait queue, OPTEE_RPC_CMD_NOTIFICATION)
 * until the first is over, instead of being refused BUSY. */
struct concurrent {
  TEEC_Session s;
  TEEC_Result r;
  uint32_t origin;
};
static void* wait_300ms(void* arg) {
  struct concurrent* c = arg;
  TEEC_Operation op;
  memset(&op, 0, sizeof op);
  op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
  op.params[0].value.a = 300;
  c->r = TEEC_InvokeCommand(&c->s, TA_HELLO_CMD_WAIT, &op, &c->origin);
  return NULL;
}
static void concurrency_tests(void) {
  struct concurrent c[2];
  pthread_t t[2];
  int opened = 0;
  for (int i = 0; i < 2; ++i) opened += open_session(&c[i].s, &uuid_hello, &c[i].origin) == TEEC_SUCCESS;
  if (!check("concurrent: two sessions", opened == 2, "%d opened", opened)) return;
  const uint64_t t0 = (uint64_t)time(NULL);
  for (int i = 0; i < 2; ++i) pthread_create(&t[i], NULL, wait_300ms, &c[i]);
  for (int i = 0; i < 2; ++i) pthread_join(t[i], NULL);
  check("concurrent: both calls into the one instance finish (the second waits)",
        c[0].r == TEEC_SUCCESS && c[1].r == TEEC_SUCCESS, "0x%08x/%u 0x%08x/%u (%llu s)", c[0].r, c[0].origin,
        c[1].r, c[1].origin, (unsigned long long)((uint64_t)time(NULL) - t0));
  for (int i = 0; i < 2; ++i) TEEC_CloseSession(&c[i].s);
}

/* A storage command: the object ID and data as temporary references. */
static TEEC_Result storage_cmd(TEEC_Session* s, uint32_t cmd, const char* id, const char* data, char* out,
                               size_t* out_len, uint32_t at, uint32_t* origin) {
  TEEC_Operation op;
  memset(&op, 0, sizeof op);
  uint32_t t1 = TEEC_NONE, t2 = TEEC_NONE;
  op.params[0].tmpref.buffer = (void*)id;
  op.params[0].tmpref.size = strlen(id);
  if (cmd == TA_STORAGE_CMD_READ) {
    t1 = TEEC_MEMREF_TEMP_OUTPUT;
    op.params[1].tmpref.buffer = out;
    op.params[1].tmpref.size = *out_len;
  } else if (cmd != TA_STORAGE_CMD_DELETE) {
    t1 = TEEC_MEMREF_TEMP_INPUT;
    op.params[1].tmpref.buffer = (void*)data;
    op.params[1].tmpref.size = strlen(data);
  }
  if (cmd == TA_STORAGE_CMD_WRITE_AT) {
    t2 = TEEC_VALUE_INPUT;
    op.params[2].value.a = at;
  }
  op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, t1, t2, TEEC_NONE);
  TEEC_Result r = TEEC_InvokeCommand(s, cmd, &op, origin);
  if (out_len) *out_len = op.params[1].tmpref.size;
  return r;
}

/* Counts the files under `dir` (two levels: TA, object) and how many
 * contain `needle`. */
static void scan_for(const char* dir, const char* needle, int* files, int* hits) {
  DIR* d = opendir(dir);
  struct dirent* e;
  while (d && (e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    struct stat st;
    if (stat(path, &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      scan_for(path, needle, files, hits);
      continue;
    }
    ++*files;
    FILE* f = fopen(path, "rb");
    char buf[8192];
    size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f) fclose(f);
    for (size_t i = 0; i + strlen(needle) <= n; ++i)
      if (!memcmp(buf + i, needle, strlen(needle))) {
        ++*hits;
        break;
      }
  }
  if (d) closedir(d);
}

/* Persistent objects: sealed by the trusted OS, stored by Debian's
 * tee-supplicant under /var/lib/optee-client/data/tee. */
static void storage_tests(void) {
  TEEC_Session s;
  uint32_t origin = 0;
  TEEC_Result r = open_session(&s, &uuid_storage, &origin);
  if (!check("storage: OpenSession", r == TEEC_SUCCESS, "0x%08x origin %u", r, origin)) return;
  char out[64];
  size_t n = sizeof out;
  r = storage_cmd(&s, TA_STORAGE_CMD_WRITE, "linux-object", "kept by tee-supplicant", NULL, NULL, 0, &origin);
  check("storage: WRITE an object", r == TEEC_SUCCESS, "0x%08x origin %u", r, origin);
  r = storage_cmd(&s, TA_STORAGE_CMD_READ, "linux-object", NULL, out, &n, 0, &origin);
  check("storage: READ it back", r == TEEC_SUCCESS && n == 22 && !memcmp(out, "kept by tee-supplicant", 22),
        "0x%08x origin %u n=%zu", r, origin, n);
  r = storage_cmd(&s, TA_STORAGE_CMD_WRITE_AT, "linux-object", "TEE-SUPPLICANT", NULL, NULL, 8, &origin);
  n = sizeof out;
  TEEC_Result r2 = storage_cmd(&s, TA_STORAGE_CMD_READ, "linux-object", NULL, out, &n, 0, &origin);
  check("storage: open, seek, write, read", r == TEEC_SUCCESS && r2 == TEEC_SUCCESS && n == 22 &&
        !memcmp(out, "kept by TEE-SUPPLICANT", 22), "0x%08x 0x%08x n=%zu", r, r2, n);
  r = storage_cmd(&s, TA_STORAGE_CMD_CREATE, "linux-object", "again", NULL, NULL, 0, &origin);
  check("storage: CREATE of an existing object -> ACCESS_CONFLICT", r == 0xFFFF0003, "0x%08x origin %u", r, origin);
  n = 4;
  r = storage_cmd(&s, TA_STORAGE_CMD_READ, "linux-object", NULL, out, &n, 0, &origin);
  check("storage: READ into 4 bytes -> SHORT_BUFFER and the size", r == TEEC_ERROR_SHORT_BUFFER && n == 22,
        "0x%08x n=%zu", r, n);
  /* The file tee-supplicant holds is sealed: no plaintext in it. */
  int files = 0, plain = 0;
  /* Debian builds tee-supplicant with its file system under /var/lib. */
  scan_for("/var/lib/optee-client/data/tee/tessera", "kept", &files, &plain);
  check("storage: tee-supplicant's file holds no plaintext", files >= 1 && plain == 0, "%d file(s), %d with plaintext",
        files, plain);
  TEEC_CloseSession(&s);
  /* Another session sees the same object. */
  r = open_session(&s, &uuid_storage, &origin);
  n = sizeof out;
  r2 = r == TEEC_SUCCESS ? storage_cmd(&s, TA_STORAGE_CMD_READ, "linux-object", NULL, out, &n, 0, &origin) : r;
  check("storage: a new session reads it", r2 == TEEC_SUCCESS && n == 22, "0x%08x 0x%08x", r, r2);
  r = storage_cmd(&s, TA_STORAGE_CMD_DELETE, "linux-object", NULL, NULL, NULL, 0, &origin);
  n = sizeof out;
  r2 = storage_cmd(&s, TA_STORAGE_CMD_READ, "linux-object", NULL, out, &n, 0, &origin);
  check("storage: DELETE, then READ -> ITEM_NOT_FOUND", r == TEEC_SUCCESS && r2 == TEEC_ERROR_ITEM_NOT_FOUND,
        "0x%08x 0x%08x", r, r2);
  TEEC_CloseSession(&s);
}

/* Two clients at once, each with its own session to the (single-instance)
 * storage TA and its own object, 10 writes and reads each: one call waits
 * for the other in the normal world (OP-TEE's wait queue), and sessions
 * opened at the same moment stay apart (the trusted OS once gave both the
 * same session when the first open was interrupted while the instance was
 * being created). */
struct storer {
  int index;
  int right;
  TEEC_Result first_wrong;  /* the first failure: write's result, or read's */
  int wrong_at;             /* ... in this round, 100 + round when the read failed */
  uint32_t wrong_origin;
};
static void* store_ten(void* arg) {
  struct storer* st = arg;
  TEEC_Session s;
  uint32_t origin = 0;
  if (open_session(&s, &uuid_storage, &origin) != TEEC_SUCCESS) return NULL;
  char id[32], data[32], out[64];
  snprintf(id, sizeof id, "concurrent-%d", st->index);
  for (int i = 0; i < 10; ++i) {
    snprintf(data, sizeof data, "client %d round %d", st->index, i);
    size_t n = sizeof out;
    TEEC_Result r = storage_cmd(&s, TA_STORAGE_CMD_WRITE, id, data, NULL, NULL, 0, &origin);
    TEEC_Result r2 = r == TEEC_SUCCESS ? storage_cmd(&s, TA_STORAGE_CMD_READ, id, NULL, out, &n, 0, &origin) : r;
    if (r2 == TEEC_SUCCESS && n == strlen(data) && !memcmp(out, data, n)) {
      ++st->right;
    } else if (!st->first_wrong) {
      st->first_wrong = r2 ? r2 : 0xBAD;
      st->wrong_at = r == TEEC_SUCCESS ? 100 + i : i;
      st->wrong_origin = origin;
    }
  }
  storage_cmd(&s, TA_STORAGE_CMD_DELETE, id, NULL, NULL, NULL, 0, &origin);
  TEEC_CloseSession(&s);
  return NULL;
}
static void concurrent_storage_tests(void) {
  struct storer st[2] = {{0, 0, 0, 0, 0}, {1, 0, 0, 0, 0}};
  pthread_t t[2];
  for (int i = 0; i < 2; ++i) pthread_create(&t[i], NULL, store_ten, &st[i]);
  for (int i = 0; i < 2; ++i) pthread_join(t[i], NULL);
  check("storage: two clients at once, 10 writes and reads each",
        st[0].right == 10 && st[1].right == 10, "%d and %d right, first wrong 0x%08x at %d origin %u, 0x%08x at %d origin %u",
        st[0].right, st[1].right, st[0].first_wrong, st[0].wrong_at, st[0].wrong_origin, st[1].first_wrong,
        st[1].wrong_at, st[1].wrong_origin);
}

/* TAs the TA store lacks, which tee-supplicant loads from /lib/optee_armtz
 * for the trusted OS: a signed one runs; one changed after signing, and a
 * signed one under another TA's UUID, are refused as TEE_ERROR_SECURITY. */
static void loaded_ta_tests(void) {
  static const TEEC_UUID loaded = {0x1a5b0c8e, 0x7d2f, 0x4c61, {0x9e, 0x3a, 0x5f, 0x0d, 0x8b, 0x2c, 0x4a, 0x71}};
  static const TEEC_UUID tampered = {0x2b6c1d9f, 0x8e30, 0x4d72, {0xaf, 0x4b, 0x60, 0xe1, 0x9c, 0x3d, 0x5b, 0x82}};
  static const TEEC_UUID misnamed = {0x3c7d2e0a, 0x9f41, 0x4e83, {0xb0, 0x5c, 0x71, 0xf2, 0xad, 0x4e, 0x6c, 0x93}};
  TEEC_Session s;
  uint32_t origin = 0, a = 9, b = 0;
  TEEC_Result r = open_session(&s, &loaded, &origin);
  if (check("loaded TA: OpenSession loads it through tee-supplicant", r == TEEC_SUCCESS, "0x%08x origin %u", r,
            origin)) {
    r = value_cmd(&s, TA_HELLO_CMD_INC_VALUE, TEEC_VALUE_INOUT, &a, &b, &origin);
    check("loaded TA: INC_VALUE 9 -> 10", r == TEEC_SUCCESS && a == 10, "0x%08x a=%u", r, a);
    TEEC_CloseSession(&s);
  }
  r = open_session(&s, &tampered, &origin);
  check("loaded TA: changed after signing -> SECURITY from the TEE", r == 0xFFFF000F && origin == TEEC_ORIGIN_TEE,
        "0x%08x origin %u", r, origin);
  if (r == TEEC_SUCCESS) TEEC_CloseSession(&s);
  r = open_session(&s, &misnamed, &origin);
  check("loaded TA: another TA's file under this UUID -> SECURITY", r == 0xFFFF000F && origin == TEEC_ORIGIN_TEE,
        "0x%08x origin %u", r, origin);
  if (r == TEEC_SUCCESS) TEEC_CloseSession(&s);
}

/* SHA-256("abc") by the crypto TA through memory references: the TA's
 * result, and whether the digest is FIPS 180-4's. */
static TEEC_Result sha256_abc(TEEC_Session* s, uint32_t* origin, int* right) {
  static const uint8_t want[32] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
                                   0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
                                   0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
  uint8_t digest[32];
  TEEC_Operation op;
  memset(&op, 0, sizeof op);
  op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE, TEEC_NONE);
  op.params[0].tmpref.buffer = "abc";
  op.params[0].tmpref.size = 3;
  op.params[1].tmpref.buffer = digest;
  op.params[1].tmpref.size = sizeof digest;
  TEEC_Result r = TEEC_InvokeCommand(s, TA_CRYPTO_CMD_SHA256, &op, origin);
  *right = r == TEEC_SUCCESS && op.params[1].tmpref.size == 32 && !memcmp(digest, want, 32);
  return r;
}

/* The crypto TA: SHA-256("abc") (FIPS 180-4) through a memory reference. */
static void crypto_tests(void) {
  TEEC_Session s;
  uint32_t origin = 0;
  TEEC_Result r = open_session(&s, &uuid_crypto, &origin);
  if (!check("crypto: OpenSession", r == TEEC_SUCCESS, "0x%08x origin %u", r, origin)) return;
  int right = 0;
  r = sha256_abc(&s, &origin, &right);
  check("crypto: SHA-256(\"abc\")", right, "0x%08x origin %u", r, origin);
  TEEC_CloseSession(&s);
}

/* Four clients at once, each with its own sessions: hello's INC_VALUE (one
 * instance, many sessions: the calls take turns) and the crypto TA's
 * SHA-256 over a memory reference (an instance each), 40 rounds, each
 * answer checked. Sessions, shared memory and threads of the trusted OS
 * are all contended. */
struct mixer {
  int index;
  int right;
  TEEC_Result first_wrong;
};
static void* mix_forty(void* arg) {
  struct mixer* m = arg;
  TEEC_Session h, c;
  uint32_t origin = 0;
  if (open_session(&h, &uuid_hello, &origin) != TEEC_SUCCESS) return NULL;
  if (open_session(&c, &uuid_crypto, &origin) != TEEC_SUCCESS) {
    TEEC_CloseSession(&h);
    return NULL;
  }
  for (int i = 0; i < 40; ++i) {
    uint32_t v = 1000u * (uint32_t)m->index + (uint32_t)i;
    TEEC_Result r = value_cmd(&h, TA_HELLO_CMD_INC_VALUE, TEEC_VALUE_INOUT, &v, NULL, &origin);
    int digest_right = 0;
    TEEC_Result r2 = sha256_abc(&c, &origin, &digest_right);
    if (r == TEEC_SUCCESS && v == 1000u * (uint32_t)m->index + (uint32_t)i + 1 && digest_right)
      ++m->right;
    else if (!m->first_wrong)
      m->first_wrong = r ? r : r2 ? r2 : 0xBAD;
  }
  TEEC_CloseSession(&c);
  TEEC_CloseSession(&h);
  return NULL;
}
static void mixed_concurrency_tests(void) {
  struct mixer m[4];
  pthread_t t[4];
  for (int i = 0; i < 4; ++i) {
    m[i] = (struct mixer){i, 0, 0};
    pthread_create(&t[i], NULL, mix_forty, &m[i]);
  }
  for (int i = 0; i < 4; ++i) pthread_join(t[i], NULL);
  check("concurrent: four clients, 40 rounds of hello and SHA-256 each",
        m[0].right == 40 && m[1].right == 40 && m[2].right == 40 && m[3].right == 40,
        "%d %d %d %d right, first wrong 0x%08x 0x%08x 0x%08x 0x%08x", m[0].right, m[1].right, m[2].right, m[3].right,
        m[0].first_wrong, m[1].first_wrong, m[2].first_wrong, m[3].first_wrong);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  TEEC_Result r = TEEC_InitializeContext(NULL, &ctx);
  if (!check("InitializeContext", r == TEEC_SUCCESS, "0x%08x", r)) {
    printf("%d passed, %d failed\n", passed, failed);
    return 1;
  }
  TEEC_Session hello;
  hello_tests(&hello);
  memref_tests(&hello, NULL, "hello");
  caller_tests(&hello);
  hostile_tests(&hello);
  cancel_tests(&hello);
  concurrency_tests();
  storage_tests();
  concurrent_storage_tests();
  loaded_ta_tests();
  crypto_tests();
  mixed_concurrency_tests();
  latency(&hello);
  TEEC_CloseSession(&hello);
  TEEC_FinalizeContext(&ctx);
  check("FinalizeContext", 1, "");
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
