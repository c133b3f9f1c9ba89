// End-to-end tests of `gantool eval-jsd`: its output, units, the quality gate, files in
// different normalizations, and bad input.
#include <catch2/catch.hpp>

#include <cmath>

#include "cli/run.hpp"

using namespace gantool_test;

TEST_CASE("eval-jsd: a readable line and JSON with the estimate, interval and noise floor", "[eval_jsd]") {
  Scratch s("eval_jsd");
  REQUIRE(s.run("prepare -q --dist ring -n 20000 --seed 1 -o a.h5").status == 0);
  REQUIRE(s.run("prepare -q --dist ring -n 20000 --seed 2 -o b.h5").status == 0);
  REQUIRE(s.run("prepare -q --dist ring -n 20000 --seed 3 --modes 6 -o six.h5").status == 0);
  const Result r = s.run("eval-jsd a.h5 b.h5");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("nats") != std::string::npos);
  CHECK(r.out.find("noise floor") != std::string::npos);
  CHECK(r.out.find("20000 vs 20000 rows, 2 dimensions") != std::string::npos);
  const json same = json::parse(s.run("eval-jsd a.h5 b.h5 --json").out);
  for (const char* key : {"jsd", "units", "ci_low", "ci_high", "method", "noise_floor", "rows_a", "rows_b", "dim"})
    CHECK(same.contains(key));
  CHECK(same["method"] == "knn");  // auto, in 2 dimensions
  CHECK(same["dim"] == 2);
  // Identical distributions: the interval holds 0, or the estimate is below 0.005.
  const double jsd = same["jsd"], lo = same["ci_low"], hi = same["ci_high"];
  CHECK(((lo <= 0 && 0 <= hi) || jsd < 0.005));
  CHECK(lo <= jsd);
  CHECK(jsd <= hi);
  // 6 of the 8 modes (spacing 2π/6, so mostly other places): far from the noise floor.
  const json diff = json::parse(s.run("eval-jsd a.h5 six.h5 --json --bootstrap 0").out);
  CHECK(diff["jsd"].get<double>() > 0.3);
  CHECK(diff["ci_low"].is_null());
  const json bits = json::parse(s.run("eval-jsd a.h5 six.h5 --json --bootstrap 0 --units bits").out);
  CHECK(bits["jsd"].get<double>() == Approx(diff["jsd"].get<double>() / std::log(2.0)));
  const json hist = json::parse(s.run("eval-jsd a.h5 six.h5 --json --method hist --max-rows 5000").out);
  CHECK(hist["method"] == "hist");
  CHECK(hist["rows_a"] == 5000);
}

TEST_CASE("eval-jsd: --fail-above is a quality gate (exit 3)", "[eval_jsd]") {
  Scratch s("eval_jsd_gate");
  REQUIRE(s.run("prepare -q --dist ring -n 5000 --seed 1 -o a.h5").status == 0);
  REQUIRE(s.run("prepare -q --dist grid -n 5000 --seed 2 -o b.h5").status == 0);
  const Result fail = s.run("eval-jsd a.h5 b.h5 --fail-above 0.05 --bootstrap 0");
  CHECK(fail.status == 3);
  CHECK(fail.out.find("JSD(") != std::string::npos);  // the result is still printed
  CHECK(lines_of(fail.err).size() == 1);
  CHECK(fail.err.find("--fail-above 0.05") != std::string::npos);
  CHECK(s.run("eval-jsd a.h5 a.h5 --fail-above 0.05 --bootstrap 0").status == 0);
}

TEST_CASE("eval-jsd: files are compared in data units, whatever their normalization", "[eval_jsd]") {
  Scratch s("eval_jsd_units");
  REQUIRE(s.run("prepare -q --dist gaussian --mean 5 --std 3 -n 8000 --seed 1 -o raw.h5").status == 0);
  REQUIRE(s.run("prepare -q --dist gaussian --mean 5 --std 3 -n 8000 --seed 2 -o other.h5").status == 0);
  REQUIRE(s.run("prepare -q --from other.h5 --normalize standard -o norm.h5").status == 0);
  const json j = json::parse(s.run("eval-jsd raw.h5 norm.h5 --json --bootstrap 0").out);
  CHECK(std::abs(j["jsd"].get<double>()) < 0.01);
}

