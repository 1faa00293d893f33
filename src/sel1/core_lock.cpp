#include "sel1/core_lock.h"

namespace sel1::lock_detail {

constinit lib::ReentrantLock<Aarch64> g_core;
constinit volatile uint32_t g_tos_word = 0;

}  // namespace sel1::lock_detail
