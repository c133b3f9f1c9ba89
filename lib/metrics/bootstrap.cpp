// The percentile bootstrap over a JSD estimate's terms.
#include "metrics/bootstrap.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace gantool {

double resampled_sum(const std::vector<double>& terms, const Rng& rng, uint64_t part) {
  const auto n = static_cast<uint64_t>(terms.size());
  GANTOOL_ASSERT(n < (uint64_t{1} << 32));
  double sum = 0;
  for (uint64_t j = 0; j < n; j += 4) {
    const auto w = philox4x32(rng.key, rng.stream, (part << 62) + j / 4);
    for (uint64_t k = 0; k < 4 && j + k < n; ++k) sum += terms[(uint64_t{w[k]} * n) >> 32];
  }
  return sum;
}

std::pair<double, double> bootstrap_interval(const JsdEstimate& e, int64_t resamples, uint64_t seed,
                                             uint64_t first_stream) {
  GANTOOL_ASSERT(resamples > 0);
  const auto used_a = double(e.terms_a.size()), used_b = double(e.terms_b.size());
  std::vector<double> values(static_cast<size_t>(resamples));
#pragma omp parallel for schedule(dynamic)
  for (int64_t i = 0; i < resamples; ++i) {
    const Rng boot = make_rng(seed, first_stream + static_cast<uint64_t>(i));
    const double sa = resampled_sum(e.terms_a, boot, 0), sb = resampled_sum(e.terms_b, boot, 1);
    values[static_cast<size_t>(i)] = 0.5 * sa / used_a + 0.5 * sb / used_b + e.correction;
  }
  std::sort(values.begin(), values.end());
  const auto at = [&](double q) { return values[static_cast<size_t>(std::lround(q * double(values.size() - 1)))]; };
  return {at(0.025), at(0.975)};
}

}  // namespace gantool
