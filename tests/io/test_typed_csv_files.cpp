// Tests of io/typed_csv on the shape of a file, as the numeric CSV reader's tests had them:
// the header (detected, forced, pandas' nameless index column, names that repeat or are not
// UTF-8), the delimiter, quoting, empty cells, --columns through a file, the line of each row
// across blank lines and quoted newlines, ragged rows, files without rows, and messages that
// stay on one short printable line.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "typed_csv_support.hpp"

using namespace gantool;
using gantool_test::Csv;
using gantool_test::outcome;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using Strings = std::vector<std::string>;
using K = ColumnKind;

namespace {

std::vector<ColumnKind> kinds(const Table& t) {
  std::vector<ColumnKind> out;
  for (const Column& c : t.schema.columns) out.push_back(c.kind);
  return out;
}

TypedCsvOptions with_columns(const std::string& columns) {
  TypedCsvOptions o;
  o.csv.columns = columns;
  return o;
}

TypedCsvOptions with_header(const std::string& header) {
  TypedCsvOptions o;
  o.csv.header = header;
  return o;
}

bool printable_line(const std::string& message) {
  for (char c : message)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  return true;
}

}  // namespace

TEST_CASE("typed csv files: a header, its values, and the header forced either way", "[typed_csv]") {
  const auto r = Csv("x,y,label\n1,2.5,3\n-0.125,1e3,  7 \n").read();
  CHECK(column_names(r.table.schema) == Strings{"x", "y", "label"});
  CHECK(kinds(r.table) == std::vector<K>{K::continuous, K::continuous, K::integer});
  CHECK(r.table.columns[0].reals == std::vector<double>{1, -0.125});
  CHECK(r.table.columns[1].reals == std::vector<double>{2.5, 1000});
  CHECK(r.table.columns[2].ints == std::vector<int64_t>{3, 7});  // spaces around a value are trimmed
  // --header yes: a numeric first line is a header of names "1" and "2".
  const auto yes = Csv("1,2\n3,4\n").read(with_header("yes"));
  CHECK(column_names(yes.table.schema) == Strings{"1", "2"});
  CHECK(yes.table.columns[0].ints == std::vector<int64_t>{3});
  // --header no: a text first line is data.
  const auto no = Csv("a,b\n1,2\n").read(with_header("no"));
  CHECK(column_names(no.table.schema) == Strings{"x0", "x1"});
  CHECK(no.table.schema.columns[0].categories == Strings{"1", "a"});
}

TEST_CASE("typed csv files: the delimiter is detected or given; quoted names and cells", "[typed_csv]") {
  const auto semicolons = Csv("a;b\n1,5;2\n").read();  // ';' is the most frequent: ',' is part of the cell
  CHECK(column_names(semicolons.table.schema) == Strings{"a", "b"});
  CHECK(semicolons.table.schema.columns[0].categories == Strings{"1,5"});
  TypedCsvOptions tab;
  tab.csv.delimiter = '\t';
  const auto tabs = Csv("a,b\tc\n1\t2\n").read(tab);
  CHECK(column_names(tabs.table.schema) == Strings{"a,b", "c"});
  CHECK(tabs.table.columns[1].ints == std::vector<int64_t>{2});

  const auto quoted = Csv("\"width, cm\",\"say \"\"hi\"\"\"\n\"1.5\",\"-2\"\n").read();
  CHECK(column_names(quoted.table.schema) == Strings{"width, cm", "say \"hi\""});
  CHECK(quoted.table.columns[0].reals == std::vector<double>{1.5});
  CHECK(quoted.table.columns[1].ints == std::vector<int64_t>{-2});
}

TEST_CASE("typed csv files: an empty or blank cell is missing; NAN and inf are numbers", "[typed_csv]") {
  // ("nan" and "NaN" are missing markers; other spellings of NaN are a value.)
  const auto r = Csv("a,b,c\n,  ,1\nNAN,inf,-Infinity\n").read();
  CHECK(kinds(r.table) == std::vector<K>{K::continuous, K::continuous, K::continuous});
  CHECK(r.table.columns[0].missing == std::vector<uint8_t>{1, 0});
  CHECK(r.table.columns[1].missing == std::vector<uint8_t>{1, 0});
  CHECK(std::isnan(r.table.columns[0].reals[1]));
  CHECK(r.table.columns[1].reals[1] == std::numeric_limits<double>::infinity());
  CHECK(r.table.columns[2].reals == std::vector<double>{1, -std::numeric_limits<double>::infinity()});
  CHECK_FALSE(r.table.schema.columns[2].nullable);
}

