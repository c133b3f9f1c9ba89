// ML efficacy's models and scores against scikit-learn: LogisticRegression(C=1) (binary and
// multinomial), Ridge(alpha=1), f1_score(average='macro'), r2_score; and the whole efficacy
// section on mixed tables, scikit-learn fitting on the same features.
#include <catch2/catch.hpp>

#include "metrics/efficacy.hpp"
#include "metrics/features.hpp"
#include "report_tables.hpp"

using namespace gantool;
using namespace gantool_test;

namespace {

// sklearn's models fitted to x.csv (features) and y.csv, scored on tx.csv and ty.csv.
const char* kModelsScript = R"(
import json, numpy as np
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import f1_score, r2_score
x, tx = np.loadtxt('x.csv', delimiter=','), np.loadtxt('tx.csv', delimiter=',')
y, ty = np.loadtxt('y.csv'), np.loadtxt('ty.csv')
out = {}
for name, labels in (('multi', np.floor(y)), ('binary', (y > 1).astype(float))):
    test = np.floor(ty) if name == 'multi' else (ty > 1).astype(float)
    m = LogisticRegression(C=1.0, tol=1e-12, max_iter=100000).fit(x, labels)
    out[name] = {'coef': m.coef_.tolist(), 'intercept': m.intercept_.tolist(),
                 'f1': f1_score(test, m.predict(tx), average='macro')}
r = Ridge(alpha=1.0).fit(x, y)
out['ridge'] = {'coef': r.coef_.tolist(), 'intercept': float(r.intercept_), 'r2': r2_score(ty, r.predict(tx))}
print(json.dumps(out))
)";

std::string rows_csv(const std::vector<double>& v, int64_t d) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += fmt::format("{:.17g}{}", v[i], (i + 1) % size_t(d) ? "," : "\n");
  return out;
}

}  // namespace

TEST_CASE("logistic and ridge regression agree with scikit-learn", "[report][efficacy]") {
  ScratchDir dir("report_models");
  const int64_t d = 4, n = 300, tn = 200;
  Rng rng = make_rng(3);
  std::vector<double> x, tx, y, ty;
  const auto draw = [&](std::vector<double>& xs, std::vector<double>& ys, int64_t rows) {
    for (int64_t i = 0; i < rows; ++i) {
      double s = 1.5;
      for (int64_t f = 0; f < d; ++f) {
        xs.push_back(normal(rng));
        s += (f + 1) * 0.4 * xs.back();
      }
      ys.push_back(std::clamp(s + normal(rng), 0.0, 3.999));  // classes 0 … 3 when floored
    }
  };
  draw(x, y, n);
  draw(tx, ty, tn);
  dir.write("x.csv", rows_csv(x, d));
  dir.write("tx.csv", rows_csv(tx, d));
  dir.write("y.csv", rows_csv(y, 1));
  dir.write("ty.csv", rows_csv(ty, 1));
  const nlohmann::json py = run_python(dir, kModelsScript);

  for (const std::string name : {"multi", "binary"}) {
    INFO(name);
    std::vector<int64_t> labels, test;
    for (const double v : y) labels.push_back(name == "multi" ? int64_t(std::floor(v)) : v > 1);
    for (const double v : ty) test.push_back(name == "multi" ? int64_t(std::floor(v)) : v > 1);
    const LinearModel m = fit_logistic(x, d, labels, 1.0);
    // scikit-learn's lbfgs stops when the objective changes by less than 64 ε relatively, a
    // few 1e-6 from the optimum on these data: coefficients agree to 2e-5, predictions exactly.
    const auto& coef = py[name]["coef"];
    REQUIRE(m.weights.size() == coef.size() * size_t(d + 1));
    for (size_t j = 0; j < coef.size(); ++j) {
      for (int64_t f = 0; f < d; ++f)
        CHECK(m.weights[j * size_t(d + 1) + size_t(f)] == Approx(coef[j][size_t(f)].get<double>()).margin(2e-5));
      CHECK(m.weights[j * size_t(d + 1) + size_t(d)] == Approx(py[name]["intercept"][j].get<double>()).margin(2e-5));
    }
    CHECK(macro_f1(test, predict_classes(m, tx)) == Approx(py[name]["f1"].get<double>()).margin(1e-12));
  }
  const LinearModel r = fit_ridge(x, d, y, 1.0);
  for (int64_t f = 0; f < d; ++f) CHECK(r.weights[size_t(f)] == Approx(py["ridge"]["coef"][size_t(f)].get<double>()).margin(1e-10));
  CHECK(r.weights[size_t(d)] == Approx(py["ridge"]["intercept"].get<double>()).margin(1e-10));
  CHECK(r_squared(ty, predict_values(r, tx)) == Approx(py["ridge"]["r2"].get<double>()).margin(1e-10));
}

