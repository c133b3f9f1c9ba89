// Tests of io/typed_csv on real tables: Adult, penguins and Seattle weather import with the
// kinds a person would choose, and agree with pandas (an independent reader) on missing
// values, sums and category counts; both passes over Adult take well under a second.
// (Small inline CSVs for each rule and each message: test_typed_csv_rules.cpp.)
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/typed_csv.hpp"
#include "support/real_data.hpp"
#include "scratch.hpp"
#include "typed_csv_support.hpp"

using namespace gantool;
using gantool_test::read_csv;
using gantool_test::ReadCsv;

namespace {


const Column& column(const CsvInference& inference, const std::string& name) {
  for (const Column& c : inference.schema.columns)
    if (c.name == name) return c;
  FAIL("no column " << name);
  throw;
}

// The kinds of the columns, by name.
std::map<std::string, ColumnKind> kinds(const CsvInference& inference) {
  std::map<std::string, ColumnKind> out;
  for (const Column& c : inference.schema.columns) out[c.name] = c.kind;
  return out;
}

// What pandas (read_csv with leading spaces skipped and '?' a missing marker) finds in each
// column: its missing values, the sum of a numeric column, the counts of a text one.
nlohmann::json pandas_summary(const std::string& path) {
  gantool_test::ScratchDir dir(gantool_test::unique_name("typed_csv_pandas"));
  dir.write("summary.py", R"(import json, sys
import pandas as pd
df = pd.read_csv(sys.argv[1], skipinitialspace=True, na_values=['?'])
out = {}
for name in df.columns:
    col = df[name]
    d = {'missing': int(col.isna().sum())}
    if pd.api.types.is_numeric_dtype(col):
        d['sum'] = float(col.sum())
    else:
        d['counts'] = {str(k): int(v) for k, v in col.value_counts().items()}
    out[name] = d
json.dump(out, open(sys.argv[2], 'w'))
)");
  const std::string command = "/usr/bin/python3 " + (dir / "summary.py") + " '" + path + "' " + (dir / "out.json");
  REQUIRE(std::system(command.c_str()) == 0);
  return nlohmann::json::parse(dir.read("out.json"));
}

// Checks the table against pandas' summary: missing values, sums, category counts; and
// that the schema's counts are the table's.
void check_against_pandas(const ReadCsv& r, const std::string& path) {
  const nlohmann::json expected = pandas_summary(path);
  const Table& t = r.table;
  REQUIRE(t.rows == r.inference.rows);
  for (size_t c = 0; c < t.columns.size(); ++c) {
    const Column& col = t.schema.columns[c];
    const ColumnValues& v = t.columns[c];
    const nlohmann::json& e = expected.at(col.name);
    INFO(col.name);
    int64_t missing = 0;
    for (uint8_t m : v.missing) missing += m;
    CHECK(missing == e.at("missing").get<int64_t>());
    CHECK(col.nullable == (missing > 0));
    if (col.kind == ColumnKind::continuous || col.kind == ColumnKind::integer) {
      double sum = 0;
      for (int64_t i = 0; i < t.rows; ++i)
        if (!v.missing[static_cast<size_t>(i)])
          sum += col.kind == ColumnKind::integer ? static_cast<double>(v.ints[static_cast<size_t>(i)])
                                                 : v.reals[static_cast<size_t>(i)];
      CHECK(sum == Approx(e.at("sum").get<double>()).epsilon(1e-12));
    } else if (col.kind == ColumnKind::categorical) {
      std::vector<int64_t> counts(col.categories.size(), 0);
      for (int64_t i = 0; i < t.rows; ++i)
        if (!v.missing[static_cast<size_t>(i)]) ++counts[static_cast<size_t>(v.ints[static_cast<size_t>(i)])];
      CHECK(counts == col.counts);
      std::map<std::string, int64_t> ours, theirs;
      for (size_t k = 0; k < counts.size(); ++k) ours[col.categories[k]] = counts[k];
      for (const auto& [k, n] : e.at("counts").items()) theirs[k] = n.get<int64_t>();
      CHECK(ours == theirs);
    }
  }
}

}  // namespace

