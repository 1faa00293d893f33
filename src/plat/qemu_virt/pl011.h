// ARM PL011 UART, transmit only: enough for logs.
#pragma once

#include <cstddef>
#include <cstdint>

namespace plat {

class Pl011 {
 public:
  explicit constexpr Pl011(uint64_t base) : base_(base) {}
  void putc(char c) const;
  // `len` characters, in order. Whole lines reach the UART together only if
  // the caller keeps other CPUs out meanwhile (lib/log.h's console lock).
  void write(const char* chars, size_t len) const;

 private:
  uint64_t base_;
};

}  // namespace plat