TEST_CASE("typed csv files: each row's line, across blank lines and quoted newlines", "[typed_csv]") {
  // A quoted newline in a column left out spans two lines: it moves the line count too.
  const Csv csv("a,b,note\n1,2,x\n\n3,4,\"two\nlines\"\n5,6,y\n7,8,z\n");
  const TypedCsvOptions o = with_columns("a,b");
  const CsvInference inference = infer_csv_schema(csv.path, o);
  TypedCsvReader reader(csv.path, o, inference.schema);
  Table block;
  REQUIRE(reader.read(block, 3) == 3);
  CHECK(block.columns[0].ints == std::vector<int64_t>{1, 3, 5});
  CHECK(reader.where(0) == csv.path + ":2");
  CHECK(reader.where(1) == csv.path + ":4");
  CHECK(reader.where(2) == csv.path + ":6");
  REQUIRE(reader.read(block, 3) == 1);
  CHECK(block.columns[1].ints == std::vector<int64_t>{8});
  CHECK(reader.where(0) == csv.path + ":7");
  CHECK(reader.read(block, 3) == 0);
}

TEST_CASE("typed csv files: --columns keeps columns in the order given, by name, number or made-up name",
          "[typed_csv]") {
  const Csv csv("a,b,c,d\n1,2,3,4\n5,6,7,8\n");
  const auto by_name = csv.read(with_columns("d,b"));
  CHECK(column_names(by_name.table.schema) == Strings{"d", "b"});
  CHECK(by_name.table.columns[0].ints == std::vector<int64_t>{4, 8});
  const auto by_number = csv.read(with_columns("3,1"));
  CHECK(column_names(by_number.table.schema) == Strings{"c", "a"});
  CHECK(by_number.table.columns[1].ints == std::vector<int64_t>{1, 5});
  // Without a header, the made-up names select too.
  const auto made_up = Csv("1,2,3\n").read(with_columns("x2,x0"));
  CHECK(made_up.table.columns[0].ints == std::vector<int64_t>{3});
  CHECK(made_up.table.columns[1].ints == std::vector<int64_t>{1});
  // An unknown column is a usage error naming the file.
  const auto unknown = outcome("a,b\n1,2\n", with_columns("q"));
  CHECK(unknown.usage);
  CHECK(unknown.message == "--columns: t.csv has no column 'q' (columns: 'a', 'b'; or give numbers 1..2)");
}

TEST_CASE("typed csv files: a ragged row names its line and the line that set the width", "[typed_csv]") {
  CHECK(outcome("a,b\n1,2\n3,4,5\n").message == "t.csv:3: row has 3 fields, expected 2 as on line 1");
  // The width is that of the first record, header or not, also when a column is left out.
  CHECK(outcome("\n\n1,2\n3\n").message == "t.csv:4: row has 1 fields, expected 2 as on line 3");
  CHECK(outcome("a,b\n1,2\n3\n", with_columns("a")).message == "t.csv:3: row has 1 fields, expected 2 as on line 1");
  CHECK_FALSE(outcome("a,b\n1,2\n3\n").usage);  // an error in the file, not in the flags
}

TEST_CASE("typed csv files: a folder and input without rows are refused", "[typed_csv]") {
  gantool_test::ScratchDir dir(gantool_test::unique_name("typed_csv_files"));
  CHECK_THROWS_WITH(infer_csv_schema(dir.dir.string(), {}), dir.dir.string() + ": is a folder, not a CSV file");
  CHECK(outcome("\n\n\r\n").message == "t.csv: empty input: no rows");
  CHECK(outcome("a,b\n\n").message == "t.csv: has a header line but no data rows");
  CHECK(outcome("1,2\n", with_header("yes")).message == "t.csv: has a header line but no data rows");
  CHECK(outcome("1,2\n").message.empty());  // one row and no header: fine
}

