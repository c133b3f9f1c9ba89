// Mode coverage of samples against known mixture modes (definitions in metrics/modes.hpp).
#include "metrics/modes.hpp"

#include <cmath>
#include <limits>

#include "core/error.hpp"

namespace gantool {

namespace {

// Throws Error unless the arguments of mode_stats fit together.
void check_mode_args(const Tensor& samples, const Tensor& modes, double mode_std,
                     double radius_std) {
  if (modes.empty())
    fail("mode statistics: the modes are empty ({} × {}); give at least one mode with at "
         "least one column",
         modes.rows(), modes.cols());
  if (samples.cols() != modes.cols())
    fail("mode statistics: the samples have {} columns but the modes have {}; score samples "
         "of the distribution the modes belong to",
         samples.cols(), modes.cols());
  for (int64_t i = 0; i < modes.size(); ++i)
    if (!std::isfinite(modes.data()[i]))
      fail("mode statistics: mode {} has a non-finite coordinate; check the mode centres",
           i / modes.cols());
  if (!(mode_std > 0) || !std::isfinite(mode_std))
    fail("mode statistics: the mode std is {}; it must be a finite number above 0", mode_std);
  if (!(radius_std >= 0))
    fail("mode statistics: the radius is {} std; it must be 0 or more (3 is the convention)",
         radius_std);
}

// KL(p̂ ‖ uniform) = Σ_k p̂_k log(K p̂_k) of the histogram counts (K); log K when it is empty.
double kl_to_uniform(const std::vector<int64_t>& counts) {
  const double k = static_cast<double>(counts.size());
  int64_t total = 0;
  for (int64_t c : counts) total += c;
  if (total == 0) return std::log(k);
  double kl = 0;
  for (int64_t c : counts) {
    if (c == 0) continue;  // 0 · log 0 = 0
    const double p = static_cast<double>(c) / static_cast<double>(total);
    kl += p * std::log(k * p);
  }
  return kl;
}

}  // namespace

ModeStats mode_stats(const Tensor& samples, const Tensor& modes, double mode_std,
                     double radius_std) {
  // samples (n, d), modes (K, d)
  check_mode_args(samples, modes, mode_std, radius_std);
  const int64_t n = samples.rows(), num_modes = modes.rows(), d = modes.cols();
  const double radius = radius_std * mode_std;
  const double radius2 = radius * radius;

  ModeStats stats;
  stats.modes = num_modes;
  stats.counts.assign(static_cast<size_t>(num_modes), 0);
  int64_t high_quality = 0;
  for (int64_t i = 0; i < n; ++i) {
    const float* x = samples.row(i);
    int64_t best = 0;
    double best_d2 = std::numeric_limits<double>::infinity();
    for (int64_t k = 0; k < num_modes; ++k) {
      const float* mu = modes.row(k);
      double d2 = 0;
      for (int64_t c = 0; c < d; ++c) {
        const double diff = static_cast<double>(x[c]) - static_cast<double>(mu[c]);
        d2 += diff * diff;
      }
      if (d2 < best_d2) {  // strict: ties keep the lowest index
        best_d2 = d2;
        best = k;
      }
    }
    // With finite modes, every d2 is NaN or inf exactly when the sample has a non-finite
    // coordinate (a float difference squared in double cannot overflow), and then best_d2
    // stays inf. The isfinite test keeps such samples out even when radius2 is inf.
    if (std::isfinite(best_d2) && best_d2 <= radius2) {
      ++stats.counts[static_cast<size_t>(best)];
      ++high_quality;
    }
  }

  for (int64_t c : stats.counts)
    if (c > 0) ++stats.covered;
  stats.high_quality = n > 0 ? static_cast<double>(high_quality) / static_cast<double>(n) : 0.0;
  stats.kl_to_uniform = kl_to_uniform(stats.counts);
  return stats;
}

}  // namespace gantool
