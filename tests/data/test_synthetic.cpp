// Tests of the synthetic distributions: mode tables against hand-written values, samples
// against the distributions' moments with tolerances from their standard errors, the
// geometry of the 2-D toys, determinism and the prefix property, and flag validation.
#include "data/synthetic.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <numbers>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "core/error.hpp"

using gantool::generate_rows;
using gantool::make_synthetic;
using gantool::Synthetic;
using gantool::SyntheticSpec;
using gantool::UsageError;

namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kSqrtHalf = 0.70710678118654752440;  // √2 / 2, written out

// Rows [first_row, first_row + n) as one (n, s.dim) buffer.
std::vector<float> generate(const Synthetic& s, uint64_t seed, int64_t first_row, int64_t n) {
  std::vector<float> dst(static_cast<size_t>(n * s.dim));
  generate_rows(s, seed, first_row, n, dst.data());
  return dst;
}

Synthetic make_dist(const std::string& dist) {
  SyntheticSpec spec;
  spec.dist = dist;
  return make_synthetic(spec);
}

// The chi-square quantile with `df` degrees of freedom at standard-normal score z, by the
// Wilson–Hilferty cube-root approximation (Wilson & Hilferty, PNAS 17, 1931). z = 5 puts
// the threshold near the 1 − 3·10⁻⁷ quantile: generous, yet a biased mode choice exceeds
// it by orders of magnitude at 200k samples.
double chi_square_threshold(int df, double z = 5.0) {
  const double a = 2.0 / (9.0 * df);
  return df * std::pow(1.0 - a + z * std::sqrt(a), 3.0);
}

// Checks a 2-D isotropic Gaussian mixture with equal weights against its expected centres
// (written by the caller, not read from the Synthetic) and component std: each row goes
// to its nearest centre; the counts pass a chi-square test of uniform weights; each
// component's mean lies within 5 standard errors (σ/√n_k) of its centre and each
// coordinate's sample std within 5 standard errors (σ/√(2n_k)) of σ.
void check_mixture(const std::vector<float>& rows,
                   const std::vector<std::array<double, 2>>& centres, double sigma) {
  const size_t num_rows = rows.size() / 2, num_modes = centres.size();
  std::vector<double> count(num_modes, 0), sum_x(num_modes, 0), sum_y(num_modes, 0),
      sum_xx(num_modes, 0), sum_yy(num_modes, 0);
  for (size_t r = 0; r < num_rows; ++r) {
    const double x = rows[2 * r], y = rows[2 * r + 1];
    size_t nearest = 0;
    double best = std::numeric_limits<double>::infinity();
    for (size_t k = 0; k < num_modes; ++k) {
      const double dx = x - centres[k][0], dy = y - centres[k][1];
      if (dx * dx + dy * dy < best) best = dx * dx + dy * dy, nearest = k;
    }
    count[nearest] += 1;
    sum_x[nearest] += x;
    sum_y[nearest] += y;
    sum_xx[nearest] += x * x;
    sum_yy[nearest] += y * y;
  }

  const double expected = double(num_rows) / double(num_modes);
  double chi_square = 0;
  for (size_t k = 0; k < num_modes; ++k)
    chi_square += (count[k] - expected) * (count[k] - expected) / expected;
  INFO("chi-square " << chi_square << " with " << num_modes - 1 << " degrees of freedom");
  REQUIRE(chi_square < chi_square_threshold(int(num_modes) - 1));

  for (size_t k = 0; k < num_modes; ++k) {
    INFO("mode " << k << " at (" << centres[k][0] << ", " << centres[k][1] << "), "
                 << count[k] << " rows");
    const double n = count[k];
    REQUIRE(n > 100);
    const double mean_x = sum_x[k] / n, mean_y = sum_y[k] / n;
    const double std_x = std::sqrt((sum_xx[k] - n * mean_x * mean_x) / (n - 1));
    const double std_y = std::sqrt((sum_yy[k] - n * mean_y * mean_y) / (n - 1));
    const double mean_tolerance = 5 * sigma / std::sqrt(n);
    const double std_tolerance = 5 * sigma / std::sqrt(2 * (n - 1));
    CHECK(std::abs(mean_x - centres[k][0]) < mean_tolerance);
    CHECK(std::abs(mean_y - centres[k][1]) < mean_tolerance);
    CHECK(std::abs(std_x - sigma) < std_tolerance);
    CHECK(std::abs(std_y - sigma) < std_tolerance);
  }
}

