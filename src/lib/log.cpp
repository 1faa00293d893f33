#include "lib/log.h"

namespace lib::log {
namespace {
void (*g_putc)(char) = nullptr;
const char* g_tag = nullptr;

void put(char c) {
  if (!g_putc) return;
  if (c == '\n') g_putc('\r');
  g_putc(c);
}
}  // namespace

void init(void (*putc)(char), const char* tag) {
  g_putc = putc;
  g_tag = tag;
}

void putc_raw(void*, char c) { put(c); }

void line_start(Level level) {
  put('[');
  for (const char* t = g_tag; t && *t; ++t) put(*t);
  put(']');
  put(' ');
  if (level == Level::error) {
    for (const char* t = "ERROR: "; *t; ++t) put(*t);
  } else if (level == Level::warn) {
    for (const char* t = "WARN: "; *t; ++t) put(*t);
  }
}

void line_end() { put('\n'); }

}  // namespace lib::log