TEST_CASE("eval-jsd: bad input is one clear line", "[eval_jsd]") {
  Scratch s("eval_jsd_errors");
  REQUIRE(s.run("prepare -q --dist ring -n 500 -o a.h5").status == 0);
  REQUIRE(s.run("prepare -q --dist gaussian --dim 4 -n 500 -o four.h5").status == 0);
  s.python(
      "import h5py, numpy as np\n"
      "with h5py.File('nan.h5', 'w') as f:\n"
      "    x = np.random.default_rng(1).normal(size=(500, 2)).astype(np.float32); x[42, 1] = np.nan\n"
      "    f['data'] = x\n");
  check_error(s.run("eval-jsd a.h5 four.h5"), 1, {"a.h5", "2 columns", "four.h5", "4"});
  check_error(s.run("eval-jsd a.h5 nan.h5"), 1, {"nan.h5", "row 42"});
  check_error(s.run("eval-jsd four.h5 four.h5 --method hist"), 2, {"hist", "3 dimensions"});
  check_error(s.run("eval-jsd a.h5 a.h5 --method magic"), 2, {"--method"});
  check_error(s.run("eval-jsd a.h5 a.h5 --units furlongs"), 2, {"--units"});
  check_error(s.run("eval-jsd a.h5 missing.h5"), 1, {"missing.h5"});
  check_error(s.run("eval-jsd a.h5 a.h5 --bootstrap 1"), 2, {"--bootstrap"});
  check_error(s.run("eval-jsd a.h5 a.h5 --fail-above nan"), 2, {"--fail-above"});
  check_error(s.run("eval-jsd a.h5 a.h5 --method classifier --max-rows 50"), 1, {"classifier", "100 rows"});
  const json j = json::parse(s.run("eval-jsd a.h5 nan.h5 --drop-nonfinite --json --bootstrap 0").out);
  CHECK(j["dropped_b"] == 1);
  CHECK(j["rows_b"] == 499);
}

TEST_CASE("eval-jsd: shared rows are flagged; small 3-D samples use k-NN", "[eval_jsd]") {
  Scratch s("eval_jsd_shared");
  REQUIRE(s.run("prepare -q --dist gaussian --dim 3 -n 300 --seed 1 -o a.h5").status == 0);
  REQUIRE(s.run("prepare -q --dist gaussian --dim 3 --mean 10 -n 300 --seed 2 -o far.h5").status == 0);
  // Too few rows to train a classifier: auto takes k-NN, which sees the disjoint supports.
  const json j = json::parse(s.run("eval-jsd a.h5 far.h5 --json --bootstrap 0").out);
  CHECK(j["method"] == "knn");
  CHECK(j["jsd"].get<double>() == Approx(std::log(2.0)).margin(0.01));
  const Result same = s.run("eval-jsd a.h5 a.h5 --bootstrap 0");
  CHECK(same.status == 0);
  CHECK(same.err.find("300 of the 300 rows") != std::string::npos);
  CHECK(json::parse(s.run("eval-jsd a.h5 a.h5 --json --bootstrap 0").out)["shared_rows"] == 300);
}

TEST_CASE("eval-jsd: too few rows are refused or warned about, and never pass --fail-above", "[eval_jsd]") {
  Scratch s("eval_jsd_small");
  for (const int n : {1, 5, 30, 5000}) {
    REQUIRE(s.run("prepare -q --dist ring -n " + std::to_string(n) + " --seed 1 -o a" + std::to_string(n) + ".h5")
                .status == 0);
    REQUIRE(s.run("prepare -q --dist ring --radius 6 -n " + std::to_string(n) + " --seed 2 -o far" +
                  std::to_string(n) + ".h5")
                .status == 0);
  }
  // 1 and 5 rows a side: no estimator means anything (hist has one cell and reads 0).
  for (const std::string method : {"", " --method hist", " --method knn", " --method classifier"}) {
    check_error(s.run("eval-jsd a1.h5 far1.h5 --fail-above 0.01" + method), 1,
                {"a1.h5 has 1 row", "far1.h5 has 1", "too few", "give more rows"});
    check_error(s.run("eval-jsd a5.h5 far5.h5" + method), 1, {"a5.h5 has 5 rows", "far5.h5 has 5", "too few"});
  }
  // 30 rows of disjoint rings: hist would read 0 (refused), knn reads low (a warning), and
  // the gate is not passed however low the estimate.
  check_error(s.run("eval-jsd a30.h5 far30.h5 --method hist"), 1, {"too few", "80 rows"});
  const Result knn = s.run("eval-jsd a30.h5 far30.h5 --bootstrap 0");
  CHECK(knn.status == 0);
  CHECK(knn.err.find("warning: 30 rows a side are few for --method knn") != std::string::npos);
  const Result gate = s.run("eval-jsd a30.h5 a30.h5 --bootstrap 0 --fail-above 10");
  CHECK(gate.status == 3);
  CHECK(gate.out.find("JSD(") != std::string::npos);
  CHECK(gate.err.find("not passed: 30 rows a side are too few") != std::string::npos);
  // Enough rows: no warning, and the gate passes on the same distribution.
  const Result big = s.run("eval-jsd a5000.h5 a5000.h5 --bootstrap 0 --fail-above 0.05");
  CHECK(big.status == 0);
  CHECK(big.err.find("rows a side are few") == std::string::npos);
}

