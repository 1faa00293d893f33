// World-tagged logging. Each image installs its console once at start; every
// line is prefixed with the world and exception level ("[EL3] ", "[S-EL1] ").
//
// Whole lines: a message is formatted into a line buffer on the caller's
// stack and handed to the console's write() in one call, under the
// console's lock, so that CPUs (and worlds sharing a UART) never mix their
// characters. A message longer than the buffer goes out in several pieces,
// each a line of its own with the prefix again ("[EL3] ... rest"); a
// '\n' inside a message starts a new line with the prefix. Every piece of
// one message is written under one hold of the lock.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lib/format.h"

namespace lib::log {

enum class Level : uint8_t { error = 0, warn = 1, info = 2, debug = 3 };

#ifndef TESSERA_LOG_LEVEL
#define TESSERA_LOG_LEVEL 2
#endif
inline constexpr Level kBuildLevel = static_cast<Level>(TESSERA_LOG_LEVEL);

// Characters in one piece of a line, prefix and "\r\n" included. The
// buffer lives on the caller's stack.
inline constexpr size_t kLineMax = 192;

// Where a world's lines go.
struct Console {
  // Writes `len` characters to the UART: one whole line (or one piece of
  // a line too long for the buffer), "\r\n" included.
  void (*write)(const char* chars, size_t len);
  // Serialises lines between the CPUs (and worlds) that share the UART:
  // lock() returns true when it took the lock, and unlock() must follow.
  // Either may be null (an image that prints from one CPU only).
  bool (*lock)();
  void (*unlock)();
};

// Installs the console (kept by address: a constinit object) and the tag
// that prefixes lines.
void init(const Console* console, const char* tag);

void vwrite(Level level, const char* fmt, const FmtArg* args, size_t nargs);

template <typename... Args>
void write(Level level, const char* fmt, Args... args) {
  if (level > kBuildLevel) return;
  const FmtArg list[] = {FmtArg(args)..., FmtArg(0u)};
  vwrite(level, fmt, list, sizeof...(Args));
}

template <typename... Args>
void error(const char* fmt, Args... args) { write(Level::error, fmt, args...); }
template <typename... Args>
void warn(const char* fmt, Args... args) { write(Level::warn, fmt, args...); }
template <typename... Args>
void info(const char* fmt, Args... args) { write(Level::info, fmt, args...); }
template <typename... Args>
void debug(const char* fmt, Args... args) { write(Level::debug, fmt, args...); }

}  // namespace lib::log
