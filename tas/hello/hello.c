/* The hello TA: a counter and a few commands that exercise every kind of
 * parameter. Single instance: every session shares the counters. */
#include "ta/tee_internal_api.h"
#include "tas.h"

/* The build also makes this TA under another UUID, signed, for loading
 * from the normal world (cmake/firmware.cmake: hello_loaded). */
#ifndef HELLO_UUID
#define HELLO_UUID TA_HELLO_UUID
#endif
TA_PROPS(HELLO_UUID, TA_FLAG_SINGLE_INSTANCE | TA_FLAG_MULTI_SESSION);

static uint32_t invocations, sessions;

TEE_Result TA_CreateEntryPoint(void) { return TEE_SUCCESS; }
void TA_DestroyEntryPoint(void) {}

TEE_Result TA_OpenSessionEntryPoint(uint32_t types, TEE_Param params[4], void** ctx) {
  (void)params;
  if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE))
    return TEE_ERROR_BAD_PARAMETERS;
  ++sessions;
  *ctx = (void*)0;
  return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void* ctx) {
  (void)ctx;
  --sessions;
}

static TEE_Result reverse(uint32_t types, TEE_Param p[4]) {
  if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_INPUT, TEE_PARAM_TYPE_MEMREF_OUTPUT, TEE_PARAM_TYPE_NONE,
                               TEE_PARAM_TYPE_NONE))
    return TEE_ERROR_BAD_PARAMETERS;
  const size_t n = p[0].memref.size;
  if (p[1].memref.size < n) {
    p[1].memref.size = n; /* GP: the size the caller must provide */
    return TEE_ERROR_SHORT_BUFFER;
  }
  const uint8_t* in = p[0].memref.buffer;
  uint8_t* out = p[1].memref.buffer;
  /* Copy first: the client may rewrite its input while we work. */
  uint8_t* copy = TEE_Malloc(n, TEE_MALLOC_NO_FILL);
  if (!copy && n) return TEE_ERROR_OUT_OF_MEMORY;
  TEE_MemMove(copy, in, n);
  for (size_t i = 0; i < n; ++i) out[i] = copy[n - 1 - i];
  TEE_Free(copy);
  p[1].memref.size = n;
  return TEE_SUCCESS;
}

TEE_Result TA_InvokeCommandEntryPoint(void* ctx, uint32_t cmd, uint32_t types, TEE_Param p[4]) {
  (void)ctx;
  ++invocations;
  const uint32_t inout = TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INOUT, TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE,
                                         TEE_PARAM_TYPE_NONE);
  switch (cmd) {
    case TA_HELLO_CMD_INC_VALUE:
    case TA_HELLO_CMD_DEC_VALUE:
      if (types != inout) return TEE_ERROR_BAD_PARAMETERS;
      p[0].value.a += cmd == TA_HELLO_CMD_INC_VALUE ? 1 : (uint32_t)-1;
      return TEE_SUCCESS;
    case TA_HELLO_CMD_REVERSE:
      return reverse(types, p);
    case TA_HELLO_CMD_WAIT:
      if (TEE_PARAM_TYPE_GET(types, 0) != TEE_PARAM_TYPE_VALUE_INPUT) return TEE_ERROR_BAD_PARAMETERS;
      return TEE_Wait(p[0].value.a);
    case TA_HELLO_CMD_BRANCHY:
      if (types != inout) return TEE_ERROR_BAD_PARAMETERS;
      p[0].value.a = ta_branchy(p[0].value.a, p[0].value.b);
      return TEE_SUCCESS;
    case TA_HELLO_CMD_COUNT:
      if (TEE_PARAM_TYPE_GET(types, 0) != TEE_PARAM_TYPE_VALUE_OUTPUT) return TEE_ERROR_BAD_PARAMETERS;
      p[0].value.a = invocations;
      p[0].value.b = sessions;
      return TEE_SUCCESS;
    default:
      return TEE_ERROR_NOT_SUPPORTED;
  }
}
