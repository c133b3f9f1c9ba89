// Tests of the mixture fit of mode-specific normalization: agreement with scikit-learn's
// BayesianGaussianMixture (CTGAN's settings) on four kinds of column, degenerate inputs,
// determinism, speed, and the posterior of a value's mode.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/rng.hpp"
#include "scratch.hpp"
#include "tabular/mixture.hpp"

using namespace gantool;
using gantool_test::ScratchDir;

namespace {

constexpr int kModes = 10;
constexpr double kMinWeight = 0.005;

// n values of a 3-mode mixture with well-separated modes: weights 0.5, 0.3, 0.2 at −5, 0, 6
// with stds 0.5, 1, 0.7.
std::vector<double> separated(int64_t n, Rng& rng) {
  std::vector<double> x(n);
  for (double& v : x) {
    const double u = uniform(rng);
    const int k = u < 0.5 ? 0 : u < 0.8 ? 1 : 2;
    const double mean[3] = {-5.0, 0.0, 6.0}, sd[3] = {0.5, 1.0, 0.7};
    v = mean[k] + sd[k] * normal(rng);
  }
  return x;
}

// Adult-like skewed values: log-normal with log-mean 3.5 and log-std 0.4 (an age column).
std::vector<double> log_normal(int64_t n, Rng& rng) {
  std::vector<double> x(n);
  for (double& v : x) v = std::exp(3.5 + 0.4 * normal(rng));
  return x;
}

// A mostly-zero column with a long tail, like Adult's capital-gain: 92% exact zeros, the rest
// rounded log-normal (log-mean 8.5, log-std 1).
std::vector<double> mostly_zero(int64_t n, Rng& rng) {
  std::vector<double> x(n);
  for (double& v : x) v = uniform(rng) < 0.92 ? 0.0 : std::round(std::exp(8.5 + normal(rng)));
  return x;
}

std::vector<double> uniform_values(int64_t n, Rng& rng) {
  std::vector<double> x(n);
  for (double& v : x) v = uniform(rng, 0.0, 10.0);
  return x;
}

Mixture fit(const std::vector<double>& x, uint64_t seed = 1) {
  Rng rng = make_rng(seed);
  return fit_mixture(x.data(), static_cast<int64_t>(x.size()), kModes, kMinWeight, rng);
}

// The mean log density of the values x under m, in nats per value.
double log_likelihood(const Mixture& m, const std::vector<double>& x) {
  double sum = 0.0;
  for (double v : x) sum += mixture_log_density(m, v);
  return sum / static_cast<double>(x.size());
}

// Checks the invariants of a fitted mixture of the values x: 1 to kModes modes, finite,
// weights summing to 1, means increasing and inside the data's range, stds at least the floor.
void check_valid(const Mixture& m, const std::vector<double>& x) {
  REQUIRE(!m.weights.empty());
  REQUIRE(m.weights.size() <= static_cast<size_t>(kModes));
  REQUIRE(m.means.size() == m.weights.size());
  REQUIRE(m.stds.size() == m.weights.size());
  double lo = x[0], hi = x[0];
  for (double v : x) lo = std::min(lo, v), hi = std::max(hi, v);
  double total = 0.0;
  for (size_t k = 0; k < m.weights.size(); ++k) {
    INFO("mode " << k << ": w=" << m.weights[k] << " mean=" << m.means[k] << " std=" << m.stds[k]);
    REQUIRE(std::isfinite(m.weights[k]));
    REQUIRE(std::isfinite(m.means[k]));
    REQUIRE(std::isfinite(m.stds[k]));
    CHECK(m.weights[k] > 0.0);
    CHECK(m.means[k] >= lo);
    CHECK(m.means[k] <= hi);
    CHECK(m.stds[k] >= 1e-6 * (1.0 + (hi - lo)));
    if (k > 0) CHECK(m.means[k - 1] <= m.means[k]);
    total += m.weights[k];
  }
  CHECK(total == Approx(1.0).epsilon(1e-12));
}

// The modes of m grouped by the nearest of the centers, each group moment-matched to one
// Gaussian: (weight, mean, std) per center.
std::vector<std::array<double, 3>> group_modes(const Mixture& m, const std::vector<double>& centers) {
  std::vector<std::array<double, 3>> sums(centers.size(), {0.0, 0.0, 0.0});  // Σw, Σwμ, Σw(σ²+μ²)
  for (size_t k = 0; k < m.weights.size(); ++k) {
    size_t nearest = 0;
    for (size_t c = 1; c < centers.size(); ++c)
      if (std::abs(m.means[k] - centers[c]) < std::abs(m.means[k] - centers[nearest])) nearest = c;
    sums[nearest][0] += m.weights[k];
    sums[nearest][1] += m.weights[k] * m.means[k];
    sums[nearest][2] += m.weights[k] * (m.stds[k] * m.stds[k] + m.means[k] * m.means[k]);
  }
  std::vector<std::array<double, 3>> groups;
  for (const auto& s : sums) {
    const double mean = s[1] / s[0];
    groups.push_back({s[0], mean, std::sqrt(s[2] / s[0] - mean * mean)});
  }
  return groups;
}

// CTGAN's mixture fit with scikit-learn: BayesianGaussianMixture with its settings, then the
// modes of weight ≥ 0.005 renormalized and sorted by mean, for each file of values.
const char* kSklearnScript = R"(
import json, sys, warnings
import numpy as np
from sklearn.mixture import BayesianGaussianMixture
warnings.filterwarnings('ignore')
out = {}
for name in sys.argv[1:]:
    x = np.loadtxt(name + '.txt').reshape(-1, 1)
    g = BayesianGaussianMixture(n_components=10, weight_concentration_prior_type='dirichlet_process',
                                weight_concentration_prior=0.001, n_init=1, random_state=0).fit(x)
    keep = g.weights_ >= 0.005
    w = g.weights_[keep] / g.weights_[keep].sum()
    mu = g.means_[keep, 0]
    sd = np.sqrt(g.covariances_[keep, 0, 0])
    o = np.argsort(mu)
    out[name] = {'weights': w[o].tolist(), 'means': mu[o].tolist(), 'stds': sd[o].tolist()}
print(json.dumps(out))
)";

}  // namespace

