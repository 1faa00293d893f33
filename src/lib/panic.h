// Unrecoverable invariant violation inside trusted code: log and stop this
// CPU. Never used for bad input from a less-trusted world (that is an error
// value), only for states our own code must never reach.
#pragma once

namespace lib {
[[noreturn]] void panic(const char* why);
}  // namespace lib

#define TESSERA_ASSERT(cond) \
  do {                       \
    if (!(cond)) ::lib::panic("assertion failed: " #cond " at " __FILE__); \
  } while (0)
