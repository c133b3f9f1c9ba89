// End-to-end tests of the tabular model: train on a typed table, sample it as CSV and as a
// typed table (kinds, ranges, missing values), conditional sampling against the data's
// conditional distributions (also on the last discrete column, which CTGAN gets wrong), exact
// resume, and bad input.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "cli/run.hpp"
#include "io/model_file.hpp"

using namespace gantool_test;

namespace {

const std::string kFast = " --z-dim 16 --g-hidden 64,64 --d-hidden 64,64 --batch 200 --threads 1";

// 3,000 rows: group (a, b, c with 50/30/20%), flag (yes with 10/50/90% by group), size
// (10/20/30 by group, ± 1, two decimals, 5% missing), tier (hi with 80% when flag, else
// 20%); the last discrete column depends on the others.
void write_table(const Scratch& s) {
  s.python(
      "import numpy as np\n"
      "rng = np.random.default_rng(1); n = 3000\n"
      "g = rng.choice(['a', 'b', 'c'], size=n, p=[.5, .3, .2])\n"
      "flag = np.array([rng.random() < {'a': .1, 'b': .5, 'c': .9}[x] for x in g])\n"
      "size = np.array([{'a': 10, 'b': 20, 'c': 30}[x] for x in g]) + rng.normal(0, 1, n)\n"
      "tier = np.where(flag, np.where(rng.random(n) < .8, 'hi', 'lo'), np.where(rng.random(n) < .2, 'hi', 'lo'))\n"
      "with open('t.csv', 'w') as f:\n"
      "    f.write('group,flag,size,tier\\n')\n"
      "    for i in range(n):\n"
      "        sz = '' if rng.random() < .05 else f'{size[i]:.2f}'\n"
      "        f.write(f\"{g[i]},{'yes' if flag[i] else 'no'},{sz},{tier[i]}\\n\")\n");
  REQUIRE(s.run("prepare -q --from t.csv -o t.h5").status == 0);
}

}  // namespace

