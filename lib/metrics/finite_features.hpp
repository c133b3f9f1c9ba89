// The report's features: metrics/features.hpp's, made finite for its models and KD-trees (a
// real NaN of a continuous column is a value there, not missing, and stays NaN).
#pragma once

#include <algorithm>
#include <cmath>

#include "metrics/features.hpp"

namespace gantool {

// encode_features, with NaN as 0 and values clipped to ±20 (as eval-jsd's classifier clips
// its inputs): (rows, map.width).
inline Tensor encode_finite(const FeatureMap& map, const Table& table) {
  Tensor x = encode_features(map, table);
  float* v = x.data();
  for (int64_t i = 0; i < x.size(); ++i) v[i] = std::isnan(v[i]) ? 0.0f : std::clamp(v[i], -20.0f, 20.0f);
  return x;
}

}  // namespace gantool
