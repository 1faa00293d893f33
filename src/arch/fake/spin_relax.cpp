// The host's answer to a spinning CPU's YIELD (lib/bakery_lock.h): unit
// tests run more threads than the machine has cores, so a waiter gives
// its core to the thread that holds the lock.
#include <sched.h>

#include "lib/bakery_lock.h"

namespace lib {
void host_spin_relax() { sched_yield(); }
}  // namespace lib
