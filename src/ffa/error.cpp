#include "ffa/error.h"

#include "ffa/func.h"

namespace ffa {

const char* to_string(Error e) {
  switch (e) {
    case Error::not_supported: return "NOT_SUPPORTED";
    case Error::invalid_parameters: return "INVALID_PARAMETERS";
    case Error::no_memory: return "NO_MEMORY";
    case Error::busy: return "BUSY";
    case Error::interrupted: return "INTERRUPTED";
    case Error::denied: return "DENIED";
    case Error::retry: return "RETRY";
    case Error::aborted: return "ABORTED";
    case Error::no_data: return "NO_DATA";
    case Error::not_ready: return "NOT_READY";
  }
  return "UNKNOWN_ERROR";
}

bool is_known(uint32_t fid) {
  if (!is_ffa_id(fid)) return false;
  uint32_t nn = fid & 0xFF;
  if (nn > 0x8E) return false;
  // IDs that exist only as 64-bit calls.
  if (nn == 0x8B || nn == 0x8D || nn == 0x8E) return is_smc64(fid);
  if (!is_smc64(fid)) return true;
  // IDs that have a 64-bit form.
  switch (nn) {
    case 0x61: case 0x66: case 0x6F: case 0x70: case 0x71: case 0x72: case 0x73: case 0x74:
    case 0x83: case 0x87: case 0x88: case 0x89: case 0x8A:
      return true;
    default:
      return false;
  }
}

}  // namespace ffa