TEST_CASE("tabular: train and sample a typed table in its own form", "[tabular_cli]") {
  Scratch s("tabular_sample");
  write_table(s);
  // Small networks, the default learning rates: over seeds 1 to 3 the figures checked below
  // stay inside their bounds after 6,000 steps (at 2,000 or 4,000 some did not).
  const Result r = s.run("train --data t.h5 --model m.h5 --steps 6000 --log-every 1000" + kFast);
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.err.find("tabular model, 6000 steps") != std::string::npos);
  REQUIRE(s.run("sample -q --model m.h5 -n 5000 -o all.csv").status == 0);
  REQUIRE(s.run("sample -q --model m.h5 -n 5000 -o all.h5").status == 0);
  const json info = info_json(s, "all.h5");
  REQUIRE(info["columns"].size() == 4);
  CHECK(info["columns"][0]["kind"] == "categorical");
  CHECK(info["columns"][1]["kind"] == "boolean");
  CHECK(info["columns"][2]["kind"] == "continuous");
  CHECK(info["columns"][3]["kind"] == "categorical");
  // Marginals, ranges, decimals and the missing rate, against the data, in Python.
  s.python(
      "import pandas as pd, numpy as np\n"
      "d = pd.read_csv('t.csv'); f = pd.read_csv('all.csv')\n"
      "tv = lambda c: 0.5 * (d[c].value_counts(normalize=True) - f[c].value_counts(normalize=True)).abs().sum()\n"
      "dec = f['size'].dropna().map(lambda v: abs(round(v, 2) - v) < 1e-9).all()\n"
      "inside = f['size'].dropna().between(d['size'].min(), d['size'].max()).all()\n"
      "print(max(tv('group'), tv('flag'), tv('tier')), abs(f['size'].isna().mean() - d['size'].isna().mean()),\n"
      "      dec, inside, (f.columns == d.columns).all(), len(f))\n");
  std::istringstream in(s.read("py.txt"));
  double tv = 1, missing = 1;
  std::string decimals, inside, names;
  int rows = 0;
  in >> tv >> missing >> decimals >> inside >> names >> rows;
  CHECK(tv < 0.1);
  CHECK(missing < 0.03);
  CHECK(decimals == "True");
  CHECK(inside == "True");
  CHECK(names == "True");
  CHECK(rows == 5000);
  // The same seed gives the same rows; another seed other rows; -n 1000 is a prefix.
  REQUIRE(s.run("sample -q --model m.h5 -n 1000 -o head.csv").status == 0);
  CHECK(s.read("all.csv").rfind(s.read("head.csv"), 0) == 0);
  REQUIRE(s.run("sample -q --model m.h5 -n 1000 -o other.csv --seed 2 --threads 2").status == 0);
  CHECK(s.read("other.csv") != s.read("head.csv"));

  SECTION("conditions: rows meet them, other columns follow the data's conditional distribution") {
    REQUIRE(s.run("sample -q --model m.h5 -n 4000 -o hi.csv --condition tier=hi").status == 0);
    REQUIRE(s.run("sample -q --model m.h5 -n 4000 -o c.csv --condition group=c").status == 0);
    REQUIRE(s.run("sample -q --model m.h5 -n 2000 -o two.csv --condition group=b --condition tier=lo").status == 0);
    REQUIRE(s.run("sample -q --model m.h5 -n 4000 -o lo.csv --condition tier=lo").status == 0);
    REQUIRE(s.run("sample -q --model m.h5 -n 4000 -o a.csv --condition group=a").status == 0);
    // Every row meets its conditions, and the other columns move with the condition as the
    // data's do: P(flag = yes | tier) (tier is the last discrete column, which CTGAN's index
    // table leaves unconditioned: its rows would follow P(flag = yes) = 0.37 whatever the
    // tier), P(flag = yes | group) and E[size | group]. (How close the conditional shares
    // come to the data's is measured in README, "Synthetic tables".)
    s.python(
        "import pandas as pd\n"
        "d = pd.read_csv('t.csv'); hi = pd.read_csv('hi.csv'); lo = pd.read_csv('lo.csv')\n"
        "c = pd.read_csv('c.csv'); a = pd.read_csv('a.csv'); two = pd.read_csv('two.csv')\n"
        "yes = lambda t: (t['flag'] == 'yes').mean()\n"
        "print((hi['tier'] == 'hi').all() and (lo['tier'] == 'lo').all() and (c['group'] == 'c').all(),\n"
        "      ((two['group'] == 'b') & (two['tier'] == 'lo')).all(), yes(hi) - yes(lo), yes(c) - yes(a),\n"
        "      abs(c['size'].mean() - d[d['group'] == 'c']['size'].mean()), abs(a['size'].mean() - d[d['group'] == 'a']['size'].mean()))\n");
    std::istringstream cin(s.read("py.txt"));
    std::string one, two;
    double tier_gap = 0, group_gap = 0, size_c = 9, size_a = 9;
    cin >> one >> two >> tier_gap >> group_gap >> size_c >> size_a;
    CHECK(one == "True");
    CHECK(two == "True");
    CHECK(tier_gap > 0.3);   // data: 0.70 − 0.12
    CHECK(group_gap > 0.5);  // data: 0.89 − 0.10
    CHECK(size_c < 3);       // data: 30 and 10 (the other groups' 10 and 20 are 10 apart)
    CHECK(size_a < 3);
  }
  SECTION("bad conditions: one line naming the column and what is valid") {
    check_error(s.run("sample --model m.h5 -n 5 -o x.csv --condition group=d"), 2, {"'group'", "a, b, c"});
    check_error(s.run("sample --model m.h5 -n 5 -o x.csv --condition size=3"), 2, {"'size'", "continuous"});
    check_error(s.run("sample --model m.h5 -n 5 -o x.csv --condition colour=red"), 2, {"no column 'colour'"});
    check_error(s.run("sample --model m.h5 -n 5 -o x.csv --condition group"), 2, {"COLUMN=VALUE"});
    check_error(s.run("sample --model m.h5 -n 5 -o x.csv --reject"), 1, {"--reject"});
    check_error(s.run("score --model m.h5 t.h5 -o x.csv"), 1, {"m.h5", "tabular", "gantool report"});
    CHECK(!fs::exists(s / "x.csv"));
  }
}

