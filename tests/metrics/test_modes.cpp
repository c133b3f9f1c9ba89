// Tests of the mode-coverage metrics: hand-built cases checked exactly, and true samples of
// the ring of 8 and the grid of 25 checked against their known 3-std mass.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "core/error.hpp"
#include "core/tensor.hpp"
#include "data/row_source.hpp"
#include "data/schema.hpp"
#include "metrics/modes.hpp"

using namespace gantool;

namespace {

constexpr double kPi = 3.14159265358979323846;

// A seeded generator with a normal sampler of our own (std::mt19937_64's bits are the same
// everywhere; std::normal_distribution's output is not).
struct TestRng {
  std::mt19937_64 engine;
  explicit TestRng(uint64_t seed) : engine(seed) {}
  double uniform() { return static_cast<double>(engine() >> 11) * 0x1.0p-53; }  // [0, 1)
  double normal() {  // Box–Muller, cosine branch
    const double u1 = 1.0 - uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * kPi * u2);
  }
  int64_t below(int64_t n) { return static_cast<int64_t>(engine() % static_cast<uint64_t>(n)); }
};

// A (rows, cols) tensor from a row-major list of values.
Tensor make_tensor(int64_t rows, int64_t cols, const std::vector<float>& values) {
  REQUIRE(static_cast<int64_t>(values.size()) == rows * cols);
  Tensor t(rows, cols);
  for (int64_t i = 0; i < rows * cols; ++i) t.data()[i] = values[static_cast<size_t>(i)];
  return t;
}

// The ring benchmark of Metz et al.: num_modes modes at angles 2πk/K on a circle of radius 2.
Tensor ring_modes(int64_t num_modes) {
  Tensor modes(num_modes, 2);
  for (int64_t k = 0; k < num_modes; ++k) {
    const double angle = 2.0 * kPi * static_cast<double>(k) / static_cast<double>(num_modes);
    modes(k, 0) = static_cast<float>(2.0 * std::cos(angle));
    modes(k, 1) = static_cast<float>(2.0 * std::sin(angle));
  }
  return modes;
}

// The grid benchmark: size × size modes spaced 2 apart, centred on the origin.
Tensor grid_modes(int64_t size) {
  Tensor modes(size * size, 2);
  for (int64_t i = 0; i < size; ++i)
    for (int64_t j = 0; j < size; ++j) {
      modes(i * size + j, 0) = static_cast<float>(2.0 * static_cast<double>(i - (size - 1) / 2));
      modes(i * size + j, 1) = static_cast<float>(2.0 * static_cast<double>(j - (size - 1) / 2));
    }
  return modes;
}

// n samples (n, d) of the isotropic mixture with the given modes (K, d) and std, each drawn
// from a uniformly chosen mode among `allowed`. own_high_quality (K) receives, per mode, how
// many of its own samples landed within radius of it (computed here, not by mode_stats).
Tensor sample_mixture(const Tensor& modes, const std::vector<int64_t>& allowed, double std_dev,
                      int64_t n, double radius, uint64_t seed,
                      std::vector<int64_t>& own_high_quality) {
  TestRng rng(seed);
  const int64_t d = modes.cols();
  Tensor samples(n, d);
  own_high_quality.assign(static_cast<size_t>(modes.rows()), 0);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t k = allowed[static_cast<size_t>(rng.below(static_cast<int64_t>(allowed.size())))];
    double d2 = 0;
    for (int64_t c = 0; c < d; ++c) {
      samples(i, c) = static_cast<float>(modes(k, c) + std_dev * rng.normal());
      const double diff = static_cast<double>(samples(i, c)) - static_cast<double>(modes(k, c));
      d2 += diff * diff;
    }
    if (d2 <= radius * radius) ++own_high_quality[static_cast<size_t>(k)];
  }
  return samples;
}

std::vector<int64_t> all_modes(int64_t num_modes) {
  std::vector<int64_t> all;
  for (int64_t k = 0; k < num_modes; ++k) all.push_back(k);
  return all;
}

// The 3-std mass of a 2-D isotropic Gaussian: P(χ²₂ ≤ 9) = 1 − exp(−9/2) ≈ 0.98889.
const double kMass3Std2d = 1.0 - std::exp(-4.5);

}  // namespace

