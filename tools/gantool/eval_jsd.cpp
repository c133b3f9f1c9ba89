// gantool eval-jsd: the Jensen–Shannon divergence between the distributions behind two
// datasets (multivariate), with a bootstrap interval and the noise floor of the estimator at
// this sample size. Estimators: lib/metrics/jsd.hpp.

#include <algorithm>
#include <cmath>
#include <numeric>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "eval_jsd.hpp"
#include "progress.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"
#include "data/normalize.hpp"
#include "data/row_filter.hpp"
#include "data/selection.hpp"
#include "io/dataset_file.hpp"
#include "metrics/bootstrap.hpp"
#include "metrics/jsd.hpp"
#include "metrics/shared_rows.hpp"

namespace gantool {

namespace {

// The rows of a dataset in data units (its own normalization undone), checked finite or
// with the non-finite rows dropped.
Tensor read_rows(DatasetReader& reader, bool drop_nonfinite, int64_t& dropped) {
  const std::string name = reader.ref().display();
  if (reader.rows() == 0) fail("{}: has no rows", name);
  Tensor rows = drop_nonfinite ? reader.read_all() : reader.read_all_finite();
  dropped = 0;
  if (drop_nonfinite) {
    dropped = drop_nonfinite_rows(rows);
    if (rows.rows() == 0) fail("{}: no row is finite", name);
  }
  denormalize_rows(reader.meta().schema.normalization, rows.data(), rows.rows(), rows.cols());
  return rows;
}

std::string choose_method(const EvalOptions& opt, int64_t dim, int64_t rows, std::string& why) {
  if (opt.method != "auto") return opt.method;
  // From the validation suite (README, "gantool eval-jsd"): k-NN is the most accurate up to
  // 2 dimensions, the classifier above, given enough rows to train it.
  if (rows <= opt.k && dim <= 3 && rows >= minimum_rows("hist", dim, opt.k).hard) {
    why = " (auto: too few rows for k-NN)";
    return "hist";
  }
  if (dim <= 2 || rows < kClassifierRows) {
    why = dim <= 2 ? " (auto: k-NN is the most accurate in 1–2 dimensions)"
                   : fmt::format(" (auto: fewer than {} rows a side to train a classifier)", kClassifierRows);
    return "knn";
  }
  why = " (auto: the classifier is the most accurate above 2 dimensions)";
  return "classifier";
}

// The estimate of `method` on a and b (in data units; standardized here, pooled).
JsdEstimate estimate(const std::string& method, const Tensor& a_rows, const Tensor& b_rows, const EvalOptions& opt,
                     Rng& rng) {
  if (method == "hist") return hist_jsd(a_rows, b_rows);  // FD bins are scale-free per column
  // The other two compare equal row counts (the larger side is subsampled), standardized.
  const int64_t n = std::min(a_rows.rows(), b_rows.rows());
  Tensor a = select_rows(a_rows, n, rng), b = select_rows(b_rows, n, rng);
  standardize_pooled(a, b);
  if (method == "knn") {
    if (n <= opt.k) fail("knn needs more than --k {} rows on each side (got {})", opt.k, n);
    return knn_jsd(a, b, opt.k);
  }
  if (n < kClassifierMinimum) fail("classifier needs at least {} rows on each side (got {})", kClassifierMinimum, n);
  return classifier_jsd(a, b, opt.folds, opt.seed);
}

void check_flags(const EvalOptions& opt, const CLI::App& cmd) {
  if (opt.method != "auto" && opt.method != "hist" && opt.method != "knn" && opt.method != "classifier")
    fail_usage("--method must be auto, hist, knn or classifier (got '{}')", opt.method);
  if (opt.units != "nats" && opt.units != "bits") fail_usage("--units must be nats or bits (got '{}')", opt.units);
  if (opt.bootstrap != 0 && (opt.bootstrap < 20 || opt.bootstrap > 100000))
    fail_usage("--bootstrap must be 0 (no interval) or between 20 and 100000 (got {})", opt.bootstrap);
  if (cmd.count("--fail-above") && !std::isfinite(opt.fail_above))
    fail_usage("--fail-above must be a finite number (got {})", opt.fail_above);
  if (opt.max_rows < 0) fail_usage("--max-rows must not be negative (0: all rows)");
  if (opt.k < 1 || opt.k > 1000) fail_usage("--k must be between 1 and 1000 (got {})", opt.k);
  if (opt.folds < 2 || opt.folds > 20) fail_usage("--folds must be between 2 and 20 (got {})", opt.folds);
}

// The same estimator between two random halves of A, of as many rows as the estimate used
// (used_a): what "indistinguishable" reads as; NaN when half of A is too few rows.
double noise_floor(const std::string& method, const Tensor& a, int64_t used_a, int64_t minimum, const EvalOptions& opt) {
  if (used_a / 2 < minimum) return NAN;
  std::vector<int64_t> order(static_cast<size_t>(a.rows()));
  std::iota(order.begin(), order.end(), 0);
  Rng halves = make_rng(opt.seed, kHalvesStream);
  shuffle(order, halves);
  const auto half = static_cast<std::ptrdiff_t>(used_a / 2);
  const Tensor h1 = take_rows(a, {order.begin(), order.begin() + half});
  const Tensor h2 = take_rows(a, {order.begin() + half, order.begin() + 2 * half});
  try {
    Rng floor_rng = make_rng(opt.seed, kFloorFitStream);
    return estimate(method, h1, h2, opt, floor_rng).jsd;
  } catch (const Error&) {
    return NAN;  // too few rows for the estimator on half of A
  }
}

void run_eval(const EvalOptions& opt, const CLI::App& cmd) {
  check_flags(opt, cmd);
  ProgressLine progress(opt.quiet);
  const auto stage = [&](const std::string& what) { progress.show("eval-jsd: " + what + "…"); };
  stage("reading");
  if (run_eval_table(opt, progress)) return;
  int64_t dropped_a = 0, dropped_b = 0;
  // Widths first, so that a mismatch is reported before reading any rows.
  DatasetReader ra(parse_data_ref(opt.a)), rb(parse_data_ref(opt.b));
  const std::string name_a = ra.ref().display(), name_b = rb.ref().display();
  if (ra.cols() != rb.cols())
    fail("{} has {} columns but {} has {}; eval-jsd compares datasets of the same width", name_a, ra.cols(), name_b,
         rb.cols());
  Tensor a = read_rows(ra, opt.drop_nonfinite, dropped_a);
  Tensor b = read_rows(rb, opt.drop_nonfinite, dropped_b);
  const int64_t dim = a.cols();
  Rng rng = make_rng(opt.seed, kSubsetStream);
  if (opt.max_rows > 0) {
    a = select_rows(std::move(a), opt.max_rows, rng);
    b = select_rows(std::move(b), opt.max_rows, rng);
  }
  std::string why;
  const std::string method = choose_method(opt, dim, std::min(a.rows(), b.rows()), why);
  if (method == "hist" && dim > 3)
    fail_usage("--method hist works up to 3 dimensions (the data has {}); use knn or classifier", dim);

  const MinimumRows minimum = minimum_rows(method, dim, opt.k);
  const bool too_few =
      check_row_count(opt, progress, minimum, method, name_a, a.rows(), name_b, b.rows(), dim);

  stage("estimating (" + method + ")");
  Rng fit_rng = make_rng(opt.seed, kFitStream);
  const JsdEstimate e = estimate(method, a, b, opt, fit_rng);
  const int64_t used_a = static_cast<int64_t>(e.terms_a.size()), used_b = static_cast<int64_t>(e.terms_b.size());

  // The same estimator between two random halves of A: what "indistinguishable" reads as.
  stage("noise floor");
  const double floor = noise_floor(method, a, used_a, minimum.hard, opt);
  stage("bootstrap");
  finish_eval(opt, progress, {e, method, why, name_a, name_b, floor, used_a, used_b, dropped_a, dropped_b, dim},
              too_few, sorted_row_hashes(a), b, a.rows());
}

}  // namespace

void add_eval_jsd_command(CLI::App& app) {
  auto opt = std::make_shared<EvalOptions>();
  CLI::App* cmd = app.add_subcommand("eval-jsd", "Estimate the Jensen-Shannon divergence between two datasets");
  cmd->footer(
      "Both datasets are compared in data units (each file's own normalization undone) and must have the same\n"
      "columns. JSD is 0 for identical distributions and ln 2 = 0.693 nats (1 bit) for disjoint ones.\n"
      "Methods: hist (shared bins, bias-corrected; up to 3 dimensions), knn (nearest neighbours on the pooled,\n"
      "standardized rows), classifier (a cross-fitted discriminator: a lower bound), auto (knn up to 2\n"
      "dimensions, classifier above: the most accurate on the validation suite in README.md).\n"
      "Typed tables (categorical, boolean, datetime columns, missing values): knn matches the discrete part (the\n"
      "categories, and which values are missing) exactly and runs k-NN within each of its cells; classifier reads\n"
      "the rows' features (scaled numbers, one-hot categories, missing flags); auto takes knn with at most 2 numeric\n"
      "columns and 50 rows a side per discrete cell (or under 1000 rows a side), else the classifier; hist is for\n"
      "numeric matrices (README.md, \"eval-jsd on typed tables\").\n"
      "Fewest rows a side: hist 20·2^d (warning below 20·5^d), knn k+1 (warning below max(100, 10k)), classifier\n"
      "100 (warning below 200); below the warning's size --fail-above cannot pass.\n"
      "Exit codes: 0, 1 (a file, too few rows), 2 (flags), 3 (the estimate is above --fail-above, or too few rows\n"
      "for a meaningful one).\n\n"
      "Examples:\n"
      "  gantool eval-jsd ring_test.h5 fake.h5\n"
      "  gantool eval-jsd real.h5 fake.h5 --json --fail-above 0.05   # a quality gate in a Makefile");
  cmd->add_option("a", opt->a, "FILE.h5 or FILE.h5:/dataset (the reference: the noise floor halves it)")->required();
  cmd->add_option("b", opt->b, "FILE.h5 or FILE.h5:/dataset")->required();
  cmd->add_option("--method", opt->method, "auto, hist, knn or classifier")->capture_default_str();
  cmd->add_option("--units", opt->units, "nats or bits")->capture_default_str();
  cmd->add_option("--bootstrap", opt->bootstrap, "Resamples for the 95% interval (0: none)")->capture_default_str();
  cmd->add_option("--max-rows", opt->max_rows, "Use at most this many rows of each side, chosen at random (0: all)")
      ->capture_default_str();
  cmd->add_option("--seed", opt->seed, "Seed of subsets, folds and the bootstrap")->capture_default_str()->check(seed_check());
  cmd->add_option("--k", opt->k, "knn: neighbours")->capture_default_str();
  cmd->add_option("--folds", opt->folds, "classifier: cross-fitting folds")->capture_default_str();
  cmd->add_flag("--json", opt->json, "Print the result as one JSON object");
  cmd->add_option("--fail-above", opt->fail_above, "Exit 3 when the estimate is above this (in --units)");
  cmd->add_flag("--drop-nonfinite", opt->drop_nonfinite, "Drop rows with NaN or ±inf (else an error naming the row)");
  cmd->add_flag("-q,--quiet", opt->quiet, "No progress");
  add_threads_option(cmd);
  cmd->callback([opt, cmd] { run_eval(*opt, *cmd); });
}

}  // namespace gantool
