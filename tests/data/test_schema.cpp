// Tests of Schema: building one from names, and every refusal of check_schema naming the
// file and the group of the offending value.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/error.hpp"
#include "data/schema.hpp"

using namespace gantool;

namespace {

// A valid schema of two columns, standardized, with two modes.
Schema two_columns() {
  Schema s = continuous_schema({"x", "y"});
  s.normalization = {"standard", {0.5, -1}, {2, 3}};
  s.distribution = TrueDistribution{"ring", {{"modes", 2}}, Tensor(2, 2), /*mode_std=*/0.1};
  return s;
}

}  // namespace

TEST_CASE("continuous_schema names continuous columns in order", "[schema]") {
  const Schema s = continuous_schema({"a", "b", "c"});
  REQUIRE(width(s) == 3);
  CHECK(column_names(s) == std::vector<std::string>{"a", "b", "c"});
  for (const Column& c : s.columns) {
    CHECK(c.kind == ColumnKind::continuous);
    CHECK(c.categories.empty());
    CHECK_FALSE(c.nullable);
  }
  CHECK(s.normalization.method == "none");
  CHECK(s.distribution.name.empty());
  CHECK(default_column_names(3) == std::vector<std::string>{"x0", "x1", "x2"});
  CHECK(std::string(column_kind_name(ColumnKind::continuous)) == "continuous");
}

TEST_CASE("check_schema accepts a valid schema, and an unnormalized one of no distribution", "[schema]") {
  CHECK_NOTHROW(check_schema(two_columns(), "f.h5"));
  CHECK_NOTHROW(check_schema(continuous_schema({"x"}), "f.h5"));
}

TEST_CASE("check_schema refuses each damaged part, naming the file and the group", "[schema]") {
  const SchemaWhere model{"/training_data", "/training_data/synthetic"};
  const auto refused = [&](const Schema& s, const std::vector<std::string>& fragments, const SchemaWhere& where) {
    try {
      check_schema(s, "f.h5", where);
      FAIL("accepted");
    } catch (const Error& e) {
      const std::string message = e.what();
      INFO(message);
      CHECK(message.rfind("f.h5: ", 0) == 0);
      CHECK(message.find("damaged") != std::string::npos);
      for (const std::string& f : fragments) CHECK(message.find(f) != std::string::npos);
    }
  };
  Schema s = two_columns();
  s.normalization.method = "zscore";
  refused(s, {"/normalization", "unknown method 'zscore'"}, {});
  s = two_columns();
  s.normalization.scale[1] = 0;
  refused(s, {"/normalization/scale", "0", "column 1"}, {});
  refused(s, {"/training_data/scale", "0"}, model);
  s = two_columns();
  s.normalization.scale[0] = NAN;
  refused(s, {"/normalization/scale", "not finite"}, {});
  s = two_columns();
  s.normalization.shift[1] = INFINITY;
  refused(s, {"/training_data/shift", "not finite"}, model);
  s = two_columns();
  s.normalization.shift.pop_back();
  refused(s, {"/normalization", "1 values for 2 columns"}, {});
  s = two_columns();
  s.distribution.modes = Tensor(2, 3);
  refused(s, {"/synthetic/modes", "3 columns", "2 columns"}, {});
  refused(s, {"/training_data/synthetic/modes"}, model);
  s = two_columns();
  s.distribution.modes(1, 0) = NAN;
  refused(s, {"/synthetic/modes", "row 1", "not finite"}, {});
  s = two_columns();
  s.distribution.mode_std = -1;
  refused(s, {"/synthetic", "mode_std", "-1"}, {});
  s.distribution.mode_std = INFINITY;
  refused(s, {"/synthetic", "mode_std", "inf"}, {});
}
