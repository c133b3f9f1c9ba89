// The Jensen–Shannon divergence between typed tables (boolean, categorical and missing values
// besides numbers), by the estimators of metrics/jsd.hpp.
//
// k-NN with exact matching on the discrete part. A row x = (d, y): d its discrete part — the
// category of every boolean and categorical column (matched by text between the tables, a
// boolean by code; a missing value is a category of its own) and, for every numeric column
// with a missing value, whether it is missing — and y the values of its present numeric
// columns (continuous, integer, datetime seconds), standardized with the pooled median and
// IQR/1.349. By the chain rule of the KL divergence (Cover & Thomas, Elements of Information
// Theory, 2nd ed., Theorem 2.5.3),
//   log p(x)/m(x) = log P(d)/M(d) + log p(y|d)/m(y|d),  m(y|d) = (P(d)p(y|d) + Q(d)q(y|d))/(P(d) + Q(d)),
// so JSD(P‖Q) = JSD(P_d‖Q_d) + Σ_d M(d)·JSD_π(d)(p(·|d)‖q(·|d)), the second term a mixture of
// the cells' π-weighted JSDs (Lin 1991, IEEE Trans. Inf. Theory 37(1)), π(d) = P(d)/(P(d)+Q(d)).
// Per row, the first term is the plug-in log(2·n_a(d)/(n_a(d) + n_b(d))) from the rows of
// each sample in cell d (a sample of n rows each), with the delta-method bias correction of
// hist_jsd over the cells; the second is knn_log_ratios within the cell's rows of both
// samples (its counts and the pooled density m(y|d) taken there). A side with n_s(d) ≤ k
// rows in a cell uses k_s = n_s(d) − 1 neighbours there; a row alone on its side in its
// cell, or in a cell without a present numeric column, or whose cell the other sample lacks,
// has the first term only (the second is then 0, or exact). Terms are capped at ln 2.
//
// Classifier: classifier_jsd on the rows' features (metrics/features.hpp, fitted on a).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "data/table.hpp"
#include "metrics/jsd.hpp"

namespace gantool {

// How a pair of tables splits into the cells of their discrete part.
struct TableCells {
  int64_t discrete_columns = 0;  // boolean and categorical
  int64_t missing_flags = 0;     // numeric columns with a missing value in either table
  int64_t numeric_columns = 0;   // continuous, integer, datetime
  int64_t cells = 0;             // distinct discrete parts seen in either table
  int64_t small_rows = 0;        // rows in a cell where their side has ≤ k rows (k-NN only)
  int64_t unmatched_b = 0;       // rows of b with a category that a lacks
};

// The discrete cells of a and b (columns of the same names and kinds) without estimating.
TableCells table_cells(const Table& a, const Table& b);

// k-NN with exact matching on the discrete part (above); a and b have the same row count
// (more than k) and columns of the same names and kinds, and no NaN or ±inf value.
JsdEstimate knn_jsd_table(const Table& a, const Table& b, int k, TableCells& cells);

// classifier_jsd on the features of a and b (fit_features(a, b)); a and b have the same row
// count (at least one) and columns of the same names and kinds, and no NaN or ±inf value.
JsdEstimate classifier_jsd_table(const Table& a, const Table& b, int folds, uint64_t seed);

// `count` of the rows of `table` chosen at random by a Selection on rng, in their order (as
// select_rows in data/selection.hpp: the same draws); all of them when count ≥ rows.
Table select_table_rows(const Table& table, int64_t count, Rng& rng);

// The rows of `table` at the given indices, in that order.
Table take_table_rows(const Table& table, const std::vector<int64_t>& rows);

// The first row with a NaN or ±inf value of a continuous column (present), or −1.
int64_t first_nonfinite_row(const Table& table);

// Drops the rows with a NaN or ±inf value of a continuous column; returns how many.
int64_t drop_nonfinite_table_rows(Table& table);

}  // namespace gantool
