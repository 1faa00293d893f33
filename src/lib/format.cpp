#include "lib/format.h"

namespace lib {
namespace {

void put_str(Sink sink, void* ctx, const char* s) {
  while (*s) sink(ctx, *s++);
}

// `negative` prints a '-' that counts toward `width`, placed as printf
// does: after space padding, before zero padding.
void put_unsigned(Sink sink, void* ctx, uint64_t v, unsigned base, unsigned width, char pad,
                  bool negative = false) {
  char digits[24];
  unsigned n = 0;
  do {
    unsigned d = static_cast<unsigned>(v % base);
    digits[n++] = static_cast<char>(d < 10 ? '0' + d : 'a' + d - 10);
    v /= base;
  } while (v != 0 && n < sizeof(digits));
  const unsigned len = n + (negative ? 1u : 0u);
  if (negative && pad == '0') sink(ctx, '-');
  for (unsigned i = len; i < width; ++i) sink(ctx, pad);
  if (negative && pad != '0') sink(ctx, '-');
  while (n) sink(ctx, digits[--n]);
}

}  // namespace

void BufferSink::put(void* ctx, char c) {
  auto* s = static_cast<BufferSink*>(ctx);
  if (s->cap && s->len + 1 < s->cap) s->buf[s->len] = c;
  ++s->len;
}

void vformat(Sink sink, void* ctx, const char* fmt, const FmtArg* args, size_t nargs) {
  size_t next = 0;
  for (const char* p = fmt; *p; ++p) {
    if (*p != '{') {
      sink(ctx, *p);
      continue;
    }
    if (p[1] == '{') {  // "{{" is a literal brace
      sink(ctx, '{');
      ++p;
      continue;
    }
    // Parse "{" [":" ["0"] [width] ("x"|"d")] "}".
    const char* q = p + 1;
    unsigned base = 10, width = 0;
    char pad = ' ';
    if (*q == ':') {
      ++q;
      if (*q == '0') {
        pad = '0';
        ++q;
      }
      while (*q >= '0' && *q <= '9') width = width * 10 + static_cast<unsigned>(*q++ - '0');
      if (*q == 'x') {
        base = 16;
        ++q;
      } else if (*q == 'd') {
        ++q;
      }
    }
    if (*q != '}' || next >= nargs) {
      put_str(sink, ctx, "{?}");
      if (*q != '}') return;  // malformed: stop rather than misread
      p = q;
      continue;
    }
    const FmtArg& a = args[next++];
    switch (a.kind) {
      case FmtArg::Kind::unsigned_int:
        if (base == 16 && width == 0) put_str(sink, ctx, "0x");
        put_unsigned(sink, ctx, a.u, base, width, pad);
        break;
      case FmtArg::Kind::signed_int:
        if (a.i < 0 && base == 10) {
          put_unsigned(sink, ctx, 0 - static_cast<uint64_t>(a.i), base, width, pad, true);
        } else {
          if (base == 16 && width == 0) put_str(sink, ctx, "0x");
          put_unsigned(sink, ctx, static_cast<uint64_t>(a.i), base, width, pad);
        }
        break;
      case FmtArg::Kind::string:
        put_str(sink, ctx, a.s);
        break;
      case FmtArg::Kind::character:
        sink(ctx, static_cast<char>(a.u));
        break;
    }
    p = q;
  }
}

}  // namespace lib
