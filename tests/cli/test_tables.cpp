// End-to-end tests of typed tables: real CSV files imported with no flags, the kinds a person
// would choose, CSV → prepare → export → prepare → export byte-identical on the second round,
// the HDF5 layout read by h5py and pandas alone, prepare's transforms on typed tables, and the
// errors of a column that changes kind.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <string>

#include "cli/run.hpp"
#include "support/real_data.hpp"

using namespace gantool_test;

namespace {

// The kind of each column, by name, as info --json says.
std::map<std::string, std::string> kinds_of(const Scratch& s, const std::string& file) {
  std::map<std::string, std::string> kinds;
  const json j = info_json(s, file);
  for (const auto& c : j["columns"]) kinds[c["name"].get<std::string>()] = c["kind"].get<std::string>();
  return kinds;
}

// Imports `csv`, exports it, imports and exports that again; the two exports must match.
void check_round_trip(const Scratch& s, const std::string& csv) {
  REQUIRE(s.run("prepare -q --from '" + csv + "' -o t1.h5").status == 0);
  REQUIRE(s.run("export t1.h5 -o t1.csv").status == 0);
  REQUIRE(s.run("prepare -q --from t1.csv -o t2.h5").status == 0);
  REQUIRE(s.run("export t2.h5 -o t2.csv").status == 0);
  CHECK(s.read("t1.csv") == s.read("t2.csv"));
  CHECK(kinds_of(s, "t1.h5") == kinds_of(s, "t2.h5"));
}

}  // namespace

TEST_CASE("tables: adult.csv imports with the kinds a person would choose and round-trips", "[cli][tables]") {
  Scratch s("tables_adult");
  check_round_trip(s, adult_csv());
  const json j = info_json(s, "t1.h5");
  CHECK(j["kind"] == "table");
  CHECK(j["rows"] == 32561);
  const std::map<std::string, std::string> expected = {
      {"age", "integer"},           {"workclass", "categorical"},    {"fnlwgt", "integer"},
      {"education", "categorical"}, {"education-num", "integer"},    {"marital-status", "categorical"},
      {"occupation", "categorical"}, {"relationship", "categorical"}, {"race", "categorical"},
      {"sex", "categorical"},       {"capital-gain", "integer"},     {"capital-loss", "integer"},
      {"hours-per-week", "integer"}, {"native-country", "categorical"}, {"income", "categorical"}};
  CHECK(kinds_of(s, "t1.h5") == expected);
  // " ?" is missing, " Private" is Private; the counts are pandas' own.
  s.python("import pandas as pd, json\n"
           "d = pd.read_csv('" + adult_csv() + "', skipinitialspace=True, na_values=['?'])\n"
           "json.dump({'missing': int(d['workclass'].isna().sum()),\n"
           "           'private': int((d['workclass'] == 'Private').sum())}, open('py.json', 'w'))\n");
  const json py = json::parse(s.read("py.json"));
  for (const auto& c : j["columns"])
    if (c["name"] == "workclass") {
      CHECK(c["missing"] == py["missing"]);
      CHECK(c["counts"][0]["value"] == "Private");
      CHECK(c["counts"][0]["count"] == py["private"]);
    }
}

TEST_CASE("tables: penguins.csv (NA) and seattle-weather.csv (dates) import and round-trip", "[cli][tables]") {
  Scratch s("tables_small");
  check_round_trip(s, penguins_csv());
  CHECK(kinds_of(s, "t1.h5") == std::map<std::string, std::string>{{"species", "categorical"},
                                                                   {"island", "categorical"},
                                                                   {"bill_length_mm", "continuous"},
                                                                   {"bill_depth_mm", "continuous"},
                                                                   {"flipper_length_mm", "integer"},
                                                                   {"body_mass_g", "integer"},
                                                                   {"sex", "categorical"},
                                                                   {"year", "integer"}});
  // Missing values come back as empty cells, or as --na-rep says; the values as read (real
  // numbers that are whole with a ".0").
  s.write("na.csv", s.run("export t1.h5 --na-rep NA").out);
  s.python("import pandas as pd\n"
           "a, b = pd.read_csv('na.csv'), pd.read_csv('" + penguins_csv() + "')\n"
           "pd.testing.assert_frame_equal(a, b)\n"
           "assert open('na.csv').read().count('NA') == open('" + penguins_csv() + "').read().count('NA')\n");
  check_round_trip(s, seattle_csv());
  const json j = info_json(s, "t1.h5");
  CHECK(j["columns"][0]["kind"] == "datetime");
  CHECK(j["columns"][0]["format"] == "%Y/%m/%d");
  CHECK(j["columns"][0]["min_text"] == "2012/01/01");
  CHECK(j["columns"][0]["max_text"] == "2015/12/31");
  CHECK(j["columns"][5]["kind"] == "categorical");
}

