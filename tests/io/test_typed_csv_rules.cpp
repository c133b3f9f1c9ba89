// Tests of io/typed_csv's rules on small inline CSVs: trimming and missing markers, each kind
// (integers to int64's extremes, numbers, booleans, every date format, categories), the
// header rule, the overrides, the second pass in blocks without allocating, and every
// message, each naming the file, line, column, value and the flag that helps.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "alloc_counter.hpp"
#include "core/rng.hpp"
#include "data/datetime.hpp"
#include "typed_csv_support.hpp"

using namespace gantool;
using gantool_test::Csv;
using gantool_test::kinds;
using gantool_test::outcome;
using Catch::Matchers::Contains;
using Strings = std::vector<std::string>;

namespace {

TypedCsvOptions with_na(const Strings& na) {
  TypedCsvOptions o;
  o.na_values = na;
  return o;
}

}  // namespace

TEST_CASE("typed csv: unquoted fields are trimmed, quoted ones kept, markers are missing", "[typed_csv]") {
  const Csv csv("a,b,c\n Male , x,1\n\" Male \",?,NA\n  Female,\" \",\"NA\"\n");
  const auto r = csv.read();
  const Column& a = r.table.schema.columns[0];
  CHECK(a.kind == ColumnKind::categorical);
  CHECK(a.categories == Strings{" Male ", "Female", "Male"});  // byte order: ' ' < 'F' < 'M'
  CHECK(a.counts == std::vector<int64_t>{1, 1, 1});
  CHECK(r.table.columns[0].ints == std::vector<int64_t>{2, 0, 1});
  // '?' after trimming is missing; a quoted space is a value; a quoted "NA" is missing too.
  CHECK(r.table.schema.columns[1].categories == Strings{" ", "x"});
  CHECK(r.table.columns[1].missing == std::vector<uint8_t>{0, 1, 0});
  CHECK(r.table.columns[1].ints == std::vector<int64_t>{1, -1, 0});
  CHECK(r.table.schema.columns[2].kind == ColumnKind::integer);
  CHECK(r.table.columns[2].missing == std::vector<uint8_t>{0, 1, 1});
  CHECK(default_na_values() == Strings{"", "NA", "N/A", "NaN", "nan", "null", "NULL", "None", "?"});
}

TEST_CASE("typed csv: na_values replaces the list of missing markers", "[typed_csv]") {
  const Csv csv("x,y\n1,NA\n-,nan\n3,inf\n");
  const auto r = csv.read(with_na({"-"}));
  CHECK(kinds(r.inference) == std::vector<ColumnKind>{ColumnKind::integer, ColumnKind::categorical});
  CHECK(r.table.columns[0].missing == std::vector<uint8_t>{0, 1, 0});
  CHECK(r.table.schema.columns[1].categories == Strings{"NA", "inf", "nan"});
  // Without "nan" among the markers, a NaN in a column of numbers is a value, not missing.
  const auto n = Csv("x\n1.5\nnan\n-inf\n").read(with_na({}));
  CHECK(n.table.schema.columns[0].kind == ColumnKind::continuous);
  CHECK_FALSE(n.table.schema.columns[0].nullable);
  CHECK(std::isnan(n.table.columns[0].reals[1]));
  CHECK(n.table.columns[0].reals[2] == -std::numeric_limits<double>::infinity());
}

TEST_CASE("typed csv: integers to int64's extremes, numbers beyond them are continuous, identifiers text", "[typed_csv]") {
  const auto r = Csv("i,big,f,e\n9223372036854775807,9223372036854775808,1,1e3\n-9223372036854775808,1,+2,inf\n"
                     "+7,2,-3.5,-inf\n")
                     .read();
  using K = ColumnKind;
  CHECK(kinds(r.inference) == std::vector<K>{K::integer, K::continuous, K::continuous, K::continuous});
  CHECK(r.table.columns[0].ints ==
        std::vector<int64_t>{std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min(), 7});
  CHECK(r.table.columns[1].reals[0] == 9223372036854775808.0);
  CHECK(r.table.columns[2].reals == std::vector<double>{1, 2, -3.5});
  CHECK(r.table.columns[3].reals[1] == std::numeric_limits<double>::infinity());
  // Identifiers: digits with a leading zero (zip codes) or more than 19 digits are text.
  const auto ids = Csv("zip,id,n\n02134,12345678901234567890,0\n10001,12345678901234567891,-0\n").read();
  CHECK(kinds(ids.inference) == std::vector<K>{K::categorical, K::categorical, K::integer});
  CHECK(ids.inference.schema.columns[0].categories == std::vector<std::string>{"02134", "10001"});
  // An overflowing number is text; one too small is zero.
  const auto t = Csv("x,y\n1e400,1e-400\n2,3\n").read();
  CHECK(kinds(t.inference) == std::vector<K>{K::categorical, K::continuous});
  CHECK(t.table.columns[1].reals[0] == 0.0);
}

