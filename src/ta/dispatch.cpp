// The TA runtime's side of an entry (src/ta/ta_abi.h): reads the
// parameters the trusted OS left in the parameter page, calls the TA's GP
// entry point, and writes back what a client may see of the parameters.
// Session contexts are the runtime's: the trusted OS names a session by
// its slot and never sees the pointer.
#include "ta/syscall.h"
#include "ta/tee_internal_api.h"

namespace {
void* g_session_context[TA_MAX_SESSIONS];

void read_params(const ta_param_page& page, TEE_Param out[4]) {
  for (unsigned i = 0; i < 4; ++i) {
    const uint32_t type = TEE_PARAM_TYPE_GET(page.types, i);
    if (type >= TEE_PARAM_TYPE_MEMREF_INPUT) {
      out[i].memref.buffer = reinterpret_cast<void*>(page.p[i].first);
      out[i].memref.size = page.p[i].second;
    } else {
      out[i].value.a = static_cast<uint32_t>(page.p[i].first);
      out[i].value.b = static_cast<uint32_t>(page.p[i].first >> 32);
    }
  }
}

// Values the TA may have written (output, in-out) and every memref's
// size (a short buffer's needed size); the trusted OS decides which of
// them a client gets.
void write_params(ta_param_page& page, const TEE_Param in[4]) {
  for (unsigned i = 0; i < 4; ++i) {
    const uint32_t type = TEE_PARAM_TYPE_GET(page.types, i);
    if (type >= TEE_PARAM_TYPE_MEMREF_INPUT)
      page.p[i].second = in[i].memref.size;
    else
      page.p[i].first = in[i].value.a | uint64_t{in[i].value.b} << 32;
  }
}
}  // namespace

// GP's entry points a TA need not write when it has nothing to do there:
// weak defaults, which the TA's own definitions replace.
extern "C" {
[[gnu::weak]] TEE_Result TA_CreateEntryPoint(void) { return TEE_SUCCESS; }
[[gnu::weak]] void TA_DestroyEntryPoint(void) {}
[[gnu::weak]] TEE_Result TA_OpenSessionEntryPoint(uint32_t, TEE_Param*, void** ctx) {
  *ctx = nullptr;
  return TEE_SUCCESS;
}
[[gnu::weak]] void TA_CloseSessionEntryPoint(void*) {}
}

extern "C" uint32_t ta_dispatch(uint64_t op, uint64_t slot, uint64_t command) {
  ta_param_page& page = *ta::param_page();
  TEE_Param params[4];
  const uint32_t types = page.types;
  if (slot >= TA_MAX_SESSIONS) return TEE_ERROR_BAD_PARAMETERS;
  TEE_Result r = TEE_SUCCESS;
  switch (op) {
    case TA_OP_CREATE:
      return TA_CreateEntryPoint();
    case TA_OP_DESTROY:
      TA_DestroyEntryPoint();
      return TEE_SUCCESS;
    case TA_OP_OPEN_SESSION:
      read_params(page, params);
      g_session_context[slot] = nullptr;
      r = TA_OpenSessionEntryPoint(types, params, &g_session_context[slot]);
      break;
    case TA_OP_INVOKE:
      read_params(page, params);
      r = TA_InvokeCommandEntryPoint(g_session_context[slot], static_cast<uint32_t>(command), types, params);
      break;
    case TA_OP_CLOSE_SESSION:
      TA_CloseSessionEntryPoint(g_session_context[slot]);
      g_session_context[slot] = nullptr;
      return TEE_SUCCESS;
    default:
      return TEE_ERROR_NOT_SUPPORTED;
  }
  page.types = types;  // the TA may have used the page for calls of its own
  write_params(page, params);
  return r;
}
