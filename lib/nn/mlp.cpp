// Multilayer perceptrons: construction, initialization, forward and backward.
#include "nn/mlp.hpp"

#include <cmath>
#include <cstring>

#include "core/error.hpp"

namespace gantool {

Init parse_init(const std::string& name, const std::string& flag) {
  if (name == "pytorch") return Init::pytorch;
  if (name == "he") return Init::he;
  if (name == "xavier") return Init::xavier;
  fail_usage("{} must be pytorch, he or xavier (got '{}')", flag, name);
}

const char* init_name(Init init) {
  switch (init) {
    case Init::pytorch: return "pytorch";
    case Init::he: return "he";
    case Init::xavier: return "xavier";
  }
  return "?";
}

namespace {

void initialize(Linear& layer, Init init, Rng& rng) {
  const double in = static_cast<double>(layer.in()), out = static_cast<double>(layer.out());
  float* w = layer.weights.data();
  float* b = layer.bias.data();
  switch (init) {
    case Init::pytorch: {  // kaiming_uniform(a=√5) gives bound 1/√in for weights and bias
      const double bound = 1.0 / std::sqrt(in);
      for (int64_t i = 0; i < layer.weights.size(); ++i) w[i] = static_cast<float>(uniform(rng, -bound, bound));
      for (int64_t i = 0; i < layer.bias.size(); ++i) b[i] = static_cast<float>(uniform(rng, -bound, bound));
      break;
    }
    case Init::he: {
      const double std = std::sqrt(2.0 / in);
      for (int64_t i = 0; i < layer.weights.size(); ++i) w[i] = static_cast<float>(std * normal(rng));
      for (int64_t i = 0; i < layer.bias.size(); ++i) b[i] = 0.0f;
      break;
    }
    case Init::xavier: {
      const double bound = std::sqrt(6.0 / (in + out));
      for (int64_t i = 0; i < layer.weights.size(); ++i) w[i] = static_cast<float>(uniform(rng, -bound, bound));
      for (int64_t i = 0; i < layer.bias.size(); ++i) b[i] = 0.0f;
      break;
    }
  }
}

}  // namespace

Mlp::Mlp(const MlpSpec& spec, Init init, Rng& rng) {
  GANTOOL_ASSERT(spec.in > 0 && spec.out > 0);
  int64_t in = spec.in;
  for (int64_t width : spec.hidden) {
    GANTOOL_ASSERT(width > 0);
    layers.emplace_back(in, width, spec.hidden_activation, spec.hidden_alpha);
    in = width;
  }
  layers.emplace_back(in, spec.out, spec.out_activation, spec.out_alpha);
  for (Linear& layer : layers) initialize(layer, init, rng);
  dst_.resize(layers.size());
  diff_.resize(layers.size());
}

Mlp Mlp::copy() const {
  Mlp m;
  for (const Linear& layer : layers) {
    m.layers.emplace_back(layer.in(), layer.out(), layer.activation, layer.alpha);
    m.layers.back().weights = layer.weights;
    m.layers.back().bias = layer.bias;
  }
  m.dst_.resize(layers.size());
  m.diff_.resize(layers.size());
  return m;
}

const Tensor& Mlp::forward(const float* src, int64_t batch) {
  src_ = src;
  batch_ = batch;
  const float* x = src;
  for (size_t l = 0; l < layers.size(); ++l) {
    dst_[l].resize(batch, layers[l].out());  // no allocation once the largest batch was seen
    layers[l].forward(x, dst_[l].data(), batch);
    x = dst_[l].data();
  }
  return dst_.back();
}

void Mlp::backward(const float* diff_dst, bool param_grads, float* diff_src, int64_t first, int64_t rows) {
  GANTOOL_ASSERT(src_ != nullptr);
  if (rows < 0) rows = batch_ - first;
  GANTOOL_ASSERT(first >= 0 && rows > 0 && first + rows <= batch_);
  const size_t last = layers.size() - 1;
  diff_[last].resize(rows, layers[last].out());
  std::memcpy(diff_[last].data(), diff_dst, static_cast<size_t>(diff_[last].size()) * sizeof(float));
  for (size_t l = last + 1; l-- > 0;) {
    if (l == 0 && !param_grads && !diff_src) break;  // nothing wanted from the first layer
    const float* src = l == 0 ? src_ + first * in() : dst_[l - 1].row(first);
    float* diff_below = diff_src;
    if (l > 0) {
      diff_[l - 1].resize(rows, layers[l - 1].out());
      diff_below = diff_[l - 1].data();
    }
    layers[l].backward(src, dst_[l].row(first), diff_[l].data(), diff_below, param_grads, rows);
  }
}

std::vector<Param> Mlp::params() {
  std::vector<Param> out;
  for (Linear& layer : layers) {
    out.push_back({layer.weights.data(), layer.diff_weights.data(), layer.weights.size()});
    out.push_back({layer.bias.data(), layer.diff_bias.data(), layer.bias.size()});
  }
  return out;
}

int64_t Mlp::parameter_count() const {
  int64_t n = 0;
  for (const Linear& layer : layers) n += layer.weights.size() + layer.bias.size();
  return n;
}

}  // namespace gantool
