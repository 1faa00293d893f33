// tessera-manifest-check: reads FF-A manifests (DTB) with the very parser
// the SPMC uses, and says what is wrong with a bad one: which property and
// why. Exit status 0 when every file is accepted.
//
//   tessera-manifest-check [--core] [--load-address ADDR] FILE.dtb...
//
// --load-address: the partition image is linked for ADDR; its manifest's
// load-address must say the same.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "ffa/core_manifest.h"
#include "ffa/partition_manifest.h"

namespace {

void print_uuid(const ffa::Uuid& u) {
  for (unsigned i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) std::printf("-");
    std::printf("%02x", (u.w[i / 4] >> (8 * (i % 4))) & 0xFF);
  }
}

bool check_partition(const char* path, const std::vector<uint8_t>& blob, const char* link_address) {
  auto m = ffa::parse_partition_manifest(lib::ByteView(blob.data(), blob.size()));
  if (!m) {
    std::fprintf(stderr, "%s: %s: %s\n", path, m.error().property, m.error().reason);
    return false;
  }
  if (link_address) {
    const unsigned long long want = std::strtoull(link_address, nullptr, 0);
    if (!m->has_load_address || m->load_address != want) {
      std::fprintf(stderr, "%s: load-address: the image is linked for %#llx; the manifest must say so\n", path, want);
      return false;
    }
  }
  std::printf("%s: partition", path);
  if (m->has_id) std::printf(" %#x", m->id.raw());
  std::printf(" \"%s\", FF-A %u.%u, %s, uuid ", m->description, m->ffa_version.major, m->ffa_version.minor,
              m->exception_level == ffa::ExceptionLevel::s_el0 ? "S-EL0" : "S-EL1");
  print_uuid(m->uuids[0]);
  std::printf(", %u memory and %u device region(s)\n", m->memory_region_count, m->device_region_count);
  return true;
}

bool check_core(const char* path, const std::vector<uint8_t>& blob) {
  auto m = ffa::parse_core_manifest(lib::ByteView(blob.data(), blob.size()));
  if (!m) {
    std::fprintf(stderr, "%s: %s: %s\n", path, m.error().property, m.error().reason);
    return false;
  }
  std::printf("%s: SPMC %#x, FF-A %u.%u, loads at %#llx\n", path, m->spmc_id.raw(), m->version.major,
              m->version.minor, static_cast<unsigned long long>(m->load_address));
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  bool core = false;
  const char* link_address = nullptr;
  int files = 0;
  bool ok = true;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--core") == 0) {
      core = true;
      continue;
    }
    if (std::strcmp(argv[i], "--load-address") == 0 && i + 1 < argc) {
      link_address = argv[++i];
      continue;
    }
    std::ifstream in(argv[i], std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "%s: cannot read\n", argv[i]);
      ok = false;
      continue;
    }
    std::vector<uint8_t> blob((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ok = (core ? check_core(argv[i], blob) : check_partition(argv[i], blob, link_address)) && ok;
    ++files;
  }
  if (files == 0) {
    std::fprintf(stderr, "usage: tessera-manifest-check [--core] [--load-address ADDR] FILE.dtb...\n");
    return 2;
  }
  return ok ? 0 : 1;
}
