#include "sel1/core_lock.h"

namespace sel1::lock_detail {

constinit volatile uint32_t g_core_word = 0;
constinit volatile uint32_t g_tos_word = 0;
constinit volatile unsigned g_core_owner = 0;
constinit unsigned g_core_depth = 0;

}  // namespace sel1::lock_detail
