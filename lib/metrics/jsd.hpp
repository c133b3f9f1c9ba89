// Estimators of the Jensen–Shannon divergence between the distributions behind two samples,
// JSD(P‖Q) = ½ KL(P‖M) + ½ KL(Q‖M), M = (P + Q)/2, in nats (0 … ln 2). At the optimal
// discriminator the GAN criterion is −log 4 + 2·JSD (Goodfellow et al. 2014, Theorem 1), so
// JSD is the yardstick of a generator.
//
// Every estimator writes one term per row, so that the estimate is
//   JSD ≈ ½ mean(terms_a) + ½ mean(terms_b) + correction
// and an interval can be had by resampling rows' terms (the fitted estimator held fixed).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.hpp"

namespace gantool {

struct JsdEstimate {
  double jsd = 0;                       // nats
  std::vector<double> terms_a, terms_b;  // per-row contributions
  double correction = 0;                // added to the terms' mean (hist's bias correction)
  std::string settings;                 // "k = 10", "25 × 25 bins", ...
  bool lower_bound = false;             // classifier: a lower bound of the JSD
};

// Plug-in JSD on a grid of shared bins, dimension ≤ 3: per dimension Freedman–Diaconis
// widths on the pooled rows (at the d-dimensional rate N^(−1/(d+2))), coarsened until there
// are at most min(rows_a, rows_b)/20 cells (the grid spans the central 99.8% of the rows);
// the first-order (delta-method) bias of each plug-in entropy is corrected (Miller–Madow
// for H(P̂) and H(Q̂); for H(M̂) its variance form).
JsdEstimate hist_jsd(const Tensor& a, const Tensor& b);

// k-nearest-neighbour estimate on the pooled sample (a and b must have the same row count;
// rows are standardized by the caller, with standardize_pooled). Distinct rows are searched
// once, with their multiplicities. For a row x of A, r is the distance to its k-th
// neighbour in A (itself excluded); with c_a ≥ k rows of A and c_b of B within r (ties and
// duplicates included), log p/m at x is ψ(c_a) − ψ(c_a + c_b) + log((2n − 1)/(n − 1))
// (the densities of A and of the pooled sample within the same ball; digamma for the log
// of a count). Symmetrically for B. KD-trees: nanoflann. Parallel over rows.
JsdEstimate knn_jsd(const Tensor& a, const Tensor& b, int k);

// knn_jsd's per-row terms for samples of any sizes (more than k_a rows in a, k_b in b, and at
// least one each): for each row of a, log p_a/m with k_a neighbours, m the pooled density of
// a and b (weighted by their row counts), capped at log((rows_a + rows_b)/rows_a); 0 for
// every row when k_a is 0. Symmetrically for b.
void knn_log_ratios(const Tensor& a, const Tensor& b, int k_a, int k_b, std::vector<double>& terms_a,
                    std::vector<double>& terms_b);

// Classifier route: JSD = ln 2 + ½ E_A[ln D] + ½ E_B[ln(1 − D)] for the optimal D; any other
// D gives less, so this is a lower bound. a and b have the same row count. With `folds`
// cross-fitting, each row is scored by a model trained on the other folds: there, a
// logistic regression on (x, x²) and an MLP (2 × 128 leaky-ReLU) are trained with Adam
// and early stopping on a validation fifth; the one with the lower validation
// cross-entropy scores the held-out fold.
JsdEstimate classifier_jsd(const Tensor& a, const Tensor& b, int folds, uint64_t seed);

// Standardizes the columns of a and b in place with the pooled median and IQR/1.349 (a
// normal's std; robust to outliers), falling back to the std, then to 1, for a column whose
// IQR is 0.
void standardize_pooled(Tensor& a, Tensor& b);

}  // namespace gantool
