// Files in the normal world's file system through tee-supplicant's REE FS
// (OPTEE_RPC_CMD_FS), over the RPC service: whole-file reads, writes that
// replace a file atomically (a temporary file, then a rename over the old
// one), and removal. Every answer the normal world gives is checked: a
// size larger than asked, or a malformed reply, is an error.
#pragma once

#include <cstddef>
#include <cstdint>

#include "optee/rpc_service.h"

namespace optee {

// Results are GP codes: TEE_SUCCESS, TEE_ERROR_ITEM_NOT_FOUND (no such
// file), TEE_ERROR_STORAGE_NOT_AVAILABLE (the RPC or the file system
// failed), TEE_ERROR_SHORT_BUFFER (the file is longer than `max`).
inline constexpr uint32_t kTeeErrorStorageNotAvailable = 0xF0100003;
inline constexpr size_t kReeFsPathMax = 128;

uint32_t ree_fs_read(RpcService& rpc, const char* path, uint8_t* out, size_t max, size_t& len);
uint32_t ree_fs_write(RpcService& rpc, const char* path, const uint8_t* data, size_t len);
uint32_t ree_fs_remove(RpcService& rpc, const char* path);

}  // namespace optee
