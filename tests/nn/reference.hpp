// Naive double-precision layers and MLPs, written independently of lib/nn, to check the
// oneDNN implementation's forward values and (by central finite differences) its gradients.
#pragma once

#include <cmath>
#include <vector>

#include "nn/activation.hpp"
#include "nn/net.hpp"

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

inline std::vector<RefLayer> ref_layers(const gantool::Net& net) {
  std::vector<RefLayer> layers;
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const gantool::Linear& l = net.layers[i].linear;
    const float* w = net.weights(i);
    const float* b = net.bias(i);
    layers.push_back({l.in(), l.out(), l.activation, l.alpha, std::vector<double>(w, w + l.in() * l.out()),
                      std::vector<double>(b, b + l.out())});
  }
  return layers;
}

// The spec of an MLP in → hidden → out whose output layer's activation has its own α.
inline gantool::NetSpec mlp(int64_t in, const std::vector<int64_t>& hidden, int64_t out, gantool::Activation act,
                            float alpha, gantool::Activation out_act, float out_alpha) {
  gantool::NetSpec spec = gantool::mlp_spec(in, {hidden, act, alpha, out_act}, out);
  spec.layers.back().alpha = out_alpha;
  return spec;
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
