// Tests of io/typed_csv's overrides, column selection, second pass and messages: each error
// names the file (and line, column and value where there is one) and the flag that helps;
// a word in a column of numbers at line 90,000 is named by its line; the second pass reads
// blocks without allocating, and refuses a file that changed since the first.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "alloc_counter.hpp"
#include "typed_csv_support.hpp"

using namespace gantool;
using gantool_test::Csv;
using gantool_test::kinds;
using gantool_test::outcome;
using Catch::Matchers::Contains;
using Strings = std::vector<std::string>;

namespace {

// 100,000 rows of a column x of numbers (i % modulo) beside y, with the word 'abc' in x at
// line 90,000.
std::string word_at_line_90000(int64_t modulo) {
  std::string text = "x,y\n";
  for (int64_t line = 2; line <= 100001; ++line)
    text += (line == 90000 ? std::string("abc") : std::to_string(line % modulo)) + "," + std::to_string(line % 7) + "\n";
  return text;
}

}  // namespace

TEST_CASE("typed csv: overrides by name or number set the kind", "[typed_csv]") {
  const Csv csv("n,r,d,t\n9,1,31.12.2020,2020-01-02\n10,2,01.01.2021,2021-03-04\n");
  TypedCsvOptions o;
  o.categorical = {"1"};  // by number
  o.continuous = {"r"};
  o.datetime = {{"d", "%d.%m.%Y"}, {"t", ""}};
  const auto r = csv.read(o);
  using K = ColumnKind;
  CHECK(kinds(r.inference) == std::vector<K>{K::categorical, K::continuous, K::datetime, K::datetime});
  CHECK(r.table.schema.columns[0].categories == Strings{"10", "9"});  // byte order
  CHECK(r.table.columns[1].reals == std::vector<double>{1, 2});
  CHECK(r.table.schema.columns[2].format == "%d.%m.%Y");
  CHECK(r.table.columns[2].ints[0] == 1609372800);
  CHECK(r.table.schema.columns[3].format == "%Y-%m-%d");
  TypedCsvOptions both;
  both.integer = {"n,r"};  // a list in one flag
  CHECK(kinds(csv.read(both).inference)[1] == K::integer);
}

TEST_CASE("typed csv: a value that does not fit an override names file, line, column, value and flag", "[typed_csv]") {
  TypedCsvOptions o;
  o.integer = {"x"};
  auto e = outcome("x,y\n1,a\n2.5,b\n", o);
  CHECK(e.usage);
  CHECK(e.message ==
        "t.csv:3: column 'x' (--integer x): '2.5' is not an integer (int64); if it marks a missing value, add it to "
        "--na-values (which replaces the default list); else change or leave out --integer x, or fix the file");
  TypedCsvOptions c;
  c.continuous = {"2"};
  CHECK_THAT(outcome("x,y\n1,a\n", c).message, Contains("t.csv:2: column 'y' (--continuous 2): 'a' is not a number"));
  TypedCsvOptions d;
  d.datetime = {{"d", "%d.%m.%Y"}};
  CHECK_THAT(outcome("d\n31.12.2020\n2020-12-31\n", d).message,
             Contains("t.csv:3: column 'd' (--datetime d=%d.%m.%Y): '2020-12-31' is not a date in the format "
                      "'%d.%m.%Y'"));
  d.datetime = {{"d", ""}};
  e = outcome("d\n2020-12-31\n31.12.2020\n", d);
  CHECK(e.usage);
  CHECK(e.message ==
        "t.csv:3: column 'd' (--datetime d): no one date format reads every value ('31.12.2020' rules out the last "
        "one); give the format with --datetime d=FORMAT (directives %Y %m %d %H %M %S %b %B %-m %-d %-H), add the "
        "value to --na-values if it marks a missing value, or fix the file");
  d.datetime = {{"d", "%Y-%m"}};
  CHECK(outcome("d\n2020-12\n", d).message == "--datetime d=%Y-%m: not a valid format: it has no day (%d or %-d)");
}

