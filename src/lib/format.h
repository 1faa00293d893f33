// A small, allocation-free formatter: "{}" for decimal, "{:x}" for hex,
// "{:08x}" for zero-padded hex, "{:s}" not needed (strings print as-is).
// Output goes to a Sink (a function taking one character), so the same code
// prints to a UART in firmware and to a string buffer in host tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace lib {

using Sink = void (*)(void* ctx, char c);

struct FmtArg {
  enum class Kind : uint8_t { unsigned_int, signed_int, string, character };
  Kind kind;
  union {
    uint64_t u;
    int64_t i;
    const char* s;
  };

  template <typename T>
  constexpr FmtArg(T v) requires(std::is_integral_v<T> && std::is_unsigned_v<T> && !std::is_same_v<T, bool>)  // NOLINT
      : kind(Kind::unsigned_int), u(v) {}
  template <typename T>
  constexpr FmtArg(T v) requires(std::is_integral_v<T> && std::is_signed_v<T> && !std::is_same_v<T, char>)  // NOLINT
      : kind(Kind::signed_int), i(v) {}
  constexpr FmtArg(char c) : kind(Kind::character), u(static_cast<unsigned char>(c)) {}  // NOLINT
  constexpr FmtArg(bool b) : kind(Kind::string), s(b ? "true" : "false") {}  // NOLINT
  constexpr FmtArg(const char* str) : kind(Kind::string), s(str ? str : "(null)") {}  // NOLINT
  template <typename T>
  FmtArg(T* p) : kind(Kind::unsigned_int), u(reinterpret_cast<uintptr_t>(p)) {}  // NOLINT
  template <typename T>
  constexpr FmtArg(T e) requires(std::is_enum_v<T>)  // NOLINT
      : FmtArg(static_cast<std::underlying_type_t<T>>(e)) {}
};

// Formats `fmt` with `args` into `sink`. Unknown or surplus "{}" print "{?}".
void vformat(Sink sink, void* ctx, const char* fmt, const FmtArg* args, size_t nargs);

template <typename... Args>
void format(Sink sink, void* ctx, const char* fmt, Args... args) {
  const FmtArg list[] = {FmtArg(args)..., FmtArg(0u)};
  vformat(sink, ctx, fmt, list, sizeof...(Args));
}

// Formats into a fixed buffer, always NUL-terminated; returns the length
// that was written (truncated output is cut, never overflowed).
struct BufferSink {
  char* buf;
  size_t cap;
  size_t len;
  static void put(void* ctx, char c);
};

template <typename... Args>
size_t format_to(char* buf, size_t cap, const char* fmt, Args... args) {
  BufferSink s{buf, cap, 0};
  format(&BufferSink::put, &s, fmt, args...);
  if (cap) buf[s.len < cap ? s.len : cap - 1] = '\0';
  return s.len;
}

}  // namespace lib