TEST_CASE("samples on, near and far from three modes are scored exactly", "[modes]") {
  const Tensor modes = make_tensor(3, 2, {0, 0, 10, 0, 0, 10});
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  const Tensor samples = make_tensor(8, 2, {
      0.0f, 0.0f,   // on mode 0: high quality
      2.9f, 0.0f,   // 2.9 std from mode 0: high quality
      10.0f, 3.0f,  // exactly 3 std from mode 1: the boundary counts
      3.5f, 0.0f,   // nearest mode 0 but 3.5 std away
      5.0f, 5.0f,   // equidistant from all three, far from each
      nan, 0.0f,    // not finite
      inf, 0.0f,    // not finite
      0.0f, -inf,   // not finite
  });
  const ModeStats s = mode_stats(samples, modes, /*mode_std=*/1.0);
  CHECK(s.modes == 3);
  CHECK(s.rows == 8);
  CHECK(s.nonfinite == 3);
  CHECK(s.counts == std::vector<int64_t>{2, 1, 0});
  CHECK(s.covered == 2);
  CHECK(s.high_quality == 3.0 / 8.0);
  // p̂ = (2/3, 1/3, 0): KL = 2/3 log(3 · 2/3) + 1/3 log(3 · 1/3) + 0.
  const double kl = 2.0 / 3.0 * std::log(2.0) + 1.0 / 3.0 * std::log(1.0);
  CHECK(s.kl_to_uniform == Approx(kl).epsilon(1e-12));
  // Widths: mode 0 holds distances 0 and 2.9, mode 1 distance 3 (2 coordinates, std 1).
  REQUIRE(s.sum_d2.size() == 3);
  CHECK(s.sum_d2[0] == Approx(8.41).epsilon(1e-6));  // 2.9f² in double
  CHECK(s.sum_d2[1] == 9.0);
  CHECK(s.sum_d2[2] == 0.0);
  CHECK(s.mode_width(0) == Approx(std::sqrt(8.41 / 4)).epsilon(1e-7));
  CHECK(s.mode_width(1) == Approx(std::sqrt(4.5)).epsilon(1e-12));
  CHECK(s.mode_width(2) == 0.0);
  CHECK(s.width == Approx(std::sqrt((8.41 + 9.0) / 6)).epsilon(1e-7));
  CHECK(s.exact_width == Approx(0.9743961888466185).epsilon(1e-12));

  SECTION("a wider radius admits the sample 3.5 std away") {
    const ModeStats wide = mode_stats(samples, modes, /*mode_std=*/1.0, /*radius_std=*/4.0);
    CHECK(wide.counts == std::vector<int64_t>{3, 1, 0});
    CHECK(wide.covered == 2);
    CHECK(wide.high_quality == 4.0 / 8.0);
    const double wide_kl = 0.75 * std::log(3 * 0.75) + 0.25 * std::log(3 * 0.25);
    CHECK(wide.kl_to_uniform == Approx(wide_kl).epsilon(1e-12));
  }
  SECTION("the radius is in units of mode_std") {
    // std 0.5 → radius 1.5: only the sample on mode 0 is high quality.
    const ModeStats narrow = mode_stats(samples, modes, /*mode_std=*/0.5);
    CHECK(narrow.counts == std::vector<int64_t>{1, 0, 0});
    CHECK(narrow.covered == 1);
    CHECK(narrow.high_quality == 1.0 / 8.0);
    CHECK(narrow.kl_to_uniform == Approx(std::log(3.0)).epsilon(1e-12));
  }
  SECTION("an infinite radius admits every finite sample and still no non-finite one") {
    const ModeStats all = mode_stats(samples, modes, /*mode_std=*/1.0, /*radius_std=*/INFINITY);
    CHECK(all.counts == std::vector<int64_t>{4, 1, 0});  // (5, 5) ties to mode 0
    CHECK(all.high_quality == 5.0 / 8.0);
  }
}

