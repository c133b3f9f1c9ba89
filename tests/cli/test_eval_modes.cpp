// End-to-end tests of `gantool eval-modes`: its figures against numpy's on the same files,
// the JSON fields, --radius-std and --max-rows, files in data units, a model as
// --modes-from, and bad input.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include <fmt/format.h>

#include "cli/run.hpp"

using namespace gantool_test;

namespace {

// Python computing the figures of eval-modes independently: nearest mode by squared distance
// in float64 (ties to the lowest index, as np.argmin), high quality within r·std, covered
// modes, KL of the high-quality histogram to uniform (log K when empty). `score` is defined
// for the scripts below.
const std::string kScore = R"(
import h5py, json, numpy as np
def score(x, modes, std, r):
    x = np.asarray(x, dtype=np.float64)
    finite = np.isfinite(x).all(axis=1)
    d2 = ((x[finite, None, :] - modes[None, :, :]) ** 2).sum(axis=2)
    near = d2.argmin(axis=1)
    hq = d2[np.arange(len(near)), near] <= (r * std) ** 2
    counts = np.bincount(near[hq], minlength=len(modes))
    total = counts.sum()
    p = counts[counts > 0] / max(total, 1)
    kl = float(np.sum(p * np.log(len(modes) * p))) if total else float(np.log(len(modes)))
    d2hq = d2[np.arange(len(near)), near][hq]
    sums = np.bincount(near[hq], weights=d2hq, minlength=len(modes))
    dim = modes.shape[1]
    widths = [float(np.sqrt(sums[k] / (counts[k] * dim)) / std) if counts[k] else 0.0 for k in range(len(modes))]
    width = float(np.sqrt(d2hq.sum() / (total * dim)) / std) if total else 0.0
    from scipy.stats import chi2
    exact = float(np.sqrt(chi2.cdf(r * r, dim + 2) / chi2.cdf(r * r, dim)))
    return {'rows': len(x), 'nonfinite_rows': int((~finite).sum()), 'covered': int((counts > 0).sum()),
            'high_quality': float(total / len(x)), 'high_quality_rows': int(total), 'reverse_kl': kl,
            'counts': [int(c) for c in counts], 'widths': widths, 'width': width, 'exact_width': exact}
def truth(path):
    with h5py.File(path, 'r') as f:
        return f['synthetic/modes'][...], float(f['synthetic'].attrs['mode_std'])
)";

// The figures of a --json output that numpy's `expected` holds too.
void check_figures(const json& got, const json& expected) {
  INFO("gantool: " << got.dump() << "\nnumpy: " << expected.dump());
  CHECK(got["rows"] == expected["rows"]);
  CHECK(got["nonfinite_rows"] == expected["nonfinite_rows"]);
  CHECK(got["covered"] == expected["covered"]);
  CHECK(got["high_quality_rows"] == expected["high_quality_rows"]);
  CHECK(got["counts"] == expected["counts"]);
  CHECK(got["high_quality"].get<double>() == Approx(expected["high_quality"].get<double>()).epsilon(1e-12));
  CHECK(got["reverse_kl"].get<double>() == Approx(expected["reverse_kl"].get<double>()).epsilon(1e-9).margin(1e-12));
  // Widths to 1e-6: the files in data units are denormalized in float32 by gantool, in float64 by numpy.
  CHECK(got["width"].get<double>() == Approx(expected["width"].get<double>()).epsilon(1e-6));
  CHECK(got["exact_width"].get<double>() == Approx(expected["exact_width"].get<double>()).epsilon(1e-9));
  REQUIRE(got["widths"].size() == expected["widths"].size());
  for (size_t k = 0; k < got["widths"].size(); ++k)
    CHECK(got["widths"][k].get<double>() == Approx(expected["widths"][k].get<double>()).epsilon(1e-6).margin(1e-12));
}

json run_json(const Scratch& s, const std::string& args) {
  const Result r = s.run("eval-modes " + args + " --json");
  INFO(r.err);
  REQUIRE(r.status == 0);
  return json::parse(r.out);
}

}  // namespace

