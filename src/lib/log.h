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
//
// Rate limits: a message that a less-trusted world can cause at will (a
// warning about what the normal world or a partition asked for) goes
// through warn_limited()/error_limited() with a RateLimit of its own, so a
// flood of them cannot fill the console. See RateLimit.
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
  // Milliseconds from any fixed point, for rate limits; null: rate
  // limits count messages instead of time (see RateLimit).
  uint64_t (*millis)();
};

// Installs the console (kept by address: a constinit object) and the tag
// that prefixes lines.
void init(const Console* console, const char* tag);

// How many messages of one kind may reach the console: `burst` per
// `interval_ms`, the rest only counted. The first message after the
// interval (or, without a clock, after kCountInterval suppressed ones) is
// shown with " (suppressed N similar)" at its end, and a new interval
// starts. The message that uses up the burst says so: " (rate limited:
// more are counted, not shown)".
//
// One RateLimit per call site (a static next to the call): "similar" means
// "from the same place", whatever the arguments, so that varying an
// address does not get past it. The state is only touched under the
// console's lock.
class RateLimit {
 public:
  static constexpr uint32_t kCountInterval = 256;
  static constexpr uint32_t kDefaultBurst = 5, kDefaultIntervalMs = 10000;
  constexpr RateLimit(uint32_t burst = kDefaultBurst, uint32_t interval_ms = kDefaultIntervalMs)
      : burst_x_(burst ^ kDefaultBurst), interval_x_(interval_ms ^ kDefaultIntervalMs) {}

  struct Verdict {
    bool show;            // print this one
    bool last_of_burst;   // ... and the ones after it will be counted
    uint32_t suppressed;  // ... after this many were counted, not shown
  };
  // One more message at `now_ms` (ignored when !have_clock).
  Verdict admit(uint64_t now_ms, bool have_clock);

 private:
  // The settings are stored XOR their defaults, so that a limit with the
  // defaults is all zeros and lives in .bss: the monitor has no other
  // initialised data, and a .data section would cost el3.bin the padding
  // up to its page-aligned start.
  uint32_t burst() const { return burst_x_ ^ kDefaultBurst; }
  uint32_t interval_ms() const { return interval_x_ ^ kDefaultIntervalMs; }
  uint32_t burst_x_;
  uint32_t interval_x_;
  bool started_ = false;
  uint32_t shown_ = 0;       // in this interval
  uint32_t suppressed_ = 0;  // since the last message shown
  uint64_t interval_start_ = 0;
};

void vwrite(Level level, const char* fmt, const FmtArg* args, size_t nargs);
void vwrite_limited(RateLimit& limit, Level level, const char* fmt, const FmtArg* args, size_t nargs);

template <typename... Args>
void write(Level level, const char* fmt, Args... args) {
  if (level > kBuildLevel) return;
  const FmtArg list[] = {FmtArg(args)..., FmtArg(0u)};
  vwrite(level, fmt, list, sizeof...(Args));
}

template <typename... Args>
void write_limited(RateLimit& limit, Level level, const char* fmt, Args... args) {
  if (level > kBuildLevel) return;
  const FmtArg list[] = {FmtArg(args)..., FmtArg(0u)};
  vwrite_limited(limit, level, fmt, list, sizeof...(Args));
}

// Errors and warnings are cold: a call site's branch is then the unlikely
// one, and the paths around it keep their registers and layout for the
// common case (the world switch and message paths carry many).
template <typename... Args>
[[gnu::cold]] void error(const char* fmt, Args... args) { write(Level::error, fmt, args...); }
template <typename... Args>
[[gnu::cold]] void warn(const char* fmt, Args... args) { write(Level::warn, fmt, args...); }
template <typename... Args>
void info(const char* fmt, Args... args) { write(Level::info, fmt, args...); }
template <typename... Args>
void debug(const char* fmt, Args... args) { write(Level::debug, fmt, args...); }

template <typename... Args>
[[gnu::cold]] void error_limited(RateLimit& limit, const char* fmt, Args... args) {
  write_limited(limit, Level::error, fmt, args...);
}
template <typename... Args>
[[gnu::cold]] void warn_limited(RateLimit& limit, const char* fmt, Args... args) {
  write_limited(limit, Level::warn, fmt, args...);
}

}  // namespace lib::log