TEST_CASE("typed csv: adult.csv imports with its kinds, agrees with pandas, and is fast", "[typed_csv]") {
  const auto start = std::chrono::steady_clock::now();
  const ReadCsv r = read_csv(gantool_test::adult_csv(), {}, /*block=*/4096);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  WARN("adult.csv, both passes: " << seconds << " s");
  CHECK(seconds < 1.0);
  CHECK(r.inference.rows == 32561);
  CHECK(r.inference.notes.empty());
  using K = ColumnKind;
  CHECK(kinds(r.inference) == std::map<std::string, K>{
                                  {"age", K::integer}, {"workclass", K::categorical}, {"fnlwgt", K::integer},
                                  {"education", K::categorical}, {"education-num", K::integer},
                                  {"marital-status", K::categorical}, {"occupation", K::categorical},
                                  {"relationship", K::categorical}, {"race", K::categorical},
                                  {"sex", K::categorical}, {"capital-gain", K::integer},
                                  {"capital-loss", K::integer}, {"hours-per-week", K::integer},
                                  {"native-country", K::categorical}, {"income", K::categorical}});
  // " ?" is missing; " Male" is "Male".
  CHECK(column(r.inference, "workclass").nullable);
  CHECK(column(r.inference, "occupation").nullable);
  CHECK(column(r.inference, "native-country").nullable);
  CHECK_FALSE(column(r.inference, "age").nullable);
  CHECK(column(r.inference, "sex").categories == std::vector<std::string>{"Female", "Male"});
  CHECK(column(r.inference, "sex").counts == std::vector<int64_t>{10771, 21790});
  CHECK(column(r.inference, "income").categories == std::vector<std::string>{"<=50K", ">50K"});
  CHECK(column(r.inference, "workclass").categories.front() == "Federal-gov");
  check_against_pandas(r, gantool_test::adult_csv());
  // The first row, as read.
  CHECK(r.table.columns[0].ints[0] == 39);
  CHECK(column(r.inference, "workclass").categories[static_cast<size_t>(r.table.columns[1].ints[0])] == "State-gov");
}

TEST_CASE("typed csv: penguins.csv imports with NA missing and integer columns with holes", "[typed_csv]") {
  const ReadCsv r = read_csv(gantool_test::penguins_csv());
  CHECK(r.inference.rows == 344);
  using K = ColumnKind;
  CHECK(kinds(r.inference) == std::map<std::string, K>{{"species", K::categorical}, {"island", K::categorical},
                                                       {"bill_length_mm", K::continuous},
                                                       {"bill_depth_mm", K::continuous},
                                                       {"flipper_length_mm", K::integer},
                                                       {"body_mass_g", K::integer}, {"sex", K::categorical},
                                                       {"year", K::integer}});
  CHECK(column(r.inference, "species").categories == std::vector<std::string>{"Adelie", "Chinstrap", "Gentoo"});
  CHECK(column(r.inference, "sex").categories == std::vector<std::string>{"female", "male"});
  CHECK(column(r.inference, "sex").nullable);
  CHECK(column(r.inference, "bill_length_mm").nullable);
  CHECK(column(r.inference, "flipper_length_mm").nullable);
  CHECK(column(r.inference, "body_mass_g").nullable);
  CHECK_FALSE(column(r.inference, "year").nullable);
  CHECK_FALSE(column(r.inference, "island").nullable);
  check_against_pandas(r, gantool_test::penguins_csv());
}

TEST_CASE("typed csv: seattle-weather.csv reads its dates in %Y/%m/%d", "[typed_csv]") {
  const ReadCsv r = read_csv(gantool_test::seattle_csv());
  CHECK(r.inference.rows == 1461);
  using K = ColumnKind;
  CHECK(kinds(r.inference) == std::map<std::string, K>{{"date", K::datetime}, {"precipitation", K::continuous},
                                                       {"temp_max", K::continuous}, {"temp_min", K::continuous},
                                                       {"wind", K::continuous}, {"weather", K::categorical}});
  CHECK(column(r.inference, "date").format == "%Y/%m/%d");
  CHECK(column(r.inference, "weather").categories ==
        std::vector<std::string>{"drizzle", "fog", "rain", "snow", "sun"});
  CHECK(r.table.columns[0].ints.front() == 1325376000);  // 2012/01/01
  CHECK(r.table.columns[0].ints.back() == 1325376000 + 1460 * int64_t{86400});  // 2015/12/31
  check_against_pandas(r, gantool_test::seattle_csv());
}