TEST_CASE("a sample equidistant from two modes goes to the lower index", "[modes]") {
  const Tensor modes = make_tensor(3, 2, {0, 5, -1, 0, 1, 0});
  const Tensor samples = make_tensor(1, 2, {0, 0});
  const ModeStats s = mode_stats(samples, modes, /*mode_std=*/1.0);
  CHECK(s.counts == std::vector<int64_t>{0, 1, 0});

  const Tensor twins = make_tensor(2, 2, {3, 3, 3, 3});
  const ModeStats t = mode_stats(make_tensor(1, 2, {3, 3}), twins, /*mode_std=*/1.0);
  CHECK(t.counts == std::vector<int64_t>{1, 0});
}

TEST_CASE("the nearest mode is found in 1-D and 3-D", "[modes]") {
  const ModeStats one = mode_stats(make_tensor(4, 1, {3.0f, -3.001f, 7.0f, 12.5f}),
                                   make_tensor(2, 1, {0, 10}), /*mode_std=*/1.0);
  CHECK(one.counts == std::vector<int64_t>{1, 2});
  CHECK(one.high_quality == 3.0 / 4.0);

  // (1, 1, 1) is √3 ≈ 1.73 from the origin: inside radius 2 (std 1, radius_std 2), not 1.5.
  const Tensor modes = make_tensor(2, 3, {0, 0, 0, 4, 4, 4});
  const Tensor samples = make_tensor(2, 3, {1, 1, 1, 4, 4, 5});
  CHECK(mode_stats(samples, modes, 1.0, /*radius_std=*/2.0).counts == std::vector<int64_t>{1, 1});
  CHECK(mode_stats(samples, modes, 1.0, /*radius_std=*/1.5).counts == std::vector<int64_t>{0, 1});
}

TEST_CASE("a perfectly balanced histogram has KL 0 to uniform", "[modes]") {
  const Tensor modes = make_tensor(4, 2, {0, 0, 5, 0, 0, 5, 5, 5});
  // Three samples on each mode, plus two far away that must not count.
  std::vector<float> values;
  for (int rep = 0; rep < 3; ++rep)
    for (int64_t k = 0; k < 4; ++k) values.insert(values.end(), {modes(k, 0), modes(k, 1)});
  values.insert(values.end(), {100, 100, -50, 2.5f});
  const ModeStats s = mode_stats(make_tensor(14, 2, values), modes, /*mode_std=*/0.1);
  CHECK(s.counts == std::vector<int64_t>{3, 3, 3, 3});
  CHECK(s.covered == 4);
  CHECK(s.high_quality == 12.0 / 14.0);
  CHECK(s.kl_to_uniform == Approx(0.0).margin(1e-15));
}

TEST_CASE("KL is log K when every high-quality sample sits on one mode", "[modes]") {
  const Tensor modes = ring_modes(5);
  std::vector<float> values;
  for (int i = 0; i < 10; ++i) values.insert(values.end(), {modes(2, 0), modes(2, 1)});
  values.insert(values.end(), {0, 0, 9, 9});  // far from every mode
  const ModeStats s = mode_stats(make_tensor(12, 2, values), modes, /*mode_std=*/0.02);
  CHECK(s.counts == std::vector<int64_t>{0, 0, 10, 0, 0});
  CHECK(s.covered == 1);
  CHECK(s.high_quality == 10.0 / 12.0);
  CHECK(s.kl_to_uniform == Approx(std::log(5.0)).epsilon(1e-12));
}

TEST_CASE("without high-quality samples nothing is covered and KL is log K", "[modes]") {
  const Tensor modes = ring_modes(8);
  SECTION("all samples far") {
    const ModeStats s = mode_stats(make_tensor(2, 2, {0, 0, 10, -10}), modes, 0.02);
    CHECK(s.covered == 0);
    CHECK(s.high_quality == 0.0);
    CHECK(s.counts == std::vector<int64_t>(8, 0));
    CHECK(s.kl_to_uniform == Approx(std::log(8.0)).epsilon(1e-12));
  }
  SECTION("no samples at all") {
    const ModeStats s = mode_stats(Tensor(0, 2), modes, 0.02);
    CHECK(s.modes == 8);
    CHECK(s.covered == 0);
    CHECK(s.high_quality == 0.0);
    CHECK(s.counts == std::vector<int64_t>(8, 0));
    CHECK(s.kl_to_uniform == Approx(std::log(8.0)).epsilon(1e-12));
  }
}

