// Building and checking Schemas.
#include "data/schema.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace gantool {

namespace {

// Ends every refusal of a stored schema.
constexpr const char* kDamaged = "(damaged file, or not written by gantool)";

void check_distribution(const TrueDistribution& d, int64_t cols, const std::string& file, const std::string& where) {
  if (!d.modes.empty()) {
    if (d.modes.cols() != cols)
      fail("{}: {}/modes has {} columns for data of {} columns {}", file, where, d.modes.cols(), cols, kDamaged);
    for (int64_t i = 0; i < d.modes.size(); ++i)
      if (!std::isfinite(d.modes.data()[i]))
        fail("{}: {}/modes holds {} in row {}, not finite {}", file, where, d.modes.data()[i], i / cols, kDamaged);
  }
  if (!(d.mode_std >= 0) || !std::isfinite(d.mode_std))
    fail("{}: {} attribute 'mode_std' holds {}, not a finite non-negative std {}", file, where, d.mode_std, kDamaged);
}

// A discrete column's categories: two for a boolean, at least one otherwise, all different,
// with one count each when counts are given; a datetime column has a format.
void check_column(const Column& c, const std::string& file) {
  const std::string where = quote_for_message(c.name);
  if (is_discrete(c.kind)) {
    if (c.kind == ColumnKind::boolean && c.categories.size() != 2)
      fail("{}: boolean column {} has {} labels, not 2 {}", file, where, c.categories.size(), kDamaged);
    if (c.categories.empty()) fail("{}: categorical column {} has no categories {}", file, where, kDamaged);
    std::vector<std::string> sorted = c.categories;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
      fail("{}: column {} names a category twice {}", file, where, kDamaged);
    if (!c.counts.empty() && c.counts.size() != c.categories.size())
      fail("{}: column {} has {} counts for {} categories {}", file, where, c.counts.size(), c.categories.size(),
           kDamaged);
  } else if (!c.categories.empty()) {
    fail("{}: {} column {} has categories {}", file, column_kind_name(c.kind), where, kDamaged);
  }
  if (c.kind == ColumnKind::datetime && c.format.empty())
    fail("{}: datetime column {} has no format {}", file, where, kDamaged);
}

}  // namespace

const char* column_kind_name(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::continuous: return "continuous";
    case ColumnKind::integer: return "integer";
    case ColumnKind::boolean: return "boolean";
    case ColumnKind::categorical: return "categorical";
    case ColumnKind::datetime: return "datetime";
  }
  return "?";
}

bool parse_column_kind(const std::string& name, ColumnKind& kind) {
  for (ColumnKind k : {ColumnKind::continuous, ColumnKind::integer, ColumnKind::boolean, ColumnKind::categorical,
                       ColumnKind::datetime})
    if (name == column_kind_name(k)) {
      kind = k;
      return true;
    }
  return false;
}

Schema continuous_schema(const std::vector<std::string>& names) {
  Schema schema;
  schema.columns.resize(names.size());
  for (size_t c = 0; c < names.size(); ++c) schema.columns[c].name = names[c];
  return schema;
}

std::vector<std::string> default_column_names(int64_t cols) {
  std::vector<std::string> names;
  for (int64_t c = 0; c < cols; ++c) names.push_back(fmt::format("x{}", c));
  return names;
}

std::vector<std::string> column_names(const Schema& schema) {
  std::vector<std::string> names;
  names.reserve(schema.columns.size());
  for (const Column& c : schema.columns) names.push_back(c.name);
  return names;
}

int64_t width(const Schema& schema) { return static_cast<int64_t>(schema.columns.size()); }

void check_schema(const Schema& schema, const std::string& file, const SchemaWhere& where) {
  const int64_t cols = width(schema);
  for (const Column& c : schema.columns) check_column(c, file);
  check_normalization(schema.normalization, cols, file, where.normalization);
  check_distribution(schema.distribution, cols, file, where.distribution);
}

}  // namespace gantool
