// Fitting, applying and inverting per-column normalizations.
#include "data/normalize.hpp"

#include "core/error.hpp"

namespace gantool {

const std::vector<std::string>& normalization_methods() {
  static const std::vector<std::string> names = {"none", "standard", "minmax"};
  return names;
}

Normalization fit_normalization(const std::string& method, const std::vector<ColumnStats>& stats,
                                const std::vector<std::string>& columns) {
  GANTOOL_ASSERT(stats.size() == columns.size());
  Normalization norm;
  norm.method = method;
  if (method == "none") return norm;
  if (method != "standard" && method != "minmax")
    fail_usage("--normalize must be one of none, standard, minmax (got '{}')", method);
  for (size_t c = 0; c < stats.size(); ++c) {
    const ColumnStats& s = stats[c];
    if (s.count == 0) fail("column '{}' has no finite value to normalize by", columns[c]);
    double shift, scale;
    if (method == "standard") {
      shift = s.mean;
      scale = s.stddev();
    } else {
      shift = 0.5 * (s.max + s.min);
      scale = 0.5 * (s.max - s.min);
    }
    norm.shift.push_back(shift);
    norm.scale.push_back(scale > 0 ? scale : 1.0);
  }
  return norm;
}

void normalize_rows(const Normalization& norm, float* rows, int64_t n, int64_t cols) {
  if (norm.method == "none") return;
  GANTOOL_ASSERT(static_cast<int64_t>(norm.shift.size()) == cols);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      float& v = rows[r * cols + c];
      v = static_cast<float>((v - norm.shift[c]) / norm.scale[c]);
    }
}

void denormalize_rows(const Normalization& norm, float* rows, int64_t n, int64_t cols) {
  if (norm.method == "none") return;
  GANTOOL_ASSERT(static_cast<int64_t>(norm.shift.size()) == cols);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      float& v = rows[r * cols + c];
      v = static_cast<float>(v * norm.scale[c] + norm.shift[c]);
    }
}

bool same_normalization(const Normalization& a, const Normalization& b) {
  return a.method == b.method && a.shift == b.shift && a.scale == b.scale;
}

void renormalize_rows(const Normalization& from, const Normalization& to, float* rows, int64_t n, int64_t cols) {
  if (same_normalization(from, to)) return;
  denormalize_rows(from, rows, n, cols);
  normalize_rows(to, rows, n, cols);
}

}  // namespace gantool
