// JSD estimators against true values computed here independently: numerical integration
// (1-D Gaussians), closed forms (disjoint supports; well-separated mixtures; discrete
// distributions, where duplicates and ties are the rule).
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <vector>

#include "core/rng.hpp"
#include "metrics/jsd.hpp"

using namespace gantool;

namespace {

const double kLn2 = std::log(2.0);

// n rows of dimension d from draw(rng, row pointer).
Tensor sample(int64_t n, int64_t d, uint64_t seed, const std::function<void(Rng&, float*)>& draw) {
  Tensor t(n, d);
  Rng rng = make_rng(seed);
  for (int64_t r = 0; r < n; ++r) draw(rng, t.row(r));
  return t;
}

Tensor gaussian(int64_t n, int64_t d, double shift, double sd, uint64_t seed) {
  return sample(n, d, seed, [&](Rng& rng, float* x) {
    for (int64_t c = 0; c < d; ++c) x[c] = static_cast<float>((c == 0 ? shift : 0) + sd * normal(rng));
  });
}

// JSD(N(0, 1) ‖ N(shift, sd²)) by Simpson's rule on [−30, 30] (the same in any dimension
// for a shift along one axis).
double gaussian_jsd(double shift, double sd) {
  const int steps = 200000;
  const double lo = -30, hi = 30, h = (hi - lo) / steps;
  double sum = 0;
  for (int i = 0; i <= steps; ++i) {
    const double x = lo + i * h;
    const double p = std::exp(-0.5 * x * x) / std::sqrt(2 * M_PI);
    const double q = std::exp(-0.5 * (x - shift) * (x - shift) / (sd * sd)) / (sd * std::sqrt(2 * M_PI));
    const double m = (p + q) / 2;
    double f = 0;
    if (p > 0) f += 0.5 * p * std::log(p / m);
    if (q > 0) f += 0.5 * q * std::log(q / m);
    sum += f * (i == 0 || i == steps ? 1 : i % 2 ? 4 : 2);
  }
  return sum * h / 3;
}

// Both the estimators that take equal row counts on pooled, standardized rows.
JsdEstimate knn(Tensor a, Tensor b, int k = 10) {
  standardize_pooled(a, b);
  return knn_jsd(a, b, k);
}
JsdEstimate classifier(Tensor a, Tensor b) {
  standardize_pooled(a, b);
  return classifier_jsd(a, b, 2, 1);
}

}  // namespace

TEST_CASE("the reference integral: JSD of two Gaussians", "[jsd]") {
  CHECK(gaussian_jsd(0, 1) == Approx(0).margin(1e-12));
  // Far apart the supports are effectively disjoint.
  CHECK(gaussian_jsd(20, 1) == Approx(kLn2).epsilon(1e-9));
}

TEST_CASE("identical distributions: every estimate is near 0", "[jsd]") {
  const Tensor a = gaussian(20000, 1, 0, 1, 1), b = gaussian(20000, 1, 0, 1, 2);
  CHECK(std::abs(knn(a, b).jsd) < 0.005);
  CHECK(std::abs(hist_jsd(a, b).jsd) < 0.005);
  CHECK(std::abs(classifier(a, b).jsd) < 0.005);
}

TEST_CASE("shifted and rescaled Gaussians: within 0.01 nats of the integral", "[jsd]") {
  const double shift = gaussian_jsd(1, 1), scale = gaussian_jsd(0, 2);
  const Tensor a = gaussian(20000, 1, 0, 1, 3);
  const Tensor b = gaussian(20000, 1, 1, 1, 4), c = gaussian(20000, 1, 0, 2, 5);
  CHECK(knn(a, b).jsd == Approx(shift).margin(0.01));
  CHECK(hist_jsd(a, b).jsd == Approx(shift).margin(0.01));
  CHECK(knn(a, c).jsd == Approx(scale).margin(0.01));
  CHECK(hist_jsd(a, c).jsd == Approx(scale).margin(0.01));
  // In 8 dimensions the classifier (auto's choice there) is within 0.02, from below.
  const JsdEstimate e = classifier(gaussian(20000, 8, 0, 1, 6), gaussian(20000, 8, 1, 1, 7));
  CHECK(e.lower_bound);
  CHECK(e.jsd == Approx(shift).margin(0.02));
}

TEST_CASE("disjoint supports: ln 2", "[jsd]") {
  const auto uniform_on = [](double lo, uint64_t seed) {
    return sample(5000, 2, seed, [&](Rng& rng, float* x) {
      x[0] = static_cast<float>(lo + uniform(rng)), x[1] = static_cast<float>(uniform(rng));
    });
  };
  const Tensor a = uniform_on(0, 8), b = uniform_on(2, 9);
  CHECK(knn(a, b).jsd == Approx(kLn2).margin(0.002));
  CHECK(hist_jsd(a, b).jsd == Approx(kLn2).margin(0.005));
  CHECK(classifier(a, b).jsd == Approx(kLn2).margin(0.02));
}

