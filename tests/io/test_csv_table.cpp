// Tests of io/csv_table: typical tables with and without a header, the header option,
// delimiters, quoted cells, missing values, column selection (select_columns and
// --columns), reading in blocks with the line of each row, and the errors, which name the
// file, the line and the field. (Header names that repeat or are not UTF-8, and the
// quoting of field text in messages, are tested in test_csv.cpp.)
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <unistd.h>

#include <fmt/format.h>

#include "core/error.hpp"
#include "io/csv_table.hpp"
#include "scratch.hpp"

using namespace gantool;

namespace {

using Names = std::vector<std::string>;

// A scratch folder of its own for each use: test cases may run in parallel processes, and
// one case may hold several tables open.
std::string unique_name(const std::string& prefix) {
  static int count = 0;
  return fmt::format("{}_{}_{}", prefix, ::getpid(), count++);
}

// A CSV file in a scratch folder, opened as a table with the given options.
struct Table {
  gantool_test::ScratchDir dir{unique_name("csv_table_unit")};
  std::string path;
  CsvTable table;
  Table(const std::string& text, const CsvTableOptions& options)
      : path(write(dir, text)), table(path, options) {}
  static std::string write(const gantool_test::ScratchDir& dir, const std::string& text) {
    dir.write("t.csv", text);
    return dir / "t.csv";
  }
  // Every row that is left, row-major.
  std::vector<float> rest(int64_t block = 1000) {
    std::vector<float> all, rows(static_cast<size_t>(block * table.cols()));
    while (const int64_t n = table.read(rows.data(), block))
      all.insert(all.end(), rows.begin(), rows.begin() + n * table.cols());
    return all;
  }
};

CsvTableOptions with_columns(const std::string& columns) {
  CsvTableOptions options;
  options.columns = columns;
  return options;
}

CsvTableOptions with_header(const std::string& header) {
  CsvTableOptions options;
  options.header = header;
  return options;
}

// The message of what opening `text` as a table and reading all of it throws, with the
// scratch folder cut off ("t.csv:3: ..."); "" when nothing is thrown. `usage` tells
// whether it was a UsageError (a wrong flag) rather than an Error (a wrong file).
struct Outcome {
  std::string message;
  bool usage = false;
};
Outcome outcome(const std::string& text, const CsvTableOptions& options = {}) {
  gantool_test::ScratchDir dir(unique_name("csv_table_unit_error"));
  const std::string path = Table::write(dir, text);
  const auto cut = [&](const std::string& m) {
    const size_t at = m.find(path);
    return at == std::string::npos ? m : m.substr(0, at) + "t.csv" + m.substr(at + path.size());
  };
  try {
    CsvTable table(path, options);
    std::vector<float> rows(static_cast<size_t>(table.cols()) * 4);
    while (table.read(rows.data(), 4) > 0) {
    }
  } catch (const UsageError& e) {
    return {cut(e.what()), true};
  } catch (const Error& e) {
    return {cut(e.what()), false};
  }
  return {};
}

}  // namespace

TEST_CASE("csv table reads a table with a header: names, values and lines", "[csv_table]") {
  Table t("x,y,label\n1,2.5,3\n-0.125,1e3,  7 \n", {});
  CHECK(t.table.cols() == 3);
  CHECK(t.table.columns() == Names{"x", "y", "label"});
  CHECK(t.table.name() == t.path);
  std::vector<float> rows(9, -1.0f);
  REQUIRE(t.table.read(rows.data(), 3) == 2);
  CHECK(rows[0] == 1.0f);
  CHECK(rows[1] == 2.5f);
  CHECK(rows[2] == 3.0f);
  CHECK(rows[3] == -0.125f);
  CHECK(rows[4] == 1000.0f);
  CHECK(rows[5] == 7.0f);  // spaces around a number are allowed
  CHECK(rows[6] == -1.0f);  // nothing written beyond the rows read
  CHECK(t.table.line_of(0) == 2);
  CHECK(t.table.line_of(1) == 3);
  CHECK(t.table.read(rows.data(), 3) == 0);
  CHECK(t.table.read(rows.data(), 3) == 0);  // and stays at the end
}

TEST_CASE("csv table without a header names columns by position and keeps the first row", "[csv_table]") {
  Table t("1,2\n3,4\n", {});
  CHECK(t.table.columns() == Names{"x0", "x1"});
  CHECK(t.rest() == std::vector<float>{1, 2, 3, 4});
}

