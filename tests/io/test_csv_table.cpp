// Tests of io/csv_table: select_columns (names first, then numbers from 1, and its usage
// errors), first_duplicate and is_utf8. How the typed reader uses them (header names,
// --columns through a file, the messages) is tested in test_typed_csv_files.cpp.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "io/csv_table.hpp"

using namespace gantool;

namespace {

using Names = std::vector<std::string>;
using Pair = std::pair<int64_t, int64_t>;

}  // namespace

TEST_CASE("select_columns takes names first, then numbers from 1", "[csv]") {
  const Names names = {"2", "b", "c"};
  CHECK(select_columns("", names, "t.csv") == std::vector<int64_t>{0, 1, 2});
  CHECK(select_columns("c,b", names, "t.csv") == std::vector<int64_t>{2, 1});
  CHECK(select_columns("2", names, "t.csv") == std::vector<int64_t>{0});  // the column named "2"
  CHECK(select_columns("3", names, "t.csv") == std::vector<int64_t>{2});  // no column named "3": number 3
}

TEST_CASE("select_columns refuses unknown, empty and repeated selections as usage errors", "[csv]") {
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
}

TEST_CASE("first_duplicate finds the first pair of equal names among the selected", "[csv]") {
  const Names names = {"a", "b", "a", "c", "b"};
  CHECK(first_duplicate(names, {0, 1, 2, 3, 4}) == Pair{0, 2});
  CHECK(first_duplicate(names, {4, 3, 1}) == Pair{1, 4});  // the smaller position first
  CHECK(first_duplicate(names, {1, 2, 3}) == Pair{-1, -1});
  CHECK(first_duplicate(names, {}) == Pair{-1, -1});
  // Of several pairs, the one that starts first, whatever the order of the selection.
  CHECK(first_duplicate(Names{"z", "y", "z", "y"}, {3, 2, 1, 0}) == Pair{0, 2});
  // Many columns: sorting, not comparing each pair (262,144 columns in well under a second).
  Names many;
  std::vector<int64_t> all;
  for (int64_t i = 0; i < 262144; ++i) {
    many.push_back("name" + std::to_string(i));
    all.push_back(i);
  }
  CHECK(first_duplicate(many, all) == Pair{-1, -1});
  many.back() = "name7";
  CHECK(first_duplicate(many, all) == Pair{7, 262143});
}

TEST_CASE("is_utf8 takes UTF-8 and refuses overlong forms, surrogates and bytes beyond U+10FFFF", "[csv]") {
  CHECK(is_utf8(""));
  CHECK(is_utf8("plain ascii"));
  CHECK(is_utf8("gr\xC3\xB6\xC3\x9F" "e"));          // größe
  CHECK(is_utf8("\xE2\x82\xAC"));                    // €
  CHECK(is_utf8("\xF0\x9F\x98\x80"));                // U+1F600
  CHECK(is_utf8("\xF4\x8F\xBF\xBF"));                // U+10FFFF, the last
  CHECK_FALSE(is_utf8("gr\xF6\xDF" "e"));             // Latin-1
  CHECK_FALSE(is_utf8("\xC0\xAF"));                   // an overlong '/'
  CHECK_FALSE(is_utf8("\xE0\x80\xAF"));               // an overlong '/' in three bytes
  CHECK_FALSE(is_utf8("\xED\xA0\x80"));               // a surrogate, U+D800
  CHECK_FALSE(is_utf8("\xF4\x90\x80\x80"));           // U+110000
  CHECK_FALSE(is_utf8("\xF5\x80\x80\x80"));
  CHECK_FALSE(is_utf8("\xE2\x82"));                   // cut short
  CHECK_FALSE(is_utf8("\x80"));                       // a continuation byte alone
}
