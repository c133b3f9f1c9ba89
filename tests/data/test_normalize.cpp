// Tests of normalization: fitted values against hand-computed ones, and the round trip.
#include <catch2/catch.hpp>

#include <vector>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "data/normalize.hpp"

using namespace gantool;

namespace {

std::vector<ColumnStats> stats_of(const std::vector<float>& data, int64_t cols) {
  std::vector<ColumnStats> stats(static_cast<size_t>(cols));
  accumulate(stats, data.data(), static_cast<int64_t>(data.size()) / cols, cols);
  return stats;
}

}  // namespace

TEST_CASE("standard and minmax fits match hand-computed values", "[normalize]") {
  // Columns: {1, 2, 3, 6} and the constant {5, 5, 5, 5}.
  const std::vector<float> data = {1, 5, 2, 5, 3, 5, 6, 5};
  const auto stats = stats_of(data, 2);
  const Normalization standard = fit_normalization("standard", stats, {"a", "b"});
  CHECK(standard.shift[0] == Approx(3.0));
  CHECK(standard.scale[0] == Approx(std::sqrt(14.0 / 4)));  // deviations -2,-1,0,3
  CHECK(standard.shift[1] == Approx(5.0));
  CHECK(standard.scale[1] == 1.0);  // constant column: scale 1, never 0
  const Normalization minmax = fit_normalization("minmax", stats, {"a", "b"});
  CHECK(minmax.shift[0] == Approx(3.5));
  CHECK(minmax.scale[0] == Approx(2.5));
  std::vector<float> rows = data;
  normalize_rows(minmax, rows.data(), 4, 2);
  CHECK(rows[0] == Approx(-1.0));
  CHECK(rows[6] == Approx(1.0));
}

TEST_CASE("normalize then denormalize returns the data", "[normalize]") {
  Rng rng = make_rng(3);
  std::vector<float> data(3000);
  for (auto& v : data) v = static_cast<float>(50 + 20 * normal(rng));
  for (const char* method : {"standard", "minmax"}) {
    const Normalization norm = fit_normalization(method, stats_of(data, 3), {"a", "b", "c"});
    std::vector<float> rows = data;
    normalize_rows(norm, rows.data(), 1000, 3);
    const auto after = stats_of(rows, 3);
    if (std::string(method) == "standard") {
      CHECK(std::abs(after[0].mean) < 1e-5);
      CHECK(after[0].stddev() == Approx(1.0).epsilon(1e-5));
    } else {
      CHECK(after[1].min == Approx(-1.0));
      CHECK(after[1].max == Approx(1.0));
    }
    denormalize_rows(norm, rows.data(), 1000, 3);
    for (size_t i = 0; i < rows.size(); ++i) REQUIRE(rows[i] == Approx(data[i]).epsilon(1e-6).margin(1e-5));  // float rounding of (x-shift)/scale
  }
}

TEST_CASE("fitting fails clearly on a column with no finite value", "[normalize]") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> data = {1, nan, 2, nan};
  REQUIRE_THROWS_WITH(fit_normalization("standard", stats_of(data, 2), {"a", "b"}),
                      Catch::Contains("'b'") && Catch::Contains("no finite value"));
}

TEST_CASE("normalize: fit_normalization_to_rows fits the rows in data units", "[normalize]") {
  const std::vector<std::string> columns = {"a", "b"};
  const std::vector<float> raw = {1, 10, 3, 20, 5, 60};  // (3, 2) in data units
  std::vector<ColumnStats> stats(2);
  accumulate(stats, raw.data(), 3, 2);
  const Normalization expected = fit_normalization("standard", stats, columns);
  CHECK(same_normalization(fit_normalization_to_rows("standard", Normalization{}, raw.data(), 3, 2, columns), expected));
  // The same rows stored in another normalization give the same fit (up to rounding).
  const Normalization stored = fit_normalization("minmax", stats, columns);
  std::vector<float> rows = raw;
  normalize_rows(stored, rows.data(), 3, 2);
  const Normalization refit = fit_normalization_to_rows("standard", stored, rows.data(), 3, 2, columns);
  for (int c = 0; c < 2; ++c) {
    CHECK(refit.shift[c] == Approx(expected.shift[c]));
    CHECK(refit.scale[c] == Approx(expected.scale[c]));
  }
}