TEST_CASE("tables: h5py and pandas read a typed table without gantool (README's example)", "[cli][tables]") {
  Scratch s("tables_h5py");
  REQUIRE(s.run("prepare -q --from '" + penguins_csv() + "' -o penguins.h5").status == 0);
  // README's example, then a comparison with pandas' own reading of the CSV.
  s.python("import h5py, pandas as pd\n"
           "with h5py.File('penguins.h5') as f:\n"
           "    cols = {d.attrs['name']: d for d in f['table'].values()}\n"
           "    df = pd.DataFrame({n: pd.Categorical.from_codes(d[:], d.attrs['categories']) if d.attrs['kind'] == 'categorical'\n"
           "                       else d[:] for n, d in ((n, cols[n]) for n in f['table'].attrs['columns'])})\n"
           "    for m in f.get('missing', {}).values(): df[m.attrs['name']] = df[m.attrs['name']].mask(m[:] == 1)\n"
           "ref = pd.read_csv('" + penguins_csv() + "')\n"
           "assert list(df.columns) == list(ref.columns)\n"
           "for c in ref.columns:\n"
           "    a, b = df[c].astype(object), ref[c].astype(object)\n"
           "    assert (a.isna() == b.isna()).all(), c\n"
           "    assert (a[~a.isna()].astype(str) == b[~b.isna()].astype(str).str.replace(r'\\.0$', '', regex=True)).all() or \\\n"
           "           (a[~a.isna()].astype(float) == b[~b.isna()].astype(float)).all(), c\n");
}

TEST_CASE("tables: README's h5py example reads columns whose names hold '/' and '%'", "[cli][tables]") {
  Scratch s("tables_names");
  s.write("n.csv", "a/b,c%d,e\nx,1,NA\ny,2,3.5\n");
  REQUIRE(s.run("prepare -q --from n.csv -o n.h5").status == 0);
  s.python("import h5py, pandas as pd\n"
           "with h5py.File('n.h5') as f:\n"
           "    cols = {d.attrs['name']: d for d in f['table'].values()}\n"
           "    df = pd.DataFrame({n: pd.Categorical.from_codes(d[:], d.attrs['categories']) if d.attrs['kind'] == 'categorical'\n"
           "                       else d[:] for n, d in ((n, cols[n]) for n in f['table'].attrs['columns'])})\n"
           "    for m in f.get('missing', {}).values(): df[m.attrs['name']] = df[m.attrs['name']].mask(m[:] == 1)\n"
           "assert list(df.columns) == ['a/b', 'c%d', 'e'], list(df.columns)\n"
           "assert list(df['a/b']) == ['x', 'y'] and list(df['c%d']) == [1, 2]\n"
           "assert df['e'].isna().tolist() == [True, False]\n");
  CHECK(s.run("export n.h5").out == "a/b,c%d,e\nx,1,\ny,2,3.5\n");
}

TEST_CASE("tables: split, shuffle, limit, normalize and column choices work on typed tables", "[cli][tables]") {
  Scratch s("tables_transforms");
  const std::string csv = penguins_csv();
  REQUIRE(s.run("prepare -q --from '" + csv + "' --shuffle --split 0.25 --test-out test.h5 -o train.h5 "
                "--normalize standard --seed 3").status == 0);
  const json train = info_json(s, "train.h5"), test = info_json(s, "test.h5");
  CHECK(train["rows"] == 258);
  CHECK(test["rows"] == 86);
  // Every row once: the two exports together are the input's rows, in some order.
  REQUIRE(s.run("export train.h5 --na-rep NA --no-header -o a.csv").status == 0);
  REQUIRE(s.run("export test.h5 --na-rep NA --no-header -o b.csv").status == 0);
  s.python("import pandas as pd\n"
           "ref = pd.read_csv('" + csv + "')\n"
           "got = pd.concat([pd.read_csv(f, header=None, names=ref.columns) for f in ('a.csv', 'b.csv')])\n"
           "key = lambda d: d.astype(str).sort_values(list(d.columns)).reset_index(drop=True)\n"
           "pd.testing.assert_frame_equal(key(got), key(ref))\n");
  // The normalization applies to the continuous and integer columns, fitted on train.h5's rows.
  const json& norm = train["normalization"];
  CHECK(norm["method"] == "standard");
  CHECK(norm["shift"][0] == 0.0);  // species
  CHECK(norm["scale"][0] == 1.0);
  CHECK(norm["shift"][2] == Approx(train["columns"][2]["mean"].get<double>()).epsilon(1e-6));
  CHECK(test["normalization"]["shift"] == norm["shift"]);
  // Same seed, same files.
  REQUIRE(s.run("prepare -q --from '" + csv + "' --shuffle --split 0.25 --test-out test2.h5 -o train2.h5 "
                "--normalize standard --seed 3").status == 0);
  CHECK(s.run("export train2.h5").out == s.run("export train.h5").out);
  // --limit, --drop-missing, --columns and --drop-columns.
  REQUIRE(s.run("prepare -q --from '" + csv + "' --limit 10 --drop-missing -o ten.h5").status == 0);
  const json ten = info_json(s, "ten.h5");
  CHECK(ten["rows"] == 10);
  for (const auto& c : ten["columns"]) CHECK(c["missing"] == 0);
  REQUIRE(s.run("prepare -q --from train.h5 --drop-columns species,island,sex -o numbers.h5").status == 0);
  CHECK(info_json(s, "numbers.h5")["cols"] == 5);
  // The example: numeric columns with their NA rows dropped are a plain matrix to train on.
  REQUIRE(s.run("prepare -q --from '" + csv + "' --columns bill_length_mm,body_mass_g --drop-nonfinite -o p.h5")
              .status == 0);
  const json p = info_json(s, "p.h5");
  CHECK(p["kind"] == "dataset");
  CHECK(p["rows"] == 342);
  CHECK(p["columns"][1]["kind"] == "integer");
  REQUIRE(s.run("train -q --data p.h5 --model m.h5 --steps 20").status == 0);
  // The MLP models cannot train on a categorical column: the message says how to leave it out
  // (the tabular model, the default for typed tables, can: tests/cli/test_tabular.cpp).
  check_error(s.run("train -q --arch mlp --data train.h5 --model m2.h5 --steps 20"), 1,
              {"train.h5", "'species'", "categorical", "--drop-columns"});
}

