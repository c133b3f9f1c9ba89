// Discriminator rejection sampling: the acceptance probability and the decisions.
#include "gan/rejection.hpp"

#include <algorithm>
#include <cmath>

namespace gantool {

double Rejection::keep_probability(float logit) const {
  const double d = logit - log_m;
  if (d >= 0) return 1;
  const double f = d - std::log1p(-std::exp(d - 1e-6)) - gamma;
  return 1 / (1 + std::exp(-f));
}

double raise_bound(double log_m, const float* logits, int64_t n) {
  for (int64_t i = 0; i < n; ++i) log_m = std::max(log_m, double(logits[i]));
  return log_m;
}

int64_t choose_draws(const Rejection& rejection, const Rng& accept_rng, int64_t first, const float* logits, int64_t n,
                     int64_t wanted, std::vector<int64_t>& kept, std::vector<float>& uniforms) {
  std::vector<float>& accept = uniforms;  // (n, 1) uniforms in [0, 1)
  accept.resize(static_cast<size_t>(n));
  fill_uniform_rows(accept_rng, first, n, 1, accept.data(), 0.0f, 1.0f);
  kept.clear();
  int64_t i = 0;
  for (; i < n && static_cast<int64_t>(kept.size()) < wanted; ++i)
    if (!(accept[static_cast<size_t>(i)] >= rejection.keep_probability(logits[i]))) kept.push_back(i);
  return i;
}

}  // namespace gantool