TEST_CASE("macro F1 counts labels of truth and prediction; R² of a constant truth", "[report][efficacy]") {
  // sklearn: f1_score([0, 0, 1, 2], [0, 1, 1, 3], average='macro') = (2/3 + 2/3 + 0 + 0) / 4.
  CHECK(macro_f1({0, 0, 1, 2}, {0, 1, 1, 3}) == Approx((2.0 / 3 + 2.0 / 3) / 4));
  CHECK(r_squared({1, 1}, {1, 1}) == 1);
  CHECK(r_squared({1, 1}, {1, 2}) == 0);
  const LinearModel one = fit_logistic({1, 2, 3}, 1, {5, 5, 5}, 1.0);  // one class: always predicted
  CHECK(predict_classes(one, {0, 9}) == std::vector<int64_t>{5, 5});
}

TEST_CASE("ML efficacy on mixed tables: scikit-learn on the same features gives the same scores",
          "[report][efficacy]") {
  ScratchDir dir("report_efficacy");
  const Table test = mixed_table(500, 1), train = mixed_table(500, 4);
  MixedParams p;
  p.slope = 0.5;
  const Table synth = mixed_table(400, 2, p);
  for (const std::string target : {"color", "y"}) {
    INFO(target);
    const int64_t t = target == "color" ? 3 : 5;
    std::vector<int64_t> keep;
    for (int64_t c = 0; c < 6; ++c)
      if (c != t) keep.push_back(c);
    // The features ml_efficacy uses (fitted on the test rows), and the target, for sklearn.
    const FeatureMap map = fit_features(keep_columns(test, keep), keep_columns(synth, keep));
    for (const auto& [name, table] : {std::pair{"test", &test}, std::pair{"synth", &synth}, std::pair{"train", &train}}) {
      dir.write(std::string(name) + "_x.csv", tensor_csv(encode_features(map, keep_columns(*table, keep))));
      std::string y;
      for (int64_t r = 0; r < table->rows; ++r) y += fmt::format("{:.17g}\n", number_at(*table, t, r));
      dir.write(std::string(name) + "_y.csv", y);
    }
    const nlohmann::json py = run_python(dir, std::string(R"(
import json, numpy as np
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import f1_score, r2_score
discrete = )") + (target == "color" ? "True" : "False") + R"(
def load(name):
    x = np.loadtxt(name + '_x.csv', delimiter=',').astype(np.float32).astype(np.float64)
    y = np.loadtxt(name + '_y.csv')
    keep = ~np.isnan(y)
    return x[keep], y[keep]
tx, ty = load('test')
out = {}
for name in ('synth', 'train'):
    x, y = load(name)
    if discrete:
        out[name] = f1_score(ty, LogisticRegression(C=1.0, tol=1e-12, max_iter=100000).fit(x, y).predict(tx), average='macro')
    else:
        out[name] = r2_score(ty, Ridge(alpha=1.0).fit(x, y).predict(tx))
print(json.dumps(out))
)");
    const Efficacy e = ml_efficacy(test, synth, &train, target);
    CHECK(e.metric == (target == "color" ? "macro F1" : "R²"));
    CHECK(e.synth == Approx(py["synth"].get<double>()).margin(1e-9));
    CHECK(e.train == Approx(py["train"].get<double>()).margin(1e-9));
    if (target == "y") CHECK(e.train > e.synth);  // the synthetic rows' slope is wrong
  }
}
