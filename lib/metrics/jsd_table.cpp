// JSD between typed tables: k-NN within the cells of the discrete part, or the classifier on
// the rows' features.
#include "metrics/jsd_table.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "core/error.hpp"
#include "data/selection.hpp"
#include "metrics/features.hpp"

namespace gantool {

namespace {

// The rows of a and b split into cells, and their numeric values standardized.
struct Split {
  TableCells cells;
  std::vector<int64_t> cell_a, cell_b;          // the cell of each row
  std::vector<std::vector<int64_t>> present;    // per cell: the numeric columns present there
  std::vector<int64_t> numeric;                 // the numeric columns
  std::vector<double> center, spread;           // per numeric column: pooled median, IQR/1.349
};

// For each code of b's discrete column c, the code of its category in a (by text; booleans
// by code), or a new code (≥ a's number of categories) for a category that a lacks.
std::vector<int64_t> codes_in_a(const Column& in_a, const Column& in_b) {
  if (in_a.kind == ColumnKind::boolean) return {0, 1};
  std::unordered_map<std::string, int64_t> index;
  for (size_t i = 0; i < in_a.categories.size(); ++i) index.emplace(in_a.categories[i], static_cast<int64_t>(i));
  std::vector<int64_t> out;
  for (size_t i = 0; i < in_b.categories.size(); ++i) {
    const auto it = index.find(in_b.categories[i]);
    out.push_back(it != index.end() ? it->second : static_cast<int64_t>(in_a.categories.size() + i));
  }
  return out;
}

bool any_missing(const Table& table, size_t c) {
  return std::any_of(table.columns[c].missing.begin(), table.columns[c].missing.end(), [](uint8_t m) { return m; });
}

// The linear-interpolated q-quantile of sorted values.
double quantile_sorted(const std::vector<double>& v, double q) {
  const double at = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<size_t>(at);
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (at - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

// The pooled median and IQR/1.349 (the std when that is 0, then 1) of column c's present values.
void pooled_scale(const Table& a, const Table& b, int64_t c, double& center, double& spread) {
  std::vector<double> v;
  for (const Table* t : {&a, &b})
    for (int64_t r = 0; r < t->rows; ++r)
      if (!t->columns[static_cast<size_t>(c)].missing[static_cast<size_t>(r)]) v.push_back(number_at(*t, c, r));
  center = 0, spread = 1;
  if (v.empty()) return;
  std::sort(v.begin(), v.end());
  center = quantile_sorted(v, 0.5);
  double s = (quantile_sorted(v, 0.75) - quantile_sorted(v, 0.25)) / 1.349;
  if (!(s > 0)) {
    double s2 = 0;
    for (const double x : v) s2 += (x - center) * (x - center);
    s = std::sqrt(s2 / static_cast<double>(v.size()));
  }
  spread = s > 0 && std::isfinite(s) ? s : 1;
}

// The cell of every row of a and b: keys of one code per discrete column (−1: missing) and
// one flag per numeric column with a missing value.
Split split_cells(const Table& a, const Table& b) {
  GANTOOL_ASSERT(a.columns.size() == b.columns.size());
  Split s;
  std::vector<int64_t> discrete, flagged;  // columns
  std::vector<std::vector<int64_t>> b_codes;
  for (size_t c = 0; c < a.columns.size(); ++c) {
    const Column& column = a.schema.columns[c];
    GANTOOL_ASSERT(column.kind == b.schema.columns[c].kind);
    if (is_discrete(column.kind)) {
      discrete.push_back(static_cast<int64_t>(c));
      b_codes.push_back(codes_in_a(column, b.schema.columns[c]));
      continue;
    }
    s.numeric.push_back(static_cast<int64_t>(c));
    if (any_missing(a, c) || any_missing(b, c)) flagged.push_back(static_cast<int64_t>(c));
  }
  s.cells.discrete_columns = static_cast<int64_t>(discrete.size());
  s.cells.missing_flags = static_cast<int64_t>(flagged.size());
  s.cells.numeric_columns = static_cast<int64_t>(s.numeric.size());
  std::map<std::vector<int64_t>, int64_t> index;
  std::vector<int64_t> key(discrete.size() + flagged.size());
  for (const Table* t : {&a, &b}) {
    std::vector<int64_t>& cell = t == &a ? s.cell_a : s.cell_b;
    for (int64_t r = 0; r < t->rows; ++r) {
      const auto i = static_cast<size_t>(r);
      bool unmatched = false;
      for (size_t j = 0; j < discrete.size(); ++j) {
        const int64_t code = t->columns[static_cast<size_t>(discrete[j])].ints[i];
        key[j] = code < 0 || t == &a ? code : b_codes[j][static_cast<size_t>(code)];
        const auto known = static_cast<int64_t>(a.schema.columns[static_cast<size_t>(discrete[j])].categories.size());
        unmatched = unmatched || (t == &b && key[j] >= known);
      }
      for (size_t j = 0; j < flagged.size(); ++j)
        key[discrete.size() + j] = t->columns[static_cast<size_t>(flagged[j])].missing[i];
      s.cells.unmatched_b += unmatched;
      const auto [it, added] = index.emplace(key, static_cast<int64_t>(index.size()));
      if (added) {
        std::vector<int64_t> present;
        for (const int64_t c : s.numeric) {
          const auto f = std::find(flagged.begin(), flagged.end(), c);
          if (f == flagged.end() || key[discrete.size() + static_cast<size_t>(f - flagged.begin())] == 0)
            present.push_back(c);
        }
        s.present.push_back(std::move(present));
      }
      cell.push_back(it->second);
    }
  }
  s.cells.cells = static_cast<int64_t>(index.size());
  for (const int64_t c : s.numeric) {
    double center = 0, spread = 1;
    pooled_scale(a, b, c, center, spread);
    s.center.push_back(center), s.spread.push_back(spread);
  }
  return s;
}

// The standardized present numeric values of the given rows of t in a cell: (rows, present).
Tensor cell_values(const Table& t, const std::vector<int64_t>& rows, const std::vector<int64_t>& present,
                   const Split& s) {
  Tensor out(static_cast<int64_t>(rows.size()), static_cast<int64_t>(present.size()));
  for (size_t j = 0; j < present.size(); ++j) {
    const auto n = static_cast<size_t>(std::find(s.numeric.begin(), s.numeric.end(), present[j]) - s.numeric.begin());
    for (size_t i = 0; i < rows.size(); ++i)
      out(static_cast<int64_t>(i), static_cast<int64_t>(j)) =
          static_cast<float>((number_at(t, present[j], rows[i]) - s.center[n]) / s.spread[n]);
  }
  return out;
}

double mean(const std::vector<double>& v) {
  double sum = 0;
  for (const double x : v) sum += x;
  return v.empty() ? 0 : sum / static_cast<double>(v.size());
}

// False when a present value of a continuous column of row r is NaN or ±inf.
bool row_finite(const Table& table, int64_t r) {
  const auto i = static_cast<size_t>(r);
  for (size_t c = 0; c < table.columns.size(); ++c)
    if (holds_reals(table.schema.columns[c].kind) && !table.columns[c].missing[i] &&
        !std::isfinite(table.columns[c].reals[i]))
      return false;
  return true;
}

}  // namespace

TableCells table_cells(const Table& a, const Table& b) { return split_cells(a, b).cells; }

JsdEstimate knn_jsd_table(const Table& a, const Table& b, int k, TableCells& cells) {
  GANTOOL_ASSERT(a.rows == b.rows && a.rows > k && k >= 1);
  Split s = split_cells(a, b);
  const auto ncells = static_cast<size_t>(s.cells.cells);
  std::vector<std::vector<int64_t>> rows_a(ncells), rows_b(ncells);
  for (int64_t r = 0; r < a.rows; ++r) rows_a[static_cast<size_t>(s.cell_a[static_cast<size_t>(r)])].push_back(r);
  for (int64_t r = 0; r < b.rows; ++r) rows_b[static_cast<size_t>(s.cell_b[static_cast<size_t>(r)])].push_back(r);
  JsdEstimate e;
  e.terms_a.assign(static_cast<size_t>(a.rows), 0);
  e.terms_b.assign(static_cast<size_t>(b.rows), 0);
  const double n = static_cast<double>(a.rows), ln2 = std::log(2.0);
  double bias_p = 0, bias_q = 0, bias_m = 0;
  std::vector<double> cond_a, cond_b;
  for (size_t d = 0; d < ncells; ++d) {
    const auto na = static_cast<int64_t>(rows_a[d].size()), nb = static_cast<int64_t>(rows_b[d].size());
    // The conditional terms: k-NN within the cell, when both sides and a numeric column are there.
    cond_a.assign(rows_a[d].size(), 0), cond_b.assign(rows_b[d].size(), 0);
    const int k_a = static_cast<int>(std::min<int64_t>(k, na - 1)), k_b = static_cast<int>(std::min<int64_t>(k, nb - 1));
    s.cells.small_rows += (na > 0 && na <= k ? na : 0) + (nb > 0 && nb <= k ? nb : 0);
    if (na > 0 && nb > 0 && !s.present[d].empty() && (k_a > 0 || k_b > 0))
      knn_log_ratios(cell_values(a, rows_a[d], s.present[d], s), cell_values(b, rows_b[d], s.present[d], s), k_a, k_b,
                     cond_a, cond_b);
    // The discrete terms: plug-in log P(d)/M(d) and log Q(d)/M(d).
    const double disc_a = na > 0 ? std::log(2.0 * double(na) / double(na + nb)) : 0;
    const double disc_b = nb > 0 ? std::log(2.0 * double(nb) / double(na + nb)) : 0;
    for (size_t i = 0; i < rows_a[d].size(); ++i)
      e.terms_a[static_cast<size_t>(rows_a[d][i])] = std::min(disc_a + cond_a[i], ln2);
    for (size_t i = 0; i < rows_b[d].size(); ++i)
      e.terms_b[static_cast<size_t>(rows_b[d][i])] = std::min(disc_b + cond_b[i], ln2);
    // hist_jsd's delta-method bias of the plug-in entropies, over the cells.
    const double p = double(na) / n, q = double(nb) / n, m = (p + q) / 2;
    if (p > 0) bias_p += (1 - p) / (2 * n);
    if (q > 0) bias_q += (1 - q) / (2 * n);
    if (m > 0) bias_m += (p * (1 - p) / n + q * (1 - q) / n) / (8 * m);
  }
  e.correction = ncells > 1 ? bias_m - 0.5 * bias_p - 0.5 * bias_q : 0;
  e.settings = fmt::format("k = {} within {} cell{} of the discrete part ({} discrete column{}, {} missing flag{}; "
                           "exact match, bias-corrected), {} numeric column{} pooled and standardized",
                           k, s.cells.cells, s.cells.cells == 1 ? "" : "s", s.cells.discrete_columns,
                           s.cells.discrete_columns == 1 ? "" : "s", s.cells.missing_flags,
                           s.cells.missing_flags == 1 ? "" : "s", s.cells.numeric_columns,
                           s.cells.numeric_columns == 1 ? "" : "s");
  e.jsd = 0.5 * mean(e.terms_a) + 0.5 * mean(e.terms_b) + e.correction;
  cells = s.cells;
  return e;
}

JsdEstimate classifier_jsd_table(const Table& a, const Table& b, int folds, uint64_t seed) {
  const FeatureMap map = fit_features(a, b);
  JsdEstimate e = classifier_jsd(encode_features(map, a), encode_features(map, b), folds, seed);
  e.settings = fmt::format("{} features (numbers scaled by median and IQR, categories one-hot, missing flags); {}",
                           map.width, e.settings);
  return e;
}

Table take_table_rows(const Table& table, const std::vector<int64_t>& rows) {
  Table out = empty_table(table.schema);
  for (const int64_t r : rows) append_row(out, table, r);
  return out;
}

Table select_table_rows(const Table& table, int64_t count, Rng& rng) {
  if (count >= table.rows) return table;
  Selection selection{rng, table.rows, count};
  std::vector<int64_t> chosen;
  for (int64_t r = 0; r < table.rows && selection.needed > 0; ++r)
    if (selection.next()) chosen.push_back(r);
  rng = selection.rng;
  return take_table_rows(table, chosen);
}

int64_t first_nonfinite_row(const Table& table) {
  for (int64_t r = 0; r < table.rows; ++r)
    if (!row_finite(table, r)) return r;
  return -1;
}

int64_t drop_nonfinite_table_rows(Table& table) {
  std::vector<int64_t> keep;
  for (int64_t r = 0; r < table.rows; ++r)
    if (row_finite(table, r)) keep.push_back(r);
  const int64_t dropped = table.rows - static_cast<int64_t>(keep.size());
  if (dropped > 0) table = take_table_rows(table, keep);
  return dropped;
}

}  // namespace gantool
