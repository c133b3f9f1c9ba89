// Naive double-precision layers and MLPs, written independently of lib/nn, to check the
// oneDNN implementation's forward values and (by central finite differences) its gradients.
#pragma once

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
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

// A layer's parameters in double: w (out × in, row-major), b (out), and the dropout
// scales of its outputs (batch × out, each 0 or 1/(1 − p); empty: no dropout).
// With batch norm: γ and β, and the running mean and variance to normalize with (empty:
// the batch's own, as in a training forward); with concat the output is [y, input].
struct RefLayer {
  int64_t in, out;
  gantool::Activation act;
  double alpha;
  std::vector<double> w, b;
  std::vector<double> scale = {};
  bool batch_norm = false, concat = false;
  std::vector<double> gamma = {}, beta = {}, mean = {}, var = {};
};

inline std::vector<double> view_values(const gantool::ParamBlock& block, const std::string& name) {
  const gantool::ParamView* v = block.find(name);
  REQUIRE(v != nullptr);
  return std::vector<double>(block.value(*v), block.value(*v) + v->size);
}

// The net's layers in double; with batch norm, normalizing by the batch's statistics
// (training) or, when `running`, by the net's running statistics (evaluation).
inline std::vector<RefLayer> ref_layers(const gantool::Net& net, bool running = false) {
  std::vector<RefLayer> layers;
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const gantool::LayerSpec& s = net.spec().layers[i];
    const int64_t in = net.spec().layer_inputs()[i];
    const float* w = net.weights(i);
    const float* b = net.bias(i);
    RefLayer l{in, s.out, s.activation, s.alpha, std::vector<double>(w, w + in * s.out), std::vector<double>(b, b + s.out)};
    l.concat = s.concat;
    l.batch_norm = s.batch_norm;
    if (s.batch_norm) {
      const std::string p = "layer" + std::to_string(i) + "/bn_";
      l.gamma = view_values(net.params, p + "scale");
      l.beta = view_values(net.params, p + "shift");
      if (running) {
        l.mean = view_values(net.state, p + "mean");
        l.var = view_values(net.state, p + "var");
      }
    }
    layers.push_back(std::move(l));
  }
  return layers;
}

// The dropout scales of a training forward of `net` on `batch` rows with masks from rng,
// rows [first, first + rows) of them, into each layer with dropout. Net::forward draws one
// uniform per output value of each such layer, layer by layer, row-major, and keeps a value
// when u ≥ p: the same draws from the same rng give the same masks.
inline void add_dropout_scales(std::vector<RefLayer>& layers, const gantool::Net& net, gantool::Rng rng,
                               int64_t batch, int64_t first, int64_t rows) {
  for (size_t l = 0; l < layers.size(); ++l) {
    const double p = net.spec().layers[l].dropout;
    if (p <= 0) continue;
    std::vector<float> u(batch * layers[l].out);
    gantool::fill_uniform(rng, u.data(), static_cast<int64_t>(u.size()), 0.0f, 1.0f);
    layers[l].scale.clear();
    for (int64_t i = first * layers[l].out; i < (first + rows) * layers[l].out; ++i)
      layers[l].scale.push_back(u[i] >= static_cast<float>(p) ? 1 / (1 - p) : 0.0);
  }
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
    std::vector<double> a(batch * l.out);
    for (int64_t r = 0; r < batch; ++r)
      for (int64_t o = 0; o < l.out; ++o) {
        double s = l.b[o];
        for (int64_t i = 0; i < l.in; ++i) s += l.w[o * l.in + i] * x[r * l.in + i];
        a[r * l.out + o] = s;
      }
    if (l.batch_norm)
      for (int64_t o = 0; o < l.out; ++o) {
        double mean = 0, var = 0;
        for (int64_t r = 0; r < batch; ++r) mean += a[r * l.out + o] / double(batch);
        for (int64_t r = 0; r < batch; ++r) var += (a[r * l.out + o] - mean) * (a[r * l.out + o] - mean) / double(batch);
        if (!l.mean.empty()) {
          mean = l.mean[o];
          var = l.var[o];
        }
        for (int64_t r = 0; r < batch; ++r)
          a[r * l.out + o] = l.gamma[o] * (a[r * l.out + o] - mean) / std::sqrt(var + 1e-5) + l.beta[o];
      }
    const int64_t width = l.out + (l.concat ? l.in : 0);
    std::vector<double> y(batch * width);
    for (int64_t r = 0; r < batch; ++r) {
      for (int64_t o = 0; o < l.out; ++o)
        y[r * width + o] = act_ref(l.act, l.alpha, a[r * l.out + o]) * (l.scale.empty() ? 1.0 : l.scale[r * l.out + o]);
      if (l.concat)
        for (int64_t i = 0; i < l.in; ++i) y[r * width + l.out + i] = x[r * l.in + i];
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
        y[r * l.out + o] = act_ref(l.act, l.alpha, s) * (l.scale.empty() ? 1.0 : l.scale[r * l.out + o]);
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
        const double d = g[r * l.out + o] * act_derivative_ref(l.act, l.alpha, pre[k][r * l.out + o]) *
                         (l.scale.empty() ? 1.0 : l.scale[r * l.out + o]);
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
