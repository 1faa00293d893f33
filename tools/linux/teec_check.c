/*
 * A GlobalPlatform TEE Client API program, built against Debian's own OP-TEE
 * client (optee-client-dev 3.19, arm64) and run with its libteec1 and
 * tee-supplicant in the Linux normal world: it checks that the stack a
 * Linux user program uses reaches Tessera's trusted OS. Each step prints
 * one line for the system test.
 */
#include <stdio.h>
#include <string.h>
#include <tee_client_api.h>

int main(void) {
  TEEC_Context ctx;
  TEEC_Result r = TEEC_InitializeContext(NULL, &ctx);
  printf("teec-check: TEEC_InitializeContext -> 0x%08x\n", r);
  if (r != TEEC_SUCCESS) return 1;

  /* Shared memory the client library allocates and registers with the
     driver (FFA_MEM_SHARE to the trusted OS under FF-A). */
  TEEC_SharedMemory shm;
  memset(&shm, 0, sizeof shm);
  shm.size = 8192;
  shm.flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT;
  r = TEEC_AllocateSharedMemory(&ctx, &shm);
  printf("teec-check: TEEC_AllocateSharedMemory(8 KiB) -> 0x%08x\n", r);
  if (r == TEEC_SUCCESS) TEEC_ReleaseSharedMemory(&shm);

  /* A session to a Trusted Application: OP-TEE's hello-world example UUID. */
  const TEEC_UUID uuid = {0x8aaaf200, 0x2450, 0x11e4, {0xab, 0xe2, 0x00, 0x02, 0xa5, 0xd5, 0xc5, 0x1b}};
  TEEC_Session session;
  uint32_t origin = 0;
  r = TEEC_OpenSession(&ctx, &session, &uuid, TEEC_LOGIN_PUBLIC, NULL, NULL, &origin);
  printf("teec-check: TEEC_OpenSession(hello world TA) -> 0x%08x, origin %u\n", r, origin);
  if (r == TEEC_SUCCESS) TEEC_CloseSession(&session);

  TEEC_FinalizeContext(&ctx);
  printf("teec-check: done\n");
  return 0;
}
