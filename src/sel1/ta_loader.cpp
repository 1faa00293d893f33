// Trusted Applications from the normal world: a TA the TA store does not
// have is asked of tee-supplicant (OPTEE_RPC_CMD_LOAD_TA, which reads
// /lib/optee_armtz/<UUID>.ta), copied into secure memory, and used only if
// its RSA-2048 signature (tools/sign_ta.py) verifies against the public key
// built into this image and it is the TA that was asked for. Loaded TAs
// stay for the boot, after the TA store in its area.
#include "lib/crypto/rsa.h"
#include "lib/crypto/sha256.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "plat/qemu_virt/memory_map.h"
#include "sel1/ta_host.h"
#include "ta/tee_internal_api.h"
#include "ta_signing_key.h"  // generated: kTaSigningModulus, kTaSigningExponent

namespace sel1 {
namespace {
constexpr uint32_t kSignedMagic = 0x41545354;  // "TSTA"
constexpr uint32_t kSignedHeader = 16;
constexpr uint32_t kLoadTa = 0;  // OPTEE_RPC_CMD_LOAD_TA
constexpr uint64_t kPage = 4096;
}  // namespace

const optee::TaImage* TaHost::load_ta(const optee::TaUuid& uuid, uint32_t& result) {
  result = TEE_ERROR_ITEM_NOT_FOUND;
  if (!rpc_) return nullptr;
  while (loading_) {
    if (const uint32_t r = wait_in(load_waiting_)) {
      result = r;
      return nullptr;
    }
  }
  loading_ = true;
  // Another load may have brought it while this one waited.
  const optee::TaImage* ta = dynamic_.find(uuid);
  if (ta) {
    result = TEE_SUCCESS;
  } else {
    ta = load_ta_in_turn(uuid, result);
  }
  loading_ = false;
  wake_one(load_waiting_);
  return ta;
}

const optee::TaImage* TaHost::load_ta_in_turn(const optee::TaUuid& uuid, uint32_t& result) {
  if (dynamic_.count >= optee::kMaxTas) {
    result = TEE_ERROR_OUT_OF_MEMORY;
    return nullptr;
  }
  uint64_t lo = 0, hi = 0;
  for (unsigned i = 0; i < 8; ++i) {
    lo |= uint64_t{uuid.bytes[i]} << (8 * i);
    hi |= uint64_t{uuid.bytes[8 + i]} << (8 * i);
  }
  // How large it is: a null memory reference asks.
  optee::RpcMsg m;
  m.cmd = kLoadTa;
  m.num_params = 2;
  m.params[0] = optee::MsgParam{optee::msg_attr::value_input, lo, hi, 0};
  m.params[1] = rpc_->null_memref(optee::msg_attr::fmem_output);
  if (!rpc_->rpc(m) || m.ret != TEE_SUCCESS) return nullptr;  // not there (or no supplicant)
  const uint64_t size = m.params[1].b;
  const uint64_t room = dyn_end_ - dyn_next_;
  if (size <= kSignedHeader || size > TA_IMAGE_MAX + kSignedHeader + sizeof(kTaSigningModulus) || size > room) {
    result = TEE_ERROR_OUT_OF_MEMORY;
    return nullptr;
  }
  optee::RpcBuffer b;
  if (!rpc_->rpc_alloc(size, b)) {
    result = TEE_ERROR_OUT_OF_MEMORY;
    return nullptr;
  }
  m.params[1] = b.memref(optee::msg_attr::fmem_output, 0, size);
  const bool got = rpc_->rpc(m) && m.ret == TEE_SUCCESS && m.params[1].b == size;
  // Into secure memory before anything is checked: the normal world may
  // rewrite its buffer at any time.
  auto* copy = reinterpret_cast<uint8_t*>(dyn_next_);
  if (got) memcpy(copy, b.bytes.data(), size);
  rpc_->rpc_free(b);
  if (!got) return nullptr;
  const lib::ByteView file(copy, size);
  const uint32_t image_size = file.le32(8).value_or(0), sig_size = file.le32(12).value_or(0);
  result = TEE_ERROR_SECURITY;
  if (*file.le32(0) != kSignedMagic || *file.le32(4) != 1 || sig_size != sizeof(kTaSigningModulus) ||
      uint64_t{kSignedHeader} + image_size + sig_size != size) {
    lib::log::error("loaded TA refused: not a signed TA file");
    return nullptr;
  }
  uint8_t digest[crypto::Sha256::kDigestSize];
  crypto::sha256(copy, kSignedHeader + image_size, digest);
  // (About 3.5 KiB of the thread's stack: Threads::kStackSize allows for it.)
  if (crypto::rsa_pkcs1_sha256_verify(kTaSigningModulus, sizeof(kTaSigningModulus), kTaSigningExponent, digest,
                                      copy + kSignedHeader + image_size, sig_size) != crypto::Status::ok) {
    lib::log::error("loaded TA refused: its signature does not verify against this trusted OS's key");
    return nullptr;
  }
  auto image = optee::parse_ta_image(lib::ByteView(copy + kSignedHeader, image_size));
  if (!image || !(image->uuid == uuid)) {
    lib::log::error("loaded TA refused: {}", image ? "it is another TA than the one asked for" : image.error());
    return nullptr;
  }
  dyn_next_ += (size + kPage - 1) & ~(kPage - 1);
  dynamic_.tas[dynamic_.count] = *image;
  result = TEE_SUCCESS;
  return &dynamic_.tas[dynamic_.count++];
}

}  // namespace sel1