// Mean and sample std of column j of an (n, dim) buffer.
std::pair<double, double> column_moments(const std::vector<float>& rows, int64_t dim,
                                         int64_t j) {
  const size_t n = rows.size() / size_t(dim);
  double sum = 0, sum_sq = 0;
  for (size_t r = 0; r < n; ++r) sum += rows[r * dim + j];
  const double mean = sum / double(n);
  for (size_t r = 0; r < n; ++r) {
    const double d = rows[r * dim + j] - mean;
    sum_sq += d * d;
  }
  return {mean, std::sqrt(sum_sq / double(n - 1))};
}

// Cell (i, j) of a g×g board of width-w cells centred at the origin, for a point on it.
std::pair<int64_t, int64_t> checker_cell(double x, double y, int64_t g, double w) {
  return {int64_t(std::floor(x / w + g / 2.0)), int64_t(std::floor(y / w + g / 2.0))};
}

}  // namespace

// ---- ring -------------------------------------------------------------------------------

TEST_CASE("ring: 8 distinct modes at angles 2πk/8 on radius 2 by default", "[synthetic]") {
  // Compared against: the eight points of the circle of radius 2 at multiples of 45°,
  // written out with √2; and the defaults the header documents.
  const Synthetic s = make_dist("ring");
  REQUIRE(s.dim == 2);
  REQUIRE(s.columns == std::vector<std::string>{"x", "y"});
  REQUIRE(s.mode_std == 0.02);
  REQUIRE(s.spec.std == 0.02);
  const std::vector<std::pair<std::string, double>> params = {
      {"modes", 8}, {"radius", 2}, {"std", 0.02}};
  REQUIRE(s.params == params);
  REQUIRE(s.modes.rows() == 8);
  REQUIRE(s.modes.cols() == 2);

  const double r = 2 * kSqrtHalf;  // 2·cos 45°
  const double expected[8][2] = {{2, 0},  {r, r},   {0, 2},  {-r, r},
                                 {-2, 0}, {-r, -r}, {0, -2}, {r, -r}};
  for (int k = 0; k < 8; ++k) {
    INFO("mode " << k);
    CHECK(s.modes(k, 0) == Approx(expected[k][0]).margin(1e-6));
    CHECK(s.modes(k, 1) == Approx(expected[k][1]).margin(1e-6));
    // The formula the header states, to the last bit of a float.
    CHECK(s.modes(k, 0) == float(2.0 * std::cos(2.0 * kPi * k / 8.0)));
    CHECK(s.modes(k, 1) == float(2.0 * std::sin(2.0 * kPi * k / 8.0)));
  }
  // Distinct: neighbours on this ring are 2·2·sin(π/8) ≈ 1.53 apart.
  for (int a = 0; a < 8; ++a) {
    for (int b = a + 1; b < 8; ++b) {
      const double dx = s.modes(a, 0) - s.modes(b, 0), dy = s.modes(a, 1) - s.modes(b, 1);
      INFO("modes " << a << " and " << b);
      CHECK(std::sqrt(dx * dx + dy * dy) > 1.0);
    }
  }
}

