// The 1-D variational Bayesian Gaussian mixture of mode-specific normalization.
//
// Model and updates: Blei & Jordan, "Variational inference for Dirichlet process mixtures"
// (Bayesian Analysis 2006), section 5 (truncated stick-breaking, coordinate ascent); Bishop,
// "Pattern Recognition and Machine Learning" (2006), section 10.2 (the Gauss-Wishart updates
// 10.58-10.63 and the expectations 10.64-10.66), as scikit-learn's BayesianGaussianMixture
// (sklearn/mixture/_bayesian_mixture.py, covariance_type 'full') writes them, here with one
// feature, so that every Wishart is a Gamma and every matrix a number.
//
// The fit runs on z = (x − mean) / sd, where the priors are m0 = 0 and W0⁻¹ = 1. Those
// priors are equivariant under the affine map, so the fitted mixture maps back exactly; only
// the covariance regularization (reg_covar) is expressed in z units.
#include "tabular/mixture.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include "core/error.hpp"

namespace gantool {

namespace {

constexpr double kWeightPrior = 0.001;    // weight_concentration_prior (CTGAN's choice)
constexpr double kMeanPrecisionPrior = 1.0;  // beta0
constexpr double kDofPrior = 1.0;         // nu0 = n_features
constexpr double kTol = 1e-3;             // on the change of the lower bound
constexpr int kMaxIter = 100;
constexpr int64_t kMaxFitValues = 100000;
constexpr double kLog2Pi = 1.8378770664093454836;
constexpr double kLn2 = 0.69314718055994530942;
// A log term below the largest by more than 700 counts as 700 below: exp(−700) ≈ 1e-304
// cannot change a sum ≥ 1, and it stays a normal number.
constexpr double kLogFloor = -700.0;
// A distance in stds beyond which a value counts as this far: its square stays finite.
constexpr double kMaxDistance = 1e150;
constexpr int kBlock = 64;  // values per step of the E step's loops

// The values to fit, sorted and distinct, each with its number of occurrences (a column of
// ages or a mostly-zero column has few distinct values, and each costs one evaluation).
// Padded to a multiple of kBlock with count-0 copies of the last value.
struct Values {
  std::vector<double> z, count;  // (padded size) each
  int64_t distinct = 0;          // the real entries
};

// ψ(x) for x > 0: the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10, then the asymptotic
// series ln x − 1/(2x) − Σ_{k=1..6} B_2k / (2k x^2k) (Abramowitz & Stegun 6.3.18), whose
// first omitted term is below 1e-15 there.
double digamma(double x) {
  double result = 0.0;
  while (x < 10.0) {
    result -= 1.0 / x;
    x += 1.0;
  }
  const double f = 1.0 / (x * x);
  const double series =
      f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132 - f * (691.0 / 32760))))));
  return result + std::log(x) - 0.5 / x - series;
}

// ln Γ(x) for x > 0: the recurrence Γ(x) = Γ(x + 1) / x up to x ≥ 10, then Stirling's
// series (Abramowitz & Stegun 6.1.41). Ours rather than log_gamma, which writes the global
// signgam, so that fits may run on several threads.
double log_gamma(double x) {
  double product = 1.0;
  while (x < 10.0) {
    product *= x;
    x += 1.0;
  }
  const double f = 1.0 / (x * x);
  const double series = (1.0 / 12 - f * (1.0 / 360 - f * (1.0 / 1260 - f * (1.0 / 1680 - f * (1.0 / 1188))))) / x;
  return (x - 0.5) * std::log(x) - x + 0.5 * kLog2Pi + series - std::log(product);
}

// The variational posterior of the truncated DP mixture, in z units, one entry per component.
struct Posterior {
  std::vector<double> alpha, beta_w;  // Beta(alpha_k, beta_w_k) of stick k
  std::vector<double> beta;           // mean precision scale beta_k
  std::vector<double> mean;           // m_k
  std::vector<double> dof;            // nu_k
  std::vector<double> cov;            // W_k⁻¹ / nu_k: scikit-learn's covariances_
};

