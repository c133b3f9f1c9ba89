// Tests of the tabular transform: encoding then decoding gives the row back (each kind, with
// missing values), datetime granularity, rounding and clipping, and training-by-sampling's
// distributions (CTGAN §4.3: a column uniformly, a category ∝ log(count + 1)).
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <vector>

#include "data/datetime.hpp"
#include "tabular/transform.hpp"

using namespace gantool;

namespace {

const double kNaN = std::nan("");

// A table of columns (name, kind, values as numbers (codes for discrete kinds; NaN missing),
// categories).
struct Col {
  std::string name;
  ColumnKind kind;
  std::vector<double> values;
  std::vector<std::string> categories = {};
  std::string format = {};
};

Table make_table(const std::vector<Col>& cols) {
  Schema schema;
  for (const Col& c : cols) {
    Column col;
    col.name = c.name;
    col.kind = c.kind;
    col.categories = c.categories;
    col.format = c.format;
    schema.columns.push_back(col);
  }
  Table table = empty_table(schema);
  resize_rows(table, static_cast<int64_t>(cols[0].values.size()));
  for (size_t c = 0; c < cols.size(); ++c)
    for (size_t r = 0; r < cols[c].values.size(); ++r) set_number(table, static_cast<int64_t>(c), static_cast<int64_t>(r), cols[c].values[r]);
  mark_nullable(table);
  return table;
}

// Logits that make the decoder pick the encoded row's one-hots (large margins) and give back
// its α (atanh).
std::vector<float> logits_of(const TabularTransform& t, const std::vector<float>& encoded) {
  std::vector<float> logits(encoded.size());
  for (const OutputBlock& b : output_blocks(t))
    for (int64_t j = b.offset; j < b.offset + b.width; ++j)
      logits[static_cast<size_t>(j)] = b.softmax ? 60.0f * encoded[static_cast<size_t>(j)] : std::atanh(encoded[static_cast<size_t>(j)]);
  return logits;
}

int64_t seconds(const char* text) {
  int64_t s = 0;
  REQUIRE(parse_datetime(text, "%Y-%m-%d %H:%M:%S", s));
  return s;
}

}  // namespace

TEST_CASE("tabular transform: encode then decode gives each row back", "[tabular]") {
  std::vector<double> x, n, cat, flag;
  for (int i = 0; i < 400; ++i) {
    x.push_back(i % 2 ? 10 + 0.25 * (i % 7) : -5 - 0.5 * (i % 5));  // two modes, quarter steps
    n.push_back(i % 13 == 0 ? kNaN : double(20 + i % 50));
    cat.push_back(i % 11 == 0 ? kNaN : double(i % 3));
    flag.push_back(double(i % 2));
  }
  const Table table = make_table({{"x", ColumnKind::continuous, x},
                                  {"n", ColumnKind::integer, n},
                                  {"c", ColumnKind::categorical, cat, {"a", "b", "c"}},
                                  {"f", ColumnKind::boolean, flag, {"no", "yes"}}});
  Rng rng = make_rng(1);
  const TabularTransform t = fit_transform(table, 10, 0.005, rng);
  CHECK(t.columns[0].decimals == 2);
  CHECK(t.columns[1].missing_offset >= 0);         // n has missing values: a [present, missing] block
  CHECK(t.columns[2].width == 4);                  // a, b, c and missing
  CHECK(t.columns[3].width == 2);
  CHECK(t.cond_dim == 6);
  std::vector<float> row(static_cast<size_t>(t.data_dim));
  Table back = empty_table(t.schema);
  resize_rows(back, table.rows);
  for (int64_t r = 0; r < table.rows; ++r) {
    encode_row(t, table, r, rng, row.data());
    for (const OutputBlock& b : output_blocks(t)) {
      double sum = 0;
      for (int64_t j = b.offset; j < b.offset + b.width; ++j) sum += row[static_cast<size_t>(j)];
      if (b.softmax) CHECK(sum == 1);
      else CHECK(std::abs(sum) < 1);
    }
    const std::vector<float> logits = logits_of(t, row);
    decode_row(t, logits.data(), rng, back, r);
  }
  for (int64_t r = 0; r < table.rows; ++r)
    for (int64_t c = 0; c < 4; ++c) {
      const double a = number_at(table, c, r), b = number_at(back, c, r);
      INFO("row " << r << " column " << c);
      if (std::isnan(a)) CHECK(std::isnan(b));
      else CHECK(b == Approx(a).margin(c == 0 ? 1e-4 : 0));
    }
}

