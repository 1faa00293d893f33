// A Trusted Application's system calls (src/ta/ta_abi.h): SVC #0 with the
// number in x8. Every pointer a TA passes is checked against its own
// memory before the trusted OS touches it; a call it may not make ends
// with an error, never with the trusted OS touching what it should not.
#include "arch/aarch64/sysreg.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "sel1/ta_host.h"
#include "ta/tee_internal_api.h"

#include "sel1/threads.h"  // g_thread_running: the thread that runs now, if any

namespace sel1 {
namespace {

constexpr uint64_t kPage = 4096;
constexpr uint64_t kRtcBase = 0x09010000;  // PL031 RTCDR: seconds, as the normal world set them

bool random_u64(uint64_t& v) {
  // FEAT_RNG (ID_AA64ISAR0_EL1.RNDR); RNDR fails now and then (NZCV.Z set).
  if (((TESSERA_SYSREG_READ(id_aa64isar0_el1) >> 60) & 0xF) == 0) return false;
  for (int tries = 0; tries < 16; ++tries) {
    uint64_t ok;
    __asm__ volatile("mrs %0, s3_3_c2_c4_0\n cset %1, ne" : "=r"(v), "=r"(ok)::"cc");
    if (ok) return true;
  }
  return false;
}

}  // namespace

bool hardware_random(uint8_t* buf, size_t len) {
  for (size_t i = 0; i < len; i += 8) {
    uint64_t v;
    if (!random_u64(v)) return false;
    for (size_t k = 0; k < 8 && i + k < len; ++k) buf[i + k] = static_cast<uint8_t>(v >> (8 * k));
  }
  return true;
}

namespace {

uint64_t now_ms() { return arch::cntpct() / (arch::cntfrq() / 1000); }

bool inside(uint64_t va, uint64_t len, uint64_t lo, uint64_t hi) { return va >= lo && va <= hi && len <= hi - va; }

}  // namespace

uint8_t* TaHost::own_bytes(const Instance& in, uint64_t va, uint64_t len, bool write) const {
  // Its data (and, to read, its constants), or its parameter page.
  const uint64_t lo = TA_IMAGE_VA + (write ? in.ta->ro_end : in.ta->text_end), hi = TA_IMAGE_VA + in.ta->mem_end;
  if (inside(va, len, lo, hi)) return reinterpret_cast<uint8_t*>(slot_pa(in) + (va - TA_IMAGE_VA));
  if (inside(va, len, TA_PARAM_VA, TA_PARAM_VA + kPage))
    return reinterpret_cast<uint8_t*>(&param_page(in)) + (va - TA_PARAM_VA);
  return nullptr;
}

uint32_t TaHost::check_access(const Instance& in, uint32_t flags, uint64_t va, uint64_t len) const {
  if (flags & ~(TEE_MEMORY_ACCESS_READ | TEE_MEMORY_ACCESS_WRITE | TEE_MEMORY_ACCESS_ANY_OWNER))
    return TEE_ERROR_ACCESS_DENIED;
  const bool write = flags & TEE_MEMORY_ACCESS_WRITE;
  if (own_bytes(in, va, len, write)) return TEE_SUCCESS;
  // The client's memory (the call's memory references) only with
  // ANY_OWNER: GP's rule that a TA must know the buffer is shared.
  if (!(flags & TEE_MEMORY_ACCESS_ANY_OWNER) || len == 0 || va < TA_MEMREF_VA || va + len < va)
    return TEE_ERROR_ACCESS_DENIED;
  for (uint64_t a = va & ~(kPage - 1); a < va + len; a += kPage) {
    auto l = in.tables->lookup(a);
    constexpr uint64_t kApEl0 = 1ull << 6, kApRo = 1ull << 7;
    if (!l || !(l->descriptor & kApEl0) || (write && (l->descriptor & kApRo))) return TEE_ERROR_ACCESS_DENIED;
  }
  return TEE_SUCCESS;
}

bool TaHost::ta_params(Instance& in, optee::CallParams& out) {
  const ta_param_page& page = param_page(in);
  for (unsigned i = 0; i < 4; ++i) {
    optee::ClientParam& c = out.params.p[i];
    optee::MemrefPages& m = out.pages[i];
    c = optee::ClientParam{};
    m.count = 0;
    const uint32_t type = (page.types >> (4 * i)) & 0xF;
    switch (type) {
      case TEE_PARAM_TYPE_NONE:
        break;
      case TEE_PARAM_TYPE_VALUE_INPUT:
      case TEE_PARAM_TYPE_VALUE_OUTPUT:
      case TEE_PARAM_TYPE_VALUE_INOUT:
        c.type = static_cast<uint8_t>(type);
        c.a = static_cast<uint32_t>(page.p[i].first);
        c.b = static_cast<uint32_t>(page.p[i].first >> 32);
        break;
      case TEE_PARAM_TYPE_MEMREF_INPUT:
      case TEE_PARAM_TYPE_MEMREF_OUTPUT:
      case TEE_PARAM_TYPE_MEMREF_INOUT: {
        c.type = static_cast<uint8_t>(type);
        const uint64_t va = page.p[i].first;
        c.size = page.p[i].second;
        if (va == 0) {
          c.handle = optee::kFmemInvalidGlobalId;  // null
          break;
        }
        // Only the caller's own memory (not memory its client lent it).
        const bool write = type != TEE_PARAM_TYPE_MEMREF_INPUT;
        if (!own_bytes(in, va, c.size, write) || inside(va, c.size, TA_PARAM_VA, TA_PARAM_VA + kPage)) return false;
        const uint64_t pa = slot_pa(in) + (va - TA_IMAGE_VA);
        m.in_page = static_cast<uint32_t>(pa % kPage);
        const uint64_t pages = (m.in_page + c.size + kPage - 1) / kPage;
        if (pages) m.ranges[m.count++] = ffa::MemConstituent{pa - m.in_page, static_cast<uint32_t>(pages)};
        m.writable = write;
        m.ns = false;
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

void TaHost::put_back(Instance& in, const optee::CallParams& params) {
  ta_param_page& page = param_page(in);
  for (unsigned i = 0; i < 4; ++i) {
    const optee::ClientParam& c = params.params.p[i];
    if (!c.is_output()) continue;
    if (c.is_memref())
      page.p[i].second = c.size;
    else
      page.p[i].first = c.a | uint64_t{c.b} << 32;
  }
}

uint32_t TaHost::ta_open(Instance& in, uint32_t& origin, uint32_t& session) {
  origin = TEE_ORIGIN_TEE;
  optee::CallParams& cp = nested(in);
  if (!ta_params(in, cp)) return TEE_ERROR_BAD_PARAMETERS;
  optee::TaUuid uuid;
  memcpy(uuid.bytes, param_page(in).uuid, 16);
  const int me = static_cast<int>(&in - instances_);
  const uint32_t r = open(self_, me, in.depth + 1, uuid, cp, 0, session, origin);
  put_back(in, cp);
  return r;
}

uint32_t TaHost::ta_invoke(Instance& in, uint32_t session, uint32_t command, uint32_t& origin) {
  origin = TEE_ORIGIN_TEE;
  Session* s = find_session(self_, static_cast<int>(&in - instances_), session);
  if (!s) return TEE_ERROR_BAD_PARAMETERS;
  optee::CallParams& cp = nested(in);
  if (!ta_params(in, cp)) return TEE_ERROR_BAD_PARAMETERS;
  const uint32_t r = run_invoke(*s, in.depth + 1, command, cp, 0, origin);
  put_back(in, cp);
  return r;
}

bool TaHost::syscall(Instance& in, Session* session, uint32_t& result, uint32_t& origin) {
  uint64_t* x = in.ctx.x;
  switch (x[8]) {
    case TA_SYS_RETURN:
      result = static_cast<uint32_t>(x[0]);
      origin = TEE_ORIGIN_TRUSTED_APP;
      return false;
    case TA_SYS_PANIC:
      lib::log::error("TA slot {} panicked (code {:x})", static_cast<unsigned>(&in - instances_), x[0]);
      kill(in, "panicked");
      result = TEE_ERROR_TARGET_DEAD;
      origin = TEE_ORIGIN_TEE;
      return false;
    case TA_SYS_LOG: {
      char line[100];
      const uint64_t len = x[1] < sizeof(line) - 1 ? x[1] : sizeof(line) - 1;
      const uint8_t* text = own_bytes(in, x[0], len, false);
      if (text) {
        memcpy(line, text, len);
        line[len] = 0;
        static constinit lib::log::RateLimit limit;
        lib::log::write_limited(limit, lib::log::Level::info, "TA slot {}: {}",
                                static_cast<unsigned>(&in - instances_), static_cast<const char*>(line));
      }
      x[0] = text ? TEE_SUCCESS : TEE_ERROR_BAD_PARAMETERS;
      break;
    }
    case TA_SYS_GET_TIME: {
      // System time: the counter since boot. REE time: what the normal
      // world says (OPTEE_RPC_CMD_GET_TIME), else its RTC.
      uint64_t ms = now_ms();
      if (x[0] != 0) {
        optee::RpcMsg m;
        m.cmd = optee::rpc_cmd::get_time;
        m.num_params = 1;
        m.params[0] = optee::MsgParam{optee::msg_attr::value_output, 0, 0, 0};
        if (rpc_ && rpc_->rpc(m) && m.ret == 0)
          ms = m.params[0].a * 1000 + (m.params[0].b % 1000000000) / 1000000;
        else
          ms = rtc_mapped_ ? *reinterpret_cast<volatile uint32_t*>(kRtcBase) * uint64_t{1000} : 0;
      }
      x[0] = ms / 1000;
      x[1] = ms % 1000;
      break;
    }
    case TA_SYS_RANDOM: {
      uint8_t* buf = own_bytes(in, x[0], x[1], true);
      x[0] = buf && hardware_random(buf, x[1]) ? TEE_SUCCESS : TEE_ERROR_GENERIC;
      break;
    }
    case TA_SYS_CHECK_ACCESS:
      x[0] = check_access(in, static_cast<uint32_t>(x[0]), x[1], x[2]);
      break;
    case TA_SYS_CANCEL_FLAG:
      x[0] = session && session->cancelled;
      break;
    case TA_SYS_WAIT: {
      // Cancellable: a CANCEL from the client (on another CPU) ends it. The
      // normal world sleeps for us in slices (OPTEE_RPC_CMD_SUSPEND), so
      // the CPU is Linux's meanwhile; without RPC, a preemptible spin.
      const uint32_t ms = static_cast<uint32_t>(x[0]);
      if (ms == TEE_TIMEOUT_INFINITE && !g_thread_running) {
        x[0] = TEE_ERROR_NOT_SUPPORTED;  // nothing could ever end it here
        break;
      }
      const uint64_t deadline = now_ms() + ms;
      bool sleep = rpc_ != nullptr;
      x[0] = TEE_SUCCESS;
      while (ms == TEE_TIMEOUT_INFINITE || now_ms() < deadline) {
        if (session && session->cancelled) {
          x[0] = TEE_ERROR_CANCEL;
          break;
        }
        if (sleep) {
          const uint64_t left = ms == TEE_TIMEOUT_INFINITE ? 50 : deadline - now_ms();
          optee::RpcMsg m;
          m.cmd = optee::rpc_cmd::suspend;
          m.num_params = 1;
          m.params[0] = optee::MsgParam{optee::msg_attr::value_input, left < 50 ? left : 50, 0, 0};
          sleep = rpc_->rpc(m) && m.ret == 0;
        }
        ta_preemption_point();
      }
      break;
    }
    case TA_SYS_OPEN_TA: {
      uint32_t where = 0, id = 0;
      x[0] = ta_open(in, where, id);
      x[1] = where;
      x[2] = id;
      break;
    }
    case TA_SYS_INVOKE_TA: {
      uint32_t where = 0;
      x[0] = ta_invoke(in, static_cast<uint32_t>(x[0]), static_cast<uint32_t>(x[1]), where);
      x[1] = where;
      break;
    }
    case TA_SYS_CLOSE_TA: {
      Session* s = find_session(self_, static_cast<int>(&in - instances_), static_cast<uint32_t>(x[0]));
      uint32_t where;
      x[0] = s ? close(*s, in.depth + 1, where) : TEE_ERROR_BAD_PARAMETERS;
      break;
    }
    case TA_SYS_STORAGE_READ: {
      uint64_t len = 0;
      x[0] = storage_read(in, x[0], x[1], x[2], x[3], len);
      x[1] = len;
      break;
    }
    case TA_SYS_STORAGE_WRITE:
      x[0] = storage_write(in, x[0], x[1], x[2], x[3]);
      break;
    case TA_SYS_STORAGE_DELETE:
      x[0] = storage_delete(in, x[0], x[1]);
      break;
    default:
      x[0] = TEE_ERROR_NOT_SUPPORTED;
      break;
  }
  return true;
}

}  // namespace sel1