TEST_CASE("tabular: N steps then a resume for N more equals 2N steps, bit for bit", "[tabular_cli]") {
  Scratch s("tabular_resume");
  write_table(s);
  // The default G (residual blocks with batch norm) and D with dropout: the running
  // statistics and the dropout masks' draws resume too.
  REQUIRE(s.run("train -q --data t.h5 --model full.h5 --steps 60 --d-dropout 0.5" + kFast).status == 0);
  REQUIRE(s.run("train -q --data t.h5 --model half.h5 --steps 30 --d-dropout 0.5" + kFast).status == 0);
  const Result r = s.run("train -q --resume half.h5 --steps 60");
  INFO(r.err);
  REQUIRE(r.status == 0);
  gantool::ModelMeta ma, mb;
  gantool::Gan a = gantool::read_model(s / "full.h5", ma), b = gantool::read_model(s / "half.h5", mb);
  CHECK(a.g.params.values == b.g.params.values);
  CHECK(a.g.state.values == b.g.state.values);  // batch norm's running statistics
  CHECK(a.g.state.count() == 2 * 2 * 64);
  CHECK(a.d.params.values == b.d.params.values);
  CHECK(a.opt_state_d.m == b.opt_state_d.m);
  CHECK(a.noise_rng.counter == b.noise_rng.counter);
  CHECK(mb.steps_done == 60);
  REQUIRE(ma.tabular.columns.size() == 4);
  CHECK(ma.tabular.columns[2].decimals == 2);
  CHECK(s.run("sample -q --model full.h5 -n 100 -o a.csv").status == 0);
  CHECK(s.run("sample -q --model half.h5 -n 100 -o b.csv").status == 0);
  CHECK(s.read("a.csv") == s.read("b.csv"));
  // --epochs counts passes over the data: 3000 rows / batch 200 = 15 steps each.
  REQUIRE(s.run("train -q --data t.h5 --model e.h5 --epochs 2" + kFast).status == 0);
  gantool::ModelMeta me;
  gantool::read_model(s / "e.h5", me);
  CHECK(me.steps_done == 30);
  check_error(s.run("train --data t.h5 --model x.h5 --epochs 2 --steps 5"), 2, {"--steps or --epochs"});
  // --epochs on a resume: 2 more epochs to 4 (60 steps); --normalize does not apply.
  REQUIRE(s.run("train -q --resume e.h5 --epochs 4").status == 0);
  gantool::ModelMeta me4;
  gantool::read_model(s / "e.h5", me4);
  CHECK(me4.steps_done == 60);
  CHECK(me4.format_version == 3);
  check_error(s.run("train -q --resume e.h5 --epochs 3"), 2, {"already done 60 steps"});
  check_error(s.run("train --data t.h5 --model x.h5 --normalize minmax" + kFast), 2, {"--normalize", "tabular"});
  check_error(s.run("train --resume half.h5 --steps 90 --arch mlp"), 2, {"--arch", "resuming"});
  check_error(s.run("train --data t.h5 --model x.h5 --g-activation tanh" + kFast), 2, {"--g-activation", "tabular"});
  check_error(s.run("train --data t.h5 --model x.h5 --d-dropout 1" + kFast), 2, {"--d-dropout", "below 1"});
  REQUIRE(s.run("prepare -q --dist ring -n 500 -o ring.h5").status == 0);
  check_error(s.run("train --data ring.h5 --model x.h5 --d-dropout 0.5"), 2, {"--d-dropout", "tabular"});
}

TEST_CASE("tabular: batch norm's running statistics are stored, used when sampling, and checked", "[tabular_cli]") {
  Scratch s("tabular_residual");
  write_table(s);
  REQUIRE(s.run("train -q --data t.h5 --model full.h5 --steps 40 --d-dropout 0.5" + kFast).status == 0);
  gantool::ModelMeta ma;
  gantool::Gan a = gantool::read_model(s / "full.h5", ma);
  // The running statistics moved from (0, 1) in training, and sampling uses them: a row is
  // the same whatever the rows around it and the thread count.
  CHECK(a.g.state.values != gantool::Net(a.config.g, gantool::Init::pytorch, a.noise_rng).state.values);
  REQUIRE(s.run("sample -q --model full.h5 -n 3000 -o all.csv --threads 2").status == 0);
  REQUIRE(s.run("sample -q --model full.h5 -n 7 -o head.csv --threads 1").status == 0);
  CHECK(s.read("all.csv").rfind(s.read("head.csv"), 0) == 0);
  const json info = info_json(s, "full.h5");
  CHECK(info["g_net"] == "in 23; linear 64 relu batch_norm concat; linear 64 relu batch_norm concat; linear 13 identity");
  CHECK(info["d_net"].get<std::string>().find("leaky_relu:0.2 dropout:0.5") != std::string::npos);
  // A damaged running variance is refused with one line.
  s.python("import h5py\nwith h5py.File('full.h5', 'r+') as f:\n    f['generator/layer0/bn_var'][0] = -1\n");
  check_error(s.run("sample --model full.h5 -n 5 -o x.csv"), 1, {"full.h5", "negative variance"});
  check_error(s.run("train --data t.h5 --model x.h5 --g-blocks wide" + kFast), 2, {"--g-blocks", "plain or residual"});
  REQUIRE(s.run("train -q --data t.h5 --model plain.h5 --steps 5 --g-blocks plain" + kFast).status == 0);
  CHECK(info_json(s, "plain.h5")["g_net"] == "in 23; linear 64 relu; linear 64 relu; linear 13 identity");
}