// Per-component sufficient statistics under the responsibilities r, taken about a shift c_k
// (the current mean, so that the variance does not cancel): Σ r, Σ r (z − c), Σ r (z − c)².
struct Stats {
  std::vector<double> count, sum, sum_sq, shift;
};

Stats zero_stats(int k) {
  return Stats{std::vector<double>(k, 0.0), std::vector<double>(k, 0.0), std::vector<double>(k, 0.0),
               std::vector<double>(k, 0.0)};
}

// The M step (scikit-learn's _estimate_weights, _estimate_means, _estimate_wishart_full).
void m_step(const Stats& s, double reg_covar, Posterior& p) {
  const int modes = static_cast<int>(s.count.size());
  std::vector<double> nk(modes), xk(modes), sk(modes);
  for (int k = 0; k < modes; ++k) {
    nk[k] = s.count[k] + 10 * std::numeric_limits<double>::epsilon();
    const double d = s.sum[k] / nk[k];
    xk[k] = s.shift[k] + d;
    sk[k] = std::max(s.sum_sq[k] / nk[k] - d * d, 0.0) + reg_covar;
  }
  double tail = 0.0;  // Σ_{j > k} n_j
  for (int k = modes - 1; k >= 0; --k) {
    p.alpha[k] = 1.0 + nk[k];
    p.beta_w[k] = kWeightPrior + tail;
    tail += nk[k];
  }
  for (int k = 0; k < modes; ++k) {
    p.beta[k] = kMeanPrecisionPrior + nk[k];
    p.mean[k] = nk[k] * xk[k] / p.beta[k];  // the prior mean is 0
    p.dof[k] = kDofPrior + nk[k];
    const double diff = xk[k];
    p.cov[k] = (1.0 + nk[k] * sk[k] + nk[k] * kMeanPrecisionPrior / p.beta[k] * diff * diff) / p.dof[k];
  }
}

// E[log π_k] under the stick-breaking posterior (scikit-learn's _estimate_log_weights).
std::vector<double> log_weights(const Posterior& p) {
  const size_t modes = p.alpha.size();
  std::vector<double> out(modes);
  double rest = 0.0;  // Σ_{j < k} E[log(1 − v_j)]
  for (size_t k = 0; k < modes; ++k) {
    const double psi_sum = digamma(p.alpha[k] + p.beta_w[k]);
    out[k] = digamma(p.alpha[k]) - psi_sum + rest;
    rest += digamma(p.beta_w[k]) - psi_sum;
  }
  return out;
}

// exp(x) for kLogFloor ≤ x ≤ 0 in plain arithmetic that the compiler vectorizes (std::exp
// does not): x = n ln2 + r with |r| ≤ ln2/2 (Cody & Waite's two-part ln2), e^r by its Taylor
// polynomial of degree 12 (relative error < 2e-16), 2^n from the exponent bits. The same
// IEEE operations on every machine, so the same bits.
inline double exp_bounded(double x) {
  constexpr double kMagic = 6755399441055744.0;  // 1.5·2^52: adding it rounds to an integer
  constexpr double kLn2Hi = 6.93147180369123816490e-01, kLn2Lo = 1.90821492927058770002e-10;
  const double shifted = x * 1.4426950408889634074 + kMagic;
  const double n = shifted - kMagic;
  const double r = (x - n * kLn2Hi) - n * kLn2Lo;
  // Σ r^i / i!, i = 0 .. 12, by Horner's rule.
  const double p =
      1.0 + r * (1.0 + r * (1.0 / 2 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720 +
      r * (1.0 / 5040 + r * (1.0 / 40320 + r * (1.0 / 362880 + r * (1.0 / 3628800 +
      r * (1.0 / 39916800 + r * (1.0 / 479001600))))))))))));
  const int64_t bits = (std::bit_cast<int64_t>(shifted) - std::bit_cast<int64_t>(kMagic) + 1023) << 52;
  return p * std::bit_cast<double>(bits);
}

