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
void start_counting();
AllocationCount stop_counting();

}  // namespace gantool_test
