// Column statistics by blocks, merged with Chan et al.'s formula.
#include "data/stats.hpp"

#include <cmath>

#include "core/error.hpp"

namespace gantool {

double ColumnStats::variance() const {
  return count > 0 ? m2 / static_cast<double>(count) : std::numeric_limits<double>::quiet_NaN();
}

double ColumnStats::stddev() const { return std::sqrt(variance()); }

void accumulate(std::vector<ColumnStats>& stats, const float* rows, int64_t n, int64_t cols) {
  GANTOOL_ASSERT(static_cast<int64_t>(stats.size()) == cols);
  for (int64_t c = 0; c < cols; ++c) {
    ColumnStats block;
    double sum = 0;
    for (int64_t r = 0; r < n; ++r) {
      const double v = rows[r * cols + c];
      if (!std::isfinite(v)) {
        ++block.nonfinite;
        continue;
      }
      ++block.count;
      sum += v;
      if (v < block.min) block.min = v;
      if (v > block.max) block.max = v;
    }
    if (block.count > 0) {
      block.mean = sum / static_cast<double>(block.count);
      for (int64_t r = 0; r < n; ++r) {
        const double v = rows[r * cols + c];
        if (std::isfinite(v)) block.m2 += (v - block.mean) * (v - block.mean);
      }
    }
    ColumnStats& s = stats[c];
    s.nonfinite += block.nonfinite;
    if (block.count == 0) continue;
    const double na = static_cast<double>(s.count), nb = static_cast<double>(block.count);
    const double delta = block.mean - s.mean;
    s.mean += delta * nb / (na + nb);
    s.m2 += block.m2 + delta * delta * na * nb / (na + nb);
    s.count += block.count;
    if (block.min < s.min) s.min = block.min;
    if (block.max > s.max) s.max = block.max;
  }
}

}  // namespace gantool
