// gantool report: how close a synthetic table is to the real one, and how private: column
// shapes, column pair trends, detection, machine-learning efficacy (--target) and privacy
// (--train), as text or --json. Metrics: lib/metrics/report.hpp.

#include <cmath>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "progress.hpp"
#include "core/error.hpp"
#include "io/table_file.hpp"
#include "metrics/report.hpp"

namespace gantool {

namespace {

struct ReportCommand {
  std::string real, synth, train;
  ReportOptions report;
  bool json = false, quiet = false;
};

// Every row of a table file; throws Error naming the file when it has none.
Table read_table(const std::string& arg, std::string& name) {
  TableReader reader(parse_data_ref(arg));
  name = reader.ref().display();
  if (reader.rows() == 0) fail("{}: has no rows", name);
  return reader.read_all();
}

std::string percent(double share) { return fmt::format("{:.1f}%", 100 * share); }

std::string number(double v, int digits = 3) { return std::isfinite(v) ? fmt::format("{:.{}f}", v, digits) : "n/a"; }

nlohmann::json json_number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

struct Names {
  std::string real, synth, train;
};

void print_shapes(const Report& r, const Table& real, const Names& names) {
  fmt::print("Column shapes: {} (mean over {} columns of 1 − KS statistic or 1 − TVD; 1: the same)\n",
             number(r.shapes_score), r.shapes.size());
  fmt::print("  {:<24} {:<12} {:<13} {:>6}  {:>13} {:>12}\n", "column", "kind", "metric", "score", "missing synth",
             "missing real");
  for (size_t c = 0; c < r.shapes.size(); ++c) {
    const ColumnShape& s = r.shapes[c];
    fmt::print("  {:<24} {:<12} {:<13} {:>6}  {:>13} {:>12}\n", s.column,
               column_kind_name(real.schema.columns[c].kind), s.metric, number(s.score), percent(s.missing_synth),
               percent(s.missing_real));
  }
  for (const ColumnShape& s : r.shapes)
    if (s.new_categories > 0)
      fmt::print("  note: column '{}' of {} has {} categor{} that {} lacks ({} rows)\n", s.column, names.synth,
                 s.new_categories, s.new_categories == 1 ? "y" : "ies", names.real, s.new_category_rows);
}

void print_pairs(const Report& r, const Table& real) {
  fmt::print("\nColumn pair trends: {} (mean over {} pairs: 1 − |Δ Pearson r|/2 for numeric pairs, 1 − TVD of the "
             "contingency table otherwise)\n",
             number(r.pairs_score), r.pairs.size());
  if (!r.worst.empty()) fmt::print("  worst pairs:\n");
  for (const int64_t i : r.worst) {
    const PairTrend& p = r.pairs[static_cast<size_t>(i)];
    const std::string pair = real.schema.columns[static_cast<size_t>(p.a)].name + " × " +
                             real.schema.columns[static_cast<size_t>(p.b)].name;
    const std::string detail = p.metric == "CorrelationSimilarity"
                                   ? fmt::format("  (r real {:.3f}, synthetic {:.3f})", p.real, p.synth)
                                   : std::string();
    fmt::print("  {:<40} {:<22} {}{}\n", pair, p.metric, number(p.score), detail);
  }
}

void print_text(const Report& r, const Table& real, const Names& names, const ReportOptions& opt) {
  fmt::print("gantool report: {} ({} rows) against {} ({} rows), {} columns\n\n", names.synth, r.rows_synth,
             names.real, r.rows_real, r.shapes.size());
  print_shapes(r, real, names);
  print_pairs(r, real);
  const Detection& d = r.detection;
  fmt::print("\nDetection: ROC AUC {} (0.5: indistinguishable, 1: always told apart); JSD lower bound {} nats\n",
             number(d.auc), number(d.jsd_bound, 4));
  fmt::print("  {} rows a side{}; {}\n", d.rows, d.subsampled ? " (a random subset; --detection-rows)" : "", d.settings);
  if (r.has_efficacy) {
    const Efficacy& e = r.efficacy;
    fmt::print("\nML efficacy (target '{}', tested on the {} rows of {}): {} {} trained on {} ({} rows)", e.target,
               e.rows_test, names.real, e.metric, number(e.synth), names.synth, e.rows_synth);
    if (!names.train.empty())
      fmt::print(", {} trained on {} ({} rows, the ceiling)", number(e.train), names.train, e.rows_train);
    fmt::print("\n  model: {}; at most {} rows of each table (a random subset; --efficacy-rows)\n", e.model,
               opt.efficacy_rows);
  }
  if (r.has_privacy) {
    const Privacy& p = r.privacy;
    fmt::print("\nPrivacy (distance to the closest record of {}, {} rows; Euclidean on the features):\n", names.train,
               p.rows_train);
    fmt::print("  median DCR: synthetic {}, real held-out {}: ratio {} (1: as far as unseen real rows)\n",
               number(p.median_synth), number(p.median_real), number(p.ratio));
    fmt::print("  5th percentile DCR: synthetic {}, real held-out {} ({} synthetic and {} real rows measured)\n",
               number(p.p5_synth), number(p.p5_real), p.rows_synth, p.rows_real);
    fmt::print("  exact copies of training rows: {} of synthetic rows ({}), {} of real held-out rows ({})\n",
               percent(p.copy_share_synth), p.copies_synth, percent(p.copy_share_real), p.copies_real);
    if (p.copy_share_real > 0.5)
      fmt::print("  note: most rows of {} are rows of {}: REAL should be held-out rows, not training rows\n", names.real,
                 names.train);
    fmt::print("  {}\n", p.flagged ? "WARNING: the synthetic rows sit closer to the training rows than unseen real "
                                     "rows do, or copy them: memorized training data?"
                                   : "no sign of memorization");
  }
}

void print_json(const Report& r, const Table& real, const Names& names, const ReportOptions& opt) {
  using nlohmann::json;
  json shapes = json::array(), pairs = json::array(), worst = json::array();
  for (size_t c = 0; c < r.shapes.size(); ++c) {
    const ColumnShape& s = r.shapes[c];
    shapes.push_back({{"column", s.column}, {"kind", column_kind_name(real.schema.columns[c].kind)},
                      {"metric", s.metric}, {"score", json_number(s.score)}, {"missing_real", s.missing_real},
                      {"missing_synth", s.missing_synth}, {"missing_difference", s.missing_synth - s.missing_real},
                      {"new_categories", s.new_categories}, {"new_category_rows", s.new_category_rows}});
  }
  const auto pair_json = [&](const PairTrend& p) {
    json j = {{"a", real.schema.columns[static_cast<size_t>(p.a)].name},
              {"b", real.schema.columns[static_cast<size_t>(p.b)].name}, {"metric", p.metric},
              {"score", json_number(p.score)}};
    if (p.metric == "CorrelationSimilarity") j["real"] = p.real, j["synth"] = p.synth;
    return j;
  };
  for (const PairTrend& p : r.pairs) pairs.push_back(pair_json(p));
  for (const int64_t i : r.worst) worst.push_back(pair_json(r.pairs[static_cast<size_t>(i)]));
  const Detection& d = r.detection;
  json j = {{"real", names.real}, {"synth", names.synth}, {"rows_real", r.rows_real}, {"rows_synth", r.rows_synth},
            {"seed", opt.seed},
            {"column_shapes", {{"score", json_number(r.shapes_score)}, {"columns", shapes}}},
            {"column_pair_trends", {{"score", json_number(r.pairs_score)}, {"worst", worst}, {"pairs", pairs}}},
            {"detection", {{"auc", json_number(d.auc)}, {"jsd_lower_bound", json_number(d.jsd_bound)},
                           {"rows", d.rows}, {"subsampled", d.subsampled}, {"settings", d.settings}}}};
  if (r.has_efficacy) {
    const Efficacy& e = r.efficacy;
    j["ml_efficacy"] = {{"target", e.target}, {"metric", e.metric}, {"model", e.model},
                        {"synth", json_number(e.synth)}, {"train", json_number(e.train)},
                        {"rows_synth", e.rows_synth}, {"rows_train", e.rows_train}, {"rows_test", e.rows_test}};
  }
  if (r.has_privacy) {
    const Privacy& p = r.privacy;
    j["train"] = names.train;
    j["rows_train"] = r.rows_train;
    j["privacy"] = {{"dcr_median_synth", p.median_synth}, {"dcr_median_real", p.median_real},
                    {"dcr_median_ratio", json_number(p.ratio)}, {"dcr_p5_synth", p.p5_synth},
                    {"dcr_p5_real", p.p5_real}, {"rows_synth", p.rows_synth}, {"rows_real", p.rows_real},
                    {"copies_synth", p.copies_synth}, {"copy_share_synth", p.copy_share_synth},
                    {"copies_real", p.copies_real}, {"copy_share_real", p.copy_share_real},
                    {"flagged", p.flagged}};
  }
  fmt::print("{}\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void check_flags(const ReportCommand& cmd) {
  const ReportOptions& o = cmd.report;
  if (o.folds < 2 || o.folds > 20) fail_usage("--folds must be between 2 and 20 (got {})", o.folds);
  for (const auto& [flag, value] : {std::pair{"--detection-rows", o.detection_rows},
                                    std::pair{"--efficacy-rows", o.efficacy_rows},
                                    std::pair{"--privacy-rows", o.privacy_rows}})
    if (value < 1) fail_usage("{} must be at least 1 (got {})", flag, value);
  if (o.worst_pairs < 0) fail_usage("--worst-pairs must not be negative (got {})", o.worst_pairs);
}

void run_report(const ReportCommand& cmd) {
  check_flags(cmd);
  ProgressLine progress(cmd.quiet);
  progress.show("report: reading…");
  Names names;
  const Table real = read_table(cmd.real, names.real);
  Table synth = read_table(cmd.synth, names.synth);
  synth = align_columns(real, names.real, synth, names.synth);
  Table train;
  if (!cmd.train.empty()) {
    train = read_table(cmd.train, names.train);
    train = align_columns(real, names.real, train, names.train);
  }
  const ReportOptions& opt = cmd.report;
  if (!opt.target.empty()) {
    bool found = false;
    for (const Column& c : real.schema.columns) found = found || c.name == opt.target;
    if (!found)
      fail_usage("--target {} is not a column of {} (columns: {})", quote_for_message(opt.target), names.real,
                 fmt::join(column_names(real.schema), ", "));
    if (real.schema.columns.size() < 2) fail_usage("--target needs at least one other column to predict it from");
  }
  progress.show("report: measuring…");
  const Report r = make_report(real, synth, cmd.train.empty() ? nullptr : &train, opt);
  progress.clear();
  if (cmd.json)
    print_json(r, real, names, opt);
  else
    print_text(r, real, names, opt);
}

}  // namespace

void add_report_command(CLI::App& app) {
  auto cmd = std::make_shared<ReportCommand>();
  CLI::App* sub = app.add_subcommand("report", "How close a synthetic table is to the real one, and how private");
  sub->footer(
      "Column shapes (1 − KS or 1 − TVD per column), column pair trends (correlations and contingency tables),\n"
      "detection (cross-validated ROC AUC of eval-jsd's classifier: 0.5 means indistinguishable), ML efficacy\n"
      "(--target: a model trained on SYNTH, tested on REAL, beside one trained on TRAIN) and privacy (--train:\n"
      "distance to the closest TRAIN row, exact copies). REAL is held-out data (not trained on). The formulas\n"
      "and their sources are in README.md, \"gantool report\".\n\n"
      "Examples:\n"
      "  gantool report test.h5 synthetic.h5\n"
      "  gantool report test.h5 synthetic.h5 --train train.h5 --target income --json");
  sub->add_option("real", cmd->real, "REAL.h5: real rows the generator did not train on")->required();
  sub->add_option("synth", cmd->synth, "SYNTH.h5: synthetic rows with the same columns")->required();
  sub->add_option("--train", cmd->train, "TRAIN.h5: the rows the generator trained on (privacy, efficacy ceiling)");
  sub->add_option("--target", cmd->report.target, "A column to predict from the others (ML efficacy)");
  sub->add_flag("--json", cmd->json, "Print the report as one JSON object");
  sub->add_option("--worst-pairs", cmd->report.worst_pairs, "Column pairs listed, lowest score first")
      ->capture_default_str();
  sub->add_option("--detection-rows", cmd->report.detection_rows, "Detection: rows a side at most (random subset)")
      ->capture_default_str();
  sub->add_option("--folds", cmd->report.folds, "Detection: cross-fitting folds")->capture_default_str();
  sub->add_option("--efficacy-rows", cmd->report.efficacy_rows, "ML efficacy: rows of each table at most")
      ->capture_default_str();
  sub->add_option("--privacy-rows", cmd->report.privacy_rows, "Privacy: SYNTH and REAL rows whose DCR is measured")
      ->capture_default_str();
  sub->add_option("--seed", cmd->report.seed, "Seed of subsets and folds")->capture_default_str()->check(seed_check());
  sub->add_flag("-q,--quiet", cmd->quiet, "No progress");
  add_threads_option(sub);
  sub->callback([cmd] { run_report(*cmd); });
}

}  // namespace gantool
