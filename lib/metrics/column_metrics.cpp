// Column shapes and column pair trends.
#include "metrics/column_metrics.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace gantool {

namespace {

// The values of numeric column c that are not missing (NaNs of a continuous column kept).
std::vector<double> present_values(const Table& t, int64_t c) {
  std::vector<double> v;
  v.reserve(static_cast<size_t>(t.rows));
  const ColumnValues& col = t.columns[static_cast<size_t>(c)];
  const bool reals = holds_reals(t.schema.columns[static_cast<size_t>(c)].kind);
  for (size_t r = 0; r < static_cast<size_t>(t.rows); ++r)
    if (!col.missing[r]) v.push_back(reals ? col.reals[r] : static_cast<double>(col.ints[r]));
  return v;
}

double missing_share(const Table& t, int64_t c) {
  if (t.rows == 0) return 0;
  int64_t n = 0;
  for (const uint8_t m : t.columns[static_cast<size_t>(c)].missing) n += m != 0;
  return double(n) / double(t.rows);
}

// The categories of a discrete column: REAL's, then SYNTH's new ones (align_columns).
int64_t category_count(const Table& real, const Table& synth, int64_t c) {
  return static_cast<int64_t>(std::max(real.schema.columns[static_cast<size_t>(c)].categories.size(),
                                       synth.schema.columns[static_cast<size_t>(c)].categories.size()));
}

// Each row's cell of column c for contingency tables (-1 where missing): a discrete column's
// code, a numeric column's decile bin (edges of REAL's values).
std::vector<int32_t> cells_of(const Table& t, int64_t c, const std::vector<double>& edges) {
  const ColumnValues& col = t.columns[static_cast<size_t>(c)];
  const ColumnKind kind = t.schema.columns[static_cast<size_t>(c)].kind;
  std::vector<int32_t> cells(static_cast<size_t>(t.rows), -1);
  for (size_t r = 0; r < cells.size(); ++r) {
    if (col.missing[r]) continue;
    const double x = holds_reals(kind) ? col.reals[r] : double(col.ints[r]);
    if (is_discrete(kind))
      cells[r] = static_cast<int32_t>(col.ints[r]);
    else if (!std::isnan(x))  // a NaN value counts as missing here
      cells[r] = static_cast<int32_t>(bin_of(edges, x));
  }
  return cells;
}

// Joint counts of two cell columns over the rows where both are present.
std::vector<double> joint_counts(const std::vector<int32_t>& a, const std::vector<int32_t>& b, int64_t cells_b,
                                 int64_t cells) {
  std::vector<double> counts(static_cast<size_t>(cells), 0);
  for (size_t r = 0; r < a.size(); ++r)
    if (a[r] >= 0 && b[r] >= 0) counts[static_cast<size_t>(a[r] * cells_b + b[r])] += 1;
  return counts;
}

// Row r of a numeric column: the value (NaN where missing).
inline double value_at(const ColumnValues& col, bool reals, size_t r) {
  if (col.missing[r]) return NAN;
  return reals ? col.reals[r] : static_cast<double>(col.ints[r]);
}

// Pearson correlation of numeric columns a and b of t on the rows where both are present
// (and not NaN): pearson() without copying the columns (two passes: means, then centred sums).
double pair_correlation(const Table& t, int64_t a, int64_t b) {
  const ColumnValues &ca = t.columns[static_cast<size_t>(a)], &cb = t.columns[static_cast<size_t>(b)];
  const bool ra = holds_reals(t.schema.columns[static_cast<size_t>(a)].kind);
  const bool rb = holds_reals(t.schema.columns[static_cast<size_t>(b)].kind);
  const auto n = static_cast<size_t>(t.rows);
  double count = 0, mx = 0, my = 0;
  for (size_t r = 0; r < n; ++r) {
    const double x = value_at(ca, ra, r), y = value_at(cb, rb, r);
    if (!std::isnan(x) && !std::isnan(y)) count += 1, mx += x, my += y;
  }
  if (count < 2) return 0;
  mx /= count, my /= count;
  double sxx = 0, syy = 0, sxy = 0;
  for (size_t r = 0; r < n; ++r) {
    const double x = value_at(ca, ra, r), y = value_at(cb, rb, r);
    if (std::isnan(x) || std::isnan(y)) continue;
    sxx += (x - mx) * (x - mx), syy += (y - my) * (y - my), sxy += (x - mx) * (y - my);
  }
  if (!(sxx > 0) || !(syy > 0)) return 0;
  return std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
}

}  // namespace

double ks_statistic(std::vector<double> a, std::vector<double> b) {
  const auto is_nan = [](double v) { return std::isnan(v); };
  a.erase(std::remove_if(a.begin(), a.end(), is_nan), a.end());
  b.erase(std::remove_if(b.begin(), b.end(), is_nan), b.end());
  if (a.empty() && b.empty()) return 0;
  if (a.empty() || b.empty()) return 1;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  const double na = double(a.size()), nb = double(b.size());
  size_t i = 0, j = 0;
  double d = 0;
  // Walk the distinct values in order; after each, both empirical CDFs are exact.
  while (i < a.size() || j < b.size()) {
    const double x = j == b.size() || (i < a.size() && a[i] <= b[j]) ? a[i] : b[j];
    while (i < a.size() && a[i] == x) ++i;
    while (j < b.size() && b[j] == x) ++j;
    d = std::max(d, std::fabs(double(i) / na - double(j) / nb));
  }
  return d;
}

