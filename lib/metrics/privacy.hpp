// Privacy of a synthetic table against the rows it was trained on: the distance to the
// closest training record (DCR) of synthetic rows against that of real held-out rows, and
// exact copies of training rows. README, "gantool report", gives the definitions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.hpp"
#include "data/table.hpp"

namespace gantool {

struct Privacy {
  int64_t rows_train = 0;                 // TRAIN rows searched (all)
  int64_t rows_synth = 0, rows_real = 0;  // rows whose DCR was measured
  double median_synth = 0, median_real = 0;
  double ratio = 1;                       // median_synth / median_real (NaN when both are 0)
  double p5_synth = 0, p5_real = 0;       // 5th percentiles of the DCRs
  int64_t copies_synth = 0, copies_real = 0;  // rows of all SYNTH, all REAL equal to a TRAIN row
  double copy_share_synth = 0, copy_share_real = 0;
  bool flagged = false;                   // looks like memorization (see privacy())
};

// The Euclidean distance from each row of queries (q, d) to its nearest row of reference
// (n, d), n ≥ 1, exact: every pair is scored by a oneDNN product (|a|² + |b|² − 2 a·b, in
// blocks), and the candidates that could be nearest are measured again in double. (A KD-tree
// prunes little at the 50–100 dimensions of one-hot features.)
std::vector<double> closest_distances(const Tensor& reference, const Tensor& queries);

// How many rows of `table` equal a row of `reference` in every column (a missing value equal
// only to a missing value; -0 equal to 0, NaN to NaN). Both have the same columns, aligned.
int64_t exact_copies(const Table& reference, const Table& table);

// The q-quantile of the values with linear interpolation (numpy's default).
double percentile(std::vector<double> values, double q);

// The privacy section: DCRs of synth_rows and real_rows (subsets of synth and real) to train
// on the features of metrics/features.hpp (fitted on train), exact copies over all of synth
// and real. Flagged when the median ratio is below 0.8, or the share of SYNTH rows copying a
// TRAIN row exceeds REAL's by more than 1 percentage point.
Privacy privacy(const Table& train, const Table& synth, const Table& real, const Table& synth_rows,
                const Table& real_rows);

}  // namespace gantool