TEST_CASE("ring: 3 modes are 120° apart, not a repeated endpoint", "[synthetic]") {
  // Compared against: (5, 0), (−5/2, ±5√3/2), the vertices of an equilateral triangle
  // inscribed in a circle of radius 5. linspace(0, 2π, 3) would put two modes at (5, 0).
  SyntheticSpec spec;
  spec.modes = 3;
  spec.radius = 5;
  const Synthetic s = make_synthetic(spec);
  REQUIRE(s.modes.rows() == 3);
  const double h = 5 * 0.86602540378443864676;  // 5·√3/2
  const double expected[3][2] = {{5, 0}, {-2.5, h}, {-2.5, -h}};
  for (int k = 0; k < 3; ++k) {
    CHECK(s.modes(k, 0) == Approx(expected[k][0]).margin(1e-5));
    CHECK(s.modes(k, 1) == Approx(expected[k][1]).margin(1e-5));
  }
}

TEST_CASE("ring: samples are an equal-weight mixture with std 0.02 per mode", "[synthetic]") {
  // Compared against: the eight centres written out by hand, uniform weights 1/8 (chi-square
  // test), and std 0.02, with tolerances of 5 standard errors.
  const Synthetic s = make_dist("ring");
  const std::vector<float> rows = generate(s, /*seed=*/1234, /*first_row=*/0, /*n=*/200000);
  std::vector<std::array<double, 2>> centres;
  const double r = 2 * kSqrtHalf;
  centres = {{2, 0}, {r, r}, {0, 2}, {-r, r}, {-2, 0}, {-r, -r}, {0, -2}, {r, -r}};
  check_mixture(rows, centres, /*sigma=*/0.02);
}

// ---- grid -------------------------------------------------------------------------------

TEST_CASE("grid: 25 modes at {-4,-2,0,2,4}², equal weights, std 0.05", "[synthetic]") {
  // Compared against: the 25 points of {-4, -2, 0, 2, 4}² enumerated by hand, uniform
  // weights 1/25 (chi-square test), std 0.05, tolerances of 5 standard errors.
  const Synthetic s = make_dist("grid");
  REQUIRE(s.mode_std == 0.05);
  const std::vector<std::pair<std::string, double>> params = {
      {"grid-size", 5}, {"spacing", 2}, {"std", 0.05}};
  REQUIRE(s.params == params);
  REQUIRE(s.modes.rows() == 25);
  REQUIRE(s.modes.cols() == 2);

  std::vector<std::array<double, 2>> centres;
  for (double x : {-4, -2, 0, 2, 4})
    for (double y : {-4, -2, 0, 2, 4}) centres.push_back({x, y});
  std::set<std::pair<float, float>> expected, actual;
  for (const auto& c : centres) expected.insert({float(c[0]), float(c[1])});
  for (int64_t k = 0; k < 25; ++k) actual.insert({s.modes(k, 0), s.modes(k, 1)});
  REQUIRE(actual == expected);  // each of the 25 exactly once (the set would shrink otherwise)

  const std::vector<float> rows = generate(s, /*seed=*/99, /*first_row=*/0, /*n=*/200000);
  check_mixture(rows, centres, /*sigma=*/0.05);
}

TEST_CASE("grid: an even grid size is centred at the origin", "[synthetic]") {
  // Compared against: a 2×2 grid with spacing 3 has its modes at (±1.5, ±1.5).
  SyntheticSpec spec;
  spec.dist = "grid";
  spec.grid_size = 2;
  spec.spacing = 3;
  const Synthetic s = make_synthetic(spec);
  std::set<std::pair<float, float>> actual;
  for (int64_t k = 0; k < s.modes.rows(); ++k) actual.insert({s.modes(k, 0), s.modes(k, 1)});
  const std::set<std::pair<float, float>> expected = {
      {-1.5f, -1.5f}, {-1.5f, 1.5f}, {1.5f, -1.5f}, {1.5f, 1.5f}};
  REQUIRE(actual == expected);
}

// ---- gaussian and uniform ---------------------------------------------------------------

