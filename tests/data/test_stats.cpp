// Tests of block-wise column statistics against direct two-pass computations.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "core/rng.hpp"
#include "data/stats.hpp"

using namespace gantool;

TEST_CASE("column statistics merged over blocks equal a direct computation", "[stats]") {
  const int64_t rows = 10007, cols = 3;
  std::vector<float> data(rows * cols);
  Rng rng = make_rng(5);
  for (auto& v : data) v = static_cast<float>(1000 + 3 * normal(rng));  // offset tests cancellation
  data[5 * cols + 1] = std::numeric_limits<float>::quiet_NaN();
  data[9 * cols + 1] = std::numeric_limits<float>::infinity();

  std::vector<ColumnStats> stats(cols);
  for (int64_t first = 0; first < rows; first += 1000)
    accumulate(stats, data.data() + first * cols, std::min<int64_t>(1000, rows - first), cols);

  for (int64_t c = 0; c < cols; ++c) {
    double sum = 0, lo = 1e300, hi = -1e300;
    int64_t count = 0;
    for (int64_t r = 0; r < rows; ++r) {
      const double v = data[r * cols + c];
      if (!std::isfinite(v)) continue;
      sum += v, ++count, lo = std::min(lo, v), hi = std::max(hi, v);
    }
    const double mean = sum / count;
    double ss = 0;
    for (int64_t r = 0; r < rows; ++r) {
      const double v = data[r * cols + c];
      if (std::isfinite(v)) ss += (v - mean) * (v - mean);
    }
    CHECK(stats[c].count == count);
    CHECK(stats[c].nonfinite == (c == 1 ? 2 : 0));
    CHECK(stats[c].mean == Approx(mean).epsilon(1e-12));
    CHECK(stats[c].variance() == Approx(ss / count).epsilon(1e-9));
    CHECK(stats[c].min == lo);
    CHECK(stats[c].max == hi);
  }
}

TEST_CASE("a column without finite values has NaN variance", "[stats]") {
  std::vector<ColumnStats> stats(1);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  accumulate(stats, &nan, 1, 1);
  CHECK(stats[0].count == 0);
  CHECK(stats[0].nonfinite == 1);
  CHECK(std::isnan(stats[0].variance()));
}
