// ARM PL011 UART, transmit only: enough for logs.
#pragma once

#include <cstdint>

namespace plat {

class Pl011 {
 public:
  explicit constexpr Pl011(uint64_t base) : base_(base) {}
  void putc(char c) const;

 private:
  uint64_t base_;
};

}  // namespace plat