TEST_CASE("gaussian: dim 8, every coordinate N(mean, std²), coordinates uncorrelated",
          "[synthetic]") {
  // Compared against: mean 3 and std 1.5 as set, within 5 standard errors (std/√n for the
  // mean, std/√(2n) for the std); correlation 0 within 5/√n.
  SyntheticSpec spec;
  spec.dist = "gaussian";
  spec.dim = 8;
  spec.mean = 3;
  spec.std = 1.5;
  const Synthetic s = make_synthetic(spec);
  REQUIRE(s.dim == 8);
  REQUIRE(s.columns == std::vector<std::string>{"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7"});
  REQUIRE(s.modes.rows() == 1);
  REQUIRE(s.modes.cols() == 8);
  for (int64_t j = 0; j < 8; ++j) REQUIRE(s.modes(0, j) == 3.0f);
  REQUIRE(s.mode_std == 1.5);

  const int64_t n = 200000;
  const std::vector<float> rows = generate(s, /*seed=*/5, /*first_row=*/0, n);
  std::vector<double> means(8), stds(8);
  for (int64_t j = 0; j < 8; ++j) {
    INFO("coordinate " << j);
    std::tie(means[j], stds[j]) = column_moments(rows, 8, j);
    CHECK(std::abs(means[j] - 3.0) < 5 * 1.5 / std::sqrt(double(n)));
    CHECK(std::abs(stds[j] - 1.5) < 5 * 1.5 / std::sqrt(2.0 * double(n)));
  }
  for (int64_t a = 0; a < 8; ++a) {
    for (int64_t b = a + 1; b < 8; ++b) {
      double cov = 0;
      for (int64_t r = 0; r < n; ++r)
        cov += (rows[r * 8 + a] - means[a]) * (rows[r * 8 + b] - means[b]);
      const double correlation = cov / double(n - 1) / (stds[a] * stds[b]);
      INFO("coordinates " << a << " and " << b);
      CHECK(std::abs(correlation) < 5 / std::sqrt(double(n)));
    }
  }
}

TEST_CASE("gaussian: defaults are dim 2, mean 0, std 1, columns x0 x1", "[synthetic]") {
  // Compared against: the defaults the header documents.
  const Synthetic s = make_dist("gaussian");
  REQUIRE(s.columns == std::vector<std::string>{"x0", "x1"});
  const std::vector<std::pair<std::string, double>> params = {
      {"dim", 2}, {"mean", 0}, {"std", 1}};
  REQUIRE(s.params == params);
}

TEST_CASE("uniform: values between low and high, mean and variance of U(low, high)",
          "[synthetic]") {
  // Compared against: the bounds as set, and U(a, b)'s mean (a + b)/2 and std
  // (b − a)/√12, within 5 standard errors; the extremes come within 0.01 of the bounds.
  SyntheticSpec spec;
  spec.dist = "uniform";
  spec.dim = 3;
  spec.low = -2;
  spec.high = 5;
  const Synthetic s = make_synthetic(spec);
  REQUIRE(s.columns == std::vector<std::string>{"x0", "x1", "x2"});
  REQUIRE(s.modes.empty());
  REQUIRE(s.mode_std == 0);

  const int64_t n = 100000;
  const std::vector<float> rows = generate(s, /*seed=*/17, /*first_row=*/0, n);
  float lo = rows[0], hi = rows[0];
  for (float v : rows) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  REQUIRE(lo >= -2.0f);
  REQUIRE(hi < 5.0f);
  REQUIRE(lo < -2.0f + 0.01f);
  REQUIRE(hi > 5.0f - 0.01f);
  const double sigma = 7.0 / std::sqrt(12.0);
  for (int64_t j = 0; j < 3; ++j) {
    INFO("coordinate " << j);
    const auto [mean, sample_std] = column_moments(rows, 3, j);
    CHECK(std::abs(mean - 1.5) < 5 * sigma / std::sqrt(double(n)));
    // The sample std of U(a, b) has standard error ≈ σ·√(0.8/4n) (kurtosis 9/5).
    CHECK(std::abs(sample_std - sigma) < 5 * sigma * std::sqrt(0.2 / double(n)));
  }
}

// ---- 2-D toys ---------------------------------------------------------------------------

