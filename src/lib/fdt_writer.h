// In-place edits of a flattened device tree: adding nodes and properties
// inside the blob's own totalsize (its free space). The monitor uses it to
// describe PSCI to the normal world in the device tree QEMU generated, as
// TF-A does on this platform. Assumes the standard layout that dtc, libfdt
// and QEMU produce: header, memory reservation map, structure block,
// strings block; refuses anything else.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lib/fdt.h"
#include "lib/result.h"

namespace lib {

enum class FdtWriteError : uint8_t {
  bad_blob,     // not a device tree, or not in the standard layout
  no_space,     // the edit does not fit in totalsize
  not_found,    // the parent node does not exist
  bad_name,     // empty or over-long node or property name
};

const char* to_string(FdtWriteError e);

class FdtWriter {
 public:
  // `blob` points at a DTB whose totalsize is the capacity for edits.
  static Result<FdtWriter, FdtWriteError> open(uint8_t* blob, size_t max_size);

  // A read-only view of the current contents (re-derive after each edit:
  // node offsets move when bytes are inserted before them).
  Fdt reader() const;

  // Adds an empty node `name` under `parent` (as its first child) and
  // returns it.
  Result<Fdt::Node, FdtWriteError> add_node(Fdt::Node parent, const char* name);
  // Adds property `name` with `len` bytes of `value` to `node` (as its first
  // property). The caller makes sure it does not exist yet. An insertion
  // moves every node after it: nodes before it keep their offsets, so a
  // caller editing several nodes goes from the last to the first.
  Status<FdtWriteError> add_prop(Fdt::Node node, const char* name, const void* value, uint32_t len);
  Status<FdtWriteError> add_prop_string(Fdt::Node node, const char* name, const char* value);
  // Gives `node` the string property `name` = `value`, whether or not it
  // had one: the new one goes first and any old one becomes NOP tokens
  // (which every DTB reader skips). Refused, it leaves the blob unchanged.
  Status<FdtWriteError> set_prop_string(Fdt::Node node, const char* name, const char* value);

  // Bytes in use (header to the end of the strings block).
  uint32_t used_size() const;

 private:
  FdtWriter(uint8_t* blob, size_t capacity) : blob_(blob), capacity_(capacity) {}
  uint32_t header(unsigned index) const;
  void set_header(unsigned index, uint32_t value);
  // Opens `len` bytes at structure offset `off` by moving what follows.
  Status<FdtWriteError> insert(uint32_t off, uint32_t len);
  // Offset of `name` in the strings block, appending it if needed.
  Result<uint32_t, FdtWriteError> string_offset(const char* name);
  // First offset after the node's name (where its properties start).
  Result<uint32_t, FdtWriteError> body_of(Fdt::Node node) const;

  uint8_t* blob_;
  size_t capacity_;  // bytes we may use: min(totalsize, max_size)
};

}  // namespace lib
