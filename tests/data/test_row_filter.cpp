// Tests of the non-finite row filter: clean rows kept in order, dirty rows dropped and
// counted, or refused naming the row and the column.
#include <catch2/catch.hpp>

#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "data/row_filter.hpp"

using namespace gantool;

namespace {

// Rows (r, 10r) for r < 6, with a NaN in row 1 and an inf in row 4.
Tensor dirty_rows() {
  Tensor t(6, 2);
  for (int64_t r = 0; r < 6; ++r) t(r, 0) = float(r), t(r, 1) = float(10 * r);
  t(1, 1) = NAN;
  t(4, 0) = -INFINITY;
  return t;
}

const auto where = [](int64_t r) { return fmt::format("in.csv:{}", r + 2); };

}  // namespace

TEST_CASE("keep_finite_rows drops and counts the rows with NaN or inf, keeping the order", "[row_filter]") {
  Tensor t = dirty_rows();
  RowFilter filter{/*drop_nonfinite=*/true};
  const int64_t kept = keep_finite_rows(filter, t.data(), t.rows(), t.cols(), {"a", "b"}, where);
  REQUIRE(kept == 4);
  CHECK(filter.dropped == 2);
  const float expected[4] = {0, 2, 3, 5};
  for (int64_t r = 0; r < kept; ++r) {
    CHECK(t(r, 0) == expected[r]);
    CHECK(t(r, 1) == 10 * expected[r]);
  }
}

TEST_CASE("keep_finite_rows refuses a non-finite row, naming where it came from and the column", "[row_filter]") {
  Tensor t = dirty_rows();
  RowFilter filter;
  CHECK_THROWS_WITH(keep_finite_rows(filter, t.data(), t.rows(), t.cols(), {"a", "b"}, where),
                    "in.csv:3: column 'b' is missing or NaN; drop such rows with --drop-nonfinite");
  t(1, 1) = 1;
  CHECK_THROWS_WITH(keep_finite_rows(filter, t.data(), t.rows(), t.cols(), {"a", "b"}, where),
                    "in.csv:6: column 'a' is infinite; drop such rows with --drop-nonfinite");
  t(4, 0) = 1;
  CHECK(keep_finite_rows(filter, t.data(), t.rows(), t.cols(), {"a", "b"}, where) == 6);
  CHECK(filter.dropped == 0);
}

TEST_CASE("drop_nonfinite_rows shrinks a tensor to its finite rows", "[row_filter]") {
  Tensor t = dirty_rows();
  CHECK(drop_nonfinite_rows(t) == 2);
  REQUIRE(t.rows() == 4);
  CHECK(t(3, 0) == 5);
  Tensor all_bad(2, 1);
  all_bad(0, 0) = NAN, all_bad(1, 0) = INFINITY;
  CHECK(drop_nonfinite_rows(all_bad) == 2);
  CHECK(all_bad.rows() == 0);
}
