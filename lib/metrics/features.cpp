// Typed rows as numeric features: fitting the map on reference rows, encoding any rows.
#include "metrics/features.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "core/error.hpp"

namespace gantool {

namespace {

// The q-quantile of sorted values, linearly interpolated between order statistics (numpy's
// default, "linear").
double quantile_sorted(const std::vector<double>& v, double q) {
  const double at = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(at));
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (at - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

// The median and IQR/1.349 of column c's present, finite values (std, then 1, when the IQR is
// 0); 0 and 1 when there are none.
void fit_numeric(const Table& reference, int64_t c, FeatureMap::Part& part) {
  std::vector<double> values;
  values.reserve(static_cast<size_t>(reference.rows));
  for (int64_t r = 0; r < reference.rows; ++r) {
    const double v = number_at(reference, c, r);
    if (std::isfinite(v)) values.push_back(v);
  }
  part.center = 0, part.spread = 1;
  if (values.empty()) return;
  std::sort(values.begin(), values.end());
  part.center = quantile_sorted(values, 0.5);
  double spread = (quantile_sorted(values, 0.75) - quantile_sorted(values, 0.25)) / 1.349;
  if (!(spread > 0)) {
    double mean = 0, s2 = 0;
    for (const double v : values) mean += v;
    mean /= static_cast<double>(values.size());
    for (const double v : values) s2 += (v - mean) * (v - mean);
    spread = std::sqrt(s2 / static_cast<double>(values.size()));
  }
  part.spread = spread > 0 && std::isfinite(spread) ? spread : 1;
}

bool any_missing(const Table& table, int64_t c) {
  for (const uint8_t m : table.columns[static_cast<size_t>(c)].missing)
    if (m) return true;
  return false;
}

// For each code of `column` (of the table being encoded), the offset of its feature within
// the part, or -1 when the reference lacks its category.
std::vector<int64_t> feature_of_code(const FeatureMap::Part& part, const Column& column) {
  if (column.kind == ColumnKind::boolean) return {0, 1};
  std::unordered_map<std::string, int64_t> index;
  for (size_t i = 0; i < part.categories.size(); ++i) index.emplace(part.categories[i], static_cast<int64_t>(i));
  std::vector<int64_t> out;
  for (const std::string& category : column.categories) {
    const auto it = index.find(category);
    out.push_back(it == index.end() ? -1 : it->second);
  }
  return out;
}

}  // namespace

FeatureMap fit_features(const Table& reference, const Table& other, double onehot_scale) {
  GANTOOL_ASSERT(reference.columns.size() == other.columns.size());
  FeatureMap map;
  map.onehot_scale = onehot_scale;
  const auto cols = static_cast<int64_t>(reference.columns.size());
  for (int64_t c = 0; c < cols; ++c) {
    const Column& column = reference.schema.columns[static_cast<size_t>(c)];
    FeatureMap::Part part;
    part.column = c;
    part.kind = column.kind;
    part.first = map.width;
    if (is_discrete(column.kind)) {
      part.categories = column.categories;
      part.width = static_cast<int64_t>(part.categories.size());
      for (const std::string& category : part.categories) map.names.push_back(column.name + "=" + category);
    } else {
      fit_numeric(reference, c, part);
      part.width = 1;
      map.names.push_back(column.name);
    }
    map.width += part.width;
    if (any_missing(reference, c) || any_missing(other, c)) {
      part.missing_feature = map.width++;
      map.names.push_back(column.name + " missing");
    }
    map.parts.push_back(std::move(part));
  }
  return map;
}

Tensor encode_features(const FeatureMap& map, const Table& table) {
  GANTOOL_ASSERT(map.parts.size() == table.columns.size());
  Tensor dst(table.rows, map.width);  // zero-filled
  const auto scale = static_cast<float>(map.onehot_scale);
  for (const FeatureMap::Part& part : map.parts) {
    const Column& column = table.schema.columns[static_cast<size_t>(part.column)];
    const ColumnValues& values = table.columns[static_cast<size_t>(part.column)];
    GANTOOL_ASSERT(column.kind == part.kind);
    const std::vector<int64_t> offset = is_discrete(part.kind) ? feature_of_code(part, column) : std::vector<int64_t>{};
    for (int64_t r = 0; r < table.rows; ++r) {
      const auto i = static_cast<size_t>(r);
      if (values.missing[i]) {
        if (part.missing_feature >= 0) dst(r, part.missing_feature) = 1;
        continue;
      }
      if (is_discrete(part.kind)) {
        const int64_t code = values.ints[i];
        const int64_t at = code >= 0 && code < static_cast<int64_t>(offset.size()) ? offset[static_cast<size_t>(code)] : -1;
        if (at >= 0 && at < part.width) dst(r, part.first + at) = scale;
      } else {
        const double v = holds_reals(part.kind) ? values.reals[i] : static_cast<double>(values.ints[i]);
        dst(r, part.first) = static_cast<float>((v - part.center) / part.spread);
      }
    }
  }
  return dst;
}

}  // namespace gantool
