// The GP TEE Internal Core API calls that need the trusted OS: each is one
// system call (src/ta/ta_abi.h). Memory helpers are plain functions.
#include "lib/mem.h"
#include "ta/syscall.h"
#include "ta/tee_internal_api.h"

extern "C" {

void TEE_Panic(TEE_Result code) {
  ta_syscall(code, 0, 0, 0, TA_SYS_PANIC);
  for (;;) {
  }
}

void tessera_ta_log(const char* message) { ta_syscall(reinterpret_cast<uint64_t>(message), strlen(message), 0, 0, TA_SYS_LOG); }

static void get_time(uint64_t kind, TEE_Time* time) {
  uint64_t millis = 0;
  const uint64_t seconds = ta_syscall(kind, 0, 0, 0, TA_SYS_GET_TIME, &millis);
  time->seconds = static_cast<uint32_t>(seconds);
  time->millis = static_cast<uint32_t>(millis);
}
void TEE_GetSystemTime(TEE_Time* time) { get_time(0, time); }
void TEE_GetREETime(TEE_Time* time) { get_time(1, time); }

void TEE_GenerateRandom(void* buffer, size_t length) {
  if (ta_syscall(reinterpret_cast<uint64_t>(buffer), length, 0, 0, TA_SYS_RANDOM) != TEE_SUCCESS)
    TEE_Panic(TEE_ERROR_GENERIC);  // GP: no way to report it but a panic
}

TEE_Result TEE_CheckMemoryAccessRights(uint32_t flags, void* buffer, size_t size) {
  return static_cast<TEE_Result>(ta_syscall(flags, reinterpret_cast<uint64_t>(buffer), size, 0, TA_SYS_CHECK_ACCESS));
}

bool TEE_GetCancellationFlag(void) { return ta_syscall(0, 0, 0, 0, TA_SYS_CANCEL_FLAG) != 0; }
TEE_Result TEE_Wait(uint32_t timeout) { return static_cast<TEE_Result>(ta_syscall(timeout, 0, 0, 0, TA_SYS_WAIT)); }

void TEE_MemMove(void* dest, const void* src, size_t size) { memmove(dest, src, size); }
int32_t TEE_MemCompare(const void* a, const void* b, size_t size) {
  const int r = memcmp(a, b, size);
  return r < 0 ? -1 : r > 0 ? 1 : 0;
}
void TEE_MemFill(void* buffer, uint32_t x, size_t size) { memset(buffer, static_cast<int>(x), size); }

// TA-to-TA: parameters travel in our parameter page, as the trusted OS
// passes them to us; it maps our memory references into the callee.
static void put_params(uint32_t types, const TEE_Param* params) {
  ta_param_page& page = *ta::param_page();
  page.types = types;
  for (unsigned i = 0; i < 4; ++i) {
    const uint32_t t = TEE_PARAM_TYPE_GET(types, i);
    if (!params || t == TEE_PARAM_TYPE_NONE) {
      page.p[i].first = page.p[i].second = 0;
    } else if (t >= TEE_PARAM_TYPE_MEMREF_INPUT) {
      page.p[i].first = reinterpret_cast<uint64_t>(params[i].memref.buffer);
      page.p[i].second = params[i].memref.size;
    } else {
      page.p[i].first = params[i].value.a | uint64_t{params[i].value.b} << 32;
    }
  }
}
static void get_params(uint32_t types, TEE_Param* params) {
  const ta_param_page& page = *ta::param_page();
  for (unsigned i = 0; params && i < 4; ++i) {
    const uint32_t t = TEE_PARAM_TYPE_GET(types, i);
    if (t == TEE_PARAM_TYPE_VALUE_OUTPUT || t == TEE_PARAM_TYPE_VALUE_INOUT) {
      params[i].value.a = static_cast<uint32_t>(page.p[i].first);
      params[i].value.b = static_cast<uint32_t>(page.p[i].first >> 32);
    } else if (t == TEE_PARAM_TYPE_MEMREF_OUTPUT || t == TEE_PARAM_TYPE_MEMREF_INOUT) {
      params[i].memref.size = page.p[i].second;
    }
  }
}

TEE_Result TEE_OpenTASession(const TEE_UUID* destination, uint32_t, uint32_t types, TEE_Param params[4],
                             TEE_TASessionHandle* session, uint32_t* origin) {
  ta_param_page& page = *ta::param_page();
  put_params(types, params);
  uint8_t* u = page.uuid;
  const uint32_t tl = destination->timeLow;
  const uint8_t head[8] = {static_cast<uint8_t>(tl >> 24), static_cast<uint8_t>(tl >> 16), static_cast<uint8_t>(tl >> 8),
                           static_cast<uint8_t>(tl), static_cast<uint8_t>(destination->timeMid >> 8),
                           static_cast<uint8_t>(destination->timeMid),
                           static_cast<uint8_t>(destination->timeHiAndVersion >> 8),
                           static_cast<uint8_t>(destination->timeHiAndVersion)};
  memcpy(u, head, 8);
  memcpy(u + 8, destination->clockSeqAndNode, 8);
  uint64_t where = 0, handle = 0;
  const auto r = static_cast<TEE_Result>(ta_syscall(0, 0, 0, 0, TA_SYS_OPEN_TA, &where, &handle));
  if (origin) *origin = static_cast<uint32_t>(where);
  get_params(types, params);
  // The handle is the trusted OS's session number plus one: never null.
  *session = r == TEE_SUCCESS ? reinterpret_cast<TEE_TASessionHandle>(handle + 1) : nullptr;
  return r;
}

TEE_Result TEE_InvokeTACommand(TEE_TASessionHandle session, uint32_t, uint32_t command, uint32_t types,
                               TEE_Param params[4], uint32_t* origin) {
  put_params(types, params);
  uint64_t where = 0;
  const auto r = static_cast<TEE_Result>(
      ta_syscall(reinterpret_cast<uint64_t>(session) - 1, command, 0, 0, TA_SYS_INVOKE_TA, &where));
  if (origin) *origin = static_cast<uint32_t>(where);
  get_params(types, params);
  return r;
}

void TEE_CloseTASession(TEE_TASessionHandle session) {
  if (session) ta_syscall(reinterpret_cast<uint64_t>(session) - 1, 0, 0, 0, TA_SYS_CLOSE_TA);
}

}  // extern "C"
