// Mode-coverage metrics for samples from a GAN trained on a Gaussian mixture whose modes are
// known: the standard evaluation on the ring of 8 and the grid of 25 Gaussians.
//
// Metz, Poole, Pfau, Sohl-Dickstein, "Unrolled Generative Adversarial Networks" (ICLR 2017)
// introduced the ring of 8 as a mode-collapse benchmark. Lin, Khetan, Fanti, Oh, "PacGAN: The
// power of two samples in generative adversarial networks" (NeurIPS 2018), in their
// experiments on the 2-D ring and grid, score a generator with the three numbers below. They
// take the numbers from Srivastava et al., "VEEGAN" (NeurIPS 2017):
//
//   nearest mode   m(x) = argmin_k ‖x − μ_k‖²  (squared Euclidean, in double; ties go to the
//                  lowest k)
//   high quality   a sample x with ‖x − μ_m(x)‖ ≤ radius_std · mode_std (the boundary counts;
//                  radius_std is 3 in the papers). A sample with a NaN or ±inf coordinate is
//                  never high quality.
//   covered        mode k is covered (PacGAN: "captured") when it is the nearest mode of at
//                  least one high-quality sample. This is the definition the issue asks for:
//                  a mode is covered when it is the nearest mode of at least one sample that
//                  lies within 3 std of it.
//   KL to uniform  KL(p̂ ‖ u) = Σ_k p̂_k log(K p̂_k) in nats, where p̂_k = counts[k] / Σ counts
//                  is the histogram of nearest modes over the high-quality samples and u is
//                  uniform on the K modes; 0 · log 0 = 0. PacGAN reports this as "reverse KL".
//                  It is 0 for a perfectly balanced histogram and log K when every
//                  high-quality sample sits on one mode. It is also log K when no sample is
//                  high quality: nothing has been learned, which is as bad as one mode.
//
//   width          how spread the high-quality samples are around their modes: the RMS
//                  distance to the nearest mode per coordinate, in units of mode_std,
//                  √(Σ ‖x − μ_m(x)‖² / (n_hq · d)) / mode_std over the n_hq high-quality
//                  samples; per mode the same over its own samples. A generator that squeezes
//                  each mode towards a point (the usual failure of a GAN that covers every
//                  mode) scores well below the exact sampler's value below.
//
// For reference, the fraction of samples from a true d-dimensional isotropic Gaussian that
// lie within r std of its mean is P(χ²_d ≤ r²): 1 − exp(−r²/2) in 2-D, so 0.98889 for r = 3
// (not the 1-D value 0.9973). The width of an exact sampler's high-quality samples is
// √(E[χ²_d | χ²_d ≤ r²] / d) = √(P(χ²_{d+2} ≤ r²) / P(χ²_d ≤ r²)): 0.97440 in 2-D for
// r = 3, and 1 without the cut.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.hpp"

namespace gantool {

class RowSource;
struct TrueDistribution;

// The coverage of K known modes by a set of samples (definitions above).
struct ModeStats {
  int64_t modes = 0;            // K, the number of true modes
  int64_t rows = 0;             // samples scored
  int64_t nonfinite = 0;        // of them, samples with a NaN or ±inf coordinate (never high quality)
  int64_t covered = 0;          // modes that are the nearest mode of at least one high-quality sample
  double high_quality = 0;      // fraction of all samples that are high quality (0 when there are none)
  double kl_to_uniform = 0;     // KL(p̂ ‖ uniform) in nats over the high-quality samples; log K when none
  std::vector<int64_t> counts;  // (K) high-quality samples whose nearest mode is k
  std::vector<double> sum_d2;   // (K) Σ ‖x − μ_k‖² over those samples, in data units
  int64_t dim = 0;              // d, the samples' columns
  double mode_std = 0;          // the std the widths are in units of
  double width = 0;             // of all high-quality samples (0 when there are none)
  double exact_width = 0;       // an exact sampler's width at this radius and dimension

  // Mode k's width: √(sum_d2[k] / (counts[k] · d)) / mode_std, 0 when it has no samples.
  double mode_width(int64_t k) const;
};

// √(P(χ²_{d+2} ≤ r²) / P(χ²_d ≤ r²)): the width of the high-quality samples of an exact
// sampler in d dimensions at radius_std r (1 for an infinite r, 0 for r = 0).
double exact_mode_width(int64_t d, double radius_std);

// Scores samples (n, d) against the mixture's modes (K, d); mode_std is the isotropic std of
// each mode and radius_std the high-quality radius in units of it. Throws Error when the
// column counts differ, modes is empty or not finite, mode_std is not a finite positive
// number, or radius_std is negative or NaN. Allocates only the result's counts; about
// 3·n·K·d flops.
ModeStats mode_stats(const Tensor& samples, const Tensor& modes, double mode_std,
                     double radius_std = 3.0);

// Scores more samples (n, d) into `stats` (a default ModeStats to start with) and updates its
// summary figures, so that a file can be scored block by block. Throws as mode_stats does, and
// when stats already holds another number of modes.
void add_mode_stats(ModeStats& stats, const Tensor& samples, const Tensor& modes, double mode_std,
                    double radius_std = 3.0);

// Scores the rows of src from its current position, at most max_rows of them (all when
// max_rows is negative), against truth's modes and mode_std, one block at a time: memory does
// not grow with the file. Call check_known_modes first.
ModeStats mode_stats(RowSource& src, int64_t max_rows, const TrueDistribution& truth, double radius_std = 3.0);

// Throws Error unless `truth`, read from `file`, is a mixture with known modes that samples of
// `cols` columns, from `samples`, can be scored against. The message names the file (and
// `samples` when the widths differ) and says which file to give instead.
void check_known_modes(const TrueDistribution& truth, const std::string& file, int64_t cols,
                       const std::string& samples);

}  // namespace gantool
