// Tests of the bootstrap: resampled sums against a direct computation of the indices, and
// an interval that holds the estimate and does not depend on the thread count.
#include <catch2/catch.hpp>

#include <omp.h>

#include "metrics/bootstrap.hpp"

using namespace gantool;

TEST_CASE("resampled_sum draws index u·n >> 32 from the blocks of its part", "[bootstrap]") {
  const std::vector<double> terms = {1, 10, 100, 1000, 10000};
  const Rng rng = make_rng(3, 1005);
  double expected = 0;
  for (uint64_t j = 0; j < 5; ++j) {
    const auto w = philox4x32(3, 1005, (uint64_t{1} << 62) + j / 4);
    expected += terms[(uint64_t{w[j % 4]} * 5) >> 32];
  }
  CHECK(resampled_sum(terms, rng, 1) == expected);
}

TEST_CASE("bootstrap_interval brackets the estimate, the same on any thread count", "[bootstrap]") {
  JsdEstimate e;
  for (int i = 0; i < 400; ++i) e.terms_a.push_back(0.1 * (i % 7)), e.terms_b.push_back(0.05 * (i % 5));
  e.correction = 0.01;
  double mean_a = 0, mean_b = 0;
  for (int i = 0; i < 400; ++i) mean_a += e.terms_a[i] / 400, mean_b += e.terms_b[i] / 400;
  const double estimate = 0.5 * mean_a + 0.5 * mean_b + e.correction;
  const auto [low, high] = bootstrap_interval(e, 200, 9, 1000);
  CHECK(low < estimate);
  CHECK(high > estimate);
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const auto one = bootstrap_interval(e, 200, 9, 1000);
  omp_set_num_threads(threads);
  CHECK(one.first == low);
  CHECK(one.second == high);
}
