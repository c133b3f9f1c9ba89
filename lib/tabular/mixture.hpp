// The mixture fit of mode-specific normalization: a 1-D variational Bayesian Gaussian
// mixture with a Dirichlet-process prior on the weights, as CTGAN fits each continuous
// column (Xu, Skoularidou, Cuesta-Infante, Veeramachaneni, "Modeling Tabular Data using
// Conditional GAN", NeurIPS 2019, section 4.2), and the posterior of a value's mode.
#pragma once

#include <cstdint>
#include <vector>

#include "core/rng.hpp"

namespace gantool {

// A 1-D Gaussian mixture: weights (sum 1), means, standard deviations (> 0), modes in
// increasing order of mean.
struct Mixture {
  std::vector<double> weights, means, stds;  // (modes) each
};

// Fits a variational Bayesian Gaussian mixture with a Dirichlet-process (stick-breaking)
// prior on the weights to the n finite values x, with at most max_modes components, then
// drops the components whose weight is below min_weight (keeping the heaviest if all are)
// and renormalizes.
//
// It follows scikit-learn's BayesianGaussianMixture(weight_concentration_prior_type=
// 'dirichlet_process', weight_concentration_prior=0.001) in 1-D: mean prior the data mean
// with precision 1, degrees of freedom prior 1, covariance prior the data variance (ddof 1),
// coordinate-ascent updates until the lower bound changes by less than 1e-3 or 100
// iterations, initialized by k-means (k-means++ seeding and Lloyd's iterations) with rng.
// The fit runs on the standardized values, so it does not depend on the data's scale; the
// covariance regularization is min(1e-6, 1e-6·variance) (scikit-learn's reg_covar 1e-6 when
// the variance is at least 1). The returned weights are the expected stick-breaking weights
// and the stds the square roots of the expected covariances (scikit-learn's weights_ and
// covariances_). For n above 100,000 it fits on 100,000 values drawn with rng without
// replacement. Degenerate data (n == 1, all values equal) gives one mode with
// std = max(|mean|·1e-3, 1e-3); fewer distinct values than max_modes limits the modes to
// their number. Every std is at least 1e-6·(1 + max(x) − min(x)). Deterministic given rng.
Mixture fit_mixture(const double* x, int64_t n, int max_modes, double min_weight, Rng& rng);

// The posterior probability of each mode of m for the value x, written to post[0 .. modes):
// weights_k N(x; means_k, stds_k) normalized, computed in log space, so that a value far
// from every mode gets a one-hot (never NaN).
void mixture_posterior(const Mixture& m, double x, double* post);

// The log density of the mixture m at x (log-sum-exp over the modes).
double mixture_log_density(const Mixture& m, double x);

}  // namespace gantool
