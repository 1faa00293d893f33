// lib/log: whole lines (one console write per line, under the console's
// lock, pieces for lines longer than the buffer), the bakery lock that
// serialises them, and rate limits.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "lib/bakery_lock.h"
#include "lib/log.h"
#include "spmc/partition_console.h"

namespace {

using lib::BakeryLock;
using lib::log::Console;
using lib::log::RateLimit;

// One test's console: every write() recorded as one string.
std::vector<std::string> g_writes;
int g_locks = 0, g_unlocks = 0;
uint64_t g_now_ms = 0;

void record_write(const char* chars, size_t len) { g_writes.emplace_back(chars, len); }
bool count_lock() {
  ++g_locks;
  return true;
}
void count_unlock() { ++g_unlocks; }
uint64_t fake_millis() { return g_now_ms; }

constexpr Console kRecording{&record_write, &count_lock, &count_unlock, &fake_millis};

class Log : public ::testing::Test {
 protected:
  void SetUp() override {
    g_writes.clear();
    g_locks = g_unlocks = 0;
    g_now_ms = 0;
    lib::log::init(&kRecording, "T");
  }
  // Other tests in this process log too: never leave them a console that
  // points at this test's state.
  void TearDown() override { lib::log::init(nullptr, nullptr); }
};

TEST_F(Log, OneLineIsOneWriteUnderOneLock) {
  lib::log::info("hello {} {:x}", 42, 0x10u);
  ASSERT_EQ(g_writes.size(), 1u);
  EXPECT_EQ(g_writes[0], "[T] hello 42 0x10\r\n");
  EXPECT_EQ(g_locks, 1);
  EXPECT_EQ(g_unlocks, 1);
}

TEST_F(Log, LevelsAreNamedAfterTheTag) {
  lib::log::warn("w");
  lib::log::error("e {}", "x");
  ASSERT_EQ(g_writes.size(), 2u);
  EXPECT_EQ(g_writes[0], "[T] WARN: w\r\n");
  EXPECT_EQ(g_writes[1], "[T] ERROR: e x\r\n");
}

TEST_F(Log, EmptyMessageStillPrintsItsPrefix) {
  lib::log::info("");
  ASSERT_EQ(g_writes.size(), 1u);
  EXPECT_EQ(g_writes[0], "[T] \r\n");
}

TEST_F(Log, NewlineInsideAMessageStartsAPrefixedLine) {
  lib::log::warn("first\nsecond\n");
  ASSERT_EQ(g_writes.size(), 2u);
  EXPECT_EQ(g_writes[0], "[T] WARN: first\r\n");
  EXPECT_EQ(g_writes[1], "[T] WARN: second\r\n");
  EXPECT_EQ(g_locks, 1);  // one message, one hold of the lock
}

TEST_F(Log, LongLineIsSplitIntoWholePiecesThatFitTheBuffer) {
  std::string text;
  for (int i = 0; i < 600; ++i) text += static_cast<char>('a' + i % 26);
  lib::log::warn("{}", text.c_str());
  ASSERT_GE(g_writes.size(), 4u);
  std::string joined;
  for (size_t i = 0; i < g_writes.size(); ++i) {
    const std::string& w = g_writes[i];
    EXPECT_LE(w.size(), lib::log::kLineMax);
    ASSERT_GE(w.size(), 2u);
    EXPECT_EQ(w.substr(w.size() - 2), "\r\n");
    const std::string prefix = i == 0 ? "[T] WARN: " : "[T] ... ";
    ASSERT_EQ(w.compare(0, prefix.size(), prefix), 0) << w;
    // Every piece but the last fills the buffer.
    if (i + 1 < g_writes.size()) EXPECT_EQ(w.size(), lib::log::kLineMax);
    joined += w.substr(prefix.size(), w.size() - prefix.size() - 2);
  }
  EXPECT_EQ(joined, text);
  EXPECT_EQ(g_locks, 1);
}

TEST_F(Log, LineThatExactlyFillsTheBufferThenNewlineAddsNoEmptyLine) {
  const size_t room = lib::log::kLineMax - 2 - std::strlen("[T] ");
  const std::string text(room, 'x');
  lib::log::info("{}\n", text.c_str());
  ASSERT_EQ(g_writes.size(), 1u);
  EXPECT_EQ(g_writes[0], "[T] " + text + "\r\n");
}

TEST_F(Log, NoConsoleNoOutputNoCrash) {
  lib::log::init(nullptr, nullptr);
  lib::log::error("nobody hears this {}", 1);
  RateLimit limit;
  lib::log::warn_limited(limit, "nor this");
  EXPECT_TRUE(g_writes.empty());
}

TEST_F(Log, ConsoleWithoutLockStillWritesWholeLines) {
  static constexpr Console kNoLock{&record_write, nullptr, nullptr, nullptr};
  lib::log::init(&kNoLock, "T");
  lib::log::info("x");
  ASSERT_EQ(g_writes.size(), 1u);
  EXPECT_EQ(g_locks, 0);
}

// --- the bakery lock ---

TEST(BakeryLock, NestedOnItsOwnSlotNeverWaits) {
  BakeryLock lock;
  ASSERT_EQ(lock.acquire(2), BakeryLock::Taken::locked);
  EXPECT_EQ(lock.acquire(2), BakeryLock::Taken::nested);  // a fault while printing
  lock.release(2);
  EXPECT_EQ(lock.acquire(2), BakeryLock::Taken::locked);
  lock.release(2);
}

TEST(BakeryLock, SlotOutOfRangeIsNotLocked) {
  BakeryLock lock;
  EXPECT_EQ(lock.acquire(BakeryLock::kSlots), BakeryLock::Taken::no_slot);
  EXPECT_FALSE(BakeryLock::must_release(BakeryLock::Taken::no_slot));
  EXPECT_FALSE(BakeryLock::must_release(BakeryLock::Taken::nested));
}

TEST(BakeryLock, HolderThatNeverLetsGoDelaysOthersOnlyBoundedly) {
  BakeryLock lock;
  ASSERT_EQ(lock.acquire(0), BakeryLock::Taken::locked);
  const BakeryLock::Taken t = lock.acquire(1, 1000);
  EXPECT_EQ(t, BakeryLock::Taken::forced);
  EXPECT_TRUE(BakeryLock::must_release(t));
  lock.release(1);
  lock.release(0);
  EXPECT_EQ(lock.acquire(1, 1000), BakeryLock::Taken::locked);
  lock.release(1);
}

TEST(BakeryLock, ScribbledTicketsAreBoundedAndResetClearsThem) {
  BakeryLock lock;
  std::memset(static_cast<void*>(&lock), 0xFF, sizeof(lock));  // another world's garbage
  EXPECT_EQ(lock.acquire(3, 1000), BakeryLock::Taken::nested);  // its own slot looks busy
  lock.reset();
  EXPECT_EQ(lock.acquire(3, 1000), BakeryLock::Taken::locked);
  lock.release(3);
}

TEST(BakeryLock, FourThreadsExcludeEachOther) {
  BakeryLock lock;
  uint64_t counter = 0;  // plain: only the lock keeps it right
  std::atomic<int> inside{0};
  std::atomic<bool> overlap{false};
  constexpr int kRounds = 5000;
  std::vector<std::thread> threads;
  for (unsigned slot = 0; slot < 4; ++slot) {
    threads.emplace_back([&, slot] {
      for (int i = 0; i < kRounds; ++i) {
        const BakeryLock::Taken t = lock.acquire(slot, UINT32_MAX);
        ASSERT_EQ(t, BakeryLock::Taken::locked);
        if (inside.fetch_add(1) != 0) overlap = true;
        counter = counter + 1;
        inside.fetch_sub(1);
        lock.release(slot);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_FALSE(overlap.load());
  EXPECT_EQ(counter, 4u * kRounds);
}

// --- concurrent writers through lib::log ---

// A UART shared by four "CPUs": each character lands at its own position
// (an atomic index), one at a time, with a yield in between, so that
// writers that are not kept apart mix their characters.
constexpr size_t kUartMax = 1 << 20;
char g_uart[kUartMax];
std::atomic<size_t> g_uart_len{0};
BakeryLock g_lock;
thread_local unsigned t_slot = 0;

void slow_uart_write(const char* chars, size_t len) {
  for (size_t i = 0; i < len; ++i) {
    const size_t at = g_uart_len.fetch_add(1);
    if (at < kUartMax) g_uart[at] = chars[i];
    if (i % 8 == 0) std::this_thread::yield();
  }
}
bool bakery_lock() { return BakeryLock::must_release(g_lock.acquire(t_slot, UINT32_MAX)); }
void bakery_unlock() { g_lock.release(t_slot); }
constexpr Console kSharedUart{&slow_uart_write, &bakery_lock, &bakery_unlock, nullptr};

std::vector<std::string> uart_lines() {
  std::vector<std::string> lines;
  std::string all(g_uart, std::min(g_uart_len.load(), kUartMax));
  size_t start = 0;
  for (size_t nl; (nl = all.find("\r\n", start)) != std::string::npos; start = nl + 2)
    lines.push_back(all.substr(start, nl - start));
  if (start < all.size()) lines.push_back(all.substr(start));
  return lines;
}

TEST_F(Log, FourThreadsNeverInterleaveWithinALine) {
  g_uart_len = 0;
  g_lock.reset();
  lib::log::init(&kSharedUart, "S-EL1");
  constexpr int kLines = 300;
  std::vector<std::thread> threads;
  for (unsigned cpu = 0; cpu < 4; ++cpu) {
    threads.emplace_back([cpu] {
      t_slot = cpu;
      for (int i = 0; i < kLines; ++i) {
        if (i % 50 == 49) {
          // Now and then a line longer than the buffer: its pieces stay
          // whole too.
          lib::log::info("CPU {} line {} {}", cpu, i, std::string(300, static_cast<char>('A' + cpu)).c_str());
        } else {
          lib::log::info("CPU {} line {} ready and waiting", cpu, i);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_LT(g_uart_len.load(), kUartMax);
  const std::vector<std::string> lines = uart_lines();
  int next[4] = {0, 0, 0, 0};
  char long_fill[4] = {0, 0, 0, 0};  // a CPU whose long line is being continued
  for (const std::string& l : lines) {
    ASSERT_EQ(l.rfind("[S-EL1] ", 0), 0u) << l;
    ASSERT_EQ(l.find('[', 1), std::string::npos) << "two prefixes in one line: " << l;
    const std::string body = l.substr(8);
    if (body.rfind("... ", 0) == 0) {
      // A continuation piece: one CPU's fill character only.
      const std::string rest = body.substr(4);
      ASSERT_FALSE(rest.empty());
      const unsigned cpu = static_cast<unsigned>(rest[0] - 'A');
      ASSERT_LT(cpu, 4u) << l;
      EXPECT_EQ(rest, std::string(rest.size(), rest[0])) << l;
      EXPECT_EQ(long_fill[cpu], rest[0]) << l;
      continue;
    }
    unsigned cpu = 0;
    int n = 0;
    ASSERT_EQ(std::sscanf(body.c_str(), "CPU %u line %d", &cpu, &n), 2) << l;
    ASSERT_LT(cpu, 4u);
    EXPECT_EQ(n, next[cpu]) << "CPU " << cpu << "'s lines out of order or mixed: " << l;
    next[cpu] = n + 1;
    long_fill[cpu] = 0;
    if (n % 50 == 49) {
      const std::string fill(1, static_cast<char>('A' + cpu));
      const std::string head = "CPU " + std::to_string(cpu) + " line " + std::to_string(n) + " ";
      ASSERT_EQ(body.compare(0, head.size(), head), 0) << l;
      const std::string rest = body.substr(head.size());
      EXPECT_EQ(rest, std::string(rest.size(), fill[0])) << l;
      long_fill[cpu] = fill[0];
    } else {
      EXPECT_EQ(body, "CPU " + std::to_string(cpu) + " line " + std::to_string(n) + " ready and waiting") << l;
    }
  }
  for (int c = 0; c < 4; ++c) EXPECT_EQ(next[c], kLines) << "CPU " << c;
}

// --- rate limits ---

TEST(RateLimit, FirstBurstPassesRestCountedThenSummaryAfterTheInterval) {
  RateLimit limit(3, 1000);
  for (int i = 0; i < 3; ++i) {
    const RateLimit::Verdict v = limit.admit(10 + i, true);
    EXPECT_TRUE(v.show);
    EXPECT_EQ(v.last_of_burst, i == 2);
    EXPECT_EQ(v.suppressed, 0u);
  }
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(limit.admit(500, true).show);
  EXPECT_FALSE(limit.admit(1009, true).show);  // still the first interval
  const RateLimit::Verdict v = limit.admit(1010, true);
  EXPECT_TRUE(v.show);
  EXPECT_EQ(v.suppressed, 11u);
  EXPECT_FALSE(v.last_of_burst);
  // A new interval with a new burst; nothing suppressed in it yet.
  EXPECT_TRUE(limit.admit(1011, true).show);
  EXPECT_TRUE(limit.admit(1012, true).last_of_burst);
  EXPECT_FALSE(limit.admit(1013, true).show);
}

TEST(RateLimit, QuietIntervalsReportNothing) {
  RateLimit limit(2, 100);
  EXPECT_TRUE(limit.admit(0, true).show);
  const RateLimit::Verdict v = limit.admit(5000, true);
  EXPECT_TRUE(v.show);
  EXPECT_EQ(v.suppressed, 0u);
}

TEST(RateLimit, WithoutAClockCountsInstead) {
  RateLimit limit(2, 100);
  EXPECT_TRUE(limit.admit(0, false).show);
  EXPECT_TRUE(limit.admit(0, false).show);
  for (uint32_t i = 0; i < RateLimit::kCountInterval; ++i) EXPECT_FALSE(limit.admit(0, false).show);
  const RateLimit::Verdict v = limit.admit(0, false);
  EXPECT_TRUE(v.show);
  EXPECT_EQ(v.suppressed, RateLimit::kCountInterval);
}

TEST_F(Log, WarnLimitedPrintsTheBurstThenOneSummaryLine) {
  static RateLimit limit(3, 10000);
  // A normal world offering the same page again and again.
  for (int i = 0; i < 500; ++i) {
    g_now_ms = static_cast<uint64_t>(i);  // 500 ms
    lib::log::warn_limited(limit, "cannot map NS pages {:x} (+{}): {}", 0x60000000u, 1, "already mapped");
  }
  ASSERT_EQ(g_writes.size(), 3u);
  EXPECT_EQ(g_writes[0], "[T] WARN: cannot map NS pages 0x60000000 (+1): already mapped\r\n");
  EXPECT_EQ(g_writes[2],
            "[T] WARN: cannot map NS pages 0x60000000 (+1): already mapped (rate limited: more are counted, not "
            "shown)\r\n");
  EXPECT_EQ(g_locks, 500);  // every one counted under the lock
  EXPECT_EQ(g_unlocks, 500);
  g_now_ms = 10000;
  lib::log::warn_limited(limit, "cannot map NS pages {:x} (+{}): {}", 0x60001000u, 2, "already mapped");
  ASSERT_EQ(g_writes.size(), 4u);
  EXPECT_EQ(g_writes[3], "[T] WARN: cannot map NS pages 0x60001000 (+2): already mapped (suppressed 497 similar)\r\n");
}

TEST_F(Log, RateLimitsOfTwoSitesAreIndependent) {
  static RateLimit a(1, 1000), b(1, 1000);
  lib::log::warn_limited(a, "a");
  lib::log::warn_limited(a, "a");
  lib::log::warn_limited(b, "b");
  ASSERT_EQ(g_writes.size(), 2u);
  EXPECT_EQ(g_writes[1].rfind("[T] WARN: b", 0), 0u);
}

TEST_F(Log, RateLimitSharedByFourThreadsKeepsItsCount) {
  // Without a clock the sequence of verdicts does not depend on which
  // thread comes first: 2 shown, then kCountInterval counted, and so on.
  g_uart_len = 0;
  g_lock.reset();
  static constexpr Console kSharedNoClock{&slow_uart_write, &bakery_lock, &bakery_unlock, nullptr};
  lib::log::init(&kSharedNoClock, "T");
  static RateLimit limit(2, 1000);
  constexpr int kPerThread = 1000;
  std::vector<std::thread> threads;
  for (unsigned cpu = 0; cpu < 4; ++cpu) {
    threads.emplace_back([cpu] {
      t_slot = cpu;
      for (int i = 0; i < kPerThread; ++i) lib::log::warn_limited(limit, "flood");
    });
  }
  for (auto& t : threads) t.join();
  // 4000 messages: intervals of 2 + 256; the last ends early.
  int shown = 0;
  uint64_t reported = 0;
  for (const std::string& l : uart_lines()) {
    ASSERT_EQ(l.rfind("[T] WARN: flood", 0), 0u) << l;
    ++shown;
    unsigned k = 0;
    const size_t at = l.find("(suppressed ");
    if (at != std::string::npos) {
      ASSERT_EQ(std::sscanf(l.c_str() + at, "(suppressed %u similar)", &k), 1);
      reported += k;
    }
  }
  const int period = 2 + static_cast<int>(RateLimit::kCountInterval);
  const int full = 4000 / period, left = 4000 % period;
  EXPECT_EQ(shown, full * 2 + std::min(left, 2));
  EXPECT_EQ(reported, static_cast<uint64_t>(full - (left == 0 ? 1 : 0)) * RateLimit::kCountInterval);
}

}  // namespace

// spmc::PartitionConsole: partitions' FFA_CONSOLE_LOG lines.
namespace {
class PartitionLog : public Log {};

bool has(const std::string& text) {
  return std::any_of(g_writes.begin(), g_writes.end(),
                     [&](const std::string& w) { return w.find(text) != std::string::npos; });
}

TEST_F(PartitionLog, EmptyLinesAreDroppedAndANinthPartitionFlushesTheSlotItTakes) {
  spmc::PartitionConsole console;
  console.write(ffa::EndpointId(0x8001), "\n\n\n", 3);
  EXPECT_TRUE(g_writes.empty());
  // Eight partitions with a line each in hand; a ninth takes the first
  // slot: its last owner's unfinished line goes out under its own ID.
  for (uint16_t id = 0x8001; id <= 0x8008; ++id) console.write(ffa::EndpointId(id), "part", 4);
  EXPECT_TRUE(g_writes.empty());
  console.write(ffa::EndpointId(0x8009), "new\n", 4);
  EXPECT_TRUE(has("SP 0x8001: part"));
  EXPECT_TRUE(has("SP 0x8009: new"));
  EXPECT_FALSE(has("SP 0x8009: partnew"));
}

TEST_F(PartitionLog, APartitionPrintsAtMost32LinesASecond) {
  spmc::PartitionConsole console;
  for (int i = 0; i < 100; ++i) console.write(ffa::EndpointId(0x8001), "x\n", 2);
  size_t lines = 0;
  for (const std::string& w : g_writes) lines += w.find("SP 0x8001: x") != std::string::npos;
  EXPECT_EQ(lines, 32u);
  // Another partition is not held back by it.
  console.write(ffa::EndpointId(0x8002), "y\n", 2);
  EXPECT_TRUE(has("SP 0x8002: y"));
  // A second later it prints again, and says how many were held back.
  g_now_ms += 1001;
  console.write(ffa::EndpointId(0x8001), "z\n", 2);
  EXPECT_TRUE(has("SP 0x8001: z"));
  EXPECT_TRUE(has("suppressed 68"));
}
}  // namespace