TEST_CASE("true samples of the 8-mode ring cover every mode with the 2-D 3-std mass", "[modes]") {
  const Tensor modes = ring_modes(8);
  const double std_dev = 0.02;
  const int64_t n = 200000;
  std::vector<int64_t> own;
  const Tensor samples = sample_mixture(modes, all_modes(8), std_dev, n, 3 * std_dev,
                                        /*seed=*/17, own);
  const ModeStats s = mode_stats(samples, modes, std_dev);
  CHECK(s.modes == 8);
  CHECK(s.covered == 8);
  // Modes are 1.53 apart (75 std), so each high-quality sample is its own mode's.
  CHECK(s.counts == own);
  // Binomial sd of the fraction: sqrt(p(1 − p)/n) ≈ 2.3e-4; allow about 6 sd.
  CHECK(s.high_quality == Approx(kMass3Std2d).margin(1.5e-3));
  // A multinomial histogram of N samples has E[KL] ≈ (K − 1)/(2N) ≈ 2e-5.
  CHECK(s.kl_to_uniform >= 0.0);
  CHECK(s.kl_to_uniform < 1e-3);
  // Exact samples have the exact sampler's width (the estimate's sd is about 1e-3 here).
  CHECK(s.width == Approx(s.exact_width).margin(5e-3));
  for (int64_t k = 0; k < 8; ++k) CHECK(s.mode_width(k) == Approx(s.exact_width).margin(0.015));
}

TEST_CASE("the exact sampler's width is that of the truncated chi-square (scipy's values)", "[modes]") {
  // sqrt(scipy.stats.chi2.cdf(r², d + 2) / scipy.stats.chi2.cdf(r², d)).
  CHECK(exact_mode_width(1, 2) == Approx(0.8796256610342394).epsilon(1e-12));
  CHECK(exact_mode_width(1, 3) == Approx(0.9865783925581086).epsilon(1e-12));
  CHECK(exact_mode_width(2, 2) == Approx(0.8288333454324025).epsilon(1e-12));
  CHECK(exact_mode_width(2, 3) == Approx(0.9743961888466185).epsilon(1e-12));
  CHECK(exact_mode_width(8, 2) == Approx(0.6070593751019302).epsilon(1e-12));
  CHECK(exact_mode_width(8, 3) == Approx(0.8434505129422275).epsilon(1e-12));
  CHECK(exact_mode_width(100, 2) == Approx(0.1979520168270433).epsilon(1e-12));
  CHECK(exact_mode_width(100, 3) == Approx(0.2967698188923445).epsilon(1e-12));
  // Beyond x = r²/2 ≥ d/2 + 1, by the continued fraction (the series would overflow there).
  CHECK(exact_mode_width(8, 5) == Approx(0.9980997695284908).epsilon(1e-12));
  CHECK(exact_mode_width(3, 4) == Approx(0.9971376173148677).epsilon(1e-12));
  CHECK(exact_mode_width(100, 11) == Approx(0.988377327365655).epsilon(1e-12));
  CHECK(exact_mode_width(100, 10.5) == Approx(0.9710874888469604).epsilon(1e-12));
  CHECK(exact_mode_width(2, 10) == Approx(1.0).epsilon(1e-12));
  CHECK(exact_mode_width(1, 40) == Approx(1.0).epsilon(1e-12));
  CHECK(exact_mode_width(2, INFINITY) == 1.0);
  CHECK(exact_mode_width(2, 0) == 0.0);
}

TEST_CASE("modes squeezed to half their width score half the exact width", "[modes]") {
  const Tensor modes = ring_modes(8);
  std::vector<int64_t> own;
  // Samples of std 0.01 scored against modes of std 0.02: all within 3 std (6 of their own),
  // so their width is that of an exact sampler cut at 6 std, halved.
  const Tensor samples = sample_mixture(modes, all_modes(8), /*std_dev=*/0.01, /*n=*/100000,
                                        /*radius=*/0.06, /*seed=*/11, own);
  const ModeStats s = mode_stats(samples, modes, /*mode_std=*/0.02);
  CHECK(s.width == Approx(0.5 * exact_mode_width(2, 6)).margin(5e-3));
  CHECK(s.exact_width == Approx(0.9743961888466185).epsilon(1e-12));
}

