// FFA_CONSOLE_LOG output of partitions, a line at a time with the
// partition's ID in front: each placement's Placement::partition_log
// feeds it. A line longer than the buffer is cut into several; characters
// that are not printable ASCII show as '?'. Lines of up to 8 partitions
// are assembled at once (a ninth takes the first slot over).
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
    line->id = id.raw();
    for (size_t i = 0; i < len; ++i) {
      const char c = chars[i];
      if (c != '\n') line->text[line->len++] = (c >= 0x20 && c < 0x7F) ? c : '?';
      if (c == '\n' || line->len == sizeof(line->text) - 1) {
        line->text[line->len] = '\0';
        lib::log::info("SP {:x}: {}", id.raw(), static_cast<const char*>(line->text));
        line->len = 0;
      }
    }
  }

 private:
  struct Line {
    uint16_t id;
    size_t len;
    char text[120];
  };
  Line lines_[8] = {};
};

}  // namespace spmc
