// Tests of the exact-copy count between samples.
#include <catch2/catch.hpp>

#include "metrics/shared_rows.hpp"

using namespace gantool;

TEST_CASE("shared_rows counts rows of b copied from a; duplicated_rows repeats within a", "[shared_rows]") {
  Tensor a(4, 2), b(3, 2);
  const float va[8] = {1, 2, 3, 4, 1, 2, 5, 6}, vb[6] = {3, 4, 2, 1, 5, 6};
  std::copy(va, va + 8, a.data());
  std::copy(vb, vb + 6, b.data());
  const std::vector<uint64_t> h = sorted_row_hashes(a);
  CHECK(std::is_sorted(h.begin(), h.end()));
  CHECK(shared_rows(h, b) == 2);  // (3, 4) and (5, 6); (2, 1) is not (1, 2)
  CHECK(duplicated_rows(h) == 1);
}