TEST_CASE("tabular: a damaged /tabular group is one line naming the file and the part", "[tabular_cli]") {
  Scratch s("tabular_damaged");
  write_table(s);
  REQUIRE(s.run("train -q --data t.h5 --model m.h5 --steps 5" + kFast).status == 0);
  // Each damage on a fresh copy of the model; every reader (info, sample, a resume) refuses it.
  const std::vector<std::pair<std::string, std::string>> damages = {
      {"del f['tabular/column0'].attrs['kind']", "has no known 'kind'"},
      {"f['tabular/column2/stds'][0] = -1.0", "does not describe a column's code"},
      {"f['tabular/column2/weights'][0] = 0.9", "does not describe a column's code"},
      {"f['tabular/column2/means'][0] = float('nan')", "column2/means holds nan"},
      {"f['tabular/column1'].attrs['width'] = 7", "does not describe a column's code"},
      {"f['tabular/column3'].attrs['granularity'] = 'fortnight'", "no known 'granularity'"},
      {"f['tabular'].attrs['data_dim'] = 14", "not data_dim 14"},
      {"f['tabular/column0'].attrs['decimals'] = 2.5", "'decimals' is missing or not a whole number"},
  };
  for (size_t i = 0; i < damages.size(); ++i) {
    INFO(damages[i].first);
    const std::string name = fmt::format("d{}.h5", i);
    s.python("import h5py, shutil\nshutil.copy('m.h5', '" + name + "')\nwith h5py.File('" + name +
             "', 'r+') as f:\n    " + damages[i].first + "\n");
    for (const std::string& command : {"info " + name, "sample -n 5 -o x.csv --model " + name,
                                       "train --steps 10 --resume " + name})
      check_error(s.run(command), 1, {name, damages[i].second});
  }
}

TEST_CASE("tabular: --print-config writes a file that trains the same model", "[tabular_cli]") {
  Scratch s("tabular_config");
  write_table(s);
  const Result printed = s.run("train --data t.h5 --model c.h5 --d-dropout 0.25 --print-config" + kFast);
  REQUIRE(printed.status == 0);
  // No steps line: the tabular model's length rule (300 epochs, at least kMinTabularSteps)
  // is what the file keeps; every network flag states what the tabular model does.
  CHECK(printed.out.find("\nsteps=") == std::string::npos);
  CHECK(printed.out.find("loss=\"wgan-gp\"") != std::string::npos);
  CHECK(printed.out.find("d-dropout=0.25") != std::string::npos);
  s.write("c.ini", printed.out);
  REQUIRE(s.run("train -q --data t.h5 --model direct.h5 --d-dropout 0.25 --steps 20" + kFast).status == 0);
  const Result r = s.run("--config c.ini train -q --model from_config.h5 --steps 20");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(s.run("sample -q --model direct.h5 -n 50 -o a.csv").status == 0);
  CHECK(s.run("sample -q --model from_config.h5 -n 50 -o b.csv").status == 0);
  CHECK(s.read("a.csv") == s.read("b.csv"));
  const json info = info_json(s, "direct.h5");
  CHECK(info["d_net"].get<std::string>().find("dropout:0.25") != std::string::npos);
}

TEST_CASE("tabular: tables that are hard to model train, or fail with one line", "[tabular_cli]") {
  Scratch s("tabular_bad");
  // One row; one distinct value per column; a column entirely missing: all train and sample.
  s.write("one.csv", "name,n,when\nx,3,2020-01-01\n");
  s.write("same.csv", "name,n,v,gone\nx,3,1.5,\nx,3,1.5,\nx,3,1.5,\n");
  for (const std::string name : {"one", "same"}) {
    REQUIRE(s.run("prepare -q --from " + name + ".csv -o " + name + ".h5").status == 0);
    const Result r = s.run("train -q --arch tabular --data " + name + ".h5 --model " + name + "_m.h5 --steps 20" + kFast);
    INFO(r.err);
    REQUIRE(r.status == 0);
    REQUIRE(s.run("sample -q --model " + name + "_m.h5 -n 50 -o " + name + "_s.csv").status == 0);
  }
  CHECK(lines_of(s.read("one_s.csv"))[1] == "x,3,2020-01-01");
  CHECK(lines_of(s.read("same_s.csv"))[1] == "x,3,1.5,");
  // --arch tabular on a numeric matrix works too; --arch with a bad value is a usage error.
  REQUIRE(s.run("prepare -q --dist ring -n 500 -o ring.h5").status == 0);
  REQUIRE(s.run("train -q --arch tabular --data ring.h5 --model ring_m.h5 --steps 20" + kFast).status == 0);
  check_error(s.run("train --arch conv --data ring.h5 --model x.h5"), 2, {"--arch", "auto, mlp, dcgan or tabular"});
  // 5,000 categories: refused at prepare (--max-categories, default 1000), as documented.
  std::string many = "id,v\n";
  for (int i = 0; i < 5000; ++i) many += fmt::format("c{},{}\n", i, i % 7);
  s.write("many.csv", many);
  check_error(s.run("prepare --from many.csv -o many.h5"), 2, {"many.csv", "--max-categories"});
}
