// A counting global operator new for the tests that check "no allocation in the steady
// state". Counting is off until a test turns it on, because Catch2 itself allocates.
#pragma once

#include <cstdint>

namespace gantool_test {

struct AllocationCount {
  int64_t ours = 0;    // allocations made outside oneDNN's primitive execution
  int64_t onednn = 0;  // allocations made inside it (its internal argument maps)
};

// Starts counting from zero on this process; stop_counting() returns what was counted.
// With calling_thread_only, for code that runs gantool's part on this thread alone (a
// one-worker GAN step whose primitives run on several threads), allocations on other
// threads count as oneDNN's (its threads do not know they are inside a primitive).
void start_counting(bool calling_thread_only = false);
AllocationCount stop_counting();

}  // namespace gantool_test
