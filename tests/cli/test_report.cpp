// End-to-end tests of `gantool report`: the text report and --json on typed tables written
// with h5py in the layout of lib/io/table_file.hpp, the privacy and efficacy sections, a
// memorizing generator, and bad input (each message names the column and both files).
#include <catch2/catch.hpp>

#include "cli/run.hpp"
#include "metrics/report_tables.hpp"

using namespace gantool_test;

namespace {

// Python that writes typed tables with h5py (lib/io/table_file.hpp's layout): table(path,
// rows, seed, shift, colors, drop, rename, kinds) of columns x (continuous, 5% missing),
// n (integer), day (datetime), color (categorical), flag (boolean), y (continuous).
const char* kWriter = R"(
import h5py, numpy as np
def table(path, rows, seed, shift=0.0, colors=('blue', 'green', 'red'), drop=(), rename={}, kinds={}):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=rows) + shift
    code = rng.choice(len(colors), size=rows, p=np.full(len(colors), 1 / len(colors)))
    cols = {
        'x': ('continuous', x, rng.random(rows) < 0.05),
        'n': ('integer', np.floor(3 * rng.random(rows) + 2 * (x > 0)).astype(np.int64), None),
        'day': ('datetime', (1600000000 + 86400 * np.floor(30 * rng.random(rows) + 5 * x)).astype(np.int64), None),
        'color': ('categorical', code.astype(np.int32), None),
        'flag': ('boolean', (x + 0.3 * code + rng.normal(size=rows) > 0.5), None),
        'y': ('continuous', 2 * x + 0.5 * rng.normal(size=rows), None),
    }
    names = [n for n in cols if n not in drop]
    with h5py.File(path, 'w') as f:
        f.attrs['format'] = 'gantool-dataset'
        f.attrs['format_version'] = np.int64(2)
        g = f.create_group('table')
        out = [rename.get(n, n) for n in names]
        g.attrs['columns'] = out
        for name, stored in zip(names, out):
            kind, values, missing = cols[name]
            kind = kinds.get(name, kind)
            if kind == 'boolean':
                ds = g.create_dataset(stored, data=values.astype(bool))
                ds.attrs['categories'] = ['no', 'yes']
                ds.attrs['counts'] = np.array([(~values).sum(), values.sum()], dtype=np.int64)
            else:
                ds = g.create_dataset(stored, data=values)
            ds.attrs['kind'] = kind
            if kind == 'categorical':
                ds.attrs['categories'] = list(colors)
                ds.attrs['counts'] = np.bincount(values, minlength=len(colors)).astype(np.int64)
            if kind == 'datetime':
                ds.attrs['format'] = '%Y-%m-%d'
            if missing is not None:
                f.create_dataset('missing/' + stored, data=missing.astype(np.uint8))
                ds[np.nonzero(missing)[0]] = 0
)";

}  // namespace

TEST_CASE("report: text and JSON sections on two samples of one table", "[report_cli]") {
  Scratch s("report");
  s.python(std::string(kWriter) + "table('real.h5', 3000, 1)\ntable('synth.h5', 2500, 2)\ntable('train.h5', 3000, 3)\n");
  const Result r = s.run("report real.h5 synth.h5 --train train.h5 --target y");
  INFO(r.err);
  REQUIRE(r.status == 0);
  for (const char* part : {"Column shapes:", "KSComplement", "TVComplement", "Column pair trends:", "worst pairs",
                           "Detection: ROC AUC", "ML efficacy (target 'y'", "R²", "Privacy", "median DCR",
                           "exact copies of training rows: 0.0%", "no sign of memorization"})
    CHECK(r.out.find(part) != std::string::npos);
  const Result jr = s.run("report real.h5 synth.h5 --train train.h5 --target color --json");
  INFO(jr.err);
  REQUIRE(jr.status == 0);
  const json j = json::parse(jr.out);
  CHECK(j["rows_real"] == 3000);
  CHECK(j["rows_synth"] == 2500);
  CHECK(j["column_shapes"]["columns"].size() == 6);
  CHECK(j["column_shapes"]["score"].get<double>() > 0.9);
  CHECK(j["column_pair_trends"]["pairs"].size() == 15);
  CHECK(j["column_pair_trends"]["worst"].size() == 5);
  CHECK(j["detection"]["auc"].get<double>() == Approx(0.5).margin(0.06));
  CHECK(j["detection"]["rows"] == 2500);
  CHECK(j["ml_efficacy"]["metric"] == "macro F1");
  CHECK(j["privacy"]["dcr_median_ratio"].get<double>() == Approx(1).margin(0.15));
  CHECK(j["privacy"]["flagged"] == false);
  // The same seed gives the same report.
  CHECK(s.run("report real.h5 synth.h5 --train train.h5 --target color --json").out == jr.out);
}