namespace {

// Writes NAME.csv: a category (red/green/blue, probabilities `probs`), x ~ N(mean of its
// category, 1) missing with a probability of its category, y ~ N(10, 2²), and a yes/no flag.
std::string mixed_csv(const std::string& name, const std::string& probs, const std::string& means,
                      const std::string& missing, int n, int seed, const std::string& colors = "'red', 'green', 'blue'") {
  return "r = np.random.default_rng(" + std::to_string(seed) + ")\n"
         "cat = r.choice(3, size=" + std::to_string(n) + ", p=[" + probs + "])\n"
         "x = np.array([" + means + "])[cat] + r.normal(size=cat.size)\n"
         "m = r.random(cat.size) < np.array([" + missing + "])[cat]\n"
         "df = pd.DataFrame({'color': np.array([" + colors + "])[cat], 'x': x, 'y': 10 + 2 * r.normal(size=cat.size),"
         " 'flag': np.where(cat == 0, 'yes', 'no')})\n"
         "df.loc[m, 'x'] = np.nan\n"
         "df.to_csv('" + name + ".csv', index=False, na_rep='NA')\n";
}

}  // namespace

TEST_CASE("eval-jsd on typed tables: exact matching on the discrete part, or the classifier", "[eval_jsd]") {
  Scratch s("eval_jsd_typed");
  s.python("import numpy as np, pandas as pd\n" + mixed_csv("p", "0.5, 0.3, 0.2", "0, 1, -1", "0.1, 0.2, 0.3", 3000, 1) +
           mixed_csv("p2", "0.5, 0.3, 0.2", "0, 1, -1", "0.1, 0.2, 0.3", 3000, 2) +
           mixed_csv("q", "0.3, 0.3, 0.4", "0.5, 1, 1", "0.3, 0.1, 0.1", 3000, 3) +
           mixed_csv("purple", "0.5, 0.3, 0.2", "0, 1, -1", "0.1, 0.2, 0.3", 3000, 4, "'red', 'green', 'purple'"));
  for (const char* f : {"p", "p2", "q", "purple"})
    REQUIRE(s.run(std::string("prepare -q --from ") + f + ".csv -o " + f + ".h5").status == 0);
  const json same = json::parse(s.run("eval-jsd p.h5 p2.h5 --json").out);
  CHECK(same["method"] == "knn");  // auto: 2 numeric columns, 6 cells of 500 rows
  CHECK(same["treatment"] == "exact match on the discrete part, k-NN within its cells");
  CHECK(same["discrete_cells"] == 6);  // color × (x missing or not); flag follows color
  CHECK(same["discrete_columns"] == 2);
  CHECK(same["missing_flags"] == 1);
  CHECK(same["numeric_columns"] == 2);
  CHECK(same["dim"] == 4);
  CHECK(same["unmatched_rows_b"] == 0);
  CHECK(std::abs(same["jsd"].get<double>()) < 0.02);
  // The true JSD is 0.1335 nats (numerical integration of the densities).
  const json diff = json::parse(s.run("eval-jsd p.h5 q.h5 --json --bootstrap 0").out);
  CHECK(diff["jsd"].get<double>() == Approx(0.1335).margin(0.03));
  const Result text = s.run("eval-jsd p.h5 q.h5 --bootstrap 0");
  CHECK(text.status == 0);
  CHECK(text.out.find("within 6 cells of the discrete part") != std::string::npos);
  CHECK(text.err.empty());
  // Cells of few rows: exact matching reads high, and says so.
  const Result sparse = s.run("eval-jsd p.h5 q.h5 --bootstrap 0 --max-rows 200");
  CHECK(sparse.err.find("warning: 6 discrete cells for 200 rows a side (33.3 a cell on average)") != std::string::npos);
  const json cls = json::parse(s.run("eval-jsd p.h5 q.h5 --json --bootstrap 0 --method classifier").out);
  CHECK(cls["lower_bound"] == true);
  CHECK(cls["treatment"].get<std::string>().find("classifier on features") == 0);
  CHECK(cls["jsd"].get<double>() < diff["jsd"].get<double>() + 0.03);
  CHECK(cls["jsd"].get<double>() > 0.07);
  // A category that A lacks: counted, and its rows lie where A has none.
  const json purple = json::parse(s.run("eval-jsd p.h5 purple.h5 --json --bootstrap 0").out);
  CHECK(purple["unmatched_rows_b"].get<int64_t>() > 450);
  CHECK(purple["unmatched_rows_b"].get<int64_t>() < 750);
  CHECK(purple["jsd"].get<double>() > 0.1);
  CHECK(s.run("eval-jsd p.h5 purple.h5 --bootstrap 0").out.find("rows of purple.h5 have a category that p.h5 lacks") !=
        std::string::npos);
}

