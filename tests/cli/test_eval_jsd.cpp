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