TEST_CASE("samples ten times wider than the modes are mostly not high quality", "[modes]") {
  const Tensor modes = ring_modes(8);
  std::vector<int64_t> own;
  const Tensor samples = sample_mixture(modes, all_modes(8), /*std_dev=*/0.2, /*n=*/200000,
                                        /*radius=*/0.06, /*seed=*/3, own);
  const ModeStats s = mode_stats(samples, modes, /*mode_std=*/0.02);
  // Within 0.3 of their own std: 1 − exp(−0.3²/2) ≈ 0.0440.
  CHECK(s.high_quality == Approx(1.0 - std::exp(-0.045)).margin(2e-3));
  CHECK(s.covered == 8);
  // Near-uniform on the 3-std disc: 10 · exact_mode_width(2, 0.3) (scipy) = 1.4944 std.
  CHECK(s.width == Approx(1.49436460393834).margin(0.02));
}

TEST_CASE("a ring generator that misses two modes covers 6", "[modes]") {
  const Tensor modes = ring_modes(8);
  const double std_dev = 0.02;
  std::vector<int64_t> own;
  const Tensor samples = sample_mixture(modes, {0, 1, 3, 4, 6, 7}, std_dev, /*n=*/60000,
                                        3 * std_dev, /*seed=*/29, own);
  const ModeStats s = mode_stats(samples, modes, std_dev);
  CHECK(s.covered == 6);
  CHECK(s.counts[2] == 0);
  CHECK(s.counts[5] == 0);
  CHECK(s.counts == own);
  CHECK(s.high_quality == Approx(kMass3Std2d).margin(3e-3));
  // Uniform over 6 of 8 modes: KL = log(8/6), plus a sampling term of order 1e-4.
  CHECK(s.kl_to_uniform == Approx(std::log(8.0 / 6.0)).margin(2e-3));
}

TEST_CASE("a million true samples of the 25-mode grid cover every mode", "[modes]") {
  const Tensor modes = grid_modes(5);
  const double std_dev = 0.05;
  std::vector<int64_t> own;
  const Tensor samples = sample_mixture(modes, all_modes(25), std_dev, /*n=*/1000000,
                                        3 * std_dev, /*seed=*/41, own);
  const ModeStats s = mode_stats(samples, modes, std_dev);
  CHECK(s.modes == 25);
  CHECK(s.covered == 25);
  CHECK(s.counts == own);
  CHECK(s.high_quality == Approx(kMass3Std2d).margin(1e-3));
  CHECK(s.kl_to_uniform < 1e-3);
}

TEST_CASE("mode statistics reject arguments that do not fit", "[modes]") {
  const Tensor modes = ring_modes(8);
  const Tensor samples(4, 2);
  using Catch::Contains;
  CHECK_THROWS_WITH(mode_stats(Tensor(4, 3), modes, 0.02), Contains("3 columns but the modes have 2"));
  CHECK_THROWS_WITH(mode_stats(samples, Tensor(), 0.02), Contains("modes are empty"));
  CHECK_THROWS_WITH(mode_stats(samples, Tensor(0, 2), 0.02), Contains("modes are empty"));
  CHECK_THROWS_WITH(mode_stats(Tensor(4, 0), Tensor(3, 0), 0.02), Contains("modes are empty"));
  CHECK_THROWS_WITH(mode_stats(samples, modes, 0.0), Contains("mode std"));
  CHECK_THROWS_WITH(mode_stats(samples, modes, -1.0), Contains("mode std"));
  CHECK_THROWS_WITH(mode_stats(samples, modes, std::nan("")), Contains("mode std"));
  CHECK_THROWS_WITH(mode_stats(samples, modes, INFINITY), Contains("mode std"));
  CHECK_THROWS_WITH(mode_stats(samples, modes, 0.02, -1.0), Contains("radius"));
  CHECK_THROWS_WITH(mode_stats(samples, modes, 0.02, std::nan("")), Contains("radius"));
  Tensor bad = ring_modes(8);
  bad(3, 1) = std::numeric_limits<float>::quiet_NaN();
  CHECK_THROWS_WITH(mode_stats(samples, bad, 0.02), Contains("mode 3"));
  CHECK_THROWS_AS(mode_stats(Tensor(4, 3), modes, 0.02), Error);
  CHECK_THROWS_AS(mode_stats(samples, modes, 0.0), Error);
}