TEST_CASE("tabular transform: decoded numbers keep the training range and granularity", "[tabular]") {
  const std::vector<double> days = {double(seconds("2020-01-01 00:00:00")), double(seconds("2021-01-01 00:00:00")),
                                    double(seconds("2023-01-01 00:00:00"))};
  const std::vector<double> months = {double(seconds("2020-03-01 00:00:00")), double(seconds("2020-07-01 00:00:00")),
                                      double(seconds("2021-02-01 00:00:00"))};
  const std::vector<double> whole = {double(seconds("2020-03-04 00:00:00")), double(seconds("2020-03-09 00:00:00")),
                                     double(seconds("2020-05-01 00:00:00"))};
  const Table table = make_table({{"y", ColumnKind::datetime, days, {}, "%Y-%m-%d"},
                                  {"m", ColumnKind::datetime, months, {}, "%Y-%m-%d"},
                                  {"d", ColumnKind::datetime, whole, {}, "%Y-%m-%d"},
                                  {"i", ColumnKind::integer, {-3, 0, 7}}});
  Rng rng = make_rng(2);
  const TabularTransform t = fit_transform(table, 10, 0.005, rng);
  CHECK(t.columns[0].granularity == Granularity::year);
  CHECK(t.columns[1].granularity == Granularity::month);
  CHECK(t.columns[2].granularity == Granularity::day);
  CHECK(t.columns[3].granularity == Granularity::unit);
  // Arbitrary logits: every decoded value lies in the range, at the granularity.
  Table out = empty_table(t.schema);
  resize_rows(out, 200);
  std::vector<float> logits(static_cast<size_t>(t.data_dim));
  for (int64_t r = 0; r < 200; ++r) {
    for (float& v : logits) v = static_cast<float>(normal(rng) * 3);
    decode_row(t, logits.data(), rng, out, r);
    for (int64_t c = 0; c < 4; ++c) {
      CHECK(out.columns[c].ints[r] >= t.columns[c].lo);
      CHECK(out.columns[c].ints[r] <= t.columns[c].hi);
    }
    std::string text;
    append_datetime(text, out.columns[0].ints[r], "%m-%d %H:%M:%S");
    CHECK(text == "01-01 00:00:00");
    text.clear();
    append_datetime(text, out.columns[1].ints[r], "%d %H:%M:%S");
    CHECK(text == "01 00:00:00");
    CHECK(out.columns[2].ints[r] % 86400 == 0);
  }
}

TEST_CASE("tabular transform: conditions follow log-frequencies, rows match them", "[tabular]") {
  // Column a: 900 rows of category 0, 90 of 1, 10 of 2; column b: two equal halves.
  std::vector<double> a, b;
  for (int i = 0; i < 1000; ++i) {
    a.push_back(i < 900 ? 0 : i < 990 ? 1 : 2);
    b.push_back(i % 2);
  }
  const Table table = make_table({{"a", ColumnKind::categorical, a, {"x", "y", "z"}},
                                  {"b", ColumnKind::boolean, b, {"false", "true"}}});
  Rng rng = make_rng(3);
  const TabularTransform t = fit_transform(table, 10, 0.005, rng);
  const CondSampler s = make_cond_sampler(t, table);
  REQUIRE(s.discrete.size() == 2);
  std::map<std::pair<int64_t, int64_t>, int> seen;
  const int draws = 200000;
  for (int i = 0; i < draws; ++i) {
    const Condition c = draw_condition(s, rng);
    ++seen[{c.column, c.category}];
    const int64_t r = draw_row(s, c, rng);
    REQUIRE(category_index(table, s.discrete[c.column], r) == c.category);
  }
  const double la = std::log(901) + std::log(91) + std::log(11);
  CHECK(seen[{0, 0}] / double(draws) == Approx(0.5 * std::log(901) / la).margin(0.005));
  CHECK(seen[{0, 2}] / double(draws) == Approx(0.5 * std::log(11) / la).margin(0.005));
  CHECK(seen[{1, 1}] / double(draws) == Approx(0.25).margin(0.005));
  // Sampling conditions follow the plain frequencies (a and b are the table's columns 0 and 1).
  int zero = 0;
  for (int i = 0; i < draws; ++i) {
    const ColumnCondition c = draw_sampling_condition(t, rng);
    zero += c.column == 0 && c.category == 0;
  }
  CHECK(zero / double(draws) == Approx(0.5 * 0.9).margin(0.005));
}

TEST_CASE("tabular transform: a column with every value missing stays missing", "[tabular]") {
  const Table table = make_table({{"x", ColumnKind::continuous, {kNaN, kNaN, kNaN}},
                                  {"c", ColumnKind::categorical, {kNaN, kNaN, kNaN}, {}}});
  Rng rng = make_rng(4);
  const TabularTransform t = fit_transform(table, 10, 0.005, rng);
  std::vector<float> row(static_cast<size_t>(t.data_dim));
  Table back = empty_table(t.schema);
  resize_rows(back, 3);
  for (int64_t r = 0; r < 3; ++r) {
    encode_row(t, table, r, rng, row.data());
    const std::vector<float> logits = logits_of(t, row);
    decode_row(t, logits.data(), rng, back, r);
    CHECK(back.columns[0].missing[r] == 1);
    CHECK(back.columns[1].missing[r] == 1);
  }
}
