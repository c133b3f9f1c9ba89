// Mode coverage of samples against known mixture modes (definitions in metrics/modes.hpp).
#include "metrics/modes.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "data/row_source.hpp"
#include "data/schema.hpp"

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

// √(sum_d2 / (n · d)) / mode_std: the RMS distance per coordinate of n samples, in std (0
// for none).
double rms_width(double sum_d2, int64_t n, int64_t d, double mode_std) {
  if (n == 0) return 0.0;
  return std::sqrt(sum_d2 / (static_cast<double>(n) * static_cast<double>(d))) / mode_std;
}

// Recomputes the summary figures of stats from its counts, sums and rows.
void summarize(ModeStats& stats) {
  int64_t high_quality = 0;
  double sum_d2 = 0;
  stats.covered = 0;
  for (size_t k = 0; k < stats.counts.size(); ++k) {
    high_quality += stats.counts[k];
    sum_d2 += stats.sum_d2[k];
    if (stats.counts[k] > 0) ++stats.covered;
  }
  stats.high_quality =
      stats.rows > 0 ? static_cast<double>(high_quality) / static_cast<double>(stats.rows) : 0.0;
  stats.kl_to_uniform = kl_to_uniform(stats.counts);
  stats.width = rms_width(sum_d2, high_quality, stats.dim, stats.mode_std);
}

// S(a, x) = Σ_{n≥0} xⁿ / ((a+1)(a+2)…(a+n)), the series of the regularized lower incomplete
// gamma function: P(a, x) = e^−x x^a / Γ(a+1) · S(a, x). For x < a + 1, where it converges
// fast and its terms stay below e^x.
double gamma_series(double a, double x) {
  double term = 1, sum = 1;
  for (int n = 1; n < 100000 && term > 1e-17 * sum; ++n) {
    term *= x / (a + n);
    sum += term;
  }
  return sum;
}

// Q(a, x) = 1 − P(a, x) by its continued fraction (modified Lentz), for x ≥ a + 1.
double upper_gamma(double a, double x) {
  const double tiny = 1e-300;
  double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (int i = 1; i < 100000; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::fabs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    const double step = d * c;
    h *= step;
    if (std::fabs(step - 1) < 1e-16) break;
  }
  return std::exp(-x + a * std::log(x) - std::lgamma(a)) * h;
}

// True when every coordinate of x (d) is finite.
bool finite_row(const float* x, int64_t d) {
  for (int64_t c = 0; c < d; ++c)
    if (!std::isfinite(x[c])) return false;
  return true;
}

// The index of the mode (K, d) nearest to x (d), ties to the lowest, and its squared distance.
int64_t nearest_mode(const float* x, const Tensor& modes, double& best_d2) {
  int64_t best = 0;
  best_d2 = std::numeric_limits<double>::infinity();
  for (int64_t k = 0; k < modes.rows(); ++k) {
    const float* mu = modes.row(k);
    double d2 = 0;
    for (int64_t c = 0; c < modes.cols(); ++c) {
      const double diff = static_cast<double>(x[c]) - static_cast<double>(mu[c]);
      d2 += diff * diff;
    }
    if (d2 < best_d2) {  // strict: ties keep the lowest index
      best_d2 = d2;
      best = k;
    }
  }
  return best;
}

}  // namespace

double exact_mode_width(int64_t d, double radius_std) {
  if (!std::isfinite(radius_std)) return 1.0;
  if (!(radius_std > 0)) return 0.0;
  // P(χ²_{d+2} ≤ r²) / P(χ²_d ≤ r²) = P(a+1, x) / P(a, x) with a = d/2, x = r²/2: near the
  // centre the series' ratio (without the factors that underflow in many dimensions), in
  // the tails 1 − Q (whose series would overflow).
  const double a = 0.5 * static_cast<double>(d), x = 0.5 * radius_std * radius_std;
  if (x < a + 1) return std::sqrt(x / (a + 1) * gamma_series(a + 1, x) / gamma_series(a, x));
  return std::sqrt((1 - upper_gamma(a + 1, x)) / (1 - upper_gamma(a, x)));
}

