// gantool eval-jsd's options and the steps its two files share: eval_jsd.cpp (the command,
// numeric matrices) and eval_jsd_table.cpp (typed tables).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "progress.hpp"
#include "core/tensor.hpp"
#include "metrics/jsd.hpp"
#include "metrics/jsd_table.hpp"

namespace gantool {

struct EvalOptions {
  std::string a, b;
  std::string method = "auto", units = "nats";
  int64_t bootstrap = 200, max_rows = 0;
  uint64_t seed = 1;
  bool json = false, drop_nonfinite = false, quiet = false;
  double fail_above = NAN;
  int k = 10, folds = 2;
};

// Substreams of --seed: the --max-rows subsets; the equal-size subsets of the estimate and of
// the noise floor; the noise floor's halves; one per bootstrap resample (1000 + i). The
// classifier's own start at 2^32 (metrics/jsd.cpp).
constexpr uint64_t kSubsetStream = 0, kFitStream = 1, kFloorFitStream = 2, kHalvesStream = 3,
                   kBootstrapStream = 1000;
// Rows a side below which auto does not train a classifier, and below which it cannot.
constexpr int64_t kClassifierRows = 1000, kClassifierMinimum = 100;

// The fewest rows a side at which an estimator means something: below `hard` it is refused,
// below `soft` it reads far too low (a warning, and --fail-above cannot pass).
struct MinimumRows {
  int64_t hard = 0, soft = 0;
};
MinimumRows minimum_rows(const std::string& method, int64_t dim, int k);

// Refuses fewer than minimum.hard rows a side (naming both files) and warns below
// minimum.soft; true when there are too few for a meaningful estimate.
bool check_row_count(const EvalOptions& opt, ProgressLine& progress, const MinimumRows& minimum,
                     const std::string& method, const std::string& name_a, int64_t rows_a,
                     const std::string& name_b, int64_t rows_b, int64_t dim);

// What eval-jsd reports; `cells` only for typed tables.
struct EvalResult {
  const JsdEstimate& e;
  const std::string &method, &why, &name_a, &name_b;
  double floor;
  int64_t used_a, used_b, dropped_a, dropped_b, dim;
  const TableCells* cells = nullptr;
};

// The bootstrap interval, the shared-rows warning (rows of b_rows equal to rows whose hashes
// are hashes_a), the result on stdout and the --fail-above gates.
void finish_eval(const EvalOptions& opt, ProgressLine& progress, const EvalResult& r, bool too_few,
                 const std::vector<uint64_t>& hashes_a, const Tensor& b_rows, int64_t rows_a);

// Runs eval-jsd on typed tables and returns true when either input is one (a /table file);
// false, having done nothing, for two numeric matrices.
bool run_eval_table(const EvalOptions& opt, ProgressLine& progress);

}  // namespace gantool
