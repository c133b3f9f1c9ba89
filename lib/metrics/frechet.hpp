// The image metrics of eval-fd, on feature matrices (rows, dims) of REAL and FAKE samples
// (a classifier's penultimate-layer features, or its predicted classes):
//
//   Fréchet distance  Heusel, Ramsauer, Unterthiner, Nessler, Hochreiter, "GANs Trained by a
//                     Two Time-Scale Update Rule Converge to a Local Nash Equilibrium"
//                     (NeurIPS 2017), section "Fréchet Inception Distance": the 2-Wasserstein
//                     distance² between Gaussians fitted to the two feature sets,
//                       FD = |μ₁ − μ₂|² + tr(Σ₁ + Σ₂ − 2 (Σ₁^½ Σ₂ Σ₁^½)^½).
//   precision/recall  Kynkäänniemi, Karras, Laine, Lehtinen, Aila, "Improved Precision and
//                     Recall Metric for Assessing Generative Models" (NeurIPS 2019), section 2:
//                     each point's ball reaches its k-th nearest neighbour in its own set
//                     (k = 3); precision is the share of FAKE inside some REAL ball, recall
//                     the share of REAL inside some FAKE ball.
//   class coverage    the predicted-class histogram of FAKE against REAL's: the image
//                     analogue of eval-modes' modes covered.
//
// Sample size: FD is biased upwards for finite samples (Chong & Forsyth, "Effectively
// Unbiased FID and Inception Score and where to find them", CVPR 2020): two samples of the
// same distribution give FD > 0, by about tr(Σ)·(1/n₁ + 1/n₂) from the means alone and more
// from the covariances (the bias grows with dims²/n). Compare FDs only at equal row counts
// (10,000 rows of 128 features is the usual size), and use frechet_interval for the bias
// and the spread. Precision and recall also depend on the row counts (a ball's radius shrinks as
// rows are added): compare them at equal counts too.
#pragma once

#include <cstdint>
#include <vector>

#include "core/tensor.hpp"