TEST_CASE("eval-modes: figures equal numpy's on the same files, for every radius and prefix", "[eval_modes]") {
  Scratch s("eval_modes");
  // PacGAN's ring: 8 modes on the unit circle, std 0.01.
  REQUIRE(s.run("prepare -q --dist ring --radius 1 --std 0.01 -n 1000 -o ring.h5").status == 0);
  // Samples from 6 of the 8 modes, unevenly, 1.5 times too wide; 100 far ones; 4 non-finite.
  s.python(kScore + R"(
modes, std = truth('ring.h5')
K = len(modes)
angles = 2 * np.pi * np.arange(K) / K
assert np.allclose(modes, np.stack([np.cos(angles), np.sin(angles)], axis=1), atol=1e-7) and std == 0.01
rng = np.random.default_rng(7)
k = rng.choice([0, 1, 2, 4, 5, 6], size=3900, p=[0.3, 0.2, 0.2, 0.1, 0.1, 0.1])
x = modes[k] + 0.015 * rng.standard_normal((3900, 2))
x = np.concatenate([x, rng.uniform(-1.5, 1.5, size=(100, 2))]).astype(np.float32)
x[5, 0] = np.nan; x[1500, 1] = np.inf; x[2200, :] = -np.inf; x[3999, 1] = np.nan
with h5py.File('fake.h5', 'w') as f:
    f['data'] = x
expected = {f'r{r}': score(x, modes, std, r) for r in (1, 2, 3, 4.5)}
expected['first1000'] = score(x[:1000], modes, std, 3)
json.dump(expected, open('expected.json', 'w'))
)");
  const json expected = json::parse(s.read("expected.json"));
  CHECK(expected["r3"]["covered"] == 6);  // the data is what it should be
  CHECK(expected["r3"]["nonfinite_rows"] == 4);

  const json j = run_json(s, "fake.h5 --modes-from ring.h5");
  check_figures(j, expected["r3"]);
  check_figures(run_json(s, "fake.h5 --modes-from ring.h5 --radius-std 1"), expected["r1"]);
  check_figures(run_json(s, "fake.h5 --modes-from ring.h5 --radius-std 2"), expected["r2"]);
  check_figures(run_json(s, "fake.h5:/data --modes-from ring.h5 --radius-std 4.5"), expected["r4.5"]);
  check_figures(run_json(s, "fake.h5 --modes-from ring.h5 --max-rows 1000"), expected["first1000"]);
  check_figures(run_json(s, "fake.h5 --modes-from ring.h5 --max-rows 1000000"), expected["r3"]);

  // The rest of the JSON object.
  CHECK(j["samples"] == "fake.h5");
  CHECK(j["modes_from"] == "ring.h5");
  CHECK(j["distribution"] == "ring");
  CHECK(j["params"]["modes"] == 8);
  CHECK(j["params"]["radius"] == 1);
  CHECK(j["mode_std"].get<double>() == Approx(0.01));
  CHECK(j["radius_std"] == 3);
  CHECK(j["modes"] == 8);
  CHECK(j["units"] == "nats");
  REQUIRE(j["centres"].size() == 8);
  CHECK(j["centres"][2][0].get<double>() == Approx(0).margin(1e-7));
  CHECK(j["centres"][2][1].get<double>() == Approx(1));
  REQUIRE(j["shares"].size() == 8);
  double total = 0;
  for (size_t k = 0; k < 8; ++k) {
    total += j["shares"][k].get<double>();
    CHECK(j["shares"][k].get<double>() ==
          Approx(j["counts"][k].get<double>() / j["high_quality_rows"].get<double>()));
  }
  CHECK(total == Approx(1));

  // The text: the summary lines and one table row per mode.
  const Result text = s.run("eval-modes fake.h5 --modes-from ring.h5");
  REQUIRE(text.status == 0);
  CHECK(text.err.empty());
  CHECK(text.out.find("4000 rows of fake.h5 against the 8 modes of ring (std 0.01) recorded in ring.h5") !=
        std::string::npos);
  CHECK(text.out.find("modes covered    6/8") != std::string::npos);
  CHECK(text.out.find(fmt::format("high quality     {:.1f}% ({} of 4000 rows within 3 std",
                                  100 * expected["r3"]["high_quality"].get<double>(),
                                  expected["r3"]["high_quality_rows"].get<int64_t>())) != std::string::npos);
  CHECK(text.out.find(fmt::format("reverse KL       {:.4f} nats", expected["r3"]["reverse_kl"].get<double>())) !=
        std::string::npos);
  CHECK(text.out.find("non-finite rows  4 (counted as not high quality)") != std::string::npos);
  CHECK(text.out.find(fmt::format("width            {:.3f} std (exact samples: {:.3f};", expected["r3"]["width"].get<double>(),
                                  expected["r3"]["exact_width"].get<double>())) != std::string::npos);
  CHECK(lines_of(text.out).size() == 7 + 8);
  // Mode 2 is at (cos π/2, sin π/2): its x, -4.4e-08 in float32, is shown as 0.
  CHECK(text.out.find(fmt::format("     2  {:<24} {:>10}", "0, 1", expected["r3"]["counts"][2].get<int64_t>())) !=
        std::string::npos);
}

