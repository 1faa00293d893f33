// The harness's stand-in for tee-supplicant and Linux's RPC handling: it
// answers the trusted OS's RPCs (OPTEE_FFA_YIELDING_CALL_RETURN_RPC_CMD)
// for shared memory (FFA_MEM_SHARE of harness pages to the trusted OS)
// and for the REE FS, whose files it keeps in memory. Tests reach into the
// files to play the normal world's worst: corrupting, replaying and
// losing what the trusted OS stored.
#pragma once

#include <cstddef>
#include <cstdint>

namespace harness::supplicant {

// Answers the RPC whose request is at `rpc` (an optee_msg_arg with room for
// four parameters) in place.
void serve(volatile uint8_t* rpc);

struct File {
  bool used;
  char name[128];
  uint8_t data[4400];
  size_t len;
};
// The files, to look at and to tamper with.
File* files(unsigned& count);
File* find(const char* name_suffix);
// Misbehaviour for the next RPCs: answer SHM_ALLOC with a handle that was
// never shared with the trusted OS.
extern bool g_bogus_shm;
// How many RPCs were served, and shared buffers still out.
extern unsigned g_served, g_buffers_out;

}  // namespace harness::supplicant
