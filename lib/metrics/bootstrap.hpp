// The percentile bootstrap interval of a JSD estimate over its per-row terms (the fitted
// estimator held fixed; Efron & Tibshirani, "An Introduction to the Bootstrap", ch. 13).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "core/rng.hpp"
#include "metrics/jsd.hpp"

namespace gantool {

// The sum of terms.size() terms drawn with replacement: four indices per Philox block,
// index = ⌊u·n / 2³²⌋ from a 32-bit u (bias below n / 2³², nothing at these sizes), from
// the blocks of `part` (2⁶² apart) of rng's stream.
double resampled_sum(const std::vector<double>& terms, const Rng& rng, uint64_t part);

// The 2.5% and 97.5% percentiles of `resamples` bootstrap estimates of e; resample i draws
// from substream first_stream + i of seed, so the interval does not depend on the thread
// count.
std::pair<double, double> bootstrap_interval(const JsdEstimate& e, int64_t resamples, uint64_t seed,
                                             uint64_t first_stream);

}  // namespace gantool