TEST_CASE("eval-modes: samples are read in data units (the grid and its 25 modes)", "[eval_modes]") {
  Scratch s("eval_modes_units");
  REQUIRE(s.run("prepare -q --dist grid -n 1000 -o grid.h5").status == 0);
  // True samples of the grid, stored standardized: eval-modes undoes that.
  REQUIRE(s.run("prepare -q --dist grid -n 3000 --seed 5 --normalize standard -o norm.h5").status == 0);
  s.python(kScore + R"(
modes, std = truth('grid.h5')
with h5py.File('norm.h5', 'r') as f:
    x = f['data'][...].astype(np.float64) * f['normalization/scale'][...] + f['normalization/shift'][...]
    assert abs(x.std() - 1) > 0.5  # really stored otherwise than in data units
json.dump(score(x, modes, std, 3), open('expected.json', 'w'))
)");
  const json expected = json::parse(s.read("expected.json"));
  const json j = run_json(s, "norm.h5 --modes-from grid.h5");
  check_figures(j, expected);
  CHECK(j["modes"] == 25);
  CHECK(j["covered"] == 25);
  CHECK(j["high_quality"].get<double>() > 0.97);  // 1 − e^−4.5 = 0.989 for an exact sampler
  CHECK(j["reverse_kl"].get<double>() < 0.02);
}

TEST_CASE("eval-modes: a model trained on the mixture gives its modes", "[eval_modes]") {
  Scratch s("eval_modes_model");
  const std::string small = " --g-hidden 16,16 --d-hidden 16,16 --batch 32 --threads 1 --steps 30";
  REQUIRE(s.run("prepare -q --dist ring -n 2000 -o ring.h5").status == 0);
  REQUIRE(s.run("train -q --data ring.h5 --model gan.h5" + small).status == 0);
  REQUIRE(s.run("sample -q --model gan.h5 -n 3000 -o fake.h5").status == 0);
  json from_model = run_json(s, "fake.h5 --modes-from gan.h5");
  json from_data = run_json(s, "fake.h5 --modes-from ring.h5");
  CHECK(from_model["modes_from"] == "gan.h5");
  from_model.erase("modes_from");
  from_data.erase("modes_from");
  CHECK(from_model == from_data);
  CHECK(from_model["rows"] == 3000);
  // A model of data without modes is refused like the data.
  REQUIRE(s.run("prepare -q --dist moons -n 2000 -o moons.h5").status == 0);
  REQUIRE(s.run("train -q --data moons.h5 --model moons_gan.h5" + small).status == 0);
  check_error(s.run("eval-modes fake.h5 --modes-from moons_gan.h5"), 1, {"moons_gan.h5", "moons", "no known modes"});
}

TEST_CASE("eval-modes: bad input is one clear line", "[eval_modes]") {
  Scratch s("eval_modes_errors");
  REQUIRE(s.run("prepare -q --dist ring -n 500 -o ring.h5").status == 0);
  REQUIRE(s.run("prepare -q --dist moons -n 500 -o moons.h5").status == 0);
  REQUIRE(s.run("prepare -q --dist gaussian --dim 3 -n 500 -o three.h5").status == 0);
  s.python(
      "import h5py, numpy as np\n"
      "with h5py.File('plain.h5', 'w') as f:\n"
      "    f['data'] = np.zeros((10, 2), np.float32)\n"
      "with h5py.File('empty.h5', 'w') as f:\n"
      "    f['data'] = np.zeros((0, 2), np.float32)\n");
  REQUIRE(s.run("train -q --data ring.h5 --model gan.h5 --steps 2 --g-hidden 8 --d-hidden 8 --batch 16").status == 0);

  check_error(s.run("eval-modes missing.h5 --modes-from ring.h5"), 1, {"missing.h5"});
  check_error(s.run("eval-modes ring.h5 --modes-from missing.h5"), 1, {"missing.h5"});
  check_error(s.run("eval-modes ring.h5 --modes-from plain.h5"), 1,
              {"plain.h5", "no true distribution", "gantool prepare --dist ring"});
  check_error(s.run("eval-modes ring.h5 --modes-from moons.h5"), 1,
              {"moons.h5", "moons distribution", "no known modes", "gantool prepare --dist ring"});
  check_error(s.run("eval-modes three.h5 --modes-from ring.h5"), 1,
              {"three.h5 has 3 columns", "modes of ring.h5 (ring) have 2"});
  check_error(s.run("eval-modes empty.h5 --modes-from ring.h5"), 1, {"empty.h5", "no rows"});
  check_error(s.run("eval-modes gan.h5 --modes-from ring.h5"), 1, {"gan.h5 is a model file", "gantool sample"});
  for (const std::string bad : {"0", "-1", "nan", "inf"})
    check_error(s.run("eval-modes ring.h5 --modes-from ring.h5 --radius-std " + bad), 2, {"--radius-std"});
  check_error(s.run("eval-modes ring.h5 --modes-from ring.h5 --radius-std three"), 2, {"--radius-std"});
  check_error(s.run("eval-modes ring.h5 --modes-from ring.h5 --max-rows -5"), 2, {"--max-rows"});
  check_error(s.run("eval-modes ring.h5"), 2, {"--modes-from"});
  check_error(s.run("eval-modes ring.h5 --modes-from ring.h5 --bogus"), 2, {"--bogus"});
  // The same file as both: true samples cover every mode.
  CHECK(run_json(s, "ring.h5 --modes-from ring.h5")["covered"] == 8);
}
