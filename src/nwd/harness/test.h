// A small test framework for bare metal: tests register themselves in a
// linker section, run in link order, print one TAP line each and a closing
// "N passed, N failed" line that the ctest wrapper reads.
#pragma once

#include <cstdint>

#include "lib/format.h"

namespace harness {

struct TestCase {
  const char* name;
  void (*fn)();
  const char* file;
  int line;
};

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

#define TEST(group, name)                                                                      \
  static void test_##group##_##name();                                                         \
  [[gnu::used, gnu::section(".tests")]] static const ::harness::TestCase tc_##group##_##name{ \
      #group "." #name, &test_##group##_##name, __FILE__, __LINE__};                           \
  static void test_##group##_##name()

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