TEST_CASE("a ring missing 2 of its 8 modes: the closed form of separated mixtures", "[jsd]") {
  // Weights 1/8 on 8 modes against 1/6 on 6 of them; the modes do not overlap, so the JSD is
  // that of the weights: ½·6·(1/8)ln((1/8)/m) + ½·2·(1/8)ln 2 + ½·6·(1/6)ln((1/6)/m), m = 7/48.
  const double m = 7.0 / 48;
  const double truth = 0.5 * 6 * (1.0 / 8) * std::log((1.0 / 8) / m) + 0.5 * 2 * (1.0 / 8) * kLn2 +
                       0.5 * 6 * (1.0 / 6) * std::log((1.0 / 6) / m);
  const auto ring = [](int modes, uint64_t seed) {
    return sample(20000, 2, seed, [=](Rng& rng, float* x) {
      const double angle = 2 * M_PI * double(below(rng, uint64_t(modes))) / 8;
      x[0] = static_cast<float>(2 * std::cos(angle) + 0.02 * normal(rng));
      x[1] = static_cast<float>(2 * std::sin(angle) + 0.02 * normal(rng));
    });
  };
  CHECK(knn(ring(8, 10), ring(6, 11)).jsd == Approx(truth).margin(0.01));
  CHECK(std::abs(knn(ring(8, 12), ring(8, 13)).jsd) < 0.005);
}

TEST_CASE("discrete data: duplicates and ties give the discrete JSD", "[jsd]") {
  // Integers 0..9 against 5..14, uniform: half of each support is shared, so the JSD is
  // ½ ln 2 (the shared half has p = q; the rest is disjoint).
  const auto integers = [](int lo, uint64_t seed) {
    return sample(20000, 1, seed, [=](Rng& rng, float* x) { x[0] = static_cast<float>(lo + below(rng, 10)); });
  };
  const JsdEstimate e = knn(integers(0, 14), integers(5, 15));
  CHECK(std::isfinite(e.jsd));
  CHECK(e.jsd == Approx(0.5 * kLn2).margin(0.01));
  CHECK(std::abs(knn(integers(0, 16), integers(0, 17)).jsd) < 0.005);
  // Every row of one side the same point, against a spread sample: finite, and near ln 2
  // (the few rows of B whose neighbourhood holds the point pull it down by ~0.03).
  const Tensor point = sample(1000, 2, 18, [](Rng&, float* x) { x[0] = 1, x[1] = 1; });
  const JsdEstimate collapsed = knn(point, gaussian(1000, 2, 0, 1, 19));
  CHECK(collapsed.jsd == Approx(kLn2).margin(0.05));
}

TEST_CASE("per-row terms reproduce the estimate", "[jsd]") {
  const Tensor a = gaussian(3000, 2, 0, 1, 20), b = gaussian(3000, 2, 0.5, 1, 21);
  for (const JsdEstimate& e : {knn(a, b), hist_jsd(a, b), classifier(a, b)}) {
    double sa = 0, sb = 0;
    for (double t : e.terms_a) sa += t;
    for (double t : e.terms_b) sb += t;
    CHECK(e.jsd == Approx(0.5 * sa / double(e.terms_a.size()) + 0.5 * sb / double(e.terms_b.size()) + e.correction));
  }
}

TEST_CASE("k-NN on coarse integer grids and outliers: finite, and never above ln 2", "[jsd]") {
  // Integers 0..100 in 2-D, 3000 rows: most neighbourhoods are ties.
  const auto grid_ints = [](uint64_t seed) {
    return sample(3000, 2, seed, [](Rng& rng, float* x) {
      x[0] = static_cast<float>(below(rng, 101)), x[1] = static_cast<float>(below(rng, 101));
    });
  };
  for (int k : {1, 2, 10}) {
    const JsdEstimate e = knn(grid_ints(30), grid_ints(31), k);
    INFO("k = " << k);
    CHECK(std::isfinite(e.jsd));
    CHECK(std::abs(e.jsd) < 0.05);
  }
  // Disjoint samples of a few rows: the bound ln 2 holds exactly.
  const Tensor left = gaussian(12, 1, 0, 1, 32), right = gaussian(12, 1, 100, 1, 33);
  CHECK(knn(left, right, 1).jsd <= kLn2);
  CHECK(knn(left, right, 1).jsd == Approx(kLn2).margin(1e-12));
  // One row at 1e30 must not squash the others together.
  Tensor a = gaussian(20000, 1, 0, 1, 34);
  a(0, 0) = 1e30f;
  const double truth = gaussian_jsd(1, 1);
  CHECK(knn(a, gaussian(20000, 1, 1, 1, 35)).jsd == Approx(truth).margin(0.01));
  CHECK(hist_jsd(a, gaussian(20000, 1, 1, 1, 35)).jsd == Approx(truth).margin(0.01));
}

TEST_CASE("hist with very different row counts stays unbiased", "[jsd]") {
  const JsdEstimate e = hist_jsd(gaussian(200000, 2, 0, 1, 40), gaussian(2000, 2, 0, 1, 41));
  CHECK(std::abs(e.jsd) < 0.01);
}
