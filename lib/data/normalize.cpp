// Fitting, applying and inverting per-column normalizations.
#include "data/normalize.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace gantool {

const std::vector<std::string>& normalization_methods() {
  static const std::vector<std::string> names = {"none", "standard", "minmax"};
  return names;
}

Normalization pixels_normalization(int64_t cols) {
  Normalization norm;
  norm.method = "pixels";
  norm.shift.assign(static_cast<size_t>(cols), 127.5);
  norm.scale.assign(static_cast<size_t>(cols), 127.5);
  return norm;
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

Normalization fit_normalization_to_rows(const std::string& method, const Normalization& stored, const float* rows,
                                        int64_t n, int64_t cols, const std::vector<std::string>& columns) {
  std::vector<float> raw(rows, rows + n * cols);  // data units, for fitting
  denormalize_rows(stored, raw.data(), n, cols);
  std::vector<ColumnStats> stats(static_cast<size_t>(cols));
  accumulate(stats, raw.data(), n, cols);
  return fit_normalization(method, stats, columns);
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

void check_normalization(const Normalization& norm, int64_t cols, const std::string& file,
                         const std::string& where) {
  const auto& methods = normalization_methods();
  if (norm.method != "pixels" && std::find(methods.begin(), methods.end(), norm.method) == methods.end())
    fail("{}: {} names an unknown method '{}' (damaged file, or not written by gantool)", file, where, norm.method);
  if (norm.method == "none" && norm.shift.empty() && norm.scale.empty()) return;
  const auto n = static_cast<size_t>(cols);
  if (norm.shift.size() != n || norm.scale.size() != n)
    fail("{}: {} holds {} values for {} columns (damaged file, or not written by gantool)", file, where,
         norm.shift.size() != n ? norm.shift.size() : norm.scale.size(), cols);
  for (size_t c = 0; c < n; ++c) {
    if (!std::isfinite(norm.shift[c]))
      fail("{}: {}/shift holds {} for column {}, not finite (damaged file, or not written by gantool)", file,
           where, norm.shift[c], c);
    if (!std::isfinite(norm.scale[c]))
      fail("{}: {}/scale holds {} for column {}, not finite (damaged file, or not written by gantool)", file,
           where, norm.scale[c], c);
    if (norm.scale[c] == 0)
      fail("{}: {}/scale holds 0 for column {}, which no data can be divided by (damaged file, or not "
           "written by gantool)", file, where, c);
  }
}

void renormalize_rows(const Normalization& from, const Normalization& to, float* rows, int64_t n, int64_t cols) {
  if (same_normalization(from, to)) return;
  denormalize_rows(from, rows, n, cols);
  normalize_rows(to, rows, n, cols);
}

}  // namespace gantool