TEST_CASE("typed csv: overrides of unknown, unread or twice-given columns are refused", "[typed_csv]") {
  TypedCsvOptions o;
  o.integer = {"z"};
  auto e = outcome("x,y\n1,2\n", o);
  CHECK(e.usage);
  CHECK(e.message == "--integer: t.csv has no column 'z' (columns: 'x', 'y'; or give numbers 1..2)");
  o.integer = {"3"};
  CHECK(outcome("x,y\n1,2\n", o).message == "--integer: t.csv has no column '3' (columns: 'x', 'y'; or give numbers 1..2)");
  o.integer = {"x"};
  o.csv.columns = "y";
  CHECK(outcome("x,y\n1,2\n", o).message == "--integer: column 'x' is not read (see --columns and --drop-columns)");
  TypedCsvOptions twice;
  twice.categorical = {"x"};
  twice.integer = {"1"};
  CHECK(outcome("x,y\n1,2\n", twice).message ==
        "--integer 1: column '1' is also given as --categorical x; give one kind per column");
}

TEST_CASE("typed csv: --columns and --drop-columns choose the columns", "[typed_csv]") {
  const Csv csv("a,b,c,d\n1,2,3,4\n");
  TypedCsvOptions o;
  o.drop_columns = "b,4";
  CHECK(column_names(csv.read(o).table.schema) == Strings{"a", "c"});
  o.csv.columns = "c,a,b";
  CHECK(column_names(csv.read(o).table.schema) == Strings{"c", "a"});
  TypedCsvOptions unknown;
  unknown.drop_columns = "q";
  auto e = outcome("a,b\n1,2\n", unknown);
  CHECK(e.usage);
  CHECK(e.message == "--drop-columns: t.csv has no column 'q' (columns: 'a', 'b'; or give numbers 1..2)");
  TypedCsvOptions all;
  all.drop_columns = "a,b";
  CHECK(outcome("a,b\n1,2\n", all).message == "t.csv: no columns are left to read (see --columns and --drop-columns)");
}

TEST_CASE("typed csv: a text column with too many values names the column and the flags", "[typed_csv]") {
  TypedCsvOptions o;
  o.max_categories = 2;
  CHECK(Csv("n\na\nb\na\n").read(o).table.schema.columns[0].categories == Strings{"a", "b"});
  const auto e = outcome("n\na\nb\nc\n", o);
  CHECK(e.usage);
  CHECK(e.message == "t.csv: column 'n' has more than 2 distinct values, too many for a categorical column; leave it "
                     "out with --drop-columns n, or allow more with --max-categories N");
  // A name a flag could not hold is given by number.
  CHECK_THAT(outcome("x,\"a, b\"\n1,a\n2,b\n3,c\n", o).message, Contains("--drop-columns 2,"));
  o.categorical = {"n"};
  CHECK_THAT(outcome("n\na\nb\nc\n", o).message, Contains("more than 2 distinct values"));
  o.max_categories = 0;
  CHECK(outcome("n\na\n", o).message == "--max-categories must be at least 1 (got 0)");
}

TEST_CASE("typed csv: a word at line 90,000 of a column of numbers is named with its line", "[typed_csv]") {
  // Many distinct numbers: the column cannot be categorical; the message says where and why.
  const auto e = outcome(word_at_line_90000(1000000));
  CHECK(e.usage);
  CHECK(e.message ==
        "t.csv:90000: column 'x': its values are numbers but 'abc' (line 90000); as text it would have more than "
        "1000 categories. If those mark missing values, add them to --na-values (which replaces the default list); "
        "to read the column as text, give --categorical x --max-categories N; or fix the file");
  // A few distinct numbers: the column is categorical, and a note says why.
  const Csv csv(word_at_line_90000(10));
  const auto r = csv.read();
  CHECK(kinds(r.inference) == std::vector<ColumnKind>{ColumnKind::categorical, ColumnKind::integer});
  CHECK(r.inference.notes ==
        Strings{csv.path + ": column 'x' read as categorical: its values are numbers but 'abc' (line 90000); if those "
                "mark missing values, add them to --na-values (which replaces the default list), or fix the file"});
}

TEST_CASE("typed csv: dates but for one in another format: a note names it", "[typed_csv]") {
  std::string text = "d\n";
  for (int day = 1; day <= 28; ++day) text += "2012-02-" + std::string(day < 10 ? "0" : "") + std::to_string(day) + "\n";
  text += "2012-3-1\n";
  const auto r = Csv(text).read();
  CHECK(r.table.schema.columns[0].kind == ColumnKind::categorical);
  REQUIRE(r.inference.notes.size() == 1);
  CHECK_THAT(r.inference.notes[0], Contains("column 'd' read as categorical: its values are dates but '2012-3-1' (line "
                                            "30) is not in the format of those before it"));
}

