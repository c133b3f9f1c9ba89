// gantool report's column shapes, pair trends, alignment of columns, ROC AUC and detection,
// against an independent implementation in Python (scipy's ks_2samp, numpy's corrcoef,
// scikit-learn's roc_auc_score) on small mixed tables.
#include <catch2/catch.hpp>

#include "metrics/report.hpp"
#include "report_tables.hpp"

using namespace gantool;
using namespace gantool_test;

namespace {

// A synthetic table unlike mixed_table(…)'s default: shifted, another slope, a category the
// real one lacks ("purple"), its categories in another order.
MixedParams synthetic_params() {
  MixedParams p;
  p.shift = 0.3, p.slope = 1.5, p.missing = 0.1;
  p.colors = {"purple", "red", "blue", "green"};
  p.color_p = {0.1, 0.2, 0.4, 0.3};
  return p;
}

std::string error_of(const Table& a, const Table& b) {
  try {
    align_columns(a, "real.h5", b, "synth.h5");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("column shapes and pair trends agree with scipy and numpy on mixed tables", "[report]") {
  ScratchDir dir("report_shapes");
  const Table real = mixed_table(400, 1);
  const Table synth_raw = mixed_table(300, 2, synthetic_params());
  dir.write("real.csv", table_csv(real));
  dir.write("synth.csv", table_csv(synth_raw));
  const nlohmann::json py = run_python(dir, shapes_script("real.csv", "synth.csv", {"color", "flag"}));
  const Table synth = align_columns(real, "real.h5", synth_raw, "synth.h5");

  const std::vector<ColumnShape> shapes = column_shapes(real, synth);
  REQUIRE(shapes.size() == py["shapes"].size());
  for (size_t c = 0; c < shapes.size(); ++c) {
    INFO("column " << shapes[c].column);
    const auto& want = py["shapes"][c];
    CHECK(shapes[c].score == Approx(want["score"].get<double>()).margin(1e-12));
    CHECK(shapes[c].missing_real == Approx(want["missing_real"].get<double>()).margin(1e-12));
    CHECK(shapes[c].missing_synth == Approx(want["missing_synth"].get<double>()).margin(1e-12));
    CHECK(shapes[c].new_categories == want["new_categories"].get<int64_t>());
    CHECK(shapes[c].new_category_rows == want["new_category_rows"].get<int64_t>());
  }
  CHECK(shapes[3].new_categories == 1);  // purple
  CHECK(shapes[0].score < 0.99);         // x is shifted

  const std::vector<PairTrend> pairs = pair_trends(real, synth);
  REQUIRE(pairs.size() == py["pairs"].size());
  REQUIRE(pairs.size() == 15);
  for (size_t i = 0; i < pairs.size(); ++i) {
    INFO("pair " << pairs[i].a << ", " << pairs[i].b << " " << pairs[i].metric);
    CHECK(pairs[i].score == Approx(py["pairs"][i]["score"].get<double>()).margin(1e-9));
    CHECK(pairs[i].real == Approx(py["pairs"][i]["real"].get<double>()).margin(1e-9));
  }
}

TEST_CASE("ks_statistic, total_variation and decile bins: edge cases", "[report]") {
  CHECK(ks_statistic({1, 2, 3}, {1, 2, 3}) == 0);
  CHECK(ks_statistic({1, 1, 1}, {2, 2}) == 1);
  CHECK(ks_statistic({}, {}) == 0);
  CHECK(ks_statistic({1}, {}) == 1);
  CHECK(ks_statistic({1, 2, NAN}, {1, 2}) == 0);  // NaNs skipped
  CHECK(ks_statistic({1, 2, 2, 3}, {2, 2, 2, 2}) == Approx(0.25));  // ties: after 1 and after 2
  CHECK(total_variation({1, 1, 0}, {0, 1, 1}) == Approx(0.5));
  CHECK(total_variation({0, 0}, {1, 0}) == 1);
  CHECK(pearson({1, 2, 3}, {5, 5, 5}) == 0);  // constant: 0 by convention
  const std::vector<double> edges = decile_edges({4, 4, 4, 4, 1, 2, 3, 5, 6, 7, 8});
  CHECK(edges.size() == 9);
  CHECK(bin_of(edges, 0) == 0);
  CHECK(bin_of(edges, 100) == 9);
}

TEST_CASE("align_columns reorders columns and maps categories; mismatches name the column and both files",
          "[report]") {
  const Table real = mixed_table(50, 1);
  const Table synth = mixed_table(50, 2, synthetic_params());
  const Table aligned = align_columns(real, "real.h5", keep_columns(synth, {5, 4, 3, 2, 1, 0}), "synth.h5");
  CHECK(column_names(aligned.schema) == column_names(real.schema));
  CHECK(aligned.schema.columns[3].categories == std::vector<std::string>{"blue", "green", "red", "purple"});
  for (int64_t r = 0; r < synth.rows; ++r) {
    const int64_t before = synth.columns[3].ints[static_cast<size_t>(r)];
    const int64_t after = aligned.columns[3].ints[static_cast<size_t>(r)];
    CHECK((before < 0 ? after < 0 : aligned.schema.columns[3].categories[size_t(after)] ==
                                       synth.schema.columns[3].categories[size_t(before)]));
  }
  const std::string missing = error_of(real, keep_columns(synth, {0, 1, 2, 3, 4}));
  CHECK(missing.find("'y'") != std::string::npos);
  CHECK(missing.find("real.h5") != std::string::npos);
  CHECK(missing.find("synth.h5") != std::string::npos);
  Table renamed = synth;
  renamed.schema.columns[1].name = "count";
  CHECK(error_of(real, renamed).find("'count' of synth.h5 is not in real.h5") != std::string::npos);
  Table rekinded = synth;
  rekinded.schema.columns[1].kind = ColumnKind::datetime;
  const std::string kind = error_of(real, rekinded);
  CHECK(kind.find("'n' is integer in real.h5 but datetime in synth.h5") != std::string::npos);
  Table disjoint = synth;
  disjoint.schema.columns[3].categories = {"a", "b", "c", "d"};
  const std::string categories = error_of(real, disjoint);
  CHECK(categories.find("'color' shares no category between real.h5 and synth.h5") != std::string::npos);
}

TEST_CASE("roc_auc is scikit-learn's roc_auc_score, ties included", "[report]") {
  ScratchDir dir("report_auc");
  Rng rng = make_rng(7);
  std::vector<double> pos, neg;
  std::string csv;
  for (int i = 0; i < 300; ++i) {
    const bool positive = i % 3 != 0;
    const double s = std::round(10 * (normal(rng) + (positive ? 0.5 : 0))) / 10;  // many ties
    (positive ? pos : neg).push_back(s);
    csv += fmt::format("{},{:.17g}\n", positive ? 1 : 0, s);
  }
  dir.write("scores.csv", csv);
  const nlohmann::json py = run_python(dir, R"(
import json, numpy as np
from sklearn.metrics import roc_auc_score
d = np.loadtxt('scores.csv', delimiter=',')
print(json.dumps({'auc': roc_auc_score(d[:, 0], d[:, 1])}))
)");
  CHECK(roc_auc(pos, neg) == Approx(py["auc"].get<double>()).margin(1e-12));
  CHECK(roc_auc({1, 1}, {1, 1}) == 0.5);
  CHECK(roc_auc({2, 3}, {0, 1}) == 1);
}

TEST_CASE("detection: AUC near 0.5 for the same distribution, near 1 for a distant one", "[report]") {
  ReportOptions opt;
  const Table real = mixed_table(3000, 1);
  const Table same = mixed_table(3000, 2);
  MixedParams far;
  far.shift = 3;
  const Table distant = mixed_table(3000, 3, far);
  const Detection d_same = detect(real, same, opt);
  CHECK(d_same.rows == 3000);
  CHECK_FALSE(d_same.subsampled);
  CHECK(d_same.auc == Approx(0.5).margin(0.05));
  const Detection d_far = detect(real, distant, opt);
  CHECK(d_far.auc > 0.95);
  CHECK(d_far.jsd_bound > 0.3);
  opt.detection_rows = 1000;
  const Detection d_sub = detect(real, distant, opt);
  CHECK(d_sub.rows == 1000);
  CHECK(d_sub.subsampled);
  opt.detection_rows = 50;
  CHECK(std::isnan(detect(real, distant, opt).auc));  // too few rows: not run
}