TEST_CASE("csv table's header option overrides the detection", "[csv_table]") {
  // --header yes: a numeric first line is a header of names "1" and "2".
  Table yes("1,2\n3,4\n", with_header("yes"));
  CHECK(yes.table.columns() == Names{"1", "2"});
  CHECK(yes.rest() == std::vector<float>{3, 4});
  // --header no: a text first line is data, and not a number.
  CHECK(outcome("a,b\n1,2\n", with_header("no")).message ==
        "t.csv:1: field 1 ('x0'): 'a' is not a number (pick numeric columns with --columns)");
  const Outcome bad = outcome("1,2\n", with_header("maybe"));
  CHECK(bad.message == "--header must be auto, yes or no (got 'maybe')");
  CHECK(bad.usage);
}

TEST_CASE("csv table detects the delimiter or uses the one given", "[csv_table]") {
  Table semicolons("a;b\n1,5;2\n", {});  // ';' is the most frequent: ',' is part of the cell
  CHECK(semicolons.table.columns() == Names{"a", "b"});
  CHECK(outcome("a;b\n1,5;2\n").message == "t.csv:2: field 1 ('a'): '1,5' is not a number (pick numeric columns with --columns)");

  CsvTableOptions tab;
  tab.delimiter = '\t';
  Table tabs("a,b\tc\n1\t2\n", tab);
  CHECK(tabs.table.columns() == Names{"a,b", "c"});
  CHECK(tabs.rest() == std::vector<float>{1, 2});
}

TEST_CASE("csv table reads quoted names and cells", "[csv_table]") {
  Table t("\"width, cm\",\"say \"\"hi\"\"\"\n\"1.5\",\"-2\"\n", {});
  CHECK(t.table.columns() == Names{"width, cm", "say \"hi\""});
  CHECK(t.rest() == std::vector<float>{1.5f, -2.0f});
}

TEST_CASE("csv table reads an empty or blank cell as NaN and keeps nan and inf", "[csv_table]") {
  Table t("a,b,c\n,  ,1\nnan,inf,-Infinity\n", {});
  const std::vector<float> v = t.rest();
  REQUIRE(v.size() == 6);
  CHECK(std::isnan(v[0]));
  CHECK(std::isnan(v[1]));
  CHECK(v[2] == 1.0f);
  CHECK(std::isnan(v[3]));
  CHECK(v[4] == std::numeric_limits<float>::infinity());
  CHECK(v[5] == -std::numeric_limits<float>::infinity());
}

TEST_CASE("csv table reads in blocks, each row with the line it began on", "[csv_table]") {
  // Blank lines are skipped and a quoted newline (in a column left out) spans two lines:
  // both move the line count.
  Table t("a,b,note\n1,2,x\n\n3,4,\"two\nlines\"\n5,6,y\n7,8,z\n", with_columns("a,b"));
  std::vector<float> rows(6);
  REQUIRE(t.table.read(rows.data(), 3) == 3);
  CHECK(rows == std::vector<float>{1, 2, 3, 4, 5, 6});
  CHECK(t.table.line_of(0) == 2);
  CHECK(t.table.line_of(1) == 4);
  CHECK(t.table.line_of(2) == 6);
  REQUIRE(t.table.read(rows.data(), 3) == 1);
  CHECK(rows[0] == 7);
  CHECK(rows[1] == 8);
  CHECK(t.table.line_of(0) == 7);
  CHECK(t.table.read(rows.data(), 3) == 0);
}

TEST_CASE("csv table keeps the selected columns in the order given", "[csv_table]") {
  const std::string text = "a,b,c,d\n1,2,3,4\n5,6,7,8\n";
  Table by_name(text, with_columns("d,b"));
  CHECK(by_name.table.columns() == Names{"d", "b"});
  CHECK(by_name.rest() == std::vector<float>{4, 2, 8, 6});
  Table by_number(text, with_columns("3,1"));
  CHECK(by_number.table.columns() == Names{"c", "a"});
  CHECK(by_number.rest() == std::vector<float>{3, 1, 7, 5});
  // A text column that is not selected is never parsed.
  Table skip("name,x\nalice,1\nbob,2\n", with_columns("x"));
  CHECK(skip.rest() == std::vector<float>{1, 2});
  // Without a header, the made-up names select too.
  Table made_up("1,2,3\n", with_columns("x2,x0"));
  CHECK(made_up.rest() == std::vector<float>{3, 1});
}