TEST_CASE("typed csv: the file's errors name the file and line", "[typed_csv]") {
  auto e = outcome("a,b\n1,2\n3\n");
  CHECK_FALSE(e.usage);
  CHECK(e.message == "t.csv:3: row has 1 fields, expected 2 as on line 1");
  CHECK(outcome("").message == "t.csv: empty input: no rows");
  CHECK(outcome("a,b\n").message == "t.csv: has a header line but no data rows");
  TypedCsvOptions yes;
  yes.csv.header = "yes";
  CHECK(outcome("a,a\n1,2\n", yes).message == "t.csv: columns 1 and 2 are both named 'a'; keep one of them with "
                                             "--columns or --drop-columns (names, or numbers from 1)");
  CHECK(outcome("a\ncaf\xe9\n").message == "t.csv: column 'a' has the value 'caf\\xe9', which is not UTF-8: convert "
                                           "the file to UTF-8 first (for Latin-1: iconv -f LATIN1 -t UTF-8)");
  yes.csv.header = "maybe";
  CHECK(outcome("a\n1\n", yes).message == "--header must be auto, yes or no (got 'maybe')");
  CHECK_THROWS_WITH(infer_csv_schema("/nonexistent/t.csv", {}), "/nonexistent/t.csv: no such file");
}

TEST_CASE("typed csv: the second pass refuses a file that changed since the first", "[typed_csv]") {
  const Csv csv("x,y\n1,a\n2,b\n");
  const CsvInference inference = infer_csv_schema(csv.path, {});
  const auto second_pass = [&](const std::string& text) -> std::string {
    csv.dir.write("t.csv", text);
    try {
      TypedCsvReader reader(csv.path, {}, inference.schema);
      Table t;
      while (reader.read(t, 10) > 0) {
      }
    } catch (const Error& e) {
      std::string m = e.what();
      return m.replace(0, csv.path.size(), "t.csv");
    }
    return "";
  };
  CHECK(second_pass("x,y\n1,a\n2,b\n") == "");
  CHECK(second_pass("x,y\n1,a\n2,c\n") ==
        "t.csv:3: column 'y' (categorical): 'c' is not one of its 2 categories; the file changed since it was first "
        "read: run again");
  CHECK(second_pass("x,y\n1,a\n2.5,b\n") ==
        "t.csv:3: column 'x' (integer): '2.5' is not an integer (int64); the file changed since it was first read: "
        "run again");
  CHECK(second_pass("x,y\n1,a\nNA,b\n") ==
        "t.csv:3: column 'x' (integer): 'NA' is missing, but no value of the column was when the file was first "
        "read; the file changed: run again");
  CHECK(second_pass("x,z\n1,a\n") ==
        "t.csv: its columns are no longer those it had when first read; the file changed: run again");
}

TEST_CASE("typed csv: the second pass reads blocks with the line of each row, allocating nothing", "[typed_csv]") {
  std::string text = "n,k,r,d,b\n";
  for (int i = 0; i < 4000; ++i)
    text += fmt::format("{},key{:03},{}.25,2020-01-{:02},{}\n", i % 100, i % 50, i % 9, i % 28 + 1, i % 3 ? "yes" : "no");
  const Csv csv(text);
  const CsvInference inference = infer_csv_schema(csv.path, {});
  using K = ColumnKind;
  CHECK(kinds(inference) == std::vector<K>{K::integer, K::categorical, K::continuous, K::datetime, K::boolean});
  TypedCsvReader reader(csv.path, {}, inference.schema);
  Table block;
  REQUIRE(reader.read(block, 1000) == 1000);
  CHECK(reader.where(0) == csv.path + ":2");
  gantool_test::start_counting();
  int64_t rows = 0;
  while (const int64_t n = reader.read(block, 1000)) rows += n;
  const auto count = gantool_test::stop_counting();
  CHECK(rows == 3000);
  CHECK(count.ours == 0);
  CHECK(reader.read(block, 1000) == 0);
  CHECK(block.rows == 0);
}
