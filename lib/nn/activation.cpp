// Activations and their derivatives.
#include "nn/activation.hpp"

#include <cmath>

#include "core/error.hpp"

namespace gantool {

Activation parse_activation(const std::string& name, const std::string& flag) {
  if (name == "identity" || name == "linear") return Activation::identity;
  if (name == "relu") return Activation::relu;
  if (name == "leaky_relu" || name == "leaky-relu" || name == "lrelu") return Activation::leaky_relu;
  if (name == "elu") return Activation::elu;
  if (name == "tanh") return Activation::tanh;
  if (name == "sigmoid") return Activation::sigmoid;
  if (name == "softplus") return Activation::softplus;
  fail_usage("{} must be one of identity, relu, leaky_relu, elu, tanh, sigmoid, softplus (got '{}')", flag, name);
}

const char* activation_name(Activation act) {
  switch (act) {
    case Activation::identity: return "identity";
    case Activation::relu: return "relu";
    case Activation::leaky_relu: return "leaky_relu";
    case Activation::elu: return "elu";
    case Activation::tanh: return "tanh";
    case Activation::sigmoid: return "sigmoid";
    case Activation::softplus: return "softplus";
  }
  return "?";
}

float default_alpha(Activation act) {
  if (act == Activation::leaky_relu) return 0.2f;
  if (act == Activation::elu) return 1.0f;
  return 0.0f;
}

void activation_forward(Activation act, float alpha, const float* src, float* dst, int64_t n) {
  switch (act) {
    case Activation::identity:
      for (int64_t i = 0; i < n; ++i) dst[i] = src[i];
      break;
    case Activation::relu:
      for (int64_t i = 0; i < n; ++i) dst[i] = src[i] > 0 ? src[i] : 0.0f;
      break;
    case Activation::leaky_relu:
      for (int64_t i = 0; i < n; ++i) dst[i] = src[i] > 0 ? src[i] : alpha * src[i];
      break;
    case Activation::elu:
      for (int64_t i = 0; i < n; ++i) dst[i] = src[i] > 0 ? src[i] : alpha * std::expm1(src[i]);
      break;
    case Activation::tanh:
      for (int64_t i = 0; i < n; ++i) dst[i] = std::tanh(src[i]);
      break;
    case Activation::sigmoid:
      for (int64_t i = 0; i < n; ++i) dst[i] = 1.0f / (1.0f + std::exp(-src[i]));
      break;
    case Activation::softplus:  // max(x, 0) + log1p(e^−|x|), stable for large |x|
      for (int64_t i = 0; i < n; ++i) dst[i] = std::fmax(src[i], 0.0f) + std::log1p(std::exp(-std::fabs(src[i])));
      break;
  }
}

// The loops select a factor and multiply unconditionally (x · 1 is exact), so that they
// vectorize; the large ones are split across the OpenMP threads (element-wise: the same bits
// whatever the thread count).
void activation_backward(Activation act, float alpha, const float* __restrict dst, float* __restrict diff,
                         int64_t n) {
  const bool threaded = n >= 65536;
  switch (act) {
    case Activation::identity:
      break;
    case Activation::relu:
#pragma omp parallel for schedule(static) if (threaded)
      for (int64_t i = 0; i < n; ++i) {
        const float slope = dst[i] > 0.0f ? 1.0f : 0.0f;
        diff[i] = diff[i] * slope;
      }
      break;
    case Activation::leaky_relu:
#pragma omp parallel for schedule(static) if (threaded)
      for (int64_t i = 0; i < n; ++i) {
        const float slope = dst[i] > 0.0f ? 1.0f : alpha;
        diff[i] = diff[i] * slope;
      }
      break;
    case Activation::elu:
#pragma omp parallel for schedule(static) if (threaded)
      for (int64_t i = 0; i < n; ++i) {
        const float below = dst[i] + alpha;  // f'(x) = f(x) + α for x ≤ 0
        const float slope = dst[i] > 0.0f ? 1.0f : below;
        diff[i] = diff[i] * slope;
      }
      break;
    case Activation::tanh:
#pragma omp parallel for schedule(static) if (threaded)
      for (int64_t i = 0; i < n; ++i) diff[i] *= 1.0f - dst[i] * dst[i];
      break;
    case Activation::sigmoid:
#pragma omp parallel for schedule(static) if (threaded)
      for (int64_t i = 0; i < n; ++i) diff[i] *= dst[i] * (1.0f - dst[i]);
      break;
    case Activation::softplus:  // f' = sigmoid(x) = 1 − e^−softplus(x)
#pragma omp parallel for schedule(static) if (threaded)
      for (int64_t i = 0; i < n; ++i) diff[i] *= -std::expm1(-dst[i]);
      break;
  }
}

bool has_curvature(Activation act) {
  return act == Activation::elu || act == Activation::tanh || act == Activation::sigmoid ||
         act == Activation::softplus;
}

void activation_curvature(Activation act, float alpha, const float* __restrict dst, float* __restrict diff,
                          int64_t n) {
  switch (act) {
    case Activation::identity:
    case Activation::relu:
    case Activation::leaky_relu:
      for (int64_t i = 0; i < n; ++i) diff[i] = 0.0f;
      break;
    case Activation::elu:  // f''(x) = αe^x = f(x) + α for x ≤ 0
      for (int64_t i = 0; i < n; ++i) {
        const float below = dst[i] + alpha;
        const float curve = dst[i] > 0.0f ? 0.0f : below;
        diff[i] = diff[i] * curve;
      }
      break;
    case Activation::tanh:
      for (int64_t i = 0; i < n; ++i) diff[i] *= -2.0f * dst[i] * (1.0f - dst[i] * dst[i]);
      break;
    case Activation::sigmoid:
      for (int64_t i = 0; i < n; ++i) diff[i] *= dst[i] * (1.0f - dst[i]) * (1.0f - 2.0f * dst[i]);
      break;
    case Activation::softplus: {  // f' = σ(x) = 1 − e^−y, f'' = σ(1 − σ) = (1 − e^−y)·e^−y
      for (int64_t i = 0; i < n; ++i) {
        const float e = std::exp(-dst[i]);
        diff[i] *= -std::expm1(-dst[i]) * e;
      }
      break;
    }
  }
}

}  // namespace gantool
