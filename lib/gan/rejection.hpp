// Discriminator rejection sampling (Azadi et al. 2019, "Discriminator Rejection Sampling",
// ICLR 2019, sec. 3): keep a generated draw with a probability that rises with the
// discriminator's logit, so that the kept draws follow the data more closely.
//
// With D = σ(logit) near D* = p_data/(p_data + p_g), p_data/p_g = exp(logit); a draw is kept
// with probability σ(F), F = d − log(1 − exp(d − ε)) − γ, d = logit − log M, where
// M = max exp(logit) over a burn-in. At γ = 0 this is exactly exp(d) = ratio/M: textbook
// rejection sampling, whose output follows p_g·ratio ∝ p_data. Pure math on logits: the
// caller runs the networks.
#pragma once

#include <cstdint>
#include <vector>

#include "core/rng.hpp"

namespace gantool {

struct Rejection {
  double log_m = 0;  // log M: the largest logit of the burn-in
  double gamma = 0;  // γ: 0 exact, < 0 keeps more draws, > 0 fewer

  // The probability of keeping a draw whose discriminator logit is `logit` (1 above log M:
  // Azadi et al. then raise M; a fixed M keeps the rows reproducible).
  double keep_probability(float logit) const;
};

// The bound log M after n more burn-in logits: the largest of log_m and logits[0..n).
double raise_bound(double log_m, const float* logits, int64_t n);

// Decides draws first, first + 1, ... in order, whose logits are logits[0..n), stopping once
// `wanted` are kept: draw i is kept when the uniform of row first + i of accept_rng
// (fill_uniform_rows, one column) is below its keep probability. The indices of the kept
// draws go to `kept` (cleared first); returns the number of draws looked at, up to the last
// one kept. `uniforms` is the caller's scratch, sized here (kept between blocks, it
// allocates nothing after the first).
int64_t choose_draws(const Rejection& rejection, const Rng& accept_rng, int64_t first, const float* logits, int64_t n,
                     int64_t wanted, std::vector<int64_t>& kept, std::vector<float>& uniforms);

}  // namespace gantool
