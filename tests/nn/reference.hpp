// Naive double-precision layers and MLPs, written independently of lib/nn, to check the
// oneDNN implementation's forward values and (by central finite differences) its gradients.
#pragma once

#include <cmath>
#include <vector>

#include "nn/activation.hpp"
#include "nn/mlp.hpp"

namespace gantool_test {

inline double act_ref(gantool::Activation act, double alpha, double x) {
  using gantool::Activation;
  switch (act) {
    case Activation::identity: return x;
    case Activation::relu: return x > 0 ? x : 0;
    case Activation::leaky_relu: return x > 0 ? x : alpha * x;
    case Activation::elu: return x > 0 ? x : alpha * (std::exp(x) - 1);
    case Activation::tanh: return std::tanh(x);
    case Activation::sigmoid: return 1 / (1 + std::exp(-x));
    case Activation::softplus: return std::log(1 + std::exp(x));
  }
  return 0;
}

// A layer's parameters in double: w (out × in, row-major), b (out).
struct RefLayer {
  int64_t in, out;
  gantool::Activation act;
  double alpha;
  std::vector<double> w, b;
};

inline std::vector<RefLayer> ref_layers(const gantool::Mlp& mlp) {
  std::vector<RefLayer> layers;
  for (const auto& l : mlp.layers)
    layers.push_back({l.in(), l.out(), l.activation, l.alpha,
                      std::vector<double>(l.weights.data(), l.weights.data() + l.weights.size()),
                      std::vector<double>(l.bias.data(), l.bias.data() + l.bias.size())});
  return layers;
}

// y = mlp(x) for a batch (batch × in) in double.
inline std::vector<double> ref_forward(const std::vector<RefLayer>& layers, std::vector<double> x, int64_t batch) {
  for (const RefLayer& l : layers) {
    std::vector<double> y(batch * l.out);
    for (int64_t r = 0; r < batch; ++r)
      for (int64_t o = 0; o < l.out; ++o) {
        double s = l.b[o];
        for (int64_t i = 0; i < l.in; ++i) s += l.w[o * l.in + i] * x[r * l.in + i];
        y[r * l.out + o] = act_ref(l.act, l.alpha, s);
      }
    x = std::move(y);
  }
  return x;
}

inline double act_derivative_ref(gantool::Activation act, double alpha, double x) {
  using gantool::Activation;
  switch (act) {
    case Activation::identity: return 1;
    case Activation::relu: return x > 0 ? 1 : 0;
    case Activation::leaky_relu: return x > 0 ? 1 : alpha;
    case Activation::elu: return x > 0 ? 1 : alpha * std::exp(x);
    case Activation::tanh: return 1 - std::tanh(x) * std::tanh(x);
    case Activation::sigmoid: return 1 / (1 + std::exp(-x)) * (1 - 1 / (1 + std::exp(-x)));
    case Activation::softplus: return 1 / (1 + std::exp(-x));
  }
  return 0;
}

// ∂y/∂x (batch × in) of a one-output MLP in double: pre-activations forward, then the chain
// rule back with f' of the pre-activation (not of the output, as lib/nn does).
inline std::vector<double> ref_input_gradient(const std::vector<RefLayer>& layers, std::vector<double> x,
                                              int64_t batch) {
  std::vector<std::vector<double>> pre;
  for (const RefLayer& l : layers) {
    std::vector<double> a(batch * l.out), y(batch * l.out);
    for (int64_t r = 0; r < batch; ++r)
      for (int64_t o = 0; o < l.out; ++o) {
        double s = l.b[o];
        for (int64_t i = 0; i < l.in; ++i) s += l.w[o * l.in + i] * x[r * l.in + i];
        a[r * l.out + o] = s;
        y[r * l.out + o] = act_ref(l.act, l.alpha, s);
      }
    pre.push_back(std::move(a));
    x = std::move(y);
  }
  std::vector<double> g(batch, 1.0);  // ∂y/∂y
  for (size_t k = layers.size(); k-- > 0;) {
    const RefLayer& l = layers[k];
    std::vector<double> below(batch * l.in, 0.0);
    for (int64_t r = 0; r < batch; ++r)
      for (int64_t o = 0; o < l.out; ++o) {
        const double d = g[r * l.out + o] * act_derivative_ref(l.act, l.alpha, pre[k][r * l.out + o]);
        for (int64_t i = 0; i < l.in; ++i) below[r * l.in + i] += d * l.w[o * l.in + i];
      }
    g = std::move(below);
  }
  return g;
}

// The scalar loss L = Σ c ⊙ mlp(x) whose gradient the tests check.
inline double ref_loss(const std::vector<RefLayer>& layers, const std::vector<double>& x, int64_t batch,
                       const std::vector<double>& c) {
  const std::vector<double> y = ref_forward(layers, x, batch);
  double s = 0;
  for (size_t i = 0; i < y.size(); ++i) s += c[i] * y[i];
  return s;
}

// Central difference of f at `value`, restoring it afterwards.
template <typename F>
double central_difference(double& value, F f, double h = 1e-6) {
  const double saved = value;
  value = saved + h;
  const double up = f();
  value = saved - h;
  const double down = f();
  value = saved;
  return (up - down) / (2 * h);
}

}  // namespace gantool_test