TEST_CASE("tables: dates, booleans and missing values train as numbers once dropped", "[cli][tables]") {
  Scratch s("tables_numeric");
  s.write("d.csv", "day,ok,v\n2020-01-01,yes,1.5\n2020-01-02,no,NA\n2020-01-04,yes,2.5\n2020-02-01,no,3\n");
  REQUIRE(s.run("prepare -q --from d.csv -o d.h5").status == 0);
  const json j = info_json(s, "d.h5");
  CHECK(j["columns"][0]["kind"] == "datetime");
  CHECK(j["columns"][1]["kind"] == "boolean");
  CHECK(j["columns"][2]["missing"] == 1);
  CHECK(s.run("export d.h5").out == "day,ok,v\n2020-01-01,yes,1.5\n2020-01-02,no,\n2020-01-04,yes,2.5\n2020-02-01,no,3.0\n");
  check_error(s.run("train -q --arch mlp --data d.h5 --model m.h5 --steps 5"), 1, {"d.h5", "'v'", "missing", "--drop-missing"});
  REQUIRE(s.run("prepare -q --from d.h5 --drop-missing --normalize minmax -o clean.h5").status == 0);
  REQUIRE(s.run("train -q --data clean.h5 --model m.h5 --steps 5").status == 0);
  // A user format for dates.
  s.write("e.csv", "when,x\n03.01.2021 10:30,1\n04.01.2021 11:00,2\n");
  REQUIRE(s.run("prepare -q --from e.csv --datetime 'when=%d.%m.%Y %H:%M' -o e.h5").status == 0);
  CHECK(s.run("export e.h5").out == "when,x\n03.01.2021 10:30,1\n04.01.2021 11:00,2\n");
  // From stdin too (read twice through a temporary copy).
  REQUIRE(s.run("prepare -q --from - -o f.h5", "a,b\nx,1\ny,NA\n").status == 0);
  CHECK(s.run("export f.h5").out == "a,b\nx,1\ny,\n");
}

TEST_CASE("tables: a column that changes kind far down is named with its line and value", "[cli][tables]") {
  Scratch s("tables_kind_change");
  {
    std::ofstream out(s / "big.csv");
    out << "id,v\n";
    for (int i = 2; i <= 100000; ++i) out << i << ',' << (i == 90000 ? std::string("oops") : std::to_string(i * 3)) << '\n';
  }
  check_error(s.run("prepare --from big.csv -o out.h5"), 2,
              {"big.csv:90000", "'v'", "'oops'", "--na-values", "--categorical"});
  REQUIRE(s.run("prepare -q --from big.csv --na-values oops -o out.h5").status == 0);
  CHECK(info_json(s, "out.h5")["columns"][1]["missing"] == 1);
  // An override that a value contradicts.
  s.write("f.csv", "a\n1\n2.5\n");
  check_error(s.run("prepare --from f.csv --integer a -o out2.h5"), 2, {"f.csv:3", "'a'", "'2.5'", "--integer"});
  // Too many categories: the column and the flags that fix it.
  s.write("g.csv", "name\na\nb\nc\n");
  check_error(s.run("prepare --from g.csv --max-categories 2 -o out3.h5"), 2,
              {"g.csv", "'name'", "--max-categories", "--drop-columns"});
  CHECK_FALSE(s.exists("out2.h5"));
  CHECK_FALSE(s.exists("out3.h5"));
}
