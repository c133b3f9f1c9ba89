// gantool report's metrics put together: aligning the tables, detection, the whole report.
#include "metrics/report.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include "core/error.hpp"
#include "metrics/finite_features.hpp"
#include "metrics/jsd.hpp"
#include "metrics/jsd_table.hpp"

namespace gantool {

namespace {

// Substreams of the seed: the rows of detection, efficacy and privacy. The classifier's own
// streams start at 2^32 (metrics/jsd.cpp).
constexpr uint64_t kDetectionStream = 1, kEfficacyStream = 2, kPrivacyStream = 3;
// Rows a side below which the classifier is not trained (eval-jsd's minimum).
constexpr int64_t kDetectionMinimum = 100;

int64_t find_column(const Schema& schema, const std::string& name) {
  for (size_t c = 0; c < schema.columns.size(); ++c)
    if (schema.columns[c].name == name) return static_cast<int64_t>(c);
  return -1;
}

// Maps the codes of other's categorical column c to reference's categories, appending the
// categories reference lacks.
void align_categories(const Column& ref, const std::string& ref_file, Column& col, ColumnValues& values,
                      const std::string& file) {
  std::unordered_map<std::string, int64_t> code_of;
  for (size_t i = 0; i < ref.categories.size(); ++i) code_of.emplace(ref.categories[i], static_cast<int64_t>(i));
  std::vector<std::string> categories = ref.categories;
  std::vector<int64_t> mapped;
  bool shared = false;
  for (const std::string& category : col.categories) {
    const auto it = code_of.find(category);
    shared = shared || it != code_of.end();
    if (it != code_of.end()) {
      mapped.push_back(it->second);
    } else {
      mapped.push_back(static_cast<int64_t>(categories.size()));
      categories.push_back(category);
    }
  }
  if (!shared && !ref.categories.empty() && !col.categories.empty())
    fail("column {} shares no category between {} and {} (e.g. {} and {}); report compares tables of the same columns",
         quote_for_message(col.name), ref_file, file, quote_for_message(ref.categories[0]),
         quote_for_message(col.categories[0]));
  for (int64_t& code : values.ints)
    if (code >= 0) code = mapped[static_cast<size_t>(code)];
  col.categories = std::move(categories);
}

}  // namespace

Table align_columns(const Table& reference, const std::string& reference_file, const Table& other,
                    const std::string& other_file) {
  for (const Column& col : other.schema.columns)
    if (find_column(reference.schema, col.name) < 0)
      fail("column {} of {} is not in {}; report compares tables of the same columns", quote_for_message(col.name),
           other_file, reference_file);
  std::vector<int64_t> order;
  for (const Column& col : reference.schema.columns) {
    const int64_t c = find_column(other.schema, col.name);
    if (c < 0)
      fail("column {} of {} is not in {}; report compares tables of the same columns", quote_for_message(col.name),
           reference_file, other_file);
    order.push_back(c);
  }
  Table out = keep_columns(other, order);
  out.schema.normalization = {};
  for (size_t c = 0; c < order.size(); ++c) {
    const Column& ref = reference.schema.columns[c];
    Column& col = out.schema.columns[c];
    if (ref.kind != col.kind)
      fail("column {} is {} in {} but {} in {}; report compares tables whose columns have the same kinds{}",
           quote_for_message(col.name), column_kind_name(ref.kind), reference_file, column_kind_name(col.kind),
           other_file,
           ref.kind == ColumnKind::boolean
               ? std::string()
               : fmt::format(" (import both with 'gantool prepare --{} {}')", column_kind_name(ref.kind), col.name));
    if (col.kind == ColumnKind::categorical) align_categories(ref, reference_file, col, out.columns[c], other_file);
  }
  count_categories(out);
  return out;
}

double roc_auc(const std::vector<double>& positives, const std::vector<double>& negatives) {
  const double n1 = double(positives.size()), n0 = double(negatives.size());
  if (n1 == 0 || n0 == 0) return NAN;
  std::vector<std::pair<double, int>> all;
  for (const double s : positives) all.push_back({s, 1});
  for (const double s : negatives) all.push_back({s, 0});
  std::sort(all.begin(), all.end());
  double rank_sum = 0;  // ranks from 1, ties at their average rank
  for (size_t i = 0; i < all.size();) {
    size_t j = i;
    while (j < all.size() && all[j].first == all[i].first) ++j;
    const double rank = (double(i + 1) + double(j)) / 2;
    for (size_t k = i; k < j; ++k) rank_sum += all[k].second * rank;
    i = j;
  }
  return (rank_sum - n1 * (n1 + 1) / 2) / (n1 * n0);
}

Detection detect(const Table& real, const Table& synth, const ReportOptions& opt) {
  Detection d;
  d.rows = std::min({real.rows, synth.rows, opt.detection_rows});
  d.subsampled = d.rows < std::min(real.rows, synth.rows);
  if (d.rows < kDetectionMinimum) {
    d.auc = d.jsd_bound = NAN;
    d.settings = fmt::format("not run: fewer than {} rows a side", kDetectionMinimum);
    return d;
  }
  Rng rng = make_rng(opt.seed, kDetectionStream);
  const Table a = select_table_rows(real, d.rows, rng);
  const Table b = select_table_rows(synth, d.rows, rng);
  const FeatureMap map = fit_features(a, b);
  const JsdEstimate e = classifier_jsd(encode_finite(map, a), encode_finite(map, b), opt.folds, opt.seed);
  d.auc = roc_auc(e.scores_a, e.scores_b);
  d.jsd_bound = e.jsd;
  d.settings = fmt::format("{} features; {}", map.width, e.settings);
  return d;
}

Report make_report(const Table& real, const Table& synth, const Table* train, const ReportOptions& opt) {
  Report r;
  r.rows_real = real.rows, r.rows_synth = synth.rows, r.rows_train = train ? train->rows : 0;
  r.shapes = column_shapes(real, synth);
  double sum = 0;
  for (const ColumnShape& s : r.shapes) sum += s.score;
  r.shapes_score = r.shapes.empty() ? NAN : sum / double(r.shapes.size());
  r.pairs = pair_trends(real, synth);
  sum = 0;
  for (const PairTrend& p : r.pairs) sum += p.score;
  r.pairs_score = r.pairs.empty() ? NAN : sum / double(r.pairs.size());
  r.worst.resize(r.pairs.size());
  std::iota(r.worst.begin(), r.worst.end(), 0);
  std::stable_sort(r.worst.begin(), r.worst.end(), [&](int64_t x, int64_t y) {
    return r.pairs[static_cast<size_t>(x)].score < r.pairs[static_cast<size_t>(y)].score;
  });
  r.worst.resize(std::min<size_t>(r.worst.size(), static_cast<size_t>(std::max<int64_t>(opt.worst_pairs, 0))));
  r.detection = detect(real, synth, opt);
  if (!opt.target.empty()) {
    Rng rng = make_rng(opt.seed, kEfficacyStream);
    const auto cap = [&](const Table& t) { return select_table_rows(t, opt.efficacy_rows, rng); };
    const Table test = cap(real), fit_synth = cap(synth);
    const Table fit_train = train ? cap(*train) : Table{};
    r.efficacy = ml_efficacy(test, fit_synth, train ? &fit_train : nullptr, opt.target);
    r.has_efficacy = true;
  }
  if (train) {
    Rng rng = make_rng(opt.seed, kPrivacyStream);
    const Table synth_rows = select_table_rows(synth, opt.privacy_rows, rng);
    const Table real_rows = select_table_rows(real, opt.privacy_rows, rng);
    r.privacy = privacy(*train, synth, real, synth_rows, real_rows);
    r.has_privacy = true;
  }
  return r;
}

}  // namespace gantool
