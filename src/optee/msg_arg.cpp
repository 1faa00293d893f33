#include "optee/msg_arg.h"

namespace optee {
namespace {
// optee_msg_arg field offsets.
constexpr uint32_t kCmd = 0, kFunc = 4, kSession = 8, kCancelId = 12, kRet = 20, kRetOrigin = 24, kNumParams = 28;
constexpr uint32_t kTeeErrorBadParameters = 0xFFFF0006;

bool output(uint64_t attr) {
  const uint64_t t = attr & msg_attr::type_mask;
  return t == msg_attr::value_output || t == msg_attr::value_inout || t == msg_attr::fmem_output ||
         t == msg_attr::fmem_inout || t == msg_attr::tmem_output || t == msg_attr::tmem_inout;
}
}  // namespace

lib::Result<MsgArg, ArgError> read_msg_arg(lib::ByteView mem, uint64_t offset) {
  if ((offset & 7) != 0) return ArgError::misaligned;
  auto header = mem.sub(offset, kMsgArgHeader);
  if (offset > mem.size() || !header) return ArgError::outside;
  MsgArg a{};
  a.cmd = *header->le32(kCmd);
  a.func = *header->le32(kFunc);
  a.session = *header->le32(kSession);
  a.cancel_id = *header->le32(kCancelId);
  a.ret = *header->le32(kRet);
  a.ret_origin = *header->le32(kRetOrigin);
  a.num_params = *header->le32(kNumParams);
  if (a.num_params > kMsgMaxParams) return ArgError::too_many_params;
  auto params = mem.sub(offset + kMsgArgHeader, a.num_params * kMsgParamSize);
  if (!params) return ArgError::outside;
  for (uint32_t i = 0; i < a.num_params; ++i) {
    const uint32_t o = i * kMsgParamSize;
    a.params[i] = MsgParam{*params->le64(o), *params->le64(o + 8), *params->le64(o + 16), *params->le64(o + 24)};
  }
  return a;
}

void write_msg_answer(lib::MutableByteView mem, uint64_t offset, const MsgArg& request, const MsgArg& answer) {
  // read_msg_arg checked that all of this lies inside `mem`; a failed put
  // (a smaller view) writes nothing.
  (void)mem.put_le32(offset + kSession, answer.session);
  (void)mem.put_le32(offset + kRet, answer.ret);
  (void)mem.put_le32(offset + kRetOrigin, answer.ret_origin);
  for (uint32_t i = 0; i < request.num_params && i < kMsgMaxParams; ++i) {
    if (!output(request.params[i].attr)) continue;
    const uint64_t o = offset + kMsgArgHeader + uint64_t{i} * kMsgParamSize;
    const uint64_t t = request.params[i].attr & msg_attr::type_mask;
    if (t == msg_attr::value_output || t == msg_attr::value_inout) {
      (void)mem.put_le64(o + 8, answer.params[i].a);
      (void)mem.put_le64(o + 16, answer.params[i].b);
      (void)mem.put_le64(o + 24, answer.params[i].c);
    } else {
      (void)mem.put_le64(o + 16, answer.params[i].b);  // fmem.size
    }
  }
}

lib::Result<ClientParams, uint32_t> client_params(const MsgArg& arg, unsigned first) {
  ClientParams out;
  if (arg.num_params < first || arg.num_params - first > 4) return kTeeErrorBadParameters;
  for (unsigned i = first; i < arg.num_params; ++i) {
    const MsgParam& m = arg.params[i];
    ClientParam& c = out.p[i - first];
    // Only the type: no meta bit here, no non-contiguous list, no cache
    // attributes (Linux's FF-A driver sets none of them).
    if (m.attr & ~msg_attr::type_mask) return kTeeErrorBadParameters;
    switch (m.attr) {
      case msg_attr::none:
        break;
      case msg_attr::value_input:
      case msg_attr::value_output:
      case msg_attr::value_inout:
        c.type = static_cast<uint8_t>(m.attr);
        // GP values are 32 bits; OP-TEE passes the low halves too.
        c.a = static_cast<uint32_t>(m.a);
        c.b = static_cast<uint32_t>(m.b);
        break;
      case msg_attr::fmem_input:
      case msg_attr::fmem_output:
      case msg_attr::fmem_inout: {
        c.type = static_cast<uint8_t>(m.attr);
        c.size = m.b;
        c.handle = m.c;
        if (c.handle == kFmemInvalidGlobalId) break;  // a null memref: size only
        // Linux: offs_low | offs_high << 32 is the offset in the client's
        // buffer; internal_offs, where that buffer starts in its first
        // page. Both count from the start of the shared memory.
        const uint64_t offs = m.a & 0xFFFFFFFFFFFF, internal = m.a >> 48;
        c.offset = offs + internal;
        if (c.offset < offs) return kTeeErrorBadParameters;
        break;
      }
      default:
        return kTeeErrorBadParameters;
    }
  }
  return out;
}

void put_client_outputs(MsgArg& arg, unsigned first, const ClientParams& out) {
  for (unsigned i = first; i < arg.num_params && i - first < 4; ++i) {
    const ClientParam& c = out.p[i - first];
    if (!c.is_output()) continue;
    if (c.is_memref()) {
      arg.params[i].b = c.size;
    } else {
      arg.params[i].a = c.a;
      arg.params[i].b = c.b;
      arg.params[i].c = 0;
    }
  }
}

}  // namespace optee