TEST_CASE("fit_mixture agrees with scikit-learn's BayesianGaussianMixture", "[mixture][sklearn]") {
  // 5,000 values each: scikit-learn takes seconds per fit at 100 iterations.
  constexpr int64_t n = 5000;
  Rng data_rng = make_rng(2026);
  struct Case {
    std::string name;
    std::vector<double> x;
    int mode_tolerance;  // |our modes − scikit-learn's modes| allowed
  };
  std::vector<Case> cases;
  cases.push_back({"separated", separated(n, data_rng), 1});
  cases.push_back({"lognormal", log_normal(n, data_rng), 2});   // hard: a skewed continuum
  cases.push_back({"mostly_zero", mostly_zero(n, data_rng), 2});  // hard: a spike and a long tail
  cases.push_back({"uniform", uniform_values(n, data_rng), 2});   // hard: no modes at all

  ScratchDir dir("mixture_sklearn");
  std::string names;
  for (const Case& c : cases) {
    std::string text;
    for (double v : c.x) text += fmt::format("{:.17g}\n", v);
    dir.write(c.name + ".txt", text);
    names += " " + c.name;
  }
  dir.write("fit.py", kSklearnScript);
  const std::string cmd = "cd '" + dir.dir.string() + "' && /usr/bin/python3 fit.py" + names + " > fit.json";
  REQUIRE(std::system(cmd.c_str()) == 0);
  const nlohmann::json fitted = nlohmann::json::parse(dir.read("fit.json"));

  for (const Case& c : cases) {
    const nlohmann::json& j = fitted.at(c.name);
    const Mixture theirs{j.at("weights").get<std::vector<double>>(), j.at("means").get<std::vector<double>>(),
                         j.at("stds").get<std::vector<double>>()};
    const Mixture ours = fit(c.x);
    const double ll_ours = log_likelihood(ours, c.x), ll_theirs = log_likelihood(theirs, c.x);
    INFO(c.name << ": " << ours.weights.size() << " modes (scikit-learn " << theirs.weights.size()
                << "), log-likelihood " << ll_ours << " (scikit-learn " << ll_theirs << ") nats per value");
    check_valid(ours, c.x);
    CHECK(std::abs(static_cast<int>(ours.weights.size()) - static_cast<int>(theirs.weights.size())) <=
          c.mode_tolerance);
    CHECK(ll_ours >= ll_theirs - 0.02);
    if (c.name == "separated") {
      // Both fits split the three clusters into several modes; each cluster's modes together
      // (moment-matched) agree, and match the truth.
      const std::vector<double> centers = {-5.0, 0.0, 6.0};
      const auto ours_grouped = group_modes(ours, centers), theirs_grouped = group_modes(theirs, centers);
      const double truth[3][3] = {{0.5, -5.0, 0.5}, {0.3, 0.0, 1.0}, {0.2, 6.0, 0.7}};
      for (size_t g = 0; g < centers.size(); ++g) {
        INFO("cluster " << g << ": ours w=" << ours_grouped[g][0] << " mean=" << ours_grouped[g][1]
                        << " std=" << ours_grouped[g][2] << ", scikit-learn w=" << theirs_grouped[g][0]
                        << " mean=" << theirs_grouped[g][1] << " std=" << theirs_grouped[g][2]);
        CHECK(ours_grouped[g][0] == Approx(theirs_grouped[g][0]).epsilon(0.03));
        CHECK(ours_grouped[g][1] == Approx(theirs_grouped[g][1]).margin(0.03));
        CHECK(ours_grouped[g][2] == Approx(theirs_grouped[g][2]).epsilon(0.03));
        CHECK(ours_grouped[g][0] == Approx(truth[g][0]).margin(0.03));
        CHECK(ours_grouped[g][1] == Approx(truth[g][1]).margin(0.1));
        CHECK(ours_grouped[g][2] == Approx(truth[g][2]).epsilon(0.08));
      }
    }
  }
}

