// FF-A v1.2 chapter 11 "Notifications": the register encodings, as types.
// FFA_NOTIFICATION_INFO_GET's answer packs lists of endpoint and vCPU IDs
// into registers; InfoGetList builds it and the client side reads it back.
#pragma once

#include <cstdint>

#include "ffa/ids.h"
#include "ffa/regs.h"

namespace ffa::notification {

inline constexpr unsigned kIds = 64;  // notification IDs 0..63

// FFA_NOTIFICATION_BIND w2 / FFA_NOTIFICATION_SET w2.
inline constexpr uint32_t kFlagPerVcpu = 1u << 0;
inline constexpr uint32_t kSetFlagDelaySri = 1u << 1;
inline constexpr unsigned kSetVcpuShift = 16;
// FFA_NOTIFICATION_GET w2: which bitmaps to read (and clear).
inline constexpr uint32_t kGetFromSp = 1u << 0;
inline constexpr uint32_t kGetFromVm = 1u << 1;
inline constexpr uint32_t kGetFromSpm = 1u << 2;
inline constexpr uint32_t kGetFromHypervisor = 1u << 3;
// Framework notifications (the SPM's bitmap, w6 of FFA_NOTIFICATION_GET).
inline constexpr uint32_t kFrameworkRxBufferFull = 1u << 0;
// FFA_FEATURES feature IDs (bit 31 clear).
inline constexpr uint32_t kFeatureNpi = 1, kFeatureSri = 2, kFeatureManagedExit = 3;

// The answer to FFA_NOTIFICATION_INFO_GET (Table 11.x): w2 bit 0 "more
// pending", [11:7] the number of lists, from bit 12 two bits per list (its
// ID count minus one); the IDs themselves, 16 bits each, from x3 (four per
// register for the SMC64 form, two per register for SMC32). A list is an
// endpoint ID followed by up to three vCPU IDs (none: global notifications).
class InfoGetList {
 public:
  explicit InfoGetList(bool is64) : max_ids_(is64 ? 20 : 10), ids_per_reg_(is64 ? 4 : 2) {}
  // Starts a list for `endpoint`; false when there is no room for it.
  bool begin(EndpointId endpoint) {
    if (lists_ == kMaxLists || ids_ >= max_ids_) return false;
    put(endpoint.raw());
    sizes_[lists_++] = 0;
    return true;
  }
  // Adds a vCPU ID to the current list; false when the list or the
  // registers are full (start another list for the same endpoint).
  bool add_vcpu(uint16_t vcpu) {
    if (lists_ == 0 || sizes_[lists_ - 1] == 3 || ids_ >= max_ids_) return false;
    put(vcpu);
    ++sizes_[lists_ - 1];
    return true;
  }
  // Room for a list of one endpoint and `vcpus` vCPU IDs?
  bool fits(unsigned vcpus) const { return lists_ < kMaxLists && ids_ + 1 + vcpus <= max_ids_; }
  unsigned lists() const { return lists_; }
  // The answer: FFA_SUCCESS_32/64 with w2 and the packed IDs.
  void write(Regs& out, bool is64, bool more_pending) const {
    uint64_t w2 = (more_pending ? 1u : 0u) | (uint64_t{lists_} << 7);
    for (unsigned i = 0; i < lists_; ++i) w2 |= uint64_t{sizes_[i]} << (12 + 2 * i);
    set_regs(out, raw(is64 ? Func::success_64 : Func::success_32), 0, w2, regs_[0], regs_[1], regs_[2], regs_[3],
             regs_[4]);
  }

 private:
  static constexpr unsigned kMaxLists = 20;
  void put(uint16_t id) {
    regs_[ids_ / ids_per_reg_] |= uint64_t{id} << (16 * (ids_ % ids_per_reg_));
    ++ids_;
  }
  unsigned max_ids_, ids_per_reg_;
  unsigned ids_ = 0, lists_ = 0;
  uint8_t sizes_[kMaxLists] = {};
  uint64_t regs_[5] = {};
};

}  // namespace ffa::notification
