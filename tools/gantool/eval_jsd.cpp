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

struct EvalOptions {
  std::string a, b;
  std::string method = "auto", units = "nats";
  int64_t bootstrap = 200, max_rows = 0;
  uint64_t seed = 1;
  bool json = false, drop_nonfinite = false, quiet = false;
  double fail_above = NAN;
  int k = 10, folds = 2;
};

// Seeds' substreams: subsets of rows, the noise floor's halves, the bootstrap.
// Substreams of --seed: the --max-rows subsets; the equal-size subsets of the estimate and of
// the noise floor; the noise floor's halves; one per bootstrap resample (1000 + i). The
// classifier's own start at 2^32 (metrics/jsd.cpp).
constexpr uint64_t kSubsetStream = 0, kFitStream = 1, kFloorFitStream = 2, kHalvesStream = 3,
                   kBootstrapStream = 1000;
// Rows a side below which auto does not train a classifier, and below which it cannot.
constexpr int64_t kClassifierRows = 1000, kClassifierMinimum = 100;

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

// The fewest rows a side at which an estimator means something. Below `hard` it is refused:
// hist then has one bin in some dimension and reads 0 whatever the data, knn has fewer than
// k neighbours, the classifier too few rows to train. Below `soft` it reads far too low
// (measured on two disjoint rings, true JSD ln 2 = 0.693: hist in 2-D 0.00 at 100 rows and
// 0.32 at 200, knn 0.16 to 0.40 from 12 to 50 rows and 0.66 at 100, the classifier 0.58 at
// 100): a warning, and --fail-above cannot pass.
struct MinimumRows {
  int64_t hard = 0, soft = 0;
};

