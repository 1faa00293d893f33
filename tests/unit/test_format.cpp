// lib/format.h: the allocation-free formatter behind every log line.
#include "lib/format.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

namespace {

enum class Colour : uint8_t { red = 1, blue = 7 };
enum class Signed : int32_t { minus = -6 };

// Formats through the Sink interface into a std::string (no truncation).
template <typename... Args>
std::string fmt(const char* f, Args... args) {
  std::string out;
  lib::format([](void* ctx, char c) { static_cast<std::string*>(ctx)->push_back(c); }, &out, f, args...);
  return out;
}

TEST(Format, PlainTextAndEmpty) {
  EXPECT_EQ(fmt("hello, world"), "hello, world");
  EXPECT_EQ(fmt(""), "");
}

TEST(Format, DecimalUnsigned) {
  EXPECT_EQ(fmt("{}", 0u), "0");
  EXPECT_EQ(fmt("{}", 42u), "42");
  EXPECT_EQ(fmt("{:d}", 42u), "42");
  EXPECT_EQ(fmt("{}", uint8_t{255}), "255");
  EXPECT_EQ(fmt("{}", uint16_t{65535}), "65535");
  EXPECT_EQ(fmt("{}", std::numeric_limits<uint64_t>::max()), "18446744073709551615");
}

TEST(Format, DecimalSignedAndNegatives) {
  EXPECT_EQ(fmt("{}", 0), "0");
  EXPECT_EQ(fmt("{}", -1), "-1");
  EXPECT_EQ(fmt("{}", int8_t{-128}), "-128");
  EXPECT_EQ(fmt("{}", int16_t{-32768}), "-32768");
  EXPECT_EQ(fmt("{}", std::numeric_limits<int32_t>::min()), "-2147483648");
  EXPECT_EQ(fmt("{}", std::numeric_limits<int64_t>::max()), "9223372036854775807");
  // The most negative value has no positive counterpart: no overflow.
  EXPECT_EQ(fmt("{}", std::numeric_limits<int64_t>::min()), "-9223372036854775808");
}

TEST(Format, HexHasPrefixOnlyWithoutWidth) {
  EXPECT_EQ(fmt("{:x}", 0u), "0x0");
  EXPECT_EQ(fmt("{:x}", 255u), "0xff");
  EXPECT_EQ(fmt("{:x}", 0xDEADBEEFu), "0xdeadbeef");
  EXPECT_EQ(fmt("{:x}", std::numeric_limits<uint64_t>::max()), "0xffffffffffffffff");
  EXPECT_EQ(fmt("{:x}", 0x8000), "0x8000");  // a positive signed value
  EXPECT_EQ(fmt("{:08x}", 0xABu), "000000ab");
  EXPECT_EQ(fmt("{:08x}", 0x84000063u), "84000063");
  EXPECT_EQ(fmt("{:016x}", uint64_t{0x0e100000}), "000000000e100000");
  // A width narrower than the number never cuts digits.
  EXPECT_EQ(fmt("{:02x}", 0x12345u), "12345");
  EXPECT_EQ(fmt("{:8x}", 0xABu), "      ab");
}

TEST(Format, NegativeHexIsTwosComplementOf64Bits) {
  // Signed values are widened to 64 bits before printing in hex.
  EXPECT_EQ(fmt("{:x}", -1), "0xffffffffffffffff");
  EXPECT_EQ(fmt("{:x}", int64_t{-2}), "0xfffffffffffffffe");
}

TEST(Format, DecimalWidthAndPadding) {
  EXPECT_EQ(fmt("{:5}", 42u), "   42");
  EXPECT_EQ(fmt("{:05}", 42u), "00042");
  EXPECT_EQ(fmt("{:05d}", 42), "00042");
  EXPECT_EQ(fmt("{:1}", 12345u), "12345");
}

TEST(Format, NegativeWithWidthKeepsSignInFrontOfDigits) {
  // As printf: spaces go before the sign, zeros after it, and the sign
  // counts toward the width.
  EXPECT_EQ(fmt("{:5}", -42), "  -42");
  EXPECT_EQ(fmt("{:05}", -42), "-0042");
  EXPECT_EQ(fmt("{:3}", -42), "-42");
  EXPECT_EQ(fmt("{:2}", -42), "-42");
}

TEST(Format, StringsCharsBoolsEnumsPointers) {
  EXPECT_EQ(fmt("[{}]", "abc"), "[abc]");
  EXPECT_EQ(fmt("[{}]", ""), "[]");
  EXPECT_EQ(fmt("{}", static_cast<const char*>(nullptr)), "(null)");
  EXPECT_EQ(fmt("{}{}", 'o', 'k'), "ok");
  EXPECT_EQ(fmt("{} {}", true, false), "true false");
  EXPECT_EQ(fmt("{}", Colour::blue), "7");
  EXPECT_EQ(fmt("{}", Signed::minus), "-6");
  int x = 0;
  EXPECT_EQ(fmt("{:x}", &x), fmt("{:x}", reinterpret_cast<uintptr_t>(&x)));
  // A string argument is printed as-is, a format spec does not apply.
  EXPECT_EQ(fmt("{:08x}", "str"), "str");
}

TEST(Format, ArgumentsInOrder) {
  EXPECT_EQ(fmt("{} + {} = {}", 1, 2u, "three"), "1 + 2 = three");
  EXPECT_EQ(fmt("SPMC {:x} (FF-A {}.{})", 0x8000u, 1, 2), "SPMC 0x8000 (FF-A 1.2)");
}

TEST(Format, DoubledBraceIsALiteral) {
  EXPECT_EQ(fmt("{{x"), "{x");
  EXPECT_EQ(fmt("{{{}", 5), "{5");
  EXPECT_EQ(fmt("a}b"), "a}b");
}

TEST(Format, MissingArgumentPrintsPlaceholder) {
  EXPECT_EQ(fmt("{} {}", 1), "1 {?}");
  EXPECT_EQ(fmt("{:x}"), "{?}");
  // Surplus arguments are ignored.
  EXPECT_EQ(fmt("{}", 1, 2, 3), "1");
}

TEST(Format, MalformedSpecStopsOutput) {
  // The rest of a malformed format string is not interpreted.
  EXPECT_EQ(fmt("a{", 1), "a{?}");
  EXPECT_EQ(fmt("a{:", 1), "a{?}");
  EXPECT_EQ(fmt("a{:q} tail {}", 1, 2), "a{?}");
  EXPECT_EQ(fmt("a{x} tail", 1), "a{?}");
  EXPECT_EQ(fmt("a{:08", 1), "a{?}");
  EXPECT_EQ(fmt("a{:s}", "s"), "a{?}");
  // The argument of the malformed spec is not consumed by a later one.
  EXPECT_EQ(fmt("{:x", 1), "{?}");
}

TEST(FormatTo, FitsExactly) {
  char buf[16];
  std::memset(buf, 'Z', sizeof(buf));
  EXPECT_EQ(lib::format_to(buf, sizeof(buf), "id {:x}", 0x8100u), 9u);
  EXPECT_STREQ(buf, "id 0x8100");
  EXPECT_EQ(buf[10], 'Z');  // nothing written past the terminator
}

TEST(FormatTo, TruncatesAndReturnsFullLength) {
  char buf[8];
  std::memset(buf, 'Z', sizeof(buf));
  const size_t n = lib::format_to(buf, sizeof(buf), "0123456789{}", 42);
  EXPECT_EQ(n, 12u);  // the length it would have had
  EXPECT_STREQ(buf, "0123456");
}

TEST(FormatTo, ExactlyCapacityLosesLastCharForTheTerminator) {
  char buf[4];
  EXPECT_EQ(lib::format_to(buf, sizeof(buf), "abcd"), 4u);
  EXPECT_STREQ(buf, "abc");
  EXPECT_EQ(lib::format_to(buf, sizeof(buf), "abc"), 3u);
  EXPECT_STREQ(buf, "abc");
}

TEST(FormatTo, TinyAndZeroCapacity) {
  char one[1] = {'Z'};
  EXPECT_EQ(lib::format_to(one, 1, "hello"), 5u);
  EXPECT_EQ(one[0], '\0');
  // Capacity 0: the buffer is never touched (a null pointer is fine).
  EXPECT_EQ(lib::format_to(nullptr, 0, "hello {}", 1), 7u);
  char guard = 'G';
  EXPECT_EQ(lib::format_to(&guard, 0, "x"), 1u);
  EXPECT_EQ(guard, 'G');
}

TEST(FormatTo, LongOutputIntoSmallBufferNeverOverflows) {
  // 20 arguments of 20 digits each into 32 bytes: ASan watches the rest.
  char* buf = new char[32];
  const uint64_t m = std::numeric_limits<uint64_t>::max();
  size_t n = lib::format_to(buf, 32, "{}{}{}{}{}{}{}{}{}{}", m, m, m, m, m, m, m, m, m, m);
  EXPECT_EQ(n, 200u);
  EXPECT_EQ(std::strlen(buf), 31u);
  delete[] buf;
}

}  // namespace