TEST_CASE("typed csv: booleans in one spelling pair and one case", "[typed_csv]") {
  for (const auto& [no, yes] : std::vector<std::pair<std::string, std::string>>{
           {"false", "true"}, {"False", "True"}, {"FALSE", "TRUE"}, {"no", "yes"}, {"No", "Yes"}, {"NO", "YES"}}) {
    const auto r = Csv("b\n" + yes + "\n" + no + "\n\n" + yes + "\nNA\n").read();
    const Column& c = r.table.schema.columns[0];
    INFO(yes);
    CHECK(c.kind == ColumnKind::boolean);
    CHECK(c.categories == Strings{no, yes});
    CHECK(c.counts == std::vector<int64_t>{1, 2});
    CHECK(c.nullable);
    CHECK(r.table.columns[0].ints == std::vector<int64_t>{1, 0, 1, -1});
  }
  const auto only_yes = Csv("b\nyes\nyes\n").read();
  CHECK(only_yes.table.schema.columns[0].categories == Strings{"no", "yes"});
  CHECK(only_yes.table.schema.columns[0].counts == std::vector<int64_t>{0, 2});
  // Two cases, or two pairs, make a categorical column; 0 and 1 are integers.
  CHECK(kinds(Csv("a,b,c\nTrue,yes,0\ntrue,false,1\n").read().inference) ==
        std::vector<ColumnKind>{ColumnKind::categorical, ColumnKind::categorical, ColumnKind::integer});
}

TEST_CASE("typed csv: dates in every candidate format are read and written back as they were", "[typed_csv]") {
  Rng rng = make_rng(7);
  for (const std::string& format : datetime_formats()) {
    std::string text = "d\n";
    std::vector<std::string> values;
    for (int i = 0; i < 30; ++i) {
      const int64_t s = 60 * static_cast<int64_t>(below(rng, 60 * 24 * 365 * 80)) - int64_t{20} * 365 * 86400;
      std::string value;
      append_datetime(value, s, format);
      values.push_back(value);
      text += (value.find(',') != std::string::npos ? "\"" + value + "\"" : value) + "\n";
    }
    INFO(format << "\n" << text);
    const auto r = Csv(text).read();
    const Column& c = r.table.schema.columns[0];
    REQUIRE(c.kind == ColumnKind::datetime);
    // Another format may fit first (two-digit days fit "%d" and "%-d"), but it writes each
    // value as it was.
    for (size_t i = 0; i < values.size(); ++i) {
      std::string back;
      append_datetime(back, r.table.columns[0].ints[i], c.format);
      CHECK(back == values[i]);
    }
  }
  // Which format each style of date gets.
  const auto format_of = [](const std::string& text) {
    const auto r = Csv("d\n" + text).read();
    return r.table.schema.columns[0].kind == ColumnKind::datetime ? r.table.schema.columns[0].format : "";
  };
  CHECK(format_of("2012-01-01\n2012-12-31\n") == "%Y-%m-%d");
  CHECK(format_of("2012-01-01T10:00:00\n2012-12-31T23:59:59\n") == "%Y-%m-%dT%H:%M:%S");
  CHECK(format_of("2012-01-01 10:00\nNA\n") == "%Y-%m-%d %H:%M");
  CHECK(format_of("01/02/2012\n03/04/2012\n") == "%m/%d/%Y");   // US first when both fit
  CHECK(format_of("01/02/2012\n13/04/2012\n") == "%d/%m/%Y");   // a day above 12 decides
  CHECK(format_of("1/2/2012\n12/13/2012\n") == "%-m/%-d/%Y");
  CHECK(format_of("Jan 1 2000\nFeb 10 2000\n") == "%b %-d %Y");
  CHECK(format_of("1 Jan 2000\n10 Feb 2000\n") == "%-d %b %Y");
  CHECK(format_of("2012-01-01\n2012-1-2\n") == "");        // no one format: categorical
  CHECK(format_of("2012-02-30\n") == "");                  // not a date
  CHECK(format_of("20120101\n") == "");                    // a number
}

TEST_CASE("typed csv: a column of missing values is continuous and nullable, with a note", "[typed_csv]") {
  const auto r = Csv("a,b\n1,NA\n2,\n").read();
  CHECK(r.table.schema.columns[1].kind == ColumnKind::continuous);
  CHECK(r.table.schema.columns[1].nullable);
  CHECK(r.table.columns[1].missing == std::vector<uint8_t>{1, 1});
  REQUIRE(r.inference.notes.size() == 1);
  CHECK_THAT(r.inference.notes.at(0), Contains("t.csv: column 'b' has no values (all missing): read as continuous"));
}

TEST_CASE("typed csv: header auto takes a first line of names that are no values", "[typed_csv]") {
  CHECK(Csv("age,name\n1,a\n").read().table.schema.columns[1].name == "name");
  CHECK(Csv(" age , name \n1,a\n").read().table.schema.columns[0].name == "age");  // trimmed
  const auto no_header = [](const std::string& text) {
    const auto r = Csv(text).read();
    return column_names(r.table.schema) == Strings{"x0", "x1"} && r.table.rows == 2;
  };
  CHECK(no_header("1,2\n3,4\n"));          // numbers
  CHECK(no_header("a,1\nb,2\n"));          // a number
  CHECK(no_header("a,\nb,c\n"));           // an empty field
  CHECK(no_header("a,NA\nb,c\n"));         // a missing marker
  CHECK(no_header("a,2012-01-01\nb,c\n"));  // a date
  // A note says so when the first line had text that might have been names.
  CHECK_THAT(Csv("a,1\nb,c\n").read().inference.notes.at(0),
             Contains("t.csv: the first line is read as data, not as a header"));
  CHECK(Csv("1,2\n3,4\n").read().inference.notes.empty());
  // --header yes names an empty field by its position; --header no reads the first line as data.
  TypedCsvOptions yes;
  yes.csv.header = "yes";
  CHECK(column_names(Csv("1,\n3,4\n").read(yes).table.schema) == Strings{"1", "x1"});
  TypedCsvOptions no;
  no.csv.header = "no";
  CHECK(Csv("a,b\n3,4\n").read(no).table.rows == 2);
}