TEST_CASE("select_columns takes names first, then numbers from 1", "[csv_table]") {
  const Names names = {"2", "b", "c"};
  CHECK(select_columns("", names, "t.csv") == std::vector<int64_t>{0, 1, 2});
  CHECK(select_columns("c,b", names, "t.csv") == std::vector<int64_t>{2, 1});
  CHECK(select_columns("2", names, "t.csv") == std::vector<int64_t>{0});  // the column named "2"
  CHECK(select_columns("3", names, "t.csv") == std::vector<int64_t>{2});  // no column named "3": number 3
}

TEST_CASE("select_columns refuses unknown, empty and repeated selections as usage errors", "[csv_table]") {
  const Names names = {"a", "b", "c"};
  const auto usage_error = [&](const std::string& selection) {
    try {
      select_columns(selection, names, "t.csv");
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string("(no UsageError)");
  };
  CHECK(usage_error("a,z") == "--columns: t.csv has no column 'z' (columns: 'a', 'b', 'c'; or give numbers 1..3)");
  CHECK(usage_error("0") == "--columns: t.csv has no column '0' (columns: 'a', 'b', 'c'; or give numbers 1..3)");
  CHECK(usage_error("4") == "--columns: t.csv has no column '4' (columns: 'a', 'b', 'c'; or give numbers 1..3)");
  CHECK(usage_error("1.0") == "--columns: t.csv has no column '1.0' (columns: 'a', 'b', 'c'; or give numbers 1..3)");
  CHECK(usage_error("a,,b") == "--columns: t.csv has no column '' (columns: 'a', 'b', 'c'; or give numbers 1..3)");
  CHECK(usage_error("a,") == "--columns: t.csv has no column '' (columns: 'a', 'b', 'c'; or give numbers 1..3)");
  CHECK(usage_error("b,2") == "--columns: column '2' is selected twice");
  CHECK(usage_error("c,c") == "--columns: column 'c' is selected twice");
  // Through CsvTable, the message names the file and it is still a usage error.
  const Outcome o = outcome("a,b\n1,2\n", with_columns("q"));
  CHECK(o.usage);
  CHECK_THAT(o.message, Catch::StartsWith("--columns: t.csv has no column 'q'"));
}

TEST_CASE("csv table names the file, line and field of a bad row", "[csv_table]") {
  CHECK(outcome("a,b\n1,2\n3\n").message == "t.csv:3: row has 1 fields, expected 2 as on line 1");
  CHECK(outcome("a,b\n1,2\n3,4,5\n").message == "t.csv:3: row has 3 fields, expected 2 as on line 1");
  // The width is that of the first record, header or not, also when a column is left out.
  CHECK(outcome("\n\n1,2\n3\n").message == "t.csv:4: row has 1 fields, expected 2 as on line 3");
  CHECK(outcome("a,b\n1,2\n3\n", with_columns("a")).message == "t.csv:3: row has 1 fields, expected 2 as on line 1");
  CHECK(outcome("x,y\n1,2\n3,abc\n").message ==
        "t.csv:3: field 2 ('y'): 'abc' is not a number (pick numeric columns with --columns)");
  CHECK(outcome("x,y\n1,2\n3,1e39\n").message ==
        "t.csv:3: field 2 ('y'): '1e39' is not a number (pick numeric columns with --columns)");
  // Errors in the file are Errors, not usage errors.
  CHECK_FALSE(outcome("x,y\n1,2\n3,abc\n").usage);
}

TEST_CASE("csv table refuses a missing file, a folder and input without rows", "[csv_table]") {
  gantool_test::ScratchDir dir(unique_name("csv_table_unit_files"));
  const auto error_of = [](const std::string& path) {
    try {
      CsvTable table(path, {});
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(error_of(dir / "none.csv") == dir / "none.csv" + ": no such file");
  CHECK(error_of(dir.dir.string()) == dir.dir.string() + ": is a folder, not a CSV file");
  CHECK(outcome("").message == "t.csv: empty input: no rows");
  CHECK(outcome("\n\n\r\n").message == "t.csv: empty input: no rows");
  CHECK(outcome("a,b\n").message == "t.csv: has a header line but no data rows");
  CHECK(outcome("a,b\n\n").message == "t.csv: has a header line but no data rows");
  CHECK(outcome("1,2\n", with_header("yes")).message == "t.csv: has a header line but no data rows");
  CHECK(outcome("1,2\n").message.empty());  // one row and no header: fine
}
