// A small test framework for bare metal: tests register themselves in a
// linker section, run in link order, print one TAP line each and a closing
// "N passed, N failed" line that the ctest wrapper reads.
#pragma once

#include <cstdint>

#include "lib/format.h"

namespace harness {

// What a test needs of the secure world, beyond FF-A itself. The suite
// was written against sel1-spmc's endpoints; a configuration that does not
// host what a test needs (found by discovery, never by asking which
// configuration this is) skips it with the reason: `ok N - name # SKIP
// reason` (TAP). The ctest wrappers name the reasons each configuration
// may skip for (tests/system/run_qemu.py --allow-skip).
enum class Needs : uint8_t {
  nothing,          // holds for any SPMC (TEST_ANY_SPMC)
  suite_endpoints,  // the trusted OS and the seven S-EL0 partitions (echo, keystore, ...) (TEST)
  sel1_c_partitions,  // the S-EL1 partitions mp-c, up-c to up-c6 and irq-c (TEST_NEEDS)
  mp_c,               // the S-EL1 partition mp-c (its benchmarks)
  trusted_os,         // the trusted OS alone, in either placement (TEST_TOS)
  sel0_echo,          // the S-EL0 partition echo alone (its benchmark with one partition loaded)
};

struct TestCase {
  const char* name;
  void (*fn)();
  const char* file;
  int line;
  Needs needs;
};

// Whether the secure world hosts what `needs` names; the image decides
// (a weak default says yes: the SMC and v1.0 harnesses skip nothing).
// Asked once per kind; the answer is kept.
bool has(Needs needs);
// Why a test that needs `needs` is skipped when it is not there.
const char* skip_reason(Needs needs);

// Records a failed check for the running test; returns false so that an
// ASSERT can stop the test.
bool check_failed(const char* file, int line, const char* expr, uint64_t got, uint64_t want);
void print(const char* s);
template <typename... Args>
void printf(const char* fmt, Args... args);

// Runs every registered test; returns the number that failed.
unsigned run_all_tests();

}  // namespace harness

#define HARNESS_CAT2(a, b) a##b
#define HARNESS_CAT(a, b) HARNESS_CAT2(a, b)

#define TEST_NEEDS(needs, group, name)                                                          \
  static void test_##group##_##name();                                                         \
  [[gnu::used, gnu::section(".tests")]] static const ::harness::TestCase tc_##group##_##name{ \
      #group "." #name, &test_##group##_##name, __FILE__, __LINE__, needs};                    \
  static void test_##group##_##name()
#define TEST(group, name) TEST_NEEDS(::harness::Needs::suite_endpoints, group, name)
#define TEST_ANY_SPMC(group, name) TEST_NEEDS(::harness::Needs::nothing, group, name)
#define TEST_TOS(group, name) TEST_NEEDS(::harness::Needs::trusted_os, group, name)

#define EXPECT_EQ(got, want)                                                                      \
  do {                                                                                            \
    const uint64_t g_ = static_cast<uint64_t>(got), w_ = static_cast<uint64_t>(want);             \
    if (g_ != w_) ::harness::check_failed(__FILE__, __LINE__, #got " == " #want, g_, w_);         \
  } while (0)
#define ASSERT_EQ(got, want)                                                                      \
  do {                                                                                            \
    const uint64_t g_ = static_cast<uint64_t>(got), w_ = static_cast<uint64_t>(want);             \
    if (g_ != w_) {                                                                               \
      ::harness::check_failed(__FILE__, __LINE__, #got " == " #want, g_, w_);                     \
      return;                                                                                     \
    }                                                                                             \
  } while (0)
#define EXPECT_TRUE(cond) EXPECT_EQ(static_cast<bool>(cond), true)
#define ASSERT_TRUE(cond) ASSERT_EQ(static_cast<bool>(cond), true)

namespace harness {
void console_putc(void*, char c);
template <typename... Args>
void printf(const char* fmt, Args... args) {
  lib::format(&console_putc, nullptr, fmt, args...);
}
}  // namespace harness