MinimumRows minimum_rows(const std::string& method, int64_t dim, int k) {
  if (method == "hist") {  // 20 rows of the smaller side per cell; 2 and 5 bins per dimension
    int64_t two = 20, five = 20;
    for (int64_t c = 0; c < dim; ++c) two *= 2, five *= 5;
    return {two, five};
  }
  if (method == "knn") return {int64_t{k} + 1, std::max<int64_t>(100, 10 * int64_t{k})};
  return {kClassifierMinimum, 2 * kClassifierMinimum};
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

// What eval-jsd reports.
struct EvalResult {
  const JsdEstimate& e;
  const std::string &method, &why, &name_a, &name_b;
  double ci_low, ci_high, floor;
  int64_t used_a, used_b, dropped_a, dropped_b, dim, shared;
};

// Prints the result to stdout: one JSON object (--json) or one sentence.
void print_result(const EvalOptions& opt, const EvalResult& r) {
  const double unit = opt.units == "bits" ? std::log(2.0) : 1.0;
  const double jsd = r.e.jsd / unit;
  if (opt.json) {
    const auto number = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
    nlohmann::json j = {{"jsd", jsd}, {"units", opt.units}, {"ci_low", number(r.ci_low / unit)},
                        {"ci_high", number(r.ci_high / unit)}, {"method", r.method},
                        {"auto", opt.method == "auto"}, {"settings", r.e.settings},
                        {"lower_bound", r.e.lower_bound}, {"noise_floor", number(r.floor / unit)},
                        {"rows_a", r.used_a}, {"rows_b", r.used_b}, {"dropped_a", r.dropped_a},
                        {"dropped_b", r.dropped_b}, {"dim", r.dim}, {"shared_rows", r.shared},
                        {"file_a", r.name_a}, {"file_b", r.name_b}, {"bootstrap", opt.bootstrap}, {"seed", opt.seed}};
    fmt::print("{}\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  } else {
    const std::string interval =
        opt.bootstrap > 0 ? fmt::format(" (95% interval {:.4f} to {:.4f})", r.ci_low / unit, r.ci_high / unit) : "";
    const std::string noise = std::isfinite(r.floor) ? fmt::format("{:.4f}", r.floor / unit) : "n/a (too few rows)";
    fmt::print("JSD({} ‖ {}) = {:.4f} {}{}{}; method {}{}: {}; {} vs {} rows, {} dimension{}; noise floor {} "
               "(the same estimator between two random halves of {})\n",
               r.name_a, r.name_b, jsd, opt.units, interval, r.e.lower_bound ? ", a lower bound" : "", r.method, r.why,
               r.e.settings, r.used_a, r.used_b, r.dim, r.dim == 1 ? "" : "s", noise, r.name_a);
  }
}

void run_eval(const EvalOptions& opt, const CLI::App& cmd) {
  check_flags(opt, cmd);
  ProgressLine progress(opt.quiet);
  const auto stage = [&](const std::string& what) { progress.show("eval-jsd: " + what + "…"); };
  stage("reading");
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
  const int64_t rows = std::min(a.rows(), b.rows());
  if (rows < minimum.hard)
    fail("{} has {} row{} and {} has {}: too few for --method {} in {} dimension{}, which needs at least {} rows on "
         "each side{}; give more rows",
         name_a, a.rows(), a.rows() == 1 ? "" : "s", name_b, b.rows(), method, dim, dim == 1 ? "" : "s", minimum.hard,
         method == "knn" ? " (more than --k)" : "");
  const bool too_few = rows < minimum.soft;
  if (too_few) {
    progress.clear();
    fmt::print(stderr,
               "eval-jsd: warning: {} rows a side are few for --method {} (it reads far too low below {}: disjoint "
               "data can look alike){}\n",
               rows, method, minimum.soft, std::isfinite(opt.fail_above) ? "; --fail-above cannot pass on it" : "");
  }

  stage("estimating (" + method + ")");
  Rng fit_rng = make_rng(opt.seed, kFitStream);
  const JsdEstimate e = estimate(method, a, b, opt, fit_rng);
  const int64_t used_a = static_cast<int64_t>(e.terms_a.size()), used_b = static_cast<int64_t>(e.terms_b.size());

  // The same estimator between two random halves of A: what "indistinguishable" reads as.
  stage("noise floor");
  const double floor = noise_floor(method, a, used_a, minimum.hard, opt);
  // Percentile bootstrap over the rows' terms (the fitted estimator held fixed).
  stage("bootstrap");
  double ci_low = NAN, ci_high = NAN;
  if (opt.bootstrap > 0) std::tie(ci_low, ci_high) = bootstrap_interval(e, opt.bootstrap, opt.seed, kBootstrapStream);
  const std::vector<uint64_t> hashes_a = sorted_row_hashes(a);
  const int64_t shared = shared_rows(hashes_a, b);
  if (shared > 0.01 * double(b.rows()) &&
      shared > 2 * duplicated_rows(hashes_a) * double(b.rows()) / double(a.rows())) {
    progress.clear();
    fmt::print(stderr,
               "eval-jsd: warning: {} of the {} rows of {} are exact copies of rows of {} (memorized training data?); "
               "the estimators assume independent samples, and k-NN reads low on shared rows\n",
               shared, b.rows(), name_b, name_a);
  }

  const double jsd = e.jsd / (opt.units == "bits" ? std::log(2.0) : 1.0);
  print_result(opt,
               {e, method, why, name_a, name_b, ci_low, ci_high, floor, used_a, used_b, dropped_a, dropped_b, dim, shared});
  if (std::isfinite(opt.fail_above) && jsd > opt.fail_above)
    throw GateFailed(fmt::format("eval-jsd: {:.4f} {} is above --fail-above {}", jsd, opt.units, opt.fail_above));
  if (std::isfinite(opt.fail_above) && too_few)
    throw GateFailed(fmt::format("eval-jsd: --fail-above {} not passed: {} rows a side are too few for a meaningful "
                                 "estimate with --method {} (give at least {})",
                                 opt.fail_above, rows, method, minimum.soft));
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