TEST_CASE("moons: without noise every point lies on one of the two half circles",
          "[synthetic]") {
  // Compared against: the upper arc x² + y² = 1, y ≥ 0 and the lower arc
  // (x − 1)² + (y − ½)² = 1, y ≤ ½, each holding half the points (5 binomial std).
  SyntheticSpec spec;
  spec.dist = "moons";
  spec.noise = 0;
  const Synthetic s = make_synthetic(spec);
  const int64_t n = 20000;
  const std::vector<float> rows = generate(s, /*seed=*/3, /*first_row=*/0, n);
  int64_t upper = 0, lower = 0;
  for (int64_t r = 0; r < n; ++r) {
    const double x = rows[2 * r], y = rows[2 * r + 1];
    const bool on_upper = std::abs(x * x + y * y - 1) < 1e-5 && y >= -1e-6;
    const bool on_lower =
        std::abs((x - 1) * (x - 1) + (y - 0.5) * (y - 0.5) - 1) < 1e-5 && y <= 0.5 + 1e-6;
    INFO("row " << r << " (" << x << ", " << y << ")");
    REQUIRE((on_upper || on_lower));
    upper += on_upper;
    lower += on_lower;
  }
  CHECK(std::abs(double(upper) - n / 2.0) < 5 * std::sqrt(n / 4.0));
  CHECK(std::abs(double(lower) - n / 2.0) < 5 * std::sqrt(n / 4.0));
}

TEST_CASE("moons: default noise 0.05 and mean (1/2, 1/4)", "[synthetic]") {
  // Compared against: the mean of the two arcs, ((0 + 1)/2, (2/π + ½ − 2/π)/2) = (½, ¼),
  // within 5 standard errors of the sample std.
  const Synthetic s = make_dist("moons");
  REQUIRE(s.params == std::vector<std::pair<std::string, double>>{{"noise", 0.05}});
  const int64_t n = 200000;
  const std::vector<float> rows = generate(s, /*seed=*/8, /*first_row=*/0, n);
  const auto [mean_x, std_x] = column_moments(rows, 2, 0);
  const auto [mean_y, std_y] = column_moments(rows, 2, 1);
  CHECK(std::abs(mean_x - 0.5) < 5 * std_x / std::sqrt(double(n)));
  CHECK(std::abs(mean_y - 0.25) < 5 * std_y / std::sqrt(double(n)));
}

TEST_CASE("circles: radii cluster at 1 and at factor, half of the points each",
          "[synthetic]") {
  // Compared against: radii exactly 1 or 0.3 without noise; with the default noise 0.05
  // and factor 0.5, mean radii within 0.01 of 1 and 0.5 (the noise shifts them by
  // σ²/2R ≤ 0.0025) and mean position (0, 0); the halves hold n/2 each (5 binomial std).
  SECTION("no noise") {
    SyntheticSpec spec;
    spec.dist = "circles";
    spec.noise = 0;
    spec.factor = 0.3;
    const Synthetic s = make_synthetic(spec);
    const int64_t n = 20000;
    const std::vector<float> rows = generate(s, /*seed=*/4, /*first_row=*/0, n);
    int64_t outer = 0;
    for (int64_t r = 0; r < n; ++r) {
      const double radius = std::hypot(rows[2 * r], rows[2 * r + 1]);
      INFO("row " << r << " radius " << radius);
      REQUIRE((std::abs(radius - 1) < 1e-6 || std::abs(radius - 0.3) < 1e-6));
      outer += radius > 0.65;
    }
    CHECK(std::abs(double(outer) - n / 2.0) < 5 * std::sqrt(n / 4.0));
  }
  SECTION("default noise") {
    const Synthetic s = make_dist("circles");
    const std::vector<std::pair<std::string, double>> params = {{"noise", 0.05},
                                                                {"factor", 0.5}};
    REQUIRE(s.params == params);
    const int64_t n = 200000;
    const std::vector<float> rows = generate(s, /*seed=*/4, /*first_row=*/0, n);
    double sum_outer = 0, sum_inner = 0;
    int64_t outer = 0;
    for (int64_t r = 0; r < n; ++r) {
      const double radius = std::hypot(rows[2 * r], rows[2 * r + 1]);
      if (radius > 0.75) {
        sum_outer += radius;
        ++outer;
      } else {
        sum_inner += radius;
      }
    }
    CHECK(std::abs(double(outer) - n / 2.0) < 5 * std::sqrt(n / 4.0));
    CHECK(std::abs(sum_outer / double(outer) - 1.0) < 0.01);
    CHECK(std::abs(sum_inner / double(n - outer) - 0.5) < 0.01);
    const auto [mean_x, std_x] = column_moments(rows, 2, 0);
    const auto [mean_y, std_y] = column_moments(rows, 2, 1);
    CHECK(std::abs(mean_x) < 5 * std_x / std::sqrt(double(n)));
    CHECK(std::abs(mean_y) < 5 * std_y / std::sqrt(double(n)));
  }
}