double total_variation(const std::vector<double>& counts_a, const std::vector<double>& counts_b) {
  GANTOOL_ASSERT(counts_a.size() == counts_b.size());
  double sa = 0, sb = 0;
  for (size_t k = 0; k < counts_a.size(); ++k) sa += counts_a[k], sb += counts_b[k];
  if (sa == 0 && sb == 0) return 0;
  if (sa == 0 || sb == 0) return 1;
  double tv = 0;
  for (size_t k = 0; k < counts_a.size(); ++k) tv += std::fabs(counts_a[k] / sa - counts_b[k] / sb);
  return 0.5 * tv;
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  GANTOOL_ASSERT(x.size() == y.size());
  const size_t n = x.size();
  if (n < 2) return 0;
  double mx = 0, my = 0;
  for (size_t i = 0; i < n; ++i) mx += x[i], my += y[i];
  mx /= double(n), my /= double(n);
  double sxx = 0, syy = 0, sxy = 0;
  for (size_t i = 0; i < n; ++i) {
    const double dx = x[i] - mx, dy = y[i] - my;
    sxx += dx * dx, syy += dy * dy, sxy += dx * dy;
  }
  if (!(sxx > 0) || !(syy > 0)) return 0;
  return std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
}

std::vector<double> decile_edges(std::vector<double> values) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }), values.end());
  if (values.empty()) return {};
  const auto n = static_cast<int64_t>(values.size());
  std::vector<double> edges;
  auto from = values.begin();  // the order statistics in increasing order, each selected once
  for (int64_t k = 1; k <= 9; ++k) {
    const auto at = values.begin() + k * (n - 1) / 10;
    std::nth_element(from, at, values.end());
    edges.push_back(*at);
    from = at;
  }
  return edges;
}

int64_t bin_of(const std::vector<double>& edges, double x) {
  return std::upper_bound(edges.begin(), edges.end(), x) - edges.begin();
}

std::vector<ColumnShape> column_shapes(const Table& real, const Table& synth) {
  GANTOOL_ASSERT(real.columns.size() == synth.columns.size());
  std::vector<ColumnShape> shapes(real.columns.size());
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t c = 0; c < static_cast<int64_t>(real.columns.size()); ++c) {
    const Column& column = real.schema.columns[static_cast<size_t>(c)];
    ColumnShape& s = shapes[static_cast<size_t>(c)];
    s.column = column.name;
    s.missing_real = missing_share(real, c);
    s.missing_synth = missing_share(synth, c);
    if (is_discrete(column.kind)) {
      s.metric = "TVComplement";
      const int64_t k = category_count(real, synth, c);
      std::vector<double> p(static_cast<size_t>(k), 0), q(static_cast<size_t>(k), 0);
      for (const int64_t code : real.columns[static_cast<size_t>(c)].ints)
        if (code >= 0) p[static_cast<size_t>(code)] += 1;
      for (const int64_t code : synth.columns[static_cast<size_t>(c)].ints)
        if (code >= 0) q[static_cast<size_t>(code)] += 1;
      const auto known = static_cast<int64_t>(column.categories.size());
      s.new_categories = std::max<int64_t>(0, k - known);
      for (int64_t i = known; i < k; ++i) s.new_category_rows += static_cast<int64_t>(q[static_cast<size_t>(i)]);
      s.score = 1 - total_variation(p, q);
    } else {
      s.metric = "KSComplement";
      s.score = 1 - ks_statistic(present_values(real, c), present_values(synth, c));
    }
  }
  return shapes;
}

std::vector<PairTrend> pair_trends(const Table& real, const Table& synth) {
  const auto cols = static_cast<int64_t>(real.columns.size());
  // Each column's cells in both tables (numeric columns binned at REAL's deciles).
  std::vector<std::vector<int32_t>> cells_real(static_cast<size_t>(cols)), cells_synth(static_cast<size_t>(cols));
  std::vector<int64_t> width(static_cast<size_t>(cols));
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t c = 0; c < cols; ++c) {
    const bool discrete = is_discrete(real.schema.columns[static_cast<size_t>(c)].kind);
    const std::vector<double> edges = discrete ? std::vector<double>{} : decile_edges(present_values(real, c));
    cells_real[static_cast<size_t>(c)] = cells_of(real, c, edges);
    cells_synth[static_cast<size_t>(c)] = cells_of(synth, c, edges);
    width[static_cast<size_t>(c)] = discrete ? category_count(real, synth, c) : 10;
  }
  std::vector<PairTrend> pairs;
  for (int64_t a = 0; a < cols; ++a)
    for (int64_t b = a + 1; b < cols; ++b) pairs.push_back({a, b, "", 1, 0, 0});
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t i = 0; i < static_cast<int64_t>(pairs.size()); ++i) {
    PairTrend& p = pairs[static_cast<size_t>(i)];
    const auto a = static_cast<size_t>(p.a), b = static_cast<size_t>(p.b);
    if (is_numeric(real.schema.columns[a].kind) && is_numeric(real.schema.columns[b].kind)) {
      p.metric = "CorrelationSimilarity";
      p.real = pair_correlation(real, p.a, p.b);
      p.synth = pair_correlation(synth, p.a, p.b);
      p.score = 1 - std::fabs(p.real - p.synth) / 2;
    } else {
      p.metric = "ContingencySimilarity";
      const int64_t n = width[a] * width[b];
      p.score = 1 - total_variation(joint_counts(cells_real[a], cells_real[b], width[b], n),
                                    joint_counts(cells_synth[a], cells_synth[b], width[b], n));
    }
  }
  return pairs;
}

}  // namespace gantool