// The E step over the weighted values v: fills the statistics of the responsibilities and
// returns Σ count·r log r. Component k's log term is log_w_k + offset_k − ½ prec_k (z − m_k)²
// (scikit-learn's _estimate_log_prob with the digamma terms; Bishop 10.64-10.67). Values are
// taken kBlock at a time, each loop running over the block so that it vectorizes, and the
// sums are kept per position in the block (a fixed order: the same bits every run).
double e_step(const Values& v, const Posterior& p, Stats& s) {
  const int modes = static_cast<int>(p.mean.size());
  const std::vector<double> log_w = log_weights(p);
  std::vector<double> prec(modes), offset(modes);
  for (int k = 0; k < modes; ++k) {
    prec[k] = 1.0 / p.cov[k];
    const double log_lambda = kLn2 + digamma(0.5 * p.dof[k]);
    offset[k] = log_w[k] + 0.5 * std::log(prec[k]) - 0.5 * kLog2Pi - 0.5 * std::log(p.dof[k]) +
                0.5 * (log_lambda - 1.0 / p.beta[k]);
  }
  const int64_t n = static_cast<int64_t>(v.z.size());  // a multiple of kBlock
  std::vector<double> log_term(modes * kBlock), term(modes * kBlock);            // (modes, block)
  std::vector<double> acc_count(modes * kBlock, 0.0), acc_sum(modes * kBlock, 0.0),
      acc_sq(modes * kBlock, 0.0);                                             // (modes, block)
  std::vector<double> top(kBlock), scale(kBlock), log_total(kBlock), acc_r_log_r(kBlock, 0.0);
  for (int64_t b = 0; b < n; b += kBlock) {
    const double* z = v.z.data() + b;
    const double* count = v.count.data() + b;
    for (int j = 0; j < kBlock; ++j) top[j] = -std::numeric_limits<double>::infinity();
    for (int k = 0; k < modes; ++k) {
      double* lt = log_term.data() + k * kBlock;
      for (int j = 0; j < kBlock; ++j) {
        const double d = z[j] - p.mean[k];
        lt[j] = offset[k] - 0.5 * prec[k] * d * d;
        top[j] = std::max(top[j], lt[j]);
      }
    }
    for (int j = 0; j < kBlock; ++j) scale[j] = 0.0;
    for (int k = 0; k < modes; ++k) {
      double* lt = log_term.data() + k * kBlock;
      double* t = term.data() + k * kBlock;
      for (int j = 0; j < kBlock; ++j) lt[j] = std::max(lt[j] - top[j], kLogFloor);
      for (int j = 0; j < kBlock; ++j) {
        t[j] = exp_bounded(lt[j]);
        scale[j] += t[j];
      }
    }
    for (int j = 0; j < kBlock; ++j) {
      log_total[j] = std::log(scale[j]);
      scale[j] = count[j] / scale[j];
    }
    for (int k = 0; k < modes; ++k) {
      const double* lt = log_term.data() + k * kBlock;
      const double* t = term.data() + k * kBlock;
      double* c0 = acc_count.data() + k * kBlock;
      double* c1 = acc_sum.data() + k * kBlock;
      double* c2 = acc_sq.data() + k * kBlock;
      for (int j = 0; j < kBlock; ++j) {
        const double r = t[j] * scale[j];  // count · responsibility
        const double d = z[j] - p.mean[k];
        acc_r_log_r[j] += r * (lt[j] - log_total[j]);
        c0[j] += r;
        c1[j] += r * d;
        c2[j] += r * d * d;
      }
    }
  }
  s = zero_stats(modes);
  s.shift = p.mean;
  double r_log_r = 0.0;
  for (int j = 0; j < kBlock; ++j) r_log_r += acc_r_log_r[j];
  for (int k = 0; k < modes; ++k)
    for (int j = 0; j < kBlock; ++j) {
      s.count[k] += acc_count[k * kBlock + j];
      s.sum[k] += acc_sum[k * kBlock + j];
      s.sum_sq[k] += acc_sq[k * kBlock + j];
    }
  return r_log_r;
}