TEST_CASE("spiral: without noise the radius equals the angle t, t uniform from 1.5π to 4.5π",
          "[synthetic]") {
  // Compared against: the curve (t cos t, t sin t): t is recovered as the radius and the
  // point must equal (t cos t, t sin t); t's mean is 3π within 5 standard errors of
  // U(1.5π, 4.5π), whose std is 3π/√12.
  SyntheticSpec spec;
  spec.dist = "spiral";
  spec.noise = 0;
  const Synthetic s = make_synthetic(spec);
  const int64_t n = 100000;
  const std::vector<float> rows = generate(s, /*seed=*/21, /*first_row=*/0, n);
  double sum_t = 0;
  for (int64_t r = 0; r < n; ++r) {
    const double x = rows[2 * r], y = rows[2 * r + 1];
    const double t = std::hypot(x, y);
    INFO("row " << r << " (" << x << ", " << y << ")");
    REQUIRE(t >= 1.5 * kPi - 1e-5);
    REQUIRE(t < 4.5 * kPi + 1e-5);
    REQUIRE(std::abs(x - t * std::cos(t)) < 1e-3);
    REQUIRE(std::abs(y - t * std::sin(t)) < 1e-3);
    sum_t += t;
  }
  const double t_std = 3 * kPi / std::sqrt(12.0);
  CHECK(std::abs(sum_t / double(n) - 3 * kPi) < 5 * t_std / std::sqrt(double(n)));
}

