// A tabular model's transform in HDF5.
#include "io/tabular_file.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "io/h5.hpp"

namespace gantool {

namespace {

constexpr const char* kDamaged = "(damaged model file, or not written by gantool)";

std::vector<double> read_modes(hid_t g, const char* name, const std::string& where, const std::string& what) {
  int64_t rows = 0, cols = 0;
  std::vector<double> v = read_doubles(g, name, rows, cols, what);
  for (const double x : v)
    if (!std::isfinite(x)) fail("{}: {}/{} holds {} {}", what, where, name, x, kDamaged);
  return v;
}

}  // namespace

void write_tabular(hid_t file, const TabularTransform& t) {
  H5Id group = create_group(file, "tabular");
  write_attr(group.get(), "data_dim", t.data_dim);
  write_attr(group.get(), "cond_dim", t.cond_dim);
  write_attr(group.get(), "columns", static_cast<int64_t>(t.columns.size()));
  for (size_t c = 0; c < t.columns.size(); ++c) {
    const Column& col = t.schema.columns[c];
    const ColumnCode& code = t.columns[c];
    H5Id h = create_group(group.get(), fmt::format("column{}", c));
    const hid_t g = h.get();
    write_attr(g, "name", col.name);
    write_attr(g, "kind", std::string(column_kind_name(col.kind)));
    if (!col.categories.empty()) write_attr(g, "categories", col.categories);
    if (!code.counts.empty()) write_attr(g, "counts", code.counts);
    if (!col.format.empty()) write_attr(g, "format", col.format);
    write_attr(g, "nullable", int64_t{col.nullable});
    write_attr(g, "offset", code.offset);
    write_attr(g, "width", code.width);
    write_attr(g, "missing_offset", code.missing_offset);
    write_attr(g, "cond_offset", code.cond_offset);
    write_attr(g, "granularity", std::string(granularity_name(code.granularity)));
    write_attr(g, "decimals", code.decimals);
    write_attr(g, "always_missing", int64_t{code.always_missing});
    write_attr(g, "lo", code.lo);
    write_attr(g, "hi", code.hi);
    if (is_numeric(col.kind)) {
      const auto modes = static_cast<int64_t>(code.mixture.weights.size());
      write_doubles(g, "weights", code.mixture.weights, modes);
      write_doubles(g, "means", code.mixture.means, modes);
      write_doubles(g, "stds", code.mixture.stds, modes);
      if (!code.points.empty()) write_doubles(g, "points", code.points, static_cast<int64_t>(code.points.size()));
    }
  }
}

bool has_tabular(hid_t file) { return h5_exists(file, "tabular"); }

TabularTransform read_tabular(hid_t file, const std::string& what) {
  H5Id group = open_group(file, "/tabular", what);
  const auto integer = [&](hid_t g, const std::string& where, const char* name, int64_t lo, int64_t hi) {
    const auto v = read_number_attr(g, name);
    if (!v || !(*v >= double(lo) && *v <= double(hi)) || *v != std::floor(*v))
      fail("{}: {} attribute '{}' is missing or not a whole number from {} to {} {}", what, where, name, lo, hi, kDamaged);
    return static_cast<int64_t>(*v);
  };
  TabularTransform t;
  t.data_dim = integer(group.get(), "/tabular", "data_dim", 1, int64_t{1} << 24);
  t.cond_dim = integer(group.get(), "/tabular", "cond_dim", 0, int64_t{1} << 24);
  const int64_t columns = integer(group.get(), "/tabular", "columns", 1, int64_t{1} << 20);
  int64_t offset = 0, cond_offset = 0;
  for (int64_t c = 0; c < columns; ++c) {
    const std::string where = fmt::format("/tabular/column{}", c);
    H5Id h = open_group(group.get(), fmt::format("column{}", c), what);
    const hid_t g = h.get();
    Column col;
    ColumnCode code;
    col.name = read_string_attr(g, "name").value_or("");
    if (!parse_column_kind(read_string_attr(g, "kind").value_or(""), col.kind))
      fail("{}: {} has no known 'kind' {}", what, where, kDamaged);
    col.categories = read_strings_attr(g, "categories").value_or(std::vector<std::string>{});
    code.counts = read_ints_attr(g, "counts").value_or(std::vector<int64_t>{});
    col.format = read_string_attr(g, "format").value_or("");
    col.nullable = integer(g, where, "nullable", 0, 1) != 0;
    code.offset = integer(g, where, "offset", 0, t.data_dim - 1);
    code.width = integer(g, where, "width", 1, t.data_dim);
    code.missing_offset = integer(g, where, "missing_offset", -1, t.data_dim - 2);
    code.cond_offset = integer(g, where, "cond_offset", -1, t.cond_dim);
    if (!parse_granularity(read_string_attr(g, "granularity").value_or(""), code.granularity))
      fail("{}: {} has no known 'granularity' {}", what, where, kDamaged);
    code.decimals = integer(g, where, "decimals", -1, 6);
    code.always_missing = integer(g, where, "always_missing", 0, 1) != 0;
    code.lo = read_number_attr(g, "lo").value_or(NAN);
    code.hi = read_number_attr(g, "hi").value_or(NAN);
    bool ok = code.offset == offset && std::isfinite(code.lo) && std::isfinite(code.hi) && code.lo <= code.hi;
    if (is_numeric(col.kind)) {
      Mixture& m = code.mixture;
      m.weights = read_modes(g, "weights", where, what);
      m.means = read_modes(g, "means", where, what);
      m.stds = read_modes(g, "stds", where, what);
      if (h5_exists(g, "points")) code.points = read_modes(g, "points", where, what);
      const auto modes = static_cast<int64_t>(m.weights.size()), points = static_cast<int64_t>(code.points.size());
      ok = ok && modes >= 1 && modes <= 64 && points <= static_cast<int64_t>(kMaxPoints) &&
           std::is_sorted(code.points.begin(), code.points.end()) && m.means.size() == m.weights.size() &&
           m.stds.size() == m.weights.size() && code.width == 1 + points + modes && code.cond_offset == -1 &&
           code.missing_offset == (col.nullable ? offset + code.width : -1);
      double total = 0;
      for (const double w : m.weights) {
        ok = ok && w >= 0;
        total += w;
      }
      ok = ok && std::abs(total - 1) < 1e-6 && std::adjacent_find(code.points.begin(), code.points.end()) == code.points.end();
      for (const double s : m.stds) ok = ok && s > 0;
      // Integers and datetimes are int64: their range must be too.
      if (col.kind != ColumnKind::continuous) ok = ok && code.lo >= -9223372036854775808.0 && code.hi <= 9223372036854775808.0;
      if (col.kind == ColumnKind::datetime) ok = ok && !col.format.empty();
    } else {
      const auto categories = static_cast<int64_t>(col.categories.size());
      ok = ok && (col.kind != ColumnKind::boolean || categories == 2) && (categories >= 1 || col.nullable) &&
           code.width == categories + col.nullable && code.cond_offset == cond_offset && code.missing_offset == -1 &&
           static_cast<int64_t>(code.counts.size()) == code.width;
      for (const int64_t n : code.counts) ok = ok && n >= 0 && n < (int64_t{1} << 53);
      cond_offset += code.width;
    }
    if (!ok) fail("{}: {} ('{}') does not describe a column's code {}", what, where, col.name, kDamaged);
    offset += code.width + (code.missing_offset >= 0 ? 2 : 0);
    t.schema.columns.push_back(std::move(col));
    t.columns.push_back(std::move(code));
  }
  if (offset != t.data_dim || cond_offset != t.cond_dim)
    fail("{}: /tabular's columns cover {} + {} values, not data_dim {} + cond_dim {} {}", what, offset, cond_offset,
         t.data_dim, t.cond_dim, kDamaged);
  return t;
}

}  // namespace gantool