TEST_CASE("typed csv files: two kept columns of one name are refused unless --columns avoids them",
          "[typed_csv]") {
  const std::string text = "a,b,a,c\n1,2,3,4\n";
  auto e = outcome(text);
  CHECK_FALSE(e.usage);
  CHECK(e.message == "t.csv: columns 1 and 3 are both named 'a'; keep one of them with --columns or --drop-columns "
                     "(names, or numbers from 1)");
  e = outcome(text, with_columns("c,a"));  // the name is ambiguous
  CHECK(e.usage);
  CHECK(e.message == "--columns: t.csv: columns 1 and 3 are both named 'a'; pick one by number (e.g. --columns 1)");
  CHECK_THAT(outcome(text, with_columns("1,3")).message, Contains("columns 1 and 3 are both named 'a'"));
  CHECK(column_names(Csv(text).read(with_columns("b,3,c")).table.schema) == Strings{"b", "a", "c"});
  CHECK(outcome(text, with_columns("1,2,4")).message.empty());
  TypedCsvOptions drop;
  drop.drop_columns = "3";
  CHECK(outcome(text, drop).message.empty());
  // Without a header, names are made up and never repeat.
  CHECK(outcome("1,2,1\n3,4,5\n").message.empty());
}

TEST_CASE("typed csv files: a nameless header field is named by its position, as pandas' index column",
          "[typed_csv]") {
  // pandas' to_csv writes its index column with an empty name: still a header.
  const auto pandas = Csv(",a,b\n0,1.5,x\n1,2.5,y\n").read();
  CHECK(column_names(pandas.table.schema) == Strings{"x0", "a", "b"});
  CHECK(kinds(pandas.table) == std::vector<K>{K::integer, K::continuous, K::categorical});
  CHECK(pandas.table.rows == 2);
  CHECK(pandas.inference.notes.empty());
  // An empty field elsewhere in the first line: data (a missing value), unless --header yes.
  CHECK(Csv("a,,b\nc,d,e\n").read().table.rows == 2);
  // A made-up name that clashes with a given one is named as made up.
  const auto clash = outcome("x1,,b\n0,1,2\n", with_header("yes"));
  CHECK_THAT(clash.message, Contains("columns 1 and 2 are both named 'x1'") && Contains("column 2 has no name"));
  CHECK_THAT(outcome(",x0,b\n0,1,2\n").message,
             Contains("columns 1 and 2 are both named 'x0' (column 1 has no name in the header"));
}

TEST_CASE("typed csv files: column names that are kept must be UTF-8", "[typed_csv]") {
  // Latin-1 "größe": stored as is, it would break info --json and every UTF-8 reader.
  const std::string text = "gr\xF6\xDF" "e,b\n1,2\n";
  CHECK(outcome(text).message == "t.csv: the name of column 1, 'gr\\xf6\\xdfe', is not UTF-8: convert the file to "
                                 "UTF-8 first (for Latin-1: iconv -f LATIN1 -t UTF-8)");
  CHECK(column_names(Csv(text).read(with_columns("b")).table.schema) == Strings{"b"});  // not kept: not checked
  CHECK(column_names(Csv("gr\xC3\xB6\xC3\x9F" "e,b\n1,2\n").read().table.schema) ==
        Strings{"gr\xC3\xB6\xC3\x9F" "e", "b"});
}

TEST_CASE("typed csv files: messages quote names and values on one short printable line", "[typed_csv]") {
  TypedCsvOptions integer;
  integer.integer = {"2"};
  const std::string message = outcome("a,\"b\x1b[2J\nc\"\n1,\"x\ny\"\n", integer).message;
  INFO(message);
  CHECK_THAT(message, StartsWith("t.csv:3: column 'b\\x1b[2J\\nc' (--integer 2): 'x\\ny' is not an integer"));
  CHECK(printable_line(message));
  integer.integer = {"a"};
  const std::string long_cell = outcome("a\n" + std::string(100000, '9') + "x\n", integer).message;
  CHECK(long_cell.size() < 400);
  CHECK_THAT(long_cell, Contains("'99999") && Contains("...' is not an integer"));
  // An unknown column among 5000 lists only some of their names.
  std::string header, row;
  for (int i = 0; i < 5000; ++i) {
    header += fmt::format("{}name{}", i ? "," : "", i);
    row += i ? ",1" : "1";
  }
  const std::string unknown = outcome(header + "\n" + row + "\n", with_columns("nope\x01")).message;
  INFO(unknown);
  CHECK_THAT(unknown, Contains("no column 'nope\\x01'") && Contains("'name0', 'name1'") && Contains("5000 in all") &&
                          Contains("numbers 1..5000"));
  CHECK(unknown.size() < 400);
  CHECK(printable_line(unknown));
}