namespace gantool {

// The mean and covariance of a feature set, in double.
struct GaussianFit {
  int64_t rows = 0;         // samples fitted
  int64_t dims = 0;         // feature dimensions
  std::vector<double> mean;  // (dims)
  std::vector<double> cov;   // (dims, dims), row-major, unbiased (÷ (rows − 1)) as numpy.cov
};

// Fits the mean and unbiased covariance of features (rows, dims), two-pass in double. Throws
// Error when there are fewer than 2 rows or a feature is NaN or ±inf (naming the row).
GaussianFit fit_gaussian(const Tensor& features);

// The Fréchet distance between two fitted Gaussians of the same dims (Error otherwise), by
// two symmetric eigendecompositions: Σ₁ = V diag(λ) Vᵀ gives Σ₁^½ = V diag(√λ) Vᵀ, and
// tr (Σ₁^½ Σ₂ Σ₁^½)^½ = Σ √μ over the eigenvalues μ of that symmetric product. Eigenvalues
// that rounding leaves slightly negative (a rank-deficient covariance: fewer rows than dims,
// or features on a subspace) are clamped to 0, and so is the result: FD ≥ 0. Agrees with
// scipy.linalg.sqrtm's formula tr(Σ₁ + Σ₂ − 2 sqrtm(Σ₁Σ₂)) where that is accurate, and stays
// real and accurate where sqrtm of a singular product is not.
double frechet_distance(const GaussianFit& a, const GaussianFit& b);

// fit_gaussian on both, then the Fréchet distance: features a (rows_a, dims) and b (rows_b, dims).
double frechet_distance(const Tensor& a, const Tensor& b);

// What the bootstrap says of a Fréchet distance: its bias and a 95% interval.
struct FrechetInterval {
  double bias = 0;  // mean of the resamples' FDs − the FD: the bootstrap's estimate of the bias
  double low = 0;   // 2·FD − the resamples' 97.5% percentile
  double high = 0;  // 2·FD − the resamples' 2.5% percentile
};

// The bootstrap of the Fréchet distance over `resamples` resamples of the rows of both sets
// (resample i draws from substream i of seed, so the result does not depend on the thread
// count). Resampled rows repeat, which adds the finite-sample bias once more: the resamples'
// FDs sit above the FD as the FD sits above the distributions' (at 10,000 × 128, by about
// 1 for unit-variance features). So the interval is the basic bootstrap interval (Davison &
// Hinkley, "Bootstrap Methods and their Application", 1997, section 5.2.1), which reflects
// the percentiles about the FD and so corrects that bias to first order: it is an interval
// for the distributions' FD, and FD − bias the corrected estimate (Efron & Tibshirani, "An
// Introduction to the Bootstrap", ch. 10). Throws Error as frechet_distance does, and when
// resamples < 2.
FrechetInterval frechet_interval(const Tensor& a, const Tensor& b, int64_t resamples, uint64_t seed);

// The k-nearest-neighbour precision and recall of FAKE against REAL.
struct PrecisionRecall {
  int k = 3;             // neighbours that set a ball's radius
  double precision = 0;  // share of FAKE rows inside some REAL row's ball
  double recall = 0;     // share of REAL rows inside some FAKE row's ball
};

// The distance from each row of points (rows, dims) to its k-th nearest neighbour among the
// other rows (itself excluded by index, so a duplicate row is a neighbour at distance 0).
// Exact Euclidean distances: candidates are found by blocked float products
// |a|² + |b|² − 2a·b on centred rows and every one near the running k-th distance is measured
// again in double, so the result does not depend on the blocking or the thread count.
// Throws Error unless rows > k ≥ 1 and every value is finite.
std::vector<double> knn_radii(const Tensor& points, int k);

// The share of queries (q, dims) that lie in at least one ball: ‖x − centre_i‖ ≤ radii[i]
// (the boundary counts) for centres (n, dims). Exact as knn_radii.
double share_in_balls(const Tensor& centres, const std::vector<double>& radii, const Tensor& queries);

// Precision and recall of fake (rows_f, dims) against real (rows_r, dims) with k neighbours
// (k = 3 in the paper): knn_radii of each set, then both shares from one pass over the
// real × fake distances. Throws Error unless both sets have more than k rows, the dims agree
// and every value is finite. About 2·dims·(rows_r + rows_f)² flops: 10,000 × 128 a side took
// 1.0–1.5 s on 2 shared cores here (the Fréchet distance 0.13–0.25 s).
PrecisionRecall precision_recall(const Tensor& real, const Tensor& fake, int k = 3);

// REAL's and FAKE's predicted-class histograms side by side.
struct ClassCoverage {
  int64_t classes = 0;                 // K
  std::vector<int64_t> counts_real;    // (K) REAL rows predicted as class c
  std::vector<int64_t> counts_fake;    // (K) FAKE rows predicted as class c
  std::vector<double> share_real;      // (K) counts_real / rows of REAL
  std::vector<double> share_fake;      // (K) counts_fake / rows of FAKE
  double kl = 0;                       // KL(real ‖ fake) in nats, of the histograms smoothed as below
  int64_t missing = 0;                 // classes REAL has and FAKE never produces
  int64_t balanced = 0;                // classes holding 5–15% of FAKE (both ends included)
};

// The class histograms of real and fake (class indices 0..classes−1) and their divergence.
// KL(real ‖ fake) = Σ p_c log(p_c / q_c) is +inf whenever FAKE misses a class that REAL has,
// which ranks a generator that misses one class with one that misses all but one; so ½ is
// added to every count of both histograms first (the Jeffreys prior; Krichevsky–Trofimov):
// the KL stays finite and a missed class of REAL share p costs about p·log(2p·rows_fake),
// more than any class that is merely rare. `missing` counts such classes outright. Throws
// Error when either set is empty, classes < 1, or an index is outside 0..classes−1.
ClassCoverage class_coverage(const std::vector<int64_t>& real, const std::vector<int64_t>& fake,
                             int64_t classes);

// The predicted class of each row of probabilities (rows, classes): the index of its largest
// value, the lowest index on ties. Throws Error on a NaN.
std::vector<int64_t> predicted_classes(const Tensor& probabilities);

}  // namespace gantool
