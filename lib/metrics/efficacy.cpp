// Machine-learning efficacy: macro F1, R², and the models fitted on SYNTH and TRAIN, tested on REAL.
#include "metrics/efficacy.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "metrics/finite_features.hpp"

namespace gantool {

double macro_f1(const std::vector<int64_t>& truth, const std::vector<int64_t>& predicted) {
  GANTOOL_ASSERT(truth.size() == predicted.size());
  std::vector<int64_t> labels = truth;
  labels.insert(labels.end(), predicted.begin(), predicted.end());
  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
  if (labels.empty()) return 0;
  double sum = 0;
  for (const int64_t label : labels) {
    double tp = 0, fp = 0, fn = 0;
    for (size_t i = 0; i < truth.size(); ++i) {
      tp += truth[i] == label && predicted[i] == label;
      fp += truth[i] != label && predicted[i] == label;
      fn += truth[i] == label && predicted[i] != label;
    }
    sum += 2 * tp + fp + fn > 0 ? 2 * tp / (2 * tp + fp + fn) : 0;
  }
  return sum / double(labels.size());
}

double r_squared(const std::vector<double>& truth, const std::vector<double>& predicted) {
  GANTOOL_ASSERT(truth.size() == predicted.size() && !truth.empty());
  double mean = 0;
  for (const double v : truth) mean += v;
  mean /= double(truth.size());
  double res = 0, tot = 0;
  for (size_t i = 0; i < truth.size(); ++i) {
    res += (truth[i] - predicted[i]) * (truth[i] - predicted[i]);
    tot += (truth[i] - mean) * (truth[i] - mean);
  }
  if (tot == 0) return res == 0 ? 1 : 0;
  return 1 - res / tot;
}

namespace {

// The rows of a table that have a target value: their features (rows, width) and target.
struct Examples {
  std::vector<double> x;
  std::vector<int64_t> classes;  // discrete target: codes
  std::vector<double> values;    // numeric target
};

Examples examples(const FeatureMap& map, const Table& table, const std::vector<int64_t>& keep, int64_t target) {
  const Tensor features = encode_finite(map, keep_columns(table, keep));
  const ColumnValues& col = table.columns[static_cast<size_t>(target)];
  const bool discrete = is_discrete(table.schema.columns[static_cast<size_t>(target)].kind);
  Examples out;
  for (int64_t r = 0; r < table.rows; ++r) {
    const double y = number_at(table, target, r);
    if (std::isnan(y)) continue;  // missing (or a NaN value)
    out.x.insert(out.x.end(), features.row(r), features.row(r) + features.cols());
    if (discrete)
      out.classes.push_back(col.ints[static_cast<size_t>(r)]);
    else
      out.values.push_back(y);
  }
  return out;
}

// The score on `test` of the model fitted to `fit`: macro F1 or R²; NaN when fit has no rows.
double fit_and_score(const Examples& fit, const Examples& test, int64_t d, bool discrete) {
  if (discrete) {
    if (fit.classes.empty() || test.classes.empty()) return NAN;
    return macro_f1(test.classes, predict_classes(fit_logistic(fit.x, d, fit.classes, /*c=*/1.0), test.x));
  }
  if (fit.values.empty() || test.values.empty()) return NAN;
  return r_squared(test.values, predict_values(fit_ridge(fit.x, d, fit.values, /*alpha=*/1.0), test.x));
}

}  // namespace

Efficacy ml_efficacy(const Table& test, const Table& fit_synth, const Table* fit_train, const std::string& target) {
  int64_t t = -1;
  std::vector<int64_t> keep;
  for (int64_t c = 0; c < static_cast<int64_t>(test.schema.columns.size()); ++c)
    if (test.schema.columns[static_cast<size_t>(c)].name == target)
      t = c;
    else
      keep.push_back(c);
  GANTOOL_ASSERT(t >= 0);
  const bool discrete = is_discrete(test.schema.columns[static_cast<size_t>(t)].kind);
  const FeatureMap map = fit_features(keep_columns(test, keep), keep_columns(fit_synth, keep));
  const Examples test_ex = examples(map, test, keep, t), synth_ex = examples(map, fit_synth, keep, t);
  Efficacy e;
  e.target = target;
  e.metric = discrete ? "macro F1" : "R²";
  e.model = discrete ? "logistic regression (L2, C = 1; multinomial above 2 classes)" : "ridge regression (alpha = 1)";
  const auto rows = [&](const Examples& ex) {
    return static_cast<int64_t>(discrete ? ex.classes.size() : ex.values.size());
  };
  e.rows_test = rows(test_ex);
  e.rows_synth = rows(synth_ex);
  e.synth = fit_and_score(synth_ex, test_ex, map.width, discrete);
  e.train = NAN;
  if (fit_train) {
    const Examples train_ex = examples(map, *fit_train, keep, t);
    e.rows_train = rows(train_ex);
    e.train = fit_and_score(train_ex, test_ex, map.width, discrete);
  }
  return e;
}

}  // namespace gantool