double ModeStats::mode_width(int64_t k) const {
  const size_t i = static_cast<size_t>(k);
  return rms_width(sum_d2[i], counts[i], dim, mode_std);
}

void add_mode_stats(ModeStats& stats, const Tensor& samples, const Tensor& modes, double mode_std,
                    double radius_std) {
  // samples (n, d), modes (K, d)
  check_mode_args(samples, modes, mode_std, radius_std);
  if (stats.modes == 0) {
    stats.modes = modes.rows();
    stats.counts.assign(static_cast<size_t>(modes.rows()), 0);
    stats.sum_d2.assign(static_cast<size_t>(modes.rows()), 0.0);
    stats.dim = modes.cols();
    stats.mode_std = mode_std;
    stats.exact_width = exact_mode_width(modes.cols(), radius_std);
  }
  if (stats.modes != modes.rows() || static_cast<int64_t>(stats.counts.size()) != modes.rows())
    fail("mode statistics: {} modes added to statistics of {}; score every block against the same modes",
         modes.rows(), stats.modes);
  const double radius = radius_std * mode_std;
  const double radius2 = radius * radius;
  for (int64_t i = 0; i < samples.rows(); ++i) {
    const float* x = samples.row(i);
    ++stats.rows;
    if (!finite_row(x, samples.cols())) {
      ++stats.nonfinite;  // never high quality
      continue;
    }
    // A finite float difference squared in double cannot overflow: best_d2 is finite, and
    // the comparison holds even when radius2 is inf.
    double best_d2 = 0;
    const int64_t best = nearest_mode(x, modes, best_d2);
    if (best_d2 <= radius2) {
      ++stats.counts[static_cast<size_t>(best)];
      stats.sum_d2[static_cast<size_t>(best)] += best_d2;
    }
  }
  summarize(stats);
}

ModeStats mode_stats(const Tensor& samples, const Tensor& modes, double mode_std,
                     double radius_std) {
  ModeStats stats;
  add_mode_stats(stats, samples, modes, mode_std, radius_std);
  return stats;
}

ModeStats mode_stats(RowSource& src, int64_t max_rows, const TrueDistribution& truth, double radius_std) {
  const int64_t cols = src.cols(), block = block_rows(cols);
  Tensor rows(block, cols);  // (block, cols), in data units
  ModeStats stats;
  // K zero counts first, so that a source without rows still gives K of them.
  add_mode_stats(stats, Tensor(0, cols), truth.modes, truth.mode_std, radius_std);
  int64_t left = max_rows < 0 ? std::numeric_limits<int64_t>::max() : max_rows;
  while (left > 0) {
    const int64_t n = src.read(rows.data(), std::min(left, block));
    if (n == 0) break;
    rows.resize(n, cols);  // keeps the n rows just read
    add_mode_stats(stats, rows, truth.modes, truth.mode_std, radius_std);
    rows.resize(block, cols);
    left -= n;
  }
  return stats;
}

void check_known_modes(const TrueDistribution& truth, const std::string& file, int64_t cols,
                       const std::string& samples) {
  const char* instead = "give a file made by 'gantool prepare --dist ring' (or grid), or a model trained on one";
  if (truth.name.empty())
    fail("{} records no true distribution (it is neither synthetic data nor a model trained on it), so its "
         "modes are unknown; {}", file, instead);
  if (truth.modes.empty() || !(truth.mode_std > 0))
    fail("{} holds data of the {} distribution, which has no known modes (ring, grid and gaussian have them); {}",
         file, truth.name, instead);
  if (truth.modes.cols() != cols)
    fail("{} has {} columns but the modes of {} ({}) have {}; score samples of the data {} describes", samples, cols,
         file, truth.name, truth.modes.cols(), file);
}

}  // namespace gantool
