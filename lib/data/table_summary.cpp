// Per-column summaries of a typed table, streamed.
#include "data/table_summary.hpp"

#include <algorithm>
#include <cmath>

namespace gantool {

namespace {

// Adds one value to running statistics (Welford's update; B. P. Welford, "Note on a method
// for calculating corrected sums of squares and products", Technometrics 4, 1962).
void add_value(ColumnStats& s, double x) {
  if (!std::isfinite(x)) {
    ++s.nonfinite;
    return;
  }
  ++s.count;
  const double delta = x - s.mean;
  s.mean += delta / static_cast<double>(s.count);
  s.m2 += delta * (x - s.mean);
  s.min = std::min(s.min, x);
  s.max = std::max(s.max, x);
}

}  // namespace

std::vector<ColumnSummary> summarize_table(TableReader& reader) {
  const Schema& schema = reader.meta().schema;
  std::vector<ColumnSummary> out(schema.columns.size());
  std::vector<std::vector<int64_t>> counts(schema.columns.size());
  for (size_t c = 0; c < schema.columns.size(); ++c) counts[c].assign(schema.columns[c].categories.size(), 0);
  Table block;
  const int64_t rows = 16384;
  for (int64_t first = 0; first < reader.rows(); first += rows) {
    const int64_t n = std::min(rows, reader.rows() - first);
    reader.read(first, n, block);
    for (size_t c = 0; c < schema.columns.size(); ++c) {
      const ColumnValues& col = block.columns[c];
      const bool discrete = is_discrete(schema.columns[c].kind);
      for (int64_t r = 0; r < n; ++r) {
        const auto i = static_cast<size_t>(r);
        if (col.missing[i]) {
          ++out[c].missing;
        } else if (discrete) {
          ++counts[c][static_cast<size_t>(col.ints[i])];
        } else {
          ColumnSummary& sum = out[c];
          if (!holds_reals(schema.columns[c].kind)) {
            const int64_t v = col.ints[i];
            sum.int_min = sum.stats.count == 0 ? v : std::min(sum.int_min, v);
            sum.int_max = sum.stats.count == 0 ? v : std::max(sum.int_max, v);
          }
          add_value(sum.stats, number_at(block, static_cast<int64_t>(c), r));
        }
      }
    }
  }
  for (size_t c = 0; c < schema.columns.size(); ++c) {
    std::vector<size_t> order(counts[c].size());
    for (size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return counts[c][a] > counts[c][b]; });
    for (const size_t k : order) out[c].top.emplace_back(schema.columns[c].categories[k], counts[c][k]);
  }
  return out;
}

}  // namespace gantool
