// Per-column summary statistics, accumulated block by block in double precision.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

namespace gantool {

// The finite values of one column seen so far; non-finite values are only counted.
struct ColumnStats {
  int64_t count = 0;      // finite values
  int64_t nonfinite = 0;  // NaN and ±inf values
  double mean = 0;        // of the finite values
  double m2 = 0;          // sum of squared deviations from the mean
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();

  // Population variance and standard deviation (divisor count; NaN when count is 0).
  double variance() const;
  double stddev() const;
};

// Adds a block of n rows × cols floats (row-major) to stats, which holds one entry per
// column. The block's moments are computed by two passes and merged with Chan et al.'s
// update ("Updating formulae and a pairwise algorithm for computing sample variances",
// 1979), which stays accurate over billions of values.
void accumulate(std::vector<ColumnStats>& stats, const float* rows, int64_t n, int64_t cols);

}  // namespace gantool