TEST_CASE("eval-jsd on typed tables: columns that differ are one clear line", "[eval_jsd]") {
  Scratch s("eval_jsd_typed_errors");
  s.write("a.csv", "color,x\nred,1\nblue,NA\nred,2.5\n");
  s.write("renamed.csv", "colour,x\nred,1\nblue,3\nred,2.5\n");
  s.write("numbers.csv", "color,x\n1,1\n2,3\n3,2.5\n");
  s.write("ints.csv", "color,x\nred,1\nblue,3\nred,2\n");
  s.write("nan.csv", "color,x\nred,1\nblue,nan\nred,2.5\n");
  for (const char* f : {"a", "renamed", "numbers", "ints"})
    REQUIRE(s.run(std::string("prepare -q --from ") + f + ".csv -o " + f + ".h5").status == 0);
  REQUIRE(s.run("prepare -q --from nan.csv --na-values NA -o nan.h5").status == 0);
  check_error(s.run("eval-jsd a.h5 renamed.h5"), 1, {"column 1", "'color'", "a.h5", "'colour'", "renamed.h5"});
  check_error(s.run("eval-jsd a.h5 numbers.h5"), 1, {"'color'", "categorical in a.h5", "numbers.h5", "--categorical"});
  check_error(s.run("eval-jsd a.h5 a.h5 --method hist"), 2, {"--method hist", "a.h5", "typed table"});
  check_error(s.run("eval-jsd a.h5 nan.h5"), 1, {"nan.h5", "row 1", "'x'", "--drop-nonfinite"});
  // Integer and continuous columns compare as numbers; a missing value is not a NaN.
  const json j = json::parse(s.run("eval-jsd a.h5 ints.h5 --json --bootstrap 0 --k 1").out);
  CHECK(j["numeric_columns"] == 1);
  CHECK(json::parse(s.run("eval-jsd a.h5 nan.h5 --json --bootstrap 0 --k 1 --drop-nonfinite").out)["dropped_b"] == 1);
  // A numeric matrix of unnamed columns (x0, x1, ...) is compared by position.
  s.python("import h5py, numpy as np\nwith h5py.File('raw.h5', 'w') as f:\n    f['data'] = np.ones((3, 2), np.float32)\n");
  s.write("holes.csv", "u,v\n1,2\n3,NA\n2,5\n");
  REQUIRE(s.run("prepare -q --from holes.csv -o holes.h5").status == 0);
  const json holes = json::parse(s.run("eval-jsd holes.h5 raw.h5 --json --bootstrap 0 --k 1").out);
  CHECK(holes["missing_flags"] == 1);
  CHECK(holes["rows_b"] == 3);
  check_error(s.run("eval-jsd a.h5 raw.h5"), 1, {"'color'", "categorical in a.h5", "continuous in raw.h5"});
}
