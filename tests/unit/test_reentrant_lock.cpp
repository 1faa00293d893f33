// lib/reentrant_lock.h, the S-EL1 placement's core lock (sel1/core_lock.h):
// nesting on the CPU that holds it, letting go however deep and taking it
// back as deep, and mutual exclusion between CPUs, the last with real
// threads standing for CPUs.
#include "lib/reentrant_lock.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace {

// One thread, several CPUs by turns: which CPU runs is a variable, and an
// acquire that would have to wait fails the test instead.
struct TurnsArch {
  static inline unsigned cpu = 0;
  static unsigned cpu_index() { return cpu; }
  static void spin_acquire(volatile uint32_t* word) {
    EXPECT_EQ(*word, 0u) << "CPU " << cpu << " would wait for the lock here";
    *word = 1;
  }
  static void spin_release(volatile uint32_t* word) { *word = 0; }
};

TEST(ReentrantLock, TheHolderNestsAndOthersAreNotIt) {
  lib::ReentrantLock<TurnsArch> lock;
  TurnsArch::cpu = 0;
  EXPECT_FALSE(lock.held_here());
  lock.lock();
  lock.lock();  // a top half reached from the core, say: no second acquire
  EXPECT_TRUE(lock.held_here());
  EXPECT_EQ(lock.depth(), 2u);
  TurnsArch::cpu = 1;
  EXPECT_FALSE(lock.held_here());
  EXPECT_EQ(lock.release_all(), 0u);  // not CPU 1's to let go
  EXPECT_FALSE(lock.free());
  TurnsArch::cpu = 0;
  lock.unlock();
  EXPECT_FALSE(lock.free());  // still held once
  lock.unlock();
  EXPECT_TRUE(lock.free());
  EXPECT_FALSE(lock.held_here());
}

TEST(ReentrantLock, LetGoHoweverDeepAndTakenBackAsDeep) {
  lib::ReentrantLock<TurnsArch> lock;
  TurnsArch::cpu = 2;
  lock.lock();
  lock.lock();
  lock.lock();
  const unsigned depth = lock.release_all();  // around a partition's run
  EXPECT_EQ(depth, 3u);
  EXPECT_TRUE(lock.free());
  EXPECT_FALSE(lock.held_here());
  // Meanwhile another CPU takes it and lets it go.
  TurnsArch::cpu = 3;
  lock.lock();
  EXPECT_TRUE(lock.held_here());
  lock.unlock();
  EXPECT_TRUE(lock.free());
  TurnsArch::cpu = 2;
  lock.reacquire(depth);
  EXPECT_TRUE(lock.held_here());
  for (unsigned i = 0; i < 3; ++i) {
    EXPECT_FALSE(lock.free());
    lock.unlock();
  }
  EXPECT_TRUE(lock.free());
  lock.reacquire(0);  // it did not hold it: nothing taken
  EXPECT_TRUE(lock.free());
}

// Real threads, one per CPU, spinning on the word for real.
struct ThreadArch {
  static inline thread_local unsigned cpu = 0;
  static unsigned cpu_index() { return cpu; }
  static void spin_acquire(volatile uint32_t* word) {
    auto* w = const_cast<uint32_t*>(word);
    while (__atomic_exchange_n(w, 1u, __ATOMIC_ACQUIRE) != 0) {
      while (__atomic_load_n(w, __ATOMIC_RELAXED) != 0) std::this_thread::yield();
    }
  }
  static void spin_release(volatile uint32_t* word) {
    __atomic_store_n(const_cast<uint32_t*>(word), 0u, __ATOMIC_RELEASE);
  }
};

TEST(ReentrantLock, OneCpuAtATimeWhateverTheNesting) {
  static lib::ReentrantLock<ThreadArch> lock;
  constexpr unsigned kCpus = 4, kRounds = 20000;
  static unsigned counter = 0, inside = 0, overlaps = 0;
  counter = inside = overlaps = 0;
  std::vector<std::thread> cpus;
  for (unsigned c = 0; c < kCpus; ++c) {
    cpus.emplace_back([c] {
      ThreadArch::cpu = c;
      for (unsigned i = 0; i < kRounds; ++i) {
        lock.lock();
        lock.lock();  // nested, as a top half within a core call
        if (__atomic_fetch_add(&inside, 1u, __ATOMIC_RELAXED) != 0) __atomic_fetch_add(&overlaps, 1u, __ATOMIC_RELAXED);
        ++counter;  // not atomic: the lock alone keeps it right
        if (i % 8 == 0) {
          // Let go around something that runs without it, then back.
          __atomic_fetch_sub(&inside, 1u, __ATOMIC_RELAXED);
          const unsigned depth = lock.release_all();
          EXPECT_EQ(depth, 2u);
          lock.reacquire(depth);
          __atomic_fetch_add(&inside, 1u, __ATOMIC_RELAXED);
        }
        __atomic_fetch_sub(&inside, 1u, __ATOMIC_RELAXED);
        lock.unlock();
        lock.unlock();
      }
    });
  }
  for (std::thread& t : cpus) t.join();
  EXPECT_EQ(counter, kCpus * kRounds);
  EXPECT_EQ(overlaps, 0u);
  EXPECT_TRUE(lock.free());
}

}  // namespace
