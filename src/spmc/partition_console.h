// FFA_CONSOLE_LOG output of partitions, a line at a time with the
// partition's ID in front: each placement's Placement::partition_log
// feeds it. A line longer than the buffer is cut into several; characters
// that are not printable ASCII show as '?'; empty lines are dropped.
// Lines of up to 8 partitions are assembled at once (a ninth takes the
// first slot over, its unfinished line printed first under its own ID).
// Each partition may print 32 lines a second; more are counted, and said
// so, not printed: the console is slow and its lock shared, and a
// partition must not hold every CPU's secure world up by logging.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ffa/ids.h"
#include "lib/log.h"

namespace spmc {

class PartitionConsole {
 public:
  void write(ffa::EndpointId id, const char* chars, size_t len) {
    Line* line = nullptr;
    for (Line& l : lines_) {
      if (l.id == id.raw() || (!line && l.id == 0)) line = &l;
      if (l.id == id.raw()) break;
    }
    if (!line) line = &lines_[0];
    if (line->id != id.raw()) {
      if (line->len != 0) flush(*line);  // the slot's last owner's, under its own ID
      *line = Line{};
      line->id = id.raw();
    }
    for (size_t i = 0; i < len; ++i) {
      const char c = chars[i];
      if (c != '\n') line->text[line->len++] = (c >= 0x20 && c < 0x7F) ? c : '?';
      if ((c == '\n' && line->len != 0) || line->len == sizeof(line->text) - 1) flush(*line);
    }
  }

 private:
  static constexpr uint32_t kLinesPerSecond = 32;
  struct Line {
    uint16_t id = 0;
    size_t len = 0;
    char text[120] = {};
    lib::log::RateLimit limit{kLinesPerSecond, 1000};
  };
  static void flush(Line& line) {
    line.text[line.len] = '\0';
    lib::log::write_limited(line.limit, lib::log::Level::info, "SP {:x}: {}", uint32_t{line.id},
                            static_cast<const char*>(line.text));
    line.len = 0;
  }
  Line lines_[8] = {};
};

}  // namespace spmc
