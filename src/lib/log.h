// World-tagged logging. Each image installs its console once at start; every
// line is prefixed with the world and exception level ("[EL3] ", "[S-EL1] ").
#pragma once

#include "lib/format.h"

namespace lib::log {

enum class Level : uint8_t { error = 0, warn = 1, info = 2, debug = 3 };

#ifndef TESSERA_LOG_LEVEL
#define TESSERA_LOG_LEVEL 2
#endif
inline constexpr Level kBuildLevel = static_cast<Level>(TESSERA_LOG_LEVEL);

// Installs the console: `putc` writes one character, `tag` prefixes lines.
void init(void (*putc)(char), const char* tag);
void line_start(Level level);
void line_end();
void putc_raw(void* ctx, char c);

template <typename... Args>
void write(Level level, const char* fmt, Args... args) {
  if (level > kBuildLevel) return;
  line_start(level);
  format(&putc_raw, nullptr, fmt, args...);
  line_end();
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
