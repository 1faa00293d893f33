/* The caller TA: a client of the hello TA through the GP TA-to-TA API. */
#include "ta/tee_internal_api.h"
#include "tas.h"

TA_PROPS(TA_CALLER_UUID, TA_FLAG_SINGLE_INSTANCE | TA_FLAG_MULTI_SESSION);

static const TEE_UUID hello_uuid = {0x8aaaf200, 0x2450, 0x11e4, {0xab, 0xe2, 0x00, 0x02, 0xa5, 0xd5, 0xc5, 0x1b}};
static const TEE_UUID missing_uuid = {0x00000000, 0x0000, 0x0000, {0, 0, 0, 0, 0, 0, 0, 0x42}};

/* Create, destroy, open and close session: the runtime's defaults. */

static TEE_Result with_hello(uint32_t cmd, uint32_t types, TEE_Param p[4], unsigned times) {
  TEE_TASessionHandle s;
  uint32_t origin;
  TEE_Result r = TEE_OpenTASession(&hello_uuid, TEE_TIMEOUT_INFINITE, 0, 0, &s, &origin);
  if (r != TEE_SUCCESS) return r;
  for (unsigned i = 0; i < times && r == TEE_SUCCESS; ++i)
    r = TEE_InvokeTACommand(s, TEE_TIMEOUT_INFINITE, cmd, types, p, &origin);
  TEE_CloseTASession(s);
  return r;
}

TEE_Result TA_InvokeCommandEntryPoint(void* ctx, uint32_t cmd, uint32_t types, TEE_Param p[4]) {
  (void)ctx;
  switch (cmd) {
    case TA_CALLER_CMD_INC_TWICE:
      return with_hello(TA_HELLO_CMD_INC_VALUE, types, p, 2);
    case TA_CALLER_CMD_REVERSE: {
      /* Through a buffer of our own: hello reads and writes our heap. */
      if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_INPUT, TEE_PARAM_TYPE_MEMREF_OUTPUT, TEE_PARAM_TYPE_NONE,
                                   TEE_PARAM_TYPE_NONE))
        return TEE_ERROR_BAD_PARAMETERS;
      const size_t n = p[0].memref.size;
      if (p[1].memref.size < n) {
        p[1].memref.size = n;
        return TEE_ERROR_SHORT_BUFFER;
      }
      uint8_t* in = TEE_Malloc(n + 1, TEE_MALLOC_FILL_ZERO);
      uint8_t* out = TEE_Malloc(n + 1, TEE_MALLOC_FILL_ZERO);
      if (!in || !out) return TEE_ERROR_OUT_OF_MEMORY;
      TEE_MemMove(in, p[0].memref.buffer, n);
      TEE_Param q[4];
      q[0].memref.buffer = in;
      q[0].memref.size = n;
      q[1].memref.buffer = out;
      q[1].memref.size = n;
      const TEE_Result r = with_hello(TA_HELLO_CMD_REVERSE, types, q, 1);
      if (r == TEE_SUCCESS) TEE_MemMove(p[1].memref.buffer, out, q[1].memref.size);
      p[1].memref.size = q[1].memref.size;
      TEE_Free(in);
      TEE_Free(out);
      return r;
    }
    case TA_CALLER_CMD_OPEN_MISSING: {
      if (TEE_PARAM_TYPE_GET(types, 0) != TEE_PARAM_TYPE_VALUE_OUTPUT) return TEE_ERROR_BAD_PARAMETERS;
      TEE_TASessionHandle s;
      uint32_t origin = 0;
      p[0].value.a = TEE_OpenTASession(&missing_uuid, TEE_TIMEOUT_INFINITE, 0, 0, &s, &origin);
      p[0].value.b = origin;
      return TEE_SUCCESS;
    }
    default:
      return TEE_ERROR_NOT_SUPPORTED;
  }
}