TEST_CASE("swissroll is the spiral under another name", "[synthetic]") {
  // Compared against: the spiral's rows for the same seed, byte for byte; the name is kept.
  const Synthetic spiral = make_dist("spiral"), swissroll = make_dist("swissroll");
  REQUIRE(swissroll.spec.dist == "swissroll");
  REQUIRE(swissroll.params == std::vector<std::pair<std::string, double>>{{"noise", 0.25}});
  REQUIRE(swissroll.modes.empty());
  const std::vector<float> a = generate(spiral, 6, 0, 1000), b = generate(swissroll, 6, 0, 1000);
  REQUIRE(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

TEST_CASE("checkerboard: every point in a cell with i + j even, all such cells used equally",
          "[synthetic]") {
  // Compared against: the cell of each point computed from its coordinates; the black
  // cells of a g×g board, counted by hand (8 for g = 4, 5 for g = 3), each with weight
  // 1/(number of black cells) by a chi-square test.
  struct Case {
    int64_t grid_size;  // -1: the default 4
    double spacing;     // -1: the default 1
    int64_t g;
    double w;
    int64_t black_cells;
  };
  for (const Case c : {Case{-1, -1, 4, 1.0, 8}, Case{3, 0.5, 3, 0.5, 5}}) {
    INFO("grid size " << c.g << ", spacing " << c.w);
    SyntheticSpec spec;
    spec.dist = "checkerboard";
    spec.grid_size = c.grid_size;
    spec.spacing = c.spacing;
    const Synthetic s = make_synthetic(spec);
    const std::vector<std::pair<std::string, double>> params = {{"grid-size", double(c.g)},
                                                                {"spacing", c.w}};
    REQUIRE(s.params == params);
    const int64_t n = 100000;
    const std::vector<float> rows = generate(s, /*seed=*/11, /*first_row=*/0, n);
    std::vector<double> count(size_t(c.g * c.g), 0);
    for (int64_t r = 0; r < n; ++r) {
      const double x = rows[2 * r], y = rows[2 * r + 1];
      const auto [i, j] = checker_cell(x, y, c.g, c.w);
      INFO("row " << r << " (" << x << ", " << y << ") in cell " << i << ", " << j);
      REQUIRE(i >= 0);
      REQUIRE(i < c.g);
      REQUIRE(j >= 0);
      REQUIRE(j < c.g);
      REQUIRE((i + j) % 2 == 0);
      count[size_t(i * c.g + j)] += 1;
    }
    const double expected = double(n) / double(c.black_cells);
    double chi_square = 0;
    int64_t used = 0;
    for (int64_t i = 0; i < c.g; ++i) {
      for (int64_t j = 0; j < c.g; ++j) {
        if ((i + j) % 2 != 0) continue;
        const double k = count[size_t(i * c.g + j)];
        chi_square += (k - expected) * (k - expected) / expected;
        used += k > 0;
      }
    }
    CHECK(used == c.black_cells);
    CHECK(chi_square < chi_square_threshold(int(c.black_cells) - 1));
  }
}

// ---- determinism ------------------------------------------------------------------------

TEST_CASE("every distribution: same seed same bytes, other seed other bytes, prefix property",
          "[synthetic]") {
  // Compared against: a second generation with the same seed (memcmp); one with another
  // seed; rows [0, 1000) against [0, 500) followed by [500, 1000), and row 737 alone.
  for (const std::string& name : gantool::synthetic_names()) {
    INFO("--dist " << name);
    const Synthetic s = make_dist(name);
    const size_t bytes = size_t(1000 * s.dim) * sizeof(float);
    const std::vector<float> whole = generate(s, /*seed=*/42, 0, 1000);
    const std::vector<float> again = generate(s, /*seed=*/42, 0, 1000);
    const std::vector<float> other = generate(s, /*seed=*/43, 0, 1000);
    REQUIRE(std::memcmp(whole.data(), again.data(), bytes) == 0);
    REQUIRE(std::memcmp(whole.data(), other.data(), bytes) != 0);

    std::vector<float> halves(whole.size(), std::nanf(""));
    generate_rows(s, 42, /*first_row=*/0, /*n=*/500, halves.data());
    generate_rows(s, 42, /*first_row=*/500, /*n=*/500, halves.data() + 500 * s.dim);
    REQUIRE(std::memcmp(whole.data(), halves.data(), bytes) == 0);

    const std::vector<float> row = generate(s, 42, /*first_row=*/737, /*n=*/1);
    REQUIRE(std::memcmp(row.data(), whole.data() + 737 * s.dim, s.dim * sizeof(float)) == 0);
  }
}

// ---- validation -------------------------------------------------------------------------

TEST_CASE("every listed name is accepted with its defaults", "[synthetic]") {
  // Compared against: the names the header lists for --dist.
  const std::vector<std::string> expected = {"ring",   "grid",      "gaussian",
                                             "uniform", "spiral",   "swissroll",
                                             "moons",  "circles",   "checkerboard"};
  REQUIRE(gantool::synthetic_names() == expected);
  for (const std::string& name : expected) {
    INFO("--dist " << name);
    REQUIRE_NOTHROW(make_dist(name));
  }
}

TEST_CASE("invalid values throw UsageError naming the flag", "[synthetic]") {
  // Compared against: the flag names of the command line and the rules of the header.
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  SyntheticSpec spec;

  spec.dist = "rings";
  REQUIRE_THROWS_AS(make_synthetic(spec), UsageError);
  REQUIRE_THROWS_WITH(make_synthetic(spec), Catch::Contains("--dist 'rings'") &&
                                                Catch::Contains("checkerboard"));

  spec = SyntheticSpec{};
  spec.modes = 0;
  REQUIRE_THROWS_AS(make_synthetic(spec), UsageError);
  REQUIRE_THROWS_WITH(make_synthetic(spec),
                      Catch::Contains("--modes must be at least 1 (got 0)"));

  for (double radius : {0.0, -1.0, inf, nan}) {
    spec = SyntheticSpec{};
    spec.radius = radius;
    INFO("radius " << radius);
    REQUIRE_THROWS_AS(make_synthetic(spec), UsageError);
    REQUIRE_THROWS_WITH(make_synthetic(spec), Catch::Contains("--radius"));
  }

  spec = SyntheticSpec{};
  spec.std = inf;
  REQUIRE_THROWS_WITH(make_synthetic(spec), Catch::Contains("--std"));

  spec = SyntheticSpec{};
  spec.dist = "grid";
  spec.grid_size = 0;
  REQUIRE_THROWS_WITH(make_synthetic(spec), Catch::Contains("--grid-size must be at least 1"));

  spec = SyntheticSpec{};
  spec.dist = "checkerboard";
  spec.spacing = 0;
  REQUIRE_THROWS_WITH(make_synthetic(spec), Catch::Contains("--spacing"));

  for (int64_t dim : {int64_t{0}, int64_t{100001}}) {
    spec = SyntheticSpec{};
    spec.dist = "gaussian";
    spec.dim = dim;
    INFO("dim " << dim);
    REQUIRE_THROWS_WITH(make_synthetic(spec), Catch::Contains("--dim"));
  }

  spec = SyntheticSpec{};
  spec.dist = "uniform";
  spec.low = 1;
  spec.high = 1;
  REQUIRE_THROWS_WITH(make_synthetic(spec), Catch::Contains("--low") &&
                                                Catch::Contains("--high"));
  spec.low = -inf;
  REQUIRE_THROWS_WITH(make_synthetic(spec), Catch::Contains("--low must be finite"));

  spec = SyntheticSpec{};
  spec.dist = "moons";
  spec.noise = inf;
  REQUIRE_THROWS_WITH(make_synthetic(spec), Catch::Contains("--noise"));

  for (double factor : {0.0, 1.0, 1.5, nan}) {
    spec = SyntheticSpec{};
    spec.dist = "circles";
    spec.factor = factor;
    INFO("factor " << factor);
    REQUIRE_THROWS_AS(make_synthetic(spec), UsageError);
    REQUIRE_THROWS_WITH(make_synthetic(spec), Catch::Contains("--factor"));
  }
}

TEST_CASE("a flag set for a distribution it does not apply to is a UsageError",
          "[synthetic]") {
  // Compared against: which distribution each flag's header comment names.
  SyntheticSpec spec;
  spec.dist = "grid";
  spec.radius = 3;
  REQUIRE_THROWS_AS(make_synthetic(spec), UsageError);
  REQUIRE_THROWS_WITH(
      make_synthetic(spec),
      Catch::Contains("--radius does not apply to --dist grid (it applies to: ring)"));

  spec = SyntheticSpec{};
  spec.dist = "uniform";
  spec.std = 0.1;
  REQUIRE_THROWS_WITH(make_synthetic(spec),
                      Catch::Contains("--std does not apply to --dist uniform"));

  spec = SyntheticSpec{};
  spec.dist = "moons";
  spec.factor = 0.7;
  REQUIRE_THROWS_WITH(make_synthetic(spec), Catch::Contains("--factor does not apply"));

  spec = SyntheticSpec{};
  spec.dist = "ring";
  spec.dim = 3;
  REQUIRE_THROWS_WITH(make_synthetic(spec), Catch::Contains("--dim does not apply"));

  spec = SyntheticSpec{};
  spec.dist = "gaussian";
  spec.low = -3;
  REQUIRE_THROWS_WITH(make_synthetic(spec), Catch::Contains("--low does not apply"));

  // A value equal to the default is not reported: the user cannot be told apart from it.
  spec = SyntheticSpec{};
  spec.dist = "grid";
  spec.radius = SyntheticSpec{}.radius;
  REQUIRE_NOTHROW(make_synthetic(spec));
}