TEST_CASE("fit_mixture gives finite, sensible mixtures for degenerate data", "[mixture]") {
  SECTION("one value: one mode at it, std 1e-3 of it") {
    const std::vector<double> x = {3.5};
    const Mixture m = fit(x);
    check_valid(m, x);
    REQUIRE(m.weights.size() == 1);
    CHECK(m.means[0] == 3.5);
    CHECK(m.stds[0] == Approx(3.5e-3));
  }
  SECTION("constant values: one mode") {
    const std::vector<double> x(1000, -2e5);
    const Mixture m = fit(x);
    check_valid(m, x);
    REQUIRE(m.weights.size() == 1);
    CHECK(m.means[0] == -2e5);
    CHECK(m.stds[0] == Approx(200.0));
    const std::vector<double> zeros(10, 0.0);
    CHECK(fit(zeros).stds[0] == 1e-3);
  }
  SECTION("two distinct values: at most two modes, near them") {
    std::vector<double> x;
    for (int i = 0; i < 600; ++i) x.push_back(i % 3 == 0 ? 1.0 : 0.0);
    const Mixture m = fit(x);
    check_valid(m, x);
    REQUIRE(m.weights.size() <= 2);
    double mixture_mean = 0.0;
    for (size_t k = 0; k < m.weights.size(); ++k) mixture_mean += m.weights[k] * m.means[k];
    CHECK(mixture_mean == Approx(1.0 / 3).margin(0.01));
    const Mixture two{{0.5, 0.5}, {0.0, 1.0}, {0.1, 0.1}};
    CHECK(log_likelihood(m, x) >= log_likelihood(two, x));  // tighter than std 0.1 around each value
  }
  SECTION("fewer distinct values than modes") {
    std::vector<double> x;
    for (int i = 0; i < 90; ++i) x.push_back(static_cast<double>(i % 3) * 10.0);
    check_valid(fit(x), x);
    check_valid(fit({-1.0, 1.0}), {-1.0, 1.0});
  }
  SECTION("huge and tiny scales fit as the unit scale does") {
    Rng data_rng = make_rng(5);
    const std::vector<double> unit = separated(4000, data_rng);
    const Mixture m_unit = fit(unit);
    for (double scale : {1e9, 1e-9}) {
      INFO("scale " << scale);
      std::vector<double> x = unit;
      for (double& v : x) v *= scale;
      const Mixture m = fit(x);
      check_valid(m, x);
      REQUIRE(m.weights.size() == m_unit.weights.size());
      for (size_t k = 0; k < m.weights.size(); ++k) {
        CHECK(m.weights[k] == Approx(m_unit.weights[k]).margin(1e-3));
        CHECK(m.means[k] / scale == Approx(m_unit.means[k]).margin(1e-3));
        // At 1e9 the stds scale; at 1e-9 they sit at the floor 1e-6·(1 + range) ≈ 1e-6.
        if (scale > 1.0) CHECK(m.stds[k] / scale == Approx(m_unit.stds[k]).epsilon(1e-3));
        if (scale < 1.0) CHECK(m.stds[k] == Approx(1e-6).epsilon(1e-6));
      }
    }
  }
  SECTION("a far outlier") {
    std::vector<double> x(999, 0.0);
    for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<double>(i % 7);
    x.push_back(1e12);
    check_valid(fit(x), x);
  }
}

