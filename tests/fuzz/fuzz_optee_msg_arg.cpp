// Fuzz target: OP-TEE's message argument as the trusted OS reads it from
// the normal world's shared memory (optee/msg_arg.h), the client's
// parameters in the GP model, the pages a memory reference covers
// (memref_pages), and the answer's encoder. Input: a shared buffer, an
// offset, then ranges for memref_pages. Checked:
//  - a parsed argument lies wholly inside the buffer, at an aligned
//    offset, with at most six parameters, and is what the bytes say;
//  - client parameters are at most four, of GP's types, with no other
//    attribute bits (else BAD_PARAMETERS);
//  - the encoder writes only session, ret, ret_origin and the outputs of
//    output parameters, inside the argument;
//  - memref_pages returns pages inside the given ranges, in order, that
//    cover exactly [offset, offset + size), or fails.
// ASan and UBSan catch any out-of-bounds access on the way.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "fuzz_check.h"
#include "fuzz_input.h"
#include "optee/msg_arg.h"
#include "optee/ta_service.h"

namespace {

void check_arg(const uint8_t* data, size_t size, uint64_t offset) {
  const lib::ByteView mem(data, size);
  auto a = optee::read_msg_arg(mem, offset);
  if (!a) return;
  FUZZ_CHECK((offset & 7) == 0);
  FUZZ_CHECK(a->num_params <= optee::kMsgMaxParams);
  const uint64_t len = optee::kMsgArgHeader + uint64_t{a->num_params} * optee::kMsgParamSize;
  FUZZ_CHECK(offset <= size && len <= size - offset);
  FUZZ_CHECK(a->cmd == *mem.le32(offset));
  FUZZ_CHECK(a->num_params == *mem.le32(offset + 28));

  for (unsigned first : {0u, 2u}) {
    auto p = optee::client_params(*a, first);
    if (!p) continue;
    FUZZ_CHECK(a->num_params >= first && a->num_params - first <= 4);
    for (unsigned i = first; i < a->num_params; ++i) {
      const uint64_t attr = a->params[i].attr;
      FUZZ_CHECK(attr <= 3 || (attr >= 5 && attr <= 7));
      FUZZ_CHECK(p->p[i - first].type == attr);
    }
  }

  // The encoder, on a copy: only the answer's fields change.
  std::vector<uint8_t> copy(data, data + size);
  optee::MsgArg ans = *a;
  ans.session ^= 0x5A5A5A5A;
  ans.ret = 0xFFFF0010;
  ans.ret_origin = 4;
  for (auto& prm : ans.params) prm = optee::MsgParam{0xEE, 0x1111, 0x2222, 0x3333};
  optee::write_msg_answer(lib::MutableByteView(copy.data(), copy.size()), offset, *a, ans);
  for (size_t i = 0; i < size; ++i) {
    if (copy[i] == data[i]) continue;
    FUZZ_CHECK(i >= offset && i - offset < len);
    const uint64_t at = i - offset;
    if (at < optee::kMsgArgHeader) {
      FUZZ_CHECK((at >= 8 && at < 12) || (at >= 20 && at < 28));
      continue;
    }
    const uint64_t param = (at - optee::kMsgArgHeader) / optee::kMsgParamSize;
    const uint64_t field = (at - optee::kMsgArgHeader) % optee::kMsgParamSize;
    const uint64_t type = a->params[param].attr & 0xFF;
    // Outputs only: values, FMEM/RMEM, and the SMC ABI's TMEM (10, 11).
    FUZZ_CHECK(type == 2 || type == 3 || type == 6 || type == 7 || type == 10 || type == 11);
    FUZZ_CHECK(field >= 8);                                        // never the attribute
    if (type >= 6) FUZZ_CHECK(field >= 16 && field < 24);          // a reference's size only
  }
}

void check_pages(FuzzInput& in) {
  ffa::MemConstituent ranges[80];
  const unsigned count = in.byte() % 81;
  uint64_t total = 0;
  for (unsigned i = 0; i < count; ++i) {
    ranges[i] = ffa::MemConstituent{(in.bytes(4) & ~uint64_t{0xFFF}), static_cast<uint32_t>(in.byte() % 5)};
    total += uint64_t{ranges[i].pages} * 4096;
  }
  const uint64_t offset = in.byte() % 2 ? in.word() : in.bytes(3);
  const uint64_t size = in.byte() % 2 ? in.word() : in.bytes(3);
  optee::MemrefPages m;
  const bool ok = optee::memref_pages(ranges, count, offset, size, m);
  const bool inside = offset <= total && size <= total - offset;
  // More than kMaxRanges pieces may fail even inside; outside always fails.
  if (!inside) FUZZ_CHECK(!ok);
  if (!ok) return;
  FUZZ_CHECK(m.count <= optee::MemrefPages::kMaxRanges);
  FUZZ_CHECK(m.in_page == offset % 4096);
  uint64_t pages = 0;
  for (unsigned i = 0; i < m.count; ++i) {
    pages += m.ranges[i].pages;
    FUZZ_CHECK(m.ranges[i].pages > 0);
    bool within = false;  // inside one of the given ranges
    for (unsigned r = 0; r < count && !within; ++r)
      within = m.ranges[i].address >= ranges[r].address &&
               m.ranges[i].address + uint64_t{m.ranges[i].pages} * 4096 <=
                   ranges[r].address + uint64_t{ranges[r].pages} * 4096;
    FUZZ_CHECK(within);
  }
  FUZZ_CHECK(pages == (size == 0 ? 0 : (offset % 4096 + size + 4095) / 4096));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in{data, size};
  const size_t n = in.bytes(2) % 1024;
  std::vector<uint8_t> buf(n);
  for (auto& b : buf) b = in.byte();
  const uint64_t offset = in.byte() % 4 == 0 ? in.word() : 8 * (in.byte() % 64) + (in.byte() % 8 == 0 ? 4 : 0);
  check_arg(buf.data(), buf.size(), offset);
  check_pages(in);
  return 0;
}
