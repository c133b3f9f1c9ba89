// Tests of discriminator rejection sampling against an independent computation: at γ = 0 the
// acceptance probability is exp(logit − log M) (Azadi et al. 2019, eq. 8 with γ = 0), γ shifts
// it monotonically, and the decisions are the uniforms below it, in order.
#include <catch2/catch.hpp>

#include <cmath>

#include "gan/rejection.hpp"

using namespace gantool;

TEST_CASE("at gamma 0 the keep probability is the density ratio over M", "[rejection]") {
  const Rejection r{/*log_m=*/1.5, /*gamma=*/0};
  for (float logit : {-8.0f, -3.0f, -0.5f, 0.0f, 1.0f, 1.4f}) {
    INFO(logit);
    CHECK(r.keep_probability(logit) == Approx(std::exp(double(logit) - 1.5)).margin(1e-5));
  }
  CHECK(r.keep_probability(1.5f) == 1);
  CHECK(r.keep_probability(4.0f) == 1);
}

TEST_CASE("gamma below 0 keeps more draws, above 0 fewer", "[rejection]") {
  const Rejection exact{0, 0}, more{0, -2}, fewer{0, 2};
  for (float logit : {-5.0f, -1.0f, -0.1f}) {
    CHECK(more.keep_probability(logit) > exact.keep_probability(logit));
    CHECK(fewer.keep_probability(logit) < exact.keep_probability(logit));
    // σ(F) with F = d − log(1 − exp(d − 1e-6)) − γ, by hand.
    const double d = logit, f = d - std::log(1 - std::exp(d - 1e-6)) + 2;
    CHECK(more.keep_probability(logit) == Approx(1 / (1 + std::exp(-f))));
  }
}

TEST_CASE("raise_bound is the running maximum", "[rejection]") {
  const float logits[4] = {-1, 3, 2, -7};
  CHECK(raise_bound(-INFINITY, logits, 4) == 3);
  CHECK(raise_bound(5, logits, 4) == 5);
  CHECK(raise_bound(-INFINITY, logits, 1) == -1);
}

TEST_CASE("choose_draws keeps the draws whose uniform is below their probability, until enough", "[rejection]") {
  const int64_t n = 4096, first = 700;
  std::vector<float> logits(n);
  for (int64_t i = 0; i < n; ++i) logits[static_cast<size_t>(i)] = -4.0f + 8.0f * float(i % 97) / 97.0f;
  const Rejection r{/*log_m=*/2, /*gamma=*/0.5};
  const Rng rng = make_rng(8, 1);
  std::vector<float> u(n);
  fill_uniform_rows(rng, first, n, 1, u.data(), 0.0f, 1.0f);
  std::vector<int64_t> expected;
  for (int64_t i = 0; i < n; ++i)
    if (u[static_cast<size_t>(i)] < r.keep_probability(logits[static_cast<size_t>(i)])) expected.push_back(i);
  REQUIRE(expected.size() > 100);

  std::vector<int64_t> kept;
  std::vector<float> uniforms;
  CHECK(choose_draws(r, rng, first, logits.data(), n, n, kept, uniforms) == n);
  CHECK(kept == expected);
  CHECK(choose_draws(r, rng, first, logits.data(), n, 10, kept, uniforms) == expected[9] + 1);
  CHECK(kept == std::vector<int64_t>(expected.begin(), expected.begin() + 10));
}