// The lower bound up to a constant (scikit-learn's _compute_lower_bound), given Σ r log r.
double lower_bound(const Posterior& p, double r_log_r) {
  double wishart = 0.0, weight_norm = 0.0, mean_norm = 0.0;
  for (size_t k = 0; k < p.mean.size(); ++k) {
    const double log_det_prec_chol = -0.5 * std::log(p.cov[k]) - 0.5 * std::log(p.dof[k]);
    wishart -= p.dof[k] * log_det_prec_chol + p.dof[k] * 0.5 * kLn2 + log_gamma(0.5 * p.dof[k]);
    weight_norm -= log_gamma(p.alpha[k]) + log_gamma(p.beta_w[k]) - log_gamma(p.alpha[k] + p.beta_w[k]);
    mean_norm += std::log(p.beta[k]);
  }
  return -r_log_r - wishart - weight_norm - 0.5 * mean_norm;
}

// k-means++ seeding (Arthur & Vassilvitskii 2007, with scikit-learn's 2 + ⌊ln k⌋ greedy
// trials per center) of `modes` centers on the weighted values v. Needs at least `modes`
// distinct values.
std::vector<double> kmeans_pp(const Values& v, int modes, Rng& rng) {
  const int64_t n = v.distinct;
  const int trials = 2 + static_cast<int>(std::log(static_cast<double>(modes)));
  std::vector<double> closest(n), cumulative(n);
  // Draws a value with probability ∝ count · weight (cumulative holds the running sums).
  const auto draw = [&](const std::vector<double>& weight) {
    double total = 0.0;
    for (int64_t i = 0; i < n; ++i) cumulative[i] = total += v.count[i] * weight[i];
    const double u = uniform(rng) * total;
    const int64_t pick = std::upper_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin();
    return v.z[std::min(pick, n - 1)];
  };
  std::vector<double> centers{draw(std::vector<double>(n, 1.0))};
  for (int64_t i = 0; i < n; ++i) closest[i] = (v.z[i] - centers[0]) * (v.z[i] - centers[0]);
  while (static_cast<int>(centers.size()) < modes) {
    double best_potential = std::numeric_limits<double>::infinity();
    double best_center = 0.0;
    for (int t = 0; t < trials; ++t) {
      const double c = draw(closest);
      double potential = 0.0;
      for (int64_t i = 0; i < n; ++i) potential += v.count[i] * std::min(closest[i], (v.z[i] - c) * (v.z[i] - c));
      if (potential < best_potential) {
        best_potential = potential;
        best_center = c;
      }
    }
    centers.push_back(best_center);
    for (int64_t i = 0; i < n; ++i)
      closest[i] = std::min(closest[i], (v.z[i] - best_center) * (v.z[i] - best_center));
  }
  std::sort(centers.begin(), centers.end());
  return centers;
}

// Lloyd's k-means on the weighted values v from sorted centers: in 1-D each cluster is a run
// of values between midpoints of neighbouring centers, so an iteration costs `modes` binary
// searches over prefix sums. Stops when the centers move by less than 1e-4 · var(z) in
// squared sum (scikit-learn's tol) or after 300 iterations. Returns the first index of each
// run (modes + 1 entries, the last v.distinct).
std::vector<int64_t> kmeans_runs(const Values& v, std::vector<double> centers) {
  const int64_t n = v.distinct;
  const int modes = static_cast<int>(centers.size());
  std::vector<double> prefix_count(n + 1, 0.0), prefix_sum(n + 1, 0.0);
  for (int64_t i = 0; i < n; ++i) {
    prefix_count[i + 1] = prefix_count[i] + v.count[i];
    prefix_sum[i + 1] = prefix_sum[i] + v.count[i] * v.z[i];
  }
  const auto end = v.z.begin() + n;
  std::vector<int64_t> start(modes + 1, 0);
  start[modes] = n;
  for (int iter = 0; iter < 300; ++iter) {
    for (int k = 1; k < modes; ++k)
      start[k] = std::lower_bound(v.z.begin(), end, 0.5 * (centers[k - 1] + centers[k])) - v.z.begin();
    double shift = 0.0;
    for (int k = 0; k < modes; ++k) {
      const double count = prefix_count[start[k + 1]] - prefix_count[start[k]];
      if (start[k + 1] == start[k]) continue;  // an empty cluster keeps its center
      const double c = (prefix_sum[start[k + 1]] - prefix_sum[start[k]]) / count;
      shift += (c - centers[k]) * (c - centers[k]);
      centers[k] = c;
    }
    if (shift <= 1e-4) break;  // var(z) = 1
  }
  return start;
}

