// gantool eval-jsd's steps shared by numeric matrices and typed tables: the row-count checks,
// the bootstrap interval, the shared-rows warning, the result and the --fail-above gates.

#include <algorithm>
#include <cmath>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "eval_jsd.hpp"
#include "core/error.hpp"
#include "metrics/bootstrap.hpp"
#include "metrics/shared_rows.hpp"

namespace gantool {

namespace {

// The typed-table part of the JSON result.
void add_cells(nlohmann::json& j, const EvalResult& r) {
  const TableCells& c = *r.cells;
  j["treatment"] = r.method == "knn" ? "exact match on the discrete part, k-NN within its cells"
                                     : "classifier on features (numbers scaled, categories one-hot, missing flags)";
  j["discrete_cells"] = c.cells;
  j["discrete_columns"] = c.discrete_columns;
  j["missing_flags"] = c.missing_flags;
  j["numeric_columns"] = c.numeric_columns;
  j["unmatched_rows_b"] = c.unmatched_b;
  if (r.method == "knn") j["small_cell_rows"] = c.small_rows;
}

// Prints the result to stdout: one JSON object (--json) or one sentence.
void print_result(const EvalOptions& opt, const EvalResult& r, double ci_low, double ci_high, int64_t shared) {
  const double unit = opt.units == "bits" ? std::log(2.0) : 1.0;
  const double jsd = r.e.jsd / unit;
  if (opt.json) {
    const auto number = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
    nlohmann::json j = {{"jsd", jsd}, {"units", opt.units}, {"ci_low", number(ci_low / unit)},
                        {"ci_high", number(ci_high / unit)}, {"method", r.method},
                        {"auto", opt.method == "auto"}, {"settings", r.e.settings},
                        {"lower_bound", r.e.lower_bound}, {"noise_floor", number(r.floor / unit)},
                        {"rows_a", r.used_a}, {"rows_b", r.used_b}, {"dropped_a", r.dropped_a},
                        {"dropped_b", r.dropped_b}, {"dim", r.dim}, {"shared_rows", shared},
                        {"file_a", r.name_a}, {"file_b", r.name_b}, {"bootstrap", opt.bootstrap}, {"seed", opt.seed}};
    if (r.cells) add_cells(j, r);
    fmt::print("{}\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  } else {
    const std::string interval =
        opt.bootstrap > 0 ? fmt::format(" (95% interval {:.4f} to {:.4f})", ci_low / unit, ci_high / unit) : "";
    const std::string noise = std::isfinite(r.floor) ? fmt::format("{:.4f}", r.floor / unit) : "n/a (too few rows)";
    const std::string unmatched =
        r.cells && r.cells->unmatched_b > 0
            ? fmt::format("; {} rows of {} have a category that {} lacks", r.cells->unmatched_b, r.name_b, r.name_a)
            : "";
    fmt::print("JSD({} ‖ {}) = {:.4f} {}{}{}; method {}{}: {}; {} vs {} rows, {} dimension{}; noise floor {} "
               "(the same estimator between two random halves of {}){}\n",
               r.name_a, r.name_b, jsd, opt.units, interval, r.e.lower_bound ? ", a lower bound" : "", r.method, r.why,
               r.e.settings, r.used_a, r.used_b, r.dim, r.dim == 1 ? "" : "s", noise, r.name_a, unmatched);
  }
}

}  // namespace

// The fewest rows a side at which an estimator means something. Below `hard` it is refused:
// hist then has one bin in some dimension and reads 0 whatever the data, knn has fewer than
// k neighbours, the classifier too few rows to train. Below `soft` it reads far too low
// (measured on two disjoint rings, true JSD ln 2 = 0.693: hist in 2-D 0.00 at 100 rows and
// 0.32 at 200, knn 0.16 to 0.40 from 12 to 50 rows and 0.66 at 100, the classifier 0.58 at
// 100): a warning, and --fail-above cannot pass.
MinimumRows minimum_rows(const std::string& method, int64_t dim, int k) {
  if (method == "hist") {  // 20 rows of the smaller side per cell; 2 and 5 bins per dimension
    int64_t two = 20, five = 20;
    for (int64_t c = 0; c < dim; ++c) two *= 2, five *= 5;
    return {two, five};
  }
  if (method == "knn") return {int64_t{k} + 1, std::max<int64_t>(100, 10 * int64_t{k})};
  return {kClassifierMinimum, 2 * kClassifierMinimum};
}

bool check_row_count(const EvalOptions& opt, ProgressLine& progress, const MinimumRows& minimum,
                     const std::string& method, const std::string& name_a, int64_t rows_a,
                     const std::string& name_b, int64_t rows_b, int64_t dim) {
  const int64_t rows = std::min(rows_a, rows_b);
  if (rows < minimum.hard)
    fail("{} has {} row{} and {} has {}: too few for --method {} in {} dimension{}, which needs at least {} rows on "
         "each side{}; give more rows",
         name_a, rows_a, rows_a == 1 ? "" : "s", name_b, rows_b, method, dim, dim == 1 ? "" : "s", minimum.hard,
         method == "knn" ? " (more than --k)" : "");
  const bool too_few = rows < minimum.soft;
  if (too_few) {
    progress.clear();
    fmt::print(stderr,
               "eval-jsd: warning: {} rows a side are few for --method {} (it reads far too low below {}: disjoint "
               "data can look alike){}\n",
               rows, method, minimum.soft, std::isfinite(opt.fail_above) ? "; --fail-above cannot pass on it" : "");
  }
  return too_few;
}

void finish_eval(const EvalOptions& opt, ProgressLine& progress, const EvalResult& r, bool too_few,
                 const std::vector<uint64_t>& hashes_a, const Tensor& b_rows, int64_t rows_a) {
  // Percentile bootstrap over the rows' terms (the fitted estimator held fixed).
  double ci_low = NAN, ci_high = NAN;
  if (opt.bootstrap > 0)
    std::tie(ci_low, ci_high) = bootstrap_interval(r.e, opt.bootstrap, opt.seed, kBootstrapStream);
  const int64_t shared = shared_rows(hashes_a, b_rows);
  if (shared > 0.01 * double(b_rows.rows()) &&
      shared > 2 * duplicated_rows(hashes_a) * double(b_rows.rows()) / double(rows_a)) {
    progress.clear();
    fmt::print(stderr,
               "eval-jsd: warning: {} of the {} rows of {} are exact copies of rows of {} (memorized training data?); "
               "the estimators assume independent samples, and k-NN reads low on shared rows\n",
               shared, b_rows.rows(), r.name_b, r.name_a);
  }

  const double jsd = r.e.jsd / (opt.units == "bits" ? std::log(2.0) : 1.0);
  print_result(opt, r, ci_low, ci_high, shared);
  if (std::isfinite(opt.fail_above) && jsd > opt.fail_above)
    throw GateFailed(fmt::format("eval-jsd: {:.4f} {} is above --fail-above {}", jsd, opt.units, opt.fail_above));
  if (std::isfinite(opt.fail_above) && too_few)
    throw GateFailed(fmt::format("eval-jsd: --fail-above {} not passed: {} rows a side are too few for a meaningful "
                                 "estimate with --method {} (give at least {})",
                                 opt.fail_above, std::min(rows_a, b_rows.rows()), r.method,
                                 minimum_rows(r.method, r.dim, opt.k).soft));
}

}  // namespace gantool
