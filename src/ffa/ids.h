// Strong types for identifiers that must never be mixed up.
#pragma once

#include <cstdint>

namespace ffa {

// A 16-bit FF-A endpoint ID. Secure endpoints have bit 15 set; normal-world
// VM IDs do not (the hypervisor, or a lone OS, is 0).
class EndpointId {
 public:
  constexpr EndpointId() = default;
  constexpr explicit EndpointId(uint16_t v) : v_(v) {}
  constexpr uint16_t raw() const { return v_; }
  constexpr bool is_secure() const { return (v_ & 0x8000u) != 0; }
  friend constexpr bool operator==(EndpointId a, EndpointId b) = default;

 private:
  uint16_t v_ = 0;
};

inline constexpr EndpointId kNormalWorldId{0x0000};
// The SPMD owns this ID (FF-A: "SPMD endpoint ID").
inline constexpr EndpointId kSpmdId{0xFFFF};

// w1 of direct messages and notifications: sender [31:16] | receiver [15:0].
struct EndpointPair {
  EndpointId sender;
  EndpointId receiver;
  static constexpr EndpointPair from_w1(uint64_t w1) {
    return EndpointPair{EndpointId(static_cast<uint16_t>(w1 >> 16)), EndpointId(static_cast<uint16_t>(w1))};
  }
  constexpr uint32_t w1() const { return (uint32_t{sender.raw()} << 16) | receiver.raw(); }
};

}  // namespace ffa
