// Column shapes and column pair trends of a synthetic table against a real one (SDMetrics'
// KSComplement, TVComplement, CorrelationSimilarity and ContingencySimilarity; README,
// "gantool report", gives the formulas). Both tables have the same columns, with the
// categories of SYNTH aligned to REAL's (metrics/report.hpp's align_columns).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/table.hpp"

namespace gantool {

// One column's shape: 1 − KS statistic (numeric kinds) or 1 − TVD (discrete kinds).
struct ColumnShape {
  std::string column;
  std::string metric;        // "KSComplement" or "TVComplement"
  double score = 1;          // 1 − statistic, over the values that are not missing
  double missing_real = 0;   // share of REAL's rows missing a value
  double missing_synth = 0;  // share of SYNTH's rows missing a value
  int64_t new_categories = 0;  // categories of SYNTH that REAL lacks
  int64_t new_category_rows = 0;  // SYNTH rows holding one of them
};

// One pair of columns' trend.
struct PairTrend {
  int64_t a = 0, b = 0;      // column indices, a < b
  std::string metric;        // "CorrelationSimilarity" or "ContingencySimilarity"
  double score = 1;
  double real = 0, synth = 0;  // Pearson correlations (numeric pairs; else 0)
};

// Two-sample Kolmogorov–Smirnov statistic sup |F_a − F_b| of the values (exact, ties
// handled: both step functions are evaluated after each distinct value). NaNs are skipped;
// 0 when both are empty, 1 when one is.
double ks_statistic(std::vector<double> a, std::vector<double> b);

// Total variation distance ½ Σ |p_k − q_k| of two count vectors of the same length
// (normalized here); 0 when both are empty, 1 when one is.
double total_variation(const std::vector<double>& counts_a, const std::vector<double>& counts_b);

// Pearson correlation of x and y; 0 when fewer than 2 pairs or either is constant.
double pearson(const std::vector<double>& x, const std::vector<double>& y);

// The edges of 10 quantile bins of the values: sorted[(k (n − 1)) / 10] for k = 1 … 9 (integer
// division; the "lower" quantiles). Empty when there are no values.
std::vector<double> decile_edges(std::vector<double> values);

// The bin of x: the number of edges ≤ x (0 … edges.size()).
int64_t bin_of(const std::vector<double>& edges, double x);

// The shape of every column of synth against real.
std::vector<ColumnShape> column_shapes(const Table& real, const Table& synth);

// The trend of every pair of columns (a, b), a < b, in that order: 1 − |r_real − r_synth|/2
// on the rows where both are present for two numeric columns; 1 − TVD of the joint
// frequencies otherwise, numeric sides in real's decile bins. Parallel over pairs.
std::vector<PairTrend> pair_trends(const Table& real, const Table& synth);

}  // namespace gantool
