// Refusing or dropping rows with non-finite values.
#include "data/row_filter.hpp"

#include <cmath>
#include <cstring>

#include "core/error.hpp"

namespace gantool {

namespace {

// The first column of row (cols floats) whose value is not finite, or -1.
int64_t first_nonfinite(const float* row, int64_t cols) {
  for (int64_t c = 0; c < cols; ++c)
    if (!std::isfinite(row[c])) return c;
  return -1;
}

}  // namespace

int64_t keep_finite_rows(RowFilter& filter, float* rows, int64_t n, int64_t cols,
                         const std::vector<std::string>& columns, const std::function<std::string(int64_t)>& where) {
  int64_t kept = 0;
  for (int64_t r = 0; r < n; ++r) {
    const float* row = rows + r * cols;
    const int64_t bad = first_nonfinite(row, cols);
    if (bad >= 0) {
      if (filter.drop_nonfinite) {
        ++filter.dropped;
        continue;
      }
      const char* what = std::isnan(row[bad]) ? "missing or NaN" : "infinite";
      fail("{}: column '{}' is {}; drop such rows with --drop-nonfinite", where(r), columns[static_cast<size_t>(bad)],
           what);
    }
    if (kept != r) std::memmove(rows + kept * cols, row, static_cast<size_t>(cols) * sizeof(float));
    ++kept;
  }
  return kept;
}

int64_t drop_nonfinite_rows(Tensor& t) {
  RowFilter filter{/*drop_nonfinite=*/true};
  const int64_t kept = keep_finite_rows(filter, t.data(), t.rows(), t.cols(), {}, [](int64_t) { return std::string(); });
  t.resize(kept, t.cols());
  return filter.dropped;
}

}  // namespace gantool