// The statistics of the one-hot responsibilities of the k-means runs.
Stats run_stats(const Values& v, const std::vector<int64_t>& start) {
  const int modes = static_cast<int>(start.size()) - 1;
  Stats s = zero_stats(modes);
  for (int k = 0; k < modes; ++k) {
    for (int64_t i = start[k]; i < start[k + 1]; ++i) {
      s.count[k] += v.count[i];
      s.shift[k] += v.count[i] * v.z[i];
    }
    if (s.count[k] == 0.0) continue;
    s.shift[k] /= s.count[k];
    for (int64_t i = start[k]; i < start[k + 1]; ++i) {
      const double d = v.z[i] - s.shift[k];
      s.sum[k] += v.count[i] * d;
      s.sum_sq[k] += v.count[i] * d * d;
    }
  }
  return s;
}

// The values to fit: x itself, or 100,000 of them drawn without replacement (a partial
// Fisher–Yates shuffle of the indices), sorted.
std::vector<double> sample_values(const double* x, int64_t n, Rng& rng) {
  std::vector<double> out;
  if (n <= kMaxFitValues) {
    out.assign(x, x + n);
  } else {
    std::vector<int64_t> index(n);
    for (int64_t i = 0; i < n; ++i) index[i] = i;
    out.resize(kMaxFitValues);
    for (int64_t i = 0; i < kMaxFitValues; ++i) {
      const int64_t j = i + static_cast<int64_t>(below(rng, static_cast<uint64_t>(n - i)));
      std::swap(index[i], index[j]);
      out[i] = x[index[i]];
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The sorted values as distinct values with counts, padded for the E step.
Values count_values(const std::vector<double>& sorted) {
  Values v;
  for (double x : sorted) {
    if (!v.z.empty() && v.z.back() == x) {
      v.count.back() += 1.0;
    } else {
      v.z.push_back(x);
      v.count.push_back(1.0);
    }
  }
  v.distinct = static_cast<int64_t>(v.z.size());
  while (v.z.size() % kBlock != 0) {
    v.z.push_back(v.z.back());
    v.count.push_back(0.0);
  }
  return v;
}

// The fitted posterior as a mixture in x units: expected stick-breaking weights (scikit-
// learn's weights_), means m_k, stds √cov_k.
Mixture to_mixture(const Posterior& p, double center, double scale) {
  const size_t modes = p.mean.size();
  Mixture m;
  double stick = 1.0, total = 0.0;
  for (size_t k = 0; k < modes; ++k) {
    const double sum = p.alpha[k] + p.beta_w[k];
    m.weights.push_back(p.alpha[k] / sum * stick);
    stick *= p.beta_w[k] / sum;
    total += m.weights.back();
    m.means.push_back(center + scale * p.mean[k]);
    m.stds.push_back(scale * std::sqrt(p.cov[k]));
  }
  for (double& w : m.weights) w /= total;
  return m;
}

// Keeps the modes of weight ≥ min_weight (the heaviest one if none is), renormalized, in
// increasing order of mean, with every std at least min_std.
Mixture prune(const Mixture& m, double min_weight, double min_std) {
  std::vector<size_t> keep;
  for (size_t k = 0; k < m.weights.size(); ++k)
    if (m.weights[k] >= min_weight) keep.push_back(k);
  if (keep.empty())
    keep.push_back(static_cast<size_t>(std::max_element(m.weights.begin(), m.weights.end()) - m.weights.begin()));
  std::stable_sort(keep.begin(), keep.end(), [&](size_t a, size_t b) { return m.means[a] < m.means[b]; });
  Mixture out;
  double total = 0.0;
  for (size_t k : keep) total += m.weights[k];
  for (size_t k : keep) {
    out.weights.push_back(m.weights[k] / total);
    out.means.push_back(m.means[k]);
    out.stds.push_back(std::max(m.stds[k], min_std));
  }
  return out;
}

}  // namespace

Mixture fit_mixture(const double* x, int64_t n, int max_modes, double min_weight, Rng& rng) {
  GANTOOL_ASSERT(n >= 1 && max_modes >= 1);
  double lo = x[0], hi = x[0];
  for (int64_t i = 0; i < n; ++i) {
    GANTOOL_ASSERT(std::isfinite(x[i]));
    lo = std::min(lo, x[i]);
    hi = std::max(hi, x[i]);
  }
  const double min_std = 1e-6 * (1.0 + (hi - lo));
  const std::vector<double> sorted = sample_values(x, n, rng);
  const int64_t m = static_cast<int64_t>(sorted.size());
  Values v = count_values(sorted);
  if (v.distinct == 1) return Mixture{{1.0}, {v.z[0]}, {std::max({std::abs(v.z[0]) * 1e-3, 1e-3, min_std})}};
  const int modes = static_cast<int>(std::min<int64_t>(max_modes, v.distinct));

  // Standardize: the prior mean and covariance become 0 and 1.
  double center = 0.0;
  for (double value : sorted) center += value;
  center /= static_cast<double>(m);
  double var = 0.0;
  for (double value : sorted) var += (value - center) * (value - center);
  var /= static_cast<double>(m - 1);  // m ≥ 2 and var > 0: there are two distinct values
  const double scale = std::sqrt(var);
  for (double& z : v.z) z = (z - center) / scale;
  const double reg_covar = std::min(1e-6 / var, 1e-6);  // scikit-learn's 1e-6, in z units

  Posterior p{std::vector<double>(modes), std::vector<double>(modes), std::vector<double>(modes),
              std::vector<double>(modes), std::vector<double>(modes), std::vector<double>(modes)};
  m_step(run_stats(v, kmeans_runs(v, kmeans_pp(v, modes, rng))), reg_covar, p);
  double bound = -std::numeric_limits<double>::infinity();
  Stats s;
  for (int iter = 0; iter < kMaxIter; ++iter) {
    const double r_log_r = e_step(v, p, s);
    m_step(s, reg_covar, p);
    const double next = lower_bound(p, r_log_r);
    const bool converged = std::abs(next - bound) < kTol;
    bound = next;
    if (converged) break;
  }
  return prune(to_mixture(p, center, scale), min_weight, min_std);
}

void mixture_posterior(const Mixture& m, double x, double* post) {
  const size_t modes = m.weights.size();
  // Beyond kMaxDistance stds from every mode only the nearest mode (in stds) counts.
  size_t nearest = 0;
  for (size_t k = 0; k < modes; ++k) {
    post[k] = std::abs(x - m.means[k]) / m.stds[k];
    if (post[k] < post[nearest]) nearest = k;
  }
  if (!(post[nearest] <= kMaxDistance)) {
    for (size_t k = 0; k < modes; ++k) post[k] = k == nearest ? 1.0 : 0.0;
    return;
  }
  double top = -std::numeric_limits<double>::infinity();
  for (size_t k = 0; k < modes; ++k) {
    const double d = std::min(post[k], kMaxDistance);
    post[k] = std::log(m.weights[k]) - std::log(m.stds[k]) - 0.5 * d * d;
    top = std::max(top, post[k]);
  }
  double total = 0.0;
  for (size_t k = 0; k < modes; ++k) total += post[k] = std::exp(post[k] - top);
  for (size_t k = 0; k < modes; ++k) post[k] /= total;
}

double mixture_log_density(const Mixture& m, double x) {
  const size_t modes = m.weights.size();
  std::vector<double> v(modes);
  double top = -std::numeric_limits<double>::infinity();
  for (size_t k = 0; k < modes; ++k) {
    const double d = std::min(std::abs(x - m.means[k]) / m.stds[k], kMaxDistance);
    v[k] = std::log(m.weights[k]) - std::log(m.stds[k]) - 0.5 * kLog2Pi - 0.5 * d * d;
    top = std::max(top, v[k]);
  }
  double total = 0.0;
  for (size_t k = 0; k < modes; ++k) total += std::exp(v[k] - top);
  return top + std::log(total);
}

}  // namespace gantool