TEST_CASE("fit_mixture is deterministic: the same rng gives the same bits", "[mixture]") {
  Rng data_rng = make_rng(11);
  for (int64_t n : {int64_t{3000}, int64_t{250000}}) {  // the second takes the subsample
    INFO("n " << n);
    const std::vector<double> x = log_normal(n, data_rng);
    Rng rng_a = make_rng(42), rng_b = make_rng(42);
    const Mixture a = fit_mixture(x.data(), n, kModes, kMinWeight, rng_a);
    const Mixture b = fit_mixture(x.data(), n, kModes, kMinWeight, rng_b);
    REQUIRE(a.weights.size() == b.weights.size());
    const size_t bytes = a.weights.size() * sizeof(double);
    CHECK(std::memcmp(a.weights.data(), b.weights.data(), bytes) == 0);
    CHECK(std::memcmp(a.means.data(), b.means.data(), bytes) == 0);
    CHECK(std::memcmp(a.stds.data(), b.stds.data(), bytes) == 0);
    CHECK(rng_a.counter == rng_b.counter);
    check_valid(a, x);
  }
}

// (Its speed, 0.2 s of processor time for 30,000 values and 0.7 s for 1,000,000, is a
// figure, not a test: a sanitized or busy machine is several times slower.)
TEST_CASE("fit_mixture fits 1,000,000 values on a subsample, and the fit is sound", "[mixture]") {
  Rng data_rng = make_rng(3);
  for (const int64_t n : {int64_t{30000}, int64_t{1000000}}) {
    const std::vector<double> x = separated(n, data_rng);
    Rng rng = make_rng(1);
    const Mixture m = fit_mixture(x.data(), n, kModes, kMinWeight, rng);
    INFO(n << " values");
    check_valid(m, x);
  }
}

TEST_CASE("mixture_posterior sums to 1 and is one-hot far from the modes", "[mixture]") {
  const Mixture m{{0.2, 0.5, 0.3}, {-3.0, 0.0, 4.0}, {0.5, 1.0, 0.25}};
  std::vector<double> post(3);
  for (double x = -10.0; x <= 10.0; x += 0.125) {
    mixture_posterior(m, x, post.data());
    double total = 0.0;
    for (double p : post) {
      REQUIRE(std::isfinite(p));
      CHECK(p >= 0.0);
      total += p;
    }
    CHECK(total == Approx(1.0).epsilon(1e-12));
  }
  mixture_posterior(m, 0.1, post.data());
  CHECK(post[1] > 0.99);
  // Far away the widest mode takes everything: its log density falls slowest.
  for (double x : {-1e6, 1e6, -1e300, 1e300, 1e308}) {
    INFO("x " << x);
    mixture_posterior(m, x, post.data());
    CHECK(post[0] == 0.0);
    CHECK(post[1] == 1.0);
    CHECK(post[2] == 0.0);
    CHECK(std::isfinite(mixture_log_density(m, x)));
  }
  // The log density is the mixture's: check one value by hand.
  const double x = 0.7;
  double density = 0.0;
  for (size_t k = 0; k < 3; ++k) {
    const double d = (x - m.means[k]) / m.stds[k];
    density += m.weights[k] * std::exp(-0.5 * d * d) / (m.stds[k] * std::sqrt(2.0 * 3.14159265358979323846));
  }
  CHECK(mixture_log_density(m, x) == Approx(std::log(density)).epsilon(1e-12));
}
