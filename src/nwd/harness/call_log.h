// Which FF-A function IDs each group of harness tests called, so that the
// system test can hold docs/abi-support.md's "Tested by" claims to what the
// tests really do. Only calls made while a test runs are logged; the
// benchmarks use raw_call() and pay nothing for it.
#pragma once

#include <cstdint>

namespace harness {

// Notes x0 of an SMC about to be made, if a test is running and x0 is an
// FF-A function ID (0x84000060-0x840000FF or 0xC4000060-0xC40000FF).
void note_call(uint64_t x0);

// The test framework brackets each test with these; test_ended merges
// every CPU's log (tests run work on several CPUs) into the group's.
void test_started();
void test_ended(const char* test_name);

// Prints "# calls GROUP ID ID ..." for every group that ran, in lines short
// enough for one console line each.
void print_calls_by_group();

}  // namespace harness
