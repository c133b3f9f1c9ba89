// Tests of io/table_csv: a typed table written back as CSV text (as export writes it) reads
// back as the same table: NaN values stay values, texts keep spaces at their ends, and a
// one-column table keeps its rows with empty values. (Each case was a finding of fuzz_csv.)
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "io/csv.hpp"
#include "io/table_csv.hpp"
#include "typed_csv_support.hpp"

using namespace gantool;
using gantool_test::Csv;
using Strings = std::vector<std::string>;

namespace {

// `table` as export writes it: a header line of names, then each row.
std::string as_csv(const Table& table) {
  std::string text;
  for (size_t c = 0; c < table.schema.columns.size(); ++c) {
    if (c) text += ',';
    append_csv_field(text, table.schema.columns[c].name, ',');
  }
  text += '\n';
  for (int64_t r = 0; r < table.rows; ++r) append_table_row(text, table, r, {});
  return text;
}

}  // namespace

TEST_CASE("table csv: a NaN value is written -nan and reads back as a value, not missing", "[table_csv]") {
  const auto first = Csv("a,b\n1.5,x\nNAN,y\n,z\n").read();
  REQUIRE(first.table.schema.columns[0].kind == ColumnKind::continuous);
  CHECK(first.table.columns[0].missing == std::vector<uint8_t>{0, 0, 1});
  const std::string text = as_csv(first.table);
  CHECK(text == "a,b\n1.5,x\n-nan,y\n,z\n");
  const auto again = Csv(text).read();
  CHECK(again.table.columns[0].missing == std::vector<uint8_t>{0, 0, 1});
  CHECK(std::isnan(again.table.columns[0].reals[1]));
  CHECK(as_csv(again.table) == text);
}

TEST_CASE("table csv: texts with spaces or tabs at their ends are quoted and keep them", "[table_csv]") {
  const auto first = Csv("\" name \",b\n\" x \",1\n\"\ty\",2\nz,3\n").read();
  CHECK(first.table.schema.columns[0].name == " name ");
  CHECK(first.table.schema.columns[0].categories == Strings{"\ty", " x ", "z"});
  const std::string text = as_csv(first.table);
  CHECK(text == "\" name \",b\n\" x \",1\n\"\ty\",2\nz,3\n");
  const auto again = Csv(text).read();
  CHECK(again.table.schema.columns[0].name == " name ");
  CHECK(again.table.schema.columns[0].categories == first.table.schema.columns[0].categories);
}

TEST_CASE("table csv: a one-column row with an empty value is written \"\", not as a skipped line", "[table_csv]") {
  const auto first = Csv("a\n1\nNA\n3\n").read();
  REQUIRE(first.table.rows == 3);
  const std::string text = as_csv(first.table);
  CHECK(text == "a\n1\n\"\"\n3\n");
  const auto again = Csv(text).read();
  REQUIRE(again.table.rows == 3);
  CHECK(again.table.columns[0].missing == std::vector<uint8_t>{0, 1, 0});
  CHECK(again.table.columns[0].ints[2] == 3);
  // An empty category (with markers that leave it a value) survives too.
  TypedCsvOptions no_empty;
  no_empty.na_values = {"NA"};
  const auto empty = Csv("a\nx\n\"\"\n").read(no_empty);
  REQUIRE(empty.table.rows == 2);
  CHECK(Csv(as_csv(empty.table)).read(no_empty).table.schema.columns[0].categories == Strings{"", "x"});
}