TEST_CASE("report: a copy of the training rows is flagged; a new category is counted", "[report_cli]") {
  Scratch s("report_copy");
  s.python(std::string(kWriter) +
           "table('real.h5', 1500, 1)\ntable('train.h5', 1500, 3)\n"
           "table('more.h5', 1500, 4, colors=('blue', 'green', 'red', 'purple'))\n");
  const Result r = s.run("report real.h5 train.h5 --train train.h5 --json");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const json j = json::parse(r.out);
  CHECK(j["privacy"]["copy_share_synth"] == 1.0);
  CHECK(j["privacy"]["flagged"] == true);
  CHECK(j["privacy"]["dcr_median_ratio"] == 0.0);
  const Result text = s.run("report real.h5 train.h5 --train train.h5");
  CHECK(text.out.find("WARNING") != std::string::npos);
  CHECK(text.out.find("100.0% of synthetic rows") != std::string::npos);
  const Result more = s.run("report real.h5 more.h5");
  INFO(more.err);
  REQUIRE(more.status == 0);
  CHECK(more.out.find("column 'color' of more.h5 has 1 category that real.h5 lacks") != std::string::npos);
}

TEST_CASE("report: tables that differ name the column and both files", "[report_cli]") {
  Scratch s("report_bad");
  s.python(std::string(kWriter) +
           "table('real.h5', 300, 1)\n"
           "table('renamed.h5', 300, 2, rename={'n': 'count'})\n"
           "table('fewer.h5', 300, 2, drop=('y',))\n"
           "table('kind.h5', 300, 2, kinds={'n': 'continuous'})\n"
           "table('other.h5', 300, 2, colors=('a', 'b', 'c'))\n");
  check_error(s.run("report real.h5 renamed.h5"), 1, {"'count'", "renamed.h5", "real.h5"});
  check_error(s.run("report real.h5 fewer.h5"), 1, {"'y'", "fewer.h5", "real.h5"});
  check_error(s.run("report real.h5 kind.h5"), 1, {"'n'", "integer", "continuous", "kind.h5", "real.h5"});
  check_error(s.run("report real.h5 other.h5"), 1, {"'color'", "no category", "other.h5", "real.h5"});
  check_error(s.run("report real.h5 real.h5 --train fewer.h5"), 1, {"'y'", "fewer.h5", "real.h5"});
  check_error(s.run("report real.h5 nothere.h5"), 1, {"nothere.h5"});
  check_error(s.run("report real.h5 real.h5 --target nope"), 2, {"--target", "'nope'", "real.h5"});
  check_error(s.run("report real.h5 real.h5 --folds 1"), 2, {"--folds"});
}

TEST_CASE("report on two halves of penguins: shapes and pair trends agree with scipy and numpy", "[report_cli]") {
  Scratch s("report_penguins");
  const std::string csv = "/usr/lib/R/site-library/palmerpenguins/extdata/penguins.csv";
  if (!fs::exists(csv)) {
    WARN("skipped: no " + csv + " (Debian's r-cran-palmerpenguins)");
    return;
  }
  REQUIRE(s.run("prepare -q --from " + csv + " -o a.h5 --split 0.5 --test-out b.h5 --seed 3").status == 0);
  REQUIRE(s.run("export a.h5 -o a.csv").status == 0);
  REQUIRE(s.run("export b.h5 -o b.csv").status == 0);
  const Result r = s.run("report a.h5 b.h5 --json");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const json j = json::parse(r.out);
  std::vector<std::string> discrete;
  for (const auto& c : j["column_shapes"]["columns"])
    if (c["metric"] == "TVComplement") discrete.push_back(c["column"]);
  CHECK(discrete == std::vector<std::string>{"species", "island", "sex"});
  s.python(shapes_script("a.csv", "b.csv", discrete));
  const json py = json::parse(s.read("py.txt"));
  const json& shapes = j["column_shapes"]["columns"];
  REQUIRE(shapes.size() == py["shapes"].size());
  for (size_t c = 0; c < shapes.size(); ++c) {
    INFO(shapes[c]["column"]);
    CHECK(shapes[c]["score"].get<double>() == Approx(py["shapes"][c]["score"].get<double>()).margin(1e-12));
    CHECK(shapes[c]["missing_real"].get<double>() == Approx(py["shapes"][c]["missing_real"].get<double>()).margin(1e-12));
  }
  const json& pairs = j["column_pair_trends"]["pairs"];
  REQUIRE(pairs.size() == py["pairs"].size());
  for (size_t i = 0; i < pairs.size(); ++i) {
    INFO(pairs[i]["a"] << " × " << pairs[i]["b"]);
    CHECK(pairs[i]["score"].get<double>() == Approx(py["pairs"][i]["score"].get<double>()).margin(1e-9));
  }
}
