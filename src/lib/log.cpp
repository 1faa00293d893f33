#include "lib/log.h"

namespace lib::log {
namespace {

const Console* g_console = nullptr;
const char* g_tag = nullptr;

// One message on its way out: pieces of at most kLineMax characters, each
// a line with its own prefix, written with one write() call each.
class Line {
 public:
  explicit Line(Level level) : level_(level) {}

  static void put(void* ctx, char c) { static_cast<Line*>(ctx)->put(c); }

  void put(char c) {
    if (c == '\n') {
      if (open_) {
        end();
      } else if (continued_) {
        continued_ = false;  // the cut piece ended that line already
      } else {
        begin(false);  // an empty line
        end();
      }
      return;
    }
    if (!open_) begin(continued_);
    buf_[len_++] = c;
    if (len_ == kLineMax - 2) {
      end();
      continued_ = true;
    }
  }

  // The message is complete: the last piece goes out (an empty message
  // still prints its prefix).
  void finish() {
    if (open_ || !wrote_) {
      if (!open_) begin(false);
      end();
    }
  }

 private:
  void append(const char* s) {
    // The prefix is short; keep room for one character and "\r\n".
    while (*s && len_ < kLineMax - 3) buf_[len_++] = *s++;
  }

  // The prefix: world tag, then the level on a message's first line, or
  // "... " on the continuation of a piece cut at the buffer's size.
  void begin(bool continuation) {
    len_ = 0;
    open_ = true;
    buf_[len_++] = '[';
    append(g_tag ? g_tag : "");
    append("] ");
    if (continuation) {
      append("... ");
    } else if (level_ == Level::error) {
      append("ERROR: ");
    } else if (level_ == Level::warn) {
      append("WARN: ");
    }
  }

  void end() {
    buf_[len_++] = '\r';
    buf_[len_++] = '\n';
    g_console->write(buf_, len_);
    len_ = 0;
    open_ = false;
    continued_ = false;
    wrote_ = true;
  }

  Level level_;
  bool open_ = false;       // a piece has its prefix and is not written yet
  bool continued_ = false;  // the next piece continues a cut one
  bool wrote_ = false;
  size_t len_ = 0;
  char buf_[kLineMax];
};

bool lock() { return g_console->lock && g_console->lock(); }
void unlock(bool taken) {
  if (taken) g_console->unlock();
}

}  // namespace

void init(const Console* console, const char* tag) {
  g_console = console;
  g_tag = tag;
}

void vwrite(Level level, const char* fmt, const FmtArg* args, size_t nargs) {
  if (!g_console || !g_console->write) return;
  Line line(level);
  // Formatting happens under the lock too: all pieces of one message go
  // out together, and the buffer is this caller's own.
  const bool taken = lock();
  vformat(&Line::put, &line, fmt, args, nargs);
  line.finish();
  unlock(taken);
}

void vwrite_limited(RateLimit& limit, Level level, const char* fmt, const FmtArg* args, size_t nargs) {
  if (!g_console || !g_console->write) return;
  Line line(level);
  // The limit's state is shared by every CPU that reaches this call site:
  // the console's lock guards it.
  const bool taken = lock();
  const bool clock = g_console->millis != nullptr;
  const RateLimit::Verdict v = limit.admit(clock ? g_console->millis() : 0, clock);
  if (v.show) {
    vformat(&Line::put, &line, fmt, args, nargs);
    if (v.suppressed) format(&Line::put, &line, " (suppressed {} similar)", v.suppressed);
    if (v.last_of_burst) format(&Line::put, &line, " (rate limited: more are counted, not shown)");
    line.finish();
  }
  unlock(taken);
}

RateLimit::Verdict RateLimit::admit(uint64_t now_ms, bool have_clock) {
  Verdict v{false, false, 0};
  const bool over = have_clock ? now_ms - interval_start_ >= interval_ms() : suppressed_ >= kCountInterval;
  if (!started_ || over) {
    // A new interval: the count so far goes out with this message.
    v.suppressed = suppressed_;
    suppressed_ = 0;
    shown_ = 0;
    interval_start_ = now_ms;
    started_ = true;
  }
  const uint32_t most = burst() ? burst() : 1;
  if (shown_ < most) {
    ++shown_;
    v.show = true;
    v.last_of_burst = shown_ == most;
  } else if (suppressed_ != UINT32_MAX) {
    ++suppressed_;
  }
  return v;
}

}  // namespace lib::log