TEST_CASE("samples scored block by block give the figures of one call", "[modes]") {
  const Tensor modes = ring_modes(8);
  std::vector<int64_t> own;
  Tensor samples = sample_mixture(modes, {0, 2, 3, 5}, /*std_dev=*/0.03, /*n=*/10007, /*radius=*/0.06,
                                  /*seed=*/5, own);
  samples(17, 1) = std::numeric_limits<float>::quiet_NaN();
  samples(9000, 0) = std::numeric_limits<float>::infinity();
  const ModeStats whole = mode_stats(samples, modes, /*mode_std=*/0.02);
  CHECK(whole.rows == 10007);
  CHECK(whole.nonfinite == 2);

  // Blocks of 1000 rows (the last one 7) through add_mode_stats.
  ModeStats blocks;
  for (int64_t first = 0; first < samples.rows(); first += 1000) {
    const int64_t n = std::min<int64_t>(1000, samples.rows() - first);
    Tensor block(n, 2);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t c = 0; c < 2; ++c) block(i, c) = samples(first + i, c);
    add_mode_stats(blocks, block, modes, /*mode_std=*/0.02);
  }
  CHECK(blocks.rows == whole.rows);
  CHECK(blocks.nonfinite == whole.nonfinite);
  CHECK(blocks.counts == whole.counts);
  CHECK(blocks.covered == whole.covered);
  CHECK(blocks.high_quality == whole.high_quality);
  CHECK(blocks.kl_to_uniform == whole.kl_to_uniform);
  CHECK(blocks.sum_d2 == whole.sum_d2);
  CHECK(blocks.width == whole.width);
  CHECK_THROWS_WITH(add_mode_stats(blocks, samples, ring_modes(6), 0.02), Catch::Contains("6 modes added"));

  // A row source, whole and its first 2,500 rows; a source without rows gives K zero counts.
  TrueDistribution truth{"ring", {}, modes, 0.02};
  MemorySource src(samples, {"x", "y"});
  const ModeStats streamed = mode_stats(src, /*max_rows=*/-1, truth);
  CHECK(streamed.rows == whole.rows);
  CHECK(streamed.counts == whole.counts);
  CHECK(streamed.kl_to_uniform == whole.kl_to_uniform);
  REQUIRE(src.rewind());
  std::vector<int64_t> first_rows(2500);
  for (int64_t i = 0; i < 2500; ++i) first_rows[size_t(i)] = i;
  const ModeStats prefix = mode_stats(src, /*max_rows=*/2500, truth);
  const ModeStats expected = mode_stats(take_rows(samples, first_rows), modes, 0.02);
  CHECK(prefix.rows == 2500);
  CHECK(prefix.counts == expected.counts);
  CHECK(prefix.high_quality == expected.high_quality);
  MemorySource empty(Tensor(0, 2), {"x", "y"});
  const ModeStats none = mode_stats(empty, -1, truth);
  CHECK(none.rows == 0);
  CHECK(none.counts == std::vector<int64_t>(8, 0));
  CHECK(none.kl_to_uniform == Approx(std::log(8.0)));
}

TEST_CASE("check_known_modes refuses files without modes or of another width, naming them", "[modes]") {
  using Catch::Contains;
  const TrueDistribution ring{"ring", {{"modes", 8}}, ring_modes(8), 0.02};
  CHECK_NOTHROW(check_known_modes(ring, "ring.h5", 2, "fake.h5"));
  CHECK_THROWS_WITH(check_known_modes(TrueDistribution{}, "plain.h5", 2, "fake.h5"),
                    Contains("plain.h5 records no true distribution") && Contains("gantool prepare --dist ring"));
  CHECK_THROWS_WITH(check_known_modes(TrueDistribution{"moons", {}, Tensor(), 0}, "moons.h5", 2, "fake.h5"),
                    Contains("moons.h5 holds data of the moons distribution, which has no known modes"));
  CHECK_THROWS_WITH(check_known_modes(ring, "ring.h5", 3, "fake.h5"),
                    Contains("fake.h5 has 3 columns but the modes of ring.h5 (ring) have 2"));
  CHECK_THROWS_AS(check_known_modes(ring, "ring.h5", 3, "fake.h5"), Error);
}
