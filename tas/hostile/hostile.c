/* The hostile TA: each command breaks a rule, so that tests can check the
 * trusted OS contains it. Multi-instance: each session has its own
 * instance, and only that instance dies. */
#include "ta/tee_internal_api.h"
#include "tas.h"

TA_PROPS(TA_HOSTILE_UUID, 0);

/* Where the trusted OS runs (plat/qemu_virt/memory_map.h): never mapped
 * in a TA's address space. */
#define TRUSTED_OS_BASE 0x0E100000u

/* Create, destroy, open and close session: the runtime's defaults. */

TEE_Result TA_InvokeCommandEntryPoint(void* ctx, uint32_t cmd, uint32_t types, TEE_Param p[4]) {
  (void)ctx;
  switch (cmd) {
    case TA_HOSTILE_CMD_READ_TOS:
      return *(volatile uint32_t*)(uintptr_t)TRUSTED_OS_BASE;
    case TA_HOSTILE_CMD_PANIC:
      TEE_Panic(0xBADC0DE);
    case TA_HOSTILE_CMD_OVERRUN:
      if (TEE_PARAM_TYPE_GET(types, 0) != TEE_PARAM_TYPE_MEMREF_OUTPUT) return TEE_ERROR_BAD_PARAMETERS;
      ((volatile uint8_t*)p[0].memref.buffer)[p[0].memref.size + 4096] = 0x5A;
      return TEE_SUCCESS;
    case TA_HOSTILE_CMD_WRITE_INPUT:
      if (TEE_PARAM_TYPE_GET(types, 0) != TEE_PARAM_TYPE_MEMREF_INPUT) return TEE_ERROR_BAD_PARAMETERS;
      ((volatile uint8_t*)p[0].memref.buffer)[0] = 0x5A;
      return TEE_SUCCESS;
    case TA_HOSTILE_CMD_CHECK_ACCESS:
      if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_OUTPUT, TEE_PARAM_TYPE_MEMREF_INPUT, TEE_PARAM_TYPE_NONE,
                                   TEE_PARAM_TYPE_NONE))
        return TEE_ERROR_BAD_PARAMETERS;
      p[0].value.a = TEE_CheckMemoryAccessRights(TEE_MEMORY_ACCESS_READ, (void*)(uintptr_t)TRUSTED_OS_BASE, 16);
      p[0].value.b = TEE_CheckMemoryAccessRights(TEE_MEMORY_ACCESS_READ | TEE_MEMORY_ACCESS_WRITE |
                                                     TEE_MEMORY_ACCESS_ANY_OWNER,
                                                 p[1].memref.buffer, p[1].memref.size);
      return TEE_SUCCESS;
    case TA_HOSTILE_CMD_NOP:
      return TEE_SUCCESS;
    case TA_HOSTILE_CMD_TPIDR: {
      /* EL0's thread ID register: what the last TA or partition on this
         CPU left there must never show, nor this one's reach the next. */
      if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_OUTPUT, TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE,
                                   TEE_PARAM_TYPE_NONE))
        return TEE_ERROR_BAD_PARAMETERS;
      uint64_t v;
      __asm__ volatile("mrs %0, tpidr_el0" : "=r"(v));
      __asm__ volatile("msr tpidr_el0, %0" ::"r"((uint64_t)0x5EC2E700));
      p[0].value.a = (uint32_t)v;
      return TEE_SUCCESS;
    }
    case TA_HOSTILE_CMD_PMU: {
      /* The performance monitors are the normal world's: even where the
         normal world let its own EL0 at them, a TA's access is UNDEFINED
         and the instance dies. */
      if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_OUTPUT, TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE,
                                   TEE_PARAM_TYPE_NONE))
        return TEE_ERROR_BAD_PARAMETERS;
      uint64_t pmcr;
      __asm__ volatile("mrs %0, pmcr_el0" : "=r"(pmcr));
      __asm__ volatile("msr pmcr_el0, %0" ::"r"(pmcr ^ 8));
      p[0].value.a = (uint32_t)pmcr;
      return TEE_SUCCESS;
    }
    default:
      return TEE_ERROR_NOT_SUPPORTED;
  }
}
