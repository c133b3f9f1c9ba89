// Tests of the features of typed rows: the numeric columns' centre and spread against values
// worked out by hand (numpy's linear quantiles), one-hot columns matched by category text,
// booleans by code, and the missing flags.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "metrics/features.hpp"

using namespace gantool;

namespace {

const double kNaN = std::nan("");

// A one-column table of this kind and these values (NaN: missing; codes for discrete kinds).
Table column_table(ColumnKind kind, const std::vector<double>& values, std::vector<std::string> categories = {}) {
  Schema schema = continuous_schema({"x"});
  schema.columns[0].kind = kind;
  schema.columns[0].categories = std::move(categories);
  Table table = empty_table(schema);
  resize_rows(table, static_cast<int64_t>(values.size()));
  for (size_t r = 0; r < values.size(); ++r) set_number(table, 0, static_cast<int64_t>(r), values[r]);
  return table;
}

std::vector<float> column0(const Tensor& t, int64_t c) {
  std::vector<float> out;
  for (int64_t r = 0; r < t.rows(); ++r) out.push_back(t(r, c));
  return out;
}

}  // namespace

TEST_CASE("features: a numeric column is centred on the median and scaled by IQR/1.349", "[features]") {
  // Present values 1, 2, 4, 10 (one missing): median 3, quartiles 1.75 and 5.5 (linear).
  for (const ColumnKind kind : {ColumnKind::continuous, ColumnKind::integer, ColumnKind::datetime}) {
    const Table ref = column_table(kind, {4, 1, kNaN, 10, 2});
    const Table other = column_table(kind, {3, 7});
    const FeatureMap map = fit_features(ref, other);
    REQUIRE(map.width == 2);
    CHECK(map.parts[0].center == Approx(3));
    CHECK(map.parts[0].spread == Approx(3.75 / 1.349));
    CHECK(map.parts[0].missing_feature == 1);
    CHECK(map.names == std::vector<std::string>{"x", "x missing"});
    const Tensor f = encode_features(map, ref);
    CHECK(f(0, 0) == Approx(1.349 / 3.75));
    CHECK(f(2, 0) == 0);  // missing: 0, and the flag
    CHECK(column0(f, 1) == std::vector<float>{0, 0, 1, 0, 0});
    const Tensor g = encode_features(map, other);
    CHECK(g(1, 0) == Approx(4 * 1.349 / 3.75));
    CHECK(column0(g, 1) == std::vector<float>{0, 0});
  }
}

TEST_CASE("features: the spread falls back to the std, then to 1; no flag without a missing value", "[features]") {
  // Quartiles 5 and 5: IQR 0; std of {5, 5, 5, 5, 5, 11} is sqrt(5).
  const Table ref = column_table(ColumnKind::continuous, {5, 5, 5, 5, 5, 11});
  FeatureMap map = fit_features(ref, ref);
  CHECK(map.width == 1);
  CHECK(map.parts[0].missing_feature == -1);
  CHECK(map.parts[0].center == 5);
  CHECK(map.parts[0].spread == Approx(std::sqrt(5.0)));
  const Table constant = column_table(ColumnKind::integer, {7, 7, 7});
  map = fit_features(constant, ref);
  CHECK(map.parts[0].center == 7);
  CHECK(map.parts[0].spread == 1);
  // A missing value in the other table alone gives the flag too.
  map = fit_features(constant, column_table(ColumnKind::integer, {kNaN}));
  CHECK(map.parts[0].missing_feature == 1);
}

TEST_CASE("features: categories become one-hot features, matched by their text", "[features]") {
  const Table ref = column_table(ColumnKind::categorical, {0, 1, 2, 1}, {"a", "b", "c"});
  // The other table's codes mean other categories: "c" (code 0), "d" (unknown), "a" (code 2).
  const Table other = column_table(ColumnKind::categorical, {0, 1, 2, kNaN}, {"c", "d", "a"});
  const FeatureMap map = fit_features(ref, other, /*onehot_scale=*/0.5);
  REQUIRE(map.width == 4);
  CHECK(map.names == std::vector<std::string>{"x=a", "x=b", "x=c", "x missing"});
  const Tensor f = encode_features(map, ref);
  CHECK(std::vector<float>(f.row(1), f.row(1) + 4) == std::vector<float>{0, 0.5f, 0, 0});
  const Tensor g = encode_features(map, other);
  CHECK(std::vector<float>(g.row(0), g.row(0) + 4) == std::vector<float>{0, 0, 0.5f, 0});
  CHECK(std::vector<float>(g.row(1), g.row(1) + 4) == std::vector<float>{0, 0, 0, 0});  // "d": none
  CHECK(std::vector<float>(g.row(2), g.row(2) + 4) == std::vector<float>{0.5f, 0, 0, 0});
  CHECK(std::vector<float>(g.row(3), g.row(3) + 4) == std::vector<float>{0, 0, 0, 1});  // missing
}

TEST_CASE("features: booleans are matched by code whatever their spellings", "[features]") {
  const Table ref = column_table(ColumnKind::boolean, {0, 1, 1}, {"No", "Yes"});
  const Table other = column_table(ColumnKind::boolean, {1, 0}, {"false", "true"});
  const FeatureMap map = fit_features(ref, other);
  CHECK(map.names == std::vector<std::string>{"x=No", "x=Yes"});
  const Tensor g = encode_features(map, other);
  CHECK(std::vector<float>(g.data(), g.data() + 4) == std::vector<float>{0, 1, 1, 0});
}

TEST_CASE("features: columns follow one another, each with its flag after its features", "[features]") {
  Schema schema = continuous_schema({"age", "sex", "income"});
  schema.columns[1].kind = ColumnKind::categorical;
  schema.columns[1].categories = {"F", "M"};
  schema.columns[2].kind = ColumnKind::integer;
  Table t = empty_table(schema);
  resize_rows(t, 3);
  const double rows[3][3] = {{30, 0, 100}, {40, kNaN, 200}, {50, 1, kNaN}};
  for (int64_t r = 0; r < 3; ++r)
    for (int64_t c = 0; c < 3; ++c) set_number(t, c, r, rows[r][c]);
  const FeatureMap map = fit_features(t, t);
  CHECK(map.names == std::vector<std::string>{"age", "sex=F", "sex=M", "sex missing", "income", "income missing"});
  CHECK(map.parts[1].first == 1);
  CHECK(map.parts[2].first == 4);
  const Tensor f = encode_features(map, t);
  REQUIRE(f.cols() == 6);
  // Row 1: age 40 is the median; sex missing; income 200 against median 150, IQR 50.
  CHECK(std::vector<float>(f.row(1), f.row(1) + 4) == std::vector<float>{0, 0, 0, 1});
  CHECK(f(1, 4) == Approx(1.349));
  CHECK(f(2, 5) == 1);
}
